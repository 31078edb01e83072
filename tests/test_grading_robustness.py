"""Grade the corpus of broken and hostile submissions (tests/grading_corpus.py) with the
project's grading command, in a scratch course, and check every rule of the issue:

- the grading run completes and every submission is graded;
- no submission earns a point its honest work does not (part by part);
- the other students (a full-marks "victim", the honest reference) are untouched;
- the gradebook is consistent, and grades.csv agrees with it;
- the instructor's report says, in words, what happened to each student;
- nothing was written outside the submissions, and the sandbox refused the reads.

One grading run for the whole module (about a minute on 2 cores).
"""

import hashlib
import os
from pathlib import Path

import pytest

import grading_corpus
from grading import course as C
from grading import sandbox

ASSIGNMENT = os.environ.get("OPTBOOK_CORPUS_ASSIGNMENT") or (
    "gd" if "gd" in C.assignment_names() else (C.assignment_names() or [None])[0])
LANDLOCK = sandbox.landlock_abi()


def _digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    if ASSIGNMENT is None:
        pytest.skip("no assignment in solutions/ yet")
    from grading.grade import REPORT_NAME, grade

    course = C.make_course(tmp_path_factory.mktemp("corpus") / "course", [ASSIGNMENT])
    cases = grading_corpus.build(course, ASSIGNMENT)
    if LANDLOCK < 6:  # without signal scoping a kernel could kill the grader itself
        cases.pop("kill_others")
        (course / "submitted" / "kill_others").exists() and __import__("shutil").rmtree(
            course / "submitted" / "kill_others")
    victim = course / "submitted" / "victim" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    before = _digest(victim)
    with C.environment(NBGRADER_CELL_TIMEOUT="5", NBGRADER_NOTEBOOK_TIMEOUT="60",
                       GRADING_MEMORY_MB="1024", GRADING_ENGINE="engine"):
        ok, _, table = grade(course, csv_name="grades.csv", with_feedback=True, quiet=True)
    import json

    report = json.loads((course / REPORT_NAME).with_suffix(".json").read_text())[ASSIGNMENT]
    return dict(ok=ok, table=table[ASSIGNMENT], cases=cases, course=course, report=report,
                victim_before=before, victim=victim,
                markdown=(course / REPORT_NAME).read_text())


def test_the_grading_run_completes(corpus):
    assert corpus["ok"], (corpus["course"] / "grading.log").read_text()[-3000:]
    assert set(corpus["report"]) == set(corpus["cases"])
    assert all(score is not None for score, _ in corpus["table"].values())


def test_every_case_scores_what_its_honest_work_deserves(corpus):
    parts = {p: float(v) for p, v in C.parts(ASSIGNMENT).items()}
    honest = {p: got for p, (got, _) in corpus["report"]["honest"]["parts"].items()}
    first = next(iter(parts))
    assert honest == {p: (v if p == first else 0.0) for p, v in parts.items()}, \
        "the honest reference should score exactly part 1"
    wrong = []
    for student, case in corpus["cases"].items():
        got = {p: g for p, (g, _) in corpus["report"][student]["parts"].items()}
        wanted = {"honest": honest, "full": parts, "zero": {p: 0.0 for p in parts}}[case.expect]
        if got != wanted:
            wrong.append(f"{student} ({case.group}): {got}, want {wanted}; "
                         f"report: {corpus['report'][student]['events']}")
    assert not wrong, "\n".join(wrong)


def test_other_students_are_untouched(corpus):
    total = sum(C.parts(ASSIGNMENT).values())
    for student in ("full", "victim"):
        score, maximum = corpus["table"][student]
        assert (score, maximum) == (total, total), student
        assert corpus["report"][student]["events"] == [], corpus["report"][student]["events"]
    assert _digest(corpus["victim"]) == corpus["victim_before"], "the victim's file changed"


def test_the_report_says_what_happened_in_words(corpus):
    missing = []
    for student, case in corpus["cases"].items():
        text = " ".join(corpus["report"][student]["events"]).lower()
        for words in case.words:
            if words.lower() not in text:
                missing.append(f"{student}: no '{words}' in {corpus['report'][student]['events']}")
    assert not missing, "\n".join(missing)
    assert "**honest**" in corpus["markdown"] and "infinite_loop" in corpus["markdown"]


def test_the_gradebook_is_consistent(corpus):
    from nbgrader.api import Gradebook

    from grading.settings import course_directory

    coursedir = course_directory(corpus["course"])
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        assignment = gradebook.find_assignment(ASSIGNMENT)
        cells = {(nb.name, c.name): c.max_score for nb in assignment.notebooks
                 for c in nb.grade_cells}
        for student, entry in corpus["report"].items():
            submission = gradebook.find_submission(ASSIGNMENT, student)
            grades = [g for nb in submission.notebooks for g in nb.grades]
            assert {(g.notebook.name, g.name) for g in grades} == set(cells), student
            for grade in grades:
                assert grade.auto_score is not None, (student, grade.name)
                assert 0 <= grade.auto_score <= cells[(grade.notebook.name, grade.name)], \
                    (student, grade.name, grade.auto_score)
                assert not grade.needs_manual_grade, (student, grade.name)
            assert submission.max_score == sum(cells.values())
            assert submission.score == pytest.approx(entry["score"]), student
    lines = (corpus["course"] / "grades.csv").read_text().strip().splitlines()
    assert len(lines) == 1 + len(corpus["report"])
    header = lines[0].split(",")
    for line in lines[1:]:
        row = dict(zip(header, line.split(",")))
        assert float(row["score"]) == pytest.approx(corpus["report"][row["student_id"]]["score"])


def test_no_feedback_page_shows_a_hidden_line_or_reference(corpus):
    from test_feedback import feedback_leaks

    pages, leaks = feedback_leaks(corpus["course"], ASSIGNMENT, corpus["cases"])
    assert not leaks, "\n".join(leaks[:10])
    assert pages >= len(corpus["cases"]) - 6  # all but the unreadable or refused ones


def _grading_processes():
    """Processes whose working folder is (or was) a grading scratch folder: kernels and
    anything they started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if "optbook-grade-" in cwd:
            found.append((entry.name, cwd))
    return found


def test_no_process_outlives_its_grading(corpus):
    assert _grading_processes() == []


def test_nothing_was_written_outside_the_submissions(corpus):
    course = corpus["course"]
    assert not (course / "hacked.txt").exists()
    assert not Path("/tmp/optbook-hacked.txt").exists()
    assert not (course / "submitted" / "victim" / ASSIGNMENT / "hacked.txt").exists()


@pytest.mark.skipif(LANDLOCK == 0, reason="Landlock is not available on this kernel")
def test_the_sandbox_refused_the_reads_and_writes(corpus):
    for student, words in (("read_solutions", "tried to read 'solutions/"),
                           ("write_outside", "tried to write 'hacked.txt'"),
                           ("read_gradebook", "gradebook.db")):
        events = " ".join(corpus["report"][student]["events"])
        assert words in events and "refused by the sandbox" in events, events
