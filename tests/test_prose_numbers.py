"""Every number in the prose of a chapter is computed and glued, or named here.

A number typed by hand goes stale the day the code changes. The scan
(tests/prose_numbers.py) skips math, code, glue roles, citations and labels;
what is left must be glued from the cell that computes it. The allowlist names
the few numbers that are not results: units, version-independent facts, and
inputs that are spelled out in words as well as in the code.

The allowlist of a chapter is ``tests/allowed_numbers/<chapter>.txt``: one
phrase of the chapter's prose per line, containing the number, then `` # `` and
why it is not a result. An entry that no longer matches anything fails too, so
the list cannot rot.
"""

from pathlib import Path

import pytest

from prose_numbers import typed_numbers

CHAPTERS = sorted((Path(__file__).resolve().parents[1] / "chapters").glob("*.md"))

ALLOWLISTS = Path(__file__).resolve().parent / "allowed_numbers"


def _read(path):
    """The phrases of one allowlist (each needs a reason after " # ")."""
    phrases = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        phrase, _, why = line.partition(" # ")
        assert why.strip(), f"{path.name}: say why {phrase!r} is not a result (' # why')"
        phrases.append(phrase.strip())
    return phrases


ALLOWED = {path.stem: _read(path) for path in sorted(ALLOWLISTS.glob("*.txt"))}


def _allowed(chapter, number, line):
    return [phrase for phrase in ALLOWED.get(chapter, ())
            if phrase in line and number in phrase]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_number_is_typed_by_hand(path):
    typed = [(line, number, text) for line, number, text in typed_numbers(path.read_text())
             if not _allowed(path.stem, number, text)]
    assert not typed, (f"{path.name}: numbers typed by hand (glue them, or allowlist them in "
                       "tests/test_prose_numbers.py):\n  " + "\n  ".join(
                           f"line {line}: {number!r} in {text[:100]!r}" for line, number, text in typed))


@pytest.mark.parametrize("chapter", sorted(ALLOWED))
def test_every_allowlisted_phrase_is_still_used(chapter):
    path = CHAPTERS[0].parent / f"{chapter}.md"
    hits = typed_numbers(path.read_text())
    stale = [phrase for phrase in ALLOWED[chapter]
             if not any(phrase in text and number in phrase for _, number, text in hits)]
    assert not stale, f"{chapter}: allowlisted phrases no longer in the prose: {stale}"


def test_the_scan_finds_typed_numbers_and_skips_everything_else():
    text = "\n".join([
        "---", "title: 3", "---",
        "(chap-x)=", "# A title", "",
        "After 20 steps the loss is {glue:text}`loss:.3f` and $x_1 = 2$.",
        "```{code-cell} ipython3", "x = 5", "```",
        "$$", "y = 7", "$$ (eq-1)",
        "See {cite}`kingma2015adam` and [the page](https://x.org/9) and `lr=0.1`.",
        "1. An exercise with 4 parts.",
        ":::{note} Note 6", "Inside a note, 8 items.", ":::",
    ])
    found = [number for _, number, _ in typed_numbers(text)]
    assert found == ["20", "4", "6", "8"]
