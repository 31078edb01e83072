"""Sharded grading (grading/shards.py, grading/merge.py), the progress display
(grading/progress.py) and the LMS exports (grading/export.py), on a small scratch course.

One session fixture grades the cheap ``gd`` assignment for 8 students twice: once on
one machine (``python -m grading.grade`` with its standard error on a pseudo-terminal,
so the progress bar is drawn) and once as four shards, each a separate process with
its output on a pipe (plain lines), two at a time in the same course directory,
merged by ``python -m grading.merge``.
"""

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
