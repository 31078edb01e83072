"""Grades for a learning platform: Canvas's and Moodle's grade-import CSV files.

    python -m grading.export --format canvas|moodle [--roster roster.csv] [--out FILE]
                             [--moodle-key email|idnumber] [--canvas-id gd=12345 ...]

Reads every assignment's score from the course gradebook (nbgrader's Gradebook API;
the score is nbgrader's: raw score less the late penalty, never below zero, and 0
for a student with no submission, as ``nbgrader export`` has it) and writes one row
per student of the roster, with the platform's ids from the roster.

**The roster**, ``roster.csv`` in the course directory: one row per student, a header
row, UTF-8. Only ``student_id`` is required; give the columns your platform matches on.

==================  ==================================================================
``student_id``      the nbgrader id: the folder name in ``submitted/`` (required)
``name``            the name as the platform shows it (Canvas: "Last, First")
``canvas_id``       Canvas's numeric user id (Canvas's "ID" column)
``sis_user_id``     Canvas's "SIS User ID"
``sis_login_id``    Canvas's "SIS Login ID"
``section``         Canvas's "Section"
``email``           Moodle: matched with "Email address" at import
``idnumber``        Moodle: the user's "ID number", matched with "ID number" at import
==================  ==================================================================

Canvas (Grades > Import): the columns are those of Canvas's own gradebook export,
``Student, ID, SIS User ID, SIS Login ID, Section``, then one column per assignment
named ``Name (assignment id)`` (``--canvas-id gd=12345`` gives Canvas's id of an
existing assignment; a name without an id makes Canvas create a new assignment),
and a second row ``Points Possible`` with each assignment's points. Canvas matches
a student by any one of Student, ID or SIS User ID, with SIS Login ID and Section
present; a score already in Canvas is overwritten. Sources: Ohio State's CarmenCanvas
guide "Import a CSV file to Carmen Grades"
(https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades)
and VCU's "Gradebook Action Menu" on Canvas's CSV export/import
(https://ts.vcu.edu/askit/teaching-and-learning/canvas/faculty/grading-faculty/gradebook-action-menu-faculty/).

Moodle (Grades > Import > CSV file): a header row, one identifier column
(``Email address`` or ``ID number``, ``--moodle-key``) and one column per grade item,
named by the assignment; at import, "Identify user by" maps the identifier
column to the user's email (useremail) or ID number (useridnumber), and each grade
column is mapped to its grade item. There is no points row (the grade item has its
maximum in Moodle). Source: MoodleDocs "Grade import"
(https://docs.moodle.org/311/en/Grade_import, and /27/en/Grade_import for the
mapping tip).
"""

import argparse
import csv
import sys
from pathlib import Path

from grading.settings import course_directory

ROOT = Path(__file__).resolve().parent.parent
ROSTER_COLUMNS = ("student_id", "name", "canvas_id", "sis_user_id", "sis_login_id", "section",
                  "email", "idnumber")
CANVAS_FIXED = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_KEYS = {"email": "Email address", "idnumber": "ID number"}


def read_roster(path):
    """[{column: value}] from roster.csv, in its order; ValueError in words if malformed."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "student_id" not in reader.fieldnames:
            raise ValueError(f"{path}: the roster needs a header row with a 'student_id' "
                             f"column (columns: {', '.join(ROSTER_COLUMNS)})")
        unknown = [c for c in reader.fieldnames if c not in ROSTER_COLUMNS]
        if unknown:
            raise ValueError(f"{path}: unknown column(s) {', '.join(unknown)}; the roster's "
                             f"columns are {', '.join(ROSTER_COLUMNS)}")
        rows = [{k: (v or "").strip() for k, v in row.items()} for row in reader]
    seen = set()
    for number, row in enumerate(rows, 2):
        if not row["student_id"]:
            raise ValueError(f"{path}, line {number}: no student_id")
        if row["student_id"] in seen:
            raise ValueError(f"{path}, line {number}: student_id {row['student_id']!r} twice")
        seen.add(row["student_id"])
    return rows


def gradebook_scores(db_url, course_id):
    """({assignment: max score}, {(assignment, student): score}) as nbgrader exports them."""
    from grading.merge import _open

    points, scores = {}, {}
    with _open(db_url, course_id) as gradebook:
        for assignment in gradebook.assignments:
            points[assignment.name] = assignment.max_score
            for submission in assignment.submissions:
                penalty = submission.late_submission_penalty or 0
                scores[(assignment.name, submission.student.id)] = max(
                    0.0, submission.score - penalty)
        students = {s.id for s in gradebook.students}
    return points, scores, students


def _number(value):
    return f"{value:g}"


def canvas_rows(roster, points, scores, canvas_ids=None):
    canvas_ids = canvas_ids or {}
    names = sorted(points)
    header = list(CANVAS_FIXED) + [f"{a} ({canvas_ids[a]})" if a in canvas_ids else a
                                   for a in names]
    rows = [header, ["Points Possible", "", "", "", ""] + [_number(points[a]) for a in names]]
    for student in roster:
        rows.append([student.get("name") or student["student_id"], student.get("canvas_id", ""),
                     student.get("sis_user_id", ""), student.get("sis_login_id", ""),
                     student.get("section", "")]
                    + [_number(scores.get((a, student["student_id"]), 0.0)) for a in names])
    return rows


def moodle_rows(roster, points, scores, key="email"):
    names = sorted(points)
    rows = [[MOODLE_KEYS[key]] + names]
    missing = [s["student_id"] for s in roster if not s.get(key)]
    if missing:
        raise ValueError(f"the roster has no {key} for {', '.join(missing[:10])}"
                         f"{' ...' if len(missing) > 10 else ''}: Moodle matches students by it")
    for student in roster:
        rows.append([student[key]] + [_number(scores.get((a, student["student_id"]), 0.0))
                                      for a in names])
    return rows


def export(root=ROOT, fmt="canvas", roster=None, out=None, moodle_key="email", canvas_ids=None,
           db_url=None):
    """Write the CSV; returns (path, students in the gradebook but not on the roster)."""
    root = Path(root).resolve()
    coursedir = course_directory(root)
    roster_rows = read_roster(roster or root / "roster.csv")
    points, scores, students = gradebook_scores(db_url or coursedir.db_url, coursedir.course_id)
    if fmt == "canvas":
        rows = canvas_rows(roster_rows, points, scores, canvas_ids)
    elif fmt == "moodle":
        rows = moodle_rows(roster_rows, points, scores, moodle_key)
    else:
        raise ValueError(f"unknown format {fmt!r}: canvas or moodle")
    out = Path(out or root / f"grades-{fmt}.csv")
    with open(out, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    unlisted = sorted(students - {r["student_id"] for r in roster_rows})
    return out, unlisted


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--format", choices=("canvas", "moodle"), required=True)
    parser.add_argument("--root", default=str(ROOT), help="the course directory")
    parser.add_argument("--roster", help="the roster (default: roster.csv in the course)")
    parser.add_argument("--out", help="the CSV to write (default: grades-<format>.csv)")
    parser.add_argument("--moodle-key", choices=sorted(MOODLE_KEYS), default="email",
                        help="the roster column Moodle identifies students by")
    parser.add_argument("--canvas-id", action="append", default=[], metavar="ASSIGNMENT=ID",
                        help="Canvas's id of an existing assignment")
    args = parser.parse_args(argv)
    try:
        canvas_ids = dict(item.split("=", 1) for item in args.canvas_id)
        out, unlisted = export(args.root, args.format, args.roster, args.out, args.moodle_key,
                               canvas_ids)
    except (ValueError, OSError) as error:
        print(f"export failed: {error}", file=sys.stderr)
        return 2
    print(f"{args.format} grades: {out}")
    if unlisted:
        print(f"not on the roster, so not exported: {', '.join(unlisted)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
