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

_float, _isfinite, _abs, _type, _len = float, math.isfinite, abs, type, len
_ARRAY_TYPES = (np.ndarray, torch.Tensor)


def as_floats(answer, what="the answer"):
    """A flat list of Python floats from a number, a sequence, an array or a tensor."""
    kind = _type(answer)
    if kind is bool:
        raise AssertionError(f"{what} should be a number, not True or False")
    if kind in (int, float) or kind in (np.float64, np.float32, np.int64, np.int32):
        return [_float(answer)]
    if kind is torch.Tensor:
        return [_float(v) for v in answer.detach().cpu().double().reshape(-1).tolist()]
    if kind is np.ndarray:
        if answer.dtype.kind not in "fiu":
            raise AssertionError(f"{what} should hold numbers, not {answer.dtype}")
        return [_float(v) for v in answer.astype(np.float64).reshape(-1).tolist()]
    if kind in (list, tuple):
        return [v for item in answer for v in as_floats(item, what)]
    raise AssertionError(f"{what} should be a number, an array or a tensor, "
                         f"not {kind.__name__}")


def check_close(answer, expected, what, rtol=1e-6, atol=1e-8):
    """Fail unless ``answer`` equals ``expected`` entry by entry, within tolerance."""
    actual, wanted = as_floats(answer, what), as_floats(expected, "the reference")
    if _len(actual) != _len(wanted):
        raise AssertionError(f"{what} should have {_len(wanted)} entries, "
                             f"but it has {_len(actual)}")
    for index, (a, e) in enumerate(zip(actual, wanted)):
        if not _isfinite(a):
            raise AssertionError(f"{what} has a non-finite entry ({a}) at position {index}")
        if _abs(a - e) > atol + rtol * _abs(e):
            where = "" if _len(wanted) == 1 else f" at position {index}"
            raise AssertionError(f"{what} is {a:.6g}{where}, but it should be {e:.6g}")


def check(condition, message):
    """Fail with ``message`` unless ``condition`` is exactly True."""
    if condition is not True and not (_type(condition) is np.bool_ and bool(condition)):
        raise AssertionError(message)


def check_number(answer, what):
    """Fail unless ``answer`` is a single finite real number; return it as a float."""
    if not isinstance(answer, numbers.Real) and _type(answer) not in _ARRAY_TYPES:
        raise AssertionError(f"{what} should be a number, not {_type(answer).__name__}")
    values = as_floats(answer, what)
    if _len(values) != 1 or not _isfinite(values[0]):
        raise AssertionError(f"{what} should be one finite number")
    return values[0]
