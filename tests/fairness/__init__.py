"""The fairness corpus: each assignment solved as students solve it.

One module per assignment (``tests/fairness/<name>.py``) lists ``VARIANTS``:
at least three different correct solutions, which must earn full marks, and at
least three typical mistakes, each of which must lose exactly the graded cells
it gets wrong, with a message that names the mistake. ``tests/test_fairness.py``
grades them all with ``make grade``'s engine.

A variant replaces some answer cells; every other answer cell keeps the
instructor's solution. So a wrong variant shows what one mistake costs.
"""

import importlib
import pkgutil
import textwrap
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Variant:
    """One student's way of answering.

    Args:
        name: a short slug (the student id in the scratch course).
        answers: answer cell grade_id -> the cell's source as the student writes it.
        loses: the graded cells (grade_ids) or whole parts ("p2") this variant must score
            0 on; empty for a correct variant, which must get full marks.
        says: graded cell -> words its failure message must contain (names the mistake).
        visible: graded cell -> words a *visible* check must say when the student runs
            the released notebook, without the hidden tests.
        why: what the variant is, in a sentence.
    """

    name: str
    answers: dict
    loses: tuple = ()
    says: dict = field(default_factory=dict)
    visible: dict = field(default_factory=dict)
    why: str = ""

    @property
    def correct(self):
        return not self.loses

    def source(self, grade_id):
        return textwrap.dedent(self.answers[grade_id]).strip("\n")


def correct(name, why, **answers):
    """A correct variant: ``answers`` maps answer cell grade_ids to their source."""
    return Variant(name, answers, why=why)


def wrong(name, why, loses, says=None, visible=None, **answers):
    """A wrong variant that must score 0 on ``loses`` (cells or parts) and nothing else."""
    loses = (loses,) if isinstance(loses, str) else tuple(loses)
    return Variant(name, answers, loses, says or {}, visible or {}, why)


def corpus():
    """{assignment: [Variant, ...]} for every module in this package."""
    out = {}
    for module in pkgutil.iter_modules(__path__):
        out[module.name] = importlib.import_module(f"{__name__}.{module.name}").VARIANTS
    return out
