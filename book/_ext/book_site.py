"""Sphinx extension of the book's site (the site's own plumbing, not part of ganbook).

* ``.md`` download: every page built from a notebook's ``.ipynb`` whose MyST markdown source
  sits beside it gets a ``.md`` entry in the theme's download menu, and the ``.md`` file is
  copied into ``_sources/`` of the built site.
* Duplicate inline scripts removed: Sphinx 7.4 registers a body-only script twice (once with
  the file name ``None``, once with ``""``), so sphinx-thebe's settings script appears twice
  and the second copy throws "Identifier 'THEBE_JS_URL' has already been declared" in the
  browser (fixed upstream in Sphinx 8.2, which Jupyter Book 1 does not allow).
* ``{bench-table}``: a directive that renders ``book/bench.json`` (written by ``make bench``)
  as the table of time and memory per chapter, so that the table is generated, not typed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


def _markdown_pair(app: Sphinx, pagename: str) -> Path | None:
    ipynb = Path(app.srcdir) / f"{pagename}.ipynb"
    md = ipynb.with_suffix(".md")
    return md if ipynb.exists() and md.exists() else None


def add_markdown_download(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if _markdown_pair(app, pagename) is None:
        return
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].insert(1, {
                "type": "link",
                "url": f"{context['pathto']('_sources', 1)}/{pagename}.md",
                "text": ".md",
                "tooltip": "Download the MyST markdown source (opens as a notebook with jupytext)",
                "icon": "fas fa-file-lines",
                "label": "download-markdown-button",
            })


def remove_duplicate_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = (
            getattr(script, "filename", script) or "",
            tuple(sorted(getattr(script, "attributes", {}).items())),
        )
        if key not in seen:
            seen.add(key)
            unique.append(script)
    if "script_files" in context:
        context["script_files"] = unique


def copy_markdown_sources(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for pagename in app.env.found_docs:
        md = _markdown_pair(app, pagename)
        if md is not None:
            target = Path(app.outdir) / "_sources" / f"{pagename}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(md, target)


class BenchTableDirective(SphinxDirective):
    """Render ``book/bench.json`` as a table: notebook, seconds, slowest cell, peak memory."""

    def run(self) -> list[nodes.Node]:
        path = Path(self.env.srcdir) / "book" / "bench.json"
        self.env.note_dependency(str(path))
        report = json.loads(path.read_text(encoding="utf-8"))
        head = ["Notebook", "Seconds", "Slowest cell (s)", "Peak memory (MB)"]
        rows = [
            [
                f"`{row['chapter']}`",
                f"{row['seconds']:.0f}",
                f"{row['slowest_cell_seconds']:.0f}",
                f"{row['peak_memory_mb']:.0f}",
            ]
            for row in report["chapters"]
        ]
        rows.append(["**whole book**", f"**{report['total_seconds']:.0f}**", "", ""])
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        lines += [
            "",
            f"Measured by `make bench` on {report['cpu_count']} CPU cores with torch "
            f"{report['torch']}, on {report['date'][:10]}.",
        ]
        container = nodes.container(classes=["bench-table"])
        self.state.nested_parse(StringList(lines, source=str(path)), 0, container)
        return [container]


def setup(app: Sphinx) -> dict:
    app.add_directive("bench-table", BenchTableDirective)
    app.connect("html-page-context", add_markdown_download, priority=600)
    app.connect("html-page-context", remove_duplicate_scripts, priority=900)
    app.connect("build-finished", copy_markdown_sources)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
