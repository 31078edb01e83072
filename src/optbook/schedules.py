"""Learning-rate schedules: functions of the step t = 0, 1, 2, ...

Each factory returns ``schedule(t) -> learning rate``. :func:`as_lambda`
turns one into the multiplier that ``torch.optim.lr_scheduler.LambdaLR``
expects, so the concise versions follow the same schedule.

Every schedule here is a closed form in ``t``: the rate at step ``t`` depends
on ``t`` alone, never on the rate before it. The classes of
:mod:`optbook.lr_scheduler` (``torch.optim.lr_scheduler``'s interface) and
:mod:`optbook.d2l_schedulers` (d2l's) call these functions and nothing else.
The one rule that needs more than the step, :class:`ReduceOnPlateau`, keeps
its state in plain numbers and is fed the metric.

Examples:
    >>> warmup = linear_warmup(0.1, warmup_steps=4)
    >>> [round(warmup(t), 3) for t in range(6)]
    [0.0, 0.025, 0.05, 0.075, 0.1, 0.1]
    >>> schedule = warmup_cosine(1.0, warmup_steps=2, total_steps=6, final_lr=0.1)
    >>> [round(schedule(t), 3) for t in range(8)]
    [0.0, 0.5, 1.0, 0.868, 0.55, 0.232, 0.1, 0.1]
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


def step_decay(lr, step_size, gamma=0.1):
    """eta_t = eta * gamma ** floor(t / step_size): cut by gamma every step_size steps.

    Args:
        lr: the rate of the first ``step_size`` steps.
        step_size: steps between two cuts.
        gamma: the factor of each cut.

    Examples:
        >>> schedule = step_decay(1.0, step_size=3, gamma=0.5)
        >>> [schedule(t) for t in range(7)]
        [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]
    """
    return lambda t: lr * gamma ** (t // step_size)


def multistep_decay(lr, milestones, gamma=0.1):
    """eta_t = eta * gamma ** (number of milestones <= t): cut by gamma at each milestone.

    The same schedule as :func:`piecewise_constant`, under torch's name for
    it (``MultiStepLR``); a milestone listed twice cuts twice, as in torch.

    Args:
        lr: the rate before the first milestone.
        milestones: the steps at which the rate is cut.
        gamma: the factor of each cut.

    Examples:
        >>> schedule = multistep_decay(1.0, milestones=[2, 5], gamma=0.1)
        >>> [schedule(t) for t in (0, 1, 2, 4, 5, 9)]
        [1.0, 1.0, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002]
    """
    return piecewise_constant(lr, milestones, factor=gamma)


def geometric_decay(lr, factor, min_lr=0.0):
    """eta_t = max(min_lr, eta * factor ** t): multiply by factor at every step, down to a floor.

    Args:
        lr: the rate at step 0.
        factor: the factor of each step (below 1 to decay).
        min_lr: the rate never goes below it.

    Examples:
        >>> schedule = geometric_decay(2.0, factor=0.5, min_lr=0.3)
        >>> [schedule(t) for t in range(5)]
        [2.0, 1.0, 0.5, 0.3, 0.3]
    """
    return lambda t: max(min_lr, lr * factor ** t)


def linear(start_lr, end_lr, steps):
    """eta_t = start + (end - start) * min(t, steps) / steps: a straight line, then flat.

    Linear warmup and linear decay are the two directions of this one line.

    Args:
        start_lr: the rate at step 0.
        end_lr: the rate from step ``steps`` on.
        steps: how many steps the line takes (0 gives ``end_lr`` at once).

    Examples:
        >>> schedule = linear(1.0, 0.5, steps=4)
        >>> [schedule(t) for t in range(6)]
        [1.0, 0.875, 0.75, 0.625, 0.5, 0.5]
    """
    if steps == 0:
        return lambda t: end_lr
    # (end - start) * t / steps, in this order, is d2l's warmup arithmetic to the last bit.
    return lambda t: start_lr + (end_lr - start_lr) * min(t, steps) / steps


def linear_warmup(lr, warmup_steps, initial_lr=0.0):
    """Linear warmup: from initial_lr up to lr in warmup_steps steps, then lr.

    Args:
        lr: the rate reached at step ``warmup_steps`` and kept afterwards.
        warmup_steps: the length of the warmup.
        initial_lr: the rate at step 0.

    Examples:
        >>> schedule = linear_warmup(0.4, warmup_steps=4, initial_lr=0.2)
        >>> [round(schedule(t), 12) for t in range(6)]
        [0.2, 0.25, 0.3, 0.35, 0.4, 0.4]
    """
    return linear(initial_lr, lr, warmup_steps)


def linear_decay(lr, total_steps, final_lr=0.0):
    """Linear decay: from lr down to final_lr in total_steps steps, then final_lr.

    Args:
        lr: the rate at step 0.
        total_steps: the length of the decay.
        final_lr: the rate from step ``total_steps`` on.

    Examples:
        >>> schedule = linear_decay(1.0, total_steps=4)
        >>> [schedule(t) for t in range(6)]
        [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """
    return linear(lr, final_lr, total_steps)


def cosine_decay(lr, decay_steps, final_lr=0.0):
    """eta_t = final + (eta - final) * (1 + cos(pi * t / T)) / 2 for t <= T, then final.

    Half a cosine period from lr down to final_lr (Loshchilov and Hutter's
    SGDR without restarts). torch's ``CosineAnnealingLR`` follows the same
    curve up to ``T_max`` but keeps going round the cosine afterwards; this
    one stays at ``final_lr``, as d2l's and optax's do.

    Args:
        lr: the rate at step 0.
        decay_steps: the step T at which final_lr is reached (0 gives final_lr at once).
        final_lr: the rate from step T on.

    Examples:
        >>> schedule = cosine_decay(1.0, decay_steps=4)
        >>> [round(schedule(t), 6) for t in range(6)]
        [1.0, 0.853553, 0.5, 0.146447, 0.0, 0.0]
    """
    if decay_steps == 0:
        return lambda t: final_lr
    # The order of the operations is torch's closed form and d2l's, to the last bit.
    return lambda t: final_lr + (lr - final_lr) * (
        1 + math.cos(math.pi * min(t, decay_steps) / decay_steps)) / 2


def join(schedules, boundaries):
    """Run schedules[0] until boundaries[0], then schedules[1], ... each on its own clock.

    Schedule ``i`` takes over at ``boundaries[i - 1]`` and sees its steps
    counted from 0 there, as in ``optax.join_schedules`` and torch's
    ``SequentialLR``.

    Args:
        schedules: n schedules, each a function of the step.
        boundaries: n - 1 increasing steps at which the next one takes over.

    Examples:
        >>> schedule = join([constant(0.1), linear_decay(1.0, 2)], boundaries=[3])
        >>> [schedule(t) for t in range(6)]
        [0.1, 0.1, 0.1, 1.0, 0.5, 0.0]
    """
    schedules, boundaries = list(schedules), list(boundaries)
    if len(schedules) != len(boundaries) + 1:
        raise ValueError(f"{len(schedules)} schedules need {len(schedules) - 1} "
                         f"boundaries, not {len(boundaries)}")

    def schedule(t):
        index = bisect.bisect_right(boundaries, t)
        start = boundaries[index - 1] if index else 0
        return schedules[index](t - start)
    return schedule


def warmup_cosine(lr, warmup_steps, total_steps, final_lr=0.0, initial_lr=0.0):
    """Linear warmup to lr in warmup_steps, then cosine decay to final_lr at total_steps.

    The rate at step ``warmup_steps`` is ``lr``, the peak; from
    ``total_steps`` on it is ``final_lr``. This is d2l's ``CosineScheduler``
    with warmup, and torch's ``SequentialLR`` of a ``LinearLR`` warmup and a
    ``CosineAnnealingLR`` with ``T_max = total_steps - warmup_steps`` up to
    ``total_steps``.

    Args:
        lr: the peak rate, reached at the end of the warmup.
        warmup_steps: the length of the warmup (0 for none).
        total_steps: the step at which ``final_lr`` is reached.
        final_lr: the rate from ``total_steps`` on.
        initial_lr: the rate at step 0.

    Examples:
        >>> schedule = warmup_cosine(1.0, warmup_steps=2, total_steps=6)
        >>> [round(schedule(t), 6) for t in range(8)]
        [0.0, 0.5, 1.0, 0.853553, 0.5, 0.146447, 0.0, 0.0]
    """
    if not 0 <= warmup_steps <= total_steps:
        raise ValueError(f"warmup_steps={warmup_steps} must be in [0, total_steps={total_steps}]")
    return join([linear_warmup(lr, warmup_steps, initial_lr),
                 cosine_decay(lr, total_steps - warmup_steps, final_lr)],
                boundaries=[warmup_steps])


def _anneal(strategy):
    """torch's OneCycleLR interpolation from start to end as pct goes from 0 to 1."""
    if strategy == "cos":
        return lambda start, end, pct: end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
    if strategy == "linear":
        return lambda start, end, pct: (end - start) * pct + start
    raise ValueError(f"anneal_strategy must be 'cos' or 'linear', not {strategy!r}")


def _cycle(values, total_steps, pct_start, anneal_strategy, three_phase):
    """Anneal through ``values`` in the phases of torch's OneCycleLR."""
    if not (isinstance(total_steps, int) and total_steps > 0):
        raise ValueError(f"total_steps must be a positive integer, not {total_steps!r}")
    if not 0 <= pct_start <= 1:
        raise ValueError(f"pct_start must be in [0, 1], not {pct_start!r}")
    anneal = _anneal(anneal_strategy)
    # torch's phase ends, fractional in general: the peak is at step pct_start * total - 1.
    ends = [float(pct_start * total_steps) - 1]
    if three_phase:
        ends.append(float(2 * pct_start * total_steps) - 2)
    ends.append(total_steps - 1)

    def schedule(t):
        if t > total_steps:
            raise ValueError(f"step {t} is past the cycle's total_steps={total_steps}")
        start = 0.0
        for phase, end in enumerate(ends):
            if t <= end or phase == len(ends) - 1:
                return anneal(values[phase], values[phase + 1], (t - start) / (end - start))
            start = end
    return schedule


def one_cycle(max_lr, total_steps, pct_start=0.3, anneal_strategy="cos",
              div_factor=25.0, final_div_factor=1e4, three_phase=False):
    """The 1cycle policy of torch's ``OneCycleLR``: up to max_lr, then far below the start.

    The rate starts at ``max_lr / div_factor``, rises to ``max_lr`` at step
    ``pct_start * total_steps - 1`` and falls to
    ``max_lr / div_factor / final_div_factor`` at step ``total_steps - 1``
    (Smith's super-convergence, in fastai's two phases). With
    ``three_phase=True`` it falls back to the start symmetrically first, then
    to the minimum, as in Smith's paper. The arithmetic is torch's, operation
    for operation, so the rates agree to the last bit.

    Args:
        max_lr: the peak rate.
        total_steps: the number of steps of the cycle; stepping past it raises, as in torch.
        pct_start: the fraction of the cycle spent rising.
        anneal_strategy: ``"cos"`` (half cosines) or ``"linear"`` (straight lines).
        div_factor: the starting rate is ``max_lr / div_factor``.
        final_div_factor: the final rate is the starting rate over ``final_div_factor``.
        three_phase: fall back to the starting rate before annihilating it.

    Examples:
        >>> schedule = one_cycle(1.0, total_steps=10, pct_start=0.3, anneal_strategy="linear",
        ...                      div_factor=10.0, final_div_factor=100.0)
        >>> [round(schedule(t), 4) for t in (0, 1, 2, 9)]
        [0.1, 0.55, 1.0, 0.001]
    """
    initial_lr = max_lr / div_factor
    min_lr = initial_lr / final_div_factor
    values = ([initial_lr, max_lr, initial_lr, min_lr] if three_phase
              else [initial_lr, max_lr, min_lr])
    return _cycle(values, total_steps, pct_start, anneal_strategy, three_phase)


def one_cycle_momentum(total_steps, base_momentum=0.85, max_momentum=0.95, pct_start=0.3,
                       anneal_strategy="cos", three_phase=False):
    """The momentum that torch's ``OneCycleLR`` cycles against the rate of :func:`one_cycle`.

    It falls from ``max_momentum`` to ``base_momentum`` while the rate rises,
    and comes back while the rate falls: large steps get less momentum.

    Args:
        total_steps, pct_start, anneal_strategy, three_phase: as in :func:`one_cycle`.
        base_momentum: the momentum at the peak of the rate.
        max_momentum: the momentum at the start and the end.

    Examples:
        >>> momentum = one_cycle_momentum(10, anneal_strategy="linear")
        >>> [round(momentum(t), 4) for t in (0, 2, 9)]
        [0.95, 0.85, 0.95]
    """
    values = ([max_momentum, base_momentum, max_momentum, max_momentum] if three_phase
              else [max_momentum, base_momentum, max_momentum])
    return _cycle(values, total_steps, pct_start, anneal_strategy, three_phase)


class ReduceOnPlateau:
    """Cut the rate by ``factor`` once the metric stops improving, as torch's ``ReduceLROnPlateau``.

    The one schedule here that is not a function of the step: call it with
    the metric (a validation loss, say) after each epoch and it returns the
    rate to use next. A metric *improves* when it beats the best so far by
    more than the threshold; after more than ``patience`` steps without an
    improvement the rate is cut, and the next ``cooldown`` steps are not
    counted. The rules are torch's, step for step.

    Args:
        lr: the starting rate (``None`` when only :meth:`plateaued` and
            :meth:`reduced` are wanted, as for several param groups).
        mode: ``"min"`` if a lower metric is better, ``"max"`` if higher is.
        factor: the factor of each cut, below 1.
        patience: how many steps without improvement are tolerated.
        threshold: how much better than the best a metric must be to count.
        threshold_mode: ``"rel"``: better than ``best * (1 -/+ threshold)``;
            ``"abs"``: better than ``best -/+ threshold``.
        cooldown: steps after a cut during which no bad step is counted.
        min_lr: the rate is never cut below it.
        eps: a cut smaller than this is skipped (the rate is left as it is).

    Examples:
        >>> rule = ReduceOnPlateau(1.0, factor=0.5, patience=1)
        >>> [rule(loss) for loss in [3.0, 2.0, 2.0, 2.0, 1.0, 1.5, 1.5]]
        [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]
    """

    def __init__(self, lr=None, mode="min", factor=0.1, patience=10, threshold=1e-4,
                 threshold_mode="rel", cooldown=0, min_lr=0.0, eps=1e-8):
        if factor >= 1.0:
            raise ValueError(f"factor must be below 1, not {factor!r}")
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', not {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold_mode must be 'rel' or 'abs', not {threshold_mode!r}")
        self.lr, self.mode, self.factor, self.patience = lr, mode, factor, patience
        self.threshold, self.threshold_mode = threshold, threshold_mode
        self.cooldown, self.min_lr, self.eps = cooldown, min_lr, eps
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0

    def improves(self, metric):
        """Whether ``metric`` beats the best so far by more than the threshold."""
        relative = self.threshold_mode == "rel"
        if self.mode == "min":
            bar = self.best * (1 - self.threshold) if relative else self.best - self.threshold
            return metric < bar
        bar = self.best * (1 + self.threshold) if relative else self.best + self.threshold
        return metric > bar

    def plateaued(self, metric):
        """Record one step's metric; True when the rate should be cut now."""
        if self.improves(metric):
            self.best = metric
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad steps in the cooldown do not count
        if self.num_bad_epochs > self.patience:
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
            return True
        return False

    def reduced(self, lr, min_lr=None):
        """lr * factor, but not below min_lr; lr itself if the cut would be smaller than eps."""
        new_lr = max(lr * self.factor, self.min_lr if min_lr is None else min_lr)
        return new_lr if lr - new_lr > self.eps else lr

    def __call__(self, metric):
        """Record the metric and return the rate for the next step."""
        if self.plateaued(float(metric)):
            self.lr = self.reduced(self.lr)
        return self.lr
