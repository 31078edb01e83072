"""The verdicts of graded checks, as pure functions of plain data.

Each judge takes the student's answers as decoded plain data
(:func:`optbook.plain.decode`: numbers, strings, lists, :class:`~optbook.plain.Array`,
sympy expressions) and the test's literals (the reference, tolerances, the
words ``what`` names), and returns ``None`` when the answer passes, else what is
wrong, in words. The same judge runs in two places:

- in the notebook, when :mod:`optbook.checks` runs a visible check for a student
  (or plain nbgrader runs a hidden one), on the answer sent through
  :func:`optbook.plain.roundtrip`;
- in the grader's own process, on the data the kernel sent out, with
  references that never entered the kernel (``grading/rewrite.py``).

``reveal`` says whether a message may show the expected value: always in the
notebook (the reference is in the cell the student runs), and for hidden checks
only if the instructor opts in.

Examples:
    >>> close([0.5], [0.5], what="x", rtol=1e-9, atol=0.0, reveal=True) is None
    True
    >>> equal("B ", "b", what="the letter", reveal=False) is None
    True
"""

import math

import numpy as np

from optbook.plain import Array, Opaque, Scalar

_isfinite, _abs, _float, _len, _type = math.isfinite, abs, float, len, type


class Problem(Exception):
    """An answer of the wrong kind; its message says so in words."""


def describe(value):
    """A short name of the kind of ``value``, for messages."""
    if isinstance(value, Array):
        return f"a {value.origin} array of shape {value.shape} ({value.dtype})"
    if isinstance(value, Scalar):
        return f"a NumPy {value.dtype}"
    if isinstance(value, Opaque):
        return f"an object of type {value.type_name}"
    if value is None:
        return "None"
    if _type(value) in (list, tuple):
        return f"a {_type(value).__name__} of {_len(value)}"
    return {bool: "a boolean", str: "a string", int: "an integer", float: "a float",
            list: "a list", tuple: "a tuple"}.get(_type(value), _type(value).__name__)


def numbers(value, what):
    """A flat list of floats from a number, a NumPy scalar, an array or nested lists."""
    kind = _type(value)
    if kind is bool:
        raise Problem(f"{what} should be a number, not True or False")
    if kind is int or kind is float:
        return [_float(value)]
    if kind is Scalar:
        return [_float(value.value)]
    if kind is Array:
        if value.values.dtype == bool:
            raise Problem(f"{what} should hold numbers, not booleans")
        return value.values.reshape(-1).tolist()
    if kind is list or kind is tuple:
        return [v for item in value for v in numbers(item, what)]
    raise Problem(f"{what} should be a number, an array or a tensor, not {describe(value)}")


def is_float32(value):
    """True if the answer was computed in single precision (a float32 array or scalar)."""
    if isinstance(value, (Array, Scalar)):
        return value.dtype in ("float32", "float16", "bfloat16")
    if isinstance(value, (list, tuple)):
        return any(is_float32(item) for item in value)
    return False


def _digits(actual, expected):
    """``actual`` with enough digits to tell it apart from ``expected``."""
    for precision in (6, 9, 12, 17):
        if f"{actual:.{precision}g}" != f"{expected:.{precision}g}":
            return f"{actual:.{precision}g}"
    return repr(actual)


def compare(actual, wanted, what, rtol, atol, reveal, note=""):
    """None if two float lists agree entry by entry within tolerance, else what is wrong.

    A message shows enough digits to tell the two numbers apart. A hidden check does not
    show the reference, but says how far off a near miss is (relative error below 1e-3),
    which tells a student that the method is right and the arithmetic is not.
    """
    if _len(actual) != _len(wanted):
        return f"{what} should have {_len(wanted)} entries, but it has {_len(actual)}"
    for index, (a, e) in enumerate(zip(actual, wanted)):
        where = "" if _len(wanted) == 1 else f" at position {index}"
        if not _isfinite(a):
            return f"{what} has a non-finite entry ({a}){where}"
        if not _abs(a - e) <= atol + rtol * _abs(e):
            relative = _abs(a - e) / _abs(e) if e else _abs(a - e)
            if reveal:
                return (f"{what} is {_digits(a, e)}{where}, but it should be {_digits(e, a)} "
                        f"(relative error {relative:.2g}, allowed {rtol:g}{note})")
            if relative < 1e-3:
                return (f"{what} is {a:.9g}{where}, close to the expected value but not within "
                        f"the tolerance (relative error {relative:.2g}, allowed {rtol:g}{note})")
            return f"{what} is {a:.6g}{where}, which is not the expected value"
    return None


# ----------------------------------------------------------------------------- the judges
FLOAT32_RTOL = 1e-4  # what a float32 answer is allowed, unless a check says otherwise


def close(answer, expected, what="the answer", rtol=1e-6, atol=1e-8, float32=True,
          reveal=True):
    """The answer equals ``expected`` entry by entry within ``rtol``/``atol``.

    An answer computed in float32 (or half precision) is held to float32's precision:
    ``rtol`` is widened to ``float32`` (a number; True means :data:`FLOAT32_RTOL`) and
    ``atol`` to 1e-6. Where the task asks for float64, ``float32=False`` refuses a
    single-precision answer with a message that says how to convert.
    """
    try:
        actual = numbers(answer, what)
    except Problem as problem:
        return str(problem)
    rtol, atol, note = _float(rtol), _float(atol), ""
    if is_float32(answer):
        if float32 is False:
            return (f"{what} was computed in {_precision(answer)}, but this task asks for "
                    "float64: create tensors with dtype=torch.float64 (or call .double()), "
                    "arrays with dtype=np.float64")
        widened = FLOAT32_RTOL if float32 is True else _float(float32)
        if widened > rtol:
            rtol, atol, note = widened, max(atol, 1e-6), f", as the answer is {_precision(answer)}"
    return compare(actual, numbers(expected, "the reference"), what, rtol, atol, reveal, note)


def _precision(value):
    if isinstance(value, (Array, Scalar)):
        return value.dtype
    return next(_precision(item) for item in value if is_float32(item))


def _normal(value):
    """Values compared by :func:`equal`: NumPy scalars as numbers, tuples as lists,
    a one-letter answer without case or surrounding space."""
    if isinstance(value, Scalar):
        return value.value
    if isinstance(value, Array) and value.values.dtype == bool and value.values.size == 1:
        return bool(value.values.reshape(-1)[0])  # torch.all(...), np.array(True)
    if isinstance(value, tuple):
        return [_normal(v) for v in value]
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, str) and _len(value.strip()) == 1:
        return value.strip().lower()
    return value


def _same(a, b):
    if _type(a) is bool or _type(b) is bool:
        return _type(a) is bool and _type(b) is bool and a == b
    if _type(a) in (int, float) and _type(b) in (int, float):
        return a == b
    if _type(a) is str and _type(b) is str:
        return a == b
    if _type(a) is list and _type(b) is list:
        return _len(a) == _len(b) and all(_same(x, y) for x, y in zip(a, b))
    return False


def equal(answer, expected, what="the answer", reveal=True):
    """The answer equals ``expected``: a number, a boolean (NumPy's too), a string
    (one letter: any case), or a list or tuple of those."""
    if _same(_normal(answer), _normal(expected)):
        return None
    if _type(_normal(expected)) is bool and _type(_normal(answer)) is not bool:
        return f"{what} should be True or False, not {describe(answer)}"
    if reveal:
        return f"{what}: the answer is {_show(answer)}, but it should be {_show(expected)}"
    return f"{what}: {_show(answer)} is not the right answer"


def one_of(answer, options, what="the answer", reveal=True):
    """The answer is one of ``options`` (compared as :func:`equal` does)."""
    if any(_same(_normal(answer), _normal(option)) for option in options):
        return None
    shown = ", ".join(_show(o) for o in options)
    return f"{what}: the answer is {_show(answer)}, but it should be one of {shown}"


def _show(value):
    if isinstance(value, Scalar):
        value = value.value
    if isinstance(value, (Array, Opaque)):
        return describe(value)
    text = repr(value)
    return text if _len(text) <= 80 else text[:77] + "..."


_KINDS = {
    "number": "a number", "int": "an integer", "bool": "True or False", "str": "a string",
    "array": "a NumPy array or a torch tensor", "ndarray": "a NumPy array",
    "tensor": "a torch tensor", "sequence": "a list, a tuple or an array",
    "pair": "a pair (a tuple or a list of two)", "list": "a list", "tuple": "a tuple",
}


def _is_kind(value, kind):
    integral = _type(value) is int or (isinstance(value, Scalar) and "int" in value.dtype)
    if kind == "number":
        return _type(value) in (int, float) or isinstance(value, Scalar) or (
            isinstance(value, Array) and value.values.size == 1 and value.values.dtype != bool)
    if kind == "int":
        return integral
    if kind == "bool":
        return _type(_normal(value)) is bool
    if kind == "str":
        return _type(value) is str
    if kind == "array":
        return isinstance(value, Array)
    if kind == "ndarray":
        return isinstance(value, Array) and value.origin == "numpy"
    if kind == "tensor":
        return isinstance(value, Array) and value.origin == "torch"
    if kind == "sequence":
        return _type(value) in (list, tuple) or isinstance(value, Array)
    if kind == "pair":
        return _type(value) in (list, tuple) and _len(value) == 2
    if kind == "list":
        return _type(value) is list
    if kind == "tuple":
        return _type(value) is tuple
    raise ValueError(f"unknown kind {kind!r}")


def shape_of(value):
    """The shape of an array, or of nested lists and numbers (as ``np.shape`` gives it),
    else None."""
    if isinstance(value, Array):
        return value.shape
    try:
        return tuple(np.shape(np.array(_nested(value), dtype=float)))
    except (Problem, ValueError, TypeError):
        return None


def _nested(value):
    if isinstance(value, Array):
        return value.values.tolist()
    if isinstance(value, Scalar):
        return value.value
    if _type(value) in (list, tuple):
        return [_nested(v) for v in value]
    if _type(value) in (int, float):
        return value
    raise Problem("not numbers")


def kind(answer, kind, what="the answer", shape=None, length=None, reveal=True):
    """The answer is of ``kind`` (see ``_KINDS``), with ``shape`` or ``length`` if given."""
    if not _is_kind(answer, kind):
        return f"{what} should be {_KINDS[kind]}, not {describe(answer)}"
    if shape is not None and shape_of(answer) != tuple(shape):
        return f"{what} should have shape {tuple(shape)}, not {shape_of(answer)}"
    if length is not None:
        size = (answer.values.size if isinstance(answer, Array) else _len(answer)
                if _type(answer) in (list, tuple) else 1)
        if size != length:
            return f"{what} should have {length} entries, not {size}"
    return None


def less(smaller, larger, what="the comparison", margin=0.0, reveal=True):
    """``smaller < larger`` (by more than ``margin``), both numbers."""
    try:
        a = numbers(smaller, what)
        b = numbers(larger, what)
    except Problem as problem:
        return str(problem)
    if _len(a) != 1 or _len(b) != 1:
        return f"{what}: each side should be one number"
    if not (_isfinite(a[0]) and _isfinite(b[0])):
        return f"{what}: a side is not finite ({a[0]:.6g} and {b[0]:.6g})"
    if a[0] + margin < b[0]:
        return None
    if not reveal:  # one side may be a hidden bound
        return f"{what}: the comparison does not come out as it should"
    return f"{what}: {a[0]:.6g} should be less than {b[0]:.6g}" + (
        f" by more than {margin:g}" if margin else "")


def finite(answer, what="the answer", reveal=True):
    """Every entry of the answer is a finite number."""
    try:
        values = numbers(answer, what)
    except Problem as problem:
        return str(problem)
    bad = [i for i, v in enumerate(values) if not _isfinite(v)]
    return None if not bad else f"{what} has a non-finite entry at position {bad[0]}"


def orthogonal(matrix, what="the matrix", atol=1e-10, reveal=True):
    """``matrix`` is square and orthogonal: QᵀQ = QQᵀ = I within ``atol``."""
    if not isinstance(matrix, Array) or _len(matrix.shape) != 2 or \
            matrix.shape[0] != matrix.shape[1]:
        return f"{what} should be a square array, not {describe(matrix)}"
    q = matrix.values
    if not np.all(np.isfinite(q)):
        return f"{what} has non-finite entries"
    eye = np.eye(q.shape[0])
    worst = max(np.abs(q.T @ q - eye).max(), np.abs(q @ q.T - eye).max())
    return None if worst <= atol else f"{what} is not orthogonal: Q^T Q differs from I by {worst:.3g}"


def differ(first, second, what="the two answers", atol=1e-8, reveal=True):
    """The two answers differ somewhere by more than ``atol`` (same size, or different sizes)."""
    try:
        a, b = numbers(first, what), numbers(second, what)
    except Problem as problem:
        return str(problem)
    if _len(a) != _len(b) or any(_abs(x - y) > atol for x, y in zip(a, b)):
        return None
    return f"{what} should differ, but they are the same"


def proof(chain, what="the proof", steps=0, complete=False, ends=False, reveal=True):
    """The proof chain (sympy expressions) earns ``steps`` credited steps, is ``complete``,
    or (``ends``) starts and ends where it should. Checked by :mod:`optbook.proofs`."""
    from optbook import proofs

    report = proofs.check_chain(chain if isinstance(chain, list) else None)
    if report.problem:
        return f"{what}: {report.problem}"
    if ends and not (report.starts_right and report.ends_right):
        return f"{what}: " + report.summary()
    if steps and report.credited < steps:
        return (f"{what}: {report.credited} valid step(s), this point needs {steps}: "
                + report.summary())
    if complete and not report.complete:
        return f"{what} is not complete: " + report.summary()
    return None
