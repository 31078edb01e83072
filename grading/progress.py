"""What ``make grade`` shows while it grades: a tqdm bar in a terminal, plain lines otherwise.

Per assignment: submissions done out of all, the student just graded, the
estimated time left and the failures so far. A *failure* is a submission the
grader could not grade or record (an error of the grader or the gradebook, not a
low score). In a terminal this is one tqdm bar per assignment; when the output is
not a terminal (CI, a log file, a pipe) each graded submission is one plain line,
e.g. ``gd: 3/8 graded (ada, 15/15), 0 failed, about 0:12 left``.
"""

import os
import sys
import time

from tqdm import tqdm


def failed(result):
    """True if the grader could not grade or record this submission (a StudentResult)."""
    return any(event.startswith(("the grader could not grade", "the gradebook could not be"))
               for event in result.events)


def _size(stream):
    """The terminal's (columns, rows); 80 x 24 where it says 0 (a new pseudo-terminal does,
    and tqdm would then draw nothing)."""
    try:
        size = os.get_terminal_size(stream.fileno())
        return size.columns or 80, size.lines or 24
    except (OSError, ValueError, AttributeError):
        return 80, 24


class Progress:
    """Progress of one assignment's batch; call :meth:`done` once per graded submission."""

    def __init__(self, assignment, total, stream=None, terminal=None):
        self.assignment, self.total = assignment, total
        self.stream = stream or sys.stderr
        self.terminal = self.stream.isatty() if terminal is None else terminal
        self.count = self.failures = 0
        self.started = time.monotonic()
        self.bar = None
        if self.terminal:
            columns, rows = _size(self.stream)
            self.bar = tqdm(total=total, desc=assignment, unit="submission", file=self.stream,
                            ncols=columns, nrows=rows, leave=True,
                            bar_format="{desc}: {n_fmt}/{total_fmt} |{bar}| "
                                       "[{elapsed}<{remaining}]{postfix}")
            self.bar.set_postfix_str("failed 0", refresh=True)
        else:
            print(f"{assignment}: grading {total} submission(s)", file=self.stream, flush=True)

    def done(self, result):
        self.count += 1
        self.failures += failed(result)
        score = f"{result.score:g}/{result.max_score:g}"
        if self.bar is not None:
            self.bar.set_postfix_str(f"{result.student} {score}, failed {self.failures}",
                                     refresh=False)
            self.bar.update(1)
            return
        elapsed = time.monotonic() - self.started
        left = elapsed / self.count * (self.total - self.count)
        print(f"{self.assignment}: {self.count}/{self.total} graded ({result.student}, {score}), "
              f"{self.failures} failed, about {tqdm.format_interval(left)} left",
              file=self.stream, flush=True)

    __call__ = done  # grading.engine.grade_assignment(progress=...) calls it with each result

    def close(self):
        if self.bar is not None:
            self.bar.close()
        else:
            print(f"{self.assignment}: {self.count}/{self.total} graded in "
                  f"{tqdm.format_interval(time.monotonic() - self.started)}, "
                  f"{self.failures} failed", file=self.stream, flush=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
