"""Which students a shard grades, and where its gradebook goes: ``make grade SHARD=i/N``.

A shard is written ``i/N`` with ``1 <= i <= N`` (one-based: shard 1/4 ... 4/4; a
Kubernetes Indexed Job's ``JOB_COMPLETION_INDEX`` is zero-based, so pod k grades
shard ``k+1/N``). Shard i of N grades the students found in ``submitted/``, sorted
by id, at positions i-1, i-1+N, i-1+2N, ... (round-robin): every student is in
exactly one shard, all of a student's assignments are in the same shard, the
shards' sizes differ by at most one, and the split depends only on the sorted list
of students (the same on every machine that has the same ``submitted/``).

Its grades go into ``gradebook-shard-i-of-N.db`` (SQLite) in the course directory;
its autograded notebooks and feedback go to ``autograded/`` and ``feedback/`` as
usual. ``python -m grading.merge`` merges the shards' gradebooks into the course's.
"""

import re
from pathlib import Path

SHARD_FILE = re.compile(r"^gradebook-shard-(\d+)-of-(\d+)\.db$")


def parse(text):
    """(i, N) from ``"i/N"``; ValueError in words if it is not a shard of 1 <= i <= N."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", str(text))
    if not match:
        raise ValueError(f"a shard is written i/N, e.g. 2/4 (got {text!r})")
    index, count = int(match[1]), int(match[2])
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"shard {index}/{count}: i must be between 1 and N (shards are "
                         f"numbered from 1; a Kubernetes JOB_COMPLETION_INDEX k is shard k+1)")
    return index, count


def select(students, index, count):
    """The students shard ``index`` of ``count`` grades: round-robin over the sorted ids."""
    return sorted(set(students))[index - 1::count]


def gradebook_name(index, count):
    return f"gradebook-shard-{index}-of-{count}.db"


def gradebook_path(root, index, count):
    return Path(root) / gradebook_name(index, count)


def db_url(root, index, count):
    return "sqlite:///" + str(Path(root).resolve() / gradebook_name(index, count))


def report_name(index, count):
    """The shard's own report (``grading_report-shard-i-of-N.md``, and ``.json`` beside it)."""
    return f"grading_report-shard-{index}-of-{count}.md"


def found(root):
    """{(i, N): path} of every gradebook-shard-i-of-N.db in the course directory."""
    out = {}
    for path in sorted(Path(root).iterdir()):
        match = SHARD_FILE.match(path.name)
        if match and path.is_file():
            out[(int(match[1]), int(match[2]))] = path
    return out


def copy_due_dates(course_url, shard_url, course_id):
    """Give a shard's gradebook the due dates the course gradebook has, so late penalties
    come out as on one machine (a shard starts from an empty gradebook)."""
    from nbgrader.api import Gradebook

    with Gradebook(course_url, course_id) as course:
        due = {a.name: a.duedate for a in course.assignments if a.duedate is not None}
    if due:
        with Gradebook(shard_url, course_id) as shard:
            for name, duedate in due.items():
                shard.update_or_create_assignment(name, duedate=duedate)
    return due
