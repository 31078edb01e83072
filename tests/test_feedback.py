"""Feedback students can have (grading/feedback.py, in GenerateFeedback's chain).

Unit tests on a hand-made test cell (a visible part, a hidden region, a traceback
that quotes hidden lines, a message that leaks a hidden number), then end to end:
two assignments graded by the engine and one by plain nbgrader
(``GRADING_ENGINE=nbgrader``) in scratch courses, and for every feedback page:

- no line of any hidden region appears, and no traceback;
- no literal value that only the hidden regions write appears (in any form it prints in);
- the visible part of every test cell appears, with the note on its hidden lines;
- every failed check says in words what is wrong.

The three gradings run at once (about a minute on 2 cores).
"""

import ast
import html
import json
import math
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

REPO = Path(__file__).resolve().parents[1]
from grading import course as C
from grading import feedback as F

HIDDEN_NUMBER = 0.10269041405956597

# ----------------------------------------------------------------------------- a hand-made cell
VISIBLE = ('w = run_adam(-1.0, (2.0, -1.0), 30, 0.05, 0.5, False)\n'
           'check_close(w[1], 1.0, "x2 without weight decay")')
HIDDEN = [
    f'check_close(w, [0.5934885058421491, {HIDDEN_NUMBER}], "run_adam with L2 decay", rtol=1e-7)',
    'check(steps_to_shrink(1.0, 100.0, 1e-3) == 346, "the number of steps to shrink the error")',
    'check(optimizer_name == "adamw", "which optimizer decouples the decay")',
    'check(letter == "q", "the letter")',
]
TEST_SOURCE = VISIBLE + "\n### BEGIN HIDDEN TESTS\n" + "\n".join(HIDDEN) + "\n### END HIDDEN TESTS"
LEAK = f"run_adam with L2 decay is 0.1 at position 1, but it should be {HIDDEN_NUMBER:.6g}"
TRACEBACK = [
    "\x1b[0;31m---------------------------------------------------------------------------\x1b[0m",
    "\x1b[0;31mAssertionError\x1b[0m                            Traceback (most recent call last)",
    "Cell \x1b[0;32mIn[7], line 4\x1b[0m\n\x1b[1;32m      2\x1b[0m check_close(w[1], 1.0, "
    "\"x2 without weight decay\")\n\x1b[1;32m      3\x1b[0m \x1b[38;5;66;03m### BEGIN HIDDEN TESTS"
    f"\x1b[39;00m\n\x1b[0;32m----> 4\x1b[0m {HIDDEN[0]}\n\x1b[1;32m      5\x1b[0m {HIDDEN[1]}",
    f"\x1b[0;31mAssertionError\x1b[0m: {LEAK}",
]


def _meta(grade_id, **flags):
    return {"nbgrader": {"grade_id": grade_id, "schema_version": 3, "grade": False,
                         "solution": False, "locked": False, **flags}}


def hand_made():
    """(the autograded notebook, the released one) of a one-part assignment."""
    intro = new_markdown_cell("Write `run_adam`; the visible check uses 30 steps.",
                              metadata=_meta("intro", locked=True))
    answer = new_code_cell('def run_adam(*args):\n    return [0.1, 0.1]\noptimizer_name = "adam"\n'
                           'letter = "r"', metadata=_meta("p1_answer", solution=True))
    answer.outputs = [new_output("stream", name="stdout", text="my answer: [0.1 0.1]\n")]
    test = new_code_cell(TEST_SOURCE, metadata=_meta("p1_tests", grade=True, locked=True, points=2))
    test.outputs = [
        new_output("stream", name="stdout",
                   text=f"repr {HIDDEN_NUMBER!r}\ng {HIDDEN_NUMBER:.4g}\nf {HIDDEN_NUMBER:.4f}\n"
                        f"e {HIDDEN_NUMBER:.3e}\nsteps 346 of 3460\nname 'adamw' adamw\n"
                        f"letters 'q' q\nmine 0.1 0.10 0.1028 0.5934\n"),
        new_output("execute_result", execution_count=7, data={
            "text/plain": f"tensor([0.5935, {HIDDEN_NUMBER:.4f}], dtype=torch.float64)",
            "text/html": f'<td width="346">{HIDDEN_NUMBER:.5g}</td>'}),
        new_output("error", ename="AssertionError", evalue=LEAK, traceback=TRACEBACK),
    ]
    autograded = new_notebook(cells=[intro, answer, test])
    released = new_notebook(cells=[intro, new_code_cell(
        "# YOUR CODE HERE\nraise NotImplementedError()", metadata=_meta("p1_answer", solution=True)),
        new_code_cell(VISIBLE, metadata=test.metadata)])
    return autograded, released


def _texts(cell):
    """Every text of a cell's outputs, as the feedback renders them."""
    out = []
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            out += [output.ename, output.evalue] + list(output.traceback)
        elif output.output_type == "stream":
            out.append(output.text)
        else:
            out += [str(v) for v in output.data.values()]
    return "\n".join(out)


def _sanitized(**settings):
    autograded, released = hand_made()
    return F.sanitize(autograded, public_sources=[c.source for c in released.cells], **settings)


def test_split_hidden_keeps_the_visible_part_and_counts_the_hidden_lines():
    shown, regions = F.split_hidden(TEST_SOURCE)
    assert shown == VISIBLE + "\n# (4 hidden test lines not shown)"
    assert regions == [HIDDEN]
    indented = "for a in (1, 2):\n    ### BEGIN HIDDEN TESTS\n    check(a > 0, 'a')\n    ### END HIDDEN TESTS"
    assert F.split_hidden(indented)[0] == "for a in (1, 2):\n    # (1 hidden test line not shown)"
    with pytest.raises(RuntimeError):
        F.split_hidden("### BEGIN HIDDEN TESTS\nx = 1")
    assert F.split_hidden("### BEGIN HIDDEN TESTS\nx = 1", strict=False)[1] == [["x = 1"]]


def test_the_test_cell_shows_its_visible_part_and_a_note():
    cell = _sanitized().cells[2]
    assert cell.source == VISIBLE + "\n# (4 hidden test lines not shown)"


def test_tracebacks_become_what_is_wrong_in_words():
    error = _sanitized().cells[2].outputs[-1]
    assert len(error.traceback) == 1
    assert error.traceback[0] == ("\x1b[0;31mAssertionError\x1b[0m: run_adam with L2 decay is 0.1 at "
                                  "position 1, but it should be …")
    assert error.evalue == "run_adam with L2 decay is 0.1 at position 1, but it should be …"


def test_no_hidden_line_or_hidden_value_is_left():
    nb = _sanitized()
    texts = "\n".join(c.source for c in nb.cells if c.metadata.nbgrader.grade_id != "p1_answer")
    texts += "\n".join(_texts(c) for c in nb.cells)
    texts = re.sub(r"<[^>]*>", "", texts)  # markup (an attribute width="346") is left alone
    for line in HIDDEN:
        assert line not in texts
    assert "BEGIN HIDDEN" not in texts and "Traceback" not in texts and "----> 4" not in texts
    for form in (repr(HIDDEN_NUMBER), f"{HIDDEN_NUMBER:.6g}", f"{HIDDEN_NUMBER:.5g}",
                 f"{HIDDEN_NUMBER:.4g}", f"{HIDDEN_NUMBER:.4f}", f"{HIDDEN_NUMBER:.3e}",
                 "0.5935", "346", "'adamw'", "'q'"):
        assert not re.search(r"(?<![\d.])" + re.escape(form) + r"(?!\d)", texts), form
    assert not re.search(r"\badamw\b", texts)


def test_other_numbers_and_words_are_left_alone():
    test = _sanitized().cells[2]
    stream = test.outputs[0].text
    assert "steps … of 3460" in stream  # 3460 is not 346
    assert "letters '…' q" in stream  # a hidden one-letter answer: only where it is quoted
    assert "mine 0.1 0.10 0.1028 0.5934" in stream  # too few digits, or other values
    html_output = test.outputs[1].data["text/html"]
    assert html_output == '<td width="346">…</td>'  # markup is left alone
    assert test.outputs[1].data["text/plain"] == "tensor([…, …], dtype=torch.float64)"
    assert "check_close(w[1], 1.0" in test.source  # the released notebook's values stay


def test_the_students_own_cell_is_shown_as_written():
    nb = _sanitized()
    assert nb.cells[1].source == hand_made()[0].cells[1].source
    assert nb.cells[1].outputs[0].text == "my answer: [0.1 0.1]\n"


def test_show_expected_keeps_the_values_but_never_the_hidden_lines():
    error = _sanitized(show_expected=True).cells[2].outputs[-1]
    assert error.evalue == LEAK and error.traceback == [f"\x1b[0;31mAssertionError\x1b[0m: {LEAK}"]
    test = _sanitized(show_expected=True).cells[2]
    assert test.source == VISIBLE + "\n# (4 hidden test lines not shown)"
    assert all(line not in _texts(test) for line in HIDDEN)


def test_a_public_value_in_a_hidden_message_is_hidden_only_in_that_cell():
    """'b' is among the options the student sees, but in the message of a failed hidden
    check it is the answer."""
    nb = new_notebook(cells=[
        new_code_cell('check_one_of(answer, ["a", "b"], "answer")', metadata=_meta(
            "p1_visible", grade=True, locked=True, points=1)),
        new_code_cell('### BEGIN HIDDEN TESTS\ncheck_equal(answer, "b", "answer")\n'
                      '### END HIDDEN TESTS', metadata=_meta("p1_hidden", grade=True, locked=True,
                                                             points=1))])
    nb.cells[0].outputs = [new_output("stream", name="stdout", text="options 'a' 'b'\n")]
    nb.cells[1].outputs = [new_output("error", ename="AssertionError",
                                      evalue="answer: the answer is 'a', but it should be 'b'",
                                      traceback=[])]
    out = F.sanitize(nb, public_sources=[nb.cells[0].source])
    assert out.cells[0].outputs[0].text == "options 'a' 'b'\n"
    assert out.cells[1].outputs[0].evalue == "answer: the answer is 'a', but it should be '…'"


def test_number_matching_by_value():
    scrub = F.Scrubber(numbers=[HIDDEN_NUMBER, 346, 2 / 3, 1e-9, 7.0]).values
    assert scrub("0.10269 0.1027 0.103 1.027e-01 1.0269041e-1 0.10269041405956597") == \
        "… … … … … …"
    assert scrub("0.1 0.10 0.11 0.1028 1.0269 10.269 x0.10269 v0_10269") == \
        "0.1 0.10 0.11 0.1028 1.0269 10.269 x0.10269 v0_10269"
    assert scrub("346, 346.0, 3.46e+02, 3460, 34.6, 1.2.346") == "…, …, …, 3460, 34.6, 1.2.346"
    assert scrub("0.666667 0.6667 0.667 0.67 -0.6666666666666666.") == "… … … 0.67 -…."
    assert scrub("1e-09 1e-9 1.000e-09 7 7.0") == "… … … 7 7.0"  # small integers stay
    # Trailing zeros are no digits; a value the release writes is not a rounded hidden one.
    scrub = F.Scrubber(numbers=[0.062464792048, 10.04, 2999.7], public=[0.0625]).values
    assert scrub("0.0625 0.06246 0.0625 10.0 10.00 10.04 3000 2999.7") == \
        "0.0625 … 0.0625 10.0 10.00 … 3000 …"


def test_literals_tell_messages_from_values():
    numbers, strings = F.literals(
        'check_close(f(2 / 3), [0.15 * math.pi, -0.5], "the values at 0.25", rtol=1e-9)\n'
        'check(ans == "b", "why")\ncheck_type(x, "list", "x")\nassert y == "z", f"y is {y:.3f}"')
    assert {2 / 3, 0.15 * math.pi, 0.5, 1e-9} <= {abs(n) for n in numbers}
    assert strings == {"b", "z"}  # check_type's kind is a word of its message
    # a fragment that does not parse alone is read token by token
    numbers, strings = F.literals('    0.123456, "sgd"],\n  "a message with words")')
    assert numbers == {0.123456} and strings == {"sgd"}


def test_a_malformed_region_in_a_student_cell_does_not_stop_the_feedback():
    nb = new_notebook(cells=[
        new_code_cell("x = 1  # BEGIN HIDDEN TESTS", metadata=_meta("p1_answer", solution=True)),
        new_code_cell("### BEGIN HIDDEN TESTS\ny = 0.123456")])  # a cell the student added
    out = F.sanitize(nb)
    assert [c.source for c in out.cells] == [c.source for c in nb.cells]


def test_the_course_configures_the_preprocessor():
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPO)).load_config()
    chain = config.GenerateFeedback.preprocessors
    names = [p.__name__ for p in chain]
    assert "FeedbackSanitizer" in names and names.index("GetGrades") < names.index(
        "FeedbackSanitizer"), names
    assert not F.FeedbackSanitizer(config=config).show_expected
    opted = Config({"FeedbackSanitizer": {"show_expected": True}})
    assert F.FeedbackSanitizer(config=opted).show_expected


# ----------------------------------------------------------------------------- end to end
ENGINE = [name for name in ("gd", "adam") if name in C.assignment_names()]
PLAIN = "gd" if "gd" in C.assignment_names() else (C.assignment_names() or [None])[0]
# Wrong answers that pass some checks and fail others (the letters and booleans are flipped too).
MISTAKES = {"gd": [("2 / a", "2.2 / a"), ("return abs(1 - eta * a)", "return abs(1 - eta * a) + 0.01")],
            "adam": [("(1 - beta1) * grad", "(1 - beta1) * grad * 1.01"),
                     ("0.01 * 0.1", "0.01 * 0.11")]}


def wrong_answers(name):
    """The solution with a few mistakes, every answer letter shifted and every boolean flipped."""
    notebook = C.with_answers(name)
    flip = {"a": "b", "b": "c", "c": "a", "d": "a"}
    for cell in notebook.cells:
        if C.nbgrader_meta(cell).get("solution") and cell.cell_type == "code":
            for old, new in MISTAKES.get(name, []):
                cell.source = cell.source.replace(old, new)
            cell.source = re.sub(r'^(\w+ = )"([a-d])"$', lambda m: f'{m[1]}"{flip[m[2]]}"',
                                 cell.source, flags=re.M)
            cell.source = re.sub(r"^(\w+ = )(True|False)$", lambda m: m[1] + str(m[2] == "False"),
                                 cell.source, flags=re.M)
    return notebook


def _submit_all(course, names, students):
    for name in names:
        if "solution" in students:
            C.submit(course, "solution", name, nbformat.read(C.source_path(name), as_version=4))
        if "blank" in students:
            C.submit(course, "blank", name, nbformat.read(C.release_path(name), as_version=4))
        if "wrong" in students:
            C.submit(course, "wrong", name, wrong_answers(name))


def _grade_in_process(course, names, box):
    from grading.grade import grade

    try:
        box["result"] = grade(course, only=names, csv_name=None, with_feedback=True, quiet=True)
    except Exception as error:  # reported by the fixture
        box["error"] = error


# Plain nbgrader, then its feedback again with the instructor's opt-in to show the values.
PLAIN_SCRIPT = """
import json, sys
from grading.grade import grade, run
ok, _, table = grade(sys.argv[1], only=[sys.argv[2]], csv_name=None, with_feedback=True, quiet=True)
ok = ok and run(["generate_feedback", sys.argv[2], "--force", "--FeedbackSanitizer.show_expected=True",
                 "--CourseDirectory.feedback_directory=feedback_shown"], sys.argv[1], None)
print(json.dumps({"ok": ok, "table": table}))
"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """{(engine, assignment): course} after grading; engine and plain nbgrader at once."""
    if not ENGINE or PLAIN is None:
        pytest.skip("the end-to-end feedback tests need the gd and adam assignments")
    base = tmp_path_factory.mktemp("feedback")
    courses, threads, boxes = {}, [], {}
    for name in ENGINE:  # one scratch course per assignment, graded in parallel threads
        course = C.make_course(base / f"engine-{name}", [name])
        _submit_all(course, [name], ("solution", "blank", "wrong"))
        courses[("engine", name)] = course
        boxes[name] = {}
        threads.append(threading.Thread(target=_grade_in_process, args=(course, [name], boxes[name])))
    plain = C.make_course(base / "plain", [PLAIN])
    _submit_all(plain, [PLAIN], ("wrong",))
    courses[("nbgrader", PLAIN)] = plain
    saved = os.environ.get("GRADING_ENGINE")
    os.environ["GRADING_ENGINE"] = "engine"
    env = dict(os.environ, GRADING_ENGINE="nbgrader", MPLBACKEND="Agg",
               PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    try:
        process = subprocess.Popen([sys.executable, "-c", PLAIN_SCRIPT, str(plain), PLAIN], cwd=plain,
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for thread in threads:
            thread.start()
        stdout, stderr = process.communicate(timeout=600)
        for thread in threads:
            thread.join(timeout=600)
    finally:
        if saved is None:
            os.environ.pop("GRADING_ENGINE", None)
        else:
            os.environ["GRADING_ENGINE"] = saved
    for name, box in boxes.items():
        course = courses[("engine", name)]
        assert "error" not in box and box["result"][0], (
            f"grading {name} failed: {box.get('error')}\n"
            + (course / "grading.log").read_text()[-3000:])
    assert process.returncode == 0 and json.loads(stdout.strip().splitlines()[-1])["ok"], (
        stderr[-3000:] + (plain / "grading.log").read_text()[-3000:])
    return courses


def pages(courses):
    """(engine, assignment, student, feedback HTML path, autograded notebook) of every page."""
    for (engine, name), course in courses.items():
        for student_dir in sorted((course / "submitted").iterdir()):
            student = student_dir.name
            page = course / "feedback" / student / name / f"{name}.html"
            autograded = course / "autograded" / student / name / f"{name}.ipynb"
            yield engine, name, student, page, autograded


def page_text(path):
    """The visible text of a feedback page: <body> without tags, scripts and styles."""
    text = path.read_text(encoding="utf-8")
    body = text[text.index("<body"):]
    body = re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.S | re.I)
    text = html.unescape(re.sub(r"<[^>]+>", "", body))
    return re.sub(r"(?:In|Out)\s*\[[\d ]*\]:", "", text)  # prompts: In [12]: is not a value


def hidden_regions(course, name):
    nb = nbformat.read(course / "solutions" / name / f"{name}.ipynb", as_version=4)
    return [region for cell in nb.cells for region in F.split_hidden(cell.source)[1]]


def released(course, name):
    return nbformat.read(course / "exercises" / name / f"{name}.ipynb", as_version=4)


NUMBER = re.compile(r"(?<![\w.])(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?!\w)(?!\.\d)")


def _numbers_in(source):
    """Every number literal of some code (negatives folded), and every number written in text."""
    found = {abs(float(m.group())) for m in NUMBER.finditer(source)}
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return found
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            found.add(abs(float(node.value)))
    return found


def _same(value, values):
    return any(abs(value - v) <= 1e-12 * max(abs(v), 1e-300) for v in values)


def hidden_only_values(course, name, submission):
    """The numbers and quoted strings the hidden regions write that the released notebook
    does not (nor the student's own answer cells, shown as they wrote them)."""
    public_text = "\n".join(c.source for c in released(course, name).cells)
    own = "\n".join(c.source for c in submission.cells if C.nbgrader_meta(c).get("solution"))
    public = _numbers_in(public_text) | _numbers_in(own)
    for cell in released(course, name).cells:
        if cell.cell_type == "code":
            public |= _numbers_in(cell.source)
    numbers, strings = set(), set()
    for region in hidden_regions(course, name):
        code = "\n".join(region)
        for value in _numbers_in(code):
            if not (value < 10 and value == round(value)) and not _same(value, public):
                numbers.add(value)
        for match in re.finditer(r"\"([^\"\s]*)\"|'([^'\s]*)'", code):
            string = match.group(1) or match.group(2)
            if string and not re.search(r"(?<!\w)%s(?!\w)" % re.escape(string), public_text + own):
                strings.add(string)
    return numbers, strings


def printed_forms(value):
    """How a number prints: repr, %g at 6 and 4 digits, 4 decimals (torch), 8 digits (NumPy)."""
    forms = {repr(value), f"{value:.6g}", f"{value:.4g}", f"{value:.8g}"}
    if abs(value) >= 1e-3:
        forms.add(f"{value:.4f}")
    # A short form that is itself another, public, value (0.1 for 0.1000002) says nothing.
    return {f for f in forms if len(f.replace(".", "").replace("-", "").lstrip("0")) >= 3
            or float(f) == value}


def _hidden_references(name):
    """The reference values of an assignment's hidden checks (what the grader keeps out of
    the kernel), as numbers; integers below 10 say nothing on their own and are left out."""
    from grading import rewrite
    from optbook import judges

    values = set()
    for cell in nbformat.read(C.source_path(name), as_version=4).cells:
        if not C.nbgrader_meta(cell).get("grade"):
            continue
        for probe in rewrite.rewrite(cell.source).probes.values():
            for key in ("expected", "options"):
                if probe.hidden and key in probe.literals:
                    try:
                        values.update(judges.numbers(probe.literals[key], "reference"))
                    except judges.Problem:
                        pass
    return {v for v in values if not (abs(v) < 10 and v == round(v))}


def feedback_leaks(course, name, students):
    """(pages read, [what a feedback page shows that it must not]): hidden test lines, and
    hidden reference values the released notebook does not also write."""
    public = _numbers_in("\n".join(c.source for c in released(course, name).cells))
    lines = secret_lines(course, name)
    references = {v for v in _hidden_references(name) if not _same(abs(v), public)}
    assert lines and references, f"{name}: nothing hidden to look for"
    pages, leaks = 0, []
    for student in students:
        page = course / "feedback" / student / name / f"{name}.html"
        if not page.exists():
            continue
        pages += 1
        text = page_text(page)
        leaks += [f"{student}: hidden line {line!r}" for line in lines if line in text]
        tokens = {m.group() for m in NUMBER.finditer(text)}
        leaks += [f"{student}: hidden reference {v!r}" for v in references
                  if tokens & printed_forms(v)]
    return pages, leaks


def test_every_submission_has_a_feedback_page(graded):
    for engine, name, student, page, autograded in pages(graded):
        assert page.is_file(), f"{engine} {name} {student}: no feedback page"
        assert re.search(r"Score: [\d.]+ / [\d.]+", page_text(page))


def secret_lines(course, name):
    """The hidden lines (stripped) that say something and that the release does not have."""
    public = {line.strip() for c in released(course, name).cells for line in c.source.split("\n")}
    return {line.strip() for region in hidden_regions(course, name) for line in region
            if len(line.strip()) >= 6 and line.strip() not in public}


def test_no_hidden_line_and_no_traceback_appears(graded):
    for engine, name, student, page, _ in pages(graded):
        text = page_text(page)
        lines = secret_lines(graded[(engine, name)], name)
        assert lines
        for line in lines:
            assert line not in text, f"{engine} {name} {student} shows {line!r}"
        assert "HIDDEN TESTS" not in text
        assert "Traceback" not in text and "----> " not in text, f"{engine} {name} {student}"


def test_no_hidden_value_appears(graded):
    for engine, name, student, page, _ in pages(graded):
        course = graded[(engine, name)]
        submission = nbformat.read(course / "submitted" / student / name / f"{name}.ipynb",
                                   as_version=4)
        numbers, strings = hidden_only_values(course, name, submission)
        assert numbers, f"{name}: no hidden-only values to look for"
        tokens = {m.group() for m in NUMBER.finditer(page_text(page))}
        for value in numbers:
            shown = tokens & printed_forms(value)
            assert not shown, f"{engine} {name} {student}: hidden value {value!r} shown as {shown}"
        text = page_text(page)
        for string in strings:
            for quoted in (f"'{string}'", f'"{string}"'):
                assert quoted not in text, f"{engine} {name} {student}: hidden string {quoted}"


def test_the_visible_tests_appear_with_a_note_on_the_hidden_lines(graded):
    for engine, name, student, page, _ in pages(graded):
        text = page_text(page)
        for cell in released(graded[(engine, name)], name).cells:
            if C.nbgrader_meta(cell).get("grade") and cell.cell_type == "code":
                for line in cell.source.split("\n"):
                    assert line.strip() in text, f"{engine} {name} {student}: {line!r} is missing"
        source = nbformat.read(graded[(engine, name)] / "solutions" / name / f"{name}.ipynb",
                               as_version=4)
        for cell in source.cells:
            for region in F.split_hidden(cell.source)[1]:
                count = len(region)
                assert f"# ({count} hidden test line{'s' if count != 1 else ''} not shown)" in text


def _pattern(message):
    """A regex for a message as the page may show it: numbers and quoted words may be hidden."""
    parts, last = [], 0
    for match in re.finditer(r"""\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|'[^'\s]*'|"[^"\s]*"|\w{3,}""",
                             message):
        parts.append(re.escape(message[last:match.start()]))
        token = match.group()
        if token[0] in "'\"":
            parts.append(token[0] + "[^" + token[0] + "\\s]*" + token[0])
        elif token[0].isdigit():
            parts.append(r"(?:[\d.eE+-]+|…)")
        else:
            parts.append(f"(?:{re.escape(token)}|…)")
        last = match.end()
    parts.append(re.escape(message[last:]))
    return "".join(parts)


def test_every_failed_check_says_what_is_wrong_in_words(graded):
    failures = 0
    for engine, name, student, page, autograded in pages(graded):
        text = page_text(page)
        nb = nbformat.read(autograded, as_version=4)
        for cell in nb.cells:
            if not C.nbgrader_meta(cell).get("grade"):
                continue
            for output in cell.get("outputs", []):
                if output.output_type != "error":
                    continue
                shown = f"{output.ename}: {output.evalue}" if output.evalue else output.ename
                match = re.search(_pattern(shown), text)
                assert match, f"{engine} {name} {student}: {shown!r} is not shown"
                if student == "wrong" and output.ename == "AssertionError":
                    failures += 1
                    words = re.findall(r"[A-Za-z]{3,}", match.group())
                    assert len(words) >= 4, f"{engine} {name}: {match.group()!r} is not in words"
    assert failures >= len(graded), "the wrong answers should fail checks in every course"


def test_wrong_answers_fail_hidden_checks(graded):
    """The wrong submissions exercise the hidden checks' messages (not only visible ones)."""
    for (engine, name), course in graded.items():
        nb = nbformat.read(course / "autograded" / "wrong" / name / f"{name}.ipynb", as_version=4)
        failed_hidden = [c for c in nb.cells if C.nbgrader_meta(c).get("grade")
                         and "BEGIN HIDDEN TESTS" in c.source
                         and any(o.output_type == "error" and o.ename == "AssertionError"
                                 for o in c.get("outputs", []))]
        assert failed_hidden, f"{engine} {name}: no hidden check failed"


def test_the_opt_in_shows_the_values_but_not_the_hidden_lines(graded):
    """``--FeedbackSanitizer.show_expected=True``: the messages as the checks wrote them."""
    course = graded[("nbgrader", PLAIN)]
    default = page_text(course / "feedback" / "wrong" / PLAIN / f"{PLAIN}.html")
    shown = page_text(course / "feedback_shown" / "wrong" / PLAIN / f"{PLAIN}.html")
    nb = nbformat.read(course / "autograded" / "wrong" / PLAIN / f"{PLAIN}.ipynb", as_version=4)
    messages = [f"{o.ename}: {o.evalue}" for c in nb.cells for o in c.get("outputs", [])
                if o.output_type == "error" and C.nbgrader_meta(c).get("grade")]
    assert messages and all(m in shown for m in messages)
    assert any(m not in default for m in messages), "the default page should hide some value"
    assert not [line for line in secret_lines(course, PLAIN) if line in shown]
    assert "Traceback" not in shown
