"""Training loops: from scratch (d2l's train_ch11) and concise (torch.optim).

Both airfoil loops keep d2l's signatures and return a :class:`LossCurve`, a
pair (times, losses) that unpacks like d2l's result; they draw the curve
unless ``plot=False``. :func:`fit_classifier` trains any model with any
optimizer on a classification problem, for the chapters' comparisons.
"""

from typing import NamedTuple

import torch
from torch import nn

from .plotting import Animator, Timer


class LossCurve(NamedTuple):
    """Cumulative seconds and the full-data loss, recorded every 200 examples."""

    times: list
    losses: list


def linreg(X, w, b):
    """The linear regression model."""
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    """Half the squared error, per example."""
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def evaluate_loss(net, data_iter, loss):
    """The mean loss of ``net`` over a whole data set."""
    total, count = 0.0, 0
    with torch.no_grad():
        for X, y in data_iter:
            out = net(X)
            total += float(loss(out, y.reshape(out.shape)).sum())
            count += y.numel()
    return total / count


def _record_every_200(data_iter, num_epochs, step, evaluate, plot):
    """The loop the two airfoil trainers share: step, and record every 200 examples."""
    animator = Animator(xlabel="epoch", ylabel="loss", xlim=[0, num_epochs],
                        ylim=[0.22, 0.35])
    n, timer, times = 0, Timer(), []
    for _ in range(num_epochs):
        for X, y in data_iter:
            step(X, y)
            n += X.shape[0]
            if n % 200 == 0:
                timer.stop()
                animator.add(n / X.shape[0] / len(data_iter), (evaluate(),))
                times.append(timer.sum())
                timer.start()
    losses = animator.Y[0]
    print(f"loss: {losses[-1]:.3f}, {timer.sum() / num_epochs:.3f} sec/epoch")
    if plot:
        animator.show()
    return LossCurve(times, losses)


def train_ch11(trainer_fn, states, hyperparams, data_iter, feature_dim, num_epochs=2,
               *, plot=True):
    """Train linear regression with a from-scratch ``trainer_fn(params, states, hyperparams)``."""
    w = torch.normal(mean=0.0, std=0.01, size=(feature_dim, 1), requires_grad=True)
    b = torch.zeros((1,), requires_grad=True)

    def net(X):
        return linreg(X, w, b)

    def step(X, y):
        squared_loss(net(X), y).mean().backward()
        trainer_fn([w, b], states, hyperparams)

    return _record_every_200(data_iter, num_epochs, step,
                             lambda: evaluate_loss(net, data_iter, squared_loss), plot)


def train_concise_ch11(trainer_fn, hyperparams, data_iter, num_epochs=4, *, plot=True):
    """Train linear regression with an optimizer class, e.g. torch.optim.Adagrad."""
    feature_dim = data_iter.dataset.tensors[0].shape[1]
    net = nn.Sequential(nn.Linear(feature_dim, 1))
    nn.init.normal_(net[0].weight, std=0.01)
    optimizer = trainer_fn(net.parameters(), **hyperparams)
    loss = nn.MSELoss(reduction="none")

    def step(X, y):
        optimizer.zero_grad()
        out = net(X)
        loss(out, y.reshape(out.shape)).mean().backward()
        optimizer.step()

    return _record_every_200(data_iter, num_epochs, step,
                             lambda: evaluate_loss(net, data_iter, loss) / 2, plot)


class ClassifierHistory(NamedTuple):
    """Per-epoch training loss and test accuracy."""

    train_loss: list
    test_accuracy: list


def accuracy(model, X, y):
    """The fraction of examples whose highest score is the true class."""
    with torch.no_grad():
        return float((model(X).argmax(dim=1) == y).float().mean())


def fit_classifier(model, optimizer, data, epochs=10, batch_size=32, seed=0):
    """Train ``model`` with cross-entropy; ``data`` is (X_train, y_train, X_test, y_test).

    The minibatch order is drawn from ``seed``, so a run is repeatable.
    """
    X_train, y_train, X_test, y_test = data
    generator = torch.Generator().manual_seed(seed)
    loss_fn = nn.CrossEntropyLoss()
    history = ClassifierHistory([], [])
    for _ in range(epochs):
        order = torch.randperm(len(X_train), generator=generator)
        total = 0.0
        for batch in order.split(batch_size):
            optimizer.zero_grad()
            loss = loss_fn(model(X_train[batch]), y_train[batch])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        history.train_loss.append(total / len(X_train))
        history.test_accuracy.append(accuracy(model, X_test, y_test))
    return history


def mlp(inputs, hidden, outputs, seed=0):
    """A one-hidden-layer ReLU network with seeded initial weights."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(inputs, hidden), nn.ReLU(), nn.Linear(hidden, outputs))
