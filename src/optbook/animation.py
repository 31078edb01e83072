"""Moving pictures: optimizer paths animated in the static web page.

:func:`animate_traces` draws the contours of an objective and lets every
path grow step by step. It returns the animation as self-contained
HTML/JavaScript (matplotlib's ``to_jshtml``), which plays in a built page
without a kernel or a network connection.
"""

import numpy as np
from IPython.display import HTML
from matplotlib import animation

from .plotting import plt


def animate_traces(objective, traces, limits=None, interval=150, levels=20,
                   title=None, figsize=(6.0, 4.0)):
    """Animate ``traces`` (label -> array of shape (steps + 1, 2)) over ``objective``'s contours."""
    paths = {label: np.asarray(path, dtype=float) for label, path in traces.items()}
    if limits is None:
        finite = np.concatenate([p[np.isfinite(p).all(axis=1)] for p in paths.values()])
        lo, hi = finite.min(axis=0) - 0.5, finite.max(axis=0) + 0.5
        limits = ((lo[0], hi[0]), (lo[1], hi[1]))
    (x_lo, x_hi), (y_lo, y_hi) = limits
    x1, x2 = np.meshgrid(np.linspace(x_lo, x_hi, 200), np.linspace(y_lo, y_hi, 200))
    fig, ax = plt.subplots(figsize=figsize)
    ax.contour(x1, x2, objective(x1, x2), levels=levels, colors="0.6", linewidths=0.8)
    ax.set(xlim=(x_lo, x_hi), ylim=(y_lo, y_hi), xlabel="x1", ylabel="x2", title=title)
    lines = {label: ax.plot([], [], "-o", markersize=3, label=label)[0] for label in paths}
    ax.legend(loc="upper right")
    frames = max(len(p) for p in paths.values())
    step_text = ax.text(0.02, 0.95, "", transform=ax.transAxes)

    def draw(frame):
        for label, line in lines.items():
            path = paths[label][: frame + 1]
            line.set_data(path[:, 0], path[:, 1])
        step_text.set_text(f"step {frame}")
        return [*lines.values(), step_text]

    movie = animation.FuncAnimation(fig, draw, frames=frames, interval=interval, blit=True)
    html = HTML(movie.to_jshtml(default_mode="once"))
    plt.close(fig)
    return html
