"""The grader's side of the kernels: start them from the zygote, run code, stop them."""

import itertools
import json
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file
from nbformat.v4 import output_from_msg

from grading import sandbox
from grading.agent import RECORD_MIME



MAX_RECORDS = 2000  # probes one cell may send; the course's largest test cell sends 32


class KernelDied(Exception):
    """The kernel process ended (os._exit, a crash, the memory limit, or it was killed)."""


class Zygote:
    """One warm process; :meth:`spawn` forks a fresh confined kernel from it."""

    def __init__(self, preload, log_path, env=None):
        self._ids = itertools.count()
        self._waiting = {}
        self._kernels = {}
        self._lock = threading.Lock()
        self._log = open(log_path, "ab")
        self._cgroups = sandbox.pids_cgroup_base() if os.geteuid() == 0 else None
        if self._cgroups:  # kernels' cgroups that a grader killed before it could remove them
            sandbox.sweep_cgroups(self._cgroups)
        environment = dict(env if env is not None else os.environ)
        environment.setdefault("MPLBACKEND", "Agg")
        environment.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-m", "grading.zygote", json.dumps(preload)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, env=environment,
            cwd="/", start_new_session=True)
        first = self.process.stdout.readline()
        if not first:
            raise RuntimeError(f"the grading zygote did not start; see {log_path}")
        self.ready = json.loads(first)
        self.start_seconds = time.perf_counter() - started
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.process.stdout:
            message = json.loads(line)
            with self._lock:
                if message["op"] == "spawned":
                    self._waiting.pop(message["id"]).put((message["pid"],
                                                          message.get("kernel_pid")))
                elif message["op"] == "exited":
                    kernel = self._kernels.pop(message["pid"], None)
                    if kernel is not None:
                        kernel.exit_status = message["status"]
                        kernel.exited.set()
        with self._lock:  # the zygote is gone: so are its kernels
            for kernel in self._kernels.values():
                kernel.exit_status = "zygote ended"
                kernel.exited.set()

    def spawn(self, run_dir, work_dir, settings):
        """A new kernel serving in ``work_dir`` (its cwd), with ``settings`` from the engine.

        The kernel serves on Unix sockets (ZeroMQ's ipc transport) in a folder of its own,
        never on TCP: it has no network (a network namespace, or Landlock's TCP rules).
        With ``settings["pids_cgroup"]`` it gets a cgroup of its own, capped at
        ``settings["max_processes"]`` processes and threads.
        """
        run_dir, work_dir = Path(run_dir), Path(work_dir)
        run_dir.mkdir(parents=True, exist_ok=True)
        number = next(self._ids)
        connection_file = run_dir / "kernel.json"
        key = secrets.token_hex(16).encode()
        sockets = run_dir / "ipc"
        if len(str(sockets / "kernel-99")) > 100:  # a Unix socket's path has <= 107 bytes
            sockets = Path(tempfile.mkdtemp(prefix="optbook-ipc-"))
        sockets.mkdir(mode=0o700, exist_ok=True)
        write_connection_file(str(connection_file), ip=str(sockets / "kernel"), key=key,
                              transport="ipc")
        cgroup = None
        if settings.get("pids_cgroup"):
            cgroup = sandbox.make_pids_cgroup(settings["pids_cgroup"], os.getpid(),
                                              f"z{self.process.pid}-k{number}",
                                              settings["max_processes"])
        request = dict(settings, op="spawn", id=number, run_dir=str(run_dir),
                       work_dir=str(work_dir), connection_file=str(connection_file),
                       sockets=str(sockets) if sockets else None, cgroup=cgroup)
        answer = queue.Queue()
        kernel = Kernel(self, connection_file, run_dir, cgroup=cgroup, sockets=sockets,
                        max_processes=settings.get("max_processes"))
        with self._lock:
            self._waiting[request["id"]] = answer
        self.process.stdin.write((json.dumps(request) + "\n").encode())
        self.process.stdin.flush()
        kernel.pid, kernel.kernel_pid = answer.get(timeout=30)
        with self._lock:
            self._kernels[kernel.pid] = kernel
        return kernel

    def alive(self):
        return self.process.poll() is None and self._reader.is_alive()

    def close(self):
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        if self._cgroups:
            sandbox.sweep_cgroups(self._cgroups, os.getpid(), prefix=f"z{self.process.pid}-")
        self._log.close()


class Kernel:
    """One kernel process, used for (part of) exactly one submission."""

    def __init__(self, zygote, connection_file, run_dir, cgroup=None, sockets=None,
                 max_processes=None):
        self.zygote = zygote
        self.connection_file = connection_file
        self.run_dir = run_dir
        self.pid = None  # the relay (the zygote's child); its exit status is the kernel's
        self.kernel_pid = None  # the kernel itself, as the host sees it
        self.exit_status = None
        self.exited = threading.Event()
        self.client = None
        self.cgroup, self.sockets, self.max_processes = cgroup, sockets, max_processes
        self.events = []  # what the confinement did, in words, once the kernel is killed

    def connect(self, timeout=60):
        """Open the channels and wait until the kernel answers."""
        client = BlockingKernelClient()
        client.load_connection_file(str(self.connection_file))
        client.start_channels()
        self.client = client
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.exited.is_set():
                raise KernelDied(f"the kernel ended while starting (status {self.exit_status})")
            client.kernel_info()
            try:
                reply = client.get_shell_msg(timeout=1.0)
            except queue.Empty:
                continue
            if reply["msg_type"] != "kernel_info_reply":
                continue
            # ZeroMQ's "slow joiner": until our subscription reaches the kernel, its iopub
            # messages are lost. Wait until one arrives, so no cell's output is missed.
            while time.monotonic() < deadline:
                try:
                    client.get_iopub_msg(timeout=0.2)
                    break
                except queue.Empty:
                    client.kernel_info()
            while True:  # drop the start-up status messages
                try:
                    client.get_iopub_msg(timeout=0.05)
                except queue.Empty:
                    break
            while True:  # and the extra kernel_info replies
                try:
                    client.get_shell_msg(timeout=0.05)
                except queue.Empty:
                    return
        raise TimeoutError("the kernel did not answer within the start-up time")

    def _shell_reply(self, msg_id, timeout):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            try:
                reply = self.client.get_shell_msg(timeout=min(left, 0.5))
            except queue.Empty:
                if self.exited.is_set():
                    raise KernelDied(self.exit_status)
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def request(self, action, timeout=10):
        """Ask the agent in the kernel to ``snapshot`` or ``restore``; its reply content."""
        message = self.client.session.msg("optbook_request", {"action": action})
        self.client.shell_channel.send(message)
        return self._shell_reply(message["header"]["msg_id"], timeout)["content"]

    def execute(self, code, timeout, max_output_chars=100_000):
        """Run ``code``; returns an :class:`Execution` (outputs, reply status, records, time)."""
        result = Execution()
        started = time.monotonic()
        msg_id = self.client.execute(code, store_history=True, allow_stdin=False,
                                     stop_on_error=False)
        deadline = started + timeout
        idle = False
        reply = replied_at = None
        while not idle:
            left = deadline - time.monotonic()
            if left <= 0:
                result.timed_out = True
                break
            try:
                msg = self.client.get_iopub_msg(timeout=min(left, 0.25))
            except queue.Empty:
                if self.exited.is_set():
                    result.died = True
                    break
                if reply is None:
                    try:
                        candidate = self.client.get_shell_msg(timeout=0)
                        if candidate["parent_header"].get("msg_id") == msg_id:
                            reply, replied_at = candidate, time.monotonic()
                    except queue.Empty:
                        pass
                elif time.monotonic() - replied_at > 2.0:
                    break  # the cell finished but its "idle" never reached us
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "status":
                idle = msg["content"]["execution_state"] == "idle"
            elif kind == "clear_output":
                result.outputs.clear()
            elif kind in ("stream", "display_data", "execute_result", "error"):
                data = msg["content"].get("data", {})
                if kind == "display_data" and RECORD_MIME in data:
                    if len(result.records) < MAX_RECORDS:  # a flood cannot fill the grader
                        result.records.append(data[RECORD_MIME])
                    else:
                        result.records_dropped += 1
                    continue
                result.add(output_from_msg(msg), max_output_chars)
        if idle or reply is not None:
            try:
                if reply is None:
                    reply = self._shell_reply(msg_id, max(5.0, deadline - time.monotonic()))
                result.status = reply["content"].get("status")
                result.asked_exit = any(isinstance(p, dict) and p.get("source") == "ask_exit"
                                        for p in reply["content"].get("payload") or [])
                result.error = {k: reply["content"].get(k) for k in ("ename", "evalue", "traceback")}
            except (TimeoutError, KernelDied):
                result.died = self.exited.is_set()
        result.seconds = time.monotonic() - started
        return result

    def memory(self):
        """Bytes of address space the kernel maps now (0 if unknown)."""
        try:
            with open(f"/proc/{self.kernel_pid or self.pid}/statm") as statm:
                return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, TypeError):
            return 0

    def kill(self):
        """Stop the kernel and everything it started.

        The relay kills the kernel on SIGTERM (so Linux ends its whole PID namespace) and
        then exits; if it does not, the relay's process group is killed. Whatever is still
        in the kernel's cgroup is killed, and the cgroup removed.
        """
        if self.client is not None:
            try:
                self.client.stop_channels()
            except Exception:
                pass
        if self.pid and not self.exited.is_set():
            try:
                os.kill(self.pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass
            if not self.exited.wait(3):
                for kill in (os.killpg, os.kill):
                    try:
                        kill(self.pid, signal.SIGKILL)
                        break
                    except (ProcessLookupError, PermissionError):
                        continue
                self.exited.wait(5)
        if self.cgroup:
            refused = sandbox.pids_refused(self.cgroup)
            if refused:
                self.events.append(f"code tried to start more processes or threads than the "
                                   f"{self.max_processes} a kernel may have; {refused} "
                                   f"attempt(s) were refused")
            if not sandbox.remove_cgroup(self.cgroup):
                self.events.append("some processes of the kernel could not be stopped "
                                   f"(cgroup {self.cgroup})")
            self.cgroup = None
        if self.sockets and self.run_dir not in Path(self.sockets).parents:
            shutil.rmtree(self.sockets, ignore_errors=True)
            self.sockets = None

    def audit_log(self):
        """What the kernel tried to touch outside its sandbox (from its audit hook)."""
        path = self.run_dir / "audit.jsonl"
        entries = []
        if path.exists():
            for line in path.read_text(errors="replace").splitlines()[:200]:
                try:
                    entries.append(json.loads(line))
                except ValueError:
                    pass
        return entries


class Execution:
    """What one cell did."""

    def __init__(self):
        self.outputs, self.records = [], []
        self.records_dropped = 0
        self.status, self.error = None, {}
        self.timed_out = self.died = self.asked_exit = False
        self.memory_full = False
        self.seconds = 0.0
        self.dropped = 0
        self._chars = 0

    def add(self, output, limit):
        size = len(json.dumps(output))
        if self._chars + size > limit:
            self.dropped += size
            return
        self._chars += size
        self.outputs.append(output)
