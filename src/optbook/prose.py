"""Numbers for the prose of a chapter, glued from the cell that computes them.

A chapter computes a value, asserts what its text claims about it, and glues it
(``{glue:text}`name:.3f``` in the Markdown). These helpers keep that
bookkeeping out of the chapter's visible code.

Examples:
    >>> span(0.5, 0.5, ".2f")
    '0.50'
    >>> span(0.5, 0.8, ".2f")
    'between 0.50 and 0.80'
"""

from myst_nb import glue


def glue_number(name, value):
    """Glue ``value`` as a plain float, so any format spec applies in ``{glue:text}``."""
    glue(name, float(value), display=False)


def glue_numbers(prefix="", **values):
    """Glue several numbers at once: ``glue_numbers("adam-", loss=0.1)`` glues ``adam-loss``."""
    for name, value in values.items():
        glue_number(prefix + name.replace("_", "-"), value)


def glue_text(name, text):
    """Glue a phrase (already formatted) for ``{glue:text}`name```."""
    glue(name, str(text), display=False)


def span(low, high, spec=".3g", between=("between ", " and ")):
    """A range in words: one value if both ends print the same, else "between a and b"."""
    a, b = format(low, spec), format(high, spec)
    return a if a == b else f"{between[0]}{a}{between[1]}{b}"


def pick(condition, if_true, if_false):
    """The word the data supports, e.g. ``pick(a < b, "smaller", "larger")``."""
    return if_true if condition else if_false
