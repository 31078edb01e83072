"""Split a graded test cell into a probe for the kernel and judgments for the grader.

A test cell is written with the checks of :mod:`optbook.checks`, as students
and plain nbgrader run it::

    x = np.array([1.0, -2.0, 3.0])
    check_close(adagrad_step(x, g, s), [0.8, -1.2, 2.5], "the new point", rtol=1e-9)
    check(answer == "b", "Adagrad is coordinate-wise, so rotating changes it")

The grader runs this instead in the student's kernel::

    x = np.array([1.0, -2.0, 3.0])
    __optbook_probe__(0, [adagrad_step(x, g, s)])
    __optbook_probe__(1, [answer])

and keeps ``{0: close to [0.8, -1.2, 2.5] within rtol=1e-9, 1: equal to "b"}`` to
itself. The kernel only sends the probed answers out as plain data
(:mod:`optbook.plain`); the grader decodes them and runs the check's judge
(:mod:`optbook.judges`) in its own process. The references never enter the
kernel, and nothing the kernel does can pass a check but sending answers that
pass it.

Every check must be a statement of its own at the top level of the cell, and
every argument that is not a probe must be a literal (``what`` may be an
f-string: it is then probed as text). ``check(X == LITERAL, ...)``,
``check(X in LITERAL, ...)``, ``check(X is True, ...)`` and conjunctions of
those are judged as :func:`optbook.checks.check_equal`/``check_one_of``. A check
anywhere else, an ``assert`` or a ``raise`` is a judgment the grader cannot
make: :func:`rewrite` lists it under ``problems``, the cell scores nothing, and
``make test`` fails (``tests/test_judged_outside.py``).
"""

import ast
import math
import re
from dataclasses import dataclass, field

from optbook import checks, judges, plain

from grading import syntax

PROBE = "__optbook_probe__"
_WRAPPERS = {"array", "asarray", "tensor", "as_tensor", "float64", "float32"}
_BINARY = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,
           ast.Pow: lambda a, b: a ** b if abs(b) <= 64 else _refuse()}
_CONSTANTS = {("math", "pi"): math.pi, ("math", "e"): math.e, ("np", "pi"): math.pi,
              ("np", "inf"): math.inf, ("math", "inf"): math.inf}
_HIDDEN = re.compile(r"^\s*### (BEGIN|END) HIDDEN TESTS\s*$")
MAX_WHAT = 500


@dataclass
class Probe:
    """One check of a test cell, as the grader keeps it."""

    key: int
    check: str  # a name in optbook.checks.CHECKS
    literals: dict  # the arguments that stay outside the kernel
    probed: tuple  # the parameters whose values the kernel sends, in order
    line: int
    hidden: bool
    guessable: bool


@dataclass
class Prepared:
    """A test cell split for grading."""

    source: str  # what the kernel runs
    probes: dict = field(default_factory=dict)  # key -> Probe
    problems: list = field(default_factory=list)  # judgments the grader cannot make, in words

    @property
    def judged_outside(self):
        """True when every check of the cell is judged by the grader and one cannot be guessed."""
        return not self.problems and any(not p.guessable for p in self.probes.values())


def _refuse():
    raise ValueError("not a literal")


def literal(node):
    """The value of a literal node: numbers, strings, booleans, None, lists/tuples of those,
    arithmetic on numbers, math.pi, and np.array/torch.tensor around a literal."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and all(
            k.arg == "dtype" for k in node.keywords):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in _WRAPPERS:
            return literal(node.args[0])
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = literal(node.left), literal(node.right)
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
        values = [literal(item) for item in node.elts]
        return values if isinstance(node, ast.List) else tuple(values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = literal(node.operand)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            _refuse()
        return -value if isinstance(node.op, ast.USub) else value
    return ast.literal_eval(node)


def _check_name(call):
    """The optbook.checks function a call names (``check_close`` or ``optbook.checks.check``)."""
    if not isinstance(call, ast.Call):
        return None
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(
        func, ast.Attribute) else None
    return name if name == "check" or name in checks.CHECKS else None


def _hidden_lines(source):
    """The set of 1-based line numbers between the hidden-test markers."""
    hidden, inside = set(), False
    for number, line in enumerate(source.splitlines(), start=1):
        match = _HIDDEN.match(line)
        if match:
            inside = match.group(1) == "BEGIN"
        elif inside:
            hidden.add(number)
    return hidden


class _Splitter:
    def __init__(self, hidden_lines):
        self.hidden_lines = hidden_lines
        self.probes = {}
        self.problems = []

    def statement(self, stmt):
        """The statements the kernel runs in place of ``stmt``."""
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        name = _check_name(call)
        if name is None:
            self._look_for_judgments(stmt)
            return [stmt]
        if any(isinstance(a, ast.Starred) for a in call.args) or any(
                k.arg is None for k in call.keywords):
            return self._problem(stmt, f"{name}(...) with * or ** arguments")
        if name == "check":
            return self._condition(stmt, call)
        return self._check(stmt, name, call.args, {k.arg: k.value for k in call.keywords})

    def _problem(self, stmt, words):
        self.problems.append(f"line {stmt.lineno}: {words} cannot be judged outside the kernel")
        return [stmt]

    def _look_for_judgments(self, stmt):
        for node in ast.walk(stmt):
            if _check_name(node):
                self._problem(stmt, f"{_check_name(node)}(...) inside another statement")
                return
            if isinstance(node, (ast.Assert, ast.Raise)):
                self._problem(stmt, "an assert or raise statement")
                return

    def _check(self, stmt, name, args, keywords):
        spec = checks.CHECKS[name]
        try:
            bound = spec.signature.bind(*args, **keywords)
        except TypeError as error:
            return self._problem(stmt, f"{name}(...) with arguments that do not fit ({error})")
        literals, probed, sent = {}, [], []
        for parameter, node in bound.arguments.items():
            if parameter in spec.probes:
                probed.append(parameter)
                sent.append(node)
                continue
            try:
                literals[parameter] = literal(node)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                if parameter != "what":
                    return self._problem(stmt, f"{name}(...)'s argument '{parameter}' is not a "
                                               f"literal")
                probed.append(parameter)
                sent.append(node)
        for parameter, default in spec.signature.parameters.items():
            if parameter not in literals and parameter not in probed:
                literals[parameter] = default.default
        try:
            plain.decode(plain.encode(literals))  # references must be plain data too
        except (plain.PlainError, TypeError):
            return self._problem(stmt, f"{name}(...) with a reference that is not plain data")
        guessable = spec.guessable(literals) if callable(spec.guessable) else spec.guessable
        key = len(self.probes)
        self.probes[key] = Probe(key, name, literals, tuple(probed), stmt.lineno,
                                 stmt.lineno in self.hidden_lines, bool(guessable))
        probe = ast.Expr(ast.Call(ast.Name(PROBE, ast.Load()),
                                  [ast.Constant(key), ast.List(sent, ast.Load())], []))
        return [ast.copy_location(probe, stmt)]

    def _condition(self, stmt, call):
        """check(X == LIT / X in LIT / X is True / A and B, message) as check_equal/check_one_of."""
        condition = call.args[0] if call.args else next(
            (k.value for k in call.keywords if k.arg == "condition"), None)
        message = call.args[1] if len(call.args) > 1 else next(
            (k.value for k in call.keywords if k.arg == "message"), ast.Constant("a check"))
        parts = condition.values if isinstance(condition, ast.BoolOp) and isinstance(
            condition.op, ast.And) else [condition]
        out = []
        for part in parts:
            form = self._comparison(part)
            if form is None:
                return self._problem(stmt, "check(...) of a condition other than == , in or is "
                                           "against a literal")
            name, answer, reference = form
            parameter = "expected" if name == "check_equal" else "options"
            out += self._check(stmt, name, [answer],
                               {parameter: reference, "what": message})
        return out

    @staticmethod
    def _comparison(node):
        if not (isinstance(node, ast.Compare) and len(node.ops) == 1):
            return None
        left, op, right = node.left, node.ops[0], node.comparators[0]
        if isinstance(op, ast.Is) and isinstance(right, ast.Constant) and \
                isinstance(right.value, bool):
            return "check_equal", left, right
        for answer, reference in ((left, right), (right, left)):
            try:
                value = literal(reference)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
            if isinstance(op, ast.Eq):
                return "check_equal", answer, reference
            if isinstance(op, ast.In) and reference is right and isinstance(
                    value, (list, tuple)):
                return "check_one_of", answer, reference
        return None


def rewrite(source):
    """A :class:`Prepared` test cell: the kernel's source, the probes, and any problems."""
    try:
        tree = syntax.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError) as error:
        return Prepared(source, {}, [f"the test cell does not parse ({error})"])
    splitter = _Splitter(_hidden_lines(source))
    body = []
    for stmt in tree.body:
        body += splitter.statement(stmt)
    tree.body = body
    ast.fix_missing_locations(tree)
    prepared = Prepared(ast.unparse(tree), splitter.probes, splitter.problems)
    if not prepared.probes and not prepared.problems:
        prepared.problems.append("the test cell has no check")
    return prepared


def judge(probe, values, show_expected=False):
    """None if the kernel's plain ``values`` for ``probe`` pass its check, else what is wrong.

    Runs in the grader's process only; ``values`` come from the untrusted kernel.
    """
    spec = checks.CHECKS[probe.check]
    if type(values) is not list or len(values) != len(probe.probed):
        return "the test's answer did not arrive intact"
    try:
        decoded = [plain.decode(value) for value in values]
    except (plain.PlainError, RecursionError, MemoryError) as error:
        return f"the answer could not be read ({error})"
    arguments = dict(probe.literals)
    arguments.update(zip(probe.probed, decoded))
    if "what" in probe.probed:
        what = arguments["what"]
        arguments["what"] = what[:MAX_WHAT] if type(what) is str else "the answer"
    try:
        return spec.judge(**arguments, reveal=not probe.hidden or show_expected)
    except judges.Problem as problem:
        return str(problem)
    except Exception as error:  # a malformed answer the judge did not foresee: it fails
        return f"{arguments.get('what', 'the answer')} could not be judged ({type(error).__name__})"
