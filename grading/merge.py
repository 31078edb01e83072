"""Merge the shards' gradebooks into the course gradebook: ``make merge``.

    python -m grading.merge [--root DIR] [--partial] [--csv FILE]

Reads every ``gradebook-shard-i-of-N.db`` in the course directory (written by
``make grade SHARD=i/N`` here or copied in from other machines, see
grading/shards.py) with nbgrader's Gradebook API and writes into the course
gradebook (``gradebook.db``, or ``NBGRADER_DB_URL``):

- each assignment's notebooks and cells (graded, solution, task and source cells
  with their points and checksums) and due date;
- each student (names, email and LMS id, where the shard has them);
- each submission: timestamp, extension, late penalty, and for every cell the
  scores (auto, manual, extra credit, needs manual grade) and comments.

It refuses, and says which shards and what differs, when the shards disagree on
an assignment's cells or points (or with the course gradebook's record of it),
when they are of different splits (``-of-N``), when one student's submission is in
two shards with different grades, and (unless ``--partial``) when a shard of the
split is missing. Merging is idempotent: merging the same shards again changes
nothing. Then it exports every grade to ``grades.csv`` and writes the report
``grading_report.md`` (and ``.json``) from the shards' own reports.
"""

import argparse
import json
import os
import sys
from pathlib import Path

from grading import shards
from grading.settings import course_directory

ROOT = Path(__file__).resolve().parent.parent


class Refused(ValueError):
    """The shards cannot be merged; the message says which and why."""


def _open(url, course_id):
    """nbgrader's Gradebook at ``url`` (nbgrader runs ``alembic`` from this Python's bin)."""
    from nbgrader.api import Gradebook

    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    return Gradebook(url, course_id)


def structure(gradebook):
    """{assignment: {"duedate", "cells": {(notebook, kind, cell): fields}}} of a gradebook."""
    out = {}
    for assignment in gradebook.assignments:
        cells = {}
        for notebook in assignment.notebooks:
            cells[(notebook.name, "notebook", "")] = {}
            for cell in notebook.grade_cells:
                cells[(notebook.name, "grade", cell.name)] = {
                    "points": cell.max_score, "cell_type": cell.cell_type}
            for cell in notebook.task_cells:
                cells[(notebook.name, "task", cell.name)] = {
                    "points": cell.max_score, "cell_type": cell.cell_type}
            for cell in notebook.solution_cells:
                cells[(notebook.name, "solution", cell.name)] = {}
            for cell in notebook.source_cells:
                cells[(notebook.name, "source", cell.name)] = {
                    "cell_type": cell.cell_type, "locked": cell.locked,
                    "checksum": cell.checksum}
        out[assignment.name] = {"duedate": assignment.duedate, "cells": cells}
    return out


def _difference(name, mine, theirs, here, there):
    """A sentence saying how two records of one assignment differ (None if they agree)."""
    if mine["duedate"] != theirs["duedate"]:
        return (f"assignment '{name}' is due {mine['duedate']} in {here} but "
                f"{theirs['duedate']} in {there}")
    for key in sorted(set(mine["cells"]) | set(theirs["cells"])):
        notebook, kind, cell = key
        what = f"notebook '{notebook}'" if kind == "notebook" else \
            f"{kind} cell '{cell}' of notebook '{notebook}'"
        if key not in theirs["cells"]:
            return f"assignment '{name}': {what} is in {here} but not in {there}"
        if key not in mine["cells"]:
            return f"assignment '{name}': {what} is in {there} but not in {here}"
        a, b = mine["cells"][key], theirs["cells"][key]
        for field in a:
            if a[field] != b[field]:
                shown = {"points": "worth {} point(s)", "checksum": "has checksum {}"}.get(
                    field, field + " {}")
                return (f"assignment '{name}': {what} is {shown.format(a[field])} in {here} "
                        f"but {shown.format(b[field])} in {there}")
    return None


def grades_of(gradebook, student_filter=None):
    """{(assignment, student): {...every grade, comment, timestamp, penalty...}}: what a merge
    copies and what a one-machine run must equal."""
    from nbgrader.api import SubmittedAssignment

    out = {}
    for submission in gradebook.db.query(SubmittedAssignment).all():
        student = submission.student.id
        if student_filter is not None and student not in student_filter:
            continue
        notebooks = {}
        for nb in submission.notebooks:
            notebooks[nb.name] = {
                "flagged": nb.flagged, "late_submission_penalty": nb.late_submission_penalty,
                "grades": {g.name: {"auto_score": g.auto_score, "manual_score": g.manual_score,
                                    "extra_credit": g.extra_credit, "score": g.score,
                                    "max_score": g.max_score,
                                    "needs_manual_grade": g.needs_manual_grade}
                           for g in nb.grades},
                "comments": {c.name: {"auto_comment": c.auto_comment,
                                      "manual_comment": c.manual_comment}
                             for c in nb.comments}}
        out[(submission.assignment.name, student)] = {
            "timestamp": submission.timestamp, "extension": submission.extension,
            "score": submission.score, "max_score": submission.max_score,
            "notebooks": notebooks}
    return out


def snapshot(url, course_id):
    """grades_of() the gradebook at ``url`` (for comparing a merge with a one-machine run)."""
    with _open(url, course_id) as gradebook:
        return grades_of(gradebook)


def plan(root, partial=False):
    """The shards to merge, checked: ({(i, N): path}, {assignment: structure}); or Refused."""
    found = shards.found(root)
    if not found:
        raise Refused(f"no gradebook-shard-i-of-N.db in {root}: grade shards first "
                      f"(make grade SHARD=i/N)")
    splits = sorted({count for _, count in found})
    if len(splits) > 1:
        names = ", ".join(p.name for p in found.values())
        raise Refused(f"the shards are of different splits ({names}): N must be the same; "
                      f"remove the stale ones")
    count = splits[0]
    missing = [i for i in range(1, count + 1) if (i, count) not in found]
    if missing and not partial:
        raise Refused(f"shard(s) {', '.join(f'{i}/{count}' for i in missing)} missing "
                      f"({', '.join(shards.gradebook_name(i, count) for i in missing)}); "
                      f"grade them or merge with --partial")
    return found


def merge(root=ROOT, partial=False, course_id=None, db_url=None, quiet=False):
    """Merge every shard in ``root`` into the course gradebook; {(assignment, student): ...}
    of what was merged. Raises Refused (nothing written) if the shards disagree."""
    root = Path(root).resolve()
    coursedir = course_directory(root)
    course_id = course_id or coursedir.course_id
    db_url = db_url or coursedir.db_url
    found = plan(root, partial)
    # 1. read every shard; check they agree with each other on every assignment
    structures, grades, students, owner = {}, {}, {}, {}
    for (index, count), path in sorted(found.items()):
        with _open("sqlite:///" + str(path), course_id) as gradebook:
            for name, record in structure(gradebook).items():
                if name in structures:
                    first, first_path = structures[name]
                    problem = _difference(name, first, record, first_path.name, path.name)
                    if problem:
                        raise Refused(f"the shards disagree: {problem}; regrade them from "
                                      f"one version of the assignment")
                else:
                    structures[name] = (record, path)
            for student in gradebook.students:
                students.setdefault(student.id, {}).update(
                    {k: v for k, v in (("first_name", student.first_name),
                                       ("last_name", student.last_name),
                                       ("email", student.email),
                                       ("lms_user_id", student.lms_user_id)) if v is not None})
            for key, record in grades_of(gradebook).items():
                if key in grades and grades[key] != record:
                    raise Refused(f"{key[1]}'s submission of '{key[0]}' is in "
                                  f"{owner[key].name} and {path.name} with different grades")
                grades[key], owner[key] = record, path
    # 2. check the course gradebook's record of each assignment, then write
    with _open(db_url, course_id) as gradebook:
        existing = structure(gradebook)
        for name, (record, path) in structures.items():
            if name in existing and any(gradebook.find_assignment(name).submissions):
                problem = _difference(name, existing[name], record, "the course gradebook",
                                      path.name)
                if problem:
                    raise Refused(f"the course gradebook graded another version: {problem}; "
                                  f"regrade, or remove the assignment from the course gradebook")
        for name, (record, _) in sorted(structures.items()):
            _write_assignment(gradebook, name, record)
        for student, fields in sorted(students.items()):
            gradebook.update_or_create_student(student, **fields)
        for (assignment, student), record in sorted(grades.items()):
            _write_submission(gradebook, assignment, student, record)
        gradebook.db.commit()
    if not quiet:
        count = sorted(found)[0][1]
        print(f"merged {len(found)} shard(s) of {count}: {len(students)} student(s), "
              f"{len(grades)} submission(s) into {db_url}")
    return grades


def _write_assignment(gradebook, name, record):
    gradebook.update_or_create_assignment(name, duedate=record["duedate"])
    for (notebook, kind, cell), fields in sorted(record["cells"].items(),
                                                 key=lambda kv: kv[0][1] != "notebook"):
        if kind == "notebook":
            gradebook.update_or_create_notebook(notebook, name)
        elif kind == "grade":
            gradebook.update_or_create_grade_cell(cell, notebook, name,
                                                  max_score=fields["points"],
                                                  cell_type=fields["cell_type"])
        elif kind == "task":
            gradebook.update_or_create_task_cell(cell, notebook, name, max_score=fields["points"],
                                                 cell_type=fields["cell_type"])
        elif kind == "solution":
            gradebook.update_or_create_solution_cell(cell, notebook, name)
        elif kind == "source":
            gradebook.update_or_create_source_cell(cell, notebook, name, **fields)


def _write_submission(gradebook, assignment, student, record):
    kwargs = {"extension": record["extension"]}
    if record["timestamp"] is not None:
        kwargs["timestamp"] = record["timestamp"]
    submission = gradebook.update_or_create_submission(assignment, student, **kwargs)
    if record["timestamp"] is None:
        submission.timestamp = None
    for nb in submission.notebooks:
        data = record["notebooks"].get(nb.name)
        if data is None:
            continue
        nb.late_submission_penalty = data["late_submission_penalty"]
        nb.flagged = data["flagged"]
        for grade in nb.grades:
            values = data["grades"].get(grade.name)
            if values is not None:
                for field in ("auto_score", "manual_score", "extra_credit",
                              "needs_manual_grade"):
                    setattr(grade, field, values[field])
        for comment in nb.comments:
            values = data["comments"].get(comment.name)
            if values is not None:
                comment.auto_comment = values["auto_comment"]
                comment.manual_comment = values["manual_comment"]


def merge_reports(root, found):
    """grading_report.md/.json from the shards' reports (grading_report-shard-i-of-N.json)."""
    root = Path(root)
    data, used = {}, []
    for index, count in sorted(found):
        path = (root / shards.report_name(index, count)).with_suffix(".json")
        if path.exists():
            used.append(path.with_suffix(".md").name)
            for assignment, students in json.loads(path.read_text()).items():
                data.setdefault(assignment, {}).update(students)
    lines = ["# Grading report", "",
             f"Merged from {len(used)} shard report(s): {', '.join(used) or 'none found'}. "
             f"What confinement was in force on each machine is in the shard's own report.", ""]
    for assignment, students in sorted(data.items()):
        lines += [f"## {assignment}: {len(students)} submission(s)", ""]
        for student, info in sorted(students.items()):
            parts = ", ".join(f"{p} {got:g}/{most:g}" for p, (got, most)
                              in sorted(info.get("parts", {}).items()))
            lines.append(f"- **{student}**: {info['score']:g} / {info['max_score']:g}"
                         + (f" ({parts})" if parts else ""))
            lines += [f"  - {event}" for event in info.get("events", [])]
        lines.append("")
    (root / "grading_report.md").write_text("\n".join(lines) + "\n")
    (root / "grading_report.json").write_text(json.dumps(data, indent=1, default=str) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=str(ROOT), help="the course directory")
    parser.add_argument("--partial", action="store_true",
                        help="merge even if some shards of the split are missing")
    parser.add_argument("--csv", default="grades.csv", help="where to export the grades")
    args = parser.parse_args(argv)
    from grading.grade import environment, export_csv

    root = Path(args.root).resolve()
    try:
        merged = merge(root, args.partial)
    except Refused as error:
        print(f"merge refused: {error}", file=sys.stderr)
        return 2
    merge_reports(root, shards.found(root))
    import os

    os.environ.update(environment())
    with open(root / "grading.log", "a") as log:
        ok = not args.csv or export_csv(root, root / args.csv, log)
    for (assignment, student), record in sorted(merged.items()):
        print(f"  {assignment:16s} {student:24s} {record['score']:g} / {record['max_score']:g}")
    if args.csv:
        print(f"grades: {root / args.csv}; what happened to each student: "
              f"{root / 'grading_report.md'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
