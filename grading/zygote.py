"""A warm process that forks one fresh, confined IPython kernel per submission.

Starting a kernel and importing torch, NumPy, matplotlib and optbook costs a few
seconds of CPU per submission. The zygote pays it once: it imports the modules
the assignment's locked setup cells import (and ipykernel), runs no student
code and starts no threads, and then, for each submission, ``fork()``s. The
child is a new process with its own copy (copy-on-write) of that clean memory:
nothing from one submission can reach the next, exactly as with a kernel
started from scratch.

The child is a *relay*: it joins the kernel's pids cgroup, enters new PID,
network and mount namespaces and forks again; that grandchild is the kernel,
PID 1 of its namespace, so when it ends Linux ends every process it started.
The kernel confines itself (grading/sandbox.py: its own /proc and loopback, its
own unprivileged uid, limits, Landlock), attaches the grader's agent
(grading/agent.py) and serves the kernel protocol on the connection file the
grader wrote (Unix sockets: it has no network). The relay waits for it, kills
it on SIGTERM, and exits as it exited, so "exited" below is the kernel's status.

Protocol (JSON lines): the grader writes ``{"op": "spawn", ...}`` on stdin and
reads ``{"op": "spawned", "id", "pid", "kernel_pid"}`` (``pid``: the relay,
``kernel_pid``: the kernel as the host sees it) and ``{"op": "exited", "pid", "status"}``.
"""

import json
import os
import select
import signal
import sys
import time

# Imported before anything else so BLAS/OpenMP never start threads in the zygote
# (threads and fork() do not mix); every kernel then computes on one thread.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"


def _preload(statements):
    """Run the import statements of the setup cells (trusted instructor code)."""
    started = time.perf_counter()
    for statement in statements:
        try:
            exec(compile(statement, "<setup imports>", "exec"), {})
        except Exception as error:  # an import that fails here will fail in the kernel too
            print(f"zygote: preload failed: {statement!r}: {error}", file=sys.stderr)
    import ipykernel.kernelapp  # noqa: F401
    import ipykernel.ipkernel  # noqa: F401
    import ipykernel.zmqshell  # noqa: F401
    import jupyter_client.session  # noqa: F401
    import IPython.core.interactiveshell  # noqa: F401
    import grading.agent  # noqa: F401
    import grading.sandbox  # noqa: F401
    # What IPKernelApp.initialize would import in every kernel (pdb, the debugger): once here.
    for name in ("pdb", "pydoc", "faulthandler", "mimetypes", "stringprep", "xmlrpc.client",
                 "ipykernel.debugger", "ipykernel.comm", "ipykernel.eventloops", "psutil"):
        try:
            __import__(name)
        except Exception:
            pass
    import threading

    if threading.active_count() != 1:  # fork() copies only this thread: warn, it may hang
        print(f"zygote: {threading.active_count()} threads after the imports", file=sys.stderr)
    return time.perf_counter() - started


def _audit_hook(log_fd, allowed_read, allowed_write, limit=200):
    """Note (for the instructor's report) every attempt to touch a path outside the sandbox."""
    state = {"count": 0}
    real, write, isinstance_, str_, bytes_ = os.path.realpath, os.write, isinstance, str, bytes
    events = {"open", "os.listdir", "os.scandir", "os.remove", "os.rename", "os.mkdir",
              "os.rmdir", "os.chmod", "os.symlink", "os.link", "shutil.rmtree", "os.truncate",
              "sqlite3.connect"}

    def inside(path, roots):
        return any(path == root or path.startswith(root + os.sep) for root in roots)

    def hook(event, args):
        if event not in events or state["count"] >= limit or not args:
            return
        path = args[0]
        if isinstance_(path, bytes_):
            path = path.decode(errors="replace")
        if not isinstance_(path, str_):
            return
        try:
            path = real(path)
        except Exception:
            return
        writing = event != "os.listdir" and event != "os.scandir" and (
            event != "open" or (len(args) > 1 and isinstance_(args[1], str_)
                                and any(c in args[1] for c in "wax+")))
        if inside(path, allowed_write) or (not writing and inside(path, allowed_read)):
            return
        state["count"] += 1
        try:
            write(log_fd, (json.dumps({"event": event, "path": path, "write": writing}) + "\n")
                  .encode())
        except OSError:
            pass

    return hook


# What the relay waits for: its kernel ending, or the grader (or the zygote's death) asking
# it to end the kernel.
_RELAY_SIGNALS = {signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP}


def _relay(request, pid_pipe):
    """Forked by the zygote: enter the kernel's cgroup and namespaces, fork the kernel (PID 1
    of the new PID namespace), tell the zygote its pid, wait for it and end as it ended.

    On SIGTERM (from the grader's Kernel.kill, or because the zygote died) the relay kills
    the kernel; Linux then kills everything left in its PID namespace. Never returns.
    """
    status = 70
    try:
        from grading import sandbox

        zygote = os.getppid()
        os.setsid()
        for fd in _open_fds():  # the zygote's protocol pipes among them: only the zygote talks
            if fd > 2 and fd != pid_pipe:
                try:
                    os.close(fd)
                except OSError:
                    pass
        signal.pthread_sigmask(signal.SIG_BLOCK, _RELAY_SIGNALS)
        sandbox.die_with_parent(signal.SIGTERM)
        if os.getppid() != zygote:
            os._exit(70)
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if request.get("cgroup"):
            sandbox.join_cgroup(request["cgroup"])
        uid = sandbox.kernel_uid(os.getpid()) if request.get("own_uid") else None
        sandbox.enter_namespaces(request.get("namespaces", 0))
        pid = os.fork()
        if pid == 0:
            os.close(pid_pipe)
            _child(request, uid)
        os.write(pid_pipe, f"{pid}\n".encode())
        os.close(pid_pipe)
        status = _wait_and_relay(pid, request.get("cgroup") and (
            lambda: os.getppid() != zygote and sandbox.leave_cgroup(request["cgroup"])))
    except BaseException:
        import traceback

        traceback.print_exc()
    os._exit(status)


def _wait_and_relay(pid, tidy=None):
    """Wait for the kernel ``pid`` (killing it on SIGTERM/SIGINT/SIGHUP), call ``tidy``;
    return the kernel's exit code, or, if a signal killed it, die of the same signal."""
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return 70
        if done:
            break
        if signal.sigwaitinfo(_RELAY_SIGNALS).si_signo != signal.SIGCHLD:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    if tidy:  # the kernel and its PID namespace are gone now
        try:
            tidy()
        except OSError:
            pass
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        try:
            signal.signal(-code, signal.SIG_DFL)
        except (OSError, ValueError):
            pass
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {-code})
        os.kill(os.getpid(), -code)
        code = 128 - code
    return code


def _child(request, uid):
    """Become a confined kernel (never returns)."""
    status = 0
    try:
        from grading import sandbox

        sandbox.die_with_parent()
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
        for signum in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE,
                       signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-big file: an error, not a death
        flags = request.get("namespaces", 0)
        run_dir, work_dir = request["run_dir"], request["work_dir"]
        sockets = request.get("sockets")
        log = os.open(os.path.join(run_dir, "kernel.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        audit = os.open(os.path.join(run_dir, "audit.jsonl"),
                        os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        for fd in _open_fds():
            if fd > 2 and fd not in (log, audit):
                try:
                    os.close(fd)
                except OSError:
                    pass
        import faulthandler

        faulthandler.register(signal.SIGUSR1, file=sys.stderr, all_threads=True)  # diagnostics
        if flags & sandbox.CLONE_NEWNS:
            sandbox.private_proc()
        if flags & sandbox.CLONE_NEWNET:
            sandbox.loopback_up()
        home = os.path.join(work_dir, ".home")
        os.makedirs(home, exist_ok=True)
        read_paths = request["read_paths"] + [run_dir]
        write_paths = [work_dir] + ([sockets] if sockets else [])
        if uid is not None:
            if flags & sandbox.CLONE_NEWNS:
                sandbox.expose(read_paths + write_paths)
            sandbox.give_to(write_paths + [request["connection_file"]], uid, uid)
        os.chdir(work_dir)
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ.update({"HOME": home, "TMPDIR": home, "IPYTHONDIR": os.path.join(home, "ipython"),
                           "MPLCONFIGDIR": os.path.join(home, "matplotlib"),
                           "JUPYTER_RUNTIME_DIR": os.path.join(home, "runtime"),
                           "USER": "student", "LOGNAME": "student"})
        sys.path[:] = [p for p in sys.path if p and os.path.realpath(p) not in
                       request["hidden_paths"]]
        torch = sys.modules.get("torch")
        if torch is not None:
            torch.set_num_threads(1)
        own = uid is not None or bool(flags & sandbox.CLONE_NEWUSER)
        sandbox.limit_resources(request["memory_bytes"], request["file_bytes"],
                                request.get("max_processes") if own else None)
        sandbox.become(uid, uid)
        abi = sandbox.restrict_filesystem(read_paths, write_paths + [os.devnull],
                                          deny_tcp=not flags & sandbox.CLONE_NEWNET) \
            if request["landlock"] else 0
        sys.addaudithook(_audit_hook(audit, [os.path.realpath(p) for p in read_paths],
                                     [os.path.realpath(p) for p in write_paths + [os.devnull]]))
        os.write(log, f"sandbox: landlock abi {abi}, uid {os.getuid()}, pid {os.getpid()}, "
                      f"namespaces {flags:#x}\n".encode())

        from ipykernel.kernelapp import IPKernelApp
        from grading import agent

        app = IPKernelApp.instance()
        app.initialize(["-f", request["connection_file"], "--HistoryManager.enabled=False",
                        "--IPKernelApp.quiet=True"])
        agent.install(app.kernel)
        if request.get("no_unix_sockets"):  # the kernel's own sockets exist by now
            sandbox.forbid_unix_sockets()
        app.start()
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 0
    except BaseException:
        import traceback

        traceback.print_exc()
        status = 70
    finally:
        os._exit(status)


def _read_pid(fd, timeout=10.0):
    """The kernel's pid as the relay reports it (None if the relay failed before the fork)."""
    ready, _, _ = select.select([fd], [], [], timeout)
    try:
        return int(os.read(fd, 32).decode().strip()) if ready else None
    except ValueError:
        return None


def _open_fds():
    try:
        return [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return list(range(3, 256))


def main():
    """Serve spawn requests until stdin closes."""
    statements = json.loads(sys.argv[1]) if len(sys.argv) > 1 else []
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything the imports print goes to stderr, not into the protocol
    from grading import sandbox

    sandbox.die_with_parent()
    seconds = _preload(statements)
    out.write(json.dumps({"op": "ready", "seconds": seconds, "pid": os.getpid()}) + "\n")
    buffer = b""
    stdin = sys.stdin.fileno()
    while True:
        ready, _, _ = select.select([stdin], [], [], 0.05)
        while True:  # reap every finished kernel
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            out.write(json.dumps({"op": "exited", "pid": pid,
                                  "status": os.waitstatus_to_exitcode(status)}) + "\n")
        if not ready:
            continue
        chunk = os.read(stdin, 1 << 16)
        if not chunk:
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            request = json.loads(line)
            if request.get("op") != "spawn":
                continue
            out.flush()
            reader, writer = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(reader)
                _relay(request, writer)
            os.close(writer)
            kernel_pid = _read_pid(reader)
            os.close(reader)
            out.write(json.dumps({"op": "spawned", "id": request["id"], "pid": pid,
                                  "kernel_pid": kernel_pid}) + "\n")


if __name__ == "__main__":
    main()
