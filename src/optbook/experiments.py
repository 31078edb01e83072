"""Repeat an experiment over seeds, so that comparisons report mean and spread.

One run of an optimizer proves little: the initial weights, the minibatch
order and the data drawn all move the result. :func:`run_seeds` trains a
fresh network once per seed and collects the final numbers;
:func:`tune_lr` picks a learning rate on seeds kept apart from the ones
reported; :func:`summary_rows` formats "mean ± std" rows for
:func:`html_table`. :func:`sparse_data` draws features whose frequencies
follow Zipf's law, and :func:`by_band` scores a trained model separately on
the examples of common, middle and rare features.

Example::

    import functools, torch
    from optbook import experiments
    adam = functools.partial(torch.optim.Adam, lr=1e-2)
    runs = experiments.run_seeds(adam, experiments.sparse_data, seeds=range(10))
    experiments.mean_std(runs.test_accuracy)   # (mean, standard deviation)
"""

import html
import math
from typing import NamedTuple

import numpy as np
import torch

from .data import sparse_classification, zipf_frequencies
from .train import fit_classifier, mlp


class SeedRuns(NamedTuple):
    """The outcome of one optimizer over several seeds, one entry per seed."""

    seeds: list
    train_loss: list       # training loss of the last epoch
    test_accuracy: list    # test accuracy after the last epoch
    histories: list        # the full ClassifierHistory of each run
    measures: list         # what ``measure(model, split)`` returned, if given


# Frequency bands of the features of :func:`sparse_data`, as (first, last + 1)
# positions: features are numbered from the most frequent to the rarest.
BANDS = {"common": (0, 10), "middle": (10, 40), "rare": (40, 100)}


def sparse_data(seed, n=1000, d=100, exponent=1.0, highest=0.5, sparsity=None,
                test_fraction=0.25):
    """Sparse classification data, split into (X_train, y_train, X_test, y_test).

    Feature j (from 1) is present with probability ``highest / j**exponent``
    (:func:`optbook.data.zipf_frequencies`), from every second example down to
    one in two hundred with the defaults. Give ``sparsity`` instead for the
    older data in which every feature is zero with that same probability.
    """
    frequencies = None if sparsity is not None else zipf_frequencies(d, exponent, highest)
    features, labels = sparse_classification(n=n, d=d, sparsity=sparsity, seed=seed,
                                              frequencies=frequencies)
    n_train = n - int(round(n * test_fraction))
    return features[:n_train], labels[:n_train], features[n_train:], labels[n_train:]


def rarest_feature(features):
    """The position of each example's rarest non-zero feature (the last one), -1 if none."""
    present = features != 0
    positions = torch.arange(features.shape[1]).expand_as(present)
    return torch.where(present, positions, -1).max(dim=1).values


def by_band(model, split, bands=BANDS):
    """Training loss and test accuracy on the examples of each frequency band.

    An example belongs to the band of its rarest feature, so "rare" collects
    the examples that contain at least one rare feature. Returns
    ``{"train loss": {band: value}, "test accuracy": {band: value}}``; use it
    as ``run_seeds(..., measure=by_band)``.
    """
    X_train, y_train, X_test, y_test = split
    result = {"train loss": {}, "test accuracy": {}}
    with torch.no_grad():
        train_loss = torch.nn.functional.cross_entropy(model(X_train), y_train,
                                                       reduction="none")
        correct = (model(X_test).argmax(dim=1) == y_test).float()
    train_rarest, test_rarest = rarest_feature(X_train), rarest_feature(X_test)
    for band, (first, stop) in bands.items():
        in_train = (train_rarest >= first) & (train_rarest < stop)
        in_test = (test_rarest >= first) & (test_rarest < stop)
        result["train loss"][band] = float(train_loss[in_train].mean())
        result["test accuracy"][band] = float(correct[in_test].mean())
    return result


def band_means(runs, metric):
    """{band: (mean, std)} over the seeds of ``runs`` (from ``run_seeds(..., measure=by_band)``)."""
    bands = runs.measures[0][metric]
    return {band: mean_std([m[metric][band] for m in runs.measures]) for band in bands}


def run_seeds(make_optimizer, data, seeds=range(10), *, hidden=32, epochs=10,
              batch_size=32, make_model=None, threads=1, measure=None):
    """Train a fresh model for each seed with ``make_optimizer(model.parameters())``.

    ``data`` is a tuple (X_train, y_train, X_test, y_test) shared by every
    seed, or a function ``seed -> tuple`` such as :func:`sparse_data`, which
    draws a new data set per seed. The seed also sets the initial weights and
    the minibatch order. ``make_model(seed, inputs, classes)`` replaces the
    default one-hidden-layer network :func:`optbook.train.mlp`. Small
    networks run fastest on one thread (more threads mostly wait on each
    other on a busy machine), so ``threads`` is set for the duration.
    ``measure(model, split)``, if given, scores each trained model (for
    example :func:`by_band`), and its results land in ``runs.measures``.
    """
    runs = SeedRuns([], [], [], [], [])
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        _run_each(make_optimizer, data, seeds, runs, hidden, epochs, batch_size, make_model,
                  measure)
    finally:
        torch.set_num_threads(previous_threads)
    return runs


def _run_each(make_optimizer, data, seeds, runs, hidden, epochs, batch_size, make_model,
              measure):
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
        if measure is not None:
            runs.measures.append(measure(model, split))


def mean_std(values):
    """(mean, sample standard deviation) of a list of numbers, as floats."""
    values = np.asarray(values, dtype=float)
    spread = values.std(ddof=1) if len(values) > 1 else 0.0
    return float(values.mean()), float(spread)


def tune_lr(make_optimizer, lrs, data, seeds=(100, 101), *, runner=None, **run_options):
    """The learning rate with the lowest mean final training loss on ``seeds``.

    ``make_optimizer(params, lr=...)`` builds the optimizer, for example
    ``functools.partial(torch.optim.SGD, momentum=0.9)``. Keep these seeds
    apart from the ones you report. ``runner`` is :func:`run_seeds` unless
    given (e.g. :func:`regression_seeds`). Returns (best_lr, {lr: mean loss}).
    """
    runner = runner or run_seeds
    scores = {}
    for lr in lrs:
        runs = runner(lambda params, lr=lr: make_optimizer(params, lr=lr), data,
                      seeds, **run_options)
        loss = mean_std(runs.train_loss)[0]
        scores[lr] = loss if np.isfinite(loss) else float("inf")
    return min(scores, key=scores.get), scores


def lr_grid(center, rungs=2):
    """Learning rates on the ladder ..., 0.01, 0.03, 0.1, 0.3, 1, 3, ... around ``center``.

    The ladder's steps are factors of about 3; the grid is ``center`` (a rung,
    or rounded to the nearest one) and ``rungs`` rungs either side:
    ``lr_grid(0.03) == [0.003, 0.01, 0.03, 0.1, 0.3]``.
    """
    middle = round(2 * math.log10(center))
    return [float(f"{1 if rung % 2 == 0 else 3}e{rung // 2}")
            for rung in range(middle - rungs, middle + rungs + 1)]


def ranking(values, lower_is_better=True):
    """Rank optimizers by their mean over seeds: ``values`` is {name: [one number per seed]}.

    Returns a dict with ``order`` (best first), ``best``, ``second``,
    ``worst``, ``gap`` (between the best two means) and ``spread`` (the larger
    standard deviation of those two), so a text can say whether the lead
    exceeds the noise between seeds.
    """
    stats = {name: mean_std(v) for name, v in values.items()}
    order = sorted(stats, key=lambda n: stats[n][0], reverse=not lower_is_better)
    best, second = order[0], order[1]
    return {"order": order, "best": best, "second": second, "worst": order[-1],
            "gap": abs(stats[best][0] - stats[second][0]),
            "spread": max(stats[best][1], stats[second][1]), "stats": stats}


def clearly_apart(a, b):
    """Whether two lists of per-seed results differ by more than two standard errors.

    The standard error of the difference of the means is
    sqrt(s_a**2 / n_a + s_b**2 / n_b); a gap below twice that is within what
    the seeds alone could produce.
    """
    (mean_a, std_a), (mean_b, std_b) = mean_std(a), mean_std(b)
    standard_error = math.sqrt(std_a ** 2 / len(a) + std_b ** 2 / len(b))
    return abs(mean_a - mean_b) > 2 * standard_error


def inside(lr, lrs):
    """Whether ``lr`` lies strictly inside the grid ``lrs``, not on either end.

    A pick on the edge of its grid says only that the best rate may lie beyond
    it: widen the grid until every pick is inside.
    """
    return min(lrs) < lr < max(lrs)


def regression_seeds(make_optimizer, data, seeds=range(10), *, epochs=1, batch_size=10,
                     record_every=200):
    """Linear regression (half squared error) trained once per seed, like the airfoil chapters.

    ``data`` is (features, target), e.g. :func:`optbook.data.load_airfoil`.
    The seed sets the initial weights (normal, std 0.01) and the minibatch
    order. The loss on all the data is recorded every ``record_every``
    examples; ``histories`` holds these curves and ``train_loss`` their last
    values (``test_accuracy`` stays empty).
    """
    features, target = data
    runs = SeedRuns([], [], [], [], [])
    for seed in seeds:
        torch.manual_seed(seed)
        model = torch.nn.Linear(features.shape[1], 1)
        torch.nn.init.normal_(model.weight, std=0.01)
        optimizer = make_optimizer(model.parameters())
        generator = torch.Generator().manual_seed(seed)
        seen, curve = 0, []
        for _ in range(epochs):
            for batch in torch.randperm(len(target), generator=generator).split(batch_size):
                optimizer.zero_grad()
                error = model(features[batch]).squeeze(1) - target[batch]
                (error ** 2 / 2).mean().backward()
                optimizer.step()
                seen += len(batch)
                if seen % record_every == 0:
                    with torch.no_grad():
                        loss = float(((model(features).squeeze(1) - target) ** 2 / 2).mean())
                    curve.append(loss if np.isfinite(loss) else float("inf"))
        runs.seeds.append(seed)
        runs.train_loss.append(curve[-1])
        runs.histories.append(curve)
    return runs


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
