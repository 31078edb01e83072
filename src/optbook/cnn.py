"""A small convolutional network on the 8x8 digits, and a trainer for many of them at once.

:func:`cnn` is the network: two 3x3 convolutions with ReLU and 2x2 max
pooling, then a linear layer to the ten classes. It is small enough that one
training step is mostly Python and kernel-launch overhead, so comparing
schedules over seeds one network at a time would take minutes.
:class:`CNNStack` holds several such networks, each with its own weights,
and computes them together as one network with grouped convolutions: the
arithmetic of each is unchanged, only the overhead is shared. The tests check
that it gives the same losses as the networks trained one at a time.

:func:`train_stack` trains the stack with Adam (the update of
:func:`optbook.rules.adam`), each network with its own seed (initial weights
and minibatch order) and its own learning-rate schedule, a function of the
step from :mod:`optbook.schedules` or a :class:`optbook.schedules.ReduceOnPlateau`
fed the validation loss after every epoch. Optionally each network's gradient
is clipped by its global norm (:func:`optbook.clipping.clip_by_global_norm`).

Example::

    from optbook import cnn, schedules
    split = cnn.digit_splits()
    runs = cnn.train_stack([schedules.constant(3e-3)] * 3, seeds=[0, 1, 2], split=split)
    runs.test_accuracy          # one per network
"""

from typing import NamedTuple

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from . import clipping, rules
from .data import digits
from .schedules import ReduceOnPlateau


def digit_splits(validation_fraction=0.2, seed=0):
    """The 8x8 digits as images: (X_train, y_train, X_val, y_val, X_test, y_test).

    The test set is :func:`optbook.data.digits`' quarter; the validation set is
    a fixed ``validation_fraction`` of the rest. Images have shape (n, 8, 8).
    """
    X_train, y_train, X_test, y_test = digits(test_fraction=0.25, seed=seed)
    order = torch.randperm(len(X_train), generator=torch.Generator().manual_seed(seed))
    n_val = int(round(validation_fraction * len(X_train)))
    val, train = order[:n_val], order[n_val:]
    as_images = lambda X: X.reshape(-1, 8, 8)  # noqa: E731
    return (as_images(X_train[train]), y_train[train], as_images(X_train[val]), y_train[val],
            as_images(X_test), y_test)


def cnn(seed=0, channels=(8, 16), classes=10):
    """conv 3x3 - ReLU - max pool 2x2, twice, then a linear layer; input (n, 1, 8, 8)."""
    torch.manual_seed(seed)
    c1, c2 = channels
    return nn.Sequential(nn.Conv2d(1, c1, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(4 * c2, classes))


class CNNStack(nn.Module):
    """The networks ``cnn(seed)`` for several seeds, computed as one grouped network.

    Input (batch, networks, 8, 8): network ``s`` sees channel ``s``. Output
    (batch, networks, classes). Every parameter's first dimension is split
    evenly between the networks, so ``p.view(networks, -1)[s]`` is network
    ``s``'s part of it.
    """

    def __init__(self, seeds, channels=(8, 16), classes=10):
        super().__init__()
        nets = [cnn(seed, channels, classes) for seed in seeds]
        n, (c1, c2) = len(nets), channels
        self.networks, self.c2 = n, c2
        self.conv1 = nn.Conv2d(n, n * c1, 3, padding=1, groups=n)
        self.conv2 = nn.Conv2d(n * c1, n * c2, 3, padding=1, groups=n)
        self.weight = nn.Parameter(torch.stack([net[-1].weight.T for net in nets]).detach())
        self.bias = nn.Parameter(torch.stack([net[-1].bias for net in nets]).detach())
        with torch.no_grad():  # start from the seeds' own networks
            for mine, index in ((self.conv1, 0), (self.conv2, 3)):
                mine.weight.copy_(torch.cat([net[index].weight for net in nets]))
                mine.bias.copy_(torch.cat([net[index].bias for net in nets]))

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.conv1(x)), 2)
        h = F.max_pool2d(F.relu(self.conv2(h)), 2)
        h = h.reshape(len(x), self.networks, 4 * self.c2)
        return torch.einsum("bsi,sio->bso", h, self.weight) + self.bias


class StackRuns(NamedTuple):
    """One list per network: per-epoch curves, per-step losses and rates, final results."""

    train_loss: list     # per network: the mean training loss of each epoch
    val_loss: list       # per network: the validation loss after each epoch
    test_accuracy: list  # per network: the test accuracy at the end
    step_loss: list      # per network: the minibatch loss of every step
    lrs: list            # per network: the learning rate of every step
    grad_norm: list      # per network: the gradient norm of every step (before clipping)


@torch.no_grad()
def _evaluate(model, X, y):
    """Per network: (loss, accuracy) on all of X."""
    x = X.unsqueeze(1).expand(-1, model.networks, -1, -1)
    out = model(x)
    loss = F.cross_entropy(out.reshape(-1, out.shape[-1]), y.repeat_interleave(model.networks),
                           reduction="none").view(len(X), -1).mean(0)
    accuracy = (out.argmax(-1) == y[:, None]).float().mean(0)
    return loss.tolist(), accuracy.tolist()


def train_stack(schedules, seeds, split, *, epochs=10, batch_size=32, channels=(8, 16),
                betas=(0.9, 0.999), eps=1e-8, max_norm=None, spike=None, threads=1):
    """Train ``cnn(seed)`` for each seed with Adam and its own schedule, all at once.

    Args:
        schedules: one per network: a function of the step t = 0, 1, ... giving
            the rate, or a :class:`ReduceOnPlateau` holding the rate, fed the
            validation loss after every epoch.
        seeds: one per network: the initial weights and the minibatch order.
        split: (X_train, y_train, X_val, y_val, X_test, y_test), e.g. :func:`digit_splits`.
        epochs, batch_size: the length of the run and the minibatch size.
        max_norm: clip each network's gradient to this global norm (None: no clipping).
        spike: (step, factor): at that step every gradient is multiplied by
            ``factor``, a batch gone wrong.
        threads: torch's threads for the duration (small networks run best on one).

    Returns:
        :class:`StackRuns`.
    """
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        return _train(list(schedules), list(seeds), split, epochs, batch_size, channels,
                      betas, eps, max_norm, spike)
    finally:
        torch.set_num_threads(previous_threads)


def _train(schedules, seeds, split, epochs, batch_size, channels, betas, eps, max_norm, spike):
    X_train, y_train, X_val, y_val, X_test, y_test = split
    n = len(seeds)
    if len(schedules) != n:
        raise ValueError(f"{len(schedules)} schedules for {n} seeds")
    model = CNNStack(seeds, channels)
    params = list(model.parameters())
    state = [(torch.zeros_like(p), torch.zeros_like(p)) for p in params]
    generators = [torch.Generator().manual_seed(seed) for seed in seeds]
    runs = StackRuns(*([[] for _ in range(n)] for _ in range(2)), [],
                     *([[] for _ in range(n)] for _ in range(3)))
    plateau_lrs = [s.lr if isinstance(s, ReduceOnPlateau) else None for s in schedules]
    t, step_losses, step_norms = 0, [], []
    for _ in range(epochs):
        orders = torch.stack([torch.randperm(len(X_train), generator=g) for g in generators], 1)
        totals = torch.zeros(n)
        for batch in orders.split(batch_size):  # batch: (b, networks) example indices
            lrs = [plateau_lrs[s] if plateau_lrs[s] is not None else schedules[s](t)
                   for s in range(n)]
            out = model(X_train[batch])
            losses = F.cross_entropy(out.reshape(-1, out.shape[-1]), y_train[batch].reshape(-1),
                                     reduction="none").view(batch.shape).mean(0)
            scale = spike[1] if spike is not None and t == spike[0] else 1.0
            for p in params:
                p.grad = None
            (scale * losses.sum()).backward()
            grads = [p.grad.view(n, -1) for p in params]  # row s: network s
            norms = torch.stack([g.pow(2).sum(1) for g in grads]).sum(0).sqrt()
            if max_norm is not None:
                for s in range(n):
                    clipping.clip_by_global_norm([g[s] for g in grads], max_norm)
            rate = torch.tensor(lrs, dtype=params[0].dtype)
            with torch.no_grad():
                for p, (m, v) in zip(params, state):
                    step = torch.zeros_like(p)
                    rules.adam(step, p.grad, m, v, step=t + 1, lr=1.0, beta1=betas[0],
                               beta2=betas[1], eps=eps)
                    p.add_((step.view(n, -1) * rate[:, None]).view_as(p))
            totals += losses.detach() * len(batch)
            step_losses.append(losses.detach())
            step_norms.append(norms)
            for s in range(n):
                runs.lrs[s].append(lrs[s])
            t += 1
        val_loss, _ = _evaluate(model, X_val, y_val)
        for s in range(n):
            runs.train_loss[s].append(float(totals[s]) / len(X_train))
            runs.val_loss[s].append(val_loss[s])
            if plateau_lrs[s] is not None:
                plateau_lrs[s] = schedules[s](val_loss[s])
    for s, (losses, norms) in enumerate(zip(torch.stack(step_losses, 1).tolist(),
                                            torch.stack(step_norms, 1).tolist())):
        runs.step_loss[s].extend(losses)
        runs.grad_norm[s].extend(norms)
    _, accuracy = _evaluate(model, X_test, y_test)
    runs.test_accuracy.extend(accuracy)
    return runs


def final(runs, field="train_loss"):
    """The last value of a per-epoch field, one per network (a list of floats)."""
    return [float(np.asarray(curve)[-1]) for curve in getattr(runs, field)]
