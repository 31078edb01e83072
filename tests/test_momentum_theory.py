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
