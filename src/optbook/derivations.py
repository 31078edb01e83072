"""Derivations written as sympy expressions, and their values at numbers.

A graded derivation asks for one expression per step, each written with the
commutative symbols below. The grader does not compare expressions as text: it
evaluates each at numbers (:func:`evaluate`), so any form that is equal as a
function (expanded, factored, with ``sp.Abs`` or ``sp.Max``) is accepted.

Symbols: ``eta`` (the learning rate), ``lam`` (an eigenvalue of the Hessian),
``c`` (an eigencoordinate of x - x* now), ``c0`` (that coordinate at the start),
``t`` (the step), ``mu`` and ``L`` (the smallest and largest eigenvalue).

Examples:
    >>> evaluate(eta * lam + 1, eta=0.5, lam=4.0)
    3.0
"""

import sympy as sp

eta, lam, c, c0, t, mu, L = sp.symbols("eta lam c c0 t mu L")
SYMBOLS = {s.name: s for s in (eta, lam, c, c0, t, mu, L)}


def evaluate(expr, name="the expression", /, **values):
    """The value of ``expr`` (a sympy expression or a number) as a float, with every
    symbol replaced by the number of the same name in ``values``; ``name`` names the
    expression in error messages.

    Symbols are matched by name, so a student's own ``sp.Symbol("eta", positive=True)``
    counts as ``eta``. Raises ``ValueError`` naming any symbol left without a value.
    """
    try:
        expr = sp.sympify(expr)
    except (sp.SympifyError, TypeError) as error:
        raise ValueError(f"{name} should be a sympy expression, not {expr!r}") from error
    free = getattr(expr, "free_symbols", set())
    missing = sorted(s.name for s in free if s.name not in values)
    if missing:
        raise ValueError(f"{name} = {expr} uses {', '.join(missing)}, which it should not "
                         f"depend on (it may use {', '.join(sorted(values))})")
    value = expr.subs({s: values[s.name] for s in free})
    try:
        return float(value)
    except TypeError as error:
        raise ValueError(f"{name} = {expr} is not a real number at {values}") from error
