"""Sharded grading (grading/shards.py, grading/merge.py), the progress display
(grading/progress.py) and the LMS exports (grading/export.py), on a small scratch course.

One session fixture grades the cheap ``gd`` assignment for 8 students twice: once on
one machine (``python -m grading.grade`` with its standard error on a pseudo-terminal,
so the progress bar is drawn) and once as four shards, each a separate process with
its output on a pipe (plain lines), two at a time in the same course directory,
merged by ``python -m grading.merge``.
"""

import csv
import os
import pty
import shutil
import sqlite3
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from grading import course as C
from grading import merge as M
from grading import shards

ASSIGNMENT = "gd"
COURSE_ID = "optimization-for-deep-learning"


def run_grading(args, cwd, terminal=False, workers=2):
    """Run ``python -m <args>``; (returncode, stdout, stderr). With ``terminal`` standard
    error is a pseudo-terminal (what a person at ``make grade`` sees)."""
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
               GRADING_WORKERS=str(workers))
    env.pop("NBGRADER_DB_URL", None)
    if not terminal:
        out = subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=env,
                             capture_output=True, text=True)
        return out.returncode, out.stdout, out.stderr
    master, slave = pty.openpty()
    chunks = []

    def drain():
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    out = subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
                         stderr=slave, text=True)
    os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    return out.returncode, out.stdout, b"".join(chunks).decode(errors="replace")


def submit_class(course):
    """8 students: the standard submissions of gd plus copies, with unsorted ids."""
    expected = C.standard_submissions(course, ASSIGNMENT)
    solution = nbformat.read(C.source_path(ASSIGNMENT), as_version=4)
    blank = nbformat.read(C.release_path(ASSIGNMENT), as_version=4)
    extra = ["zoe", "adam", "mia", "bo"]
    for i, student in enumerate(extra[: max(0, 8 - len(expected))]):
        C.submit(course, student, ASSIGNMENT, solution if i % 2 == 0 else blank)
    return sorted(p.name for p in (Path(course) / "submitted").iterdir())


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("shards")
    single = C.make_course(base / "single", [ASSIGNMENT])
    students = submit_class(single)
    sharded = C.make_course(base / "sharded", [ASSIGNMENT])
    shutil.copytree(single / "submitted", sharded / "submitted")
    one = run_grading(["grading.grade", "--root", str(single), "--no-feedback"], single,
                      terminal=True)
    with ThreadPoolExecutor(max_workers=2) as pool:  # two shards at a time, one kernel each
        runs = list(pool.map(lambda i: run_grading(
            ["grading.grade", "--root", str(sharded), "--shard", f"{i}/4", "--no-feedback"],
            sharded, workers=1), range(1, 5)))
    merged = run_grading(["grading.merge", "--root", str(sharded)], sharded)
    return dict(single=single, sharded=sharded, students=students, one=one, runs=runs,
                merged=merged)


def db(course, name="gradebook.db"):
    return "sqlite:///" + str(Path(course) / name)


def test_selection_is_balanced_and_deterministic():
    students = [f"s{k:03d}" for k in range(103)]
    picked = [shards.select(reversed(students), i, 4) for i in range(1, 5)]
    assert sorted(s for part in picked for s in part) == sorted(students)
    assert max(map(len, picked)) - min(map(len, picked)) <= 1
    assert picked == [shards.select(students, i, 4) for i in range(1, 5)]
    assert shards.parse("2/4") == (2, 4)
    for bad in ("0/4", "5/4", "x", "1/0"):
        with pytest.raises(ValueError):
            shards.parse(bad)


def test_four_shards_merged_equal_one_machine(graded):
    code, out, err = graded["one"]
    assert code == 0, out + err
    for i, (code, out, err) in enumerate(graded["runs"], 1):
        assert code == 0, out + err
        assert (graded["sharded"] / f"gradebook-shard-{i}-of-4.db").exists()
    code, out, err = graded["merged"]
    assert code == 0, out + err
    one = M.snapshot(db(graded["single"]), COURSE_ID)
    merged = M.snapshot(db(graded["sharded"]), COURSE_ID)
    assert sorted(student for _, student in one) == graded["students"]
    assert merged == one  # every cell's scores and comments, every total and timestamp
    assert any(r["score"] > 0 for r in one.values()) and any(r["score"] == 0 for r in one.values())
    assert (graded["sharded"] / "grades.csv").read_text().count("\n") == len(graded["students"]) + 1
    report = (graded["sharded"] / "grading_report.md").read_text()
    assert all(f"**{s}**" in report for s in graded["students"])


def test_merging_twice_changes_nothing(graded):
    before = M.snapshot(db(graded["sharded"]), COURSE_ID)
    rows = sqlite3.connect(graded["sharded"] / "gradebook.db").execute(
        "select count(*) from grade").fetchone()
    M.merge(graded["sharded"], quiet=True)
    assert M.snapshot(db(graded["sharded"]), COURSE_ID) == before
    assert sqlite3.connect(graded["sharded"] / "gradebook.db").execute(
        "select count(*) from grade").fetchone() == rows


def test_mismatched_shards_are_refused(graded, tmp_path):
    course = C.make_course(tmp_path / "c", [ASSIGNMENT])
    for i in range(1, 5):
        shutil.copy(graded["sharded"] / f"gradebook-shard-{i}-of-4.db", course)
    con = sqlite3.connect(course / "gradebook-shard-3-of-4.db")
    con.execute("update grade_cells set max_score = max_score + 1 where id = "
                "(select id from grade_cells limit 1)")
    con.commit()
    con.close()
    with pytest.raises(M.Refused, match=r"shards disagree.*worth .* in gradebook-shard-1-of-4.db "
                                        r"but .* in gradebook-shard-3-of-4.db"):
        M.merge(course, quiet=True)
    assert not (course / "gradebook.db").exists() or not M.snapshot(db(course), COURSE_ID)
    (course / "gradebook-shard-3-of-4.db").unlink()
    with pytest.raises(M.Refused, match=r"shard\(s\) 3/4 missing"):
        M.merge(course, quiet=True)
    shutil.copy(graded["sharded"] / "gradebook-shard-1-of-4.db", course / "gradebook-shard-1-of-2.db")
    with pytest.raises(M.Refused, match="different splits"):
        M.merge(course, quiet=True)


def test_progress_bar_in_a_terminal_plain_lines_in_a_pipe(graded):
    _, _, terminal = graded["one"]
    assert "\r" in terminal and "|" in terminal, terminal[-2000:]
    assert f"{ASSIGNMENT}: 8/8" in terminal and "failed 0" in terminal
    _, _, piped = graded["runs"][0]
    assert "\r" not in piped and "\x1b" not in piped
    lines = [line for line in piped.splitlines() if " graded (" in line]
    assert len(lines) == 2 and lines[-1].startswith(f"{ASSIGNMENT}: 2/2 graded (")
    assert "0 failed" in lines[-1] and "left" in lines[-1]


def write_roster(course, students):
    path = Path(course) / "roster.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "name", "canvas_id", "sis_user_id", "sis_login_id",
                         "section", "email", "idnumber"])
        for k, student in enumerate(students):
            writer.writerow([student, f"Student, {student}", 1000 + k, f"S{k:04d}",
                             f"{student}@uni.example", "Section 1", f"{student}@uni.example",
                             f"ID{k:04d}"])
    return path


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def expected_scores(graded):
    one = M.snapshot(db(graded["single"]), COURSE_ID)
    return {student: record["score"] for (_, student), record in one.items()}, \
        next(iter(one.values()))["max_score"]


def test_canvas_export_round_trips(graded):
    from grading import export as E

    course = graded["sharded"]
    roster = write_roster(course, graded["students"] + ["absent"])
    out, unlisted = E.export(course, "canvas", roster, course / "canvas.csv",
                             canvas_ids={ASSIGNMENT: "777"})
    assert unlisted == []
    rows = read_csv(out)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                       f"{ASSIGNMENT} (777)"]
    scores, points = expected_scores(graded)
    assert rows[1][0] == "Points Possible" and float(rows[1][5]) == points
    by_id = {row[1]: row for row in rows[2:]}
    roster_rows = E.read_roster(roster)
    assert len(by_id) == len(roster_rows)
    for student in roster_rows:
        row = by_id[student["canvas_id"]]
        assert row[0] == student["name"] and row[2] == student["sis_user_id"]
        assert row[3] == student["sis_login_id"] and row[4] == student["section"]
        assert float(row[5]) == scores.get(student["student_id"], 0.0)


def test_moodle_export_round_trips(graded):
    from grading import export as E

    course = graded["sharded"]
    roster = write_roster(course, graded["students"][1:])
    scores, _ = expected_scores(graded)
    for key, column in (("email", "Email address"), ("idnumber", "ID number")):
        out, unlisted = E.export(course, "moodle", roster, course / f"moodle-{key}.csv",
                                 moodle_key=key)
        assert unlisted == graded["students"][:1]
        with open(out, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert list(rows[0]) == [column, ASSIGNMENT]
        ids = {r[key]: r["student_id"] for r in E.read_roster(roster)}
        assert sorted(row[column] for row in rows) == sorted(ids)
        for row in rows:
            assert float(row[ASSIGNMENT]) == scores[ids[row[column]]]


def test_roster_errors_are_in_words(tmp_path):
    from grading import export as E

    bad = tmp_path / "roster.csv"
    bad.write_text("id,name\nada,Ada\n")
    with pytest.raises(ValueError, match="student_id"):
        E.read_roster(bad)
    bad.write_text("student_id,name\nada,Ada\nada,Ada again\n")
    with pytest.raises(ValueError, match="twice"):
        E.read_roster(bad)


def test_a_shard_gets_the_course_gradebooks_due_dates(tmp_path, monkeypatch):
    """Late penalties need the due dates, and a shard's gradebook starts empty."""
    import datetime

    # nbgrader creates a gradebook with the alembic command beside this Python
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")

    from nbgrader.api import Gradebook

    from grading import shards

    course, shard = f"sqlite:///{tmp_path / 'gradebook.db'}", shards.db_url(tmp_path, 2, 4)
    due = datetime.datetime(2026, 12, 1, 23, 59)
    with Gradebook(course, "course") as gradebook:
        gradebook.update_or_create_assignment("gd", duedate=due)
        gradebook.update_or_create_assignment("sgd")
    assert shards.copy_due_dates(course, shard, "course") == {"gd": due}
    with Gradebook(shard, "course") as gradebook:
        assert gradebook.find_assignment("gd").duedate == due
        assert [a.name for a in gradebook.assignments] == ["gd"]
