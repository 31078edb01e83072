"""A corpus of broken and hostile submissions, each built from a real student version.

:func:`build` writes every case into ``submitted/<case>/<assignment>/`` of a
scratch course and returns ``{case: Case}``. Every case starts from the
*honest* submission -- the released notebook with part 1 answered from the
solution and every other part left as the released stub -- and then breaks or
games it. The honest work in it is part 1, so a case must score exactly what
the ``honest`` student scores, part by part (``expect="honest"``), or zero
(``expect="zero"``) when there is no readable notebook; ``words`` are what the
instructor's report must say about it.

    python tests/grading_corpus.py COURSE ASSIGNMENT   # write the corpus into COURSE
"""

import ast
import copy
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from grading import course as C


@dataclass
class Case:
    group: str
    expect: str  # "honest", "zero" or "full"
    words: tuple = ()  # phrases the report must contain for this student


def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def _cells(nb, kind, part=None):
    """Indexes of answer ("solution") or test ("grade") cells, of ``part`` if given."""
    return [i for i, c in enumerate(nb.cells)
            if _meta(c).get(kind) and (part is None or C.part_of(c) == part)]


def _defined_names(source):
    """Functions and variables an answer cell defines."""
    names = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append((node.name, "def"))
        elif isinstance(node, ast.Assign):
            names += [(t.id, "var") for t in node.targets if isinstance(t, ast.Name)]
    return names


ANYTHING = '''
class Anything:
    """Equal to, less than and greater than everything; every operation returns itself."""
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __lt__ = __le__ = __gt__ = __ge__ = __eq__
    def __bool__(self): return True
    def __float__(self): return 0.0
    def __len__(self): return 0
    def __iter__(self): return iter(())
    def __getattr__(self, name): return self
    def __call__(self, *args, **kwargs): return self
    def __getitem__(self, key): return self
    def __abs__(self): return self
    def __neg__(self): return self
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = \\
        __rtruediv__ = __pow__ = __rpow__ = lambda self, other: self
    def __hash__(self): return 0
'''

PATCHES = {
    "numpy_patched": '''
import numpy as np, numpy.testing
np.allclose = np.isclose = np.array_equal = np.array_equiv = lambda *a, **k: True
np.testing.assert_allclose = np.testing.assert_array_equal = lambda *a, **k: None
np.testing.assert_almost_equal = np.testing.assert_equal = lambda *a, **k: None
''',
    "torch_patched": '''
import torch, torch.testing
torch.allclose = torch.equal = lambda *a, **k: True
torch.isclose = lambda a, b, *r, **k: torch.ones_like(torch.as_tensor(a), dtype=torch.bool)
torch.testing.assert_close = lambda *a, **k: None
torch.Tensor.__eq__ = lambda self, other: torch.ones_like(self, dtype=torch.bool)
''',
    "math_patched": '''
import math
math.isclose = lambda *a, **k: True
math.isfinite = lambda x: True
math.fabs = lambda x: 0.0
''',
    "builtins_replaced": '''
import builtins
builtins.abs = lambda x: 0
builtins.zip = lambda *a: iter(())
builtins.enumerate = lambda *a, **k: iter(())
builtins.len = lambda x: 0
builtins.isinstance = lambda *a: True
builtins.AssertionError = type("AssertionError", (Exception,), {})
''',
    "traceback_silenced": '''
ip = get_ipython()
ip.showtraceback = lambda *a, **k: None
ip._showtraceback = lambda *a, **k: None
type(ip).showtraceback = lambda *a, **k: None
ip.set_custom_exc((BaseException,), lambda *a, **k: None)
import sys
sys.excepthook = lambda *a: None
''',
    "checks_patched": '''
import optbook.checks
noop = lambda *a, **k: None
optbook.checks.check_close = optbook.checks.check = noop
optbook.checks.check_close.__code__ = (lambda *a, **k: None).__code__
check_close = check = noop
check_number = lambda x, *a, **k: 0.0
''',
    "run_cell_hijack": '''
ip = get_ipython()
_real_run_cell = ip.run_cell
def _only_pass(raw_cell, *args, **kwargs):
    if "check" in raw_cell or "__optbook" in raw_cell:
        raw_cell = "pass"
    return _real_run_cell(raw_cell, *args, **kwargs)
ip.run_cell = _only_pass
''',
}

# Undoing the grader's in-kernel restore, three ways; each then games the later answers.
UNDO_RESTORE = {
    "restore_disabled_gc": '''
import gc
for obj in gc.get_objects():
    if type(obj).__name__ == "Agent" and hasattr(obj, "restore"):
        obj.restore = obj.snapshot = lambda *a, **k: None
        obj.user_names = {}
import numpy as np
np.allclose = lambda *a, **k: True
''',
    "restore_handler_replaced": '''
kernel = get_ipython().kernel
def _fake_ok(stream, idents, parent):
    kernel.session.send(stream, "optbook_reply", {"status": "ok", "restored": []}, parent, idents)
kernel.shell_handlers["optbook_request"] = _fake_ok
import optbook.checks
optbook.checks.check_close = lambda *a, **k: None
''',
    "probe_forged": '''
import gc, json
ip = get_ipython()
_publish = ip.display_pub.publish
MIME = "application/vnd.optbook.record+json"
def _forge(data, *args, **kwargs):
    if MIME in data:  # replace the real answers with zeros, and send extra keys too
        key = data[MIME]["key"]
        for k in range(key, key + 20):
            _publish({MIME: {"key": k, "values": [0.0, "forged"]}}, metadata={})
        return None
    return _publish(data, *args, **kwargs)
ip.display_pub.publish = _forge
for obj in gc.get_objects():
    if type(obj).__name__ == "Agent" and hasattr(obj, "publish"):
        obj.publish = _forge
''',
    "probe_flood": '''
ip = get_ipython()
_publish = ip.display_pub.publish
MIME = "application/vnd.optbook.record+json"
def _flood(data, *args, **kwargs):
    if MIME in data and data[MIME]["key"] == 0:  # bury the real answers under 3000 fakes
        for k in range(3000):
            _publish({MIME: {"key": k % 7, "values": [[1.0] * 100]}}, metadata={})
    return _publish(data, *args, **kwargs)
ip.display_pub.publish = _flood
import gc
for obj in gc.get_objects():
    if type(obj).__name__ == "Agent" and hasattr(obj, "publish"):
        obj.publish = _flood
''',
}

# Objects that pass themselves off as the library types answers come in.
FORGED = {
    "forged_float": '''
class Anything(float):
    def __eq__(self, other): return True
    __le__ = __ge__ = __lt__ = __gt__ = __eq__
    def __abs__(self): return Anything(0.0)
    def __sub__(self, other): return Anything(0.0)
    __rsub__ = __add__ = __radd__ = __mul__ = __rmul__ = __truediv__ = __sub__
    def __hash__(self): return 0
''',
    "forged_ndarray": '''
import numpy as np
class Anything(np.ndarray):
    def __new__(cls, *args, **kwargs):
        return np.zeros(3).view(cls)
    def __eq__(self, other): return np.ones(np.shape(other), dtype=bool)
    def tolist(self): return self
    def astype(self, *a, **k): return self
''',
    "forged_tensor": '''
import torch
class Anything(torch.Tensor):
    @staticmethod
    def __new__(cls, *args, **kwargs):
        return torch.zeros(3).as_subclass(cls)
    def __eq__(self, other): return torch.ones(1, dtype=torch.bool)
    def tolist(self): return self
''',
}

OUTSIDE = {
    "read_solutions": '''
import glob, json, os
stolen = {{}}
for pattern in ["../../solutions/*/*.ipynb", "../../../solutions/*/*.ipynb",
                "{root}/solutions/*/*.ipynb", "{root}/gradebook.db"]:
    for path in glob.glob(pattern):
        try:
            for cell in json.load(open(path)).get("cells", []):
                if cell.get("metadata", {{}}).get("nbgrader", {{}}).get("solution"):
                    stolen[path] = True
                    exec("".join(cell["source"]).replace("### BEGIN SOLUTION", ""), globals())
        except Exception as error:
            print("refused:", type(error).__name__)
for path in ["{root}/solutions/{name}/{name}.ipynb"]:
    try:
        for cell in json.load(open(path))["cells"]:
            if cell["metadata"].get("nbgrader", {{}}).get("solution"):
                exec("".join(cell["source"]), globals())
    except Exception as error:
        print("refused:", type(error).__name__, error)
''',
    "write_outside": '''
import os
for path in ["{root}/hacked.txt", "../../victim/{name}/{name}.ipynb",
             "{root}/submitted/victim/{name}/{name}.ipynb", "/tmp/optbook-hacked.txt",
             "{root}/autograded/victim/{name}/{name}.ipynb"]:
    try:
        with open(path, "w") as handle:
            handle.write("{{}}")
    except Exception as error:
        print("refused:", type(error).__name__)
''',
    "read_gradebook": '''
import sqlite3
for path in ["{root}/gradebook.db", "../../../gradebook.db"]:
    try:
        db = sqlite3.connect(path)
        db.execute("UPDATE grade SET auto_score = 100")
        db.commit()
        print(db.execute("SELECT * FROM grade").fetchall()[:3])
    except Exception as error:
        print("refused:", type(error).__name__, error)
''',
    "kill_others": '''
import os, signal
for name in os.listdir("/proc"):
    if name.isdigit() and int(name) != os.getpid():
        try:
            os.kill(int(name), signal.SIGKILL)
        except Exception:
            pass
''',
}


def build(course, name, source_root=C.ROOT):
    """Write the corpus for assignment ``name`` into ``course``; {student: Case}."""
    course = Path(course)
    root = str(course.resolve())
    solution = nbformat.read(C.source_path(name, source_root), as_version=4)
    parts = list(C.parts(name, source_root))
    assert len(parts) >= 2, "the corpus needs an assignment with at least two parts"
    others = set(parts[1:])
    honest = C.with_answers(name, keep_stub=others, root=source_root)
    cases = {}

    def submit(student, notebook, case):
        C.submit(course, student, name, notebook)
        cases[student] = case

    def variant(edit):
        nb = copy.deepcopy(honest)
        edit(nb)
        return nb

    first_p2 = _cells(honest, "solution", parts[1])[0]
    p1_tests = _cells(honest, "grade", parts[0])
    p2_tests = _cells(honest, "grade", parts[1])

    def in_p2(code):
        def edit(nb):
            nb.cells[first_p2].source = code
        return edit

    # references
    submit("honest", honest, Case("reference", "honest"))
    submit("full", nbformat.read(C.source_path(name, source_root), as_version=4),
           Case("reference", "full"))
    submit("victim", C.with_answers(name, root=source_root), Case("reference", "full"))

    # runaway or dying code
    submit("infinite_loop", variant(in_p2("while True:\n    pass")),
           Case("runaway", "honest", ("did not finish",)))
    submit("os_exit", variant(in_p2("import os\nos._exit(0)")),
           Case("runaway", "honest", ("kernel stopped",)))
    submit("kernel_exit", variant(in_p2("exit()")), Case("runaway", "honest"))
    submit("system_exit", variant(in_p2("raise SystemExit(0)")),
           Case("runaway", "honest", ("SystemExit",)))
    submit("keyboard_interrupt", variant(in_p2("raise KeyboardInterrupt")),
           Case("runaway", "honest", ("KeyboardInterrupt",)))
    submit("memory_hog", variant(in_p2("hog = bytearray(64 * 1024 ** 3)")),
           Case("runaway", "honest", ("out of memory",)))
    submit("memory_creep", variant(in_p2(
        "hog = []\nwhile True:\n    hog.append(bytearray(64 * 1024 ** 2))")),
        Case("runaway", "honest", ("memory",)))
    submit("huge_output", variant(in_p2(
        "print('x' * 20_000_000)\nfor i in range(200_000):\n    print(i)")),
        Case("runaway", "honest", ("output",)))

    # tampering with the notebook
    def delete_tests(nb):
        nb.cells = [c for i, c in enumerate(nb.cells) if i not in p1_tests]
    submit("tests_deleted", variant(delete_tests), Case("tampering", "honest", ("missing",)))

    def empty_tests(nb):
        for i in p1_tests + p2_tests:
            nb.cells[i].source = ""
    submit("tests_emptied", variant(empty_tests), Case("tampering", "honest", ("emptied",)))

    def edit_tests(nb):
        for i in p2_tests:
            nb.cells[i].source = "pass"
    submit("tests_edited", variant(edit_tests), Case("tampering", "honest", ("edited",)))

    def reorder(nb):
        tests = [nb.cells[i] for i in p1_tests + p2_tests]
        rest = [c for i, c in enumerate(nb.cells) if i not in p1_tests + p2_tests]
        nb.cells = tests + rest
    submit("tests_reordered", variant(reorder), Case("tampering", "honest", ("moved",)))

    def duplicate(nb):
        for i in sorted(p1_tests, reverse=True):
            for copy_number in range(3):
                twin = copy.deepcopy(nb.cells[i])
                twin.id = f"{twin.get('id', 'cell')}-copy{copy_number}"
                nb.cells.insert(i + 1, twin)
    submit("tests_duplicated", variant(duplicate), Case("tampering", "honest", ("duplicated",)))

    def retype(nb):
        for i in p2_tests:
            nb.cells[i] = nbformat.v4.new_markdown_cell(nb.cells[i].source,
                                                        metadata=nb.cells[i].metadata)
    submit("cell_type_changed", variant(retype), Case("tampering", "honest", ("changed from",)))

    def edit_locked(nb):
        for cell in nb.cells:
            info = _meta(cell)
            if info.get("grade_id") == "setup":
                cell.source += "\nimport numpy\nnumpy.allclose = lambda *a, **k: True\n" \
                               "check = check_close = lambda *a, **k: None\n"
            elif info.get("locked") and cell.cell_type == "markdown":
                cell.source = "I rewrote the instructions."
    submit("locked_edited", variant(edit_locked), Case("tampering", "honest", ("edited",)))

    def strip_metadata(nb):
        for cell in nb.cells:
            cell.metadata.pop("nbgrader", None)
    submit("metadata_removed", variant(strip_metadata), Case("tampering", "honest",
                                                             ("missing",)))

    def forge(nb):
        for i in p1_tests + p2_tests:
            nb.cells[i].metadata["nbgrader"]["points"] = 100
        forged = nbformat.v4.new_code_cell("pass", metadata={"nbgrader": {
            "grade": True, "solution": False, "locked": True, "points": 50,
            "grade_id": "bonus_tests", "schema_version": 3}})
        nb.cells.append(forged)
        for i in p2_tests:  # and claim a test is an answer cell
            nb.cells[i].metadata["nbgrader"]["grade"] = False
    submit("metadata_forged", variant(forge), Case("tampering", "honest", ("points",)))

    # cheating inside the kernel: every later answer is an Anything, plus a patch
    def anything_answers(patch):
        def edit(nb):
            for index in _cells(nb, "solution"):
                if C.part_of(nb.cells[index]) == parts[0]:
                    continue
                grade_id = _meta(nb.cells[index])["grade_id"]
                original = next(c for c in solution.cells if _meta(c).get("grade_id") == grade_id)
                lines = [ANYTHING, patch]
                for defined, kind in _defined_names(original.source):
                    lines.append(f"def {defined}(*args, **kwargs):\n    return Anything()"
                                 if kind == "def" else f"{defined} = Anything()")
                nb.cells[index].source = "\n".join(lines)
        return edit
    submit("eq_always_true", variant(anything_answers("")), Case("cheating", "honest"))
    for case, patch in PATCHES.items():
        words = {"numpy_patched": ("numpy.allclose",), "torch_patched": ("torch.allclose",),
                 "math_patched": ("math.isclose",), "builtins_replaced": ("builtins.abs",),
                 "traceback_silenced": ("showtraceback",), "checks_patched": ("check_close",),
                 "run_cell_hijack": ("run_cell",)}[case]
        submit(case, variant(anything_answers(patch)), Case("cheating", "honest", words))

    # undoing the grader's restore, and forging the probes it reads
    for case, patch in UNDO_RESTORE.items():
        words = ("answers more than",) if case == "probe_flood" else ()
        submit(case, variant(anything_answers(patch)), Case("undo_restore", "honest", words))
    # objects of library types (subclasses) that claim to equal everything
    for case, forged in FORGED.items():
        submit(case, variant(anything_answers(forged.replace("class Anything", "class _Forged")
                                              + "\nAnything = _Forged\n")),
               Case("forged", "honest"))

    # honest work in real-world shapes: full marks
    full = C.with_answers(name, root=source_root)

    def other_kernel(nb):
        nb.metadata["kernelspec"] = {"name": "conda-env-course-py", "display_name": "Course",
                                     "language": "python"}
    def no_cell_ids(nb):
        nb.nbformat_minor = 4
        for cell in nb.cells:
            cell.pop("id", None)

    def scratch_cells(nb):
        at = _cells(nb, "solution")[0] + 1
        nb.cells.insert(at, nbformat.v4.new_code_cell("scratch = [1, 2, 3]\nprint(sum(scratch))"))
        nb.cells.insert(at + 1, nbformat.v4.new_code_cell("1 / 0  # trying something out"))
        nb.cells.insert(at + 2, nbformat.v4.new_markdown_cell("My notes on part 1."))

    def saved_outputs(nb):
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.execution_count = 7
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="old run\n"),
                                nbformat.v4.new_output("execute_result", data={
                                    "text/plain": "42"}, execution_count=7)]
    for case, edit in (("other_kernelspec", other_kernel), ("no_cell_ids", no_cell_ids),
                       ("scratch_cells", scratch_cells), ("saved_outputs", saved_outputs)):
        notebook = copy.deepcopy(full)
        edit(notebook)
        folder = course / "submitted" / case / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.ipynb").write_text(json.dumps(notebook))  # as saved, unvalidated
        cases[case] = Case("real_world", "full")

    # broken files
    for student, content in (("not_json", "{this is not json"), ("empty_file", "")):
        folder = course / "submitted" / student / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.ipynb").write_text(content)
    cases["not_json"] = Case("broken", "zero", ("not valid JSON",))
    cases["empty_file"] = Case("broken", "zero", ("empty",))
    folder = course / "submitted" / "missing_notebook" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notes.txt").write_text("I forgot to upload it.")
    cases["missing_notebook"] = Case("broken", "zero", ("no notebook",))
    submit("extra_notebook", honest, Case("broken", "honest", ("extra notebook",)))
    nbformat.write(copy.deepcopy(honest),
                   course / "submitted" / "extra_notebook" / name / "scratch.ipynb")
    old = nbformat.convert(copy.deepcopy(honest), 3)
    folder = course / "submitted" / "old_format" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.ipynb").write_text(json.dumps(old))
    cases["old_format"] = Case("broken", "honest", ("old format",))

    # reaching outside the submission
    for case, code in OUTSIDE.items():
        words = {"read_solutions": ("tried to read",), "write_outside": ("tried to write",),
                 "read_gradebook": ("gradebook.db",), "kill_others": ()}[case]
        submit(case, variant(in_p2(code.format(root=root, name=name))),
               Case("outside", "honest", words))
    return cases


if __name__ == "__main__":
    for student, case in build(sys.argv[1], sys.argv[2]).items():
        print(f"{case.group:10s} {student:20s} expects {case.expect}")
