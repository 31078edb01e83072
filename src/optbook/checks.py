"""The checks graded test cells are written with.

Each check names the student's answers it looks at (its *probes*) and a judge
(:mod:`optbook.judges`) that decides on them as plain data. In a notebook a
check runs the judge at once on :func:`optbook.plain.roundtrip` of the answers
and raises ``AssertionError`` with the judge's words. The course's grader
instead sends only the probed answers out of the student's kernel and runs the
same judge in its own process, with the reference values that never entered
the kernel (``grading/rewrite.py``). So a check gives the same verdict in both
places, and nothing else in a test cell decides a grade.

In a graded test cell, every check is a statement of its own at the top level
of the cell, and every argument that is not a probe is a literal (numbers,
strings, lists; ``what`` may also be an f-string).

Examples:
    >>> check_close(0.1 + 0.2, 0.3, "the sum", rtol=1e-12)
    >>> check_type((1, 2), "pair", "the interval")
    >>> check(answer == "b", "why b")          # doctest: +SKIP
"""

import functools
import inspect
from dataclasses import dataclass

import numpy as np

from optbook import judges
from optbook.plain import roundtrip

_Error, _type, _np_bool = AssertionError, type, np.bool_


@dataclass(frozen=True)
class Check:
    """How the grader splits a check: the probed parameters, the judge, and whether
    passing it alone could be a guess (a type, a boolean, an ordering, a zero)."""

    name: str
    probes: tuple
    judge: object
    signature: inspect.Signature
    guessable: object  # bool, or a function of the literal arguments


CHECKS = {}  # check function name -> Check


def _judged(judge, probes, guessable=False):
    def wrap(function):
        signature = inspect.signature(function)

        @functools.wraps(function)
        def run(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            values = {name: roundtrip(value) for name, value in bound.arguments.items()}
            problem = judge(**values, reveal=True)
            if problem is not None:
                raise _Error(problem)
            return function(*args, **kwargs)

        CHECKS[function.__name__] = Check(function.__name__, probes, judge, signature, guessable)
        return run

    return wrap


def _trivial(values):
    """A reference made only of 0, 1 and -1 (a zero, an identity, a sign) can be guessed."""
    try:
        flat = judges.numbers(values, "the reference")
    except judges.Problem:
        return False
    return all(v in (0.0, 1.0, -1.0) for v in flat)


@_judged(judges.close, ("answer",), guessable=lambda literals: _trivial(literals["expected"]))
def check_close(answer, expected, what="the answer", rtol=1e-6, atol=1e-8, float32=True):
    """Fail unless ``answer`` equals ``expected`` entry by entry, within tolerance
    (float32's precision for a float32 answer; ``float32=False`` asks for float64)."""


@_judged(judges.equal, ("answer",),
         guessable=lambda literals: _type(literals["expected"]) is bool or (
             _type(literals["expected"]) in (int, float) and literals["expected"] in (0, 1)))
def check_equal(answer, expected, what="the answer"):
    """Fail unless ``answer`` equals ``expected`` (NumPy booleans and scalars count as
    Python's; a one-letter answer is compared without case or surrounding spaces)."""


@_judged(judges.one_of, ("answer",), guessable=True)
def check_one_of(answer, options, what="the answer"):
    """Fail unless ``answer`` is one of ``options``."""


@_judged(judges.kind, ("answer",), guessable=True)
def check_type(answer, kind, what="the answer", shape=None, length=None):
    """Fail unless ``answer`` is of ``kind`` ("number", "int", "bool", "str", "array",
    "ndarray", "tensor", "sequence", "pair", "list", "tuple"), with ``shape``/``length``."""


@_judged(judges.less, ("smaller", "larger"), guessable=True)
def check_less(smaller, larger, what="the comparison", margin=0.0):
    """Fail unless ``smaller < larger`` (both numbers; by more than ``margin``)."""


@_judged(judges.finite, ("answer",), guessable=True)
def check_finite(answer, what="the answer"):
    """Fail unless every entry of ``answer`` is finite."""


@_judged(judges.orthogonal, ("matrix",), guessable=True)
def check_orthogonal(matrix, what="the matrix", atol=1e-10):
    """Fail unless ``matrix`` is square with QᵀQ = QQᵀ = I within ``atol``."""


@_judged(judges.differ, ("first", "second"), guessable=True)
def check_differ(first, second, what="the two answers", atol=1e-8):
    """Fail unless the two answers differ somewhere by more than ``atol``."""


@_judged(judges.proof, ("chain",),
         guessable=lambda literals: not (literals["steps"] or literals["complete"]))
def check_proof(chain, what="the proof", steps=0, complete=False, ends=False):
    """Fail unless the proof chain has ``steps`` credited steps, is ``complete``, or
    (``ends``) starts and ends where it should (see :mod:`optbook.proofs`)."""


def check(condition, message):
    """Fail with ``message`` unless ``condition`` is exactly True (or NumPy's True).

    In a graded test cell the grader judges ``check(X == LITERAL, ...)``,
    ``check(X in LITERAL, ...)`` and ``check(X is True, ...)`` itself (see
    ``grading/rewrite.py``); other conditions are for notebooks only.
    """
    if condition is not True and not (_type(condition) is _np_bool and condition.item() is True):
        raise _Error(message)


def check_number(answer, what="the answer"):
    """Fail unless ``answer`` is a single finite real number; return it as a float."""
    value = roundtrip(answer)
    problem = judges.kind(value, "number", what) or judges.finite(value, what)
    if problem is not None:
        raise _Error(problem)
    return judges.numbers(value, what)[0]


CHECKS["check_number"] = Check("check_number", ("answer",),
                               lambda answer, what="the answer", reveal=True:
                               judges.kind(answer, "number", what) or judges.finite(answer, what),
                               inspect.signature(check_number), True)

