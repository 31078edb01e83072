"""The built website, opened page by page in a real (headless) Chromium, with the network cut off.

`make test` builds the site first (`make book`) and installs Debian's chromium when it is missing
(`make browser`); Playwright drives that browser, it never downloads one. The site is served on
127.0.0.1 and every request to any other host is blocked, so passing proves the site works offline.

OPTBOOK_SITE_DIR points the test at another build (default: _build/html), e.g. a private
`jupyter-book build . --path-output /tmp/jb-site` gives /tmp/jb-site/_build/html.
Screenshots are saved next to the site, in _build/screenshots/.
"""

import html.parser
import os
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from site_server import serve

pytestmark = pytest.mark.site

REPO = Path(__file__).resolve().parents[1]
SITE = Path(os.environ.get("OPTBOOK_SITE_DIR", REPO / "_build" / "html")).resolve()
SCREENSHOTS = SITE.parent / "screenshots"

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Chapters that promise a moving picture (matplotlib to_jshtml animation).
ANIMATED = ["chapters/momentum.html", "chapters/adam.html", "chapters/comparison.html"]
# What nbgrader leaves in instructor sources only.
SOLUTION_MARKERS = ["BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"]
PAGE_TIMEOUT_MS = 30_000
REDIRECT = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', re.IGNORECASE)


def site_pages():
    """Every HTML page of the site, as paths relative to its root."""
    if not SITE.is_dir():
        return []
    skip = ("_static/", "_sources/", "_images/", "mathjax/")
    return sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html")
                  if not p.relative_to(SITE).as_posix().startswith(skip))


def released_exercises():
    """exercises/<name>/<name>.ipynb of the repository (the student versions)."""
    return sorted(p.relative_to(REPO).with_suffix("").as_posix()
                  for p in (REPO / "exercises").glob("*/*.ipynb") if p.stem == p.parent.name)


def pytest_generate_tests(metafunc):
    if "page_path" in metafunc.fixturenames:
        pages = site_pages() or ["<site not built>"]
        metafunc.parametrize("page_path", pages)


def require_site():
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no built site in {SITE}: run `make book` first")


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def base_url():
    require_site()
    with serve(SITE) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        message = "chromium is not installed: `make browser` installs it (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """One open page and every problem the browser reported while loading it."""

    def __init__(self, browser, base_url):
        self.base_url = base_url
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(PAGE_TIMEOUT_MS)
        self.blocked, self.console_errors, self.bad_responses = [], [], []
        self.context.route("**/*", self._only_local)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.page.on("pageerror", lambda e: self.console_errors.append(f"uncaught: {e}"))
        self.page.on("response", lambda r: r.status >= 400 and self.bad_responses.append(f"{r.status} {r.url}"))
        self.page.on("requestfailed", lambda r: r.url not in self.blocked
                     and self.bad_responses.append(f"failed {r.url}: {r.failure}"))

    def _only_local(self, route):
        if urllib.parse.urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def open(self, path):
        self.page.goto(self.base_url + path, wait_until="load")
        # index.html only redirects (meta refresh): wait until the browser has followed it
        local = SITE / path.partition("?")[0]
        redirect = REDIRECT.search(local.read_text("utf-8")) if local.is_file() else None
        if redirect:
            target = urllib.parse.urljoin(self.base_url + path, redirect.group(1))
            self.page.wait_for_url(target)
            self.page.wait_for_load_state("load")
        self.page.evaluate(WAIT_FOR_MATHJAX)
        return self.page

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, base_url):
    opened = Visit(browser, base_url)
    yield opened
    opened.close()


# --------------------------------------------------------------------------- in-page scripts

WAIT_FOR_MATHJAX = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
}"""

IMAGES_NOT_LOADED = """async () => {
  const images = [...document.images];
  images.forEach(img => { img.loading = 'eager'; });
  const settled = img => img.complete ? null : new Promise(done => {
    img.addEventListener('load', done); img.addEventListener('error', done); setTimeout(done, 10000); });
  await Promise.all(images.map(settled));
  return images.filter(img => !(img.complete && img.naturalWidth > 0))
               .map(img => img.currentSrc || img.src || img.outerHTML.slice(0, 120));
}"""

MATH_PROBLEMS = r"""() => {
  const problems = [];
  const math = [...document.querySelectorAll('span.math, div.math')];
  if (math.length && !(window.MathJax && MathJax.startup && MathJax.startup.document)) {
    problems.push('the page has math but MathJax did not start');
  }
  for (const el of math) {
    if (!el.querySelector('mjx-container')) problems.push('not typeset: ' + el.textContent.trim().slice(0, 80));
  }
  for (const err of document.querySelectorAll('mjx-merror')) {
    problems.push('TeX error: ' + (err.getAttribute('data-mjx-error') || err.textContent).slice(0, 80));
  }
  const skip = 'pre, code, script, style, textarea, mjx-container, .highlight';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: n => n.parentElement && n.parentElement.closest(skip) ? NodeFilter.FILTER_REJECT
                                                                      : NodeFilter.FILTER_ACCEPT });
  const raw = /\\\(|\\\)|\\\[|\\\]|\$\$|\$[^\s$][^$]*\$|\\begin\{|\\frac\b/;
  for (let node; (node = walker.nextNode());) {
    const found = node.textContent.match(raw);
    if (found) problems.push('raw TeX left: ' + node.textContent.trim().slice(0, 80));
  }
  return problems;
}"""

SAME_ORIGIN_LINKS = """() => [...document.querySelectorAll('a[href]')]
  .map(a => a.href).filter(href => href.startsWith(location.origin + '/'))"""

# A browser asks for the page's icon, or for /favicon.ico when the page names none; a missing
# one is a console error on the first page it opens (Playwright does not report that request).
ICONS = """() => [...document.querySelectorAll('link[rel~="icon"]')].map(l => l.href)
  .concat([location.origin + '/favicon.ico'])"""

# A Markdown table that myst-nb rendered as CommonMark (no tables): a row of cells, then a
# separator row such as |---|:--:| (which smartquotes turns into |—|), left as plain text.
RAW_TABLE = re.compile(r"\|\s*:?(?:-{3,}|[—–]+-?):?\s*\|")


class _Prose(html.parser.HTMLParser):
    """The text of a page outside code, scripts and math."""

    SKIP = {"pre", "code", "script", "style", "textarea", "math"}

    def __init__(self):
        super().__init__()
        self.depth, self.text = 0, []

    def handle_starttag(self, tag, attrs):
        self.depth += tag in self.SKIP

    def handle_endtag(self, tag):
        self.depth -= tag in self.SKIP and self.depth > 0

    def handle_data(self, data):
        if not self.depth:
            self.text.append(data)


# --------------------------------------------------------------------------- link checking

class _Anchors(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.anchors = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.anchors.add(value)


_fetched = {}


def fetch(url):
    """(status, anchors) of a same-origin URL, fetched once per test session."""
    if url not in _fetched:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body, status = response.read(), response.status
                is_html = "html" in response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            body, status, is_html = b"", error.code, False
        anchors = set()
        if is_html:
            parser = _Anchors()
            parser.feed(body.decode("utf-8", "replace"))
            anchors = parser.anchors
        _fetched[url] = (status, anchors)
    return _fetched[url]


def broken_links(hrefs):
    broken = []
    for href in sorted(set(hrefs)):
        target, _, fragment = href.partition("#")
        status, anchors = fetch(target)
        if status != 200:
            broken.append(f"{href}: HTTP {status}")
        elif fragment and urllib.parse.unquote(fragment) not in anchors:
            broken.append(f"{href}: no anchor #{fragment}")
    return broken


# --------------------------------------------------------------------------- every page

def test_page_works_offline(visit, page_path):
    require_site()
    page = visit.open(page_path)
    problems = []
    problems += [f"blocked request to another host: {url}" for url in visit.blocked]
    problems += [f"console error: {text}" for text in visit.console_errors]
    problems += [f"bad response: {text}" for text in visit.bad_responses]
    problems += [f"image not loaded: {src}" for src in page.evaluate(IMAGES_NOT_LOADED)]
    problems += page.evaluate(MATH_PROBLEMS)
    problems += [f"broken link: {text}" for text in broken_links(page.evaluate(SAME_ORIGIN_LINKS))]
    icons = page.evaluate(ICONS)
    problems += [] if len(icons) > 1 else ["the page names no icon (<link rel=\"icon\">)"]
    problems += [f"missing icon: {text}" for text in broken_links(icons)]
    assert not problems, f"{page_path}:\n  " + "\n  ".join(problems)


def test_no_table_shows_as_raw_markdown(page_path):
    require_site()
    prose = _Prose()
    prose.feed((SITE / page_path).read_text("utf-8"))
    text = "".join(prose.text)
    raw = [line.strip()[:100] for line in text.splitlines() if RAW_TABLE.search(line)]
    assert not raw, f"{page_path} shows a Markdown table as raw text: {raw[:3]}"


def test_the_raw_table_check_finds_a_raw_table():
    prose = _Prose()
    prose.feed("<p>| optimizer | loss |\n|---|---|\n| Adam | 0.1 |</p><pre>|---|---|</pre>"
               "<p>| a | b |\n|—|—|\n| 1 | 2 |</p><p>x | y — z | w</p>")
    lines = [line for line in "".join(prose.text).splitlines() if RAW_TABLE.search(line)]
    assert lines == ["|---|---|", "|—|—|"]


# --------------------------------------------------------------------------- promises of particular pages

@pytest.mark.parametrize("chapter", ANIMATED)
def test_animation_plays(visit, chapter):
    require_site()
    assert (SITE / chapter).is_file(), f"{chapter} is not built"
    page = visit.open(chapter)
    animation = page.locator("div.animation")
    assert animation.count() >= 1, f"{chapter} has no to_jshtml animation"
    first = animation.first
    first.scroll_into_view_if_needed()
    assert first.locator(".anim-controls button").count() >= 5, "the animation has no play controls"
    frame = first.locator("img[id^='_anim_img']")
    assert frame.evaluate("img => img.naturalWidth") > 0, "the animation shows no frame"
    slider = first.locator("input.anim-slider")
    before = slider.input_value()
    first.locator("button[onclick$='.next_frame()']").click()
    assert slider.input_value() != before, "the next-frame button does not move the animation"
    assert not visit.console_errors, visit.console_errors


def test_search_finds_adam_for_bias_correction(visit):
    require_site()
    page = visit.open("search.html?q=bias+correction")
    hit = page.locator("#search-results a[href*='chapters/adam.html']")
    hit.first.wait_for(state="attached", timeout=PAGE_TIMEOUT_MS)
    assert hit.count() >= 1


def test_screenshots(visit):
    require_site()
    exercises = sorted(p.relative_to(SITE).as_posix() for p in SITE.glob("exercises/*/*.html"))
    assert exercises, "no exercise page is built"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shots = {"landing": "index.html", "adagrad": "chapters/adagrad.html",
             "exercise-" + Path(exercises[0]).stem: exercises[0]}
    for name, path in shots.items():
        page = visit.open(path)
        page.wait_for_load_state("networkidle")
        target = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(target), full_page=False)
        assert target.stat().st_size > 10_000, f"{target} looks empty"


# --------------------------------------------------------------------------- the built files

def html_files():
    require_site()
    return sorted(SITE.rglob("*.html"))


def test_no_solution_is_published():
    require_site()
    assert not [p for p in SITE.rglob("*") if "solutions" in p.relative_to(SITE).parts], \
        "a solutions/ path is in the built site"
    leaks = []
    for path in SITE.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".ipynb", ".md", ".txt", ".js", ".json"} \
                and "mathjax" not in path.relative_to(SITE).parts \
                and path.stem != "instructors":  # that page names the delimiters to explain them
            text = path.read_text(encoding="utf-8", errors="replace")
            leaks += [f"{path.relative_to(SITE)}: {m}" for m in SOLUTION_MARKERS if m in text]
    assert not leaks, "instructor-only content on the site:\n" + "\n".join(leaks)


def test_math_comes_from_the_site_itself():
    assert (SITE / "mathjax" / "tex-chtml.js").is_file(), "MathJax is not served from /mathjax/"
    assert list((SITE / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    assert not (SITE / "_static" / "mathjax").exists(), "MathJax must come through html_extra_path"
    cdn = re.compile(r"cdn\.jsdelivr|mathjax@|cdnjs|polyfill\.io")
    offenders = [p.relative_to(SITE).as_posix() for p in html_files() if cdn.search(p.read_text("utf-8"))]
    assert not offenders, f"pages referring to a CDN: {offenders}"
    with_math = [p for p in html_files() if 'class="math' in p.read_text("utf-8")]
    assert with_math, "no page has math"
    for path in with_math:
        assert re.search(r'<script[^>]+src="[^"]*mathjax/tex-chtml\.js', path.read_text("utf-8")), \
            f"{path.relative_to(SITE)} does not load the local MathJax"


def test_exercises_are_shown_unexecuted_with_buttons():
    require_site()
    for name in released_exercises():
        page = SITE / f"{name}.html"
        assert page.is_file(), f"{name}.ipynb is released but not on the site"
        text = page.read_text("utf-8")
        assert (SITE / "_sources" / f"{name}.ipynb").is_file(), f"{name}: no .ipynb to download"
        assert 'class="cell_output' not in text, f"{name}: the student version shows outputs (was it executed?)"
        assert_launch_buttons(name, text, suffix=".ipynb")


def test_chapters_are_numbered_with_buttons():
    chapters = sorted(SITE.glob("chapters/*.html"))
    assert chapters, "no chapter is built"
    for page in chapters:
        name = page.relative_to(SITE).with_suffix("").as_posix()
        text = page.read_text("utf-8")
        assert 'class="section-number"' in text, f"{name} is not numbered"
        assert (SITE / "_sources" / f"{name}.md").is_file(), f"{name}: no .md to download"
        assert (SITE / "_sources" / f"{name}.ipynb").is_file(), f"{name}: no .ipynb to download"
        assert f"_sources/{name}.ipynb" in text.replace("../", ""), f"{name}: no .ipynb download button"
        assert_launch_buttons(name, text, suffix=".md")


def assert_launch_buttons(name, text, suffix):
    # Colab reads only .ipynb: a .md chapter opens its executed notebook from the published site
    colab_file = name + suffix if suffix == ".ipynb" else f"_sources/{name}.ipynb"
    for where, pattern in {"Binder": r"https://mybinder\.org/v2/gh/[^\"]+" + re.escape(name + suffix),
                           "Colab": r"https://colab\.research\.google\.com/github/[^\"]+" + re.escape(colab_file),
                           "JupyterHub": r"/hub/user-redirect/git-pull\?repo=[^\"]+" + re.escape(name + suffix),
                           "repository": r'href="https://github\.com/[^"/]+/[^"/]+"'}.items():
        assert re.search(pattern, text), f"{name}: no {where} button"
