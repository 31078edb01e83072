"""Execute the book's chapters side by side, into Jupyter Book's execution cache.

Jupyter Book 1.x executes its pages one after another, so a clean build waits
for the sum of all chapters. ``make book`` runs this script first: it executes
every chapter that has no up-to-date cache record, one per core, with
jupyter-cache (the cache that ``execute_notebooks: cache`` reads), and the
build that follows finds the chapters executed and only renders them.

A chapter that fails here is simply left out of the cache: the build then
executes it again and reports its error as usual, with ``--warningiserror``.

    python _ext/execute_chapters.py [BUILD_ROOT]   # cache in BUILD_ROOT/_build/.jupyter_cache
"""

import sys
from pathlib import Path

import yaml
from jupyter_cache import get_cache
from jupyter_cache.executors import load_executor

ROOT = Path(__file__).resolve().parent.parent
READER = {"name": "myst_nb_md", "type": "plugin"}  # how myst-nb itself reads a .md page


def chapters(root=ROOT):
    """The executed pages of the table of contents (chapters/*.md), in course order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    return [root / f"{entry['file']}.md" for part in toc["parts"] for entry in part["chapters"]
            if entry.get("file", "").startswith("chapters/")]


def main(build_root=ROOT):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    cache = get_cache(str(Path(build_root) / "_build" / ".jupyter_cache"))
    for path in chapters():
        cache.add_nb_to_project(str(path), read_data=READER)
    executor = load_executor("local-parallel", cache)
    result = executor.run_and_cache(timeout=config["execute"]["timeout"], allow_errors=False)
    for uri in result.excepted + result.errored:
        print(f"execute_chapters: {Path(uri).name} failed here; the build will run it again "
              "and report the error")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
