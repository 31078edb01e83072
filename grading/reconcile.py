"""Read a submitted notebook defensively and rebuild it on the instructor's skeleton.

The notebook that is executed is the RELEASED notebook (order, cell types,
locked cells, nbgrader metadata, points) with the graded test cells taken from
the gradebook (so with their hidden tests), into which only the student's
ANSWER cells (matched by grade_id) and the student's own extra cells are put.
Whatever a student did to the rest -- deleting, emptying, editing, reordering,
duplicating test cells, changing a cell's type, editing locked cells, removing
or forging nbgrader metadata (e.g. raising points) -- has no effect on what is
run or on the points, and every difference is reported in words.
"""

import copy
import errno
import json
import os
import stat

import nbformat

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024


class Unreadable(Exception):
    """The submitted file is not a notebook that can be graded; the message says why."""


def read_submission(path):
    """(notebook as v4 NotebookNode, [events]) or raise :class:`Unreadable`.

    The file is opened without following a symbolic link (O_NOFOLLOW); a symbolic link, a
    hard link (a file with more than one name, which may be someone else's file) or
    anything but a plain file is refused.
    """
    events = []
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        if error.errno == errno.ELOOP or os.path.islink(path):
            raise Unreadable("it is a symbolic link; it was refused")
        raise Unreadable(f"the notebook could not be read ({error.strerror})")
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("it is not a plain file; it was refused")
        if info.st_nlink > 1:
            raise Unreadable(f"it is a hard link (the file has {info.st_nlink} names, one of "
                             f"which may be someone else's); it was refused")
        size = info.st_size
        if size == 0:
            raise Unreadable("the notebook file is empty")
        if size > MAX_NOTEBOOK_BYTES:
            raise Unreadable(f"the notebook is {size / 1e6:.0f} MB, more than the "
                             f"{MAX_NOTEBOOK_BYTES / 1e6:.0f} MB a submission may have")
        raw = handle.read(MAX_NOTEBOOK_BYTES + 1)
    if len(raw) > MAX_NOTEBOOK_BYTES:
        raise Unreadable(f"the notebook is more than the {MAX_NOTEBOOK_BYTES / 1e6:.0f} MB a "
                         f"submission may have")
    text = raw.decode("utf-8", errors="replace")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise Unreadable(f"the notebook file is not valid JSON ({str(error)[:80]}); "
                         f"it was probably damaged or is not a notebook")
    if not isinstance(data, dict) or not isinstance(data.get("cells", data.get("worksheets")),
                                                    list):
        raise Unreadable("the file is JSON but not a notebook (it has no list of cells)")
    major = data.get("nbformat")
    try:
        notebook = nbformat.from_dict(data)
        if major != 4:
            notebook = nbformat.convert(notebook, 4)
            events.append(f"the notebook was in the old format version {major}; "
                          f"it was converted to version 4 before grading")
    except Exception as error:  # nbformat raises many kinds on malformed input
        raise Unreadable(f"the notebook could not be understood ({type(error).__name__}: "
                         f"{str(error)[:80]})")
    if not isinstance(notebook.get("cells"), list):
        raise Unreadable("the notebook has no list of cells")
    return notebook, events


def _nbgrader(cell):
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    info = meta.get("nbgrader") if isinstance(meta, dict) else None
    return info if isinstance(info, dict) else {}


def _source(cell):
    source = cell.get("source", "") if isinstance(cell, dict) else ""
    if isinstance(source, list):
        source = "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""


def _kind(skeleton_cell):
    info = _nbgrader(skeleton_cell)
    if info.get("solution"):
        return "answer"
    if info.get("grade"):
        return "test"
    return "fixed"


def _describe(cell):
    info = _nbgrader(cell)
    kind = _kind(cell)
    name = info.get("grade_id", "?")
    return {"answer": f"answer cell '{name}'", "test": f"test cell '{name}'"}.get(
        kind, f"locked cell '{name}'")


def reconcile(submitted, skeleton, test_sources):
    """The notebook to execute, built from ``skeleton`` with the student's answers.

    ``skeleton``: the released notebook. ``test_sources``: {grade_id: source} of the
    graded test cells, from the gradebook (with hidden tests). Returns
    (notebook, events, roles) where roles[i] is "fixed", "test", "answer" or "extra".
    """
    events = []
    skeleton_ids = {}
    for index, cell in enumerate(skeleton.cells):
        grade_id = _nbgrader(cell).get("grade_id")
        if grade_id:
            skeleton_ids[grade_id] = index

    # Which submitted cell is which skeleton cell.
    matched = {}  # skeleton index -> submitted cell
    order = []  # skeleton indexes in submitted order
    extras = {}  # skeleton index it follows (-1: start) -> [cells]
    by_source = {}  # unchanged locked cells can be recognized by their text
    for index, cell in enumerate(skeleton.cells):
        if _kind(cell) != "answer" and _source(cell).strip():
            by_source.setdefault(_source(cell).strip(), []).append(index)
    last_anchor = -1
    unlabelled = 0
    for cell in submitted.cells:
        if not isinstance(cell, dict):
            continue
        grade_id = _nbgrader(cell).get("grade_id")
        index = skeleton_ids.get(grade_id) if isinstance(grade_id, str) else None
        if index is None and not _nbgrader(cell):
            same = [i for i in by_source.get(_source(cell).strip(), []) if i not in matched]
            if same:  # nbgrader metadata removed from an unchanged cell
                index = same[0]
                unlabelled += 1
        if index is not None and index not in matched:
            matched[index] = cell
            order.append(index)
            last_anchor = index
            continue
        if index is not None:  # a second cell with a known grade_id
            what = _describe(skeleton.cells[index])
            if _kind(skeleton.cells[index]) == "answer":
                events.append(f"{what} appeared twice; the first copy was graded as the answer "
                              f"and the second was run as an ordinary cell")
            else:
                events.append(f"{what} was duplicated; the copy was ignored")
                continue
        elif _nbgrader(cell).get("grade") or _nbgrader(cell).get("points"):
            events.append(f"a cell claimed to be a graded test ('{grade_id}') that is not part "
                          f"of the assignment; it earns nothing and was run as an ordinary cell")
        elif _nbgrader(cell).get("solution") or _nbgrader(cell).get("locked"):
            events.append(f"a cell with unknown nbgrader id '{grade_id}' was run as an ordinary "
                          f"cell")
        extras.setdefault(last_anchor, []).append(cell)
    if unlabelled:
        events.append(f"{unlabelled} cell(s) had lost their nbgrader metadata; they were "
                      f"recognized by their text")
    if order != sorted(order):
        events.append("cells were moved; they were put back in the assignment's order")

    cells, roles = [], []

    def add_extras(anchor):
        for cell in extras.pop(anchor, []):
            kind = cell.get("cell_type")
            if kind not in ("code", "markdown", "raw"):
                continue
            new = (nbformat.v4.new_code_cell(_source(cell)) if kind == "code" else
                   nbformat.v4.new_markdown_cell(_source(cell)) if kind == "markdown" else
                   nbformat.v4.new_raw_cell(_source(cell)))
            cells.append(new)
            roles.append("extra" if kind == "code" else "fixed")

    add_extras(-1)
    pending = []  # anchors whose extras wait until after missing answer cells
    for index, original in enumerate(skeleton.cells):
        cell = copy.deepcopy(original)
        kind = _kind(original)
        info = _nbgrader(original)
        grade_id = info.get("grade_id", "?")
        mine = matched.get(index)
        if kind == "answer":
            if mine is None:
                events.append(f"{_describe(original)} is missing (deleted, or its nbgrader "
                              f"metadata was removed); the released stub was used, and any "
                              f"unmarked cells near it were run as ordinary cells")
            else:
                if mine.get("cell_type") != original.cell_type:
                    events.append(f"{_describe(original)} was changed from {original.cell_type} "
                                  f"to {mine.get('cell_type')}; it was graded as "
                                  f"{original.cell_type}")
                cell.source = _source(mine)
        else:
            if kind == "test":
                cell.source = test_sources.get(grade_id, cell.source)
            if mine is None:
                events.append(f"{_describe(original)} was missing; the original was restored")
            else:
                if mine.get("cell_type") != original.cell_type:
                    events.append(f"{_describe(original)} was changed from {original.cell_type} "
                                  f"to {mine.get('cell_type')}; the original was restored")
                elif _source(mine).strip() not in (_source(original).strip(),
                                                   cell.source.strip()):
                    emptied = not _source(mine).strip()
                    events.append(f"{_describe(original)} was {'emptied' if emptied else 'edited'};"
                                  f" the original was restored")
                theirs = _nbgrader(mine)
                for key in ("points", "grade", "solution", "locked"):
                    if theirs and key in info and theirs.get(key) != info.get(key):
                        events.append(f"{_describe(original)}: nbgrader '{key}' was changed from "
                                      f"{info.get(key)!r} to {theirs.get(key)!r} in the "
                                      f"submission; the assignment's value was used")
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
        roles.append(kind)
        if not (mine is None and kind == "answer"):
            pending.append(index)
        nxt = index + 1
        if nxt < len(skeleton.cells) and _kind(skeleton.cells[nxt]) == "answer" and \
                nxt not in matched:
            continue  # the student's unmarked cells go after the released stub
        for anchor in pending:
            add_extras(anchor)
        pending = []
    for anchor in pending + sorted(extras):
        add_extras(anchor)

    notebook = nbformat.v4.new_notebook(metadata=copy.deepcopy(skeleton.metadata))
    notebook.cells = cells
    return notebook, events, roles
