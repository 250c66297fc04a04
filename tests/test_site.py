"""Browser checks of the built site: every page of ``_build/html`` as a reader's browser shows it.

The Sphinx build (``make book``, run with ``-W -n``) proves that the sources are consistent; it
cannot see what happens in the browser. These tests open every HTML page of the built site in
headless Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright; no browser is ever
downloaded), served from a local ``http.server`` on 127.0.0.1, and fail a page when:

1. mathematics is left as raw TeX: every ``.math`` element must have been typeset by MathJax
   (it contains an ``mjx-container``), no ``\\(``, ``\\[`` or ``$$`` may be left as visible text
   of the article, and a page with mathematics but no MathJax fails;
2. an image does not load, or has no alt text (hidden theme images outside the article are
   ignored; every other image counts, lazy ones are loaded eagerly first);
3. a request to the local server fails or answers with an HTTP status >= 400;
4. the page requests anything from another host (such requests are aborted and reported: the
   book must work offline, and must not hand its readers' visits to third parties);
5. the console logs an error, or a script raises;
6. the article has no ``h1`` with text;
7. a link to a page of the site names a ``#fragment`` that the target page does not have.

Each page is also opened in dark mode (``color_scheme="dark"`` and the pydata-sphinx-theme
choice in ``localStorage``), which must switch ``<html data-theme>`` to ``dark`` and stay
readable: paragraph text keeps a WCAG contrast ratio of at least 4.5 against the background
behind it, and every visible image in ``main`` is opaque at its four corners (a transparent
matplotlib figure would draw black axes on a near-black page). Both themes are checked
for problems 3 to 5 and for the contrast of paragraph text; problems 1, 2, 6 and 7 depend
only on the page, so they are checked once, in light mode.

Full-page screenshots of both themes (1280x900 viewport) land in ``_build/screens/`` for a
human to look at, e.g. ``chapters-01-information-light.png``.

``GANBOOK_SITE_DIR`` points the suite at another built site than ``_build/html`` (screenshots
then go to the ``screens`` folder next to it). Without Chromium the tests skip, unless the
``CI`` environment variable is set: there they fail, because a skipped check is no check.
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import os
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

CHROMIUM = "/usr/bin/chromium"
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
THEMES = ("light", "dark")
TIMEOUT_MS = 15_000  # upper bound of every single wait on the browser
NETWORK_IDLE_MS = 10_000
MIN_CONTRAST = 4.5  # WCAG 2 level AA for body text


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

WAIT_FOR_MATHJAX = """async (timeoutMs) => {
  const mj = window.MathJax;
  if (!mj) return "absent";
  if (!mj.startup || !mj.startup.promise) return "not loaded";
  const timeout = new Promise((resolve) => setTimeout(() => resolve("timeout"), timeoutMs));
  return await Promise.race([
    mj.startup.promise.then(() => "ready", (e) => "failed: " + e),
    timeout,
  ]);
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
  const untypeset = maths.filter((el) => !el.querySelector("mjx-container"))
    .map((el) => short(el.textContent, 60));

  // Raw TeX among the visible text of the article (code is allowed to show TeX).
  const rawTex = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest("pre, code, script, style, textarea, mjx-container")) continue;
    if (!parent.checkVisibility()) continue;
    const text = node.textContent;
    const at = text.search(/\\\(|\\\[|\$\$/);
    if (at >= 0) rawTex.push(short(text.slice(Math.max(0, at - 30), at + 50)));
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

  return { mathCount: maths.length, untypeset, rawTex, images, headings, links, ids };
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
  for (const p of article.querySelectorAll("p")) {
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

    def __init__(self, context, site_url: str, url: str, network_idle: bool = True) -> None:
        self.site_url = site_url
        self.problems: list[str] = []
        self.http_errors: set[str] = set()  # a 404 also fails the request: say it once
        self.page = context.new_page()
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

    def wait_for_mathjax(self) -> str:
        return self.page.evaluate(WAIT_FOR_MATHJAX, TIMEOUT_MS)

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
            f"paragraph text contrast {low['ratio']:.2f} < {MIN_CONTRAST} "
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
    finally:
        problems = light.close() + problems

    # Dark: the theme switch, readability, and whatever the browser reports only in dark.
    # No wait for network idle (it costs 0.5 s a page): the light visit already proved that
    # the page settles, and the checks below wait for MathJax and the images themselves.
    dark = PageRecorder(contexts["dark"], site_url, url, network_idle=False)
    dark_problems: list[str] = []
    try:
        dark.wait_for_mathjax()
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
