"""The shared figure style and d2l's plotting helpers.

``import optbook`` applies the style once; every chapter's figures then look
alike. :func:`plot`, :func:`set_figsize` and :class:`Animator` keep d2l's
signatures so that d2l's code runs unchanged.
"""

import time
from importlib import resources

import matplotlib
import matplotlib.pyplot as plt
import numpy as np


STYLE = resources.files(__package__) / "optbook.mplstyle"


def use_style():
    """Apply the course's figure style."""
    with resources.as_file(STYLE) as path:
        matplotlib.style.use(path)


def use_svg_display():
    """Kept for d2l compatibility: the book renders PNG at the style's resolution."""


def set_figsize(figsize=(6.0, 4.0)):
    """Set the default figure size (width, height) in inches."""
    plt.rcParams["figure.figsize"] = figsize


def set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend):
    """Label, limit and scale a matplotlib axes."""
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    axes.set_xlim(xlim)
    axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)


def _as_series(values):
    """d2l's plot accepts one series or a list of them; return a list of arrays."""
    if hasattr(values, "ndim") and values.ndim == 1:
        return [np.asarray(values)]
    if isinstance(values, list) and values and not hasattr(values[0], "__len__"):
        return [np.asarray(values)]
    return [np.asarray(v) for v in values]


def plot(X, Y=None, xlabel=None, ylabel=None, legend=None, xlim=None, ylim=None,
         xscale="linear", yscale="linear", fmts=("-", "--", "-.", ":"),
         figsize=None, axes=None):
    """Plot one or more series, with d2l's signature."""
    if figsize is not None:
        set_figsize(figsize)
    axes = axes if axes is not None else plt.gca()
    X = _as_series(X)
    if Y is None:
        X, Y = [np.arange(len(x)) for x in X], X
    Y = _as_series(Y)
    if len(X) != len(Y):
        X = X * len(Y)
    axes.cla()
    for x, y, fmt in zip(X, Y, fmts * len(Y)):
        axes.plot(x, y, fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend or [])
    return axes


def annotate(text, xy, xytext):
    """Point at ``xy`` with an arrow labelled ``text``."""
    plt.gca().annotate(text, xy=xy, xytext=xytext, arrowprops=dict(arrowstyle="->"))


class Animator:
    """Collects points as training runs and draws the curves once, at the end.

    d2l's Animator redraws after every point; a built web page only keeps the
    last picture, so this one draws when :meth:`show` is called.
    """

    def __init__(self, xlabel=None, ylabel=None, legend=None, xlim=None, ylim=None,
                 xscale="linear", yscale="linear", fmts=("-", "--", "-.", ":"),
                 nrows=1, ncols=1, figsize=None):
        self.config = dict(xlabel=xlabel, ylabel=ylabel, legend=legend, xlim=xlim,
                           ylim=ylim, xscale=xscale, yscale=yscale)
        self.fmts, self.figsize = fmts, figsize
        self.X, self.Y = None, None

    def add(self, x, y):
        if not hasattr(y, "__len__"):
            y = [y]
        if not hasattr(x, "__len__"):
            x = [x] * len(y)
        if self.X is None:
            self.X, self.Y = [[] for _ in y], [[] for _ in y]
        for i, (a, b) in enumerate(zip(x, y)):
            if a is not None and b is not None:
                self.X[i].append(a)
                self.Y[i].append(float(b))

    def show(self):
        fig, axes = plt.subplots(figsize=self.figsize)
        for x, y, fmt in zip(self.X or [], self.Y or [], self.fmts * 4):
            axes.plot(x, y, fmt)
        set_axes(axes, legend=self.config["legend"] or [],
                 **{k: v for k, v in self.config.items() if k != "legend"})
        plt.show()
        return fig


class Timer:
    """Record several running times (d2l's Timer)."""

    def __init__(self):
        self.times = []
        self.start()

    def start(self):
        self.tik = time.perf_counter()

    def stop(self):
        self.times.append(time.perf_counter() - self.tik)
        return self.times[-1]

    def avg(self):
        return sum(self.times) / len(self.times)

    def sum(self):
        return sum(self.times)

    def cumsum(self):
        return np.array(self.times).cumsum().tolist()
