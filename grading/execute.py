"""nbgrader's Execute preprocessor with a time budget for the whole notebook.

nbgrader only limits each cell (``Execute.timeout``). A notebook of many slow
cells could still take many times that, so :class:`BudgetedExecute` also gives
the whole notebook ``notebook_timeout`` seconds: each cell may run for the
smaller of the per-cell limit and what is left of the budget (at least one
second, so every remaining cell is still attempted and reported as timed out).
A timed-out cell is interrupted, recorded as an error and grading continues.
"""

import time

from nbgrader.preprocessors import Execute
from traitlets import Integer


class BudgetedExecute(Execute):
    """Execute with a per-cell timeout and an overall limit per notebook."""

    notebook_timeout = Integer(
        300, help="Seconds one notebook may run in all before its cells are interrupted."
    ).tag(config=True)

    _deadline = None

    def preprocess(self, nb, resources=None, km=None):
        self._deadline = time.monotonic() + self.notebook_timeout
        return super().preprocess(nb, resources, km=km)

    def _get_timeout(self, cell):
        per_cell = super()._get_timeout(cell)
        if self._deadline is None:
            return per_cell
        left = max(1, int(self._deadline - time.monotonic()))
        return left if per_cell is None or per_cell < 0 else min(per_cell, left)
