"""Write nbgrader source notebooks from Python, following notes/EXERCISE_SPEC conventions.

An assignment script (grading/assignments/<name>.py) lists its cells with the
helpers below and calls :func:`write`; the notebook it writes to
``solutions/<name>/<name>.ipynb`` is the source nbgrader reads.

    python -m grading.assignments.gd      # rewrite solutions/gd/gd.ipynb
"""

import textwrap
from pathlib import Path

import nbformat
import yaml
import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def repository_url():
    """The course repository, as set once in _config.yml (repository.url)."""
    return yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]


def _meta(grade_id, **flags):
    base = {"grade": False, "solution": False, "locked": False, "grade_id": grade_id,
            "schema_version": 3}
    base.update(flags)
    return {"nbgrader": base}


def _clean(text):
    return textwrap.dedent(text).strip("\n")


def markdown(grade_id, text):
    """A locked markdown cell (intro, or the explanation of a part: grade_id p{k}_text...)."""
    return nbformat.v4.new_markdown_cell(_clean(text), metadata=_meta(grade_id, locked=True))


def setup(code):
    """The locked setup cell: imports only."""
    return nbformat.v4.new_code_cell(_clean(code), metadata=_meta("setup", locked=True))


def answer(grade_id, code):
    """An answer cell; the solution sits between ### BEGIN SOLUTION and ### END SOLUTION."""
    code = _clean(code)
    assert "### BEGIN SOLUTION" in code and "### END SOLUTION" in code, grade_id
    return nbformat.v4.new_code_cell(code, metadata=_meta(grade_id, solution=True))


def tests(grade_id, points, code):
    """A locked, graded test cell worth ``points``."""
    return nbformat.v4.new_code_cell(
        _clean(code), metadata=_meta(grade_id, grade=True, locked=True, points=points))


def code(grade_id, source):
    """A locked, ungraded code cell (e.g. a plot the student may look at)."""
    return nbformat.v4.new_code_cell(_clean(source), metadata=_meta(grade_id, locked=True))


def write(name, cells):
    """Write ``solutions/<name>/<name>.ipynb`` (no outputs) and return its path."""
    ids = [c.metadata["nbgrader"]["grade_id"] for c in cells]
    assert len(ids) == len(set(ids)), f"duplicate grade_id in {name}"
    nb = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    for index, cell in enumerate(nb.cells):
        cell.id = f"{name}-{index:02d}"
    path = ROOT / "solutions" / name / f"{name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return path


SETUP_IMPORTS = """
import math

import numpy as np
import torch

import optbook
from optbook.checks import (check, check_close, check_differ, check_equal, check_finite,
                            check_less, check_number, check_one_of, check_orthogonal,
                            check_proof, check_type)
"""


def intro(title, chapter, covers):
    """The locked intro cell: title, what it covers, chapter link, how to run the checks."""
    return markdown("intro", f"""
        # {title}

        {textwrap.indent(_clean(covers), " " * 8).lstrip()}

        Read the chapter first: [{chapter}](../../chapters/{chapter}.md).

        **How to work.** Fill in every cell that says `raise NotImplementedError()`
        (delete that line). The cells after each answer run *visible checks*: run them
        (Kernel → Restart & Run All) to check yourself. Your grade also uses hidden checks
        on the same answers, so make the code right, not just the visible checks pass.
        Answers to "why" questions are graded automatically too: give the letter, number
        or boolean the question asks for. Do not rename the variables and functions the
        cells ask for, and do not add, delete or reorder cells.

        **Before you submit**, save the notebook and check that it will grade: run
        `optbook.validate()` in a cell (it does nothing when graded), or
        `python -m optbook.validate {chapter}.ipynb` in a terminal. It says in words whether
        the file name is right, every name the checks need is defined, the visible checks
        pass and no cell stops the run.

        The notebook needs only the course package: in Colab, first run
        `# !pip install "optbook @ git+{repository_url()}"` (remove the `#`).
        """)


# Shared by the assignment scripts that store reference values as literals.
SETUP_ONE_THREAD = SETUP_IMPORTS.rstrip("\n") + "\n\ntorch.set_num_threads(1)  # steady timings on a shared CPU\n"


def lit(values, digits=17):
    """Reference values as a literal for a test cell: a float, or a flat list of floats."""
    array = np.asarray(values, dtype=float)
    if array.ndim == 0:
        return repr(float(f"{float(array):.{digits}g}"))
    return repr([float(f"{v:.{digits}g}") for v in array.reshape(-1).tolist()])


def lits(rows):
    """A literal list of flat lists."""
    return "[" + ", ".join(lit(row) for row in rows) + "]"


def checks(rows, rtol=1e-9):
    """Top-level check_close lines against literals: rows of (expression, reference, what)."""
    return "\n".join(f"check_close({expr}, {lit(ref)}, {what!r}, rtol={rtol})" for expr, ref, what in rows)


def test(grade_id, points, visible, hidden=None):
    """A graded test cell: visible checks, then hidden checks between the nbgrader markers."""
    code = textwrap.dedent(visible).strip("\n")
    if hidden:
        code += "\n### BEGIN HIDDEN TESTS\n" + textwrap.dedent(hidden).strip("\n") + "\n### END HIDDEN TESTS"
    return tests(grade_id, points, code)
