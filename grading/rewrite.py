"""Take the reference literals out of graded test cells, so they are judged outside the kernel.

A hidden test such as::

    check_close(adagrad_step(x, g, s), [0.8, -1.2], "the new point", rtol=1e-5)
    check(answer == "b", "Adagrad is coordinate-wise, so rotating changes it")

is run in the kernel as::

    __optbook_record__(0, adagrad_step(x, g, s), "the new point", "close")
    __optbook_record__(1, answer, "Adagrad is coordinate-wise, ...", "eq")

and the grader keeps ``{0: close to [0.8, -1.2] within rtol=1e-5, 1: equal to "b"}``.
The kernel only sends the student's answer out as plain data; the grader decides.
Rewritten forms:

- ``check_close(answer, LITERAL, what, rtol=LIT, atol=LIT)`` (the literal may be
  wrapped in ``np.array(...)``/``torch.tensor(...)``);
- ``check(X == LITERAL, msg)``, ``check(LITERAL == X, msg)``, ``check(X in LITERAL, msg)``.

Every other statement runs unchanged (and is protected by the agent's restore).
A literal check at the top level of the cell is *required*: if the kernel never
reports it (because student code skipped or swallowed the test), the cell fails.
"""

import ast
import inspect
import math

from optbook import checks

_CLOSE = inspect.signature(checks.check_close).parameters
DEFAULT_RTOL, DEFAULT_ATOL = _CLOSE["rtol"].default, _CLOSE["atol"].default
_WRAPPERS = {"array", "asarray", "tensor", "as_tensor", "float64", "float32"}


_BINARY = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,
           ast.Pow: lambda a, b: a ** b if abs(b) <= 64 else _refuse()}
_CONSTANTS = {("math", "pi"): math.pi, ("math", "e"): math.e, ("np", "pi"): math.pi}


def _refuse():
    raise ValueError("not a literal")


def _literal(node):
    """The value of a literal node: numbers, strings, lists/tuples, arithmetic on numbers,
    math.pi, and np.array/torch.tensor around a literal; else raise ValueError."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and all(
            k.arg == "dtype" for k in node.keywords):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in _WRAPPERS:
            return _literal(node.args[0])
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _literal(node.left), _literal(node.right)
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right)):
            _refuse()
        try:
            return _BINARY[type(node.op)](left, right)
        except (ArithmeticError, ValueError):
            _refuse()
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        key = (node.value.id, node.attr)
        if key in _CONSTANTS:
            return _CONSTANTS[key]
    if isinstance(node, (ast.List, ast.Tuple)):
        values = [_literal(item) for item in node.elts]
        return values if isinstance(node, ast.List) else tuple(values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _literal(node.operand)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            _refuse()
        return -value if isinstance(node.op, ast.USub) else value
    return ast.literal_eval(node)


def _called(node, name):
    func = node.func
    return (isinstance(func, ast.Name) and func.id == name) or (
        isinstance(func, ast.Attribute) and func.attr == name)


def _argument(call, position, name):
    if len(call.args) > position:
        return call.args[position]
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _record_call(key, answer, what, kind):
    return ast.Call(func=ast.Name("__optbook_record__", ast.Load()),
                    args=[ast.Constant(key), answer, what, ast.Constant(kind)], keywords=[])


class _Rewriter(ast.NodeTransformer):
    def __init__(self):
        self.references = {}

    def visit_Call(self, node):
        self.generic_visit(node)
        if any(isinstance(a, ast.Starred) for a in node.args) or any(
                k.arg is None for k in node.keywords):
            return node
        if _called(node, "check_close"):
            return self._close(node)
        if _called(node, "check"):
            return self._condition(node)
        return node

    def _close(self, node):
        answer = _argument(node, 0, "answer")
        expected = _argument(node, 1, "expected")
        what = _argument(node, 2, "what") or ast.Constant("the answer")
        try:
            wanted = _literal(expected)
            rtol = _literal(_argument(node, 3, "rtol") or ast.Constant(DEFAULT_RTOL))
            atol = _literal(_argument(node, 4, "atol") or ast.Constant(DEFAULT_ATOL))
            floats = checks.as_floats(wanted, "the reference")
            if not all(math.isfinite(v) for v in floats):
                return node
            float(rtol), float(atol)
        except (ValueError, TypeError, SyntaxError, AssertionError, MemoryError, RecursionError):
            return node
        if answer is None:
            return node
        key = len(self.references)
        self.references[key] = {"kind": "close", "expected": floats,
                                "rtol": float(rtol), "atol": float(atol), "node": node}
        return ast.copy_location(_record_call(key, answer, what, "close"), node)

    def _condition(self, node):
        condition = _argument(node, 0, "condition")
        message = _argument(node, 1, "message") or ast.Constant("a check failed")
        if isinstance(condition, ast.BoolOp) and isinstance(condition.op, ast.And):
            # check(A == 1 and B == "b", msg): every part must be a rewritable comparison
            saved = dict(self.references)
            parts = [self._comparison(value, message, node) for value in condition.values]
            if any(part is None for part in parts):
                self.references = saved
                return node
            return ast.copy_location(ast.Tuple(elts=parts, ctx=ast.Load()), node)
        return self._comparison(condition, message, node) or node

    def _comparison(self, condition, message, node):
        if not (isinstance(condition, ast.Compare) and len(condition.ops) == 1):
            return None
        left, op, right = condition.left, condition.ops[0], condition.comparators[0]
        kind = {ast.Eq: "eq", ast.In: "in"}.get(type(op))
        if kind is None:
            return None
        for answer, reference in ((left, right), (right, left)):
            try:
                wanted = _literal(reference)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
            if kind == "in" and reference is left:
                continue  # LITERAL in X: X is the student's container, not rewritten
            if kind == "in" and not isinstance(wanted, (list, tuple, set, frozenset, str)):
                continue
            key = len(self.references)
            self.references[key] = {"kind": kind, "expected": wanted, "node": node}
            return ast.copy_location(_record_call(key, answer, message, kind), node)
        return None


def rewrite(source):
    """(source to execute, {key: reference}, required keys); unchanged if it cannot be parsed."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return source, {}, set()
    rewriter = _Rewriter()
    tree = rewriter.visit(tree)
    if not rewriter.references:
        return source, {}, set()
    top_level = {id(stmt.value) for stmt in tree.body if isinstance(stmt, ast.Expr)}
    required = set()
    for key, reference in rewriter.references.items():
        reference.pop("node")
    for stmt in tree.body:
        if not isinstance(stmt, ast.Expr):
            continue
        calls = stmt.value.elts if isinstance(stmt.value, ast.Tuple) else [stmt.value]
        for call in calls:
            if isinstance(call, ast.Call) and _called(call, "__optbook_record__"):
                required.add(call.args[0].value)
    del top_level
    ast.fix_missing_locations(tree)
    return ast.unparse(tree), rewriter.references, required


def _format(value):
    return f"{value:.6g}" if isinstance(value, float) else repr(value)


def judge(reference, record):
    """None if the recorded answer passes the reference, else a message in words."""
    value, what = record.get("value"), str(record.get("what", "the answer"))[:500]
    if reference["kind"] == "close":
        try:
            actual = [float(v) for v in value]
        except (TypeError, ValueError):
            return f"{what} could not be read as numbers"
        return checks.compare_floats(actual, reference["expected"], what,
                                     reference["rtol"], reference["atol"])
    wanted = reference["expected"]
    if reference["kind"] == "eq":
        passed = value == wanted if not isinstance(wanted, tuple) else value == list(wanted)
    else:
        items = [list(w) if isinstance(w, tuple) else w for w in wanted]
        passed = value in items if not isinstance(wanted, str) else (
            isinstance(value, str) and value in wanted)
    return None if passed else what
