"""Grade a batch of submissions: confined kernels in parallel, one gradebook writer.

    python -m grading.engine ASSIGNMENT [--root DIR] [--student ID ...] [--workers N]

(``make grade`` / ``python -m grading.grade`` call :func:`grade_assignment`.)

For one assignment and its submissions ``submitted/<student>/<assignment>/``:

1. read the assignment from the gradebook (graded test cells with their hidden
   tests, points) and the released notebooks (``exercises/``) as skeletons;
2. start ONE zygote that imports what the setup cells import (torch, NumPy,
   optbook ...) once;
3. grade the submissions on ``workers`` threads. Each submission: read the file
   defensively, rebuild it on the skeleton (reconcile.py), copy the submitted
   files into a private folder, fork a fresh kernel confined to that folder
   (zygote.py, sandbox.py), run the cells with a time limit per cell and per
   notebook, run test cells that only probe (rewrite.py), and judge every check in this
   process on the answers the kernel sent out (verdict.py);
4. ONE writer thread puts the scores into the gradebook (nbgrader's API and
   tables, so ``nbgrader generate_feedback``/``export`` and formgrader work) and
   writes ``autograded/<student>/<assignment>/``;
5. return a report that says in words what happened to each student.

A cell that runs away (time limit) or kills its kernel is recorded as failed,
skipped, and the notebook is run again in a new kernel without it, so the other
parts still get the points they earn.
"""

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from grading import intake, kernel_policy, reconcile, rewrite, sandbox
from grading.kernels import KernelDied, Zygote
from grading.results import BatchResult, Crash, Note, StudentResult, write_report
from grading.settings import Settings
from grading.spec import load_assignment, setup_imports
from grading.verdict import cell_name, judge_notebook
from grading.writer import GradebookWriter

ROOT = Path(__file__).resolve().parent.parent
# nbgrader's gradebook API triggers SQLAlchemy autoflush warnings that mean nothing here.
warnings.filterwarnings("ignore", message=".*not in session.*")
__all__ = ["Grader", "grade_assignment", "write_report", "main"]


@dataclass
class NotebookRun:
    """One notebook as executed: its cells and their roles, the test cells as split for the
    kernel, and what each code cell did (an Execution) or why it has no result (a Note)."""

    notebook: object
    roles: list
    code: list
    prepared: dict
    executions: dict
    notes: dict


class Grader:
    """Grades submissions of one assignment; safe to call from several threads."""

    def __init__(self, coursedir, assignment, settings=None, log_dir=None):
        self.coursedir = coursedir
        self.root = Path(coursedir.root).resolve()
        self.assignment = assignment
        self.settings = settings or Settings.from_config(coursedir.config)
        self.specs = load_assignment(coursedir, assignment)
        self.scratch = Path(tempfile.mkdtemp(prefix=f"optbook-grade-{assignment}-"))
        os.chmod(self.scratch, 0o711)
        self.read_paths = kernel_policy.read_paths(self.root)
        self.landlock_abi = sandbox.landlock_abi() if self.settings.landlock else 0
        confinement = sandbox.capabilities()  # what this machine allows (tried once, by a fork)
        self.confinement = dict(confinement, max_processes=self.settings.max_processes)
        started = time.perf_counter()
        self._preload = setup_imports([s.skeleton for s in self.specs])
        self._zygote_log = Path(log_dir or self.scratch) / "zygote.log"
        self.zygote = Zygote(self._preload, self._zygote_log)
        self.zygote_seconds = time.perf_counter() - started
        self.kernel_settings = {
            "env": kernel_policy.kernel_environment(), "hidden_paths": sorted({str(self.root), str(ROOT)}),
            "memory_bytes": self.settings.memory_bytes, "file_bytes": self.settings.file_bytes,
            "read_paths": self.read_paths, "landlock": bool(self.landlock_abi),
            "namespaces": confinement["namespaces"], "own_uid": confinement["own_uid"],
            "pids_cgroup": confinement["pids_cgroup"],
            "max_processes": self.settings.max_processes,
            "no_unix_sockets": confinement["no_unix_sockets"]}
        self._spawned = threading.local()  # the kernels each grading thread started
        self._counter = 0
        self._prepared = {}
        self._lock = threading.Lock()
        source = self.root / coursedir.source_directory / assignment
        self.source_files = [p for p in source.rglob("*") if p.is_file() and p.suffix != ".ipynb"
                             and not p.is_symlink() and ".ipynb_checkpoints" not in p.parts]
        self.source_dir = source

    def spawn(self, run_dir, work_dir):
        """A new kernel; if the zygote itself died (it never runs student code), start another."""
        with self._lock:
            if not self.zygote.alive():
                self.zygote.close()
                self.zygote = Zygote(self._preload, self._zygote_log)
            zygote = self.zygote
        kernel = zygote.spawn(run_dir, work_dir, self.kernel_settings)
        self._spawned.__dict__.setdefault("kernels", []).append(kernel)
        return kernel

    def _containment_events(self):
        """What the confinement of this thread's kernels did (e.g. refused processes)."""
        kernels, self._spawned.kernels = getattr(self._spawned, "kernels", []), []
        return list(dict.fromkeys(event for kernel in kernels for event in kernel.events))

    def close(self):
        self.zygote.close()
        if not self.settings.keep_workspace:
            shutil.rmtree(self.scratch, ignore_errors=True)

    # -- a whole submission ---------------------------------------------------
    def grade(self, student):
        """A :class:`StudentResult` for ``submitted/<student>/<assignment>/``; never raises."""
        result = StudentResult(student)
        started = time.perf_counter()
        with self._lock:
            self._counter += 1
            slot = self.scratch / f"s{self._counter:05d}"
        submission = self.root / self.coursedir.submitted_directory / student / self.assignment
        try:
            self._grade(submission, slot, result)
        except Exception as error:  # a bug or an unforeseen file: zero, and say so
            result.events.append(f"the grader could not grade this submission "
                                 f"({type(error).__name__}: {error}); it scores 0 for now")
            for spec in self.specs:
                result.scores[spec.name] = {g: 0.0 for g in spec.points}
                result.max_scores[spec.name] = dict(spec.points)
        finally:
            if not self.settings.keep_workspace:
                shutil.rmtree(slot, ignore_errors=True)
        result.timings["total"] = time.perf_counter() - started
        return result

    def _grade(self, submission, slot, result):
        work = slot / "work"
        work.mkdir(parents=True)
        names = {spec.name for spec in self.specs}
        self._spawned.kernels = []  # none of an earlier submission's kernels are reported here
        refused = intake.refused_folder(submission, self.root / self.coursedir.submitted_directory)
        if refused:  # submitted/<student> or its <assignment> folder leads elsewhere
            result.events.append(f"{refused}; it was refused: nothing in it was graded")
        refused_names = set()
        for path in sorted(submission.rglob("*")) if submission.is_dir() and not refused else []:
            relative = path.relative_to(submission)
            if ".ipynb_checkpoints" in relative.parts:
                continue
            problem = intake.refused_file(path)
            if problem:
                refused_names.add(str(relative))
                if not (path.suffix == ".ipynb" and path.stem in names and path.exists()
                        and len(relative.parts) == 1):  # reconcile says so for notebooks
                    result.events.append(f"'{relative}' {problem}; it was refused")
                continue
            if not path.is_file():
                continue
            if path.suffix != ".ipynb":
                try:
                    intake.copy_nofollow(path, work / relative)
                except OSError as error:
                    result.events.append(f"'{relative}' could not be read "
                                         f"({error.strerror or error}); it was refused")
                    continue
            result.files.append(relative)
            if path.suffix == ".ipynb" and path.stem not in names and len(relative.parts) == 1:
                result.events.append(f"extra notebook '{relative}' is not part of the "
                                     f"assignment; it was not graded")
        if refused:
            for spec in self.specs:
                result.max_scores[spec.name] = dict(spec.points)
                result.scores[spec.name] = {g: 0.0 for g in spec.points}
                result.notebooks[spec.name] = None
            return
        for source in self.source_files:  # data files that come with the assignment
            target = work / source.relative_to(self.source_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        if "timestamp.txt" not in refused_names:
            result.timestamp = self.coursedir.get_existing_timestamp(str(submission))
        for spec in self.specs:
            result.max_scores[spec.name] = dict(spec.points)
            result.scores[spec.name] = {g: 0.0 for g in spec.points}
            path = submission / f"{spec.name}.ipynb"
            if not path.exists():
                result.events.append(f"no notebook '{spec.name}.ipynb' was submitted: "
                                     f"its {sum(spec.points.values()):g} points score 0")
                result.notebooks[spec.name] = None
                continue
            try:
                submitted, events = reconcile.read_submission(path)
            except reconcile.Unreadable as problem:
                result.events.append(f"'{spec.name}.ipynb': {problem}; it scores 0")
                result.notebooks[spec.name] = None
                continue
            result.events.extend(f"'{spec.name}.ipynb': {e}" for e in events)
            notebook, events, roles = reconcile.reconcile(submitted, spec.skeleton,
                                                          spec.test_sources)
            result.events.extend(f"'{spec.name}.ipynb': {e}" for e in events)
            self._run(notebook, roles, work, slot / f"run-{spec.name}", spec, result)
            result.events.extend(self._containment_events())
            result.notebooks[spec.name] = notebook

    # -- executing one notebook -----------------------------------------------
    def _run(self, notebook, roles, work, run_dir, spec, result):
        s = self.settings
        timings = result.timings
        code = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
        student_cells = [i for i in code if roles[i] in ("answer", "extra")]
        first_student = student_cells[0] if student_cells else len(notebook.cells)
        prepared = {i: self.prepare(notebook.cells[i].source) for i in code if roles[i] == "test"}
        executions, notes = {}, {}  # cell index -> kernels.Execution / results.Note
        skip, start_at, restarts = set(), 0, 0
        deadline = time.monotonic() + s.notebook_timeout
        restored, audit = set(), []
        while True:
            crashed, last = None, None
            t0 = time.perf_counter()
            kernel = self.spawn(run_dir / f"k{restarts}", work)
            try:
                kernel.connect()
                timings["kernel_start"] = timings.get("kernel_start", 0) + time.perf_counter() - t0
                memory_at_start = kernel.memory()
                snapshot_taken = False
                for i in code:
                    if i in skip:
                        continue
                    replay = i < start_at
                    if not snapshot_taken and i >= first_student:
                        self._agent(kernel, "snapshot", result)
                        snapshot_taken = True
                    if roles[i] == "test":
                        reply = self._agent(kernel, "restore", result)
                        restored.update(reply.get("restored", []))
                    left = deadline - time.monotonic()
                    if left <= 0:
                        notes[i] = Note("NotRun", f"not run: the notebook used up its "
                                        f"{s.notebook_timeout:g} s")
                        continue
                    timeout = min(s.cell_timeout, left)
                    last = i
                    source = prepared[i].source if i in prepared else notebook.cells[i].source
                    execution = kernel.execute(source, timeout, s.max_output_chars)
                    bucket = "setup" if i < first_student else "cells"
                    timings[bucket] = timings.get(bucket, 0) + execution.seconds
                    if execution.timed_out and memory_at_start:
                        execution.memory_full = (kernel.memory() - memory_at_start
                                                 > 0.9 * s.memory_bytes)
                    if execution.asked_exit:  # exit()/quit(): the kernel ends after this cell
                        execution.died = True
                        kernel.exit_status = "exit() was called"
                    if execution.timed_out or execution.died:
                        executions[i] = execution
                        crashed = Crash(i, execution.timed_out, execution.memory_full,
                                        kernel.exit_status)
                        break
                    if not replay:
                        executions[i] = execution
            except KernelDied:
                if crashed is None and last is not None and roles[last] in ("answer", "extra"):
                    executions.pop(last, None)  # it ended the kernel once it had finished
                    crashed = Crash(last, status=kernel.exit_status)
                crashed = crashed or Crash(None, status=kernel.exit_status)
            finally:
                audit.extend(kernel.audit_log())
                kernel.kill()
            if crashed is None:
                break
            index, status = crashed.index, crashed.status
            if index is not None and roles[index] == "fixed" and index < first_student:
                # no student code had run: the grader's problem, not the student's; retry
                executions.pop(index, None)
                restarts += 1
                result.events.append(f"the assignment's own cell {cell_name(notebook.cells[index], index)} "
                                     f"did not complete (the machine may be overloaded); the "
                                     f"notebook was run again in a new kernel")
                if restarts > s.max_restarts:
                    for i in code:
                        if i not in executions:
                            notes[i] = Note("NotRun", "not run: the grader could not start "
                                            "this notebook; grade it again")
                    break
                continue
            if index is None:
                result.events.append("the kernel stopped between cells; the notebook was run "
                                     "again in a new kernel")
                restarts += 1
            else:
                name = cell_name(notebook.cells[index], index)
                if crashed.timed_out and crashed.memory_full:
                    message = (f"cell {name} used up its memory (each submission may use "
                               f"{s.memory_bytes / 2**30:g} GB more than the kernel at start) and "
                               f"stopped responding")
                    notes[index] = Note("MemoryError", message + "; it was stopped")
                elif crashed.timed_out:
                    if time.monotonic() >= deadline:
                        message = (f"the notebook used up its {s.notebook_timeout:g} s in cell "
                                   f"{name}")
                    else:
                        message = (f"cell {name} did not finish within {timeout:g} s (an endless "
                                   f"loop or far too much work?)")
                    notes[index] = Note("CellTimeoutError", message + "; it was stopped")
                else:
                    message = (f"the kernel stopped while running cell {name} (exit status "
                               f"{status}: os._exit, exit(), a crash or the memory limit)")
                    notes[index] = Note("KernelDied", message)
                skip.add(index)
                start_at = max(start_at, index + 1)
                restarts += 1
                later = "the notebook was run again in a new kernel without it, so later cells " \
                        "still count" if restarts <= s.max_restarts else \
                        "it happened too often, so the remaining cells were not run"
                result.events.append(f"{message}; {later}")
            if restarts > s.max_restarts or time.monotonic() >= deadline:
                for i in code:
                    if i >= start_at and i not in executions and i not in notes:
                        notes[i] = Note("NotRun", "not run: the grader gave up on this "
                                        "notebook after repeated crashes or time-outs")
                break
        self._report_audit(audit, result)
        if restored:
            result.events.append("student code had changed " + ", ".join(sorted(restored)[:12]) +
                                 (" and more" if len(restored) > 12 else "") +
                                 "; these were put back before every test cell")
        judge_notebook(NotebookRun(notebook, roles, code, prepared, executions, notes), spec,
                       self.settings, result)

    def _agent(self, kernel, action, result):
        try:
            reply = kernel.request(action, timeout=30)
        except TimeoutError:
            reply = {"status": "error", "error": "no answer"}
        if reply.get("status") != "ok":
            message = f"the grader's {action} inside the kernel failed ({reply.get('error')})"
            if message not in result.events:
                result.events.append(message)
        return reply

    def _report_audit(self, audit, result):
        seen = []
        for entry in audit:
            path = entry.get("path", "?")
            verb = "write" if entry.get("write") else "read"
            if (verb, path) in seen:
                continue
            seen.append((verb, path))
        for verb, path in seen[:10]:
            shown = path
            try:
                shown = str(Path(path).relative_to(self.root))
                where = "the course folder"
            except ValueError:
                where = "outside its folder"
            confined = "refused by the sandbox" if self.landlock_abi else "NOT confined: see the log"
            result.events.append(f"code tried to {verb} '{shown}' ({where}; {confined})")
        if len(seen) > 10:
            result.events.append(f"... and {len(seen) - 10} more such attempts")

    def prepare(self, source):
        """The test cell split into the kernel's probe and the grader's judgments (cached)."""
        prepared = self._prepared.get(source)
        if prepared is None:
            prepared = self._prepared[source] = rewrite.rewrite(source)
        return prepared

# ----------------------------------------------------------------------------- the batch
def grade_assignment(coursedir, assignment, students, settings=None, progress=None):
    """Grade ``students``' submissions of ``assignment`` into the gradebook; a BatchResult.

    ``progress`` (e.g. a :class:`grading.progress.Progress`) is called with each
    StudentResult as soon as that submission is graded."""
    settings = settings or Settings.from_config(coursedir.config)
    started = time.perf_counter()
    grader = Grader(coursedir, assignment, settings)
    writer = GradebookWriter(coursedir, assignment)
    writer.start()
    results = []
    try:
        with ThreadPoolExecutor(max_workers=settings.workers) as pool:
            futures = [pool.submit(grader.grade, student) for student in students]
            for future in as_completed(futures):  # as each finishes, for the progress bar
                result = future.result()
                writer.inbox.put(result)
                results.append(result)
                if progress:
                    progress(result)
        order = {student: i for i, student in enumerate(students)}
        results.sort(key=lambda r: order[r.student])
    finally:
        writer.inbox.put(None)
        writer.join()
        grader.close()
    return BatchResult(assignment, results, time.perf_counter() - started, grader.zygote_seconds,
                       grader.landlock_abi, writer.seconds, writer.errors, grader.confinement)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Grade one assignment's submissions.")
    parser.add_argument("assignment")
    parser.add_argument("--root", default=str(ROOT))
    parser.add_argument("--student", action="append")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--report", default="grading_report.md")
    args = parser.parse_args(argv)
    from grading.settings import course_directory

    root = Path(args.root).resolve()
    coursedir = course_directory(root)
    submitted = root / coursedir.submitted_directory
    students = args.student or sorted(p.name for p in submitted.iterdir()
                                       if (p / args.assignment).is_dir())
    overrides = {"workers": args.workers} if args.workers else {}
    batch = grade_assignment(coursedir, args.assignment, students,
                             Settings.from_config(coursedir.config, **overrides))
    print("\n".join(batch.report_lines()))
    write_report([batch], root / args.report)
    return 1 if batch.errors else 0


if __name__ == "__main__":
    sys.exit(main())
