"""Learning-rate schedules and the toy objectives' gradients."""

import math

import numpy as np
import pytest
import torch

from optbook import objectives, schedules


def test_schedules_follow_their_formulas():
    assert schedules.constant(0.3)(100) == 0.3
    assert schedules.exponential(1.0, 0.1)(10) == pytest.approx(math.exp(-1))
    assert schedules.inverse_sqrt(2.0)(3) == pytest.approx(1.0)
    assert schedules.polynomial(1.0, alpha=1.0, beta=0.5)(2) == pytest.approx(0.5)
    steps = schedules.piecewise_constant(1.0, [10, 20], factor=0.5)
    assert [steps(t) for t in (0, 9, 10, 19, 20, 100)] == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]


def test_as_lambda_drives_torch_lambda_lr():
    param = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([param], lr=0.5)
    schedule = schedules.exponential(0.5, 0.2)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedules.as_lambda(schedule))
    for t in range(1, 5):
        optimizer.step()
        scheduler.step()
        assert optimizer.param_groups[0]["lr"] == pytest.approx(schedule(t))


ALL_2D = [objectives.ill_conditioned, objectives.rotated_ill_conditioned,
          objectives.elliptic, objectives.rosenbrock,
          objectives.quadratic((1.0, 10.0), angle=0.3)]


@pytest.mark.parametrize("f", ALL_2D, ids=[f.name for f in ALL_2D])
def test_gradient_matches_autograd(f):
    point = torch.tensor([0.7, -1.3], dtype=torch.float64, requires_grad=True)
    f(point[0], point[1]).backward()
    assert torch.tensor(f.grad(0.7, -1.3)).tolist() == pytest.approx(point.grad.tolist())


@pytest.mark.parametrize("f", ALL_2D, ids=[f.name for f in ALL_2D])
def test_gradient_vanishes_at_the_minimizer(f):
    assert f.grad(*f.minimizer) == pytest.approx((0.0, 0.0))


def test_quadratic_has_the_eigenvalues_asked_for():
    matrix = objectives.quadratic_matrix((0.2, 4.0), angle=math.pi / 4)
    assert sorted(np.linalg.eigvalsh(matrix)) == pytest.approx([0.2, 4.0])
    assert objectives.ill_conditioned(1.0, 1.0) == pytest.approx(2.1)
    assert objectives.rotated_ill_conditioned(math.sqrt(0.5), math.sqrt(0.5)) == pytest.approx(0.1)


def test_nonconvex_1d_gradient_on_floats_arrays_and_tensors():
    x = torch.tensor(1.7, dtype=torch.float64, requires_grad=True)
    objectives.nonconvex_1d(x).backward()
    assert float(objectives.nonconvex_1d_grad(torch.tensor(1.7, dtype=torch.float64))) \
        == pytest.approx(float(x.grad))
    assert objectives.nonconvex_1d_grad(1.7) == pytest.approx(float(x.grad))
    assert objectives.nonconvex_1d(np.array([1.7]))[0] == pytest.approx(objectives.nonconvex_1d(1.7))
