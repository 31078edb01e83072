"""One configuration for both graders, and late penalties applied as nbgrader applies them.

``make grade`` (the engine) and ``GRADING_ENGINE=nbgrader make grade`` read their limits from
the same traitlets in nbgrader_config.py; a late submission loses what nbgrader's
LateSubmissionPlugin says, with either grader.
"""

import os
import sys
from pathlib import Path

import nbformat
import pytest

from grading import course as C
from grading.grade import grade
from grading.settings import course_directory
from grading.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_both_graders_read_one_configuration(monkeypatch):
    from grading.execute import BudgetedExecute

    monkeypatch.setenv("NBGRADER_CELL_TIMEOUT", "17")
    monkeypatch.setenv("NBGRADER_NOTEBOOK_TIMEOUT", "71")
    monkeypatch.setenv("GRADING_WORKERS", "3")
    config = course_directory(ROOT).config
    settings = Settings.from_config(config)
    execute = BudgetedExecute(config=config)  # what plain nbgrader autograde uses
    assert (settings.cell_timeout, settings.notebook_timeout) == (17, 71)
    assert (execute.timeout, execute.notebook_timeout) == (17, 71)
    assert settings.workers == 3


def test_the_documented_limits_are_the_configured_ones(monkeypatch):
    for name in ("NBGRADER_CELL_TIMEOUT", "NBGRADER_NOTEBOOK_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_config(course_directory(ROOT).config)
    readme = (ROOT / "README.md").read_text()
    assert f"after {settings.cell_timeout:g} s and notebooks after " \
           f"{settings.notebook_timeout:g} s" in readme


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["engine", "nbgrader"])
def test_late_penalties_as_nbgrader_applies_them(tmp_path, monkeypatch, engine):
    from nbgrader.api import Gradebook

    name = "gd"
    course = C.make_course(tmp_path / "course", [name])
    with open(course / "nbgrader_config.py", "a") as config:
        config.write('\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    solution = nbformat.read(C.source_path(name), as_version=4)
    for student, stamp in (("on_time", "2026-01-01 11:00:00"), ("late", "2026-01-03 12:00:00")):
        C.submit(course, student, name, solution)
        (course / "submitted" / student / name / "timestamp.txt").write_text(stamp)
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    coursedir = course_directory(course)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        gradebook.update_or_create_assignment(name, duedate="2026-01-01 12:00:00")
    monkeypatch.setenv("GRADING_ENGINE", engine)
    ok, _, table = grade(course, only=[name], csv_name="", with_feedback=False, quiet=True)
    assert ok, (course / "grading.log").read_text()[-3000:]
    total = sum(C.parts(name).values())
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        assert gradebook.find_assignment(name).duedate is not None
        late = gradebook.find_submission(name, "late")
        on_time = gradebook.find_submission(name, "on_time")
        assert late.total_seconds_late == pytest.approx(48 * 3600)
        assert late.late_submission_penalty == pytest.approx(late.score) and late.score == total
        assert on_time.total_seconds_late == 0 and not on_time.late_submission_penalty
    if engine == "engine":
        report = (course / "grading_report.md").read_text()
        assert "48.0 hours late" in report
