"""Per-assignment autograding time: `python benchmarks/grading_times.py [assignment ...]`.

For each assignment, a scratch course (temporary copy, own gradebook) gets one
submission, the solution notebook, and `nbgrader autograde` grades it; the time
of that call (kernel start, imports, every cell, the gradebook writes) is printed.
The spec asks for at most 20 s of execution per solution notebook.
"""

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402

from grading import course as C  # noqa: E402
from grading.grade import grade  # noqa: E402


def time_assignment(name, scratch):
    course = C.make_course(Path(scratch) / name, [name])
    C.submit(course, "solution", name, nbformat.read(C.source_path(name), as_version=4))
    ok, seconds, table = grade(course, csv_name="", with_feedback=False, quiet=True)
    score, maximum = table.get(name, {}).get("solution", (None, None))
    return ok and score == maximum, seconds.get(name, float("nan")), score, maximum


def main(names):
    names = names or C.assignment_names()
    rows = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="optbook-grading-times-") as scratch:
        for name in names:
            ok, seconds, score, maximum = time_assignment(name, scratch)
            rows.append((name, seconds, score, maximum, ok))
            print(f"{name:16s} {seconds:6.1f} s   solution scored {score} / {maximum}"
                  f"{'' if ok else '   <-- NOT FULL MARKS'}", flush=True)
    print(f"{'total':16s} {sum(r[1] for r in rows):6.1f} s   "
          f"(wall {time.perf_counter() - start:.1f} s with gradebook setup)")
    slow = [r[0] for r in rows if r[1] > 20]
    if slow:
        print("over 20 s:", ", ".join(slow))
    return 0 if all(r[4] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
