"""The table of contents against the chapters: every page exists, has figures,
shows its from-scratch and concise parts, executed without errors, and prints
the published 2D values."""

import html
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "_build" / "html"
FRONT_OR_BACK = {"intro", "references", "instructors"}


def toc_files():
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [entry["file"] for entry in part.get("chapters", []) if "file" in entry]
    return files


def chapters():
    return [f for f in toc_files() if f.startswith("chapters/")]


def source(entry):
    for suffix in (".md", ".ipynb"):
        path = REPO / (entry + suffix)
        if path.exists():
            return path
    return None


def page_text(entry):
    page = SITE / (entry + ".html")
    if not page.exists():
        pytest.fail(f"{page} was not built: run `make book` first")
    return page.read_text()


def visible_text(markup):
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def test_every_chapter_of_the_course_is_in_the_toc():
    names = {Path(c).name for c in chapters()}
    assert {"optimization-intro", "gd", "sgd", "momentum", "preconditioning", "adagrad",
            "rmsprop", "adadelta", "adam", "comparison"} <= names


@pytest.mark.parametrize("entry", toc_files())
def test_toc_entry_has_a_page(entry):
    assert source(entry) is not None, f"{entry} is listed in _toc.yml but has no .md or .ipynb"


@pytest.mark.parametrize("entry", [c for c in chapters() if not c.endswith("optimization-intro")])
def test_chapter_has_from_scratch_and_concise_parts(entry):
    text = source(entry).read_text()
    headings = [line.lower() for line in text.splitlines() if line.startswith("#")]
    assert any("from scratch" in h for h in headings), f"{entry} has no 'From scratch' section"
    assert any("concise" in h for h in headings), f"{entry} has no 'Concise' section"


@pytest.mark.parametrize("entry", chapters())
def test_chapter_shows_the_library_code_and_glues_its_numbers(entry):
    text = source(entry).read_text()
    if not entry.endswith("optimization-intro"):
        assert ":pyobject:" in text, f"{entry} shows no optbook code through literalinclude"
    assert "{glue" in text, f"{entry} glues no computed number into its prose"


@pytest.mark.site
@pytest.mark.parametrize("entry", chapters())
def test_built_chapter_has_a_figure_and_no_error_output(entry):
    markup = page_text(entry)
    assert "<img" in markup, f"{entry} has no figure"
    for marker in ("Traceback (most recent call last)", 'class="output traceback',
                   "output stderr"):
        assert marker not in markup, f"{entry} shows an error output ({marker})"


PUBLISHED = {
    "chapters/gd": ["epoch 20, x1: -0.943467, x2: -0.000073",
                    "epoch 20, x1: -0.387814, x2: -1673.365109"],
    "chapters/momentum": ["epoch 20, x1: 0.007188, x2: 0.002553",
                          "epoch 20, x1: -0.126340, x2: -0.186632"],
    "chapters/adagrad": ["epoch 20, x1: -2.382563, x2: -0.158591",
                         "epoch 20, x1: -0.002295, x2: -0.000000"],
}


@pytest.mark.site
@pytest.mark.parametrize("entry", sorted(PUBLISHED))
def test_chapter_prints_the_published_2d_values(entry):
    text = visible_text(page_text(entry))
    for line in PUBLISHED[entry]:
        assert line in text, f"{entry} does not print '{line}'"


BOOKKEEPING = {"glue", "glue_number", "glue_numbers", "glue_text"}


def _glues(statement):
    """Whether a top-level statement glues a value for the prose (directly or in a loop)."""
    import ast

    return any(isinstance(node, ast.Call) and (
        node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
    ) in BOOKKEEPING for node in ast.walk(statement)
        if not isinstance(statement, (ast.FunctionDef, ast.ClassDef)))


@pytest.mark.parametrize("entry", chapters())
def test_bookkeeping_is_hidden_from_the_page(entry):
    """Glue calls are bookkeeping: they sit in cells tagged remove-input (or remove-cell),
    next to the assertions of what the prose claims, so the page shows the ideas."""
    import ast

    import jupytext

    notebook = jupytext.read(source(entry))
    shown = []
    for cell in notebook.cells:
        tags = set(cell.metadata.get("tags", []))
        if cell.cell_type != "code" or tags & {"remove-input", "remove-cell"}:
            continue
        try:
            body = ast.parse(cell.source).body
        except SyntaxError:  # IPython magics
            continue
        if any(_glues(s) for s in body):
            shown.append(cell.source.strip().splitlines()[0][:70])
    assert not shown, (f"{entry}: visible cells glue values (move the glue calls into a cell "
                       f"tagged remove-input): {shown}")
