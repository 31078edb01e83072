"""optbook.derivations: expressions evaluated at numbers, symbols matched by name."""

import pytest
import sympy as sp

from optbook.derivations import L, c0, eta, evaluate, lam, mu, t


def test_equal_forms_have_equal_values():
    factored = (1 - eta * lam) ** t * c0
    expanded = sp.expand((1 - eta * lam) ** 2 * c0)
    assert evaluate(factored, eta=0.1, lam=2.0, t=2, c0=3.0) == pytest.approx(
        evaluate(expanded, eta=0.1, lam=2.0, c0=3.0), rel=1e-15)
    worst = sp.Max(sp.Abs(1 - eta * mu), sp.Abs(1 - eta * L))
    assert evaluate(worst, eta=0.3, mu=0.5, L=8.0) == pytest.approx(1.4)


def test_symbols_match_by_name_and_numbers_pass_through():
    own = sp.Symbol("eta", positive=True)
    assert evaluate(2 * own, eta=0.25) == 0.5
    assert evaluate(0.75) == 0.75 and evaluate(3) == 3.0


def test_a_symbol_without_a_value_is_named():
    with pytest.raises(ValueError, match="step = c0\\*lam uses c0"):
        evaluate(lam * c0, "step", lam=1.0)
    with pytest.raises(ValueError, match="should be a sympy expression"):
        evaluate(object())
