"""Checks for graded tests: compare a student's answer with stored reference values.

Every check fails with an ``AssertionError`` whose message says what is wrong
in words. Answers are turned into plain Python floats before they are
compared, and only real numbers, NumPy arrays and tensors are accepted, so an
object that claims to equal everything earns nothing.
"""

import math
import numbers

import numpy as np
import torch

# Bound once at import, so that a student cell replacing builtins (``builtins.abs = ...``,
# ``builtins.zip = ...``) or NumPy names does not change how answers are compared.
_float, _isfinite, _abs, _type, _len = float, math.isfinite, abs, type, len
_zip, _enumerate, _isinstance, _list, _tuple = zip, enumerate, isinstance, list, tuple
_Error, _np_bool = AssertionError, np.bool_
_ARRAY_TYPES = (np.ndarray, torch.Tensor)
_NUMPY_SCALARS = (np.float64, np.float32, np.int64, np.int32)


def as_floats(answer, what="the answer"):
    """A flat list of Python floats from a number, a sequence, an array or a tensor."""
    kind = _type(answer)
    if kind is bool:
        raise _Error(f"{what} should be a number, not True or False")
    if kind is int or kind is float or kind in _NUMPY_SCALARS:
        return [_float(answer)]
    if kind is torch.Tensor:
        return [_float(v) for v in answer.detach().cpu().double().reshape(-1).tolist()]
    if kind is np.ndarray:
        if answer.dtype.kind not in "fiu":
            raise _Error(f"{what} should hold numbers, not {answer.dtype}")
        return [_float(v) for v in answer.astype(np.float64).reshape(-1).tolist()]
    if kind is _list or kind is _tuple:
        return [v for item in answer for v in as_floats(item, what)]
    raise _Error(f"{what} should be a number, an array or a tensor, "
                 f"not {kind.__name__}")


def compare_floats(actual, wanted, what, rtol=1e-6, atol=1e-8):
    """None if the float lists agree entry by entry within tolerance, else what is wrong, in words.

    The grader also calls this outside the kernel, on answers recorded by the student's kernel.
    """
    if _len(actual) != _len(wanted):
        return f"{what} should have {_len(wanted)} entries, but it has {_len(actual)}"
    for index, (a, e) in _enumerate(_zip(actual, wanted)):
        if not _isfinite(a):
            return f"{what} has a non-finite entry ({a}) at position {index}"
        if not _abs(a - e) <= atol + rtol * _abs(e):
            where = "" if _len(wanted) == 1 else f" at position {index}"
            return f"{what} is {a:.6g}{where}, but it should be {e:.6g}"
    return None


def check_close(answer, expected, what, rtol=1e-6, atol=1e-8):
    """Fail unless ``answer`` equals ``expected`` entry by entry, within tolerance."""
    actual, wanted = as_floats(answer, what), as_floats(expected, "the reference")
    problem = compare_floats(actual, wanted, what, _float(rtol), _float(atol))
    if problem is not None:
        raise _Error(problem)


def check(condition, message):
    """Fail with ``message`` unless ``condition`` is exactly True."""
    if condition is not True and not (_type(condition) is _np_bool and condition.item() is True):
        raise _Error(message)


def check_number(answer, what):
    """Fail unless ``answer`` is a single finite real number; return it as a float."""
    if not _isinstance(answer, numbers.Real) and _type(answer) not in _ARRAY_TYPES:
        raise _Error(f"{what} should be a number, not {_type(answer).__name__}")
    values = as_floats(answer, what)
    if _len(values) != 1 or not _isfinite(values[0]):
        raise _Error(f"{what} should be one finite number")
    return values[0]
