"""Every graded check of every assignment is judged outside the kernel.

The grader splits each graded test cell (grading/rewrite.py): the kernel only
probes, sending the student's answers out as plain data, and the grader judges
them against references that never enter the kernel. These tests fail when an
assignment has a check the grader cannot judge itself, a cell whose every
check could be passed by a guess, or a hidden reference that still reaches the
kernel.
"""

import ast

import nbformat
import numpy as np
import pytest
import sympy as sp

from grading import course as C
from grading import rewrite
from optbook import checks, judges, plain


def _graded_cells():
    for name in C.assignment_names():
        notebook = nbformat.read(C.source_path(name), as_version=4)
        for cell in notebook.cells:
            if C.nbgrader_meta(cell).get("grade"):
                yield name, C.nbgrader_meta(cell)["grade_id"], cell.source


CELLS = list(_graded_cells())


@pytest.mark.parametrize("name,grade_id,source", CELLS, ids=[f"{n}/{g}" for n, g, _ in CELLS])
def test_every_graded_cell_is_judged_outside(name, grade_id, source):
    prepared = rewrite.rewrite(source)
    assert not prepared.problems, prepared.problems
    assert prepared.probes, "a graded cell without a check"
    assert prepared.judged_outside, (
        "every check of this cell could be passed by a guess (a type, a boolean, an ordering, "
        "a zero or an identity): pair it with reference values")


@pytest.mark.parametrize("name,grade_id,source", CELLS, ids=[f"{n}/{g}" for n, g, _ in CELLS])
def test_no_reference_reaches_the_kernel(name, grade_id, source):
    prepared = rewrite.rewrite(source)
    executed = ast.parse(prepared.source)
    probes = [node for node in ast.walk(executed) if isinstance(node, ast.Call)
              and getattr(node.func, "id", None) == rewrite.PROBE]
    assert len(probes) == len(prepared.probes)
    for node in ast.walk(executed):  # no check function is called in the kernel
        assert not (isinstance(node, ast.Call) and rewrite._check_name(node)), ast.unparse(node)
    for probe in prepared.probes.values():  # a hidden reference is not in what the kernel runs
        expected = probe.literals.get("expected") if probe.hidden else None
        if isinstance(expected, list) and len(expected) > 1 and all(
                isinstance(v, float) for v in expected):
            assert repr(expected) not in prepared.source


# ----------------------------------------------------------------------------- the pieces
def test_rewrite_splits_probes_from_references():
    source = ('x = np.array([1.0, 2.0])\n'
              'check_close(f(x), [1.0, 2 / 3], "f(x)", rtol=1e-9)\n'
              'check(answer == "b", f"why {k}")\n'
              'check(n(1) == 346 and n(2) == 70, "counts")\n'
              '### BEGIN HIDDEN TESTS\n'
              'check_type(f(x), "ndarray", "f(x)", shape=(2,))\n'
              'check(flag is True, "the flag")\n'
              '### END HIDDEN TESTS\n')
    prepared = rewrite.rewrite(source)
    assert not prepared.problems
    assert "2 / 3" not in prepared.source and "'b'" not in prepared.source
    assert "346" not in prepared.source and "x = np.array([1.0, 2.0])" in prepared.source
    assert [p.check for p in prepared.probes.values()] == [
        "check_close", "check_equal", "check_equal", "check_equal", "check_type", "check_equal"]
    assert [p.hidden for p in prepared.probes.values()] == [False] * 4 + [True] * 2
    assert prepared.probes[0].literals["expected"] == [1.0, pytest.approx(2 / 3)]
    assert prepared.probes[1].probed == ("answer", "what")  # the f-string travels as text
    close = prepared.probes[0]
    assert rewrite.judge(close, [plain.encode(np.array([1.0, 2 / 3]))]) is None
    message = rewrite.judge(close, [plain.encode([1.0, 0.5])])
    assert "should be 0.666667" in message
    assert rewrite.judge(prepared.probes[1], ["B", "why 3"]) is None
    assert rewrite.judge(prepared.probes[1], ["a", "why 3"]).startswith("why 3")
    assert rewrite.judge(prepared.probes[5], [plain.encode(np.bool_(True))]) is None
    assert rewrite.judge(prepared.probes[4], [plain.encode(np.zeros(2))]) is None
    assert "shape" in rewrite.judge(prepared.probes[4], [plain.encode(np.zeros(3))])


def test_hidden_messages_keep_the_reference_hidden():
    prepared = rewrite.rewrite('### BEGIN HIDDEN TESTS\n'
                               'check_close(f(1), 0.123456, "f(1)")\n'
                               '### END HIDDEN TESTS\n')
    probe = prepared.probes[0]
    assert "0.123456" not in rewrite.judge(probe, [0.5])
    assert "0.123456" in rewrite.judge(probe, [0.5], show_expected=True)


@pytest.mark.parametrize("source", [
    "check(len(calls) > 5, 'kept in the kernel')",
    "for n in (1, 2):\n    check_close(f(n), 1.0, 'f')",
    "v = check_number(f(1), 'f(1)')",
    "check_close(f(1), g(1), 'a reference computed in the kernel')",
    "assert f(1) == 2",
    "check_type(f(1), 'number', 'f(1)')",  # a guess on its own
    "x = 1",  # no check at all
])
def test_rewrite_refuses_what_the_grader_cannot_judge(source):
    assert not rewrite.rewrite(source).judged_outside


def test_the_kernel_cannot_send_what_it_likes():
    prepared = rewrite.rewrite('check_close(f(1), [2.0, 3.0], "f(1)")')
    probe = prepared.probes[0]
    assert "intact" in rewrite.judge(probe, "not a list")
    assert "could not be read" in rewrite.judge(probe, [{"t": "array", "shape": [5], "data": []}])
    assert "not an object of type Anything" in \
        "not " + rewrite.judge(probe, [{"t": "object", "type": "Anything"}]).split("not ", 1)[1]
    assert rewrite.judge(probe, [[2.0, {"t": "float", "value": "nan"}]]) is not None
    with pytest.raises(plain.PlainError):
        plain.decode({"t": "sympy", "node": "Lambda", "args": []})


def test_plain_data_round_trips_the_types_students_use():
    import torch

    assert plain.roundtrip(np.float32(0.5)) == plain.Scalar("float32", 0.5)
    assert plain.roundtrip(np.bool_(False)) is False
    assert plain.roundtrip((1, [2.0, "a"])) == (1, [2.0, "a"])
    tensor = plain.roundtrip(torch.tensor([[1.0, 2.0]], dtype=torch.float32))
    assert tensor.origin == "torch" and tensor.dtype == "float32" and tensor.shape == (1, 2)
    assert judges.is_float32(tensor)
    O, x = sp.symbols("O x", commutative=False)
    T = sp.Function("T")
    expression = T(O * x) * (O * x)
    assert plain.roundtrip(expression) == expression
    assert isinstance(plain.roundtrip(np.ma.array([1.0])), plain.Opaque)  # a subclass: opaque


def test_in_the_notebook_a_check_gives_the_graders_verdict():
    checks.check_close(np.float32(0.1), 0.1, "x", rtol=1e-6)
    with pytest.raises(AssertionError, match="should be 0.2"):
        checks.check_close(0.1, 0.2, "x")
    checks.check_equal(np.bool_(True), True, "a flag")
    checks.check_type([1.0, 2.0], "pair", "the interval")
    with pytest.raises(AssertionError, match="orthogonal"):
        checks.check_orthogonal(np.ones((2, 2)), "Q")
    assert checks.check_number(np.float64(2.5), "x") == 2.5
