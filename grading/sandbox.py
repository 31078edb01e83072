"""Confine a kernel process before any student code runs in it (Linux).

Called in the forked kernel process, in this order:

1. a new session (so the grader can kill the kernel and everything it starts);
2. resource limits: address space (memory), written file size, core dumps;
3. no new privileges, and, when running as root, every capability dropped;
4. Landlock (Linux >= 5.13, unprivileged): the process may READ only the Python
   installation, the installed packages, the data directory and its own folder,
   and may WRITE only inside its own folder (a private copy of the submission).
   Everything else -- solutions/, the gradebook, other students' folders -- is
   refused by the kernel with PermissionError. With Landlock ABI >= 6 the process
   also may not send signals to processes outside its sandbox (other kernels,
   the grader).

If Landlock is missing (older kernels, macOS) :func:`landlock_abi` returns 0 and
the grader reports that the filesystem is not confined; see the security page of
the instructors' guide for grading inside a container instead.
"""

import ctypes
import os
import resource

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446
_PR_SET_NO_NEW_PRIVS, _PR_SET_PDEATHSIG, _PR_CAPBSET_DROP = 38, 1, 24
_RULE_PATH_BENEATH = 1
_O_PATH = getattr(os, "O_PATH", 0o10000000)

# Landlock filesystem rights, by ABI version.
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_WRITE_RIGHTS_V1 = sum(1 << bit for bit in range(4, 13))  # remove/make dir, file, sock, ...
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
SCOPE_SIGNAL = 1 << 1

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


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
    errno = ctypes.get_errno()
    raise OSError(errno, f"landlock {what}: {os.strerror(errno)}")


def restrict_filesystem(read_paths, write_paths):
    """Allow reading (and executing) ``read_paths`` and read/write in ``write_paths``, nothing else.

    Returns the ABI used (0: not confined). Paths that do not exist are skipped.
    """
    abi = landlock_abi()
    if abi <= 0:
        return 0
    handled = _all_fs_rights(abi)
    attr = _RulesetAttr(handled, 0, SCOPE_SIGNAL if abi >= 6 else 0)
    size = ctypes.sizeof(_RulesetAttr) if abi >= 6 else 16
    ruleset = _libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size),
                            ctypes.c_uint32(0))
    if ruleset < 0:
        _fail("create_ruleset")
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
                        _fail(f"add_rule {path}")
                finally:
                    os.close(fd)
        if _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            _fail("no_new_privs")
        if _libc.syscall(_SYS_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) < 0:
            _fail("restrict_self")
    finally:
        os.close(ruleset)
    return abi


def drop_capabilities():
    """As root: empty the bounding set and every capability set (uid stays 0)."""
    if os.geteuid() != 0:
        return
    for cap in range(64):
        _libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0)  # stops at the first unknown one: harmless

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    header, data = Header(0x20080522, 0), (Data * 2)()
    _libc.capset(ctypes.byref(header), ctypes.byref(data))


def die_with_parent():
    """Ask Linux to kill this process when its parent dies (no orphaned kernels)."""
    _libc.prctl(_PR_SET_PDEATHSIG, 9, 0, 0, 0)


def current_address_space():
    """Bytes of virtual memory this process maps now."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def limit_resources(memory_bytes, file_bytes):
    """Cap extra memory at ``memory_bytes`` above what is mapped now, and written files' size."""
    if memory_bytes:
        cap = current_address_space() + int(memory_bytes)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    if file_bytes:
        resource.setrlimit(resource.RLIMIT_FSIZE, (int(file_bytes), int(file_bytes)))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
