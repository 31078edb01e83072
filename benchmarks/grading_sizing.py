"""How long grading a class takes, on paper from measurement, and the shard path checked.

    .venv/bin/python benchmarks/grading_sizing.py [--assignments gd,sgd] [--cores 8]

1. **Cost per submission.** A scratch course gets, for each assignment, the
   solution and the blank release as two submissions, and the engine grades them
   (``grading.grade.grade``, one assignment at a time). From the engine's own
   timings: the core-seconds one submission takes (its kernel's wall time: one
   kernel per core), and each assignment's start-up (``nbgrader
   generate_assignment`` and the warm zygote, paid once per shard).
2. **Merge cost.** Four synthetic shard gradebooks of 100 students each (copies of
   a graded submission) are merged into an empty gradebook; seconds per merged
   submission.
3. **The shard path, end to end.** ``gd`` for 8 students is graded once on one
   machine, and again as N = 4 shards, each ``python -m grading.grade --shard
   i/4`` as a separate process, merged by ``python -m grading.merge``; every cell's
   score and comment and every total must equal the one-machine run.

The model printed (S students, A assignments, N nodes of C cores):

    wall = startup + ceil(S / N) * sum_a(cost_a) / C + S * A * merge + merge_fixed

``cost_a`` is the measured core-seconds per submission of assignment a; ``startup``
is one shard's start-up for all A assignments (a node grades its shard's
assignments one after another); ``merge`` the measured seconds per merged
submission and ``merge_fixed`` the merge's fixed cost (``nbgrader export`` of
grades.csv, measured at S = 8). It assumes nodes of this machine's speed, one kernel
per core with memory to match (each kernel may use 2 GB more than at start), and
one node's shard as a single process (several per node split the start-up).
"""

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grading import course as C  # noqa: E402
from grading import grade as G  # noqa: E402
from grading import merge as M  # noqa: E402

COURSE_ID = "optimization-for-deep-learning"


def measure_costs(names, scratch):
    """{assignment: (core-seconds per submission, start-up seconds)}."""
    costs = {}
    for name in names:
        course = C.make_course(Path(scratch) / "cost" / name, [name])
        C.submit(course, "solution", name, nbformat.read(C.source_path(name), as_version=4))
        C.submit(course, "blank", name, nbformat.read(C.release_path(name), as_version=4))
        started = time.perf_counter()
        with C.environment(GRADING_WORKERS="1"):
            ok, seconds, _ = G.grade(course, csv_name="", with_feedback=False, quiet=True)
        total = time.perf_counter() - started
        if not ok:
            raise SystemExit(f"grading {name} failed: see {course / 'grading.log'}")
        batch = G._batches[(str(course.resolve()), G.REPORT_NAME)][name]
        per = [r.timings["total"] for r in batch.results]
        cost = sum(per) / len(per)
        startup = total - sum(per)  # register, zygote, gradebook, process overheads
        costs[name] = (cost, startup)
        print(f"  {name:16s} {cost:5.2f} core-s per submission, start-up {startup:5.1f} s",
              flush=True)
    return costs


def measure_merge(scratch, per_shard=100, shards=4):
    """Seconds per merged submission (synthetic shards of copies of one graded gd run)."""
    from nbgrader.api import Gradebook

    base = Path(scratch) / "merge"
    course = C.make_course(base, ["gd"])
    C.submit(course, "solution", "gd", nbformat.read(C.source_path("gd"), as_version=4))
    with C.environment(GRADING_WORKERS="1"):
        G.grade(course, csv_name="", with_feedback=False, quiet=True)
    template = M.snapshot("sqlite:///" + str(course / "gradebook.db"), COURSE_ID)[("gd", "solution")]
    for index in range(1, shards + 1):
        shard = course / f"gradebook-shard-{index}-of-{shards}.db"
        shutil.copy(course / "gradebook.db", shard)
        with Gradebook("sqlite:///" + str(shard), COURSE_ID) as gradebook:
            for k in range(per_shard):
                student = f"s{index}-{k:04d}"
                gradebook.update_or_create_student(student)
                M._write_submission(gradebook, "gd", student, template)
            gradebook.db.commit()
    (course / "gradebook.db").unlink()
    started = time.perf_counter()
    merged = M.merge(course, quiet=True)
    seconds = time.perf_counter() - started
    return seconds / len(merged), len(merged)


def run(args, cwd, workers):
    env = dict(os.environ, GRADING_WORKERS=str(workers),
               PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    env.pop("NBGRADER_DB_URL", None)
    out = subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=env, capture_output=True,
                         text=True)
    if out.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
    return out


def check_shards(scratch, count=4, students=8):
    """Grade gd for ``students`` on one machine and as ``count`` shards; compare; timings."""
    base = Path(scratch) / "check"
    single = C.make_course(base / "single", ["gd"])
    C.standard_submissions(single, "gd")
    solution = nbformat.read(C.source_path("gd"), as_version=4)
    k = 0
    while len(list((single / "submitted").iterdir())) < students:
        C.submit(single, f"extra{k}", "gd", solution)
        k += 1
    sharded = C.make_course(base / "sharded", ["gd"])
    shutil.copytree(single / "submitted", sharded / "submitted")
    times = {}
    started = time.perf_counter()
    run(["grading.grade", "--root", str(single), "--no-feedback"], single, 2)
    times["one machine"] = time.perf_counter() - started
    for index in range(1, count + 1):
        started = time.perf_counter()
        run(["grading.grade", "--root", str(sharded), "--shard", f"{index}/{count}",
             "--no-feedback"], sharded, 2)
        times[f"shard {index}/{count}"] = time.perf_counter() - started
    started = time.perf_counter()
    run(["grading.merge", "--root", str(sharded)], sharded, 1)
    times["merge (with grades.csv)"] = time.perf_counter() - started
    one = M.snapshot("sqlite:///" + str(single / "gradebook.db"), COURSE_ID)
    merged = M.snapshot("sqlite:///" + str(sharded / "gradebook.db"), COURSE_ID)
    same = one == merged
    cells = sum(len(nb["grades"]) for r in one.values() for nb in r["notebooks"].values())
    return same, len(one), cells, times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assignments", help="comma-separated (default: every assignment)")
    parser.add_argument("--cores", type=int, default=8, help="cores per node in the table")
    parser.add_argument("--nodes", default="1,10,50,100", help="node counts in the table")
    args = parser.parse_args(argv)
    names = args.assignments.split(",") if args.assignments else C.assignment_names()
    print(f"Measured on this machine ({os.cpu_count()} cores), one kernel at a time:")
    with tempfile.TemporaryDirectory(prefix="optbook-sizing-") as scratch:
        costs = measure_costs(names, scratch)
        merge_each, merged = measure_merge(scratch)
        print(f"  merge: {merge_each * 1000:.1f} ms per submission ({merged} merged from 4 "
              f"synthetic shards)")
        same, subs, cells, times = check_shards(scratch)
    merge_fixed = times["merge (with grades.csv)"]
    per_student = sum(cost for cost, _ in costs.values())
    startup = sum(s for _, s in costs.values())
    A, Ccores = len(names), args.cores
    print(f"\nShard path, end to end (gd, {subs} students, 4 shards as separate processes, "
          f"2 kernels each):")
    for what, seconds in times.items():
        print(f"  {what:26s} {seconds:6.1f} s")
    print(f"  merged gradebook equals the one-machine run, cell by cell ({cells} cells): "
          f"{'yes' if same else 'NO'}")
    print(f"\nModel: wall = startup + ceil(S/N) * {per_student:.2f} core-s / {Ccores} cores "
          f"+ S * {A} * {merge_each * 1000:.1f} ms + {merge_fixed:.0f} s")
    print(f"  ({A} assignment(s): {', '.join(names)}; one student's submissions cost "
          f"{per_student:.2f} core-s; start-up per shard {startup:.0f} s)\n")
    nodes = [int(n) for n in args.nodes.split(",")]
    header = f"{'students':>9s} | " + " | ".join(f"{n:>3d} node(s) x {Ccores} cores" for n in nodes)
    print(header)
    print("-" * len(header))
    for S in (500, 5_000, 50_000):
        cells_out = []
        for N in nodes:
            wall = (startup + math.ceil(S / N) * per_student / Ccores + S * A * merge_each
                    + merge_fixed)
            cells_out.append(f"{wall / 3600:>15.2f} h" if wall >= 3600 else
                             f"{wall / 60:>15.1f} min")
        print(f"{S:>9,d} | " + " | ".join(f"{c:>22s}" for c in cells_out))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
