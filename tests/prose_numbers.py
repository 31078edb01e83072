"""Find the numbers typed by hand in the prose of the MyST chapters.

Every number in the text is computed and glued. :func:`typed_numbers` strips
what is not prose (front matter, code cells and other directives whose body is
code or math, inline code, math, roles such as ``{glue:text}`` and
``{cite}``, labels, link targets, HTML comments) and returns each number left,
with its line, so a test can fail on it unless an allowlist names it.
"""

import re

FENCE = re.compile(r"^(`{3,}|:{3,})\s*(\{([\w:-]+)\})?(.*)$")
# Directives whose body is prose (checked); every other fenced block is skipped.
PROSE_DIRECTIVES = {"note", "tip", "warning", "important", "admonition", "seealso", "caution",
                    "attention", "hint", "figure", "margin", "sidebar", "topic", "dropdown",
                    "exercise", "solution", "epigraph", "glossary"}
INLINE = [
    re.compile(r"\{[\w:-]+\}`[^`]*`"),          # roles: {glue:text}`x:.2f`, {cite}`key`, {eq}`label`
    re.compile(r"``.+?``|`[^`]*`"),             # inline code
    re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$"),      # inline math
    re.compile(r"\]\([^)]*\)"),                  # link targets
    re.compile(r"<!--.*?-->"),                   # comments
    re.compile(r"<[^>]+>"),                      # HTML tags
    re.compile(r"^\([\w:-]+\)=\s*$"),            # labels: (chap-sgd)=
    re.compile(r"^:[\w-]+:.*$"),                 # directive options: :width: 80%
    re.compile(r"^\s*\d+\.\s"),                  # ordered-list markers: "3. Derive ..."
]
NUMBER = re.compile(r"(?<![\w.\-/])\d+(?:[.,]\d+)*(?![\w])")


def prose_lines(text):
    """(line number, prose text) of a MyST file, with non-prose removed."""
    lines = text.split("\n")
    out, i = [], 0
    if lines and lines[0].strip() == "---":  # front matter
        i = lines.index("---", 1) + 1
    fences = []  # stack of (marker, prose?)
    in_display_math = False
    for number, line in enumerate(lines[i:], start=i + 1):
        stripped = line.strip()
        fence = FENCE.match(stripped)
        if fence and fences and stripped.startswith(fences[-1][0]) and not fence.group(2) \
                and stripped.rstrip(fence.group(1)[0]) == "":
            fences.pop()
            continue
        if fence and (fence.group(2) or not fences or fences[-1][1]):
            name = fence.group(3) or ""
            fences.append((fence.group(1), name in PROSE_DIRECTIVES))
            if name in PROSE_DIRECTIVES and fence.group(4).strip() and name != "figure":
                out.append((number, fence.group(4)))  # an admonition's title is prose
            continue
        if fences and not fences[-1][1]:
            continue
        if stripped.startswith("$$") or (in_display_math and "$$" in stripped):
            if stripped.count("$$") == 1:  # opens or closes a display block
                in_display_math = not in_display_math
            continue
        if in_display_math:
            continue
        for pattern in INLINE:
            line = pattern.sub(" ", line)
        out.append((number, line))
    return out


def typed_numbers(text):
    """[(line number, number, the line's prose)] for every number typed in the prose."""
    found = []
    for number, line in prose_lines(text):
        for match in NUMBER.finditer(line):
            found.append((number, match.group(0), line.strip()))
    return found
