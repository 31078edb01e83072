"""Small fixes so every page works offline and without console errors (see tests/test_site.py).

- matplotlib's ``to_jshtml`` animations link Font Awesome 4 from a CDN; the theme already
  ships Font Awesome (whose ``fa`` classes draw the play buttons), so the link is dropped.
- sphinx-thebe registers its configuration script twice (``const THEBE_JS_URL`` declared
  twice is a console error on every page), so duplicate scripts are dropped.
"""

import re

CDN_FONT_AWESOME = re.compile(
    r'<link\s+rel="stylesheet"\s+href="https://maxcdn\.bootstrapcdn\.com/font-awesome/[^"]*"\s*/?>')


def _script_key(script):
    attributes = getattr(script, "attributes", {}) or {}
    # a body-only script has filename None or "" depending on who added it
    return str(getattr(script, "filename", script) or ""), tuple(sorted((k, str(v)) for k, v in attributes.items()))


def fix_page(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts:
        seen, unique = set(), []
        for script in scripts:
            key = _script_key(script)
            if key not in seen:
                seen.add(key)
                unique.append(script)
        scripts[:] = unique
    if context.get("body"):
        context["body"] = CDN_FONT_AWESOME.sub("", context["body"])


def setup(app):
    app.connect("html-page-context", fix_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

