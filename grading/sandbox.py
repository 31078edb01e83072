"""Confine a kernel process before any student code runs in it (Linux).

The zygote (grading/zygote.py) forks a *relay* per kernel, which

1. starts a new session and asks to be told (SIGTERM) when the zygote dies;
2. joins the kernel's own ``pids`` cgroup (:func:`make_pids_cgroup`, made by the
   grader): at most :data:`MAX_PROCESSES` processes and threads, all of them;
3. enters new namespaces (:func:`enter_namespaces`): a PID namespace, a network
   namespace with only a loopback interface, a mount namespace (and, when not root,
   a user namespace that maps the grader's own uid);
4. forks the kernel, which is PID 1 of the new PID namespace: when it ends, Linux
   kills every process it started, detached or not. The relay waits for it, kills
   it when the grader asks (SIGTERM) or the zygote dies, and exits as it did.

The kernel process then, still privileged,

5. mounts a /proc of its own (it sees only its own processes) and brings its
   loopback up (:func:`private_proc`, :func:`loopback_up`);
6. hands its working folder and its connection files to its own unprivileged uid
   (:data:`KERNEL_UID_BASE` + the relay's pid; :func:`give_to`);
7. sets resource limits: address space (memory), written file size, core dumps,
   processes per uid (:func:`limit_resources`);
8. drops every capability and becomes that uid (:func:`become`);
9. Landlock (Linux >= 5.13, unprivileged): the process may READ only the Python
   installation, the installed packages, the data directory and its own folder,
   and may WRITE only inside its own folder (a private copy of the submission).
   Everything else -- solutions/, the gradebook, other students' folders -- is
   refused by the kernel with PermissionError. With Landlock ABI >= 6 the process
   also may not send signals to processes outside its sandbox (other kernels,
   the grader) nor reach abstract Unix sockets outside it; without a network
   namespace, Landlock ABI >= 4 refuses every TCP bind and connect instead.

:func:`capabilities` says which of these this machine allows (it tries them in a
throw-away process); what it lacks is reported as NOT confined, and the security
section of the instructors' guide says how to grade inside a container instead.
"""

import ctypes
import errno
import fcntl
import os
import resource
import signal
import socket
import struct
import sys
import tempfile
import time

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446
_PR_SET_NO_NEW_PRIVS, _PR_SET_PDEATHSIG, _PR_CAPBSET_DROP = 38, 1, 24
_PR_SET_DUMPABLE = 4
_RULE_PATH_BENEATH, _RULE_NET_PORT = 1, 2
_O_PATH = getattr(os, "O_PATH", 0o10000000)

# Landlock filesystem rights, by ABI version.
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_WRITE_RIGHTS_V1 = sum(1 << bit for bit in range(4, 13))  # remove/make dir, file, sock, ...
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1

# Namespaces (clone flags).
CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x20000, 0x10000000, 0x20000000, 0x40000000
_MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_BIND, _MS_REC, _MS_PRIVATE = 2, 4, 8, 4096, 1 << 14, 1 << 18

# Each kernel runs as uid KERNEL_UID_BASE + (its relay's pid): a uid no account uses, one per
# live kernel (pids are unique), so no two kernels share one and RLIMIT_NPROC is per kernel.
KERNEL_UID_BASE = 1_900_000_000
# Processes AND threads a kernel may have (an idle IPython kernel has about 10).
MAX_PROCESSES = 64  # the default; the engine passes c.GradingEngine.max_processes

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong,
                        ctypes.c_void_p]


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64),
                ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi():
    """The Landlock ABI version of the running kernel, 0 if unavailable."""
    try:
        version = _libc.syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    except (AttributeError, OSError):
        return 0
    return max(int(version), 0)


def _all_fs_rights(abi):
    rights = EXECUTE | WRITE_FILE | READ_FILE | READ_DIR | _WRITE_RIGHTS_V1
    if abi >= 2:
        rights |= REFER
    if abi >= 3:
        rights |= TRUNCATE
    if abi >= 5:
        rights |= IOCTL_DEV
    return rights


def _fail(what):
    number = ctypes.get_errno()
    raise OSError(number, f"{what}: {os.strerror(number)}")


def restrict_filesystem(read_paths, write_paths, deny_tcp=False):
    """Allow reading (and executing) ``read_paths`` and read/write in ``write_paths``, nothing else.

    With ``deny_tcp`` (for a process that shares the host's network) and Landlock ABI >= 4,
    every TCP bind and connect is refused too. Returns the ABI used (0: not confined).
    Paths that do not exist are skipped.
    """
    abi = landlock_abi()
    if abi <= 0:
        return 0
    handled = _all_fs_rights(abi)
    net = NET_BIND_TCP | NET_CONNECT_TCP if deny_tcp and abi >= 4 else 0
    attr = _RulesetAttr(handled, net, SCOPE_SIGNAL | SCOPE_ABSTRACT_UNIX_SOCKET if abi >= 6 else 0)
    size = ctypes.sizeof(_RulesetAttr) if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = _libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size),
                            ctypes.c_uint32(0))
    if ruleset < 0:
        _fail("landlock create_ruleset")
    read_rights = EXECUTE | READ_FILE | READ_DIR
    try:
        for paths, rights in ((read_paths, read_rights), (write_paths, handled)):
            for path in paths:
                try:
                    fd = os.open(path, _O_PATH | os.O_CLOEXEC)
                except OSError:
                    continue
                try:
                    allowed = rights
                    if not os.path.isdir(path):  # a single file: only file rights apply
                        allowed &= EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV
                    rule = _PathBeneathAttr(allowed, fd)
                    if _libc.syscall(_SYS_ADD_RULE, ctypes.c_int(ruleset),
                                     ctypes.c_int(_RULE_PATH_BENEATH), ctypes.byref(rule),
                                     ctypes.c_uint32(0)) < 0:
                        _fail(f"landlock add_rule {path}")
                finally:
                    os.close(fd)
        if _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            _fail("no_new_privs")
        if _libc.syscall(_SYS_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) < 0:
            _fail("landlock restrict_self")
    finally:
        os.close(ruleset)
    return abi


def drop_capabilities():
    """Empty the bounding set and every capability set (as root, or in a user namespace)."""
    for cap in range(64):
        if _libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() == errno.EINVAL:
            break  # past the last capability this kernel knows

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    header, data = Header(0x20080522, 0), (Data * 2)()
    _libc.capset(ctypes.byref(header), ctypes.byref(data))


def die_with_parent(signum=signal.SIGKILL):
    """Ask Linux to send ``signum`` to this process when its parent dies (no orphans)."""
    _libc.prctl(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0)


def current_address_space():
    """Bytes of virtual memory this process maps now."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def limit_resources(memory_bytes, file_bytes, processes=None):
    """Cap extra memory at ``memory_bytes`` above what is mapped now, written files' size and,
    if given, the processes (and threads) of this process's real uid."""
    if memory_bytes:
        cap = current_address_space() + int(memory_bytes)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    if file_bytes:
        resource.setrlimit(resource.RLIMIT_FSIZE, (int(file_bytes), int(file_bytes)))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if processes:
        resource.setrlimit(resource.RLIMIT_NPROC, (int(processes), int(processes)))


# ----------------------------------------------------------------------------- namespaces
def unshare(flags):
    if _libc.unshare(ctypes.c_int(flags)) != 0:
        _fail(f"unshare({flags:#x})")


def _write(path, text):
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def enter_namespaces(flags):
    """unshare ``flags``; with CLONE_NEWUSER, map this process's uid and gid to themselves.

    CLONE_NEWPID applies to the children forked afterwards: the first becomes PID 1.
    """
    if not flags:
        return
    uid, gid = os.geteuid(), os.getegid()
    if flags & CLONE_NEWUSER:  # after a change of uid /proc/self/*_map would belong to root
        _libc.prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0)
    unshare(flags)
    if flags & CLONE_NEWUSER:
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1\n")
        _write("/proc/self/gid_map", f"{gid} {gid} 1\n")


def private_proc():
    """In a new mount namespace: a /proc that shows only this PID namespace's processes."""
    if _libc.mount(None, b"/", None, _MS_REC | _MS_PRIVATE, None) != 0:
        _fail("mount --make-rprivate /")
    if _libc.mount(b"proc", b"/proc", b"proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, None) != 0:
        _fail("mount proc")


def loopback_up():
    """Bring up the loopback interface of this (new) network namespace."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH22x", b"lo", 0)
        flags = struct.unpack("16sH22x", fcntl.ioctl(sock, siocgifflags, request))[1]
        fcntl.ioctl(sock, siocsifflags, struct.pack("16sH22x", b"lo", flags | iff_up))


def blocked_folders(paths):
    """The topmost folders on the way to ``paths`` that only their owner may pass (no o+x):
    an unprivileged uid of its own cannot reach what lies beneath (e.g. a Python under
    /root/.pyenv when /root is private)."""
    blocked = set()
    for path in paths:
        path = os.path.abspath(path)
        ancestor = os.path.dirname(path)
        chain = []
        while True:
            chain.append(ancestor)
            parent = os.path.dirname(ancestor)
            if parent == ancestor:
                break
            ancestor = parent
        for folder in reversed(chain):  # from / downwards
            try:
                mode = os.stat(folder).st_mode
            except OSError:
                break
            if not mode & 0o001:
                blocked.add(folder)
                break
    return sorted(f for f in blocked
                  if not any(f != other and f.startswith(other.rstrip("/") + "/")
                             for other in blocked))


def expose(paths):
    """In a private mount namespace (as root): make ``paths`` reachable for an unprivileged
    uid without opening anything else up. Every folder that blocks the way
    (:func:`blocked_folders`) is covered by an empty tmpfs in which only ``paths`` are
    bind-mounted back; the rest of that folder is no longer visible at all."""
    paths = [os.path.abspath(p) for p in paths if os.path.exists(p)]
    for folder in blocked_folders(paths):
        inside = sorted(p for p in paths if p.startswith(folder.rstrip("/") + "/"))
        tops = [p for p in inside if not any(p != q and p.startswith(q + "/") for q in inside)]
        handles = {p: os.open(p, _O_PATH | os.O_CLOEXEC) for p in tops}
        try:
            if _libc.mount(b"tmpfs", folder.encode(), b"tmpfs", _MS_NOSUID | _MS_NODEV,
                           b"mode=0755,size=64k") != 0:
                _fail(f"mount tmpfs on {folder}")
            for path, fd in handles.items():
                is_dir = os.path.isdir(f"/proc/self/fd/{fd}")
                os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
                if is_dir:
                    os.makedirs(path, mode=0o755, exist_ok=True)
                else:
                    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o644))
                if _libc.mount(f"/proc/self/fd/{fd}".encode(), path.encode(), None,
                               _MS_BIND | _MS_REC, None) != 0:
                    _fail(f"bind mount {path}")
        finally:
            for fd in handles.values():
                os.close(fd)


# ----------------------------------------------------------------------------- no Unix sockets
# (audit arch, seccomp syscall number, socket syscall number) by machine
_SECCOMP_ARCH = {"x86_64": (0xC000003E, 317, 41), "aarch64": (0xC00000B7, 277, 198)}


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(_SockFilter))]


def forbid_unix_sockets():
    """seccomp: from now on this process, all its threads and children cannot create Unix
    sockets (socket(AF_UNIX, ...) fails with EACCES), so they cannot connect to a service's
    socket file on the host (Landlock does not govern that). socketpair() still works, and
    sockets made before (the kernel's own, to talk to the grader) keep working. Calls made
    with another architecture's syscall numbers fail. Returns False where not supported."""
    arch = _SECCOMP_ARCH.get(os.uname().machine)
    if arch is None:
        return False
    audit_arch, sys_seccomp, sys_socket = arch
    ld_w_abs, jeq_k, jge_k, ret_k = 0x20, 0x15, 0x35, 0x06
    allow, refuse = 0x7FFF0000, 0x00050000  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | errno
    program = [
        (ld_w_abs, 0, 0, 4),             # A = seccomp_data.arch
        (jeq_k, 1, 0, audit_arch),       # the native architecture: go on
        (ret_k, 0, 0, refuse | errno.ENOSYS),  # another one (e.g. i386's int 0x80): refuse
        (ld_w_abs, 0, 0, 0),             # A = seccomp_data.nr
        (jge_k, 0, 1, 0x40000000),       # x32 syscall numbers: refuse
        (ret_k, 0, 0, refuse | errno.ENOSYS),
        (jeq_k, 0, 3, sys_socket),       # socket(): look at its domain
        (ld_w_abs, 0, 0, 16),            # A = args[0] (its low 32 bits)
        (jeq_k, 0, 1, 1),                # AF_UNIX: refuse
        (ret_k, 0, 0, refuse | errno.EACCES),
        (ret_k, 0, 0, allow),
    ]
    filters = (_SockFilter * len(program))(*[_SockFilter(*row) for row in program])
    fprog = _SockFprog(len(program), filters)
    if _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        _fail("no_new_privs")
    tsync = 1  # SECCOMP_FILTER_FLAG_TSYNC: every thread of the process
    if _libc.syscall(ctypes.c_long(sys_seccomp), ctypes.c_uint(1), ctypes.c_uint(tsync),
                     ctypes.byref(fprog)) != 0:
        _fail("seccomp")
    return True


# ----------------------------------------------------------------------------- the kernel's uid
def kernel_uid(relay_pid):
    """The uid (and gid) of the kernel whose relay has host pid ``relay_pid``."""
    return KERNEL_UID_BASE + int(relay_pid)


def give_to(paths, uid, gid):
    """Make ``paths`` (and, for folders, everything in them) belong to ``uid``:``gid``.

    Never follows a symbolic link; folders become private (mode 0700).
    """
    for top in paths:
        if not os.path.lexists(top):
            continue
        os.lchown(top, uid, gid)
        if not os.path.isdir(top) or os.path.islink(top):
            continue
        os.chmod(top, 0o700)
        for folder, dirs, files in os.walk(top):
            for name in dirs + files:
                try:
                    os.lchown(os.path.join(folder, name), uid, gid)
                except FileNotFoundError:
                    pass


def become(uid, gid):
    """Drop every capability and switch to ``uid``/``gid`` for good (as root).

    In a user namespace (not root on the host) the uid stays the grader's own, and only the
    capabilities the namespace gave are dropped.
    """
    if os.geteuid() == 0 and uid is not None:
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
    drop_capabilities()
    # a change of uid clears these two: the kernel must still die with its relay, and its
    # /proc files belong to its own uid (not root), as in any process
    die_with_parent()
    _libc.prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0)


# ----------------------------------------------------------------------------- pids cgroup
_CGROUP_PREFIX = "optbook-grading-"


def _pids_hierarchy():
    """(mount point, version) of the cgroup hierarchy with the pids controller, or None."""
    try:
        with open("/proc/self/mountinfo") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    unified = None
    for line in lines:
        fields = line.split()
        try:
            fstype, options = fields[fields.index("-") + 1], fields[-1].split(",")
        except (ValueError, IndexError):
            continue
        if fstype == "cgroup" and "pids" in options:
            return fields[4], 1
        if fstype == "cgroup2":
            unified = fields[4]
    return (unified, 2) if unified else None


def pids_cgroup_base():
    """A folder where this (root) process may make pids cgroups, or None.

    cgroup v1: the grader's own pids cgroup. cgroup v2: the grader's own cgroup if the pids
    controller is enabled for its children (e.g. a delegated cgroup).
    """
    found = _pids_hierarchy()
    if not found:
        return None
    mount, version = found
    own = ""
    try:
        with open("/proc/self/cgroup") as handle:
            for line in handle:
                number, controllers, path = line.rstrip("\n").split(":", 2)
                if (version == 1 and "pids" in controllers.split(",")) or \
                        (version == 2 and number == "0"):
                    own = path
    except (OSError, ValueError):
        return None
    base = os.path.normpath(os.path.join(mount, own.lstrip("/")))
    if version == 2:
        try:
            with open(os.path.join(base, "cgroup.subtree_control")) as handle:
                if "pids" not in handle.read().split():
                    return None
        except OSError:
            return None
    if not os.access(base, os.W_OK) or not os.path.exists(os.path.join(base, "cgroup.procs")):
        return None
    return base


def make_pids_cgroup(base, owner_pid, name, maximum):
    """A new cgroup ``base``/optbook-grading-<owner_pid>/<name> with pids.max = ``maximum``."""
    folder = os.path.join(base, f"{_CGROUP_PREFIX}{owner_pid}", name)
    os.makedirs(folder, exist_ok=True)
    _write(os.path.join(folder, "pids.max"), str(int(maximum)))
    return folder


def join_cgroup(folder):
    """Move this process into the cgroup ``folder`` (its children will stay there too)."""
    _write(os.path.join(folder, "cgroup.procs"), str(os.getpid()))


def leave_cgroup(folder):
    """Move this process back to the cgroup ``folder`` was made in, and remove ``folder`` (and
    its grader's folder, once empty): what a relay does when its grader is gone."""
    owner = os.path.dirname(folder.rstrip("/"))
    _write(os.path.join(os.path.dirname(owner), "cgroup.procs"), str(os.getpid()))
    for path in (folder, owner):
        try:
            os.rmdir(path)
        except OSError:
            pass


def cgroup_pids(folder):
    try:
        with open(os.path.join(folder, "cgroup.procs")) as handle:
            return [int(line) for line in handle.read().split()]
    except (OSError, ValueError):
        return []


def pids_refused(folder):
    """How many times the cgroup refused a new process or thread (pids.events ``max``)."""
    try:
        with open(os.path.join(folder, "pids.events")) as handle:
            for line in handle:
                key, _, value = line.partition(" ")
                if key == "max":
                    return int(value)
    except (OSError, ValueError):
        pass
    return 0


def remove_cgroup(folder, timeout=5.0):
    """Kill whatever is left in ``folder`` and remove it; True if it is gone."""
    deadline = time.monotonic() + timeout
    while True:
        for pid in cgroup_pids(folder):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            os.rmdir(folder)
            return True
        except FileNotFoundError:
            return True
        except OSError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)


def sweep_cgroups(base, owner_pid=None, prefix=""):
    """Remove the kernel cgroups of ``owner_pid`` (default: of graders that are gone) whose
    names start with ``prefix`` (one zygote's kernels: several graders may share a process)."""
    try:
        names = os.listdir(base)
    except OSError:
        return
    for name in names:
        if not name.startswith(_CGROUP_PREFIX):
            continue
        try:
            pid = int(name[len(_CGROUP_PREFIX):])
        except ValueError:
            continue
        if owner_pid is None:
            try:
                os.kill(pid, 0)
                continue  # that grader is still running
            except ProcessLookupError:
                pass
            except PermissionError:
                continue
        elif pid != owner_pid:
            continue
        parent = os.path.join(base, name)
        for child in (os.listdir(parent) if os.path.isdir(parent) else []):
            if child.startswith(prefix) and os.path.isdir(os.path.join(parent, child)):
                remove_cgroup(os.path.join(parent, child), timeout=1.0)
        try:
            os.rmdir(parent)
        except OSError:
            pass


# ----------------------------------------------------------------------------- what we have
_capabilities = None


class _NoNamespaces(Exception):
    pass


def _probe_namespaces(root):
    """In a throw-away child: which namespaces this process can make (clone flags, bits of
    the exit status) and whether /proc and the loopback can be set up inside them."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            if not root:
                try:
                    enter_namespaces(CLONE_NEWUSER)
                    code |= 1
                except OSError:
                    raise _NoNamespaces from None
            for bit, flag in ((2, CLONE_NEWPID), (4, CLONE_NEWNET), (8, CLONE_NEWNS)):
                try:
                    unshare(flag)
                    code |= bit
                except OSError:
                    pass
            if code & 2:
                inner = os.fork()
                if inner == 0:
                    status = 0
                    try:
                        if code & 8:
                            private_proc()
                            status |= 16
                        if code & 4:
                            loopback_up()
                            status |= 32
                    except Exception:
                        pass
                    os._exit(status if os.getpid() == 1 else 0)
                _, status = os.waitpid(inner, 0)
                code |= os.waitstatus_to_exitcode(status) & (16 | 32)
        except BaseException:
            pass
        try:
            if forbid_unix_sockets():
                try:
                    socket.socket(socket.AF_UNIX).close()
                except PermissionError:
                    code |= 64
        except BaseException:
            pass
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return max(code, 0)


def capabilities(refresh=False):
    """What this machine lets the grader confine, tried for real (once per process).

    A dict: ``root``, ``landlock`` (ABI, 0 = none), ``user_namespace``, ``pid_namespace``,
    ``net_namespace`` (with its loopback up), ``mount_namespace`` (with a private /proc),
    ``pids_cgroup`` (a folder, or None), ``namespaces`` (the clone flags the kernels get),
    ``own_uid`` (each kernel gets a uid of its own), ``kernel_uid`` (which),
    ``max_processes``, ``no_unix_sockets`` (seccomp can forbid making Unix sockets).
    """
    global _capabilities
    if _capabilities is not None and not refresh:
        return dict(_capabilities)
    root = os.geteuid() == 0
    try:
        code = _probe_namespaces(root)
    except OSError:
        code = 0
    user = bool(code & 1) or root
    pid_ns = user and bool(code & 2)
    net_ns = user and bool(code & 4) and bool(code & 32) if pid_ns else user and bool(code & 4)
    mount_ns = pid_ns and bool(code & 8) and bool(code & 16)
    flags = 0
    if pid_ns or net_ns:
        flags |= (CLONE_NEWPID if pid_ns else 0) | (CLONE_NEWNET if net_ns else 0) | \
                 (CLONE_NEWNS if mount_ns else 0) | (0 if root else CLONE_NEWUSER)
    cgroup = pids_cgroup_base() if root else None
    # as root, a kernel gets a uid of its own if it can still reach Python (a private mount
    # namespace can make a Python under a private home reachable: see expose)
    python = {sys.prefix, sys.base_prefix, sys.exec_prefix, tempfile.gettempdir(),
              *(p for p in sys.path if p)}
    own_uid = root and (mount_ns or not blocked_folders(python))
    _capabilities = {
        "root": root, "landlock": landlock_abi(), "user_namespace": bool(code & 1),
        "pid_namespace": pid_ns, "net_namespace": net_ns, "mount_namespace": mount_ns,
        "namespaces": flags, "pids_cgroup": cgroup, "max_processes": MAX_PROCESSES,
        "no_unix_sockets": bool(code & 64),
        "own_uid": own_uid,
        "kernel_uid": f"{KERNEL_UID_BASE} + pid" if own_uid else str(os.geteuid()),
    }
    return dict(_capabilities)


def describe(caps, landlock_abi_used=None):
    """Sentences for the report's header: what each confinement does here, or that it is
    NOT in force."""
    caps = dict(caps)
    n = caps.get("max_processes", MAX_PROCESSES)
    lines = []
    if caps["pid_namespace"]:
        lines.append("Processes: each kernel is PID 1 of its own PID namespace, so when it "
                     "ends every process it started ends too, detached or not"
                     + (f"; at most {n} processes and threads per kernel (pids cgroup)"
                        if caps["pids_cgroup"] else
                        f"; at most {n} processes and threads per kernel (RLIMIT_NPROC; no "
                        f"pids cgroup here)" if caps["own_uid"] or caps["user_namespace"] else
                        "; the NUMBER of processes is NOT capped (no pids cgroup)"))
    else:
        lines.append("Processes: NOT confined (no PID namespaces here): a process a "
                     "submission detaches (setsid, double fork) may outlive its grading"
                     + (f"; at most {n} processes and threads per kernel (pids cgroup)"
                        if caps["pids_cgroup"] else ""))
    unix = ("; it may not make Unix sockets (seccomp), so services' socket files on the "
            "host are out of reach too" if caps.get("no_unix_sockets") else
            "; Unix socket files of the host's services are NOT out of reach (no seccomp "
            "filter here)")
    if caps["net_namespace"]:
        lines.append("Network: each kernel has its own network namespace with only a "
                     "loopback; it cannot reach the host, other kernels or the network "
                     "(the grader talks to it through Unix sockets it made before student "
                     "code ran)" + unix)
    elif caps.get("landlock", 0) >= 4:
        lines.append("Network: no network namespace here; Landlock refuses every TCP bind "
                     "and connect, but UDP (e.g. DNS) is NOT confined" + unix)
    else:
        lines.append("Network: NOT confined (no network namespace, no Landlock TCP rules): "
                     "student code can connect to the host and the network" + unix)
    if caps["own_uid"]:
        lines.append(f"User: each kernel runs as its own unprivileged uid "
                     f"({caps['kernel_uid']}), without capabilities, in a folder only it "
                     f"may enter")
    elif caps["root"]:
        lines.append("User: kernels run as root (uid 0) without capabilities: NOT as an "
                     "unprivileged uid (no mount namespace here to keep Python reachable)")
    else:
        lines.append(f"User: kernels run as the grader's own uid ({caps['kernel_uid']}), "
                     f"not root, without capabilities; they are NOT separated from the "
                     f"grader's uid except by the filesystem sandbox"
                     + ("" if caps["user_namespace"] else " (no user namespaces here)"))
    if caps["mount_namespace"]:
        lines.append("Visibility: each kernel's /proc shows only its own processes")
    lines.append("Files: submissions are read without following symbolic links; symbolic "
                 "links, hard links and folders that lead elsewhere are refused")
    return lines
