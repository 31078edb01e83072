"""Grade everything under submitted/ with nbgrader, headlessly: `make grade`.

    python -m grading.grade [--root DIR] [--assignment NAME ...] [--csv FILE] [--no-feedback]
                            [--shard i/N]

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

While it grades, a progress bar per assignment (tqdm) shows the submissions done,
the student just graded, the time left and the failures so far; when the output is
not a terminal, one plain line per submission (grading/progress.py).

``--shard i/N`` (``make grade SHARD=i/N``) grades only shard i of N of the
students (grading/shards.py) into ``gradebook-shard-i-of-N.db`` and writes its
report to ``grading_report-shard-i-of-N.md``; no grades.csv (``python -m
grading.merge`` merges the shards and writes it).
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


def autograde(root, assignment, students, log, progress=None, report_name=REPORT_NAME):
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
            batch = grade_assignment(course_directory(root), assignment, students,
                                     progress=progress)
        except Exception:
            log.write(f"grading {assignment} failed:\n{traceback.format_exc()}\n")
            print(f"grading {assignment} failed; see the log", file=sys.stderr)
            return False
        log.write("\n".join(batch.report_lines()) + "\n")
        batches = _batches.setdefault((str(root), report_name), {})
        batches[assignment] = batch
        write_report(batches.values(), Path(root) / report_name)
        return not batch.errors
    pattern = f"--CourseDirectory.student_id={students[0]}" if len(students) == 1 else None
    args = ["autograde", assignment, "--force"] + ([pattern] if pattern else [])
    return run(args, root, log)


def feedback(root, assignment, log, exclude=()):
    """Write feedback HTML for every autograded submission of ``assignment`` (but ``exclude``:
    the other shards' students, whose grades are not in this shard's gradebook)."""
    args = ["generate_feedback", assignment, "--force"]
    others = ",".join(sorted(exclude))
    if others and len(others) < 100_000:  # one argument may not exceed 128 KiB
        args.append(f"--CourseDirectory.student_id_exclude={others}")
    return run(args, root, log)


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
          release_to=None, shard=None, progress=None):
    """Grade every submission under ``root`` (only shard ``"i/N"``'s students if ``shard``).

    Returns (ok, {assignment: seconds of autograding}, {assignment: {student: (score, max)}}).
    ``release_to`` keeps the freshly generated student versions there (for tests).
    ``progress``: show progress (default: unless ``quiet``), on standard error.
    """
    root = Path(root).resolve()
    os.environ.update(environment())
    if shard is None:
        return _grade(root, only, csv_name, with_feedback, quiet, release_to, None, progress)
    from grading import shards

    index, count = shards.parse(shard)
    saved = os.environ.get("NBGRADER_DB_URL")  # nbgrader_config.py reads it
    coursedir = course_directory(root)
    shards.copy_due_dates(coursedir.db_url, shards.db_url(root, index, count), coursedir.course_id)
    os.environ["NBGRADER_DB_URL"] = shards.db_url(root, index, count)
    try:
        return _grade(root, only, "", with_feedback, quiet, release_to, (index, count), progress)
    finally:
        if saved is None:
            os.environ.pop("NBGRADER_DB_URL", None)
        else:
            os.environ["NBGRADER_DB_URL"] = saved


def _grade(root, only, csv_name, with_feedback, quiet, release_to, shard, progress):
    from grading import shards
    from grading.progress import Progress

    coursedir = course_directory(root)
    names = [a for a in assignments_in(root, coursedir) if not only or a in only]
    todo = submissions(root, coursedir, names)
    report_name = REPORT_NAME
    if shard:
        mine = set(shards.select({s for students in todo.values() for s in students}, *shard))
        todo = {a: [s for s in students if s in mine] for a, students in todo.items()}
        todo = {a: students for a, students in todo.items() if students}
        report_name = shards.report_name(*shard)
        if not quiet:
            print(f"shard {shard[0]}/{shard[1]}: {len(mine)} student(s), gradebook "
                  f"{shards.gradebook_path(root, *shard)}")
    show = (not quiet) if progress is None else progress
    show = show and os.environ.get("GRADING_ENGINE", "engine") != "nbgrader"  # one call
    ok, seconds, table = True, {}, {}
    log_path = root / ("grading.log" if not shard else
                       f"grading-shard-{shard[0]}-of-{shard[1]}.log")
    autograded = root / coursedir.autograded_directory
    with open(log_path, "w") as log:
        add_students(coursedir, sorted({s for students in todo.values() for s in students}))
        for assignment, students in todo.items():
            done = register(root, assignment, log, release_to)
            start = time.perf_counter()
            bar = Progress(assignment, len(students)) if show else None
            try:
                done = done and autograde(root, assignment, students, log, bar, report_name)
            finally:
                if bar is not None:
                    bar.close()
            seconds[assignment] = time.perf_counter() - start
            if done and with_feedback:
                others = {p.name for p in autograded.glob(f"*/{assignment}")} - set(students)
                done = feedback(root, assignment, log, others if shard else ())
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
                  f"log: {log_path}; what happened to each student: {root / report_name}")
        elif shard:
            print(f"shard {shard[0]}/{shard[1]}: gradebook "
                  f"{shards.gradebook_path(root, *shard)}; report {root / report_name}; "
                  f"merge the shards with `make merge`")
    return ok, seconds, table


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=str(ROOT), help="the course directory")
    parser.add_argument("--assignment", action="append", help="grade only this assignment")
    parser.add_argument("--csv", default="grades.csv", help="where to export the grades")
    parser.add_argument("--no-feedback", action="store_true", help="skip the feedback HTML")
    parser.add_argument("--shard", metavar="i/N",
                        help="grade only shard i of N (1 <= i <= N) of the students, into "
                             "gradebook-shard-i-of-N.db")
    args = parser.parse_args(argv)
    if args.shard:
        from grading.shards import parse

        try:
            parse(args.shard)
        except ValueError as error:
            parser.error(str(error))
    ok, _, _ = grade(args.root, args.assignment, args.csv, not args.no_feedback,
                     shard=args.shard)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
