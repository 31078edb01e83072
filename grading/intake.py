"""Reading a submission folder without following links.

A notebook or file that is a symbolic or a hard link, or a folder that resolves
outside ``submitted/``, is refused, and the report says so: a link could make
the grader read the instructor's solution as the student's work.
"""

import errno
import os
import shutil
import stat


def refused_folder(submission, submitted):
    """Why submitted/<student>/<assignment> may not be read (a symbolic link, or a folder
    that resolves outside ``submitted``), or None."""
    student = submission.parent
    for folder in (student, submission):
        if folder.is_symlink():
            return f"the folder '{folder.relative_to(submitted)}' is a symbolic link"
    if submission.exists() and os.path.realpath(submission) != os.path.join(
            os.path.realpath(submitted), student.name, submission.name):
        return (f"the folder '{submission.relative_to(submitted)}' resolves outside the "
                f"submitted folder")
    return None


def refused_file(path):
    """Why a submitted file may not be read (a symbolic or a hard link), or None."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link"
    if stat.S_ISREG(info.st_mode) and info.st_nlink > 1:
        return f"is a hard link (the file has {info.st_nlink} names)"
    return None


def copy_nofollow(source, target):
    """Copy the plain file ``source`` without following a symbolic link to it."""
    fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink > 1:
            raise OSError(errno.EPERM, "not a plain file with one name")
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(fd, "rb", closefd=False) as reader, open(target, "wb") as writer:
            shutil.copyfileobj(reader, writer)
    finally:
        os.close(fd)


