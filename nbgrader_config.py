"""nbgrader configuration of the course (read by every `nbgrader ...` command run here).

Layout, relative to this file's directory (the course root):
  solutions/<assignment>/          instructor source: solutions and hidden tests
  exercises/<assignment>/          released student versions (`nbgrader generate_assignment`)
  submitted/<student>/<assignment>/  collected submissions
  autograded/, feedback/           written by `make grade`
  gradebook.db                     SQLite gradebook

The gradebook database can be changed without editing this file: set the
environment variable NBGRADER_DB_URL to any SQLAlchemy URL, for example
  NBGRADER_DB_URL=postgresql://grader@dbhost/optcourse make grade
or pass --CourseDirectory.db_url=... to a single nbgrader command.
Time limits can likewise be set with NBGRADER_CELL_TIMEOUT and
NBGRADER_NOTEBOOK_TIMEOUT (seconds).
"""

import os

root = os.path.dirname(os.path.abspath(__file__))

from grading.execute import BudgetedExecute
from grading.feedback import FeedbackSanitizer
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties, CheckCellMetadata, GetGrades, IgnorePattern, LimitOutput, SaveAutoGrades)

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

c.CourseDirectory.course_id = "optimization-for-deep-learning"
c.CourseDirectory.root = root
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.db_url = os.environ.get(
    "NBGRADER_DB_URL", "sqlite:///" + os.path.join(root, "gradebook.db"))

# Students are added by the grading command from the folders in submitted/.
c.Autograde.create_student = True

# A runaway cell is interrupted after NBGRADER_CELL_TIMEOUT seconds, and a whole
# notebook gets at most NBGRADER_NOTEBOOK_TIMEOUT seconds; grading then moves on.
c.Execute.timeout = int(os.environ.get("NBGRADER_CELL_TIMEOUT", "60"))
c.Execute.interrupt_on_timeout = True
c.Execute.startup_timeout = 60
c.BudgetedExecute.notebook_timeout = int(os.environ.get("NBGRADER_NOTEBOOK_TIMEOUT", "180"))
# What only `make grade`'s engine needs (grading/settings.py): parallel kernels, and the
# memory, file and process caps of each (GRADING_WORKERS, GRADING_MEMORY_MB and
# GRADING_MAX_PROCESSES override them).
c.GradingEngine.workers = int(os.environ.get("GRADING_WORKERS", "2"))
c.GradingEngine.memory_mb = int(os.environ.get("GRADING_MEMORY_MB", "2048"))
c.GradingEngine.file_mb = 100
c.GradingEngine.max_processes = int(os.environ.get("GRADING_MAX_PROCESSES", "64"))
c.Autograde.autograde_preprocessors = [
    BudgetedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
    SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]

# Feedback students can have: no hidden test lines, no tracebacks (they quote source lines),
# and no hidden reference value anywhere (grading/feedback.py). To show the reference values
# in the messages of failed checks (never the hidden lines), uncomment:
#   c.FeedbackSanitizer.show_expected = True
c.GenerateFeedback.preprocessors = [GetGrades, FeedbackSanitizer, CSSHTMLHeaderPreprocessor]

# Released notebooks: nbgrader's stub, no outputs, no solution cells' contents.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

c.ExportApp.plugin_class = "nbgrader.plugins.CsvExportPlugin"
