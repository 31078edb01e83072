"""Submissions that try to get out of their kernel's confinement (tests/test_containment.py).

Each case is the *honest* submission -- the released notebook with part 1 answered from
the solution, the other parts left as released -- plus one thing a student did:

- files that are links: the notebook is a symbolic or a hard link to the course's
  solution, the whole assignment folder is a symbolic link to another student's, an extra
  file is a symbolic link to the solution (and a cell tries to use it);
- an extra code cell, added after the part-1 answer cell, that starts 150 detached
  processes (new sessions, double forks), connects to a TCP port on the host's
  127.0.0.1 and to a Unix socket file on the host, or prints the uid and pid the kernel
  runs as.

:func:`build` writes them into a scratch course and returns ``{student: Case}``;
``expect`` is what the student must score, part by part: ``"honest"`` (part 1 only),
``"full"`` or ``"zero"``; ``words`` are what the report must say about them.
"""

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from grading import course as C

PROCESSES = 150


@dataclass
class Case:
    expect: str
    words: tuple = ()
    extra: dict = field(default_factory=dict)


def _answer_cells(nb, part):
    return [i for i, c in enumerate(nb.cells)
            if C.nbgrader_meta(c).get("solution") and C.part_of(c) == part]


# Every attack is a code cell of its own, put after the part-1 answer.
FLOOD = '''
import os, subprocess, time
MARK = "{mark}"  # a number no other process uses, so the test can find these in /proc
started = refused = 0
for i in range({count}):
    try:
        if i % 2:
            subprocess.Popen(["sleep", "600", MARK], start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        else:
            child = os.fork()
            if child == 0:  # double fork: the grandchild is nobody's child but init's
                try:
                    os.setsid()
                    if os.fork() == 0:
                        os.execvp("sleep", ["sleep", "600", MARK])
                    os._exit(0)
                finally:
                    os._exit(1)
            if os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]) != 0:
                raise OSError("the grandchild could not be started")
        started += 1
    except OSError as error:
        refused += 1
print(f"FLOOD started={{started}} refused={{refused}}")
'''

NETWORK = '''
import socket
reached = []
for host in ("127.0.0.1", "localhost"):
    try:
        with socket.create_connection((host, {port}), timeout=2) as connection:
            connection.sendall(b"escaped")
            reached.append(host)
    except OSError as error:
        print("NETWORK", host, type(error).__name__, error)
try:
    with socket.socket(socket.AF_UNIX) as connection:
        connection.connect("{unix}")
        connection.sendall(b"escaped")
        reached.append("{unix}")
except OSError as error:
    print("NETWORK unix", type(error).__name__, error)
print("NETWORK reached", reached)
'''

WHOAMI = '''
import os
print(f"WHOAMI uid={os.getuid()} euid={os.geteuid()} gid={os.getgid()} pid={os.getpid()} "
      f"processes={sum(name.isdigit() for name in os.listdir('/proc'))}")
'''

USE_LINKED_FILE = '''
import json
try:
    for cell in json.load(open("data.txt"))["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            exec("".join(cell["source"]), globals())
    print("LINKED read")
except Exception as error:
    print("LINKED refused:", type(error).__name__)
'''


def build(course, name, port, unix, mark, capped=True, source_root=C.ROOT):
    """Write the cases for assignment ``name`` into ``course``; ``port`` is a TCP port
    listening on the host, ``unix`` a Unix socket file anyone may connect to, ``mark`` a
    number the flood's processes carry; ``capped``: the machine caps processes (a pids
    cgroup), so the report must say the flood hit the cap."""
    course = Path(course)
    solution = C.source_path(name, course)
    parts = list(C.parts(name, source_root))
    honest = C.with_answers(name, keep_stub=set(parts[1:]), root=source_root)
    after_p1 = _answer_cells(honest, parts[0])[-1] + 1
    cases = {}

    def submit(student, notebook, case):
        C.submit(course, student, name, notebook)
        cases[student] = case
        return course / "submitted" / student / name

    def with_cell(code):
        nb = copy.deepcopy(honest)
        nb.cells.insert(after_p1, nbformat.v4.new_code_cell(code))
        return nb

    submit("honest", honest, Case("honest"))
    submit("full", C.with_answers(name, root=source_root), Case("full"))

    folder = course / "submitted" / "linked_notebook" / name
    folder.mkdir(parents=True)
    (folder / f"{name}.ipynb").symlink_to(solution)
    cases["linked_notebook"] = Case("zero", ("is a symbolic link; it was refused",))

    folder = course / "submitted" / "hardlinked_notebook" / name
    folder.mkdir(parents=True)
    os.link(solution, folder / f"{name}.ipynb")
    cases["hardlinked_notebook"] = Case("zero", ("hard link", "it was refused"))

    (course / "submitted" / "linked_folder").mkdir(parents=True)
    (course / "submitted" / "linked_folder" / name).symlink_to(
        course / "submitted" / "full" / name, target_is_directory=True)
    cases["linked_folder"] = Case("zero", ("is a symbolic link; it was refused",))

    folder = submit("linked_file", with_cell(USE_LINKED_FILE),
                    Case("honest", ("'data.txt' is a symbolic link; it was refused",)))
    (folder / "data.txt").symlink_to(solution)

    submit("process_flood", with_cell(FLOOD.format(mark=mark, count=PROCESSES)),
           Case("honest", ("processes or threads than the",) if capped else ()))
    submit("network", with_cell(NETWORK.format(port=port, unix=unix)), Case("honest"))
    submit("whoami", with_cell(WHOAMI), Case("honest"))
    return cases


def outputs(course, student, name, marker):
    """The text a cell of ``student``'s graded notebook printed on a line starting with
    ``marker`` (the first such line), or None."""
    path = Path(course) / "autograded" / student / name / f"{name}.ipynb"
    if not path.exists():
        return None
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            for line in str(output.get("text", "")).splitlines():
                if line.startswith(marker):
                    return line
    return None
