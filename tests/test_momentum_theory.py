import numpy as np
import pytest
import torch

from optbook import momentum_theory as mt
from optbook import rules


def test_leaky_weights_are_powers():
    np.testing.assert_allclose(mt.leaky_weights(0.5, 4), [1, 0.5, 0.25, 0.125])


@pytest.mark.parametrize("lr, beta, curvature", [(0.6, 0.5, 4.0), (0.6, 0.25, 0.2), (0.1, 0.9, 3.0)])
@pytest.mark.parametrize("nesterov", [False, True])
def test_matrix_matches_the_momentum_rule(lr, beta, curvature, nesterov):
    x = torch.tensor([1.5], dtype=torch.float64)
    v = torch.zeros(1, dtype=torch.float64)
    state = np.array([0.0, 1.5])
    m = mt.iteration_matrix(lr, beta, curvature, nesterov)
    for _ in range(10):
        rules.momentum(x, curvature * x, v, lr=lr, beta=beta, nesterov=nesterov)
        state = m @ state
        np.testing.assert_allclose([v.item(), x.item()], state, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("nesterov", [False, True])
def test_radius_matches_eigenvalues_and_gd(nesterov):
    for lr in np.linspace(0.05, 1.5, 7):
        for beta in np.linspace(0.0, 0.95, 6):
            m = mt.iteration_matrix(lr, beta, 2.0, nesterov)
            expected = max(abs(np.linalg.eigvals(m)))
            assert mt.spectral_radius(lr, beta, 2.0, nesterov) == pytest.approx(expected, rel=1e-9)
    assert mt.spectral_radius(0.6, 0.0, 4.0) == pytest.approx(abs(1 - 0.6 * 4.0))


def test_optimal_parameters_beat_neighbours():
    lr, beta = mt.optimal_parameters(0.2, 4.0)
    best = mt.rate_on_quadratic(lr, beta, [0.2, 4.0])
    kappa = 20.0
    assert best == pytest.approx((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1), rel=1e-6)
    for dl, db in [(0.05, 0), (-0.05, 0), (0, 0.05), (0, -0.05)]:
        assert mt.rate_on_quadratic(lr + dl, beta + db, [0.2, 4.0]) > best - 1e-12


def test_stability_edges():
    # heavy ball is stable up to lr * curvature = 2 (1 + beta), Nesterov up to 2 (1 + beta) / (1 + 2 beta)
    beta = 0.5
    assert mt.spectral_radius(2.99, beta, 1.0) < 1 < mt.spectral_radius(3.01, beta, 1.0)
    edge = 2 * (1 + beta) / (1 + 2 * beta)
    assert mt.spectral_radius(edge - 0.01, beta, 1.0, True) < 1 < mt.spectral_radius(edge + 0.01, beta, 1.0, True)


@pytest.mark.parametrize("beta", [0.0, 0.25, 0.5, 0.9])
def test_critical_steps_are_where_the_roots_meet(beta):
    low, high = mt.critical_steps(beta)
    for step in (low, high):
        disc = (1 + beta - step) ** 2 - 4 * beta
        assert disc == pytest.approx(0.0, abs=1e-12)
        # a double root of modulus sqrt(beta)
        assert mt.spectral_radius(step / 2.0, beta, 2.0) == pytest.approx(np.sqrt(beta), abs=1e-6)
    inside = np.linspace(low, high, 7)[1:-1]
    np.testing.assert_allclose(mt.spectral_radius(inside, beta, 1.0), np.sqrt(beta), atol=1e-12)


@pytest.mark.parametrize("step", [0.01, 0.04, 0.3, 1.5, 3.0])
def test_critical_beta_is_the_fastest_for_one_curvature(step):
    best = mt.critical_beta(step)
    assert mt.spectral_radius(step, best, 1.0) == pytest.approx(abs(1 - np.sqrt(step)), abs=1e-7)
    betas = np.linspace(0.0, 0.999, 2000)
    assert mt.spectral_radius(step, betas, 1.0).min() >= abs(1 - np.sqrt(step)) - 1e-12


@pytest.mark.parametrize("nesterov", [False, True])
def test_eigencomponents_follow_the_momentum_rule_on_a_rotated_quadratic(nesterov):
    rng = np.random.default_rng(1)
    curvatures = np.array([0.1, 0.7, 2.0])
    q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    a = torch.tensor(q @ np.diag(curvatures) @ q.T)
    start = np.array([1.0, -2.0, 0.5])
    x = torch.tensor(q @ start)            # the minimum is 0, so x is the error
    v = torch.zeros(3, dtype=torch.float64)
    errors = mt.eigencomponents(0.4, 0.6, curvatures, start, 12, nesterov)
    assert errors.shape == (13, 3)
    np.testing.assert_allclose(errors[0], start)
    for t in range(1, 13):
        rules.momentum(x, a @ x, v, lr=0.4, beta=0.6, nesterov=nesterov)
        np.testing.assert_allclose(q.T @ x.numpy(), errors[t], rtol=1e-10, atol=1e-12)


def test_worst_quadratic_has_the_chain_minimizer():
    mu, big = 1.0, 25.0
    a, b = mt.worst_quadratic(mu, big, 80)
    np.testing.assert_allclose(a, a.T)
    eigenvalues = np.linalg.eigvalsh(a)
    assert mu < eigenvalues.min() and eigenvalues.max() < big
    assert np.count_nonzero(np.triu(a, 2)) == 0 and np.count_nonzero(b) == 1
    q = (np.sqrt(big / mu) - 1) / (np.sqrt(big / mu) + 1)
    np.testing.assert_allclose(np.linalg.solve(a, b)[:30], q ** np.arange(1, 31), rtol=1e-9)
