"""Objective functions with their gradients, for the toy problems.

An :class:`Objective` is called as ``f(x1, x2)`` on floats, NumPy arrays
(for contour plots) or tensors, and ``f.grad(x1, x2)`` returns the pair of
partial derivatives, which is the ``f_grad`` that d2l's ``train_2d`` expects.
"""

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch


@dataclass(frozen=True)
class Objective:
    """A function of two variables, its gradient and where its minimum lies."""

    name: str
    value: Callable
    gradient: Callable
    minimizer: tuple = (0.0, 0.0)

    def __call__(self, x1, x2):
        return self.value(x1, x2)

    def grad(self, x1, x2):
        return self.gradient(x1, x2)


def quadratic(eigenvalues, angle=0.0, name=None):
    """f(x) = 1/2 x^T A x, with A = R diag(eigenvalues) R^T and R a rotation by ``angle``.

    With ``angle=0`` the gradient is computed coordinate by coordinate, so it
    is exactly ``(l1 * x1, l2 * x2)``, as in the published toy examples.
    """
    (a11, a12), (_, a22) = quadratic_matrix(eigenvalues, angle).tolist()

    def value(x1, x2):
        return 0.5 * (a11 * x1 * x1 + 2 * a12 * x1 * x2 + a22 * x2 * x2)

    def gradient(x1, x2):
        if a12 == 0:
            return a11 * x1, a22 * x2
        return a11 * x1 + a12 * x2, a12 * x1 + a22 * x2

    return Objective(name or f"quadratic{tuple(eigenvalues)}", value, gradient)


def rotation(angle):
    """The 2x2 matrix that rotates the plane by ``angle`` radians."""
    return np.array([[math.cos(angle), -math.sin(angle)],
                     [math.sin(angle), math.cos(angle)]])


def quadratic_matrix(eigenvalues, angle=0.0):
    """A = R diag(eigenvalues) R^T, the Hessian of :func:`quadratic`."""
    if angle == 0:
        return np.diag(np.asarray(eigenvalues, dtype=float))
    r = rotation(angle)
    return r @ np.diag(eigenvalues) @ r.T


#: 0.1 x1^2 + 2 x2^2: curvatures 0.2 and 4, condition number 20.
ill_conditioned = quadratic((0.2, 4.0), name="0.1 x1^2 + 2 x2^2")

#: The same function rotated by 45 degrees: the axes no longer match the curvature.
rotated_ill_conditioned = quadratic((0.2, 4.0), angle=math.pi / 4,
                                    name="0.1 x1^2 + 2 x2^2 rotated by 45 degrees")

#: x1^2 + 2 x2^2, the SGD chapter's example.
elliptic = quadratic((2.0, 4.0), name="x1^2 + 2 x2^2")


def _rosenbrock_value(x1, x2, a=1.0, b=100.0):
    return (a - x1) ** 2 + b * (x2 - x1 ** 2) ** 2


def _rosenbrock_gradient(x1, x2, a=1.0, b=100.0):
    return -2 * (a - x1) - 4 * b * x1 * (x2 - x1 ** 2), 2 * b * (x2 - x1 ** 2)


#: Rosenbrock's banana valley, minimum at (1, 1).
rosenbrock = Objective("Rosenbrock", _rosenbrock_value, _rosenbrock_gradient, (1.0, 1.0))


def _trig(x):
    return (torch.cos, torch.sin) if isinstance(x, torch.Tensor) else (np.cos, np.sin)


def nonconvex_1d(x, c=0.15 * math.pi):
    """f(x) = x cos(c x): local minima of different depths."""
    cos, _ = _trig(x)
    return x * cos(c * x)


def nonconvex_1d_grad(x, c=0.15 * math.pi):
    """f'(x) = cos(c x) - c x sin(c x)."""
    cos, sin = _trig(x)
    return cos(c * x) - c * x * sin(c * x)
