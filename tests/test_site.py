"""Browser checks of the built site: every page of ``_build/html`` as a reader's browser shows it.

The Sphinx build (``make book``, run with ``-W -n``) proves that the sources are consistent; it
cannot see what happens in the browser. These tests open every HTML page of the built site in
headless Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright; no browser is ever
downloaded), served from a local ``http.server`` on 127.0.0.1, and fail a page when:

1. mathematics is left as raw TeX: every ``.math`` element must have been typeset by MathJax
   (it contains an ``mjx-container`` that is not a lazy placeholder; MathJax typesets lazily,
   so the suite first typesets every formula), no TeX source may be left as visible text of the
   article outside code (``\\(``, ``\\[``, ``$$``, ``$...$``, ``\\begin{``, ``\\frac``,
   ``\\mathbb`` or any other backslash command), no Markdown table may be left as text, and a
   page with mathematics but no MathJax fails;
2. an image does not load, or has no alt text (hidden theme images outside the article are
   ignored; every other image counts, lazy ones are loaded eagerly first);
3. a request to the local server fails or answers with an HTTP status >= 400;
4. the page requests anything from another host (such requests are aborted and reported: the
   book must work offline, and must not hand its readers' visits to third parties);
5. the console logs an error, or a script raises;
6. the article has no ``h1`` with text;
7. a link to a page of the site names a ``#fragment`` that the target page does not have;
8. the layout overflows at 1280 px: a code input or output block scrolls sideways (folded
   cells are unfolded first), a typeset formula is wider than its box (display math) or its
   paragraph (inline math), display math cannot scroll sideways (``overflow-x``, for phones),
   or a table is wider than its container;
9. a raster figure of the article has fewer than twice the pixels of its displayed width
   (``naturalWidth < 2 * clientWidth``; SVG is exempt);
10. a formula is a Tab stop (an ``mjx-container`` with ``tabindex >= 0``).

Each page is also opened in dark mode (``color_scheme="dark"`` and the pydata-sphinx-theme
choice in ``localStorage``), which must switch ``<html data-theme>`` to ``dark`` and stay
readable: the text of paragraphs and of table cells (the proof index is a table) keeps a
WCAG contrast ratio of at least 4.5 against the background behind it, and every visible image
in ``main`` is opaque at its four corners (a transparent matplotlib figure would draw black
axes on a near-black page). Both themes are checked for problems 3 to 5 and for the contrast
of the text; problems 1, 2 and 6 to 10 depend only on the page, so they are checked once, in
light mode.

Full-page screenshots of both themes (1280x900 viewport) land in ``_build/screens/`` for a
human to look at, e.g. ``chapters-01-information-light.png``.

Further tests check the site's shell as a reader meets it: the menu button opens the chapter
list on a phone and collapses the sidebar on a desktop; a first visit (empty storage) logs no
console error or warning and the site has a favicon (also at ``/favicon.ico``); each control of
the article header shows a focus ring when reached by Tab; the page has one search entry point;
the footer names the book, its licences and the year; the intro links the proof index; the
bibliography's labels read like the citations that link to them; search results show typeset
formulas, not TeX; every icon draws; the first visit of the heaviest chapter transfers at most
2.5 MB, and its first screen of formulas is typeset in at most twice the time of the lightest
page with formulas.

``GANBOOK_SITE_DIR`` points the suite at another built site than ``_build/html`` (screenshots
then go to the ``screens`` folder next to it). Without Chromium the tests skip, unless the
``CI`` environment variable is set: there they fail, because a skipped check is no check.
"""

from __future__ import annotations

import functools
import html
import html.parser
import http.server
import os
import re
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE_DIR = Path(os.environ.get("GANBOOK_SITE_DIR") or ROOT / "_build" / "html").resolve()
SCREENS_DIR = SITE_DIR.parent / "screens"
NOT_PAGES = {"_static", "_sources", "_images"}  # top-level folders of assets, not pages

# Debian's chromium, or another Chromium named by GANBOOK_CHROMIUM (GitHub's runners have
# Google Chrome; Ubuntu's chromium package is a snap).
CHROMIUM = os.environ.get("GANBOOK_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHROMIUM_HINT = (
    "headless Chromium is missing: install Debian's chromium (apt-get install chromium) "
    "to run the browser checks"
)
PLAYWRIGHT_HINT = (
    "the playwright Python package is missing: pip install -r requirements.txt "
    "to run the browser checks"
)
VIEWPORT = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
THEMES = ("light", "dark")
TIMEOUT_MS = 15_000  # upper bound of every single wait on the browser
NETWORK_IDLE_MS = 10_000
MIN_CONTRAST = 4.5  # WCAG 2 level AA for body text
MAX_FIRST_VISIT_BYTES = 2_500_000  # everything the heaviest chapter's first visit downloads
MAX_TYPESET_RATIO = 2.0  # heaviest page's first screen of formulas vs the lightest page's


# --------------------------------------------------------------------------------------------
# The pages of the site
# --------------------------------------------------------------------------------------------


class _RefreshFinder(html.parser.HTMLParser):
    """Finds the target of a ``<meta http-equiv="refresh">``, i.e. a pure redirect page."""

    def __init__(self) -> None:
        super().__init__()
        self.target: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): v or "" for k, v in attrs}
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            content = a.get("content", "")
            _, _, url = content.partition(";")
            self.target = url.strip().removeprefix("url=").removeprefix("URL=").strip("'\" ")


def redirect_target(path: Path) -> str | None:
    finder = _RefreshFinder()
    finder.feed(path.read_text(encoding="utf-8", errors="replace"))
    return finder.target


def discover_pages() -> tuple[list[str], list[str]]:
    """(pages to open in the browser, pure redirect pages), as paths relative to SITE_DIR."""
    pages: list[str] = []
    redirects: list[str] = []
    if not SITE_DIR.is_dir():
        return pages, redirects
    for path in sorted(SITE_DIR.rglob("*.html")):
        rel = path.relative_to(SITE_DIR)
        if rel.parts[0] in NOT_PAGES:
            continue
        (redirects if redirect_target(path) is not None else pages).append(rel.as_posix())
    return pages, redirects


PAGES, REDIRECTS = discover_pages()


def require_site() -> None:
    if not SITE_DIR.is_dir() or not PAGES:
        pytest.fail(
            f"no built site in {SITE_DIR}: run `make book` first "
            "(or point GANBOOK_SITE_DIR at a built site)",
            pytrace=False,
        )


def screenshot_path(rel: str, theme: str) -> Path:
    """chapters/01-information.html -> _build/screens/chapters-01-information-light.png"""
    return SCREENS_DIR / f"{rel.removesuffix('.html').replace('/', '-')}-{theme}.png"


class _IdCollector(html.parser.HTMLParser):
    """The fragment targets of an HTML page: every ``id``, and the ``name`` of ``<a>``."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if value and (key == "id" or (key == "name" and tag == "a")):
                self.ids.add(value)


# --------------------------------------------------------------------------------------------
# Fixtures: one local server, one browser, one context per theme, one cache of anchors
# --------------------------------------------------------------------------------------------


def missing_tool(hint: str) -> None:
    """Skip on a workstation; fail in CI, where a skipped check would pass silently."""
    if os.environ.get("CI"):
        pytest.fail(hint, pytrace=False)
    pytest.skip(hint)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the browser closing a connection early is no problem of the site


@pytest.fixture(scope="session")
def site_url():
    """Base URL (ending in /) of SITE_DIR served on 127.0.0.1 at a free port."""
    require_site()
    handler = functools.partial(_QuietHandler, directory=str(SITE_DIR))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium():
    executable = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    if not executable:
        missing_tool(CHROMIUM_HINT)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool(PLAYWRIGHT_HINT)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def contexts(chromium):
    """One browser context per theme, reused by every page."""
    made = {}
    for theme in THEMES:
        context = chromium.new_context(viewport=VIEWPORT, color_scheme=theme)
        # pydata-sphinx-theme keeps the reader's choice in localStorage ("mode": light, dark
        # or auto) and its inline <head> script copies it to <html data-mode data-theme>.
        context.add_init_script(
            f'localStorage.setItem("theme", "{theme}"); localStorage.setItem("mode", "{theme}");'
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(2 * TIMEOUT_MS)
        made[theme] = context
    yield made
    for context in made.values():
        context.close()


class Anchors:
    """Fragment targets per page of the site (relative path -> ids), None for a missing page.

    Filled from the live DOM of each page the suite opens; a page that a link names before
    the suite opened it is fetched over HTTP and parsed.
    """

    def __init__(self, site_url: str) -> None:
        self.site_url = site_url
        self.cache: dict[str, set[str] | None] = {}

    def record(self, rel: str, ids: list[str]) -> None:
        self.cache[rel] = set(ids)

    def ids_of(self, rel: str) -> set[str] | None:
        if rel not in self.cache:
            url = self.site_url + urllib.parse.quote(rel)
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    collector = _IdCollector()
                    collector.feed(response.read().decode("utf-8", errors="replace"))
                    self.cache[rel] = collector.ids
            except urllib.error.HTTPError:
                self.cache[rel] = None
        return self.cache[rel]


@pytest.fixture(scope="session")
def anchors(site_url) -> Anchors:
    return Anchors(site_url)


# --------------------------------------------------------------------------------------------
# In the browser
# --------------------------------------------------------------------------------------------

WAIT_FOR_MATHJAX = """async ([timeoutMs, everything]) => {
  const mj = window.MathJax;
  if (!mj) return "absent";
  if (!mj.startup || !mj.startup.promise) return "not loaded";
  const timeout = new Promise((resolve) => setTimeout(() => resolve("timeout"), timeoutMs));
  // MathJax typesets lazily (ui/lazy: only formulas near the viewport); typeset them all
  // before the page is inspected.
  const all = async () => {
    await mj.startup.promise;
    const doc = mj.startup.document;
    if (!everything) return;
    if (doc && doc.lazyTypesetAll) await doc.lazyTypesetAll();
    else if (mj.typesetPromise) await mj.typesetPromise();
  };
  return await Promise.race([all().then(() => "ready", (e) => "failed: " + e), timeout]);
}"""

LOAD_ALL_IMAGES = """async (timeoutMs) => {
  const images = Array.from(document.images);
  for (const img of images) if (img.loading === "lazy") img.loading = "eager";
  const pending = images.filter((img) => !img.complete).map((img) => new Promise((resolve) => {
    img.addEventListener("load", resolve, { once: true });
    img.addEventListener("error", resolve, { once: true });
  }));
  await Promise.race([
    Promise.all(pending),
    new Promise((resolve) => setTimeout(resolve, timeoutMs)),
  ]);
}"""

# Everything the page-level rules (1, 2, 6, 7) need, gathered in one pass over the DOM.
INSPECT_PAGE = r"""() => {
  const article = document.querySelector("article") || document.querySelector("main")
    || document.body;
  const short = (s, n = 80) => { s = s.replace(/\s+/g, " ").trim();
    return s.length > n ? s.slice(0, n) + "..." : s; };

  const maths = Array.from(document.querySelectorAll(".math"));
  // A lazy placeholder (mjx-lazy) inside the container is not typeset mathematics.
  const untypeset = maths.filter((el) => !el.querySelector("mjx-container")
    || el.querySelector("mjx-lazy")).map((el) => short(el.textContent, 60));
  const tabStops = Array.from(document.querySelectorAll("mjx-container"))
    .filter((el) => el.tabIndex >= 0).length;

  // Raw TeX among the visible text of the article (code is allowed to show TeX): delimiters,
  // $...$ left over, environments and any backslash command (\frac, \mathbb, \mathrm, ...).
  const TEX = new RegExp([
    String.raw`\\\(|\\\[|\$\$`,  // delimiters
    String.raw`(^|[^\\\w])\$[^\s$](?:[^$]*[^\s$])?\$`,  // $...$
    String.raw`\\(begin|end)\{|\\[A-Za-z]{2,}`,  // environments, commands
  ].join("|"));
  const PIPE_TABLE = /\|\s*:?-{3,}:?\s*\|/;  // a Markdown table left as text
  const rawTex = [];
  const pipeTables = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest("script, style, textarea, mjx-container")) continue;
    if (!parent.checkVisibility()) continue;
    const text = node.textContent;
    if (!parent.closest("pre, code")) {
      const at = text.search(TEX);
      if (at >= 0) rawTex.push(short(text.slice(Math.max(0, at - 30), at + 50)));
    }
    const bar = text.search(PIPE_TABLE);
    if (bar >= 0 && !parent.closest("div.cell_input, div.highlight-python, div.highlight-md"))
      pipeTables.push(short(text.slice(Math.max(0, bar - 30), bar + 50)));
  }

  const images = Array.from(document.images).map((img) => ({
    src: img.getAttribute("src"),
    alt: img.getAttribute("alt"),
    loaded: img.complete && img.naturalWidth > 0,
    hidden: !img.checkVisibility(),
    inArticle: article.contains(img),
  }));

  const headings = Array.from(document.querySelectorAll("main h1, article h1"))
    .map((h) => h.textContent.trim());

  const links = Array.from(document.querySelectorAll("a[href]"))
    .map((a) => [a.getAttribute("href"), a.href]);

  const ids = Array.from(document.querySelectorAll("[id]"), (el) => el.id)
    .concat(Array.from(document.querySelectorAll("a[name]"), (a) => a.name));

  return {
    mathCount: maths.length, untypeset, tabStops, rawTex, pipeTables, images, headings, links,
    ids,
  };
}"""

# Rules 8 and 9, measured at the desktop width with every folded cell unfolded.
INSPECT_LAYOUT = r"""() => {
  const article = document.querySelector("article") || document.querySelector("main")
    || document.body;
  const short = (s, n = 60) => { s = s.replace(/\s+/g, " ").trim();
    return s.length > n ? s.slice(0, n) + "..." : s; };
  for (const d of article.querySelectorAll("details")) d.open = true;
  const visible = (el) => el.checkVisibility() && el.clientWidth > 0;

  const wideCode = [];
  for (const pre of article.querySelectorAll("div.highlight pre, .cell_output pre, .output pre")) {
    if (!visible(pre)) continue;
    if (pre.scrollWidth > pre.clientWidth + 1)
      wideCode.push(`${pre.scrollWidth} > ${pre.clientWidth} px: "${short(pre.textContent)}"`);
  }

  const wideMath = [];
  const unscrollable = [];
  const texOf = new Map();  // each typeset formula's TeX source, to name it in a failure
  for (const item of window.MathJax?.startup?.document?.math || [])
    if (item.typesetRoot) texOf.set(item.typesetRoot, item.math);
  for (const box of article.querySelectorAll("mjx-container")) {
    if (!visible(box)) continue;
    const tex = short(texOf.get(box) || "", 60);
    if (box.getAttribute("display") === "true") {
      if (box.scrollWidth > box.clientWidth + 1)
        wideMath.push(`display ${box.scrollWidth} > ${box.clientWidth} px: ${tex}`);
      const overflow = getComputedStyle(box).overflowX;
      if (overflow !== "auto" && overflow !== "scroll") unscrollable.push(overflow);
    } else {
      const block = box.closest("p, li, td, th, dd, dt, figcaption, div");
      const width = box.getBoundingClientRect().width;
      if (block && width > block.clientWidth + 1)
        wideMath.push(`inline ${Math.round(width)} > ${block.clientWidth} px: ${tex}`);
    }
  }

  const lowResolution = [];
  for (const img of article.querySelectorAll("img")) {
    if (!visible(img) || !img.complete || img.naturalWidth === 0) continue;
    const src = img.currentSrc || img.src;
    if (/\.svgz?($|[?#])/i.test(src) || src.startsWith("data:image/svg")) continue;
    if (/\/_static\//.test(src)) continue;  // the theme's own icons, not figures
    if (img.naturalWidth < 2 * img.clientWidth)
      lowResolution.push(`${img.getAttribute("src")}: ${img.naturalWidth} px shown at ` +
        `${img.clientWidth} px`);
  }

  const wideTables = [];
  for (const table of article.querySelectorAll("table")) {
    if (!visible(table)) continue;
    const box = table.parentElement;
    const limit = Math.min(box.clientWidth, article.clientWidth);
    const width = Math.max(table.scrollWidth, table.getBoundingClientRect().width);
    if (width > limit + 1 || box.scrollWidth > box.clientWidth + 1)
      wideTables.push(`${Math.round(width)} > ${limit} px: "${short(table.textContent)}"`);
  }
  return { wideCode, wideMath, unscrollable, lowResolution, wideTables };
}"""

# Rule "dark mode stays readable"; the colour helpers work in any theme.
INSPECT_THEME = r"""(minContrast) => {
  const article = document.querySelector("article") || document.querySelector("main")
    || document.body;
  const short = (s, n = 60) => { s = s.replace(/\s+/g, " ").trim();
    return s.length > n ? s.slice(0, n) + "..." : s; };

  // Any CSS colour (rgb, hex, oklch, color-mix, ...) -> [r, g, b, a] in sRGB, via a canvas.
  const pen = document.createElement("canvas").getContext("2d", { willReadFrequently: true });
  pen.canvas.width = pen.canvas.height = 1;
  const rgba = (css) => {
    pen.clearRect(0, 0, 1, 1);
    pen.fillStyle = "#000";
    pen.fillStyle = css;
    pen.fillRect(0, 0, 1, 1);
    const d = pen.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  };
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3]))
    .concat([1]);
  const canvasColour = getComputedStyle(document.documentElement).colorScheme.includes("dark")
    ? [18, 18, 18, 1] : [255, 255, 255, 1];
  const background = (el) => {  // walk up to the first opaque background, then composite
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const c = rgba(getComputedStyle(node).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let colour = canvasColour;
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const css = (c) => `rgb(${c.slice(0, 3).map(Math.round).join(", ")})`;

  const lowContrast = new Map();
  let paragraphs = 0;
  const texts = article.querySelectorAll("p, td, th, td a, td code, th a, th code");
  for (const p of texts) {
    if (!p.checkVisibility() || !p.textContent.trim()) continue;
    paragraphs += 1;
    const bg = background(p);
    const fg = over(rgba(getComputedStyle(p).color), bg);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const key = css(fg) + " on " + css(bg);
    if (ratio < minContrast && !lowContrast.has(key))
      lowContrast.set(key, { colours: key, ratio, text: short(p.textContent) });
  }

  const images = [];
  for (const img of document.querySelectorAll("main img")) {
    if (!img.checkVisibility() || !img.complete || img.naturalWidth === 0) continue;
    const w = img.naturalWidth, h = img.naturalHeight;
    const result = { src: img.getAttribute("src"), corners: null, error: null };
    try {
      const ctx = document.createElement("canvas").getContext("2d");
      ctx.canvas.width = w; ctx.canvas.height = h;
      ctx.drawImage(img, 0, 0);
      result.corners = [[0, 0], [w - 1, 0], [0, h - 1], [w - 1, h - 1]]
        .map(([x, y]) => ctx.getImageData(x, y, 1, 1).data[3]);
    } catch (e) {
      result.error = String(e);
    }
    images.push(result);
  }

  return {
    dataTheme: document.documentElement.dataset.theme ?? null,
    paragraphs,
    lowContrast: Array.from(lowContrast.values()),
    images,
  };
}"""


class PageRecorder:
    """Opens one page in a context and records rules 3, 4 and 5 while it lives."""

    def __init__(
        self, context, site_url: str, url: str, network_idle: bool = True, listeners=()
    ) -> None:
        self.site_url = site_url
        self.problems: list[str] = []
        self.http_errors: set[str] = set()  # a 404 also fails the request: say it once
        self.page = context.new_page()
        for event, listener in listeners:  # (event, callback): attached before navigating
            self.page.on(event, listener)
        self.page.route("**/*", self._route)
        self.page.on("requestfailed", self._request_failed)
        self.page.on("response", self._response)
        self.page.on("console", self._console)
        self.page.on("pageerror", self._page_error)
        self.page.goto(url, wait_until="load")
        if not network_idle:
            return
        try:
            self.page.wait_for_load_state("networkidle", timeout=NETWORK_IDLE_MS)
        except Exception:  # playwright's TimeoutError; the page may still be checkable
            self.problems.append(f"the network did not go idle within {NETWORK_IDLE_MS} ms")

    def local(self, url: str) -> str | None:
        """The path of a URL on the local server, None for any other URL."""
        return url[len(self.site_url) - 1 :] if url.startswith(self.site_url) else None

    def _route(self, route) -> None:
        url = route.request.url
        if self.local(url) is not None or url.split(":", 1)[0] in ("data", "blob", "about"):
            route.continue_()
        else:
            self.problems.append(f"request to another host (blocked): {url}")
            route.abort("blockedbyclient")

    def _request_failed(self, request) -> None:
        path = self.local(request.url)
        if path is not None and request.url not in self.http_errors:
            self.problems.append(f"local request failed ({request.failure}): {path}")

    def _response(self, response) -> None:
        path = self.local(response.url)
        if path is not None and response.status >= 400:
            self.http_errors.add(response.url)
            self.problems.append(f"local request answered HTTP {response.status}: {path}")

    def _console(self, message) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            where = self.local(where) or where
            line = message.location.get("lineNumber")
            self.problems.append(
                f"console error: {message.text}" + (f" (at {where}:{line})" if where else "")
            )

    def _page_error(self, error) -> None:
        self.problems.append(f"uncaught exception: {error}")

    def wait_for_mathjax(self, everything: bool = True) -> str:
        """Wait for MathJax to start and (with ``everything``) to typeset every formula."""
        return self.page.evaluate(WAIT_FOR_MATHJAX, [TIMEOUT_MS, everything])

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.evaluate("() => window.scrollTo(0, 0)")
        self.page.screenshot(path=str(path), full_page=True)

    def close(self) -> list[str]:
        self.page.close()
        return list(self.problems)


# --------------------------------------------------------------------------------------------
# The rules, as functions of what the browser saw
# --------------------------------------------------------------------------------------------


def examples(texts: list[str], most: int = 3) -> str:
    shown = "; ".join(f'"{t}"' for t in texts[:most])
    return shown + (f" and {len(texts) - most} more" if len(texts) > most else "")


def math_problems(mathjax: str, seen: dict) -> list[str]:
    """Rule 1: no mathematics left as raw TeX."""
    problems = []
    count, untypeset = seen["mathCount"], seen["untypeset"]
    if count and mathjax == "absent":
        problems.append(
            f"raw TeX: {count} math element(s) but no MathJax on the page, "
            f'e.g. "{untypeset[0] if untypeset else ""}"'
        )
    elif mathjax == "not loaded":
        problems.append("MathJax is configured but its script did not load (no MathJax.startup)")
    elif mathjax != "ready" and mathjax != "absent":
        problems.append(f"MathJax did not typeset the page: {mathjax}")
    if untypeset and mathjax != "absent":
        problems.append(
            f"raw TeX: {len(untypeset)} of {count} math element(s) not typeset "
            f'(no mjx-container inside), e.g. "{untypeset[0]}"'
        )
    if seen["rawTex"]:
        problems.append(
            f"raw TeX left as visible text of the article in {len(seen['rawTex'])} place(s), "
            f"e.g. {examples(seen['rawTex'])}"
        )
    if seen["pipeTables"]:
        problems.append(
            f"a Markdown table left as text (not an HTML table) in {len(seen['pipeTables'])} "
            f"place(s), e.g. {examples(seen['pipeTables'])}"
        )
    if seen["tabStops"]:
        problems.append(
            f"{seen['tabStops']} formula(s) are Tab stops (mjx-container with tabindex >= 0): "
            "a keyboard reader must tab through every formula"
        )
    return problems


def layout_problems(seen: dict) -> list[str]:
    """Rules 8 and 9: nothing overflows at the desktop width; figures are sharp."""
    problems = []
    for key, what in [
        ("wideCode", "code block scrolls sideways at 1280 px"),
        ("wideMath", "typeset formula wider than its box at 1280 px"),
        ("lowResolution", "raster figure below twice its displayed pixels"),
        ("wideTables", "table wider than its container at 1280 px"),
    ]:
        if seen[key]:
            problems.append(f"{what} ({len(seen[key])}), e.g. {examples(seen[key])}")
    if seen["unscrollable"]:
        problems.append(
            f"{len(seen['unscrollable'])} display formula(s) cannot scroll sideways on a narrow "
            f"screen (overflow-x: {seen['unscrollable'][0]}, not auto)"
        )
    return problems


def image_problems(seen: dict) -> list[str]:
    """Rule 2: every image loads and has alt text (hidden theme images excepted)."""
    problems = []
    for img in seen["images"]:
        if img["hidden"] and not img["inArticle"]:
            continue
        src = "(no src attribute)" if img["src"] is None else f"src={img['src']!r}"
        if not img["loaded"]:
            problems.append(f"image failed to load: {src}")
        if not (img["alt"] or "").strip():
            what = "no alt attribute" if img["alt"] is None else "an empty alt"
            problems.append(f"image has {what}: {src}")
    return problems


def heading_problems(seen: dict) -> list[str]:
    """Rule 6: the article has a main heading with text."""
    if any(seen["headings"]):
        return []
    empty = f" ({len(seen['headings'])} h1 without text)" if seen["headings"] else ""
    return [f"main heading missing: no h1 with text in main/article{empty}"]


def link_problems(seen: dict, site_url: str, anchors: Anchors) -> list[str]:
    """Rule 7: links with a #fragment into the site name an existing id (or a name)."""
    problems: dict[str, None] = {}  # ordered, without duplicates (a TOC repeats links)
    for raw, absolute in seen["links"]:
        parts = urllib.parse.urlsplit(absolute)
        if not parts.fragment or f"{parts.scheme}://{parts.netloc}/" != site_url:
            continue
        target = urllib.parse.unquote(parts.path).lstrip("/")
        if target == "" or target.endswith("/"):
            target += "index.html"
        fragment = urllib.parse.unquote(parts.fragment)
        ids = anchors.ids_of(target)
        if ids is None:
            problems[f"link {raw!r} points at a page that does not exist: {target}"] = None
        elif fragment not in ids:
            problems[
                f"link {raw!r} points at a missing anchor: no id or name {fragment!r} in {target}"
            ] = None
    return list(problems)


def theme_problems(theme: str, seen: dict) -> list[str]:
    """The theme is the one asked for, and readable; images must be opaque in dark mode."""
    problems = []
    if seen["dataTheme"] != theme:
        problems.append(f'<html data-theme> is {seen["dataTheme"]!r}, not "{theme}"')
    for low in seen["lowContrast"]:
        problems.append(
            f"text contrast {low['ratio']:.2f} < {MIN_CONTRAST} "
            f"({low['colours']}), e.g. \"{low['text']}\""
        )
    for img in seen["images"] if theme == "dark" else []:
        if img["error"]:
            problems.append(f"cannot read the pixels of image src={img['src']!r}: {img['error']}")
        elif min(img["corners"]) < 255:
            problems.append(
                f"image is not opaque (corner alphas {img['corners']}), it will not read on a "
                f"dark background: src={img['src']!r}"
            )
    return problems


# --------------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rel", PAGES or [pytest.param(None, id="site-not-built")])
def test_page(rel, request):
    require_site()
    # The session fixtures are fetched here rather than named as arguments, so that a missing
    # site, or a missing Chromium in CI, fails the test instead of erroring its setup.
    site_url = request.getfixturevalue("site_url")
    contexts = request.getfixturevalue("contexts")
    anchors = request.getfixturevalue("anchors")
    url = site_url + urllib.parse.quote(rel)
    problems: list[str] = []

    # Light: every rule, and the screenshot.
    light = PageRecorder(contexts["light"], site_url, url)
    try:
        mathjax = light.wait_for_mathjax()
        light.page.evaluate(LOAD_ALL_IMAGES, TIMEOUT_MS)
        seen = light.page.evaluate(INSPECT_PAGE)
        anchors.record(rel, seen["ids"])
        problems += math_problems(mathjax, seen)
        problems += image_problems(seen)
        problems += heading_problems(seen)
        problems += link_problems(seen, site_url, anchors)
        problems += theme_problems("light", light.page.evaluate(INSPECT_THEME, MIN_CONTRAST))
        light.screenshot(screenshot_path(rel, "light"))
        problems += layout_problems(light.page.evaluate(INSPECT_LAYOUT))
    finally:
        problems = light.close() + problems

    # Dark: the theme switch, readability, and whatever the browser reports only in dark.
    # No wait for network idle (it costs 0.5 s a page): the light visit already proved that
    # the page settles, and the checks below wait for MathJax and the images themselves.
    dark = PageRecorder(contexts["dark"], site_url, url, network_idle=False)
    dark_problems: list[str] = []
    try:
        dark.wait_for_mathjax(everything=False)  # contrast and images need no formulas
        dark.page.evaluate(LOAD_ALL_IMAGES, TIMEOUT_MS)
        dark_problems += theme_problems("dark", dark.page.evaluate(INSPECT_THEME, MIN_CONTRAST))
        dark.screenshot(screenshot_path(rel, "dark"))
    finally:
        dark_problems = dark.close() + dark_problems
    problems += [f"[dark] {p}" for p in dark_problems if p not in problems]

    if problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        pytest.fail(f"{rel}: {len(problems)} problem(s)\n{listing}", pytrace=False)


@pytest.mark.parametrize("rel", REDIRECTS)
def test_redirect_target_exists(rel):
    """A pure redirect page (the site's root index.html) leads to a page of the site."""
    target = redirect_target(SITE_DIR / rel)
    path = urllib.parse.unquote(urllib.parse.urlsplit(target).path)
    if not (SITE_DIR / rel).parent.joinpath(path).resolve().is_file():
        pytest.fail(f"{rel} redirects to {target!r}, not to a page of the site", pytrace=False)


def test_search_finds_a_chapter_offline(request):
    """Sphinx's search runs in the page, on the site's own index, with no other host."""
    require_site()
    site_url = request.getfixturevalue("site_url")
    contexts = request.getfixturevalue("contexts")
    recorder = PageRecorder(contexts["light"], site_url, site_url + "search.html?q=entropy")
    try:
        recorder.page.wait_for_selector("#search-results ul.search li", timeout=TIMEOUT_MS)
        links = recorder.page.eval_on_selector_all(
            "#search-results ul.search li a", "links => links.map(a => a.href)"
        )
    finally:
        problems = recorder.close()
    assert not problems, problems
    assert any("chapters/02-entropy.html" in link for link in links), links


# --------------------------------------------------------------------------------------------
# The site's shell: navigation, first visit, keyboard, header and footer, bibliography,
# search results, icons, weight and typesetting time
# --------------------------------------------------------------------------------------------


def math_counts() -> dict[str, int]:
    """Formulas per page (``class="math`` in the built HTML), for pages that have any."""
    counts = {}
    for rel in PAGES:
        n = (SITE_DIR / rel).read_text(encoding="utf-8").count('class="math')
        if n:
            counts[rel] = n
    return counts


def chapter_pages() -> list[str]:
    return [rel for rel in PAGES if rel.startswith("chapters/")]


def static_weight(rel: str) -> int:
    """Bytes of a page's HTML and of every local image it references (a full download)."""
    path = SITE_DIR / rel
    text = path.read_text(encoding="utf-8")
    total = path.stat().st_size
    for src in set(re.findall(r'<img[^>]+src="([^":]+)"', text)):
        image = (path.parent / urllib.parse.unquote(src)).resolve()
        if image.is_file():
            total += image.stat().st_size
    return total


def fixtures(request, *names):
    """Session fixtures, fetched in the test so that a missing site or Chromium fails it."""
    require_site()
    return [request.getfixturevalue(name) for name in names]


def fresh_page(chromium, site_url: str, rel: str, viewport=VIEWPORT, theme="light",
               storage: bool = True, network_idle: bool = True, listeners=()) -> PageRecorder:
    """A page in a new context (empty cache; with ``storage``, the theme preset), with
    ``listeners`` ((event, callback) pairs) attached before it navigates."""
    context = chromium.new_context(viewport=viewport, color_scheme=theme)
    if storage:
        context.add_init_script(
            f'localStorage.setItem("theme", "{theme}"); localStorage.setItem("mode", "{theme}");'
        )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(2 * TIMEOUT_MS)
    url = site_url + urllib.parse.quote(rel, safe="/?=&")
    recorder = PageRecorder(context, site_url, url, network_idle, listeners)
    recorder.context = context
    return recorder


def close_fresh(recorder: PageRecorder) -> list[str]:
    problems = recorder.close()
    recorder.context.close()
    return problems


SIDEBAR_STATE = """() => {
  const sidebar = document.querySelector(".bd-sidebar-primary");
  const box = sidebar.getBoundingClientRect();
  const modal = document.querySelector("#pst-primary-sidebar-modal");
  return {
    onScreen: sidebar.checkVisibility() && box.width > 0 && box.right > 1
      && box.left < window.innerWidth - 1,
    inModal: !!(modal && modal.open && modal.contains(sidebar) || modal && modal.open
      && modal.querySelector(".bd-docs-nav")),
  };
}"""


def test_menu_opens_the_chapter_list_on_a_phone(request):
    """Below 992 px the visible menu button opens the chapter list, whose links work."""
    chromium, site_url = fixtures(request, "chromium", "site_url")
    page = fresh_page(chromium, site_url, "chapters/02-entropy.html", viewport=PHONE)
    problems: list[str] = []
    try:
        toggles = page.page.locator(".primary-toggle:visible")
        assert toggles.count() == 1, f"{toggles.count()} visible menu buttons on a phone"
        assert not page.page.evaluate(SIDEBAR_STATE)["onScreen"], "chapter list shown unasked"
        toggles.first.click()
        page.page.wait_for_timeout(500)
        nav = page.page.locator(".bd-docs-nav a.reference", has_text="Information").first
        if not nav.is_visible():
            problems.append("the menu button did not open the chapter list")
        else:
            box = nav.bounding_box()
            if not box or box["x"] < 0 or box["x"] + box["width"] > PHONE["width"]:
                problems.append(f"the chapter list's link is off screen: {box}")
            nav.click(trial=True)  # actionable: visible, stable, not covered
            with page.page.expect_navigation():
                nav.click()
            if not page.page.url.endswith("chapters/01-information.html"):
                problems.append(f"the chapter link led to {page.page.url}")
    finally:
        problems = close_fresh(page) + problems
    assert not problems, problems


def test_collapse_button_toggles_the_sidebar_on_a_desktop(request):
    chromium, site_url = fixtures(request, "chromium", "site_url")
    page = fresh_page(chromium, site_url, "chapters/02-entropy.html")
    try:
        toggles = page.page.locator(".primary-toggle:visible")
        assert toggles.count() == 1, f"{toggles.count()} visible sidebar buttons on a desktop"
        states = [page.page.evaluate(SIDEBAR_STATE)["onScreen"]]
        for _ in range(2):
            toggles.first.click()
            page.page.wait_for_timeout(500)  # the sidebar slides
            states.append(page.page.evaluate(SIDEBAR_STATE)["onScreen"])
    finally:
        problems = close_fresh(page)
    assert not problems, problems
    assert states == [True, False, True], f"sidebar on screen before/after clicks: {states}"


def test_first_visit_is_quiet_and_has_a_favicon(request):
    """Empty localStorage (a reader's first visit): no console error or warning of the site's
    own, the theme mode is valid, and the site's icon loads (also at /favicon.ico)."""
    chromium, site_url = fixtures(request, "chromium", "site_url")
    problems: list[str] = []
    for rel in ("book/intro.html", "chapters/02-entropy.html", "search.html"):
        warnings: list[str] = []
        page = fresh_page(chromium, site_url, rel, storage=False, listeners=[(
            "console",
            lambda m, out=warnings: out.append(m.text) if m.type in ("warning", "warn") else None,
        )])
        try:
            page.wait_for_mathjax()
            mode = page.page.evaluate("() => document.documentElement.dataset.mode")
            if mode not in ("auto", "light", "dark"):
                problems.append(f"{rel}: <html data-mode> is {mode!r}")
            icon = page.page.evaluate(
                """async () => {
                  const link = document.querySelector('link[rel~="icon"]');
                  if (!link) return null;
                  const r = await fetch(link.href);
                  return [link.getAttribute("href"), r.status];
                }"""
            )
            if not icon or icon[1] != 200:
                problems.append(f"{rel}: no icon of the site (<link rel=icon>: {icon})")
        finally:
            problems += [f"{rel}: {p}" for p in close_fresh(page)]
        problems += [f"{rel}: console warning: {w}" for w in warnings]
    try:
        with urllib.request.urlopen(site_url + "favicon.ico", timeout=10) as response:
            response.read()
    except urllib.error.HTTPError as error:
        problems.append(f"/favicon.ico answers HTTP {error.code}")
    assert not problems, problems


HEADER_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || !el.closest(".bd-header-article, .bd-header")) return null;
  const style = getComputedStyle(el);
  const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== "none");
  return { name: el.getAttribute("aria-label") || el.getAttribute("title")
      || el.className || el.tagName, ring };
}"""


@pytest.mark.parametrize("viewport", [VIEWPORT, PHONE], ids=["desktop", "phone"])
def test_header_controls_show_keyboard_focus(request, viewport):
    """Every control of the article header, reached by Tab, shows a focus ring."""
    chromium, site_url = fixtures(request, "chromium", "site_url")
    page = fresh_page(chromium, site_url, "chapters/02-entropy.html", viewport=viewport)
    seen: dict[str, bool] = {}
    try:
        focusable = page.page.evaluate(
            """() => Array.from(document.querySelectorAll(
                 ".bd-header-article a[href], .bd-header-article button, .bd-header a[href], "
                 + ".bd-header button")).filter((el) => el.checkVisibility()
                 && el.tabIndex >= 0).length"""
        )
        page.page.locator("body").focus()
        left_header = False
        for _ in range(120):  # the sidebar's links come first in the Tab order
            page.page.keyboard.press("Tab")
            focus = page.page.evaluate(HEADER_FOCUS)
            if focus is None:
                if seen:
                    left_header = True
                    break
                continue
            seen[focus["name"]] = seen.get(focus["name"], True) and focus["ring"]
    finally:
        problems = close_fresh(page)
    assert not problems, problems
    assert seen and left_header, "Tab never reached the article header's controls"
    assert len(seen) >= focusable, f"Tab reached {len(seen)} of {focusable} header controls"
    assert all(seen.values()), f"no visible focus ring on: {[k for k, v in seen.items() if not v]}"


@pytest.mark.parametrize("viewport", [VIEWPORT, PHONE], ids=["desktop", "phone"])
def test_one_search_entry_point(request, viewport):
    chromium, site_url = fixtures(request, "chromium", "site_url")
    page = fresh_page(chromium, site_url, "chapters/02-entropy.html", viewport=viewport)
    try:
        visible = page.page.evaluate(
            """() => Array.from(document.querySelectorAll(".search-button__button, "
                 + "form.bd-search")).filter((el) => { const r = el.getBoundingClientRect();
                 return el.checkVisibility() && r.width > 0 && r.bottom > 0
                   && r.right > 0 && r.left < window.innerWidth; }).length"""
        )
    finally:
        problems = close_fresh(page)
    assert not problems, problems
    assert visible == 1, f"{visible} search fields/buttons visible at {viewport['width']} px"


def test_footer_and_proof_index_link(request):
    chromium, site_url = fixtures(request, "chromium", "site_url")
    page = fresh_page(chromium, site_url, "book/intro.html")
    try:
        footer = page.page.evaluate(
            "() => document.querySelector('.bd-footer-content')?.innerText || ''"
        )
        links = page.page.eval_on_selector_all("article a[href]", "as => as.map(a => a.href)")
    finally:
        problems = close_fresh(page)
    assert not problems, problems
    footer = " ".join(footer.split())
    assert not footer.startswith("By "), f"footer: {footer!r}"
    for part in ("From Entropy to Energy", "CC BY 4.0", "MIT", "2026"):
        assert part in footer, f"footer lacks {part!r}: {footer!r}"
    proof_index = [rel for rel in PAGES if rel.startswith("prf-")]
    assert proof_index, "no proof index page (sphinx-proof's prf-prf.html) in the site"
    assert any(link.split("#")[0].endswith(proof_index[0]) for link in links), (
        f"the intro does not link the proof index {proof_index[0]}"
    )


class _CitationCollector(html.parser.HTMLParser):
    """Citations (href -> link text) and bibliography labels (id -> label text) of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.citations: list[tuple[str, str]] = []
        self.labels: dict[str, str] = {}
        self._link: str | None = None
        self._entry: str | None = None
        self._in_label = 0
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "bibliography.html#" in a.get("href", ""):
            self._link, self._text = a["href"], []
        elif tag == "div" and "citation" in a.get("class", "").split():
            self._entry = a.get("id")
        elif tag == "span" and self._entry and "label" in a.get("class", "").split():
            self._in_label, self._text = 1, []
        elif tag == "span" and self._in_label:
            self._in_label += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            self.citations.append((self._link, " ".join("".join(self._text).split())))
            self._link = None
        elif tag == "span" and self._in_label:
            self._in_label -= 1
            if not self._in_label:
                label = " ".join("".join(self._text).split()).strip("[] ")
                self.labels[self._entry] = label
                self._entry = None

    def handle_data(self, data: str) -> None:
        if self._link is not None or self._in_label:
            self._text.append(data)


AUTHOR_YEAR = re.compile(r"^\S.*, (\d{4}[a-z]?|n\.d\.)$")


def test_bibliography_labels_read_like_the_citations():
    """Each entry is labelled as the text cites it ("Goodfellow et al., 2014"), and every
    citation's text is its entry's label (or the label's year, for a citation by year)."""
    require_site()
    bibliography = SITE_DIR / "book" / "bibliography.html"
    collector = _CitationCollector()
    collector.feed(bibliography.read_text(encoding="utf-8"))
    labels = collector.labels
    assert labels, "no bibliography entries found in book/bibliography.html"
    problems = [f"label {label!r} is not author-year" for label in labels.values()
                if not AUTHOR_YEAR.match(html.unescape(label))]
    cited = 0
    for rel in PAGES:
        pages = _CitationCollector()
        pages.feed((SITE_DIR / rel).read_text(encoding="utf-8"))
        for href, text in pages.citations:
            fragment = href.split("#", 1)[1]
            label = labels.get(fragment)
            if label is None:
                continue
            cited += 1
            year = label.rsplit(", ", 1)[-1]
            if text not in (label, year):
                problems.append(f"{rel}: citation {text!r} links to the entry labelled {label!r}")
    assert cited, "no citation links to the bibliography"
    assert not problems, f"{len(problems)} problem(s): {problems[:5]}"


SEARCH_WORD = "Boltzmann"  # its chapter's text puts formulas right beside it


def test_search_results_show_typeset_formulas(request):
    chromium, site_url = fixtures(request, "chromium", "site_url")
    page = fresh_page(chromium, site_url, f"search.html?q={SEARCH_WORD}", network_idle=False)
    try:
        # Sphinx lists the results, then fetches each page for its summary, one by one.
        page.page.wait_for_function(
            """() => {
              const items = document.querySelectorAll("#search-results ul.search li");
              const done = document.querySelector("#search-results p.search-summary");
              return items.length && done && /found/.test(done.textContent)
                && document.querySelectorAll("#search-results li p.context").length >= 3;
            }""",
            timeout=TIMEOUT_MS,
        )
        page.page.wait_for_timeout(1000)  # the remaining summaries, then MathJax
        page.wait_for_mathjax()
        seen = page.page.evaluate(
            r"""() => Array.from(document.querySelectorAll("#search-results p.context"))
                 .map((p) => {
                   const clone = p.cloneNode(true);
                   clone.querySelectorAll("mjx-container").forEach((m) => m.remove());
                   return { raw: clone.textContent,
                     typeset: p.querySelectorAll("mjx-container:not(:has(mjx-lazy))").length };
                 })"""
        )
    finally:
        problems = close_fresh(page)
    assert not problems, problems
    assert seen, f"no search summaries for {SEARCH_WORD!r}"
    raw = [s["raw"] for s in seen if re.search(r"\\[(\[]|\\[A-Za-z]{2,}|\$\$", s["raw"])]
    assert not raw, f"TeX source in search results: {examples(raw)}"
    assert any(s["typeset"] for s in seen), "no typeset formula in any search summary"


ICONS = r"""() => Array.from(document.querySelectorAll(
    "i[class*='fa-'], span[class*='fa-']")).filter((el) => el.checkVisibility()
    && el.getBoundingClientRect().width > 0).map((el) => {
  const before = getComputedStyle(el, "::before");
  const mask = before.maskImage || before.webkitMaskImage || "none";
  const family = before.fontFamily.split(",")[0].trim();
  const glyph = before.content && !["none", "normal", '""'].includes(before.content);
  const font = `${before.fontWeight} 16px ${family}`;
  return { icon: el.className, drawn: (mask !== "none") || (glyph && document.fonts.check(font)
    && Array.from(document.fonts).some((f) => f.status === "loaded"
      && family.replace(/["']/g, "").replace(/\\/g, "") === f.family.replace(/["']/g, ""))) };
})"""


@pytest.mark.parametrize("viewport", [VIEWPORT, PHONE], ids=["desktop", "phone"])
def test_icons_draw_without_fontawesome_js(request, viewport):
    """Every visible icon draws (a loaded icon font's glyph, or an SVG mask) and the site
    does not download Font Awesome's 1.5 MB script (its CSS and webfonts suffice)."""
    chromium, site_url = fixtures(request, "chromium", "site_url")
    requested: list[str] = []
    page = fresh_page(chromium, site_url, "chapters/02-entropy.html", viewport=viewport,
                      listeners=[("request", lambda r: requested.append(r.url))])
    try:
        page.page.evaluate("() => document.fonts.ready")
        icons = page.page.evaluate(ICONS)
    finally:
        problems = close_fresh(page)
    assert not problems, problems
    assert not [u for u in requested if "fontawesome.js" in u], "fontawesome.js is downloaded"
    assert icons, "no visible icon found"
    undrawn = [i["icon"] for i in icons if not i["drawn"]]
    assert not undrawn, f"icons that do not draw: {undrawn}"


def test_first_visit_of_the_heaviest_chapter_is_light(request):
    """An empty cache, the heaviest chapter (HTML and images): at most 2.5 MB in all, summed
    over the bodies the local http.server sends (its Content-Length; no compression)."""
    chromium, site_url = fixtures(request, "chromium", "site_url")
    heaviest = max(chapter_pages(), key=static_weight)
    sizes: dict[str, int] = {}
    page = fresh_page(chromium, site_url, heaviest, listeners=[(
        "response",
        lambda r: sizes.__setitem__(r.url, int(r.headers.get("content-length", "0") or 0)),
    )])
    try:
        page.page.evaluate(
            "async () => { if (window.MathJax?.startup) await MathJax.startup.promise; }"
        )
        page.page.wait_for_load_state("networkidle", timeout=NETWORK_IDLE_MS)
    finally:
        problems = close_fresh(page)
    assert not problems, problems
    total = sum(sizes.values())
    biggest = sorted(sizes.items(), key=lambda kv: -kv[1])[:6]
    listing = ", ".join(f"{url.rsplit('/', 1)[-1][:40]} {size // 1000} kB" for url, size in biggest)
    assert total <= MAX_FIRST_VISIT_BYTES, (
        f"{heaviest}: first visit transfers {total / 1e6:.2f} MB in {len(sizes)} requests "
        f"(> {MAX_FIRST_VISIT_BYTES / 1e6} MB); largest: {listing}"
    )


# Milliseconds from the start of navigation until MathJax has started and every formula that
# intersects the viewport is typeset (an mjx-container without a lazy placeholder inside).
TYPESET_TIME = """async (timeoutMs) => {
  const start = Date.now();
  while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
    if (Date.now() - start > timeoutMs) return null;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await MathJax.startup.promise;
  const done = () => Array.from(document.querySelectorAll(".math")).every((el) => {
    const r = el.getBoundingClientRect();
    if (r.bottom < 0 || r.top > window.innerHeight || !el.checkVisibility()) return true;
    return el.querySelector("mjx-container") && !el.querySelector("mjx-lazy");
  });
  while (!done()) {
    if (Date.now() - start > timeoutMs) return null;
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  return performance.now();
}"""


def test_heaviest_page_typesets_its_first_screen_quickly(request):
    """The page with the most formulas shows its first screen typeset in at most twice the
    time of the page with the fewest (same viewport, empty cache; best of three each)."""
    chromium, site_url = fixtures(request, "chromium", "site_url")
    counts = math_counts()
    assert counts, "no page with formulas"
    heavy, light = max(counts, key=counts.get), min(counts, key=counts.get)
    times: dict[str, float] = {}
    for rel in (light, heavy):
        best = None
        for _ in range(3):
            page = fresh_page(chromium, site_url, rel, network_idle=False)
            try:
                ms = page.page.evaluate(TYPESET_TIME, 4 * TIMEOUT_MS)
            finally:
                problems = close_fresh(page)
            assert not problems, problems
            assert ms is not None, f"{rel}: the first screen's formulas were never typeset"
            best = ms if best is None else min(best, ms)
        times[rel] = best
    ratio = times[heavy] / times[light]
    print(f"first screen typeset: {times}")
    assert ratio <= MAX_TYPESET_RATIO, (
        f"{heavy} ({counts[heavy]} formulas) typesets its first screen in {times[heavy]:.0f} ms, "
        f"{ratio:.1f} times {light} ({counts[light]} formulas, {times[light]:.0f} ms)"
    )


def test_references_to_exercises_and_proofs_are_links():
    """Every ``{numref}`` to an exercise and every ``{prf:ref}`` in a chapter's source is a
    link with text on the built page (a LaTeX-only transform that ran in the HTML build once
    replaced them by nothing, silently, and took the boxes of the proofs with it)."""
    if not SITE_DIR.is_dir():
        pytest.skip("the site is not built: run `make book`")
    checked = 0
    for md in sorted((ROOT / "chapters").glob("*.md")):
        page = (SITE_DIR / "chapters" / f"{md.stem}.html").read_text(encoding="utf-8")
        source = md.read_text(encoding="utf-8")
        for label in re.findall(r"\{(?:numref|prf:ref)\}`(?:[^`<]*<)?([^`>]+)>?`", source):
            links = re.findall(rf'<a [^>]*href="[^"]*#{re.escape(label)}"[^>]*>(.*?)</a>',
                               page, re.S)
            assert links and all(re.sub(r"<[^>]+>", "", t).strip() for t in links), (
                f"{md.stem}: the reference to {label} is not a link with text")
            checked += 1
    assert checked >= 100
    proofs = sum(md.read_text(encoding="utf-8").count("{prf:proof}")
                 for md in (ROOT / "chapters").glob("*.md"))
    boxed = sum(page.read_text(encoding="utf-8").count('class="proof admonition"')
                for page in (SITE_DIR / "chapters").glob("*.html"))
    assert boxed >= proofs > 0, f"{boxed} of {proofs} proofs are set in their box"
