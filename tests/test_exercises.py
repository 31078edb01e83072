"""The graded exercises, end to end, for every assignment found in solutions/.

Each assignment is graded once per test session in its own scratch course
(a temporary copy with its own gradebook; the repository's is untouched), with
these submissions, all autograded by one `nbgrader autograde` call:

- "solution": the instructor's notebook, as is: full marks;
- "blank": the released student version, untouched: zero;
- "p<k>-blank": every answer filled in except part k's: loses exactly part k's points.

Assignments are graded two at a time in the background (2 cores), so the tests
of one assignment run while the next is graded.
"""

import ast
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from grading import course as C
from grading.grade import grade
from optbook.checks import CHECKS

# OPTBOOK_ASSIGNMENTS=gd,sgd limits the run to those assignments (while authoring).
ASSIGNMENTS = [name for name in C.assignment_names()
               if not os.environ.get("OPTBOOK_ASSIGNMENTS")
               or name in os.environ["OPTBOOK_ASSIGNMENTS"].split(",")]
WORKERS = int(os.environ.get("OPTBOOK_GRADING_WORKERS", "2"))
VOLATILE_METADATA = {"execution", "collapsed", "scrolled", "jupyter", "editable", "deletable",
                     "trusted", "tags"}


class Grading:
    """The background grading of every assignment, one scratch course each."""

    def __init__(self, base):
        self.base = Path(base)
        self.pool = ThreadPoolExecutor(max_workers=WORKERS)
        self.futures = {name: self.pool.submit(self._grade, name) for name in ASSIGNMENTS}

    def _grade(self, name):
        course = C.make_course(self.base / name, [name])
        expected = C.standard_submissions(course, name)
        fresh = course / "fresh_release"
        start = time.perf_counter()
        with C.GRADINGS.shared():
            ok, seconds, _ = grade(course, csv_name="", with_feedback=False, quiet=True,
                                   release_to=fresh)
        total = time.perf_counter() - start
        log = (course / "grading.log").read_text()
        scores = C.part_scores(course, name, expected) if ok else {}
        return dict(ok=ok, log=log, expected=expected, scores=scores, course=course,
                    fresh=fresh / name / f"{name}.ipynb", autograde=seconds.get(name),
                    total=total, submissions=len(expected))

    def result(self, name):
        out = self.futures[name].result()
        assert out["ok"], f"grading {name} failed; log:\n{out['log'][-4000:]}"
        return out


@pytest.fixture(scope="session")
def grading(tmp_path_factory):
    runner = Grading(tmp_path_factory.mktemp("courses"))
    yield runner
    times = []
    for name, future in runner.futures.items():
        if future.done() and not future.exception() and future.result()["autograde"]:
            out = future.result()
            times.append(f"{name}: {out['autograde']:.1f} s for {out['submissions']} "
                         f"submissions ({out['autograde'] / out['submissions']:.1f} s each)")
    runner.pool.shutdown(wait=True, cancel_futures=True)
    if times:
        print("\nautograde times:\n  " + "\n  ".join(times))


@pytest.fixture(scope="session")
def all_graded(grading):
    return {name: grading.result(name) for name in ASSIGNMENTS}


def test_there_are_assignments():
    assert ASSIGNMENTS, "no solutions/<name>/<name>.ipynb found"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_notebook_follows_the_conventions(name):
    nb = nbformat.read(C.source_path(name), as_version=4)
    metas = [C.nbgrader_meta(c) for c in nb.cells]
    assert all(metas), "every cell needs nbgrader metadata"
    assert metas[0].get("grade_id") == "intro" and nb.cells[0].cell_type == "markdown"
    assert metas[1].get("grade_id") == "setup" and metas[1].get("locked")
    parts = C.parts(name)
    assert 3 <= len(parts) <= 6, f"{name} has {len(parts)} parts, the spec asks for 3 to 6"
    graded = [c for c in nb.cells if C.nbgrader_meta(c).get("grade")]
    assert len(graded) >= 6, f"{name} has {len(graded)} graded test cells, want >= 6"
    for cell in graded:
        meta = C.nbgrader_meta(cell)
        assert meta.get("points", 0) > 0 and meta.get("locked"), meta["grade_id"]
        assert C.part_of(cell), f"graded cell {meta['grade_id']} belongs to no part"
        assert not _shows_a_value(cell.source), (
            f"{name} {meta['grade_id']}: the last line displays a value, which nbgrader "
            "would take as partial credit; assign it (`_ = ...`) or end with check(...)")
    for part in parts:
        assert any(C.nbgrader_meta(c).get("solution") and C.part_of(c) == part
                   for c in nb.cells), f"{name} {part} has no answer cell"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, \
                f"{name}: clear the outputs of {C.nbgrader_meta(cell)['grade_id']}"


def _shows_a_value(source):
    """Whether a cell's last statement is an expression other than a check (optbook.checks)."""
    body = ast.parse(source).body
    if not body or not isinstance(body[-1], ast.Expr):
        return False
    value = body[-1].value
    return not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                and (value.func.id == "check" or value.func.id in CHECKS))


def test_at_least_40_graded_tests_in_all():
    count = sum(1 for name in C.assignment_names()
                for c in nbformat.read(C.source_path(name), as_version=4).cells
                if C.nbgrader_meta(c).get("grade"))
    assert count >= 40, f"only {count} graded test cells in all"


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_solution_gets_full_marks(grading, name):
    out = grading.result(name)
    assert out["scores"]["solution"] == C.parts(name)


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_untouched_student_version_gets_zero(grading, name):
    out = grading.result(name)
    assert out["scores"]["blank"] == {part: 0 for part in C.parts(name)}


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_one_blank_part_loses_exactly_its_points(grading, name):
    out = grading.result(name)
    full = C.parts(name)
    for part in full:
        wanted = {p: 0 if p == part else points for p, points in full.items()}
        assert out["scores"][f"{part}-blank"] == wanted, (
            f"{name}: only {part} left blank; report: {_events(out, f'{part}-blank')}")


def _events(out, student):
    """What the grading report says happened to ``student`` (for failure messages)."""
    import json

    report = out["course"] / "grading_report.json"
    if not report.exists():
        return "no report"
    return json.loads(report.read_text()).get(out["course"].name, {}).get(student, {}).get("events")


def _comparable(nb):
    cells = []
    for cell in nb.cells:
        meta = {k: v for k, v in cell.metadata.items() if k not in VOLATILE_METADATA}
        cells.append((cell.cell_type, cell.source, meta))
    return cells


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_released_version_is_what_generate_assignment_produces(grading, name):
    out = grading.result(name)
    committed = nbformat.read(C.release_path(name), as_version=4)
    fresh = nbformat.read(out["fresh"], as_version=4)
    assert _comparable(committed) == _comparable(fresh), (
        f"exercises/{name} is out of date: run `nbgrader generate_assignment {name} --force`")
    assert all(not c.get("outputs") for c in committed.cells), "released notebooks carry no outputs"


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_released_version_hides_solutions_and_hidden_tests(name):
    text = C.release_path(name).read_text()
    for marker in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS"):
        assert marker not in text, f"exercises/{name} leaks {marker}"


def test_a_notebook_gets_a_time_budget_as_well_as_a_per_cell_timeout():
    from grading.execute import BudgetedExecute

    executor = BudgetedExecute(timeout=60, notebook_timeout=100)
    cell = nbformat.v4.new_code_cell("pass")
    assert executor._get_timeout(cell) == 60
    executor._deadline = time.monotonic() + 10.5
    assert executor._get_timeout(cell) == 10
    executor._deadline = time.monotonic() - 5
    assert executor._get_timeout(cell) == 1, "every remaining cell still gets a second"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_headers_state_the_points_the_cells_give(name):
    """Every "## Part k: ... (N points)" header matches the points of part k's graded cells,
    and every part has such a header."""
    import re

    nb = nbformat.read(C.source_path(name), as_version=4)
    stated = {}
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for number, points in re.findall(r"^#+\s*Part\s+(\d+)\b.*\((\d+)\s+points?\)\s*$",
                                         cell.source, flags=re.M):
            stated[f"p{number}"] = int(points)
    assert stated == C.parts(name), f"{name}: headers say {stated}, the cells give {C.parts(name)}"
