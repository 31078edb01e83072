"""Euclidean projections onto convex sets, for projected gradient methods.

The projection of a point y onto a closed convex set C is the point of C
nearest to y. It exists and is unique because C is closed and convex, and it
never moves two points apart: ``||P(y) - P(z)|| <= ||y - z||``. Projected
gradient descent takes a gradient step and then projects, so its iterates stay
in C. Each function works on the last dimension of a tensor, so a batch of
points (one per row) is projected at once, and returns a new tensor.
"""

import torch


def project_box(y, low, high):
    """The nearest point of the box low <= x <= high: clip each coordinate."""
    return torch.clamp(y, min=low, max=high)


def project_ball(y, radius, center=0.0):
    """The nearest point of the ball ||x - center|| <= radius: pull y in along the ray."""
    offset = y - center
    norm = offset.norm(dim=-1, keepdim=True)
    scale = torch.clamp(radius / norm.clamp_min(torch.finfo(y.dtype).tiny), max=1.0)
    return center + offset * scale


def project_simplex(y):
    """The nearest point of the probability simplex {x >= 0, sum(x) = 1}.

    The answer is ``max(y - tau, 0)`` for the threshold tau that makes the
    entries add up to one; sorting y finds it (Held, Wolfe and Crowder 1974;
    Duchi et al. 2008).
    """
    u, _ = torch.sort(y, dim=-1, descending=True)
    k = torch.arange(1, y.shape[-1] + 1, dtype=y.dtype, device=y.device)
    cumulative = u.cumsum(dim=-1) - 1
    support = (u - cumulative / k) > 0  # true for the first rho entries
    rho = support.sum(dim=-1, keepdim=True)  # at least 1: the largest entry always qualifies
    tau = cumulative.gather(-1, rho - 1) / rho.to(y.dtype)
    return torch.clamp(y - tau, min=0.0)
