"""The grading engine's limits, as traitlets read from nbgrader_config.py.

One configuration serves ``make grade`` and ``GRADING_ENGINE=nbgrader make grade``:
the time limits are nbgrader's own traits (``Execute.timeout`` per cell,
``BudgetedExecute.notebook_timeout`` per notebook), and what only the engine
has (parallel workers, memory and process caps, ...) is the
:class:`GradingEngine` configurable below, set as ``c.GradingEngine.workers = 2``
in the same file.
"""

import os
from dataclasses import dataclass, replace

from traitlets import Bool, Integer
from traitlets.config import Configurable


def course_directory(root):
    """nbgrader's CourseDirectory configured by ``root``/nbgrader_config.py (its ``.config``
    is the whole loaded configuration)."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    return CourseDirectory(config=config)


class GradingEngine(Configurable):
    """What the project's grading engine needs beyond nbgrader's own settings."""

    workers = Integer(max(1, min(os.cpu_count() or 1, 4)),
                      help="Submissions graded at the same time (one kernel each).").tag(config=True)
    memory_mb = Integer(2048, help="Memory (MiB of address space) a kernel may add to what it "
                                   "maps at start.").tag(config=True)
    file_mb = Integer(100, help="The largest file a kernel may write (MiB).").tag(config=True)
    max_processes = Integer(64, help="Processes and threads one submission may run at "
                                     "once.").tag(config=True)
    max_restarts = Integer(3, help="Times a notebook is run again in a new kernel after a cell "
                                   "crashed it or ran out of time.").tag(config=True)
    max_output_chars = Integer(100_000, help="Output kept per cell; the rest is dropped and "
                                             "reported.").tag(config=True)
    landlock = Bool(True, help="Confine each kernel's files with Landlock where the machine "
                               "has it.").tag(config=True)
    keep_workspace = Bool(False, help="Keep each submission's scratch folder (for "
                                      "debugging).").tag(config=True)


@dataclass
class Settings:
    """The engine's limits for one grading run (see :func:`from_config`)."""

    cell_timeout: float
    notebook_timeout: float
    memory_bytes: int
    file_bytes: int
    max_processes: int
    workers: int
    max_restarts: int
    max_output_chars: int
    landlock: bool
    keep_workspace: bool
    show_expected: bool  # hidden checks' messages may show the expected values

    @classmethod
    def from_config(cls, config, **overrides):
        """Settings from a loaded nbgrader config (``course_directory(root).config``); the
        defaults are the traitlets' own."""
        from grading.execute import BudgetedExecute
        from grading.feedback import FeedbackSanitizer

        execute = BudgetedExecute(config=config)
        engine = GradingEngine(config=config)
        settings = cls(
            cell_timeout=float(execute.timeout if execute.timeout and execute.timeout > 0
                               else execute.notebook_timeout),  # nbgrader's "no cell limit"
            notebook_timeout=float(execute.notebook_timeout),
            memory_bytes=engine.memory_mb * 1024 ** 2, file_bytes=engine.file_mb * 1024 ** 2,
            max_processes=engine.max_processes, workers=max(1, engine.workers),
            max_restarts=engine.max_restarts, max_output_chars=engine.max_output_chars,
            landlock=engine.landlock, keep_workspace=engine.keep_workspace,
            show_expected=FeedbackSanitizer(config=config).show_expected)
        return replace(settings, **overrides)
