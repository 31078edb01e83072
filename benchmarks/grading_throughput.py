"""Grading throughput: plain `nbgrader autograde` versus the project's grading command.

    .venv/bin/python benchmarks/grading_throughput.py [--assignment adagrad] [-n 40]

In one run: N synthetic submissions of a torch-using assignment (a mix of
correct, partly wrong and blank ones) are graded twice, each time in its own
scratch course with its own gradebook:

1. baseline: ONE `nbgrader autograde <assignment>` over the batch (nbgrader's
   own way: a fresh kernel per notebook, one after the other);
2. the project's grading command (`grading.grade.grade`, what `make grade`
   runs): grading/engine.py, kernels forked from a warm zygote, several at a
   time, one gradebook writer.

It checks that every grade cell of every student has the same score both ways,
prints the speedup of the autograding step, and shows where the time per
submission goes: process start, kernel start, imports (the setup cell), cell
execution and the database. For the baseline the parts are measured on a few
notebooks with a plain kernel (as nbgrader starts them); the rest of its time
per submission is nbgrader's own work, mostly the database.
"""

import argparse
import os
import queue
import subprocess
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
from grading import course as C


def submissions(name, count):
    """{student: notebook}: 40% correct, 35% partly wrong (one or two parts blank), 25% blank."""
    parts = list(C.parts(name))
    out = {}
    for index in range(count):
        kind = index % 20
        if kind < 8:
            notebook = C.with_answers(name)
        elif kind < 15:
            blank = {parts[index % len(parts)]}
            if kind % 2:
                blank.add(parts[(index + 2) % len(parts)])
            notebook = C.with_answers(name, keep_stub=blank)
        else:
            notebook = nbformat.read(C.release_path(name), as_version=4)
        out[f"student{index:03d}"] = notebook
    return out


def make_course(base, name, notebooks):
    from grading.grade import add_students, register
    from grading.settings import course_directory

    course = C.make_course(base, [name])
    for student, notebook in notebooks.items():
        C.submit(course, student, name, notebook)
    with open(course / "setup.log", "w") as log:
        assert register(course, name, log), (course / "setup.log").read_text()[-2000:]
    add_students(course_directory(course), sorted(notebooks))
    return course


def baseline_parts(course, name, samples):
    """Seconds of process start, kernel start, imports and cells, measured on ``samples``."""
    from jupyter_client.manager import KernelManager

    python = str(Path(sys.executable))
    started = time.perf_counter()
    subprocess.run([python, "-c", "import nbgrader.apps.nbgraderapp, nbgrader.converters"],
                   check=True)
    process = time.perf_counter() - started
    kernel_start = imports = cells = 0.0
    for notebook in samples:
        manager = KernelManager(kernel_name="python3")
        started = time.perf_counter()
        manager.start_kernel(cwd=str(course), extra_arguments=["--HistoryManager.hist_file=:memory:"])
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        kernel_start += time.perf_counter() - started
        code = [c for c in notebook.cells if c.cell_type == "code"]
        for index, cell in enumerate(code):
            started = time.perf_counter()
            client.execute_interactive(cell.source, timeout=120, output_hook=lambda msg: None,
                                       stop_on_error=False)
            if index == 0:
                imports += time.perf_counter() - started
            else:
                cells += time.perf_counter() - started
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    n = len(samples)
    return {"process start": process, "kernel start": kernel_start / n, "imports": imports / n,
            "cell execution": cells / n}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assignment", default="adagrad")
    parser.add_argument("-n", type=int, default=40)
    parser.add_argument("--workdir", default=None, help="where the scratch courses go")
    args = parser.parse_args(argv)
    name, n = args.assignment, args.n
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]
    os.environ.setdefault("MPLBACKEND", "Agg")
    import tempfile

    base = Path(args.workdir or tempfile.mkdtemp(prefix="grading-throughput-"))
    if not args.workdir:
        import atexit
        import shutil

        atexit.register(shutil.rmtree, base, True)
    notebooks = submissions(name, n)
    students = sorted(notebooks)
    print(f"{n} submissions of '{name}' "
          f"({sum(1 for i in range(n) if i % 20 < 8)} correct, "
          f"{sum(1 for i in range(n) if 8 <= i % 20 < 15)} partly wrong, "
          f"{sum(1 for i in range(n) if i % 20 >= 15)} blank); scratch courses in {base}")
    plain = make_course(base / "baseline", name, notebooks)
    ours = make_course(base / "engine", name, notebooks)

    # 1. the baseline: one nbgrader autograde over the batch
    started = time.perf_counter()
    result = subprocess.run([str(Path(sys.executable).with_name("nbgrader")), "autograde", name,
                             "--force"], cwd=plain, capture_output=True, text=True)
    baseline = time.perf_counter() - started
    assert result.returncode == 0, result.stderr[-3000:]

    # 2. the project's grading command (what `make grade` runs), without feedback/CSV
    from grading import engine
    from grading.grade import grade

    batches = []
    original = engine.grade_assignment

    def spy(*a, **k):
        batch = original(*a, **k)
        batches.append(batch)
        return batch

    engine.grade_assignment = spy
    try:
        started = time.perf_counter()
        ok, seconds, _ = grade(ours, only=[name], csv_name="", with_feedback=False, quiet=True)
        command = time.perf_counter() - started
    finally:
        engine.grade_assignment = original
    assert ok, (ours / "grading.log").read_text()[-3000:]
    ours_seconds = seconds[name]
    batch = batches[0]

    # identical scores, grade cell by grade cell
    a, b = (C.cell_scores(course, name, students, field="auto_score") for course in (plain, ours))
    different = [s for s in students if a[s] != b[s]]
    totals = sorted({sum(v or 0 for v in b[s].values()) for s in students})

    print(f"\nscores identical for all {n} submissions: {not different} "
          f"(distinct totals: {totals})")
    for student in different:
        print(f"  {student}: nbgrader {a[student]} vs engine {b[student]}")
    print(f"\nplain nbgrader autograde : {baseline:7.1f} s  ({baseline / n:5.2f} s per submission)")
    print(f"project grading command  : {ours_seconds:7.1f} s  ({ours_seconds / n:5.2f} s per "
          f"submission; whole command with the gradebook registration {command:.1f} s)")
    print(f"speedup                  : {baseline / ours_seconds:7.2f} x")

    # where the time goes
    # one correct, one partly wrong and one blank submission (the kinds of the mix)
    sample = [students[i] for i in (0, 8, 15) if i < n] or students[:1]
    parts = baseline_parts(plain, name, [notebooks[s] for s in sample])
    per = baseline / n
    known = parts["kernel start"] + parts["imports"] + parts["cell execution"]
    results = batch.results
    mean = {key: sum(r.timings.get(key, 0) for r in results) / n
            for key in ("kernel_start", "setup", "cells", "total")}
    db = sum(batch.writer_seconds.values()) / n
    from grading.settings import course_directory

    workers = engine.Settings.from_config(course_directory(ROOT).config).workers
    print("\nseconds per submission (the engine's are summed over its "
          f"{workers} parallel workers; wall time = sum / workers)")
    print(f"{'':28s}{'nbgrader':>10s}{'engine':>10s}")
    rows = [("process start", parts["process start"] / n, batch.zygote_seconds / n),
            ("kernel start", parts["kernel start"], mean["kernel_start"]),
            ("imports (setup cell)", parts["imports"], mean["setup"]),
            ("cell execution", parts["cell execution"], mean["cells"]),
            ("database + bookkeeping", max(per - known - parts["process start"] / n, 0.0),
             db + max(mean["total"] - mean["kernel_start"] - mean["setup"] - mean["cells"], 0)),
            ("total (wall)", per, ours_seconds / n)]
    for label, left, right in rows:
        print(f"  {label:26s}{left:10.3f}{right:10.3f}")
    print("  (engine process start = the zygote importing torch/NumPy/optbook once, shared; "
          "engine kernel start = fork + kernel ready; its database row includes the "
          "gradebook writer thread and reading/rebuilding the notebook)")
    return 0 if not different else 1


if __name__ == "__main__":
    sys.exit(main())
