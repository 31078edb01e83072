"""Step-by-step checking of a short matrix proof written as a chain of sympy expressions.

A proof that ||O x||^2 = ||x||^2 for an orthogonal matrix O is written as a
list of expressions, each equal to the one before, from ``sq_norm(O*x)`` to
``sq_norm(x)``. ``O`` and ``x`` are non-commutative symbols (so ``O*x`` and
``x*O`` differ), ``T(a)`` is the transpose of ``a``, ``Id`` the identity
matrix and ``sq_norm(v)`` is ||v||^2. Products are associative automatically:
``O*(T(O)*x)`` *is* ``O*T(O)*x``.

A step earns credit when the next expression follows from the previous one by
exactly ONE of the rules below, applied once, at one place (in either
direction), both expressions are true (they equal ||x||^2 for every
orthogonal O, checked numerically), and the step brings the chain one rule
closer to ||x||^2. A wrong step (not equal) earns nothing, and neither does
any step after it; a skipped step (equal, but needing several rules), a step
that repeats an earlier expression or goes away from ||x||^2 (such as
inserting an ``Id``), and a chain that only restates the goal earn nothing for
that step.

Rules, each with an example of one step (these are not steps of the proof):

- ``definition``: sq_norm(v) = T(v)*v, e.g. ``sq_norm(T(O)*x)`` = ``T(T(O)*x)*T(O)*x``;
- ``transpose of a product``: T(a*b*...*z) = T(z)*...*T(b)*T(a),
  e.g. ``T(T(x)*O)`` = ``T(O)*T(T(x))``;
- ``double transpose``: T(T(a)) = a, e.g. ``T(O)*T(T(x))`` = ``T(O)*x``;
- ``orthogonality``: T(O)*O = Id (and O*T(O) = Id, O being square),
  e.g. ``O*T(O)*O`` = ``Id*O``;
- ``identity``: Id*a = a = a*Id, e.g. ``Id*O`` = ``O``.

:func:`check_chain` returns a :class:`ProofReport`; its ``summary()`` says in
words what each step earns.
"""

import functools
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

O, x, Id = sp.symbols("O x Id", commutative=False)
T = sp.Function("T")
sq_norm = sp.Function("sq_norm")
T.__module__ = sq_norm.__module__ = __name__  # pydoc (help()) needs a module name

START = sq_norm(O * x)
GOAL = sq_norm(x)
RULES = ("definition", "transpose of a product", "double transpose",
         "orthogonality", "identity")


def _is_mul(e):
    return isinstance(e, sp.Mul)


def _factors(e):
    """The factors of a product, with powers such as Id**2 written out (Id, Id)."""
    out = []
    for f in (e.args if _is_mul(e) else [e]):
        if isinstance(f, sp.Pow) and f.exp.is_Integer and 1 < f.exp <= 8:
            out += [f.base] * int(f.exp)
        else:
            out.append(f)
    return out


def _product(factors):
    if not factors:
        return Id
    return factors[0] if len(factors) == 1 else sp.Mul(*factors)


def rewrites(expr):
    """Every (rule, expression) reachable from ``expr`` by one rule applied once at one place."""
    found = []
    # At the root of this subexpression.
    if expr.func == sq_norm:
        v = expr.args[0]
        found.append(("definition", _product([T(v)] + _factors(v))))
    if expr.func == T:
        inner = expr.args[0]
        if _is_mul(inner):
            found.append(("transpose of a product",
                          _product([T(f) for f in reversed(inner.args)])))
        if inner.func == T:
            found.append(("double transpose", inner.args[0]))
    if _is_mul(expr) or isinstance(expr, sp.Pow):
        fs = _factors(expr)
        for i in range(len(fs) - 1):
            if (fs[i], fs[i + 1]) in ((T(O), O), (O, T(O))):
                found.append(("orthogonality", _product(fs[:i] + [Id] + fs[i + 2:])))
        for i, f in enumerate(fs):
            if f == Id:
                found.append(("identity", _product(fs[:i] + fs[i + 1:])))
        # One rule inside one factor.
        for i, f in enumerate(fs):
            for rule, new in rewrites(f):
                found.append((rule, _product(fs[:i] + _factors(new) + fs[i + 1:])))
    elif expr.func in (T, sq_norm):
        for rule, new in rewrites(expr.args[0]):
            found.append((rule, expr.func(new)))
    return found


def _evaluate(expr, orthogonal, vector):
    """The value of ``expr`` with O, x replaced by numbers (a matrix or a scalar)."""
    if expr == O:
        return orthogonal
    if expr == x:
        return vector
    if expr == Id:
        return np.eye(len(orthogonal))
    if expr.func == T:
        return _evaluate(expr.args[0], orthogonal, vector).T
    if expr.func == sq_norm:
        v = _evaluate(expr.args[0], orthogonal, vector)
        if v.shape[1] != 1:
            raise ValueError("sq_norm takes a column vector")
        return v.T @ v
    if isinstance(expr, sp.Pow) and _factors(expr) == [expr]:
        raise ValueError(f"{expr}: write powers as products")
    if _is_mul(expr) or isinstance(expr, sp.Pow):
        value = None
        for f in _factors(expr):
            if f.is_number:
                value = (1.0 if value is None else value) * float(f)
                continue
            m = _evaluate(f, orthogonal, vector)
            value = m if value is None else value @ m if not np.isscalar(value) else value * m
        return value
    raise ValueError(f"{expr} is not built from O, x, Id, T and sq_norm")


def _samples(count=3, size=3, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        q, r = np.linalg.qr(rng.standard_normal((size, size)))
        out.append((q * np.sign(np.diag(r)), rng.standard_normal((size, 1))))
    return out


def is_true(expr):
    """Whether ``expr`` equals ||x||^2 for random orthogonal O and random x (False if malformed)."""
    try:
        for q, v in _samples():
            value = np.asarray(_evaluate(expr, q, v), dtype=float)
            if value.size != 1 or not np.isclose(value.item(), (v.T @ v).item(), rtol=1e-9):
                return False
        return True
    except (ValueError, TypeError, AttributeError, RecursionError):
        return False


MAX_LENGTH = 30  # expressions in a chain; the proof needs 6
NORMAL = T(x) * x  # where the rules lead sq_norm(O*x); one definition step from the goal


@functools.lru_cache(maxsize=256)
def distance(expr, limit=12, budget=4000):
    """The fewest rule steps from ``expr`` to ``sq_norm(x)``, each step simplifying
    (a rule applied as :func:`rewrites` finds it) except the last one, which folds
    ``T(x)*x`` into ``sq_norm(x)``; None if not reached within ``limit`` steps."""
    if expr == GOAL:
        return 0
    frontier, seen = [expr], {expr}
    for depth in range(limit):
        if NORMAL in frontier:
            return depth + 1
        following = []
        for e in frontier:
            for _, new in rewrites(e):
                if new == GOAL:
                    return depth + 1
                if new not in seen and len(seen) < budget:
                    seen.add(new)
                    following.append(new)
        if not following:
            return None
        frontier = following
    return None


@dataclass
class Step:
    """The verdict on one step: expression i-1 = expression i."""

    index: int
    credited: bool
    rule: str | None
    message: str


@dataclass
class ProofReport:
    """What :func:`check_chain` found: per-step verdicts and the overall conditions."""

    steps: list = field(default_factory=list)
    starts_right: bool = False
    ends_right: bool = False
    uses_orthogonality: bool = False
    problem: str = ""

    @property
    def credited(self):
        """The number of steps that earn credit."""
        return sum(step.credited for step in self.steps)

    @property
    def complete(self):
        """A full proof: right start and end, every step credited, OᵀO = I used."""
        return (not self.problem and self.starts_right and self.ends_right
                and self.uses_orthogonality and bool(self.steps)
                and all(step.credited for step in self.steps))

    def summary(self):
        """The verdicts in words, one line per step, for test messages."""
        lines = [self.problem] if self.problem else []
        if not self.starts_right:
            lines.append("the chain should start at ||O x||^2, written sq_norm(O*x)")
        if not self.ends_right:
            lines.append("the chain should end at ||x||^2, written sq_norm(x)")
        if self.steps and not self.uses_orthogonality:
            lines.append("no step uses the orthogonality of O (T(O)*O = Id)")
        lines += [f"step {s.index}: {s.message}" for s in self.steps]
        return "; ".join(lines)


def _is_expression(e):
    return isinstance(e, sp.Basic)


def check_chain(chain):
    """Check the proof ``chain`` (a list of sympy expressions) step by step."""
    report = ProofReport()
    if not isinstance(chain, (list, tuple)) or len(chain) < 2:
        report.problem = "the proof should be a list of at least two sympy expressions"
        return report
    if len(chain) > MAX_LENGTH:
        report.problem = f"the proof should have at most {MAX_LENGTH} expressions, not {len(chain)}"
        return report
    if not all(_is_expression(e) for e in chain):
        report.problem = "every entry of the proof should be a sympy expression built from O, x, Id, T, sq_norm"
        return report
    report.starts_right = chain[0] == START
    report.ends_right = chain[-1] == GOAL
    seen = {chain[0]}
    broken = None  # the first false step: nothing after it earns credit
    for i in range(1, len(chain)):
        before, after = chain[i - 1], chain[i]
        if broken is not None:
            report.steps.append(Step(i, False, None,
                                     f"it comes after the false step {broken}, so it proves nothing"))
            continue
        if after in seen:
            report.steps.append(Step(i, False, None,
                                     f"{after} repeats an earlier expression, which proves nothing"))
            continue
        seen.add(after)
        if not (is_true(before) and is_true(after)):
            broken = i
            report.steps.append(Step(i, False, None,
                                     f"{before} = {after} is not true for every orthogonal O"
                                     if is_true(before) else
                                     f"it starts from {before}, which is not equal to ||O x||^2"))
            continue
        rules = [r for r, e in rewrites(before) if e == after]
        rules += [r for r, e in rewrites(after) if e == before]
        if not rules:
            report.steps.append(Step(i, False, None,
                                     f"{before} = {after} is true but skips steps: "
                                     f"apply one rule at a time ({', '.join(RULES)})"))
            continue
        rule = "orthogonality" if "orthogonality" in rules else rules[0]
        was, now = distance(before), distance(after)
        if was is None or now is None or now != was - 1:
            report.steps.append(Step(i, False, rule,
                                     f"{before} = {after} is one rule ({rule}), but it does not "
                                     "bring the chain closer to ||x||^2"))
            continue
        report.uses_orthogonality |= rule == "orthogonality"
        report.steps.append(Step(i, True, rule, f"{before} = {after} by {rule}"))
    return report
