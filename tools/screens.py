"""Screenshots of chosen pages as readers see them: phone and desktop, light and dark.

    python tools/screens.py [PAGE ...]      (default: chapters 05 and 10)

Serves ``_build/html`` on a free local port, opens each page in headless Chromium (Debian's
``/usr/bin/chromium``, as ``tests/test_site.py`` does) and writes, into ``_build/screens/``,
``<stem>-<phone|desktop>-<light|dark>-<k>.png``: the first screen (k = 0), then one screen at
each of four depths of the page, with its formulas typeset (MathJax typesets lazily, near
the viewport), and on the phone the chapter menu opened (``-menu.png``). ``make test``'s
browser checks add a full-page desktop screenshot of every page in both themes.
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
OUT = ROOT / "_build" / "screens"
DEFAULT_PAGES = ["chapters/05-gan-game.html", "chapters/10-energy-models.html"]
DEVICES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
DEPTHS = (0.12, 0.3, 0.5, 0.7)
TYPESET = "() => window.MathJax?.startup?.promise?.then(() => MathJax.typesetPromise?.())"


def serve() -> tuple[http.server.ThreadingHTTPServer, int]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SITE))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def shoot(pages: list[str]) -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    server, port = serve()
    written = []
    try:
        with sync_playwright() as p:
            chromium = os.environ.get("GANBOOK_CHROMIUM") or "/usr/bin/chromium"
            browser = p.chromium.launch(executable_path=chromium,
                                        args=["--no-sandbox", "--disable-gpu"])
            for device, viewport in DEVICES.items():
                for theme in ("light", "dark"):
                    context = browser.new_context(viewport=viewport, color_scheme=theme)
                    context.add_init_script(f'localStorage.setItem("mode", "{theme}");'
                                            f'localStorage.setItem("theme", "{theme}");')
                    page = context.new_page()
                    for name in pages:
                        page.goto(f"http://127.0.0.1:{port}/{name}", wait_until="load")
                        page.evaluate(TYPESET)
                        stem = f"{Path(name).stem}-{device}-{theme}"
                        height = page.evaluate("document.body.scrollHeight")
                        for k, depth in enumerate((0.0, *DEPTHS)):
                            page.evaluate(f"window.scrollTo(0, {int(height * depth)})")
                            page.wait_for_timeout(600)  # lazy images and formulas
                            page.evaluate(TYPESET)
                            written.append(OUT / f"{stem}-{k}.png")
                            page.screenshot(path=written[-1])
                        if device == "phone":
                            page.evaluate("window.scrollTo(0, 0)")
                            page.locator(".primary-toggle:visible").first.click()
                            page.wait_for_timeout(600)
                            written.append(OUT / f"{stem}-menu.png")
                            page.screenshot(path=written[-1])
                    context.close()
            browser.close()
    finally:
        server.shutdown()
    return written


if __name__ == "__main__":
    for path in shoot(sys.argv[1:] or DEFAULT_PAGES):
        print(path.relative_to(ROOT))
