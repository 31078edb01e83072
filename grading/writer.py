"""The one thread that writes a batch's grades to the gradebook and autograded/.

It uses nbgrader's gradebook API and tables, so ``nbgrader generate_feedback``,
``nbgrader export`` and formgrader work as after ``nbgrader autograde``, and
nbgrader's own ``AssignLatePenalties`` for late submissions. Unlike nbgrader's
``SaveAutoGrades`` (a new gradebook connection per notebook and a commit per
cell), it keeps one connection and commits once per submission: the throughput
benchmark grades 40 submissions while this thread keeps up.
"""

import queue
import shutil
import threading
import time
from pathlib import Path

import nbformat


class GradebookWriter(threading.Thread):
    """The only thread that touches the gradebook and autograded/ during a batch."""

    def __init__(self, coursedir, assignment):
        from nbgrader.preprocessors import AssignLatePenalties

        super().__init__(daemon=True)
        self.coursedir, self.assignment = coursedir, assignment
        # nbgrader's own late-penalty step, configured as for `nbgrader autograde`
        self.penalties = AssignLatePenalties(config=coursedir.config)
        self.inbox = queue.Queue()
        self.errors = []
        self.seconds = {}

    def run(self):
        from nbgrader.api import Gradebook

        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gradebook:
            while True:
                result = self.inbox.get()
                if result is None:
                    return
                started = time.perf_counter()
                try:
                    self._write(gradebook, result)
                except Exception as error:
                    gradebook.db.rollback()
                    self.errors.append((result.student, f"{type(error).__name__}: {error}"))
                    result.events.append(f"the gradebook could not be updated ({error})")
                self.seconds[result.student] = time.perf_counter() - started

    def _write(self, gradebook, result):
        assignment, student = self.assignment, result.student
        gradebook.update_or_create_student(student)
        if result.timestamp:
            gradebook.update_or_create_submission(assignment, student, timestamp=result.timestamp)
        else:
            gradebook.update_or_create_submission(assignment, student)
        for notebook, scores in result.scores.items():
            for grade_id, score in scores.items():
                grade = gradebook.find_grade(grade_id, notebook, assignment, student)
                grade.auto_score = score
                grade.needs_manual_grade = grade.manual_score is not None or score is None
            for grade_id, comment in result.comments.get(notebook, {}).items():
                gradebook.find_comment(grade_id, notebook, assignment, student).auto_comment = \
                    comment
        gradebook.db.commit()
        for notebook in result.scores:
            self.penalties.preprocess(nbformat.v4.new_notebook(), {"nbgrader": {
                "notebook": notebook, "assignment": assignment, "student": student,
                "db_url": self.coursedir.db_url}})
        gradebook.db.expire_all()
        submission = gradebook.find_submission(assignment, student)
        penalty = sum(nb.late_submission_penalty or 0 for nb in submission.notebooks)
        if submission.total_seconds_late > 0:
            result.events.append(f"submitted {submission.total_seconds_late / 3600:.1f} hours "
                                 f"late: a late penalty of {penalty:g} point(s) "
                                 f"(LateSubmissionPlugin)")
        self._files(result)

    def _files(self, result):
        root = Path(self.coursedir.root)
        submitted = root / self.coursedir.submitted_directory / result.student / self.assignment
        target = root / self.coursedir.autograded_directory / result.student / self.assignment
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for relative in result.files:
            if relative.suffix == ".ipynb" and len(relative.parts) == 1:
                continue
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(submitted / relative, target / relative)
        for name, notebook in result.notebooks.items():
            if notebook is not None:
                nbformat.write(notebook, target / f"{name}.ipynb")
