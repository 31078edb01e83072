"""What a grading kernel may see: the paths it may read and its environment.

The kernel confines itself with these (grading/zygote.py, grading/sandbox.py);
they are computed once per batch in the grader's process.
"""

import os
import sys
from pathlib import Path


def _inside_a_course(path):
    """True if ``path`` is in a folder that looks like a course (solutions, gradebook, config)."""
    for folder in [path, *Path(path).parents]:
        if (folder / "nbgrader_config.py").exists() or (folder / "solutions").is_dir():
            return True
    return False


def read_paths(course_root):
    """What a kernel may read: Python, installed packages, system files, the data folder.

    Never the course folder, nor any folder inside a course-like folder (the repository
    holds solutions/ and grading/assignments/, which contain the answers), except the
    Python environment and optbook's own source, which are named explicitly.
    """
    import optbook

    explicit = {sys.prefix, sys.base_prefix, sys.exec_prefix,
                str(Path(optbook.__file__).resolve().parent.parent)}
    explicit.update(str(Path(__file__).resolve().parent / name)  # the grader's kernel-side code
                    for name in ("__init__.py", "agent.py", "sandbox.py", "zygote.py"))
    if os.environ.get("OPTBOOK_DATA_DIR"):
        explicit.add(os.environ["OPTBOOK_DATA_DIR"])
    system = {"/usr", "/lib", "/lib64", "/lib32", "/etc", "/proc", "/sys", "/dev/null",
              "/dev/zero", "/dev/urandom", "/dev/random", "/opt/conda"}
    others = {p for p in sys.path if p and os.path.isdir(p)}
    root = os.path.realpath(course_root)
    allowed = []
    for path in sorted(explicit | system | others):
        real = os.path.realpath(path)
        if not os.path.exists(real) or real == root or root.startswith(real.rstrip("/") + "/"):
            continue  # never the course folder itself or a folder holding it
        if path in others and path not in explicit and _inside_a_course(Path(real)):
            continue
        allowed.append(real)
    return sorted(set(allowed))


def kernel_environment():
    keep = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "OPTBOOK_DATA_DIR", "MPLBACKEND")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env.setdefault("MPLBACKEND", "Agg")
    env.update({"PYDEVD_DISABLE_FILE_VALIDATION": "1", "OMP_NUM_THREADS": "1",
                "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                "NBGRADER_EXECUTION": "autograde", "PYTHONHASHSEED": "0"})
    return env


