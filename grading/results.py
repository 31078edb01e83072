"""What grading found: per student, per batch, and the instructor's report.

Small named types replace the tuples the engine once passed around: a
:class:`Note` is why a cell has no honest result (it ran away, its kernel died,
it was not run), a :class:`Crash` is the cell that ended a kernel.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from grading import sandbox


@dataclass(frozen=True)
class Note:
    """Why a cell has no result of its own: an error name and a message, in words."""

    ename: str
    message: str


@dataclass(frozen=True)
class Crash:
    """The cell (``index``; None between cells) during which a kernel ended or was stopped."""

    index: int | None
    timed_out: bool = False
    memory_full: bool = False
    status: object = None  # the kernel's exit status, or why it ended


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


@dataclass
class BatchResult:
    assignment: str
    results: list
    seconds: float
    zygote_seconds: float
    landlock_abi: int
    writer_seconds: dict
    errors: list
    confinement: dict = field(default_factory=dict)  # sandbox.capabilities(), as used

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
        lines += [f"- {line}" for line in sandbox.describe(self.confinement)] + [""]
        for result in sorted(self.results, key=lambda r: r.student):
            parts = ", ".join(f"{p} {got:g}/{most:g}" for p, (got, most) in
                              sorted(result.part_scores().items()))
            lines.append(f"- **{result.student}**: {result.score:g} / {result.max_score:g}"
                         + (f" ({parts})" if parts else ""))
            for event in result.events:
                lines.append(f"  - {event}")
        return lines


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


