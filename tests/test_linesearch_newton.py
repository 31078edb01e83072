"""Newton's step and backtracking line search."""

import pytest
import torch

from optbook import linesearch, objectives, rules


def test_newton_solves_a_quadratic_in_one_step():
    hessian = torch.tensor(objectives.quadratic_matrix((0.2, 4.0), angle=0.6))
    x = torch.tensor([-5.0, -2.0], dtype=torch.float64)
    rules.newton(x, hessian @ x, hessian)
    assert x.tolist() == pytest.approx([0.0, 0.0], abs=1e-12)


def f_vector(v):
    return objectives.ill_conditioned(v[0], v[1])


def test_backtracking_accepts_a_step_that_decreases_enough():
    x = torch.tensor([-5.0, -2.0], dtype=torch.float64)
    grad = torch.tensor(objectives.ill_conditioned.grad(*x.tolist()))
    lr = linesearch.backtracking(f_vector, x, grad, lr0=1.0)
    assert lr < 1.0  # a unit step overshoots along x2 (curvature 4)
    assert f_vector(x - lr * grad) <= f_vector(x) - 1e-4 * lr * float(grad @ grad)
    assert f_vector(x - 2 * lr * grad) > f_vector(x) - 1e-4 * 2 * lr * float(grad @ grad)


def test_backtracking_keeps_the_first_step_when_it_is_good():
    x = torch.tensor([1.0, 0.0], dtype=torch.float64)
    grad = torch.tensor(objectives.ill_conditioned.grad(1.0, 0.0))
    assert linesearch.backtracking(f_vector, x, grad, lr0=0.5) == 0.5
