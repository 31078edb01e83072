"""Convergence guarantees, and the runs that check them.

The convexity chapter proves three rates and measures each against a run:

- gradient descent with ``lr = 1/L`` on a convex, L-smooth function:
  ``f(x_t) - f* <= L ||x_0 - x*||^2 / (2 t)`` (:func:`convex_rate`);
- the same on a mu-strongly convex one:
  ``f(x_t) - f* <= (1 - mu/L)^t (f(x_0) - f*)`` (:func:`strongly_convex_rate`);
- SGD with a constant ``lr = D / (G sqrt(T))``, under ``E||g||^2 <= G^2`` and
  ``||x_0 - x*|| <= D``, for the average of its first T iterates:
  ``E f(xbar_T) - f* <= D G / sqrt(T)`` (:func:`sgd_rate`).

The runners take an optional projection (see :mod:`optbook.projections`), so
the same loops are projected gradient descent and projected SGD.
"""

import math

import numpy as np
import torch

from . import rules


def gradient_descent(grad, x0, *, lr, steps, project=None):
    """(Projected) gradient descent from ``x0``; returns every iterate, shape (steps + 1, *x0.shape).

    One step is ``rules.sgd`` with the full gradient, then the projection if one is given.
    """
    x = x0.clone()
    path = [x.clone()]
    for _ in range(steps):
        rules.sgd(x, grad(x), lr=lr)
        if project is not None:
            x.copy_(project(x))
        path.append(x.clone())
    return torch.stack(path)


def averaged_sgd(stochastic_grad, x0, *, lr, steps, project=None):
    """(Projected) SGD for ``steps`` steps; returns (the average of x_0..x_{T-1}, the last x_T).

    ``stochastic_grad(x, t)`` returns an unbiased estimate of the gradient at x.
    ``x0`` may hold one independent chain per row.
    """
    x = x0.clone()
    total = torch.zeros_like(x)
    for t in range(steps):
        total += x
        rules.sgd(x, stochastic_grad(x, t), lr=lr)
        if project is not None:
            x.copy_(project(x))
    return total / steps, x


def convex_rate(L, distance, t):
    """L ||x_0 - x*||^2 / (2 t): gradient descent's bound on f(x_t) - f* (lr = 1/L, convex f)."""
    return L * distance ** 2 / (2 * np.asarray(t, dtype=float))


def strongly_convex_rate(L, mu, gap0, t):
    """(1 - mu/L)^t (f(x_0) - f*): gradient descent's bound (lr = 1/L, mu-strongly convex f)."""
    return (1 - mu / L) ** np.asarray(t, dtype=float) * gap0


def steps_to_reach(L, mu, ratio):
    """The smallest t with (1 - mu/L)^t <= ratio: the steps the strongly convex bound promises."""
    return math.ceil(math.log(ratio) / math.log1p(-mu / L))


def sgd_lr(D, G, T):
    """D / (G sqrt(T)): the constant learning rate that minimizes the bound of :func:`sgd_bound`."""
    return D / (G * math.sqrt(T))


def sgd_bound(D, G, T, lr):
    """D^2 / (2 lr T) + lr G^2 / 2: averaged SGD's bound on E f(xbar_T) - f* for any constant lr.

    The first term is the distance still to travel, the second the noise ball.
    """
    return D ** 2 / (2 * lr * T) + lr * G ** 2 / 2


def sgd_rate(D, G, T):
    """D G / sqrt(T): the bound of :func:`sgd_bound` at the learning rate of :func:`sgd_lr`."""
    return D * G / math.sqrt(T)
