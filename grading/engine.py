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
   notebook, restore the test state before every graded cell (agent.py), judge
   literal checks outside the kernel (rewrite.py), and compute each graded
   cell's score exactly as nbgrader does (``nbgrader.utils.determine_grade``);
4. ONE writer thread puts the scores into the gradebook (nbgrader's API and
   tables, so ``nbgrader generate_feedback``/``export`` and formgrader work) and
   writes ``autograded/<student>/<assignment>/``;
5. return a report that says in words what happened to each student.

A cell that runs away (time limit) or kills its kernel is recorded as failed,
skipped, and the notebook is run again in a new kernel without it, so the other
parts still get the points they earn.
"""

import argparse
import ast
import errno
import json
import os
import queue
import shutil
import stat
import sys
import tempfile
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.v4 import new_output

from grading import reconcile, rewrite, sandbox
from grading.settings import Settings
from grading.kernels import KernelDied, Zygote

ROOT = Path(__file__).resolve().parent.parent
# nbgrader's gradebook API triggers SQLAlchemy autoflush warnings that mean nothing here.
warnings.filterwarnings("ignore", message=".*not in session.*")


@dataclass
class NotebookSpec:
    """What the gradebook and the release say about one notebook of the assignment."""

    name: str
    skeleton: object
    test_sources: dict
    points: dict  # grade_id -> max points
    solution_ids: list


@dataclass
class StudentResult:
    student: str
    scores: dict = field(default_factory=dict)  # notebook -> {grade_id: score}
    max_scores: dict = field(default_factory=dict)
    events: list = field(default_factory=list)
    notebooks: dict = field(default_factory=dict)  # notebook -> graded NotebookNode (or None)
    comments: dict = field(default_factory=dict)  # notebook -> {grade_id: auto_comment}
    timings: dict = field(default_factory=dict)
    files: list = field(default_factory=list)
    timestamp: object = None

    @property
    def score(self):
        return sum(s or 0 for per in self.scores.values() for s in per.values())

    @property
    def max_score(self):
        return sum(per_max for per in self.max_scores.values() for per_max in per.values())

    def part_scores(self):
        parts = {}
        for notebook, per in self.scores.items():
            for grade_id, score in per.items():
                part = grade_id.split("_")[0]
                got, most = parts.get(part, (0.0, 0.0))
                parts[part] = (got + (score or 0), most + self.max_scores[notebook][grade_id])
        return parts


# ----------------------------------------------------------------------------- setup
def _setup_imports(skeletons):
    """Import statements of the locked setup code cells (what every kernel needs)."""
    statements = ["import optbook.checks"]
    for skeleton in skeletons:
        for cell in skeleton.cells:
            info = cell.get("metadata", {}).get("nbgrader", {})
            if cell.cell_type != "code" or info.get("grade") or info.get("solution"):
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    statements.append(ast.unparse(node))
    return list(dict.fromkeys(statements))


def _inside_a_course(path):
    """True if ``path`` is in a folder that looks like a course (solutions, gradebook, config)."""
    for folder in [path, *Path(path).parents]:
        if (folder / "nbgrader_config.py").exists() or (folder / "solutions").is_dir():
            return True
    return False


def _read_paths(course_root):
    """What a kernel may read: Python, installed packages, system files, the data folder.

    Never the course folder, nor any folder inside a course-like folder (the repository
    holds solutions/ and grading/assignments/, which contain the answers), except the
    Python environment and optbook's own source, which are named explicitly.
    """
    import optbook

    explicit = {sys.prefix, sys.base_prefix, sys.exec_prefix,
                str(Path(optbook.__file__).resolve().parent.parent)}
    explicit.update(str(Path(__file__).resolve().parent / name)  # the grader's kernel-side code
                    for name in ("__init__.py", "agent.py", "sandbox.py", "zygote.py"))
    if os.environ.get("OPTBOOK_DATA_DIR"):
        explicit.add(os.environ["OPTBOOK_DATA_DIR"])
    system = {"/usr", "/lib", "/lib64", "/lib32", "/etc", "/proc", "/sys", "/dev/null",
              "/dev/zero", "/dev/urandom", "/dev/random", "/opt/conda"}
    others = {p for p in sys.path if p and os.path.isdir(p)}
    root = os.path.realpath(course_root)
    allowed = []
    for path in sorted(explicit | system | others):
        real = os.path.realpath(path)
        if not os.path.exists(real) or real == root or root.startswith(real.rstrip("/") + "/"):
            continue  # never the course folder itself or a folder holding it
        if path in others and path not in explicit and _inside_a_course(Path(real)):
            continue
        allowed.append(real)
    return sorted(set(allowed))


def _kernel_environment():
    keep = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "OPTBOOK_DATA_DIR", "MPLBACKEND")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env.setdefault("MPLBACKEND", "Agg")
    env.update({"PYDEVD_DISABLE_FILE_VALIDATION": "1", "OMP_NUM_THREADS": "1",
                "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                "NBGRADER_EXECUTION": "autograde", "PYTHONHASHSEED": "0"})
    return env


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


# ----------------------------------------------------------------------------- one notebook
def _error_output(name, message):
    return new_output("error", ename=name, evalue=message,
                      traceback=[f"\x1b[0;31m{name}\x1b[0m: {message}"])


def _cell_name(cell, index):
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f"'{grade_id}'" if grade_id else f"number {index + 1} (added by the student)"


def _refused_folder(submission, submitted):
    """Why submitted/<student>/<assignment> may not be read (a symbolic link, or a folder
    that resolves outside ``submitted``), or None."""
    student = submission.parent
    for folder in (student, submission):
        if folder.is_symlink():
            return f"the folder '{folder.relative_to(submitted)}' is a symbolic link"
    if submission.exists() and os.path.realpath(submission) != os.path.join(
            os.path.realpath(submitted), student.name, submission.name):
        return (f"the folder '{submission.relative_to(submitted)}' resolves outside the "
                f"submitted folder")
    return None


def _refused_file(path):
    """Why a submitted file may not be read (a symbolic or a hard link), or None."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link"
    if stat.S_ISREG(info.st_mode) and info.st_nlink > 1:
        return f"is a hard link (the file has {info.st_nlink} names)"
    return None


def _copy_nofollow(source, target):
    """Copy the plain file ``source`` without following a symbolic link to it."""
    fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink > 1:
            raise OSError(errno.EPERM, "not a plain file with one name")
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(fd, "rb", closefd=False) as reader, open(target, "wb") as writer:
            shutil.copyfileobj(reader, writer)
    finally:
        os.close(fd)


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
        self.read_paths = _read_paths(self.root)
        self.landlock_abi = sandbox.landlock_abi() if self.settings.landlock else 0
        confinement = sandbox.capabilities()  # what this machine allows (tried once, by a fork)
        started = time.perf_counter()
        self._preload = _setup_imports([s.skeleton for s in self.specs])
        self._zygote_log = Path(log_dir or self.scratch) / "zygote.log"
        self.zygote = Zygote(self._preload, self._zygote_log)
        self.zygote_seconds = time.perf_counter() - started
        self.kernel_settings = {
            "env": _kernel_environment(), "hidden_paths": sorted({str(self.root), str(ROOT)}),
            "memory_bytes": self.settings.memory_bytes, "file_bytes": self.settings.file_bytes,
            "read_paths": self.read_paths, "landlock": bool(self.landlock_abi),
            "namespaces": confinement["namespaces"], "own_uid": confinement["own_uid"],
            "pids_cgroup": confinement["pids_cgroup"],
            "max_processes": confinement["max_processes"],
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
        refused = _refused_folder(submission, self.root / self.coursedir.submitted_directory)
        if refused:  # submitted/<student> or its <assignment> folder leads elsewhere
            result.events.append(f"{refused}; it was refused: nothing in it was graded")
        refused_names = set()
        for path in sorted(submission.rglob("*")) if submission.is_dir() and not refused else []:
            relative = path.relative_to(submission)
            if ".ipynb_checkpoints" in relative.parts:
                continue
            problem = _refused_file(path)
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
                    _copy_nofollow(path, work / relative)
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
        executions, notes = {}, {}
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
                        notes[i] = ("NotRun", f"not run: the notebook used up its "
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
                        crashed = (i, execution, kernel.exit_status)
                        break
                    if not replay:
                        executions[i] = execution
            except KernelDied:
                if crashed is None and last is not None and roles[last] in ("answer", "extra"):
                    executions.pop(last, None)  # it ended the kernel once it had finished
                    dead = type("Ended", (), {"timed_out": False, "memory_full": False})()
                    crashed = (last, dead, kernel.exit_status)
                crashed = crashed or (None, None, kernel.exit_status)
            finally:
                audit.extend(kernel.audit_log())
                kernel.kill()
            if crashed is None:
                break
            index, execution, status = crashed
            if index is not None and roles[index] == "fixed" and index < first_student:
                # no student code had run: the grader's problem, not the student's; retry
                executions.pop(index, None)
                restarts += 1
                result.events.append(f"the assignment's own cell {_cell_name(notebook.cells[index], index)} "
                                     f"did not complete (the machine may be overloaded); the "
                                     f"notebook was run again in a new kernel")
                if restarts > s.max_restarts:
                    for i in code:
                        if i not in executions:
                            notes[i] = ("NotRun", "not run: the grader could not start this "
                                        "notebook; grade it again")
                    break
                continue
            if index is None:
                result.events.append("the kernel stopped between cells; the notebook was run "
                                     "again in a new kernel")
                restarts += 1
            else:
                name = _cell_name(notebook.cells[index], index)
                if execution.timed_out and execution.memory_full:
                    message = (f"cell {name} used up its memory (each submission may use "
                               f"{s.memory_bytes / 2**30:g} GB more than the kernel at start) and "
                               f"stopped responding")
                    notes[index] = ("MemoryError", message + "; it was stopped")
                elif execution.timed_out:
                    if time.monotonic() >= deadline:
                        message = (f"the notebook used up its {s.notebook_timeout:g} s in cell "
                                   f"{name}")
                    else:
                        message = (f"cell {name} did not finish within {timeout:g} s (an endless "
                                   f"loop or far too much work?)")
                    notes[index] = ("CellTimeoutError", message + "; it was stopped")
                else:
                    message = (f"the kernel stopped while running cell {name} (exit status "
                               f"{status}: os._exit, exit(), a crash or the memory limit)")
                    notes[index] = ("KernelDied", message)
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
                        notes[i] = ("NotRun", "not run: the grader gave up on this notebook "
                                    "after repeated crashes or time-outs")
                break
        self._report_audit(audit, result)
        if restored:
            result.events.append("student code had changed " + ", ".join(sorted(restored)[:12]) +
                                 (" and more" if len(restored) > 12 else "") +
                                 "; these were put back before every test cell")
        self._judge(notebook, roles, code, prepared, executions, notes, spec, result)

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

    def _verdict(self, prepared, execution, name, outputs, result):
        """True if the test cell earns its points: every check of it judged here, in the
        grader's process, on the answers the kernel sent, and none failed. Adds one error
        output per failed check, in words."""
        if prepared.problems:
            outputs.append(_error_output("GradingError", "this test cannot be judged outside "
                                         "the kernel: " + "; ".join(prepared.problems)))
            result.events.append(f"test cell {name} cannot be judged outside the kernel "
                                 f"({prepared.problems[0]}); it scores 0: fix the assignment")
            return False
        if execution is None:
            return False
        received = {}
        for record in execution.records:
            key = record.get("key") if type(record) is dict else None
            if type(key) is int and key in prepared.probes:
                received.setdefault(key, []).append(record.get("values"))
        failures = []
        for key, probe in sorted(prepared.probes.items()):
            for values in received.get(key, []):
                problem = rewrite.judge(probe, values, self.settings.show_expected)
                if problem is not None:
                    failures.append(problem)
        missing = [key for key in prepared.probes if key not in received]
        for problem in dict.fromkeys(failures):
            outputs.append(_error_output("AssertionError", problem))
        errored = execution.status == "error" or any(o.output_type == "error" for o in outputs)
        if missing and not errored:
            outputs.append(_error_output(
                "AssertionError", "the test did not run to completion: "
                f"{len(missing)} of its checks never reported a result"))
            result.events.append(f"test cell {name}: {len(missing)} check(s) never "
                                 f"reported (the test was skipped or interrupted); "
                                 f"it scores 0")
        return not failures and not missing and not errored

    def _judge(self, notebook, roles, code, prepared, executions, notes, spec, result):
        from nbgrader.utils import compute_checksum, determine_grade

        passed = {}
        for i in code:
            cell = notebook.cells[i]
            execution = executions.get(i)
            name = _cell_name(cell, i)
            outputs = list(execution.outputs) if execution else []
            if execution is not None:
                if execution.dropped:
                    result.events.append(f"cell {name} printed too much; "
                                         f"{execution.dropped:,} characters of output were "
                                         f"dropped")
                    outputs.append(new_output("stream", name="stdout", text=(
                        f"[the grader dropped {execution.dropped:,} characters of output]\n")))
                errors = [o for o in outputs if o.output_type == "error"]
                if execution.status == "error" and not errors:
                    error = execution.error or {}
                    outputs.append(_error_output(
                        error.get("ename") or "Error",
                        f"{error.get('evalue') or ''} (the error display had been switched off)"))
                    result.events.append(f"cell {name} raised {error.get('ename')} but its "
                                         f"traceback display had been silenced; it counted as "
                                         f"an error")
                for error in errors:
                    ename = error.get("ename")
                    if ename == "MemoryError" or "DefaultCPUAllocator" in str(error.get("evalue")):
                        result.events.append(f"cell {name} ran out of memory (each submission "
                                             f"may use {self.settings.memory_bytes / 2**30:g} "
                                             f"GB more than the kernel at start)")
                    elif ename in ("SystemExit", "KeyboardInterrupt"):
                        result.events.append(f"cell {name} raised {ename}; it counted as an "
                                             f"error in that cell only")
            if i in notes:
                outputs.append(_error_output(*notes[i]))
            if roles[i] == "test":
                passed[i] = self._verdict(prepared[i], execution, name, outputs, result) \
                    and i not in notes
            cell.outputs = outputs
            cell.execution_count = None
        scores, comments = {}, {}
        for cell in notebook.cells:
            info = cell.get("metadata", {}).get("nbgrader", {})
            grade_id = info.get("grade_id")
            if info.get("grade") and grade_id in spec.points:
                cell.metadata.nbgrader["points"] = spec.points[grade_id]
                index = notebook.cells.index(cell)
                if index in passed:  # a test cell: only the grader's own judgments count
                    scores[grade_id] = spec.points[grade_id] if passed[index] else 0.0
                else:
                    scores[grade_id], _ = determine_grade(cell)
            if info.get("solution") and grade_id:
                unchanged = info.get("checksum") == compute_checksum(cell)
                comments[grade_id] = "No response." if unchanged else None
        result.scores[spec.name] = {g: scores.get(g, 0.0) for g in spec.points}
        result.comments[spec.name] = comments


# ----------------------------------------------------------------------------- the writer
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


# ----------------------------------------------------------------------------- the batch
@dataclass
class BatchResult:
    assignment: str
    results: list
    seconds: float
    zygote_seconds: float
    landlock_abi: int
    writer_seconds: dict
    errors: list

    def report_lines(self):
        lines = [f"## {self.assignment}: {len(self.results)} submission(s) in "
                 f"{self.seconds:.1f} s",
                 "",
                 "Filesystem sandbox: " + (f"Landlock ABI {self.landlock_abi} (each kernel "
                                          f"reads only Python, packages, data; writes only its "
                                          f"own copy)" if self.landlock_abi else
                                          "NOT available on this machine: grade untrusted "
                                          "submissions in a container (see the instructors' "
                                          "guide)"),
                 ""]
        lines += [f"- {line}" for line in sandbox.describe(sandbox.capabilities())] + [""]
        for result in sorted(self.results, key=lambda r: r.student):
            parts = ", ".join(f"{p} {got:g}/{most:g}" for p, (got, most) in
                              sorted(result.part_scores().items()))
            lines.append(f"- **{result.student}**: {result.score:g} / {result.max_score:g}"
                         + (f" ({parts})" if parts else ""))
            for event in result.events:
                lines.append(f"  - {event}")
        return lines


def grade_assignment(coursedir, assignment, students, settings=None, progress=None):
    """Grade ``students``' submissions of ``assignment`` into the gradebook; a BatchResult."""
    settings = settings or Settings.from_config(coursedir.config)
    started = time.perf_counter()
    grader = Grader(coursedir, assignment, settings)
    writer = GradebookWriter(coursedir, assignment)
    writer.start()
    results = []
    try:
        with ThreadPoolExecutor(max_workers=settings.workers) as pool:
            for result in pool.map(grader.grade, students):
                writer.inbox.put(result)
                results.append(result)
                if progress:
                    progress(result)
    finally:
        writer.inbox.put(None)
        writer.join()
        grader.close()
    return BatchResult(assignment, results, time.perf_counter() - started, grader.zygote_seconds,
                       grader.landlock_abi, writer.seconds, writer.errors)


def write_report(batches, path):
    """The instructor's report (Markdown) and the same facts as JSON beside it."""
    path = Path(path)
    lines = ["# Grading report", ""]
    data = {}
    for batch in batches:
        lines += batch.report_lines() + [""]
        data[batch.assignment] = {
            r.student: {"score": r.score, "max_score": r.max_score, "events": r.events,
                        "parts": {p: list(v) for p, v in r.part_scores().items()},
                        "scores": r.scores}
            for r in batch.results}
    path.write_text("\n".join(lines) + "\n")
    path.with_suffix(".json").write_text(json.dumps(data, indent=1, default=str) + "\n")
    return path


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
