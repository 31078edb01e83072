"""Each submission is contained: files that are links, processes, network, user.

The cases of tests/containment_corpus.py are graded with the project's grading command
in a scratch course, in one run for the module, and checked against the rules:

- a notebook, an extra file or a folder that is a link is refused, and the report says so;
- 150 detached processes hit the cap, and none of them is alive once grading returns;
- a kernel cannot connect to a port listening on the host's 127.0.0.1, nor to a Unix
  socket file on the host that anyone may use;
- a kernel does not run as root;
- the honest part of every case still scores, an honest student keeps full marks.

What a machine lacks is reported as NOT confined (the tests of that confinement are
skipped there). The unit tests at the end check the sandbox's pieces on their own.
"""

import json
import os
import random
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest

import containment_corpus
from grading import course as C
from grading import reconcile, sandbox

ASSIGNMENT = "gd"
CAPS = sandbox.capabilities()


class Listener:
    """A TCP port on the host's 127.0.0.1, or a Unix socket file anyone may connect to,
    that records every connection made to it."""

    def __init__(self, unix=None):
        if unix:
            self.socket = socket.socket(socket.AF_UNIX)
            self.socket.bind(unix)
            os.chmod(unix, 0o777)
        else:
            self.socket = socket.socket()
            self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.port = None if unix else self.socket.getsockname()[1]
        self.connections = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stop.is_set():
            try:
                connection, address = self.socket.accept()
            except (socket.timeout, OSError):
                continue
            self.connections.append(address)
            connection.close()

    def close(self):
        self.stop.set()
        self.thread.join()
        self.socket.close()


def _processes_with(text):
    """pids of the processes whose command line contains ``text``."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as handle:
                if text.encode() in handle.read():
                    found.append(int(name))
        except OSError:
            pass
    return found


def _kernel_uid_processes():
    """pids of processes running as a kernel's uid (KERNEL_UID_BASE and above) that this test
    process started: where kernels get pids cgroups, those under this grader's own
    (optbook-grading-<pid>), so that other graders on the machine do not count."""
    own = f"/optbook-grading-{os.getpid()}/" if CAPS["pids_cgroup"] else ""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status") as handle:
                kernel = any(line.startswith("Uid:") and
                             int(line.split()[1]) >= sandbox.KERNEL_UID_BASE for line in handle)
            with open(f"/proc/{name}/cgroup") as handle:
                if kernel and own in handle.read():
                    found.append(int(name))
        except (OSError, ValueError):
            pass
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    if ASSIGNMENT not in C.assignment_names():
        pytest.skip(f"no assignment {ASSIGNMENT} in solutions/")
    from grading.grade import REPORT_NAME, grade

    course = C.make_course(tmp_path_factory.mktemp("containment") / "course", [ASSIGNMENT])
    listener = Listener()
    folder = Path(tempfile.mkdtemp(prefix="optbook-containment-", dir="/tmp"))
    folder.chmod(0o755)
    unix = Listener(str(folder / "service.sock"))
    mark = f"0.{random.randrange(10 ** 11, 10 ** 12)}"
    cases = containment_corpus.build(course, ASSIGNMENT, listener.port, unix.socket.getsockname(),
                                     mark, capped=bool(CAPS["pids_cgroup"]))
    try:
        # alone: the check below counts every kernel on the machine, and the background
        # gradings of other test modules start kernels of their own
        with C.GRADINGS.alone(), C.environment(NBGRADER_CELL_TIMEOUT="10",
                                               NBGRADER_NOTEBOOK_TIMEOUT="60",
                                               GRADING_ENGINE="engine"):
            started = time.perf_counter()
            ok, _, table = grade(course, csv_name=None, with_feedback=True, quiet=True)
            seconds = time.perf_counter() - started
            left = _processes_with(mark)  # at once: nothing may outlive grade()
            kernels_left = _kernel_uid_processes()
    finally:
        listener.close()
        unix.close()
        shutil.rmtree(folder, ignore_errors=True)
    for pid in _processes_with(mark):  # do not leave them behind if the test fails
        try:
            os.kill(pid, 9)
        except OSError:
            pass
    report = json.loads((course / REPORT_NAME).with_suffix(".json").read_text())[ASSIGNMENT]
    return dict(ok=ok, table=table[ASSIGNMENT], cases=cases, course=course, report=report,
                markdown=(course / REPORT_NAME).read_text(), left=left,
                kernels_left=kernels_left, connections=listener.connections,
                unix_connections=unix.connections,
                seconds=seconds, log=(course / "grading.log").read_text())


def _printed(graded, student, marker):
    return containment_corpus.outputs(graded["course"], student, ASSIGNMENT, marker)


def test_the_batch_completes(graded):
    assert graded["ok"], graded["log"][-3000:]
    assert set(graded["report"]) == set(graded["cases"])
    assert all(score is not None for score, _ in graded["table"].values())


def test_each_case_scores_its_honest_work(graded):
    parts = {p: float(v) for p, v in C.parts(ASSIGNMENT).items()}
    first = next(iter(parts))
    wanted = {"honest": {p: (v if p == first else 0.0) for p, v in parts.items()},
              "full": parts, "zero": {p: 0.0 for p in parts}}
    wrong = []
    for student, case in graded["cases"].items():
        got = {p: g for p, (g, _) in graded["report"][student]["parts"].items()}
        if got != wanted[case.expect]:
            wrong.append(f"{student}: {got}, want {wanted[case.expect]}; "
                         f"report: {graded['report'][student]['events']}")
    assert not wrong, "\n".join(wrong)
    assert graded["report"]["full"]["events"] == []


def test_the_report_says_what_was_refused(graded):
    missing = []
    for student, case in graded["cases"].items():
        text = " ".join(graded["report"][student]["events"])
        missing += [f"{student}: no '{w}' in {graded['report'][student]['events']}"
                    for w in case.words if w not in text]
    assert not missing, "\n".join(missing)


def test_a_linked_extra_file_is_not_given_to_the_kernel(graded):
    line = _printed(graded, "linked_file", "LINKED")
    assert line is not None and "refused" in line, line
    assert not (graded["course"] / "autograded" / "linked_file" / ASSIGNMENT /
                "data.txt").exists()


def test_no_feedback_page_shows_a_hidden_line_or_reference(graded):
    from test_feedback import feedback_leaks

    pages, leaks = feedback_leaks(graded["course"], ASSIGNMENT, graded["cases"])
    assert not leaks, "\n".join(leaks[:10])
    assert pages >= 2


@pytest.mark.skipif(not CAPS["pid_namespace"], reason="no PID namespaces on this machine")
def test_no_process_outlives_its_grading(graded):
    assert graded["left"] == [], f"processes of the flood still alive: {graded['left']}"
    assert graded["kernels_left"] == [], f"kernel processes still alive: {graded['kernels_left']}"


@pytest.mark.skipif(not CAPS["pids_cgroup"], reason="no pids cgroup on this machine")
def test_the_process_cap_is_hit(graded):
    line = _printed(graded, "process_flood", "FLOOD")
    assert line is not None, graded["report"]["process_flood"]["events"]
    counts = dict(item.split("=") for item in line.split()[1:])
    assert int(counts["refused"]) > 0 and int(counts["started"]) < CAPS["max_processes"], line
    text = " ".join(graded["report"]["process_flood"]["events"])
    assert f"the {CAPS['max_processes']} a kernel may have" in text, text
    base = CAPS["pids_cgroup"]
    assert not any(name.endswith(f"-{os.getpid()}") for name in os.listdir(base)), \
        "the kernels' cgroups were not removed"


@pytest.mark.skipif(not CAPS["net_namespace"] and CAPS["landlock"] < 4,
                    reason="neither network namespaces nor Landlock TCP rules here")
def test_a_kernel_cannot_reach_the_host(graded):
    assert graded["connections"] == [], graded["connections"]
    line = _printed(graded, "network", "NETWORK reached")
    assert line is not None and "127.0.0.1" not in line and "localhost" not in line, line


@pytest.mark.skipif(not CAPS["no_unix_sockets"], reason="no seccomp filter on this machine")
def test_a_kernel_cannot_reach_the_hosts_unix_sockets(graded):
    assert graded["unix_connections"] == [], graded["unix_connections"]
    assert _printed(graded, "network", "NETWORK reached") == "NETWORK reached []"


def test_the_kernel_is_not_root(graded):
    line = _printed(graded, "whoami", "WHOAMI")
    assert line is not None, graded["report"]["whoami"]["events"]
    seen = dict(item.split("=") for item in line.split()[1:])
    assert int(seen["uid"]) != 0 and int(seen["euid"]) != 0 and int(seen["gid"]) != 0, line
    if CAPS["own_uid"]:
        assert int(seen["uid"]) >= sandbox.KERNEL_UID_BASE, line
    if CAPS["pid_namespace"]:
        assert seen["pid"] == "1", line
    if CAPS["mount_namespace"]:
        assert int(seen["processes"]) < 5, line  # its /proc shows only its own processes


def test_the_report_says_what_each_confinement_does(graded):
    text = graded["markdown"]
    assert "Filesystem sandbox: " in text
    for line in sandbox.describe(CAPS):
        assert line in text, line
    for word in ("Processes:", "Network:", "User:", "Files:"):
        assert word in text


# ----------------------------------------------------------------------------- unit tests
def test_the_report_says_what_a_bare_machine_does_not_confine():
    bare = dict(root=False, landlock=0, user_namespace=False, pid_namespace=False,
                net_namespace=False, mount_namespace=False, namespaces=0, pids_cgroup=None,
                max_processes=64, own_uid=False, kernel_uid="1000", no_unix_sockets=False)
    lines = sandbox.describe(bare)
    processes, network, user = lines[0], lines[1], lines[2]
    assert processes.startswith("Processes: NOT confined")
    assert network.startswith("Network: NOT confined") and "Unix socket files" in network
    assert "NOT separated" in user and "no user namespaces" in user
    full = dict(CAPS, pid_namespace=True, net_namespace=True, pids_cgroup="/x", own_uid=True,
                no_unix_sockets=True)
    assert not any("NOT" in line for line in sandbox.describe(full))


def test_read_submission_refuses_links(tmp_path):
    original = tmp_path / "original.ipynb"
    original.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4,
                                    "nbformat_minor": 5}))
    reconcile.read_submission(original)
    (tmp_path / "symbolic.ipynb").symlink_to(original)
    with pytest.raises(reconcile.Unreadable, match="is a symbolic link; it was refused"):
        reconcile.read_submission(tmp_path / "symbolic.ipynb")
    os.link(original, tmp_path / "hard.ipynb")
    with pytest.raises(reconcile.Unreadable, match="hard link"):
        reconcile.read_submission(tmp_path / "hard.ipynb")


def test_engine_refuses_linked_folders(tmp_path):
    from grading.intake import refused_file as _refused_file, refused_folder as _refused_folder

    submitted = tmp_path / "submitted"
    (submitted / "ada" / "gd").mkdir(parents=True)
    assert _refused_folder(submitted / "ada" / "gd", submitted) is None
    (submitted / "bob").symlink_to(submitted / "ada", target_is_directory=True)
    assert "symbolic link" in _refused_folder(submitted / "bob" / "gd", submitted)
    (tmp_path / "elsewhere" / "gd").mkdir(parents=True)
    (submitted / "eve").mkdir()
    (submitted / "eve" / "gd").symlink_to(tmp_path / "elsewhere" / "gd")
    assert "symbolic link" in _refused_folder(submitted / "eve" / "gd", submitted)
    (submitted / "ada" / "gd" / "a.txt").write_text("a")
    assert _refused_file(submitted / "ada" / "gd" / "a.txt") is None
    os.link(submitted / "ada" / "gd" / "a.txt", submitted / "ada" / "gd" / "b.txt")
    assert "hard link" in _refused_file(submitted / "ada" / "gd" / "b.txt")


def test_blocked_folders_finds_private_homes():
    import shutil
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="optbook-blocked-", dir="/tmp"))
    try:
        top.chmod(0o755)
        private = top / "home"
        (private / "python" / "lib").mkdir(parents=True)
        private.chmod(0o700)
        assert sandbox.blocked_folders([str(private / "python" / "lib")]) == [str(private)]
        assert sandbox.blocked_folders([str(private)]) == []  # its owner's business
    finally:
        shutil.rmtree(top)


def _in_child(function):
    """Run ``function`` in a forked child; what it returns (JSON), or its error."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(reader)
        try:
            result = {"ok": function()}
        except BaseException as error:  # noqa: BLE001 - reported to the parent
            result = {"error": f"{type(error).__name__}: {error}"}
        os.write(writer, json.dumps(result).encode())
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as handle:
        data = handle.read()
    os.waitpid(pid, 0)
    return json.loads(data)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become another uid")
def test_capabilities_as_an_unprivileged_grader():
    def probe():
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
        return sandbox.capabilities(refresh=True)

    caps = _in_child(probe)["ok"]
    assert caps["root"] is False and caps["own_uid"] is False and caps["pids_cgroup"] is None
    assert caps["kernel_uid"] == "65534"
    if caps["user_namespace"]:  # unprivileged user namespaces: the same containment
        assert caps["namespaces"] & sandbox.CLONE_NEWUSER
        assert caps["pid_namespace"] and caps["net_namespace"]
    assert any(line.startswith("User: kernels run as the grader's own uid (65534)")
               for line in sandbox.describe(caps))


@pytest.mark.skipif(not CAPS["pid_namespace"], reason="no PID namespaces on this machine")
def test_a_pid_namespace_ends_with_its_first_process():
    def run():
        sandbox.enter_namespaces(CAPS["namespaces"])
        reader, writer = os.pipe()
        first = os.fork()
        if first == 0:  # PID 1: start a detached grandchild, then end
            if os.fork() == 0:
                os.setsid()
                os.write(writer, os.readlink("/proc/self").encode())  # its pid on the host
                time.sleep(60)
                os._exit(0)
            os.write(writer, os.read(reader, 32))  # once the grandchild runs, pass it on
            os._exit(0 if os.getpid() == 1 else 3)
        _, status = os.waitpid(first, 0)
        os.close(writer)
        return os.waitstatus_to_exitcode(status), int(os.read(reader, 32))

    answer = _in_child(run)
    assert "ok" in answer, answer
    status, grandchild = answer["ok"]
    assert status == 0
    assert not os.path.exists(f"/proc/{grandchild}"), "the detached grandchild survived"


@pytest.mark.skipif(not CAPS["pids_cgroup"], reason="no pids cgroup on this machine")
def test_two_graders_in_one_process_keep_their_cgroups_apart():
    """Two batches graded at once in one process (make test grades two assignments at a
    time): closing one zygote sweeps only its own kernels' cgroups."""
    base, owner = CAPS["pids_cgroup"], os.getpid()
    mine = sandbox.make_pids_cgroup(base, owner, "z1-k0", 8)
    theirs = sandbox.make_pids_cgroup(base, owner, "z2-k0", 8)
    try:
        sandbox.sweep_cgroups(base, owner, prefix="z1-")
        assert not os.path.exists(mine) and os.path.isdir(theirs)
    finally:
        sandbox.sweep_cgroups(base, owner, prefix="z2-")
    assert not os.path.exists(theirs)
