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
* Bibliography labels in the citations' own form: the pybtex style ``book_author_year``
  (``bibtex_default_style`` in ``_config.yml``) labels each entry "Goodfellow et al., 2014",
  as ``bibtex_reference_style: author_year`` cites it in the text, not "[GPAM+14]".
* MathJax on the search page, so that ``book/_static/book.js`` can typeset the formulas of
  the search results (Sphinx loads MathJax only on pages that have mathematics).
* Images load lazily (``loading="lazy"``): a chapter's figures below the first screens are
  fetched as the reader scrolls to them, not all on the first visit.
* ``/favicon.ico`` at the site's root (browsers ask for it by themselves), a copy of
  ``book/_static/favicon.ico``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.alpha import Style as AlphaStyle
from pybtex.style.labels import BaseLabelStyle
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


class AuthorYearLabelStyle(BaseLabelStyle):
    """Labels as sphinxcontrib-bibtex's author_year citations read: "Bishop, 2006",
    "Cover and Thomas, 2006", "Goodfellow et al., 2014" (last names as the entry spells them).
    """

    def format_labels(self, sorted_entries):
        for entry in sorted_entries:
            yield self.format_label(entry)

    @staticmethod
    def _last_name(person) -> str:
        parts = person.rich_prelast_names + person.rich_last_names
        return str(Text(" ").join(parts).render_as("text"))

    def format_label(self, entry) -> str:
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [self._last_name(person) for person in people]
        if len(names) > 2:
            who = f"{names[0]} et al."
        else:
            who = " and ".join(names)
        year = entry.fields.get("year", "n.d.")
        return f"{who}, {year}" if who else str(year)


class AuthorYearStyle(AlphaStyle):
    """pybtex's alpha style (sorted by author, year, title), labelled author-year."""

    default_label_style = "book_author_year"


register_plugin("pybtex.style.labels", "book_author_year", AuthorYearLabelStyle)
register_plugin("pybtex.style.formatting", "book_author_year", AuthorYearStyle)


def add_mathjax_to_search(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Load MathJax on search.html too, as sphinx.ext.mathjax loads it on pages with math."""
    if pagename != "search" or app.builder.format != "html":
        return
    config = app.config.mathjax3_config
    if config:
        app.builder.add_js_file("", body=f"window.MathJax = {json.dumps(config)}")
    app.builder.add_js_file(app.config.mathjax_path, defer="defer")


def lazy_images(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html":
        return
    for image in doctree.findall(nodes.image):
        image.setdefault("loading", "lazy")


def copy_favicon_to_root(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    icon = Path(app.outdir) / "_static" / "favicon.ico"
    if icon.exists():
        shutil.copyfile(icon, Path(app.outdir) / "favicon.ico")


def setup(app: Sphinx) -> dict:
    app.add_directive("bench-table", BenchTableDirective)
    app.connect("html-page-context", add_markdown_download, priority=600)
    app.connect("html-page-context", add_mathjax_to_search, priority=600)
    app.connect("html-page-context", remove_duplicate_scripts, priority=900)
    app.connect("build-finished", copy_markdown_sources)
    app.connect("doctree-resolved", lazy_images)
    app.connect("build-finished", copy_favicon_to_root)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
