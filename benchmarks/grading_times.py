"""Per-assignment autograding time: `python benchmarks/grading_times.py [assignment ...]`.

For each assignment:

- the solution notebook is executed in a fresh kernel (nbclient), timing the
  kernel start, the setup cell (imports) and all other cells; the spec asks for
  at most 20 s per solution notebook;
- a scratch course (temporary copy, own gradebook) gets the solution as one
  submission and the project's grading command grades it; the time of the
  autograde step (process start, kernel, every cell, gradebook writes) is printed.
  GRADING_ENGINE=nbgrader makes that plain `nbgrader autograde`.
"""

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

import nbformat

from grading import course as C
from grading.grade import grade


def time_assignment(name, scratch):
    course = C.make_course(Path(scratch) / name, [name])
    C.submit(course, "solution", name, nbformat.read(C.source_path(name), as_version=4))
    ok, seconds, table = grade(course, csv_name="", with_feedback=False, quiet=True)
    score, maximum = table.get(name, {}).get("solution", (None, None))
    return ok and score == maximum, seconds.get(name, float("nan")), score, maximum


def execution_times(name):
    """(kernel start, setup cell, other cells) in seconds for the solution notebook."""
    from nbclient import NotebookClient

    nb = nbformat.read(C.source_path(name), as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3")
    marks = [time.perf_counter()]
    with client.setup_kernel():
        marks.append(time.perf_counter())
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
            if index == 1:
                marks.append(time.perf_counter())
        marks.append(time.perf_counter())
    return [b - a for a, b in zip(marks, marks[1:])]


def main(names):
    names = names or C.assignment_names()
    rows = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="optbook-grading-times-") as scratch:
        for name in names:
            kernel, imports, cells = execution_times(name)
            ok, seconds, score, maximum = time_assignment(name, scratch)
            rows.append((name, seconds, score, maximum, ok, kernel + imports + cells))
            print(f"{name:16s} executes in {kernel + imports + cells:5.1f} s (kernel {kernel:.1f}, "
                  f"imports {imports:.1f}, cells {cells:.1f});  autograded in {seconds:5.1f} s, "
                  f"solution scored {score} / {maximum}{'' if ok else '   <-- NOT FULL MARKS'}",
                  flush=True)
    print(f"total autograde {sum(r[1] for r in rows):.1f} s "
          f"(wall {time.perf_counter() - start:.1f} s with execution and gradebook setup)")
    slow = [r[0] for r in rows if r[5] > 20]
    if slow:
        print("over 20 s:", ", ".join(slow))
    return 0 if all(r[4] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
