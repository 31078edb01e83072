"""2D toy traces: run an optimizer on a function of two variables.

:func:`train_2d` and :func:`show_trace_2d` keep d2l's names, signatures and
printout. :func:`trainer_2d` turns any optimizer of :mod:`optbook.optim`
into a d2l-style trainer, so the traces run the same update rules as
everything else; :func:`trace_2d` returns the path as an array.
"""

import numpy as np
import torch

from .plotting import plt, set_figsize

START = (-5.0, -2.0)


def train_2d(trainer, steps=20, f_grad=None, *, x0=START, verbose=True):
    """Run ``trainer(x1, x2, s1, s2[, f_grad])`` for ``steps`` steps from ``x0``.

    Returns the list of points visited, starting point included, and prints
    the last one as d2l does: ``epoch 20, x1: -0.943467, x2: -0.000073``.
    """
    x1, x2, s1, s2 = x0[0], x0[1], 0, 0
    results = [(x1, x2)]
    for i in range(steps):
        if f_grad:
            x1, x2, s1, s2 = trainer(x1, x2, s1, s2, f_grad)
        else:
            x1, x2, s1, s2 = trainer(x1, x2, s1, s2)
        results.append((x1, x2))
    if verbose:
        print(f"epoch {i + 1}, x1: {float(x1):f}, x2: {float(x2):f}")
    return results


def trainer_2d(make_optimizer, f_grad=None):
    """A d2l-style trainer that steps an optbook optimizer on the point (x1, x2).

    ``make_optimizer`` takes a list of parameters, for example
    ``functools.partial(optbook.optim.SGD, lr=0.4)``. The optimizer itself
    rides in d2l's state slot ``s1``, so every call of :func:`train_2d` starts
    afresh.
    """
    def trainer(x1, x2, s1, s2, f_grad=f_grad):
        if not isinstance(s1, torch.optim.Optimizer):
            s1 = make_optimizer([torch.tensor([x1, x2], dtype=torch.float64)])
        (point,) = s1.param_groups[0]["params"]
        point.grad = torch.tensor(f_grad(*point.tolist()), dtype=torch.float64)
        s1.step()
        return point[0].item(), point[1].item(), s1, s2
    return trainer


def trace_2d(make_optimizer, objective, steps=20, x0=START):
    """The path of an optimizer on ``objective``, an array of shape (steps + 1, 2)."""
    trainer = trainer_2d(make_optimizer, objective.grad)
    return np.array(train_2d(trainer, steps, x0=x0, verbose=False))


def show_trace_2d(f, results, ax=None, label=None, levels=12, limits=None):
    """Draw a path over the contours of ``f(x1, x2)`` (d2l's signature, plus options)."""
    path = np.asarray(results, dtype=float)
    if ax is None:
        set_figsize()
        ax = plt.gca()
    if limits is None:  # d2l's window, widened where the path leaves it
        finite = path[np.isfinite(path).all(axis=1)]
        lo = np.minimum([-5.5, -3.0], finite.min(axis=0) - 0.5)
        hi = np.maximum([1.0, 1.0], finite.max(axis=0) + 0.5)
        limits = ((lo[0], hi[0]), (lo[1], hi[1]))
    (lo1, hi1), (lo2, hi2) = limits
    x1, x2 = np.meshgrid(np.linspace(lo1, hi1, 200), np.linspace(lo2, hi2, 200))
    ax.contour(x1, x2, f(x1, x2), levels=levels, colors="0.6", linewidths=0.8)
    ax.plot(path[:, 0], path[:, 1], "-o", markersize=4, label=label)  # the style's colours
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    return ax
