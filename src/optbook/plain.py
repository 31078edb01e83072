"""Answers as plain data: what a graded test sends out of the student's kernel.

:func:`encode` turns an answer into JSON-able data made only of numbers,
strings, booleans, lists and small tagged dicts; :func:`decode` turns that data
back into values a judge can compare (:mod:`optbook.judges`). The grader runs
``decode`` in its own process on whatever the kernel sent, so ``decode`` trusts
nothing: it accepts exact JSON types only, bounds sizes and depth, and rebuilds
sympy expressions from a fixed list of node types.

Only values of known, exact types are encoded as themselves. Anything else (a
subclass of ``ndarray``, an object that claims to equal everything) becomes an
opaque ``{"t": "object", "type": name}`` that no judge accepts as a number.

Examples:
    >>> encode(np.float32(0.5))
    {'t': 'scalar', 'dtype': 'float32', 'value': 0.5}
    >>> decode(encode(np.array([[1.0, 2.0]]))).shape
    (1, 2)
"""

import math
from dataclasses import dataclass

import numpy as np

MAX_ITEMS = 1_000_000  # numbers in one answer
MAX_DEPTH = 64  # nesting of lists and expression trees
MAX_TEXT = 100_000  # characters in one string

_type, _float, _int, _str, _bool, _len = type, float, int, str, bool, len
_list, _tuple, _isfinite = list, tuple, math.isfinite
_NUMPY_SCALARS = {np.float64: "float64", np.float32: "float32", np.float16: "float16",
                  np.int64: "int64", np.int32: "int32", np.int16: "int16", np.int8: "int8",
                  np.uint8: "uint8", np.uint16: "uint16", np.uint32: "uint32", np.uint64: "uint64"}
_FLOAT_WORDS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


class PlainError(ValueError):
    """Data that is not a plain answer (from a broken or hostile kernel)."""


@dataclass(frozen=True)
class Array:
    """A decoded array: where it came from (``numpy`` or ``torch``), its dtype and values."""

    origin: str
    dtype: str
    values: np.ndarray  # float64 (or bool/complex-free) values, in the original shape

    @property
    def shape(self):
        return tuple(self.values.shape)


@dataclass(frozen=True)
class Scalar:
    """A decoded NumPy scalar (``np.float32(0.5)``, ``np.int64(3)``): value and dtype."""

    dtype: str
    value: float


@dataclass(frozen=True)
class Opaque:
    """An answer of a type that is not plain data; only its type's name travels."""

    type_name: str


def _number(value):
    """A float as JSON: finite floats as themselves, others as words."""
    if _isfinite(value):
        return value
    return {"t": "float", "value": "nan" if value != value else ("inf" if value > 0 else "-inf")}


def _flat_numbers(values):
    return [_number(v) if _type(v) is _float else v for v in values]


def encode(value, depth=0):
    """``value`` as plain JSON data (see the module docstring). Never calls student code."""
    kind = _type(value)
    if value is None or kind is _bool or kind is _str:
        return value if kind is not _str or _len(value) <= MAX_TEXT else value[:MAX_TEXT]
    if kind is _int:
        return value if -2 ** 63 <= value < 2 ** 63 else _float(value)
    if kind is _float:
        return _number(value)
    if depth > MAX_DEPTH:
        return {"t": "object", "type": "too deeply nested"}
    if kind is _list or kind is _tuple:
        if _len(value) > MAX_ITEMS:
            return {"t": "object", "type": "too long a " + kind.__name__}
        items = [encode(item, depth + 1) for item in value]
        return items if kind is _list else {"t": "tuple", "items": items}
    if kind is np.bool_:
        return _bool(value.item())
    if kind in _NUMPY_SCALARS:
        item = value.item()
        return {"t": "scalar", "dtype": _NUMPY_SCALARS[kind],
                "value": _number(_float(item)) if _type(item) is _float else item}
    if kind is np.ndarray:
        return _array("numpy", value)
    torch = _module("torch")
    if torch is not None and kind in (torch.Tensor, torch.nn.Parameter):
        if value.is_complex() or value.numel() > MAX_ITEMS:
            return {"t": "object", "type": "tensor of that kind"}
        tensor = value.detach().cpu()
        dtype = str(tensor.dtype).replace("torch.", "")
        return _array("torch", (tensor.double() if tensor.is_floating_point() else tensor).numpy(),
                      dtype)
    sympy = _module("sympy")
    if sympy is not None:
        tree = _sympy_tree(sympy, value, depth)
        if tree is not None:
            return tree
    return {"t": "object", "type": _str(getattr(kind, "__name__", "object"))[:100]}


def _module(name):
    import sys

    return sys.modules.get(name)


def _array(origin, array, dtype=None):
    if array.dtype.kind not in "biuf" or array.size > MAX_ITEMS:
        return {"t": "object", "type": f"array of {array.dtype}"}
    values = array.astype(np.float64).reshape(-1).tolist() if array.dtype.kind != "b" else \
        array.reshape(-1).tolist()
    return {"t": "array", "origin": origin, "dtype": dtype or _str(array.dtype),
            "shape": [_int(n) for n in array.shape], "data": _flat_numbers(values)}


def _sympy_tree(sympy, value, depth):
    """An expression tree of exact sympy node types, or None if ``value`` is not one."""
    kind = _type(value)
    if kind is sympy.Symbol:
        return {"t": "sympy", "node": "Symbol", "name": _str(value.name),
                "commutative": _bool(value.is_commutative)}
    if kind is sympy.Integer or kind in (sympy.core.numbers.One, sympy.core.numbers.Zero,
                                         sympy.core.numbers.NegativeOne):
        return {"t": "sympy", "node": "Integer", "value": _int(value)}
    if kind in (sympy.Mul, sympy.Add, sympy.Pow):
        return {"t": "sympy", "node": kind.__name__,
                "args": [encode(arg, depth + 1) for arg in value.args]}
    if isinstance(kind, sympy.core.function.UndefinedFunction):
        return {"t": "sympy", "node": "Function", "name": _str(kind.__name__),
                "args": [encode(arg, depth + 1) for arg in value.args]}
    return None


# ----------------------------------------------------------------------------- decoding
def decode(data):
    """The value a judge compares, from plain data; raises :class:`PlainError` if malformed."""
    budget = [MAX_ITEMS]
    return _decode(data, 0, budget)


def _spend(budget, count):
    budget[0] -= count
    if budget[0] < 0:
        raise PlainError("the answer is too large")


def _decode(data, depth, budget):
    if depth > MAX_DEPTH:
        raise PlainError("the answer is nested too deeply")
    kind = _type(data)
    if data is None or kind is _bool or kind is _int:
        return data
    if kind is _float:
        return data
    if kind is _str:
        if _len(data) > MAX_TEXT:
            raise PlainError("the answer's text is too long")
        return data
    if kind is _list:
        _spend(budget, _len(data))
        return [_decode(item, depth + 1, budget) for item in data]
    if kind is not dict:
        raise PlainError(f"unexpected {kind.__name__} in an answer")
    tag = data.get("t")
    if tag == "float":
        if data.get("value") not in _FLOAT_WORDS:
            raise PlainError("a malformed number")
        return _FLOAT_WORDS[data["value"]]
    if tag == "tuple":
        items = data.get("items")
        if _type(items) is not _list:
            raise PlainError("a malformed tuple")
        _spend(budget, _len(items))
        return _tuple(_decode(item, depth + 1, budget) for item in items)
    if tag == "scalar":
        value = _decode(data.get("value"), depth + 1, budget)
        if _type(value) not in (_int, _float) or data.get("dtype") not in _NUMPY_SCALARS.values():
            raise PlainError("a malformed NumPy scalar")
        return Scalar(data["dtype"], value)
    if tag == "array":
        return _decode_array(data, budget)
    if tag == "sympy":
        return _decode_sympy(data, depth, budget)
    if tag == "object":
        return Opaque(_str(data.get("type", "object"))[:100])
    raise PlainError("an answer of an unknown kind")


def _decode_array(data, budget):
    shape, values = data.get("shape"), data.get("data")
    if _type(shape) is not _list or not all(_type(n) is _int and 0 <= n for n in shape) \
            or _type(values) is not _list or _len(shape) > 32:
        raise PlainError("a malformed array")
    _spend(budget, _len(values))
    size = 1
    for n in shape:
        size *= n
    if size != _len(values):
        raise PlainError("an array whose data does not fill its shape")
    flat = []
    for v in values:
        if _type(v) is dict:
            v = _decode(v, 0, budget)
        if _type(v) not in (_int, _float, _bool):
            raise PlainError("an array holding something other than numbers")
        flat.append(v)
    dtype = data.get("dtype")
    if _type(dtype) is not _str or data.get("origin") not in ("numpy", "torch"):
        raise PlainError("a malformed array")
    if dtype == "bool" and all(_type(v) is _bool for v in flat):
        array = np.array(flat, dtype=bool).reshape(shape)
    else:
        array = np.array([_float(v) for v in flat], dtype=np.float64).reshape(shape)
    return Array(data["origin"], dtype[:20], array)


def _decode_sympy(data, depth, budget):
    import sympy

    node = data.get("node")
    _spend(budget, 1)
    if node == "Symbol":
        name = data.get("name")
        if _type(name) is not _str or not name.isidentifier() or _len(name) > 50:
            raise PlainError("a malformed symbol")
        return sympy.Symbol(name, commutative=data.get("commutative") is True)
    if node == "Integer":
        value = data.get("value")
        if _type(value) is not _int or abs(value) > 10 ** 6:
            raise PlainError("a malformed integer")
        return sympy.Integer(value)
    args = data.get("args")
    if _type(args) is not _list or _len(args) > 1000:
        raise PlainError("a malformed expression")
    parts = [_decode(arg, depth + 1, budget) for arg in args]
    if not all(isinstance(p, sympy.Basic) for p in parts):
        raise PlainError("an expression with a part that is not an expression")
    if node == "Function":
        name = data.get("name")
        if _type(name) is not _str or not name.isidentifier() or _len(name) > 50:
            raise PlainError("a malformed function")
        return sympy.Function(name)(*parts)
    if node == "Mul":
        return sympy.Mul(*parts)
    if node == "Add":
        return sympy.Add(*parts)
    if node == "Pow" and _len(parts) == 2:
        return sympy.Pow(*parts)
    raise PlainError("an expression node of an unknown kind")


def roundtrip(value):
    """``decode(encode(value))``: what the grader sees of ``value``, computed in this process."""
    return decode(encode(value))
