"""Feedback students can have: nbgrader's feedback pages without the hidden tests.

``nbgrader generate_feedback`` renders the autograded notebook as it is, so every
feedback page shows the hidden tests with their reference values, and the
IPython tracebacks of failed tests quote the hidden lines around the failure
(nbgrader issues #917 and #1363). :class:`FeedbackSanitizer`, a preprocessor in
``GenerateFeedback``'s chain (``nbgrader_config.py``), rewrites the notebook
before it is rendered:

- every hidden region (``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``, or
  the delimiters ``ClearHiddenTests`` is configured with) is replaced by one comment
  saying how many hidden lines were not shown; the visible part of the test and
  nbgrader's score stay;
- every error output keeps only ``ename: evalue`` (what is wrong, in words), never
  the traceback, which quotes source lines;
- a line of any output that contains a hidden source line becomes ``…``;
- as a second line of defence, which also covers plain nbgrader (hidden tests run in
  the kernel there, and a message such as "x is 0.1, but it should be 0.10269" can
  leak), every literal of the hidden regions that the released notebook does not
  also contain becomes ``…`` in every output and in the source shown. In the
  outputs of a cell with a hidden region (the messages of its failed checks), so do
  the values its hidden checks compare with even when the release has them (an
  answer letter among the options: "it should be 'b'").

Students' own cells (answer cells, cells they added) are shown as they wrote them.

Hidden literals are read with :mod:`ast` (numbers, strings, and arithmetic on numbers
such as ``2 / 3`` or ``0.15 * math.pi``; token by token where a region does not parse
alone). A number is recognised in text by value, not by spelling: a number token is
hidden when it equals a hidden value, or shows at least ``min_digits`` significant
digits and agrees with a hidden value to the precision it shows. That covers
``repr``, ``:.6g``, ``:.4g``, ``:.4f``, NumPy's and torch's printing and scientific
notation alike, while ``0.1`` is not taken for ``0.10269``. Integers below 10 (also
written 2.0) are never hidden: they are in every text. Strings compared with answers
(``answer == "sgd"``) are hidden where they are quoted and, from three characters
on, as whole words; the messages of checks (``what``/``message`` arguments,
``assert`` messages, f-string text) are not hidden values, since they are what tells
the student what is wrong.

``c.FeedbackSanitizer.show_expected = True`` keeps the values (no scrubbing of
literals); hidden source lines and tracebacks are still never shown.
"""

import ast
import bisect
import copy
import functools
import io
import math
import re
import tokenize
from pathlib import Path
from textwrap import dedent

import nbformat
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from traitlets import Bool, Int, Unicode

from grading import syntax

# A number as text: 3, 3.6, 3., .5, 1e-3, 1.0000e-03 (the sign stays outside). Not part of
# a name (p3_tests, x2) or of a longer dotted token (a version 1.2.3).
NUMBER = re.compile(r"(?<![\w.])(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?!\w)(?!\.\d)")
# Names of the parameters that carry a check's message, in words, or a word that its
# message repeats (check_type(x, "sequence", ...): "x should be a sequence").
MESSAGE_PARAMETERS = {"what", "message", "msg", "err_msg", "reason", "description", "kind"}
_WRAPPERS = {"array", "asarray", "tensor", "as_tensor", "float64", "float32"}
_MIN_LINE = 6  # shorter hidden lines (")", "])", "else:") say nothing and are everywhere
_SAME = 1e-12  # relative tolerance for "the same number"
_CONSTANTS = {"pi": math.pi, "e": math.e, "tau": math.tau}
_BINARY = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,
           ast.FloorDiv: lambda a, b: a // b, ast.Mod: lambda a, b: a % b,
           ast.Pow: lambda a, b: a ** b}


# ----------------------------------------------------------------------------- hidden regions
def split_hidden(source, begin="BEGIN HIDDEN TESTS", end="END HIDDEN TESTS",
                 note="# ({count} hidden test {lines} not shown)", strict=True):
    """(the source with each hidden region replaced by ``note``, [the lines of each region]).

    Delimiter lines are dropped as nbgrader's ClearHiddenTests drops them; the note
    takes the place of the region, indented like its first delimiter (``note=None``
    leaves no trace, as in the released notebook). Raises RuntimeError on nested or
    unterminated regions, as ClearHiddenTests does; with ``strict=False`` a nested
    delimiter is hidden with its region and a region left open runs to the end.
    """
    shown, regions, region = [], [], None
    for line in source.split("\n"):
        if begin in line:
            if region is None:
                region, indent = [], line[:len(line) - len(line.lstrip())]
            elif strict:
                raise RuntimeError("Encountered nested begin hidden tests statements")
        elif end in line:
            if region is not None:
                count = len(region)
                if note is not None:
                    shown.append(indent + note.format(
                        count=count, lines="line" if count == 1 else "lines"))
                regions.append(region)
                region = None
        elif region is not None:
            region.append(line)
        else:
            shown.append(line)
    if region is not None:
        if strict:
            raise RuntimeError("No end hidden tests statement found")
        shown.append(indent + note.format(count=len(region), lines="lines") if note else "")
        regions.append(region)
    return "\n".join(shown), regions


# ----------------------------------------------------------------------------- literals
def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _fold(node):
    """The value of arithmetic on number literals (``2 / 3``, ``-0.5``, ``0.15 * math.pi``),
    else None."""
    if isinstance(node, ast.Constant):
        return node.value if _number(node.value) else None
    if isinstance(node, ast.Attribute) and node.attr in _CONSTANTS and isinstance(
            node.value, ast.Name) and node.value.id in ("math", "np", "numpy", "torch"):
        return _CONSTANTS[node.attr]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _fold(node.operand)
        return None if value is None else (-value if isinstance(node.op, ast.USub) else value)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _fold(node.left), _fold(node.right)
        if left is None or right is None or (isinstance(node.op, ast.Pow) and abs(right) > 64):
            return None
        try:
            value = _BINARY[type(node.op)](left, right)
        except (ArithmeticError, ValueError):
            return None
        return value if _number(value) else None
    return None


@functools.lru_cache(maxsize=None)
def _positions():
    """{check function name: indices of its message parameters}, read from the source of
    optbook.checks when it is installed (without importing it, and torch with it)."""
    positions = {"check": {1}}
    try:
        import importlib.util

        spec = importlib.util.find_spec("optbook.checks")
        tree = syntax.parse(Path(spec.origin).read_text(encoding="utf-8"))
    except Exception:  # the feedback does not need optbook: the names below still work
        return positions
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("check"):
            names = [a.arg for a in node.args.posonlyargs + node.args.args]
            positions[node.name] = {i for i, name in enumerate(names) if name in MESSAGE_PARAMETERS}
    return positions




def _callee(call):
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(
        func, ast.Attribute) else ""


def _messages(tree):
    """ids of the string constants of ``tree`` that are messages in words."""
    positions = _positions()
    found = set()

    def take(node):
        found.update(id(n) for n in ast.walk(node) if isinstance(n, ast.Constant))

    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and node.msg is not None:
            take(node.msg)
        elif isinstance(node, ast.JoinedStr):
            found.update(id(v) for v in node.values if isinstance(v, ast.Constant))
        elif isinstance(node, ast.Call):
            name = _callee(node)
            for keyword in node.keywords:
                if keyword.arg in MESSAGE_PARAMETERS:
                    take(keyword.value)
            if name.endswith(("Error", "Exception", "Warning")) or name in ("print", "warn"):
                for argument in node.args:
                    take(argument)
            elif name in positions:
                for index in positions[name]:
                    if index < len(node.args):
                        take(node.args[index])
            elif name.startswith(("check", "assert")) and len(node.args) > 1:
                last = node.args[-1]  # a message, if it reads like one
                if isinstance(last, ast.Constant) and " " in str(last.value):
                    take(last)
    return found


def literals(code):
    """(numbers, strings) that ``code`` writes as literals; messages in words are not strings
    here. Code that does not parse alone (a fragment) is read token by token."""
    numbers, strings = set(), set()
    try:
        tree = syntax.parse(dedent(code))
    except SyntaxError:
        tree = None
    if tree is not None:
        messages = _messages(tree)
        for node in ast.walk(tree):
            value = _fold(node) if isinstance(node, (ast.Constant, ast.BinOp, ast.UnaryOp,
                                                     ast.Attribute)) else None
            if value is not None:
                numbers.add(value)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and id(node) not in messages:
                strings.add(node.value)
        return numbers, strings
    tokens, complete = _tokens(dedent(code))
    if not complete:  # read the rest line by line
        tokens += [t for line in code.split("\n") for t in _tokens(line.strip())[0]]
    for token in tokens:
        try:
            value = syntax.literal_eval(token.string)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            continue
        if token.type == tokenize.NUMBER and _number(value):
            numbers.add(value)
        elif token.type == tokenize.STRING and isinstance(value, str) and " " not in value:
            strings.add(value)
    return numbers, strings


def expected_literals(code):
    """(numbers, strings) that ``code``'s checks compare answers with: the ``expected``
    argument of ``check_close``/``check_equal``/``check_one_of``/``assert_allclose``...,
    and the literals on either side of ``==``, ``!=``, ``in`` and orderings."""
    try:
        tree = syntax.parse(dedent(code))
    except SyntaxError:
        return literals(code)
    references = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            references += [node.left] + list(node.comparators)
        elif isinstance(node, ast.Call) and _callee(node).startswith(("check", "assert")):
            if len(node.args) > 1 and 1 not in _positions().get(_callee(node), ()):
                references.append(node.args[1])
            references += [k.value for k in node.keywords
                           if k.arg in ("expected", "desired", "options", "reference")]
    numbers, strings = set(), set()
    for reference in references:
        _literal_parts(reference, numbers, strings)
    return numbers, strings


def _literal_parts(node, numbers, strings):
    """Collect the literals of ``node`` if it is one: a number (or arithmetic on numbers), a
    string, a list/tuple/set of those, or np.array/torch.tensor around one; not a call's
    arguments (``f(1.0) == 346`` compares with 346 only)."""
    value = _fold(node)
    if value is not None:
        numbers.add(value)
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        strings.add(node.value)
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        for item in node.elts:
            _literal_parts(item, numbers, strings)
    elif isinstance(node, ast.Call) and node.args and _callee(node) in _WRAPPERS:
        _literal_parts(node.args[0], numbers, strings)


def _tokens(code):
    """(the tokens of ``code`` up to the first it cannot read, whether it read them all)."""
    tokens = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(code + "\n").readline):
            tokens.append(token)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return tokens, False
    return tokens, True


# ----------------------------------------------------------------------------- scrubbing
def _parse_number(text):
    """(value, significant digits shown, unit of the last digit shown) of a number token.

    Trailing zeros do not count as digits: "10.0", "3.6000" (torch) and "3000" say
    no more than 10, 3.6 and 3 thousand."""
    mantissa, _, exponent = text.lower().partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).strip("0")
    power = int(exponent) if exponent else 0
    return float(text), len(digits), 10.0 ** (power - len(fraction))


def _among(value, ordered, slack=None):
    """Whether ``ordered`` (sorted) holds a number within ``slack`` of ``value`` (default: the same)."""
    slack = max(abs(value) * _SAME, 1e-300) if slack is None else slack
    i = bisect.bisect_left(ordered, value - slack)
    return i < len(ordered) and ordered[i] <= value + slack


def _trivial(value):
    """Small integers (0..9, also as 2.0): in every text, never a secret."""
    return abs(value) < 10 and abs(value - round(value)) <= _SAME


class Scrubber:
    """Replaces secret numbers and strings, and hidden source lines, in text.

    A secret string is replaced where it is quoted ('b', "sgd"), and, if it has at least
    three characters and ``words`` is true, wherever it stands as a whole word.
    """

    def __init__(self, numbers=(), strings=(), lines=(), placeholder="…", min_digits=3,
                 words=True, public=()):
        self.numbers = sorted({abs(float(v)) for v in numbers if _number(v) and not _trivial(v)})
        self.public = sorted({abs(float(v)) for v in public if _number(v)})
        self.strings = sorted({s for s in strings if s.strip()}, key=len, reverse=True)
        self.lines = sorted({line.strip() for line in lines if _worth_hiding(line)},
                            key=len, reverse=True)
        self.placeholder = placeholder
        self.min_digits = min_digits
        quoted, whole = [], []
        for s in self.strings:
            quoted.append(re.escape(s))
            if words and len(s.strip()) >= 3:
                left = r"(?<!\w)" if re.match(r"\w", s) else ""
                right = r"(?!\w)" if re.search(r"\w$", s) else ""
                whole.append(left + re.escape(s) + right)
        self._quoted = re.compile(r"(['\"])(?:%s)\1" % "|".join(quoted), re.I) if quoted else None
        self._words = re.compile("|".join(whole), re.I) if whole else None

    def secret_number(self, token):
        """Whether a number token shows a secret value (exactly, or rounded to what it shows)."""
        try:
            value, digits, unit = _parse_number(token)
        except (ValueError, OverflowError):
            return False
        if not math.isfinite(value) or not self.numbers:
            return False
        slack = max(value * _SAME, 1e-300)
        # A value the released notebook writes is not taken for a rounded hidden one.
        if digits >= self.min_digits and not _among(value, self.public):
            slack = max(slack, 0.5 * unit * (1 + 1e-9))
        return _among(value, self.numbers, slack)

    def values(self, text):
        """``text`` with secret numbers and strings replaced by the placeholder."""
        if self._quoted is not None:
            text = self._quoted.sub(lambda m: m.group(1) + self.placeholder + m.group(1), text)
        if self._words is not None:
            text = self._words.sub(self.placeholder, text)
        if self.numbers:
            text = NUMBER.sub(lambda m: self.placeholder if self.secret_number(m.group())
                              else m.group(), text)
        return text

    def hidden_lines(self, text):
        """``text`` with every line that contains a hidden source line replaced by the placeholder."""
        if not self.lines:
            return text
        out = []
        for line in text.split("\n"):
            out.append(self.placeholder if any(h in line for h in self.lines) else line)
        return "\n".join(out)

    def text(self, text, values=True):
        text = self.hidden_lines(text)
        return self.values(text) if values else text

    def html(self, html, values=True):
        """Like :meth:`text`, on the text between tags only (attributes are left alone)."""
        parts = re.split(r"(<[^>]*>)", html)
        return "".join(p if p.startswith("<") else self.text(p, values) for p in parts)


def _is_student(cell):
    """An answer cell or a cell the student added: its source is the student's own."""
    meta = cell.get("metadata", {}).get("nbgrader")
    return not meta or bool(meta.get("solution"))


def _worth_hiding(line):
    stripped = line.strip()
    return len(stripped) >= _MIN_LINE and any(ch.isalnum() for ch in stripped)


def _as_text(value):
    return "".join(value) if isinstance(value, list) else str(value)


# ----------------------------------------------------------------------------- the preprocessor
class FeedbackSanitizer(NbGraderPreprocessor):
    """Hide hidden tests, tracebacks and hidden reference values from the feedback."""

    show_expected = Bool(
        False,
        help="Show the hidden tests' reference values where they appear in outputs (for "
             "example in a failed check's message). Hidden source lines and tracebacks "
             "are never shown.").tag(config=True)
    placeholder = Unicode("…", help="What replaces a hidden value or line.").tag(config=True)
    hidden_note = Unicode(
        "# ({count} hidden test {lines} not shown)",
        help="Shown where a hidden region was; {count} is its number of lines, {lines} "
             "'line' or 'lines'.").tag(config=True)
    min_digits = Int(
        3, help="A number shown with at least this many significant digits is hidden when "
                "it agrees with a hidden value to the precision it shows (fewer digits: "
                "only when it equals one).").tag(config=True)

    def preprocess(self, nb, resources):
        clear = ClearHiddenTests(parent=self)
        self._begin, self._end = clear.begin_test_delimeter, clear.end_test_delimeter
        info = (resources or {}).get("nbgrader", {})
        sources = [cell.source for cell in nb.cells if not _is_student(cell)]
        sources += self._gradebook_sources(info)
        regions = ["\n".join(region) for source in sources
                   for region in self._split(source)[1]]
        self.scrubber = make_scrubber(regions, self._public_sources(nb, info),
                                      self.placeholder, self.min_digits)
        for index, cell in enumerate(nb.cells):
            nb.cells[index], resources = self.preprocess_cell(cell, resources, index)
        return nb, resources

    def _split(self, source, note=None):
        """Never fails: a malformed region is hidden to the end of the cell."""
        return split_hidden(source, self._begin, self._end, note, strict=False)

    def preprocess_cell(self, cell, resources, index):
        values = not self.show_expected
        local = None
        if not _is_student(cell):  # students' answer cells are shown as they wrote them
            shown, regions = self._split(cell.source, self.hidden_note)
            cell.source = self.scrubber.text(shown, values)
            if regions and values:
                # What this cell printed is the message of a failed hidden check: there even
                # a value the released notebook also has gives the answer away ("it should
                # be 'b'"), so the values the hidden checks compare with go too.
                numbers, strings = set(), set()
                for region in regions:
                    more_numbers, more_strings = expected_literals("\n".join(region))
                    numbers |= more_numbers
                    strings |= more_strings
                local = Scrubber(numbers, strings, placeholder=self.placeholder,
                                 min_digits=self.min_digits, words=False)
        for output in cell.get("outputs", []):
            self._output(output, values, self.scrubber)
            if local is not None:
                self._output(output, values, local)
        return cell, resources

    def _output(self, output, values, clean):
        if output.output_type == "error":
            output.ename = clean.text(str(output.get("ename", "")), values)
            output.evalue = clean.text(str(output.get("evalue", "")), values)
            # nbconvert renders the traceback: keep only the error's name (red) and message.
            output.traceback = [f"\x1b[0;31m{output.ename}\x1b[0m"
                                + (f": {output.evalue}" if output.evalue else "")]
        elif output.output_type == "stream":
            output.text = clean.text(_as_text(output.get("text", "")), values)
        elif output.output_type in ("execute_result", "display_data"):
            data = output.get("data", {})
            for mime in list(data):
                if mime == "text/html":
                    data[mime] = clean.html(_as_text(data[mime]), values)
                elif mime in ("text/plain", "text/markdown", "text/latex"):
                    data[mime] = clean.text(_as_text(data[mime]), values)

    # --------------------------------------------------------------- where the texts come from
    def _gradebook_sources(self, info):
        """The sources the gradebook holds for this notebook (with their hidden regions)."""
        try:
            from nbgrader.api import Gradebook

            with Gradebook(info["db_url"]) as gradebook:
                notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
                return [cell.source for cell in notebook.source_cells]
        except Exception as error:  # no gradebook (a test): the notebook's own cells suffice
            self.log.debug("feedback: no gradebook sources (%s)", error)
            return []

    def _public_sources(self, nb, info):
        """The cells of the released notebook: release/<assignment>/<notebook>.ipynb when the
        converter's course directory has it, else the instructor's cells of this notebook
        (locked and graded ones) without their hidden regions."""
        release = self._release_path(info)
        if release is not None:
            self.log.debug("feedback: the released notebook is %s", release)
            return [cell.source for cell in nbformat.read(release, as_version=4).cells]
        self.log.debug("feedback: no released notebook; the locked and graded cells stand in")
        trusted = []
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("locked") or (meta.get("grade") and not meta.get("solution")):
                trusted.append(self._split(cell.source)[0])
        return trusted

    def _release_path(self, info):
        converter = getattr(self.parent, "parent", None)
        coursedir = getattr(converter, "coursedir", None)
        if coursedir is None or not info.get("assignment") or not info.get("notebook"):
            return None
        try:
            folder = coursedir.format_path(coursedir.release_directory, ".", info["assignment"])
        except Exception:
            return None
        path = Path(folder) / f"{info['notebook']}.ipynb"
        return path if path.is_file() else None


def make_scrubber(hidden_regions, public_sources, placeholder="…", min_digits=3):
    """A Scrubber for the literals and lines of ``hidden_regions`` (the code of each hidden
    region) that ``public_sources`` (the cells of the released notebook) do not contain."""
    numbers, strings = set(), set()
    for region in hidden_regions:
        more_numbers, more_strings = literals(region)
        numbers |= more_numbers
        strings |= more_strings
    public_numbers, public_strings = set(), set()
    for source in public_sources:
        if _parses(source):
            more_numbers, more_strings = literals(source)
            public_numbers |= more_numbers
            public_strings |= more_strings
    public_text = "\n".join(public_sources)
    public_numbers |= {float(m.group()) for m in NUMBER.finditer(public_text)}
    known = sorted(abs(v) for v in public_numbers if math.isfinite(v))

    def said(string):
        quoted = r"(['\"`])%s\1" % re.escape(string)
        return (string in public_strings or re.search(quoted, public_text) is not None
                or (len(string.strip()) > 1
                    and re.search(r"(?<!\w)%s(?!\w)" % re.escape(string), public_text)))

    public_lines = {line.strip() for line in public_text.split("\n")}
    hidden_lines = [line for region in hidden_regions for line in region.split("\n")]
    return Scrubber(numbers=[v for v in numbers if not _among(abs(v), known)],
                    strings=[s for s in strings if not said(s)],
                    lines=[line for line in hidden_lines if line.strip() not in public_lines],
                    placeholder=placeholder, min_digits=min_digits, public=known)


def _parses(code):
    try:
        syntax.parse(dedent(code))
        return True
    except SyntaxError:
        return False


def sanitize(notebook, hidden_sources=(), public_sources=None, **settings):
    """A sanitized copy of ``notebook`` (for scripts and tests): as the feedback shows it."""
    nb = copy.deepcopy(notebook)
    sanitizer = FeedbackSanitizer(**settings)
    if public_sources is not None:
        sanitizer._public_sources = lambda nb, info: list(public_sources)
    sanitizer._gradebook_sources = lambda info: list(hidden_sources)
    nb, _ = sanitizer.preprocess(nb, {})
    return nb
