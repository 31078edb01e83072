"""What the grader knows of an assignment: its notebooks, graded cells, points and setup.

Read once per batch from the gradebook (the graded test cells with their hidden
tests, and the points) and from the released notebooks in ``exercises/`` (the
skeletons that submissions are rebuilt on, grading/reconcile.py).
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import nbformat

from grading import syntax


@dataclass
class NotebookSpec:
    """What the gradebook and the release say about one notebook of the assignment."""

    name: str
    skeleton: object
    test_sources: dict
    points: dict  # grade_id -> max points
    solution_ids: list



def load_assignment(coursedir, assignment):
    """[NotebookSpec] from the gradebook (hidden tests, points) and the released notebooks."""
    from nbgrader.api import Gradebook

    release = Path(coursedir.root) / coursedir.release_directory / assignment
    specs = []
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        record = gradebook.find_assignment(assignment)
        for notebook in record.notebooks:
            path = release / f"{notebook.name}.ipynb"
            if not path.exists():
                raise FileNotFoundError(f"{path} is missing: release the assignment first")
            skeleton = nbformat.read(path, as_version=4)
            sources = {cell.name: cell.source for cell in notebook.source_cells}
            points = {cell.name: float(cell.max_score) for cell in notebook.grade_cells}
            tests = {name: sources[name] for name in points if name in sources}
            solutions = [cell.name for cell in notebook.solution_cells]
            released = {c.metadata.get("nbgrader", {}).get("grade_id") for c in skeleton.cells}
            missing = set(points) - released
            if missing:
                raise ValueError(f"{path} lacks graded cells {sorted(missing)} that the "
                                 f"gradebook has: release the assignment again")
            specs.append(NotebookSpec(notebook.name, skeleton, tests, points, solutions))
    return specs



def setup_imports(skeletons):
    """Import statements of the locked setup code cells (what every kernel needs)."""
    statements = ["import optbook.checks"]
    for skeleton in skeletons:
        for cell in skeleton.cells:
            info = cell.get("metadata", {}).get("nbgrader", {})
            if cell.cell_type != "code" or info.get("grade") or info.get("solution"):
                continue
            try:
                tree = syntax.parse(cell.source)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    statements.append(ast.unparse(node))
    return list(dict.fromkeys(statements))


