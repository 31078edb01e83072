"""Learning-rate schedules: functions of the step t = 0, 1, 2, ...

Each factory returns ``schedule(t) -> learning rate``. :func:`as_lambda`
turns one into the multiplier that ``torch.optim.lr_scheduler.LambdaLR``
expects, so the concise versions follow the same schedule.
"""

import bisect
import math


def constant(lr):
    """eta_t = eta."""
    return lambda t: lr


def exponential(lr0, decay):
    """eta_t = eta_0 * exp(-decay * t)."""
    return lambda t: lr0 * math.exp(-decay * t)


def polynomial(lr0, alpha=0.5, beta=1.0):
    """eta_t = eta_0 * (beta * t + 1) ** -alpha; alpha = 0.5 is the inverse square root."""
    return lambda t: lr0 * (beta * t + 1) ** -alpha


def inverse_sqrt(lr0, beta=1.0):
    """eta_t = eta_0 / sqrt(beta * t + 1)."""
    return polynomial(lr0, alpha=0.5, beta=beta)


def piecewise_constant(lr0, milestones, factor=0.1):
    """eta_t = eta_0 * factor ** (number of milestones <= t)."""
    milestones = sorted(milestones)
    return lambda t: lr0 * factor ** bisect.bisect_right(milestones, t)


def as_lambda(schedule):
    """The multiplier schedule(t) / schedule(0), for torch's LambdaLR."""
    lr0 = schedule(0)
    return lambda t: schedule(t) / lr0
