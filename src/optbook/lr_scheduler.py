"""``torch.optim.lr_scheduler`` schedulers computed by the rules of :mod:`optbook.schedules`.

Each class takes the same constructor arguments, with the same defaults, as
its ``torch.optim.lr_scheduler`` namesake, works on any ``torch.optim``
optimizer (one base rate per param group) and gives the same learning rates:
the tests check them against torch's own schedulers to 1e-12 over runs of
hundreds of steps, with two param groups. They inherit ``step()``,
``get_last_lr()`` and ``state_dict()`` / ``load_state_dict()`` from torch's
``LRScheduler``; their state is plain numbers, so ``torch.save`` and
``torch.load(weights_only=True)`` take it. :class:`WarmupCosineLR` has no torch
namesake: torch builds it from ``SequentialLR([LinearLR, CosineAnnealingLR])``.

Closed forms, not torch's recursions
------------------------------------
At each ``step()`` torch's ``StepLR``, ``MultiStepLR``, ``LinearLR`` and
``CosineAnnealingLR`` multiply the optimizer's *current* rate by a ratio
(their "chainable" form); they use the closed form only when ``step(epoch)``
is given an epoch. Here every rate is the closed form at ``last_epoch``,
computed from the group's base rate, so it is rounded once instead of once per
step. ``StepLR``, ``MultiStepLR``, ``LinearLR`` and the cosine of
:class:`WarmupCosineLR` agree with torch's closed forms to the last bit; torch's
recursive forms differ from them by rounding only (over the tests' runs of 300
to 500 steps, by at most 2e-16 on rates of 0.1 and 0.03). ``OneCycleLR`` and
``ReduceLROnPlateau`` repeat torch's arithmetic and agree exactly.

One consequence: these schedulers are not chainable. Two of them on one
optimizer do not multiply (the second overwrites the first, as ``LambdaLR``
does); inside ``SequentialLR`` they work as torch's do.

Examples:
    >>> import torch
    >>> params = [torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)]
    >>> optimizer = torch.optim.SGD([{"params": params[:1]}, {"params": params[1:], "lr": 0.1}],
    ...                             lr=1.0)
    >>> scheduler = StepLR(optimizer, step_size=2, gamma=0.5)
    >>> for _ in range(4):
    ...     optimizer.step()
    ...     scheduler.step()
    >>> scheduler.get_last_lr()
    [0.25, 0.025]
"""

from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from optbook import schedules

__all__ = ["StepLR", "MultiStepLR", "LinearLR", "WarmupCosineLR", "OneCycleLR",
           "ReduceLROnPlateau"]


def _per_group(name, optimizer, value):
    """One value per param group: a list as given, a single value repeated."""
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(f"expected {len(optimizer.param_groups)} values for {name}, "
                             f"got {len(value)}")
        return list(value)
    return [value] * len(optimizer.param_groups)


class _RuleScheduler(LRScheduler):
    """Sets each group's rate to its schedule at ``last_epoch``, from the group's base rate."""

    def _schedule(self, base_lr, group_index):
        """The rule of :mod:`optbook.schedules` for one param group."""
        raise NotImplementedError

    def get_lr(self):
        """The rate of each param group at step ``last_epoch``."""
        return [self._schedule(base_lr, i)(self.last_epoch)
                for i, base_lr in enumerate(self.base_lrs)]

    def _get_closed_form_lr(self):
        # torch's step(epoch) asks for this; every rate here is already a closed form.
        return self.get_lr()


class StepLR(_RuleScheduler):
    """Cut every group's rate by ``gamma`` every ``step_size`` steps.

    The rule is :func:`optbook.schedules.step_decay`.

    torch multiplies the current rate by ``gamma`` at each cut; here it is
    ``base_lr * gamma ** (t // step_size)``, torch's closed form.

    Args:
        optimizer: the optimizer whose param groups' ``lr`` are set.
        step_size: steps between two cuts.
        gamma: the factor of each cut.
        last_epoch: the last step taken, to resume a run (-1 to start).

    Examples:
        >>> import torch
        >>> optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
        >>> scheduler = StepLR(optimizer, step_size=2)
        >>> rates = []
        >>> for _ in range(5):
        ...     rates.append(scheduler.get_last_lr()[0])
        ...     optimizer.step()
        ...     scheduler.step()
        >>> rates
        [1.0, 1.0, 0.1, 0.1, 0.010000000000000002]
    """

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _schedule(self, base_lr, group_index):
        return schedules.step_decay(base_lr, self.step_size, self.gamma)


class MultiStepLR(_RuleScheduler):
    """Cut every group's rate by ``gamma`` at each milestone.

    The rule is :func:`optbook.schedules.multistep_decay`.

    Args:
        optimizer: the optimizer whose param groups' ``lr`` are set.
        milestones: the steps at which the rate is cut (one listed twice cuts twice).
        gamma: the factor of each cut.
        last_epoch: the last step taken, to resume a run (-1 to start).

    Examples:
        >>> import torch
        >>> optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.5)
        >>> scheduler = MultiStepLR(optimizer, milestones=[1, 3], gamma=0.5)
        >>> rates = []
        >>> for _ in range(4):
        ...     rates.append(scheduler.get_last_lr()[0])
        ...     optimizer.step()
        ...     scheduler.step()
        >>> rates
        [0.5, 0.25, 0.25, 0.125]
    """

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        self.milestones = sorted(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _schedule(self, base_lr, group_index):
        return schedules.multistep_decay(base_lr, self.milestones, self.gamma)


class LinearLR(_RuleScheduler):
    """Scale every group's rate by a factor going linearly from start_factor to end_factor.

    ``start_factor < 1 = end_factor`` is a linear warmup
    (:func:`optbook.schedules.linear_warmup`); ``start_factor = 1 > end_factor``
    a linear decay (:func:`optbook.schedules.linear_decay`, and torch's
    ``PolynomialLR`` with ``power=1`` when ``end_factor=0``). The rate is
    ``base_lr * (start + (end - start) * min(t, total_iters) / total_iters)``,
    torch's closed form to the last bit; torch's ``step()`` instead multiplies
    the current rate by the ratio of two consecutive factors.

    Args:
        optimizer: the optimizer whose param groups' ``lr`` are set.
        start_factor: the factor at step 0, in (0, 1].
        end_factor: the factor from step ``total_iters`` on, in [0, 1].
        total_iters: the number of steps of the line.
        last_epoch: the last step taken, to resume a run (-1 to start).

    Examples:
        >>> import torch
        >>> optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
        >>> scheduler = LinearLR(optimizer, start_factor=0.25, total_iters=3)
        >>> rates = []
        >>> for _ in range(5):
        ...     rates.append(scheduler.get_last_lr()[0])
        ...     optimizer.step()
        ...     scheduler.step()
        >>> rates
        [0.25, 0.5, 0.75, 1.0, 1.0]
    """

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5,
                 last_epoch=-1):
        if not 0 < start_factor <= 1:
            raise ValueError("Starting multiplicative factor expected to be greater than 0 "
                             "and less or equal to 1.")
        if not 0 <= end_factor <= 1:
            raise ValueError("Ending multiplicative factor expected to be between 0 and 1.")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def _schedule(self, base_lr, group_index):
        # The factor is the line from start_factor to end_factor; base_lr times it
        # is torch's closed form, operation for operation.
        factor = schedules.linear(self.start_factor, self.end_factor, self.total_iters)
        return lambda t: base_lr * factor(t)


class WarmupCosineLR(_RuleScheduler):
    """Linear warmup, then cosine decay to final_lr (:func:`optbook.schedules.warmup_cosine`).

    Each group's rate rises linearly from ``start_factor * base_lr`` to its
    base rate at step ``warmup_steps``, then follows half a cosine down to
    ``final_lr`` at step ``total_steps``, and stays there. Up to
    ``total_steps`` this is torch's::

        SequentialLR(optimizer,
                     [LinearLR(optimizer, start_factor, 1.0, warmup_steps),
                      CosineAnnealingLR(optimizer, total_steps - warmup_steps, final_lr)],
                     milestones=[warmup_steps])

    (torch's ``LinearLR`` needs ``start_factor > 0``; here 0 is allowed and
    is the default.) Past ``total_steps`` torch's cosine climbs again; this
    one stays at ``final_lr``. With ``warmup_steps=0`` it is
    ``CosineAnnealingLR(optimizer, T_max=total_steps, eta_min=final_lr)`` up to
    ``T_max``; torch computes that one recursively, dividing two small numbers
    near ``T_max``, and the two differ there by rounding only.

    Args:
        optimizer: the optimizer whose param groups' ``lr`` are set.
        warmup_steps: the length of the warmup (0 for none).
        total_steps: the step at which ``final_lr`` is reached.
        final_lr: the last rate: one for all groups, or a list with one per group.
        start_factor: the rate at step 0 is ``start_factor * base_lr``.
        last_epoch: the last step taken, to resume a run (-1 to start).

    Examples:
        >>> import torch
        >>> optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
        >>> scheduler = WarmupCosineLR(optimizer, warmup_steps=2, total_steps=4)
        >>> rates = []
        >>> for _ in range(6):
        ...     rates.append(round(scheduler.get_last_lr()[0], 6))
        ...     optimizer.step()
        ...     scheduler.step()
        >>> rates
        [0.0, 0.5, 1.0, 0.5, 0.0, 0.0]
    """

    def __init__(self, optimizer, warmup_steps, total_steps, final_lr=0.0, start_factor=0.0,
                 last_epoch=-1):
        if not 0 <= warmup_steps <= total_steps:
            raise ValueError(f"warmup_steps={warmup_steps} must be in "
                             f"[0, total_steps={total_steps}]")
        self.warmup_steps = warmup_steps
        self.total_steps = total_steps
        self.final_lrs = _per_group("final_lr", optimizer, final_lr)
        self.start_factor = start_factor
        super().__init__(optimizer, last_epoch)

    def _schedule(self, base_lr, group_index):
        return schedules.warmup_cosine(base_lr, self.warmup_steps, self.total_steps,
                                       final_lr=self.final_lrs[group_index],
                                       initial_lr=self.start_factor * base_lr)


class OneCycleLR(_RuleScheduler):
    """The 1cycle policy (:func:`optbook.schedules.one_cycle`), with momentum cycled against it.

    The same arguments, defaults and param-group keys (``initial_lr``,
    ``max_lr``, ``min_lr``, ``max_momentum``, ``base_momentum``) as torch's
    ``OneCycleLR``, whose arithmetic the rules repeat operation for operation:
    the rates and momenta agree to the last bit. ``step()`` past
    ``total_steps`` raises, as in torch. The rates are recomputed from
    ``max_lr`` and the two division factors, so editing a group's
    ``initial_lr`` or ``min_lr`` by hand has no effect here (it does in torch).

    Args:
        optimizer: the optimizer whose param groups' ``lr`` (and momentum) are set.
        max_lr: the peak rate, one for all groups or a list with one per group.
        total_steps: the number of steps of the cycle; or give ``epochs`` and
            ``steps_per_epoch``, whose product it then is.
        epochs, steps_per_epoch: see ``total_steps``.
        pct_start: the fraction of the cycle spent raising the rate.
        anneal_strategy: ``"cos"`` or ``"linear"``.
        cycle_momentum: also cycle the momentum (SGD's ``momentum``, Adam's
            ``betas[0]``) inversely to the rate.
        base_momentum, max_momentum: the momentum at the rate's peak, and at
            its ends (one value, or a list with one per group).
        div_factor: the first rate is ``max_lr / div_factor``.
        final_div_factor: the last rate is the first over ``final_div_factor``.
        three_phase: fall back to the first rate before annihilating it.
        last_epoch: the last step taken, to resume a run (-1 to start).

    Examples:
        >>> import torch
        >>> optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1,
        ...                             momentum=0.9)
        >>> scheduler = OneCycleLR(optimizer, max_lr=1.0, total_steps=10, div_factor=10.0)
        >>> round(scheduler.get_last_lr()[0], 6), optimizer.param_groups[0]["momentum"]
        (0.1, 0.95)
        >>> for _ in range(2):
        ...     optimizer.step()
        ...     scheduler.step()
        >>> round(scheduler.get_last_lr()[0], 6), round(optimizer.param_groups[0]["momentum"], 6)
        (1.0, 0.85)
    """

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None,
                 pct_start=0.3, anneal_strategy="cos", cycle_momentum=True,
                 base_momentum=0.85, max_momentum=0.95, div_factor=25.0,
                 final_div_factor=1e4, three_phase=False, last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        if total_steps is None:
            if epochs is None or steps_per_epoch is None:
                raise ValueError("You must define either total_steps "
                                 "OR (epochs AND steps_per_epoch)")
            total_steps = epochs * steps_per_epoch
        self.total_steps = total_steps
        self.pct_start = pct_start
        self.anneal_strategy = anneal_strategy
        self.div_factor = div_factor
        self.final_div_factor = final_div_factor
        self.three_phase = three_phase
        self.cycle_momentum = cycle_momentum
        # Builds a rule once, so bad arguments raise here rather than at the first step.
        schedules.one_cycle(1.0, total_steps, pct_start, anneal_strategy)
        groups = optimizer.param_groups
        if last_epoch == -1:
            for group, peak in zip(groups, _per_group("max_lr", optimizer, max_lr)):
                group["initial_lr"] = peak / div_factor
                group["max_lr"] = peak
                group["min_lr"] = group["initial_lr"] / final_div_factor
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError("optimizer must support momentum or beta1 with "
                                 "`cycle_momentum` option enabled")
            self.use_beta1 = "betas" in optimizer.defaults
            if last_epoch == -1:
                for group, high, low in zip(
                        groups, _per_group("max_momentum", optimizer, max_momentum),
                        _per_group("base_momentum", optimizer, base_momentum)):
                    group["max_momentum"], group["base_momentum"] = high, low
                    self._set_momentum(group, high)
        super().__init__(optimizer, last_epoch)

    def _set_momentum(self, group, value):
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def _schedule(self, base_lr, group_index):
        group = self.optimizer.param_groups[group_index]
        return schedules.one_cycle(group["max_lr"], self.total_steps, self.pct_start,
                                   self.anneal_strategy, self.div_factor,
                                   self.final_div_factor, self.three_phase)

    def get_lr(self):
        """The rate of each param group at ``last_epoch``; sets the momentum too, as torch does."""
        if self.cycle_momentum:
            for group in self.optimizer.param_groups:
                momentum = schedules.one_cycle_momentum(
                    self.total_steps, group["base_momentum"], group["max_momentum"],
                    self.pct_start, self.anneal_strategy, self.three_phase)
                self._set_momentum(group, momentum(self.last_epoch))
        return super().get_lr()


class ReduceLROnPlateau(LRScheduler):
    """Cut the rates once a metric stops improving (:class:`optbook.schedules.ReduceOnPlateau`).

    ``step(metric)`` takes the monitored quantity (a validation loss, say).
    The decision is the rule's, taken once for all groups; each group's rate
    is then cut with its own ``min_lr``, as in torch.

    Args:
        optimizer: the optimizer whose param groups' ``lr`` are cut.
        mode: ``"min"`` if a lower metric is better, ``"max"`` if higher is.
        factor: the factor of each cut, below 1.
        patience: how many steps without improvement are tolerated.
        threshold: how much better than the best a metric must be to count.
        threshold_mode: ``"rel"`` (relative to the best) or ``"abs"``.
        cooldown: steps after a cut during which no bad step is counted.
        min_lr: the lowest rate, one for all groups or a list with one per group.
        eps: a cut smaller than this is skipped.

    Examples:
        >>> import torch
        >>> optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
        >>> scheduler = ReduceLROnPlateau(optimizer, factor=0.5, patience=1)
        >>> for loss in [3.0, 2.0, 2.0, 2.0]:
        ...     optimizer.step()
        ...     scheduler.step(loss)
        >>> scheduler.get_last_lr()
        [0.5]
    """

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4,
                 threshold_mode="rel", cooldown=0, min_lr=0, eps=1e-8):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        self.rule = schedules.ReduceOnPlateau(
            None, mode=mode, factor=factor, patience=patience, threshold=threshold,
            threshold_mode=threshold_mode, cooldown=cooldown, eps=eps)
        self.default_min_lr = None if isinstance(min_lr, (list, tuple)) else min_lr
        self.min_lrs = _per_group("min_lr", optimizer, min_lr)
        self.last_epoch = 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def step(self, metrics, epoch=None):
        """Record one step's metric, and cut every group's rate if it has plateaued."""
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch
        if self.rule.plateaued(float(metrics)):
            groups = self.optimizer.param_groups
            if len(groups) != len(self.min_lrs):  # a group was added since
                if self.default_min_lr is None:
                    raise RuntimeError(f"{len(groups)} param groups but {len(self.min_lrs)} "
                                       "min_lrs: set min_lrs to one per group")
                self.min_lrs = [self.default_min_lr] * len(groups)
            for group, min_lr in zip(groups, self.min_lrs):
                group["lr"] = self.rule.reduced(float(group["lr"]), min_lr)
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self):
        """Plain numbers only: the rule's state is stored as a dict."""
        state = {key: value for key, value in self.__dict__.items()
                 if key not in ("optimizer", "rule")}
        state["rule"] = dict(vars(self.rule))
        return state

    def load_state_dict(self, state_dict):
        """Restore what :meth:`state_dict` saved."""
        state = dict(state_dict)
        rule_state = state.pop("rule")
        self.__dict__.update(state)
        self.rule = schedules.ReduceOnPlateau()
        vars(self.rule).update(rule_state)
