"""Repeat an experiment over seeds, so that comparisons report mean and spread.

One run of an optimizer proves little: the initial weights, the minibatch
order and the data drawn all move the result. :func:`run_seeds` trains a
fresh network once per seed and collects the final numbers;
:func:`tune_lr` picks a learning rate on seeds kept apart from the ones
reported; :func:`summary_rows` formats "mean ± std" rows for
:func:`html_table`.

Example::

    import functools, torch
    from optbook import experiments
    adam = functools.partial(torch.optim.Adam, lr=1e-2)
    runs = experiments.run_seeds(adam, experiments.sparse_data, seeds=range(10))
    experiments.mean_std(runs.test_accuracy)   # (mean, standard deviation)
"""

import html
from typing import NamedTuple

import numpy as np
import torch

from .data import sparse_classification
from .train import fit_classifier, mlp


class SeedRuns(NamedTuple):
    """The outcome of one optimizer over several seeds, one entry per seed."""

    seeds: list
    train_loss: list       # training loss of the last epoch
    test_accuracy: list    # test accuracy after the last epoch
    histories: list        # the full ClassifierHistory of each run


def sparse_data(seed, n=1000, d=100, sparsity=0.95, test_fraction=0.25):
    """:func:`optbook.data.sparse_classification` split into (X_train, y_train, X_test, y_test)."""
    features, labels = sparse_classification(n=n, d=d, sparsity=sparsity, seed=seed)
    n_train = n - int(round(n * test_fraction))
    return features[:n_train], labels[:n_train], features[n_train:], labels[n_train:]


def run_seeds(make_optimizer, data, seeds=range(10), *, hidden=32, epochs=10,
              batch_size=32, make_model=None, threads=1):
    """Train a fresh model for each seed with ``make_optimizer(model.parameters())``.

    ``data`` is a tuple (X_train, y_train, X_test, y_test) shared by every
    seed, or a function ``seed -> tuple`` such as :func:`sparse_data`, which
    draws a new data set per seed. The seed also sets the initial weights and
    the minibatch order. ``make_model(seed, inputs, classes)`` replaces the
    default one-hidden-layer network :func:`optbook.train.mlp`. Small
    networks run fastest on one thread (more threads mostly wait on each
    other on a busy machine), so ``threads`` is set for the duration.
    """
    runs = SeedRuns([], [], [], [])
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        _run_each(make_optimizer, data, seeds, runs, hidden, epochs, batch_size, make_model)
    finally:
        torch.set_num_threads(previous_threads)
    return runs


def _run_each(make_optimizer, data, seeds, runs, hidden, epochs, batch_size, make_model):
    for seed in seeds:
        split = data(seed) if callable(data) else data
        inputs, classes = split[0].shape[1], int(split[1].max()) + 1
        model = (make_model(seed, inputs, classes) if make_model
                 else mlp(inputs, hidden, classes, seed=seed))
        history = fit_classifier(model, make_optimizer(model.parameters()), split,
                                 epochs=epochs, batch_size=batch_size, seed=seed)
        runs.seeds.append(seed)
        runs.train_loss.append(history.train_loss[-1])
        runs.test_accuracy.append(history.test_accuracy[-1])
        runs.histories.append(history)


def mean_std(values):
    """(mean, sample standard deviation) of a list of numbers, as floats."""
    values = np.asarray(values, dtype=float)
    spread = values.std(ddof=1) if len(values) > 1 else 0.0
    return float(values.mean()), float(spread)


def tune_lr(make_optimizer, lrs, data, seeds=(100, 101), **run_options):
    """The learning rate with the lowest mean final training loss on ``seeds``.

    ``make_optimizer(params, lr=...)`` builds the optimizer, for example
    ``functools.partial(torch.optim.SGD, momentum=0.9)``. Keep these seeds
    apart from the ones you report. Returns (best_lr, {lr: mean loss}).
    """
    scores = {}
    for lr in lrs:
        runs = run_seeds(lambda params, lr=lr: make_optimizer(params, lr=lr), data,
                         seeds, **run_options)
        loss = mean_std(runs.train_loss)[0]
        scores[lr] = loss if np.isfinite(loss) else float("inf")
    return min(scores, key=scores.get), scores


HEADER = ("optimizer", "final training loss", "test accuracy")


def summary_rows(results, digits=3):
    """{name: SeedRuns} -> rows [name, "loss mean ± std", "accuracy mean ± std"]."""
    rows = []
    for name, runs in results.items():
        cells = [f"{m:.{digits}f} ± {s:.{digits}f}"
                 for m, s in (mean_std(runs.train_loss), mean_std(runs.test_accuracy))]
        rows.append([name, *cells])
    return rows


def html_table(header, rows):
    """A plain HTML table (myst-nb renders HTML output but not Markdown tables).

    For seed results: ``html_table(HEADER, summary_rows(results))``; wrap the
    string in ``IPython.display.HTML`` to show it.
    """
    escape = html.escape
    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
