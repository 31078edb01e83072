"""optbook.validate: the check students run before they submit.

It passes the solution's answers filled into the released notebook, and on a broken
notebook it flags each kind of problem: the wrong file name, a required name missing, a
failing visible check, and cells that stop execution (an exception, exit(), raise
SystemExit, input(), an endless loop). It never runs hidden tests.
"""

import subprocess
import sys

import nbformat
import pytest

import optbook
from grading.course import assignment_names, nbgrader_meta, release_path, source_path, with_answers
from optbook import validate as V

NAME = "gd"  # a quick assignment
HIDDEN = "### BEGIN HIDDEN TESTS\nraise RuntimeError('a hidden test ran')\n### END HIDDEN TESTS\n"


def cell(nb, grade_id):
    return next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == grade_id)


def write(nb, folder, filename):
    path = folder / filename
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("name", assignment_names())
def test_the_assignment_and_its_required_names_come_from_the_released_notebook(name):
    release = nbformat.read(release_path(name), as_version=4)
    assert V.assignment_of(release) == name
    required = V.required_names(release)
    assert required, name
    # every required name is what the solution's answer cells define, none a fixed cell's
    solution = nbformat.read(source_path(name), as_version=4)
    answers, fixed = set(), set()
    for c in solution.cells:
        tree = V.python_source(c.source) if c.cell_type == "code" else None
        if tree is not None:
            (answers if V.is_answer(c) else fixed).update(V.defined_names(tree))
    assert set(required) <= answers, set(required) - answers
    assert not set(required) & fixed


def test_the_solution_filled_into_the_release_will_grade(tmp_path, capsys):
    nb = with_answers(NAME)
    cell(nb, "p3_tests_rate").source += "\n" + HIDDEN  # lines only an instructor's copy has
    report = optbook.validate(write(nb, tmp_path, f"{NAME}.ipynb"), timeout=60)
    assert report.ok, report.text()
    assert report.checks_run == sum(V.is_check(c) for c in nb.cells)
    assert any("hidden tests" in note for note in report.notes)
    printed = capsys.readouterr().out
    assert "It will grade" in printed and "hidden test ran" not in printed


def test_a_broken_notebook_gets_each_kind_of_problem_in_words(tmp_path):
    nb = with_answers(NAME)
    # a renamed answer
    answer = cell(nb, "p5_newton")
    answer.source = answer.source.replace("newton_quartic_factor =", "newton_factor =")
    # a wrong answer that a visible check catches: the contraction factor without abs()
    answer = cell(nb, "p2_rates")
    answer.source = answer.source.replace("return abs(1 - eta * a)", "return 1 - eta * a")
    # cells that stop execution
    nb.cells.insert(nb.cells.index(cell(nb, "p1_tests_hidden")) + 1,
                    nbformat.v4.new_code_cell("print('done')\nexit()"))
    cell(nb, "p3_conditioning").source += "\n\nname = input('your name: ')\n"
    cell(nb, "p4_line_search").source += "\n\nraise SystemExit\n"
    failing = nbformat.v4.new_code_cell("scale = 1 / 0")
    nb.cells.insert(nb.cells.index(cell(nb, "p1_gd")) + 1, failing)
    cell(nb, "p4_tests_visible").source += "\n" + HIDDEN

    report = V.validate(write(nb, tmp_path, f"Copy of {NAME}.ipynb"), quiet=True)
    text = report.text()
    assert not report.ok
    assert report.kinds() == {"file name", "missing name", "failing check", "stops execution"}
    by_kind = {kind: [p for p in report.problems if p.kind == kind] for kind in report.kinds()}

    assert "'Copy of gd.ipynb'" in by_kind["file name"][0].message
    assert "'gd.ipynb'" in by_kind["file name"][0].message
    assert [p.message.split("'")[1] for p in by_kind["missing name"]] == ["newton_quartic_factor"]
    assert [p.cell for p in by_kind["failing check"]] == ["p2_tests_visible", "p5_tests_factor"]
    assert "never negative" in by_kind["failing check"][0].message  # the check's own words
    stops = " ".join(p.message for p in by_kind["stops execution"])
    for words in ("exit()", "input()", "raise SystemExit", "ZeroDivisionError"):
        assert words in stops, (words, text)
    assert len(by_kind["stops execution"]) == 4
    assert "hidden test ran" not in text
    assert "will NOT grade" in text


def small_assignment(answer):
    """A released notebook of three cells that starts in a second: setup, answer, check."""
    def graded(source, grade_id, **flags):
        meta = {"grade_id": grade_id, "grade": False, "solution": False, "locked": True}
        meta.update(flags)
        return nbformat.v4.new_code_cell(source, metadata={"nbgrader": meta})
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Assignment\n\nRead [small](../../chapters/small.md)."),
        graded("import math", "setup"),
        graded(answer, "p1_answer", solution=True, locked=False),
        graded("assert math.isclose(double(2), 4), 'double(2) should be 4'", "p1_tests",
               grade=True, points=1)])


def test_an_endless_loop_and_a_dying_kernel_are_reported_and_run_around(tmp_path):
    nb = small_assignment("def double(x):\n    return 2 * x")
    nb.cells.insert(2, nbformat.v4.new_code_cell("while True:\n    pass"))
    nb.cells.insert(3, nbformat.v4.new_code_cell("import ctypes\nctypes.string_at(0)"))
    report = V.validate(write(nb, tmp_path, "small.ipynb"), timeout=3, quiet=True)
    assert [p.kind for p in report.problems] == ["stops execution"] * 2, report.text()
    assert "cell 3' did not finish within 3 s" in report.text()
    assert "cell 4' ended the kernel" in report.text()
    assert report.checks_run == 1  # the check still ran, in a run without those cells
    # exit() and os._exit() are left out of the run at once, as the grader leaves them out
    nb.cells[2].source, nb.cells[3].source = "exit()", "import os\nos._exit(3)"
    report = V.validate(write(nb, tmp_path, "small.ipynb"), timeout=3, quiet=True)
    assert "calls exit()" in report.text() and "calls os._exit()" in report.text()
    assert len(report.problems) == 2 and "run again" not in report.text()


def test_a_part_left_unanswered_is_named(tmp_path):
    nb = with_answers(NAME, keep_stub={"p2"})
    report = V.validate(write(nb, tmp_path, f"{NAME}.ipynb"), quiet=True)
    assert {p.cell for p in report.problems if p.kind == "stops execution"} == {"p2_rates"}
    assert "not answered yet" in report.text()


def test_the_command_line_and_the_call_in_the_notebook(tmp_path):
    assert callable(optbook.validate)
    nb = small_assignment("def double(x):\n    return 2 * x")
    assert V.main([str(write(nb, tmp_path, "small.ipynb"))]) == 0
    result = subprocess.run([sys.executable, "-m", "optbook.validate",
                             str(write(nb, tmp_path, "small (1).ipynb"))],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "RuntimeWarning" not in result.stderr
    assert "the grader looks for 'small.ipynb'" in result.stdout


def test_validate_called_as_a_cell_of_the_notebook_does_not_run_itself(tmp_path, monkeypatch):
    nb = small_assignment("def double(x):\n    return 2 * x")
    nb.cells.append(nbformat.v4.new_code_cell("import optbook\noptbook.validate()"))
    monkeypatch.chdir(tmp_path)
    write(nb, tmp_path, "small.ipynb")
    report = optbook.validate(quiet=True)  # the only notebook in the working folder
    assert report.ok, report.text()
    monkeypatch.setenv(V.RUNNING, "1")
    assert optbook.validate() is None
    # nor while the notebook is graded: a student's own validate() cell costs the grader nothing
    monkeypatch.delenv(V.RUNNING)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert optbook.validate() is None
