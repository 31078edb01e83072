"""Scratch course directories and synthetic submissions, for tests and benchmarks.

A scratch course is a copy of the course's source, release and config in a
temporary folder, with its own gradebook, so grading there never touches the
repository's gradebook.
"""

import contextlib
import copy
import os
import shutil
import sys
import threading
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent


def assignment_names(root=ROOT):
    """Every assignment with a source notebook solutions/<name>/<name>.ipynb."""
    return sorted(p.parent.name for p in (Path(root) / "solutions").glob("*/*.ipynb")
                  if p.stem == p.parent.name)


def source_path(name, root=ROOT):
    return Path(root) / "solutions" / name / f"{name}.ipynb"


def release_path(name, root=ROOT):
    return Path(root) / "exercises" / name / f"{name}.ipynb"


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def part_of(cell):
    """'p3' for a cell whose grade_id is 'p3_...', else None."""
    grade_id = nbgrader_meta(cell).get("grade_id", "")
    head = grade_id.split("_")[0]
    return head if head[:1] == "p" and head[1:].isdigit() else None


def parts(name, root=ROOT):
    """{part: points} of an assignment, from its source notebook's graded cells."""
    nb = nbformat.read(source_path(name, root), as_version=4)
    points = {}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade") and part_of(cell):
            points[part_of(cell)] = points.get(part_of(cell), 0) + meta.get("points", 0)
    return dict(sorted(points.items(), key=lambda kv: int(kv[0][1:])))


def make_course(destination, names, root=ROOT):
    """Copy the config, sources and releases of ``names`` into ``destination`` (the config
    imports the installed ``grading`` package)."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(root) / "nbgrader_config.py", destination)
    for name in names:
        for folder in ("solutions", "exercises"):
            shutil.copytree(Path(root) / folder / name, destination / folder / name,
                            dirs_exist_ok=True)
    return destination


def with_answers(name, keep_stub=(), root=ROOT):
    """The released notebook with every answer cell filled in from the solution,
    except the answer cells of the parts in ``keep_stub``, which keep the stub."""
    release = nbformat.read(release_path(name, root), as_version=4)
    solution = nbformat.read(source_path(name, root), as_version=4)
    answers = {nbgrader_meta(c)["grade_id"]: c.source for c in solution.cells
               if nbgrader_meta(c).get("solution")}
    filled = copy.deepcopy(release)
    for cell in filled.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and part_of(cell) not in keep_stub:
            cell.source = answers[meta["grade_id"]]
    return filled


def submit(course, student, name, notebook):
    """Place ``notebook`` as submitted/<student>/<name>/<name>.ipynb in ``course``."""
    folder = Path(course) / "submitted" / student / name
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / f"{name}.ipynb")


def standard_submissions(course, name, root=ROOT):
    """Submit the solution, the blank release and one submission per part with only that
    part left blank. Returns {student: the parts expected to score zero (None = all)}."""
    submit(course, "solution", name, nbformat.read(source_path(name, root), as_version=4))
    submit(course, "blank", name, nbformat.read(release_path(name, root), as_version=4))
    expected = {"solution": set(), "blank": None}
    for part in parts(name, root):
        submit(course, f"{part}-blank", name, with_answers(name, keep_stub={part}, root=root))
        expected[f"{part}-blank"] = {part}
    return expected


def cell_scores(course, name, students, field="score"):
    """{student: {grade_id: score}} from a scratch course's gradebook (``field``: score or auto_score)."""
    from nbgrader.api import Gradebook

    from grading.settings import course_directory

    coursedir = course_directory(course)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        return {student: {grade.name: getattr(grade, field)
                          for grade in gradebook.find_submission_notebook(name, name, student).grades}
                for student in students}


def part_scores(course, name, students):
    """{student: {part: score}} from the scratch course's gradebook."""
    out = {}
    for student, cells in cell_scores(course, name, students).items():
        scores = {}
        for grade_id, score in cells.items():
            part = grade_id.split("_")[0]
            scores[part] = scores.get(part, 0) + (score or 0)
        out[student] = scores
    return out


@contextlib.contextmanager
def environment(**values):
    """Set environment variables (and the venv's bin first on PATH, for nbgrader's alembic)
    while grading in a scratch course; restore them afterwards."""
    values["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class Gradings:
    """The gradings a test process runs: many may share the machine (background threads), and
    one may need it alone, for a test that counts every kernel process on the machine.
    A grading waiting to run alone goes before new shared ones, so it cannot starve."""

    def __init__(self):
        self._condition = threading.Condition()
        self._shared = self._waiting = 0
        self._alone = False

    @contextlib.contextmanager
    def shared(self):
        with self._condition:
            self._condition.wait_for(lambda: not self._alone and not self._waiting)
            self._shared += 1
        try:
            yield
        finally:
            with self._condition:
                self._shared -= 1
                self._condition.notify_all()

    @contextlib.contextmanager
    def alone(self):
        with self._condition:
            self._waiting += 1
            self._condition.wait_for(lambda: not self._alone and not self._shared)
            self._waiting -= 1
            self._alone = True
        try:
            yield
        finally:
            with self._condition:
                self._alone = False
                self._condition.notify_all()


GRADINGS = Gradings()
