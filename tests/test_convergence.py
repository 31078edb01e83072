"""optbook.projections and optbook.convergence: the projections against their defining
property and brute force, the bounds against their formulas, and the runners against
closed forms."""

import math

import numpy as np
import pytest
import torch

from optbook import convergence, projections

DOUBLE = torch.float64


def random_points(count, dim, seed=0, scale=2.0):
    return torch.randn(count, dim, generator=torch.Generator().manual_seed(seed), dtype=DOUBLE) * scale


# --- projections ------------------------------------------------------------------------

def test_box_clips_each_coordinate():
    y = torch.tensor([[-3.0, 0.5, 2.0]], dtype=DOUBLE)
    assert projections.project_box(y, -1.0, 1.0).tolist() == [[-1.0, 0.5, 1.0]]


def test_ball_pulls_outside_points_to_the_sphere_and_keeps_inside_points():
    y = random_points(200, 4, scale=3.0)
    p = projections.project_ball(y, 1.5)
    norms = y.norm(dim=1)
    inside = norms <= 1.5
    assert torch.equal(p[inside], y[inside])
    assert torch.allclose(p[~inside].norm(dim=1), torch.full(((~inside).sum(),), 1.5, dtype=DOUBLE))
    # along the same ray
    assert torch.allclose(p[~inside] / p[~inside].norm(dim=1, keepdim=True),
                          y[~inside] / norms[~inside, None])


def test_ball_with_a_center_and_at_the_center():
    center = torch.tensor([1.0, -2.0], dtype=DOUBLE)
    assert torch.equal(projections.project_ball(center.clone(), 0.5, center), center)
    far = torch.tensor([4.0, 2.0], dtype=DOUBLE)  # 5 away from the center
    assert torch.allclose(projections.project_ball(far, 1.0, center),
                          center + (far - center) / 5)


def test_simplex_lands_on_the_simplex_with_the_obtuse_angle():
    y = random_points(300, 5, seed=1)
    p = projections.project_simplex(y)
    assert float(p.min()) >= 0
    assert torch.allclose(p.sum(dim=1), torch.ones(300, dtype=DOUBLE), atol=1e-14)
    # (y - P y)^T (z - P y) <= 0 at every vertex z, hence on the whole simplex
    for row, point in zip(y, p):
        assert float(((row - point) @ (torch.eye(5, dtype=DOUBLE) - point).T).max()) <= 1e-12


def test_simplex_matches_brute_force():
    rng = np.random.default_rng(2)
    candidates = rng.dirichlet(np.ones(3), size=200000)
    for _ in range(5):
        y = rng.normal(size=3)
        p = projections.project_simplex(torch.tensor(y)).numpy()
        best = candidates[np.argmin(((candidates - y) ** 2).sum(axis=1))]
        assert ((p - y) ** 2).sum() <= ((best - y) ** 2).sum() + 1e-12
        assert np.abs(p - best).max() < 0.02


def test_simplex_known_values():
    assert torch.allclose(projections.project_simplex(torch.tensor([0.5, 1.2, -0.3], dtype=DOUBLE)),
                          torch.tensor([0.15, 0.85, 0.0], dtype=DOUBLE))
    on = torch.tensor([0.2, 0.3, 0.5], dtype=DOUBLE)
    assert torch.allclose(projections.project_simplex(on), on)


@pytest.mark.parametrize("project", [
    lambda x: projections.project_box(x, -0.5, 1.0),
    lambda x: projections.project_ball(x, 1.0),
    projections.project_simplex,
], ids=["box", "ball", "simplex"])
def test_projections_are_idempotent_and_non_expansive(project):
    y, z = random_points(500, 4, seed=3), random_points(500, 4, seed=4)
    py, pz = project(y), project(z)
    assert torch.allclose(project(py), py, atol=1e-14)
    assert bool(((py - pz).norm(dim=1) <= (y - z).norm(dim=1) + 1e-12).all())


# --- bounds -----------------------------------------------------------------------------

def test_rate_formulas():
    assert convergence.convex_rate(2.0, 3.0, 4) == pytest.approx(2 * 9 / 8)
    assert np.allclose(convergence.convex_rate(1.0, 1.0, [1, 2]), [0.5, 0.25])
    assert convergence.strongly_convex_rate(1.0, 0.1, 5.0, 3) == pytest.approx(0.9 ** 3 * 5)
    assert convergence.sgd_rate(2.0, 3.0, 16) == pytest.approx(1.5)
    assert convergence.sgd_lr(2.0, 3.0, 16) == pytest.approx(2 / 12)


def test_sgd_lr_minimizes_the_bound_and_reaches_the_rate():
    D, G, T = 3.0, 0.7, 250
    best = convergence.sgd_lr(D, G, T)
    assert convergence.sgd_bound(D, G, T, best) == pytest.approx(convergence.sgd_rate(D, G, T))
    for factor in (0.5, 0.9, 1.1, 2.0):
        assert convergence.sgd_bound(D, G, T, factor * best) > convergence.sgd_rate(D, G, T)


@pytest.mark.parametrize("L, mu, ratio", [(1.0, 0.1, 1e-3), (4.0, 0.2, 1e-6), (1.0, 0.5, 0.5)])
def test_steps_to_reach_is_the_first_step_under_the_ratio(L, mu, ratio):
    t = convergence.steps_to_reach(L, mu, ratio)
    assert (1 - mu / L) ** t <= ratio < (1 - mu / L) ** (t - 1)


# --- runners ----------------------------------------------------------------------------

def test_gradient_descent_on_a_quadratic_matches_the_closed_form():
    eigenvalues = torch.tensor([0.1, 0.5, 1.0], dtype=DOUBLE)
    x0 = torch.tensor([1.0, -2.0, 3.0], dtype=DOUBLE)
    path = convergence.gradient_descent(lambda x: eigenvalues * x, x0, lr=0.5, steps=30)
    assert path.shape == (31, 3)
    expected = torch.stack([(1 - 0.5 * eigenvalues) ** t * x0 for t in range(31)])
    assert torch.allclose(path, expected, atol=1e-15)
    assert torch.equal(x0, torch.tensor([1.0, -2.0, 3.0], dtype=DOUBLE)), "x0 untouched"


def test_projected_gradient_descent_stays_in_the_set():
    path = convergence.gradient_descent(lambda x: x - torch.tensor([3.0, 0.0], dtype=DOUBLE),
                                        torch.zeros(2, dtype=DOUBLE), lr=0.5, steps=50,
                                        project=lambda x: projections.project_ball(x, 1.0))
    assert bool((path.norm(dim=1) <= 1 + 1e-15).all())
    assert torch.allclose(path[-1], torch.tensor([1.0, 0.0], dtype=DOUBLE))


def test_gradient_descent_respects_the_convex_bound():
    spectrum = torch.logspace(0, -3, 10, dtype=DOUBLE)
    x0 = torch.ones(10, dtype=DOUBLE)
    path = convergence.gradient_descent(lambda x: spectrum * x, x0, lr=1.0, steps=500)
    gaps = (0.5 * spectrum * path ** 2).sum(dim=1)[1:].numpy()
    assert np.all(gaps <= convergence.convex_rate(1.0, float(x0.norm()), np.arange(1, 501)))


def test_averaged_sgd_averages_the_first_T_iterates():
    # deterministic "noise": g = x - 1 with lr 0.5 halves the distance to 1 each step
    average, last = convergence.averaged_sgd(lambda x, t: x - 1, torch.zeros(2, dtype=DOUBLE),
                                             lr=0.5, steps=4)
    iterates = [1 - 0.5 ** t for t in range(5)]  # x_0 .. x_4
    assert torch.allclose(average, torch.full((2,), sum(iterates[:4]) / 4, dtype=DOUBLE))
    assert torch.allclose(last, torch.full((2,), iterates[4], dtype=DOUBLE))


def test_averaged_sgd_passes_the_step_and_projects():
    seen = []

    def grad(x, t):
        seen.append(t)
        return -torch.ones_like(x)

    _, last = convergence.averaged_sgd(grad, torch.zeros(3, dtype=DOUBLE), lr=1.0, steps=5,
                                       project=lambda x: projections.project_box(x, -2.0, 2.0))
    assert seen == [0, 1, 2, 3, 4]
    assert last.tolist() == [2.0, 2.0, 2.0]


def test_averaged_sgd_stays_below_its_bound_on_the_median():
    D, G, T, runs = 2.0, 1.0, 400, 50
    generator = torch.Generator().manual_seed(0)
    normal = torch.distributions.Normal(0.0, 1.0)

    def f(x):
        return x * (2 * normal.cdf(x) - 1) + 2 * normal.log_prob(x).exp()

    average, _ = convergence.averaged_sgd(
        lambda x, t: torch.sign(x - torch.randn(x.shape, generator=generator, dtype=DOUBLE)),
        torch.full((runs,), D, dtype=DOUBLE), lr=convergence.sgd_lr(D, G, T), steps=T)
    gap = f(average) - 2 / math.sqrt(2 * math.pi)
    assert float(gap.mean()) <= convergence.sgd_rate(D, G, T)
