"""Time budget of the book on this machine (issue: chapters).

Prints each chapter's execution time (target <= 60 s), a clean build with
execution (target <= 5 min) and a rebuild with nothing changed (target
<= 15 s, thanks to the execution cache). Builds go to a temporary folder, so
the repository's own _build is untouched.

    .venv/bin/python benchmarks/chapter_times.py
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jupytext
import yaml
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
BUDGET_CHAPTER, BUDGET_CLEAN, BUDGET_REBUILD = 60, 300, 15


def chapters():
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    return [entry["file"] for part in toc["parts"] for entry in part["chapters"]
            if entry.get("file", "").startswith("chapters/")]


def execute(chapter):
    notebook = jupytext.read(REPO / f"{chapter}.md")
    start = time.perf_counter()
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(REPO / "chapters")}}).execute()
    return time.perf_counter() - start


def build(output):
    start = time.perf_counter()  # what `make book` does: the chapters side by side, then the build
    subprocess.run([sys.executable, str(REPO / "_ext" / "execute_chapters.py"), output],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(REPO),
                    "--path-output", output, "--warningiserror", "--keep-going", "--quiet"],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def verdict(seconds, budget):
    return f"{seconds:7.1f} s  (budget {budget} s, {'ok' if seconds <= budget else 'OVER'})"


def main():
    print("Execution time of each chapter:")
    for chapter in chapters():
        print(f"  {chapter:32s} {verdict(execute(chapter), BUDGET_CHAPTER)}")
    with tempfile.TemporaryDirectory() as output:
        print(f"Clean build with execution:  {verdict(build(output), BUDGET_CLEAN)}")
        print(f"Rebuild, nothing changed:    {verdict(build(output), BUDGET_REBUILD)}")


if __name__ == "__main__":
    main()
