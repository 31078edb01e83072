"""d2l's learning-rate schedulers, computed by the rules of :mod:`optbook.schedules`.

d2l's section "Learning Rate Scheduling" (chapter 12.11 of d2l 1.0.3) defines
these classes in the book's text, not in the ``d2l`` package. They keep d2l's
signatures, attribute names and call convention: ``scheduler(num_update)``
returns the learning rate for that update. Called as d2l calls them (once per
update, with 0, 1, 2, ...) they give d2l's rates: exactly for
:class:`SquareRootScheduler` and :class:`CosineScheduler`, and to rounding for
the other two, which d2l computes by repeated multiplication.

Two of d2l's classes carry state, and so do these:

- :class:`FactorScheduler` ignores ``num_update``: every call is one more cut.
- d2l's ``CosineScheduler`` returns, past ``max_update``, whatever it computed
  last; this one returns ``final_lr``, which is the same once a run has passed
  through ``max_update``.

Examples:
    >>> scheduler = CosineScheduler(max_update=20, warmup_steps=5, base_lr=0.3, final_lr=0.01)
    >>> [round(scheduler(t), 4) for t in (0, 1, 5, 12, 20, 25)]
    [0.0, 0.06, 0.3, 0.1702, 0.01, 0.01]
"""

from optbook import schedules

__all__ = ["SquareRootScheduler", "FactorScheduler", "MultiFactorScheduler", "CosineScheduler"]


class SquareRootScheduler:
    """eta = lr * (num_update + 1) ** -0.5 (:func:`optbook.schedules.inverse_sqrt`).

    Args:
        lr: the rate of update 0.

    Examples:
        >>> scheduler = SquareRootScheduler(lr=1.0)
        >>> [scheduler(t) for t in (0, 3, 8)]
        [1.0, 0.5, 0.3333333333333333]
    """

    def __init__(self, lr=0.1):
        self.lr = lr

    def __call__(self, num_update):
        return schedules.inverse_sqrt(self.lr)(num_update)


class FactorScheduler:
    """Multiply the rate by ``factor`` at every call, down to ``stop_factor_lr``.

    As in d2l, ``num_update`` is not used: the n-th call returns
    ``max(stop_factor_lr, base_lr * factor ** n)``
    (:func:`optbook.schedules.geometric_decay`), and ``base_lr`` holds the
    last rate returned. d2l multiplies the previous rate instead, which
    differs by rounding only, and (for ``factor > 1`` with a ``base_lr``
    below the floor) by starting the growth from the floor.

    Args:
        factor: the factor of each call.
        stop_factor_lr: the floor of the rate.
        base_lr: the rate before the first call.

    Examples:
        >>> scheduler = FactorScheduler(factor=0.5, stop_factor_lr=0.3, base_lr=2.0)
        >>> [scheduler(t) for t in range(4)]
        [1.0, 0.5, 0.3, 0.3]
    """

    def __init__(self, factor=1, stop_factor_lr=1e-7, base_lr=0.1):
        self.factor = factor
        self.stop_factor_lr = stop_factor_lr
        self.base_lr = base_lr
        self._decay = schedules.geometric_decay(base_lr, factor, stop_factor_lr)
        self._calls = 0

    def __call__(self, num_update):
        self._calls += 1  # d2l's scheduler counts its calls, not num_update
        self.base_lr = self._decay(self._calls)
        return self.base_lr


class MultiFactorScheduler:
    """Multiply the rate by ``factor`` at each update listed in ``step``.

    The rule is :func:`optbook.schedules.multistep_decay`.

    The class of d2l's TensorFlow version of the section (its PyTorch version
    uses torch's ``MultiStepLR``, which gives the same rates). MXNet's
    built-in ``MultiFactorScheduler``, in the MXNet version, cuts one update
    later (``num_update > step``).

    Args:
        step: the updates at which the rate is cut.
        factor: the factor of each cut.
        base_lr: the rate before the first cut.

    Examples:
        >>> scheduler = MultiFactorScheduler(step=[2, 4], factor=0.5, base_lr=1.0)
        >>> [scheduler(t) for t in range(6)]
        [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(self, step, factor, base_lr):
        self.step = step
        self.factor = factor
        self.base_lr = base_lr
        self._schedule = schedules.multistep_decay(base_lr, step, factor)

    def __call__(self, epoch):
        return self._schedule(epoch)


class CosineScheduler:
    """Linear warmup from warmup_begin_lr to base_lr, then cosine decay to final_lr at max_update.

    :func:`optbook.schedules.warmup_cosine`, with d2l's arguments: the rate
    is ``warmup_begin_lr`` at update 0, ``base_lr`` at ``warmup_steps`` and
    ``final_lr`` from ``max_update`` on. The arithmetic is d2l's, so the rates
    are d2l's to the last bit.

    Args:
        max_update: the update at which ``final_lr`` is reached.
        base_lr: the peak rate, at the end of the warmup.
        final_lr: the rate from ``max_update`` on.
        warmup_steps: the length of the warmup (0 for none).
        warmup_begin_lr: the rate at update 0 when there is a warmup.

    Examples:
        >>> scheduler = CosineScheduler(max_update=20, base_lr=0.3, final_lr=0.01)
        >>> [round(scheduler(t), 4) for t in (0, 10, 20, 30)]
        [0.3, 0.155, 0.01, 0.01]
    """

    def __init__(self, max_update, base_lr=0.01, final_lr=0,
                 warmup_steps=0, warmup_begin_lr=0):
        self.base_lr_orig = base_lr
        self.max_update = max_update
        self.final_lr = final_lr
        self.warmup_steps = warmup_steps
        self.warmup_begin_lr = warmup_begin_lr
        self.max_steps = self.max_update - self.warmup_steps
        self._schedule = schedules.warmup_cosine(base_lr, warmup_steps, max_update,
                                                 final_lr=final_lr, initial_lr=warmup_begin_lr)

    def get_warmup_lr(self, epoch):
        """The rate at an update ``epoch`` of the warmup."""
        return schedules.linear_warmup(self.base_lr_orig, self.warmup_steps,
                                       self.warmup_begin_lr)(epoch)

    def __call__(self, epoch):
        rate = self._schedule(epoch)
        if epoch >= self.warmup_steps:
            self.base_lr = rate  # d2l keeps the last rate past the warmup in base_lr
        return rate
