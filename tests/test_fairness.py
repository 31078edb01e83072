"""Fair to every correct answer, and worth only earned points (tests/fairness/).

Every assignment's corpus is graded by ``make grade``'s engine in a scratch
course of its own: each correct variant gets full marks, and each wrong one
scores 0 on exactly the cells it gets wrong, with a message that names the
mistake. Mistakes a student deserves to hear about before submitting are also
run the way a student runs the released notebook, without the hidden tests:
a visible check must say the same words.
"""

import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest
from nbclient import NotebookClient

from fairness import corpus
from grading import course as C
from grading.grade import grade

CORPUS = corpus()
ASSIGNMENTS = [name for name in CORPUS
               if not os.environ.get("OPTBOOK_ASSIGNMENTS")
               or name in os.environ["OPTBOOK_ASSIGNMENTS"].split(",")]
CASES = [(name, v) for name in ASSIGNMENTS for v in CORPUS[name]]
VISIBLE = [(name, v) for name, v in CASES if v.visible]


def _ids(case):
    return f"{case[0]}-{case[1].name}" if isinstance(case, tuple) else None


def graded_points(name):
    """{graded cell grade_id: points} from the source notebook."""
    nb = nbformat.read(C.source_path(name), as_version=4)
    return {C.nbgrader_meta(c)["grade_id"]: C.nbgrader_meta(c)["points"] for c in nb.cells
            if C.nbgrader_meta(c).get("grade")}


def answer_cells(name):
    nb = nbformat.read(C.source_path(name), as_version=4)
    return {C.nbgrader_meta(c)["grade_id"]: c.source for c in nb.cells
            if C.nbgrader_meta(c).get("solution")}


def notebook_of(name, variant):
    """The released notebook answered with the solution, except the variant's cells."""
    nb = C.with_answers(name)
    for cell in nb.cells:
        grade_id = C.nbgrader_meta(cell).get("grade_id")
        if grade_id in variant.answers:
            cell.source = variant.source(grade_id)
    return nb


def losing_cells(name, variant):
    cells = set()
    for item in variant.loses:
        cells |= {g for g in graded_points(name) if g == item or g.split("_")[0] == item}
    return cells


def student(variant):
    return ("ok-" if variant.correct else "wrong-") + variant.name


def _messages(cell):
    """Everything a cell's outputs say, errors and printed text."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            parts.append(f"{output.get('ename')}: {output.get('evalue')}")
        elif output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
    return "\n".join(parts)


def _grade(base, name):
    course = C.make_course(base / name, [name])
    for variant in CORPUS[name]:
        C.submit(course, student(variant), name, notebook_of(name, variant))
    with C.GRADINGS.shared():
        ok, _, _ = grade(course, csv_name="", with_feedback=False, quiet=True)
    assert ok, (course / "grading.log").read_text()[-4000:]
    students = [student(v) for v in CORPUS[name]]
    scores = C.cell_scores(course, name, students)
    said = {}
    for who in students:
        path = course / "autograded" / who / name / f"{name}.ipynb"
        nb = nbformat.read(path, as_version=4)
        said[who] = {C.nbgrader_meta(c).get("grade_id"): _messages(c) for c in nb.cells
                     if C.nbgrader_meta(c).get("grade")}
    report = course / "grading_report.json"
    events = json.loads(report.read_text()).get(course.name, {}) if report.exists() else {}
    return dict(scores=scores, said=said, events=events)


def _run_visible(base, name, variant):
    """Run the released notebook as the student would, with only the visible tests."""
    folder = base / f"visible-{name}-{variant.name}"
    shutil.copytree(C.release_path(name).parent, folder)
    nb = notebook_of(name, variant)
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return {C.nbgrader_meta(c).get("grade_id"): _messages(c) for c in nb.cells
            if C.nbgrader_meta(c).get("grade")}


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("fairness")
    pool = ThreadPoolExecutor(max_workers=int(os.environ.get("OPTBOOK_GRADING_WORKERS", "2")))
    futures = {name: pool.submit(_grade, base, name) for name in ASSIGNMENTS}
    visible = {(name, v.name): pool.submit(_run_visible, base, name, v) for name, v in VISIBLE}
    yield futures, visible
    pool.shutdown(wait=True, cancel_futures=True)


def test_every_assignment_has_a_corpus():
    missing = set(C.assignment_names()) - set(CORPUS)
    assert not missing, f"no tests/fairness/<name>.py for {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_corpus_has_three_correct_and_three_wrong_variants(name):
    variants = CORPUS[name]
    assert sum(v.correct for v in variants) >= 3, f"{name}: fewer than 3 correct variants"
    assert sum(not v.correct for v in variants) >= 3, f"{name}: fewer than 3 wrong variants"
    names = [v.name for v in variants]
    assert len(names) == len(set(names)), f"{name}: two variants share a name"


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_variants_answer_real_cells_in_their_own_words(name):
    answers, cells = answer_cells(name), graded_points(name)
    parts = {g.split("_")[0] for g in cells}
    for v in CORPUS[name]:
        assert v.answers, f"{name}/{v.name} answers nothing"
        for grade_id in v.answers:
            assert grade_id in answers, f"{name}/{v.name}: no answer cell {grade_id!r}"
            assert v.source(grade_id) != answers[grade_id].strip(), (
                f"{name}/{v.name}: {grade_id} is the instructor's solution, word for word")
        for item in v.loses:
            assert item in cells or item in parts, f"{name}/{v.name}: no cell or part {item!r}"
        for grade_id in list(v.says) + list(v.visible):
            assert grade_id in cells, f"{name}/{v.name}: no graded cell {grade_id!r}"
        if not v.correct:
            assert set(v.says) & losing_cells(name, v), (
                f"{name}/{v.name}: say which words the failure message must contain")


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_each_variant_scores_exactly_what_it_earns(graded, case):
    name, variant = case
    out = graded[0][name].result()
    points, lost = graded_points(name), losing_cells(name, variant)
    wanted = {g: 0 if g in lost else p for g, p in points.items()}
    got = out["scores"][student(variant)]
    said = out["said"][student(variant)]
    wrong = {g: (got.get(g), wanted[g], said.get(g, "")[-600:]) for g in points
             if (got.get(g) or 0) != wanted[g]}
    assert not wrong, (f"{name}/{variant.name} ({variant.why}): cell: (score, wanted, message) "
                       f"{wrong}; events: {out['events'].get(student(variant), {}).get('events')}")


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in CASES if c[1].says], ids=_ids)
def test_each_mistake_is_named_in_its_message(graded, case):
    name, variant = case
    said = graded[0][name].result()["said"][student(variant)]
    for grade_id, words in variant.says.items():
        for text in [words] if isinstance(words, str) else words:
            assert text.lower() in said[grade_id].lower(), (
                f"{name}/{variant.name}: {grade_id} should say {text!r}; it says:\n{said[grade_id]}")


@pytest.mark.slow
@pytest.mark.parametrize("case", VISIBLE, ids=_ids)
def test_common_mistakes_are_caught_by_a_visible_check(graded, case):
    name, variant = case
    said = graded[1][(name, variant.name)].result()
    for grade_id, words in variant.visible.items():
        for text in [words] if isinstance(words, str) else words:
            assert text.lower() in said[grade_id].lower(), (
                f"{name}/{variant.name}: the visible part of {grade_id} should say {text!r}; "
                f"it says:\n{said[grade_id]}")
