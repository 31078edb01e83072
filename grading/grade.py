"""Grade everything under submitted/ with nbgrader, headlessly: `make grade`.

    python -m grading.grade [--root DIR] [--assignment NAME ...] [--csv FILE] [--no-feedback]

For every assignment that has at least one submission in
``submitted/<student>/<assignment>/``:

1. record the assignment's notebooks and graded cells in the gradebook
   (``nbgrader generate_assignment``, written to a scratch folder so the
   committed ``exercises/`` is left alone);
2. add every student found in ``submitted/`` to the gradebook;
3. autograde all of that assignment's submissions in ONE ``nbgrader autograde``
   call (one process for the batch; each notebook still gets a fresh kernel);
4. write the feedback HTML to ``feedback/<student>/<assignment>/``.

Then every grade is exported to ``grades.csv`` and a table of scores is
printed. The gradebook is the one nbgrader_config.py names (SQLite at
``gradebook.db`` unless NBGRADER_DB_URL says otherwise). The exit status is
non-zero if any nbgrader command failed; the other assignments are still graded.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grading.settings import course_directory

ROOT = Path(__file__).resolve().parent.parent


def nbgrader_command():
    """The nbgrader executable beside this Python (the project venv), else on PATH."""
    beside = Path(sys.executable).with_name("nbgrader")
    return [str(beside)] if beside.exists() else ["nbgrader"]


def assignments_in(root, coursedir):
    """Names of the assignments with an instructor source in the source directory."""
    source = Path(root) / coursedir.source_directory
    return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def submissions(root, coursedir, assignments):
    """{assignment: [students]} for every submitted/<student>/<assignment>/ folder."""
    found = {}
    submitted = Path(root) / coursedir.submitted_directory
    if not submitted.is_dir():
        return found
    for student_dir in sorted(p for p in submitted.iterdir() if p.is_dir()):
        for name in assignments:
            if (student_dir / name).is_dir():
                found.setdefault(name, []).append(student_dir.name)
    return found


def environment():
    """os.environ with the venv's bin first on PATH (nbgrader runs `alembic` from there)."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("MPLBACKEND", "Agg")
    return env


def run(args, root, log):
    """Run one nbgrader command in the course root; True if it succeeded."""
    result = subprocess.run(nbgrader_command() + args, cwd=root, capture_output=True, text=True,
                            env=environment())
    if log is not None:
        log.write(f"$ nbgrader {' '.join(args)}\n{result.stdout}{result.stderr}\n")
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        print(f"nbgrader {' '.join(args)} failed:\n{tail}", file=sys.stderr)
    return result.returncode == 0


def register(root, assignment, log, release_to=None):
    """Record the assignment's notebooks and graded cells in the gradebook.

    The student version this writes goes to ``release_to`` (a scratch folder
    by default), never over the committed release directory.
    """
    if release_to is not None:
        return run(["generate_assignment", assignment, "--force",
                    f"--CourseDirectory.release_directory={release_to}"], root, log)
    with tempfile.TemporaryDirectory(prefix="optbook-release-") as scratch:
        return register(root, assignment, log, scratch)


def add_students(coursedir, students):
    """Create the gradebook entries of ``students`` (existing ones are kept)."""
    from nbgrader.api import Gradebook

    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        for student in students:
            gradebook.update_or_create_student(student)


REPORT_NAME = "grading_report.md"
_batches = {}  # course root -> {assignment: grading.engine.BatchResult} of this run


def autograde(root, assignment, students, log):
    """Autograde every listed student's submission of ``assignment``.

    Uses grading/engine.py: confined kernels forked from a warm zygote, several
    at a time, one gradebook writer, and a report in words per student
    (``grading_report.md``). ``GRADING_ENGINE=nbgrader`` runs plain
    ``nbgrader autograde`` instead (one call for the batch).
    """
    if os.environ.get("GRADING_ENGINE", "engine") != "nbgrader":
        import traceback

        from grading.engine import grade_assignment, write_report

        try:
            batch = grade_assignment(course_directory(root), assignment, students)
        except Exception:
            log.write(f"grading {assignment} failed:\n{traceback.format_exc()}\n")
            print(f"grading {assignment} failed; see the log", file=sys.stderr)
            return False
        log.write("\n".join(batch.report_lines()) + "\n")
        _batches.setdefault(str(root), {})[assignment] = batch
        write_report(_batches[str(root)].values(), Path(root) / REPORT_NAME)
        return not batch.errors
    pattern = f"--CourseDirectory.student_id={students[0]}" if len(students) == 1 else None
    args = ["autograde", assignment, "--force"] + ([pattern] if pattern else [])
    return run(args, root, log)


def feedback(root, assignment, log):
    """Write feedback HTML for every autograded submission of ``assignment``."""
    return run(["generate_feedback", assignment, "--force"], root, log)


def export_csv(root, csv_path, log):
    """Export every grade in the gradebook to ``csv_path`` (nbgrader's CSV format)."""
    return run(["export", f"--to={csv_path}"], root, log)


def scores(coursedir, assignment, students):
    """{student: (score, max_score)} from the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    out = {}
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        for student in students:
            try:
                submission = gradebook.find_submission(assignment, student)
                out[student] = (submission.score, submission.max_score)
            except MissingEntry:
                out[student] = (None, None)
    return out


def grade(root=ROOT, only=None, csv_name="grades.csv", with_feedback=True, quiet=False,
          release_to=None):
    """Grade every submission under ``root``.

    Returns (ok, {assignment: seconds of autograding}, {assignment: {student: (score, max)}}).
    ``release_to`` keeps the freshly generated student versions there (for tests).
    """
    root = Path(root).resolve()
    os.environ.update(environment())
    coursedir = course_directory(root)
    names = [a for a in assignments_in(root, coursedir) if not only or a in only]
    todo = submissions(root, coursedir, names)
    ok, seconds, table = True, {}, {}
    log_path = root / "grading.log"
    with open(log_path, "w") as log:
        add_students(coursedir, sorted({s for students in todo.values() for s in students}))
        for assignment, students in todo.items():
            done = register(root, assignment, log, release_to)
            start = time.perf_counter()
            done = done and autograde(root, assignment, students, log)
            seconds[assignment] = time.perf_counter() - start
            if done and with_feedback:
                done = feedback(root, assignment, log)
            ok &= done
            table[assignment] = scores(coursedir, assignment, students)
            if not quiet:
                print(f"{assignment}: {len(students)} submission(s) autograded in "
                      f"{seconds[assignment]:.1f} s")
        if csv_name:
            ok &= export_csv(root, root / csv_name, log)
    if not quiet:
        if not todo:
            print(f"nothing to grade: no submitted/<student>/<assignment>/ under {root}")
        for assignment, rows in table.items():
            for student, (score, maximum) in rows.items():
                shown = "not graded" if score is None else f"{score:g} / {maximum:g}"
                print(f"  {assignment:16s} {student:24s} {shown}")
        if csv_name:
            print(f"grades: {root / csv_name}; feedback: {root / coursedir.feedback_directory}; "
                  f"log: {log_path}; what happened to each student: {root / REPORT_NAME}")
    return ok, seconds, table


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=str(ROOT), help="the course directory")
    parser.add_argument("--assignment", action="append", help="grade only this assignment")
    parser.add_argument("--csv", default="grades.csv", help="where to export the grades")
    parser.add_argument("--no-feedback", action="store_true", help="skip the feedback HTML")
    args = parser.parse_args(argv)
    ok, _, _ = grade(args.root, args.assignment, args.csv, not args.no_feedback)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
