r"""Sphinx extension of the book's PDF edition (``make pdf``; the site's plumbing is book_site).

It changes nothing in the HTML build. For the LaTeX builder:

* Sphinx's ``manual`` class instead of the ``jupyterBook`` class that sphinx-jupyterbook-latex
  forces. That class requires ``bbm`` (in Debian only in texlive-fonts-extra, a 500 MB
  download), loads TikZ and pgfplots the book never uses, and sets a 17.5 cm text width. The
  two environments its cell nodes need (code cell input and output) are defined in
  ``PREAMBLE`` below.
* Numbering as on the site. Equations, figures and proofs are numbered ``chapter.n``:
  sphinx-jupyterbook-latex sets ``numfig_secnum_depth`` to 2, which is what LaTeX needs once
  parts are the top level, but which also made Sphinx number the propositions ``4.3.1`` for
  the site's ``4.3``; Sphinx numbers with 1, and LaTeX gets 2 once the book is resolved.
  Chapters of the front and back matter (toctrees not ``numbered`` in ``_toc.yml``) carry
  no number, so that Information is chapter 1 as on the site, and parts
  carry none either, since their captions name them ("Part I: Information").
* The introduction (the root document, which sphinx-jupyterbook-latex sets as loose text
  after the table of contents) opens with an unnumbered chapter titled as on the site.
* References to exercises in another chapter: sphinx-exercise labels an exercise
  ``exercise:LABEL`` in LaTeX and rewrites only the references within its own chapter, so
  ``{ref}`` from another chapter printed "Exercise ??"; they now point at that label too,
  with the number Sphinx resolved.
* Proofs as in a printed book: "Proof." in italics, then the argument, without the empty
  box sphinx-proof draws around it in LaTeX (an admonition with no title). The bibliography
  has one heading, the chapter's (LaTeX's own ``thebibliography`` adds a second).
* Solutions as a titled block, not a box: sphinx-exercise puts a solution, executed code
  cells included, in one admonition box, and a box with code in it cannot break across
  pages, so a long solution ran off the bottom of the page.
* Long values in the API reference: autodoc prints the value of a module constant in its
  signature, which LaTeX sets as one unbreakable line; a repr of pages (the studies) ran off
  the page and took the next entries with it. The PDF shows its first ``VALUE_CHARS``
  characters and an ellipsis.
* ``\tag{...}`` in a display: MathJax accepts it where Sphinx's LaTeX wraps the display in
  ``split``, inside which amsmath forbids it; the tag moves out of ``split``.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.latex import LaTeXBuilder
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.texescape import escape

# Appended to the preamble of _config.yml. \bookpdfnumbered and \bookpdfunnumbered switch the
# numbering of the chapters that follow (secnumdepth -2: neither parts nor chapters numbered,
# still listed in the table of contents).
PREAMBLE = r"""
% --- book_pdf.py: a glyph missing from its font is reported in the log (tests/test_pdf.py) ---
\tracinglostchars=2
% --- book_pdf.py: what the jupyterBook class would have defined ---
\RequirePackage[strict]{changepage}
\definecolor{CodeBlockInputBorderColor}{RGB}{204,204,204}
\definecolor{CodeBlockInputColor}{RGB}{247,247,247}
\definecolor{CodeBlockOutputBorderColor}{RGB}{224,224,224}
\definecolor{CodeBlockOutputColor}{RGB}{255,255,255}
\newenvironment{sphinxVerbatimInput}
  {\colorlet{VerbatimBorderColor}{CodeBlockInputBorderColor}%
   \colorlet{VerbatimColor}{CodeBlockInputColor}%
   \begin{adjustwidth}{0pt}{}}
  {\end{adjustwidth}}
\newenvironment{sphinxVerbatimOutput}
  {\colorlet{VerbatimBorderColor}{CodeBlockOutputBorderColor}%
   \colorlet{VerbatimColor}{CodeBlockOutputColor}%
   \begin{adjustwidth}{12pt}{}}
  {\end{adjustwidth}}
% --- book_pdf.py: numbered and unnumbered chapters, as on the site ---
\newcounter{bookpdfsecnumdepth}
\AtBeginDocument{\setcounter{bookpdfsecnumdepth}{\value{secnumdepth}}}
\newcommand{\bookpdfnumbered}{\setcounter{secnumdepth}{\value{bookpdfsecnumdepth}}}
\newcommand{\bookpdfunnumbered}{\setcounter{secnumdepth}{-2}}
% --- book_pdf.py: a solution, its title (rendered by Sphinx as {...}) then its body ---
\newenvironment{bookpdfsolution}[1]
  {\par\medskip\noindent{\sffamily\bfseries #1}\par\nobreak\smallskip}
  {\par\medskip}
% --- book_pdf.py: the bibliography under the heading of its chapter, not a second one ---
\makeatletter
\renewenvironment{sphinxthebibliography}[1]
  {\let\bookpdf@chapter\chapter\def\chapter*##1{}%
   \begin{thebibliography}{#1}\let\chapter\bookpdf@chapter}
  {\end{thebibliography}}
\makeatother
"""


def use_manual_class(app: Sphinx, config: Config) -> None:
    """Runs after sphinx-jupyterbook-latex's own ``config-inited`` handler (priority 500)."""
    config.latex_theme = "manual"
    elements = dict(config.latex_elements)
    elements["preamble"] = elements.get("preamble", "") + PREAMBLE
    config.latex_elements = elements


def number_as_on_the_site(app: Sphinx) -> None:
    """Runs after sphinx-jupyterbook-latex's ``builder-inited`` handler (priority 500)."""
    if isinstance(app.builder, LaTeXBuilder):
        app.config.numfig_secnum_depth = 1


def number_in_latex(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Chapter-wise equation and figure counters in LaTeX (Sphinx subtracts the part level).

    The LaTeX builder emits no ``write-started``; it resolves the assembled book, numbers
    included, before it writes it, so the value changes between the two.
    """
    if isinstance(app.builder, LaTeXBuilder):
        app.config.numfig_secnum_depth = 2 if app.config.latex_toplevel_sectioning == "part" else 1


def _raw(latex: str) -> nodes.raw:
    return nodes.raw("", latex + "\n", format="latex")


class ChapterNumbering(SphinxPostTransform):
    """Numbered chapters only where the site numbers them; the introduction as a chapter.

    Acts on the whole book as the LaTeX builder assembles it, after sphinx-jupyterbook-latex
    arranged it in parts (its post-transform has priority 700).
    """

    default_priority = 800
    builders = ("latex",)

    def run(self, **kwargs) -> None:  # run, not apply: apply checks `builders` first
        root = self.config.root_doc
        if self.app.project.path2doc(self.document["source"]) != root:
            return
        for start in self.document.findall(addnodes.start_of_file):
            numbered = bool(self.env.toc_secnumbers.get(start["docname"], {}).get(""))
            start.insert(0, _raw(r"\bookpdfnumbered" if numbered else r"\bookpdfunnumbered"))
        for section in self.document.findall(nodes.section):
            if section.get("docname") == root:
                title = self.env.titles[root].astext()
                chapter = _raw(r"\bookpdfunnumbered\chapter{" + escape(title) + "}")
                section.insert(1, chapter)  # after the title, which is the book's title
                break


TAG = re.compile(r"\\tag\*?\{[^{}]*\}")


class TagOutsideSplit(SphinxPostTransform):
    """``$$ ... \\tag{a} $$`` typesets as ``equation*`` with the tag after the ``split``."""

    default_priority = 800
    builders = ("latex",)

    def run(self, **kwargs) -> None:  # run, not apply: apply checks `builders` first
        for block in self.document.findall(nodes.math_block):
            text = block.astext()
            tags = TAG.findall(text)
            if block.get("nowrap") or block.get("label") or len(tags) != 1 or "\n\n" in text:
                continue
            body = TAG.sub("", text).strip()
            split = r"\begin{split}" + body + r"\end{split}" + tags[0]
            latex = r"\begin{equation*}" + split + r"\end{equation*}"
            block.replace_self(nodes.math_block(latex, latex, nowrap=True))


class ExerciseReferences(SphinxPostTransform):
    """A numbered reference to an exercise links ``exercise:LABEL``, with Sphinx's text."""

    default_priority = 800
    builders = ("latex",)

    def run(self, **kwargs) -> None:  # run, not apply: apply checks `builders` first
        exercises = getattr(self.env, "sphinx_exercise_registry", {})
        for ref in list(self.document.findall(addnodes.number_reference)):
            target = ref.get("refid") or ref.get("refuri", "").partition("#")[2]
            if exercises.get(target, {}).get("type") != "exercise":
                continue
            link = r"\hyperref[exercise:" + target + "]{" + escape(ref.astext()) + "}"
            ref.replace_self(nodes.raw("", link, format="latex"))


class PlainProofs(SphinxPostTransform):
    """sphinx-proof's proof (an untitled admonition) as a paragraph led by *Proof.*"""

    default_priority = 800
    builders = ("latex",)

    def run(self, **kwargs) -> None:  # run, not apply: apply checks `builders` first
        for box in list(self.document.findall(nodes.admonition)):
            if "proof" not in box["classes"] or any(isinstance(c, nodes.title) for c in box):
                continue
            first = box.next_node(nodes.Text)
            if first is not None and first.astext().startswith("Proof. "):
                lead = nodes.emphasis("", "Proof.")
                first.parent.replace(first, [lead, nodes.Text(first.astext()[len("Proof.") :])])
            box.replace_self(box.children)


def visit_solution(self, node: nodes.Element) -> None:
    """The label sphinx-exercise gives a solution, then a ``bookpdfsolution`` block."""
    exercise = self.builder.env.sphinx_exercise_registry[node["label"]]
    label = exercise.get("docname") + ":" + node["label"]
    self.body.append("\n" + r"\phantomsection\label{" + label + "}" + "\n")
    self.body.append(r"\begin{bookpdfsolution}")


def depart_solution(self, node: nodes.Element) -> None:
    self.body.append(r"\end{bookpdfsolution}" + "\n")


VALUE_CHARS = 160


class ShortValues(SphinxPostTransform):
    """``NAME: type = value`` of a module constant, with the value cut at ``VALUE_CHARS``."""

    default_priority = 800
    builders = ("latex",)

    def run(self, **kwargs) -> None:  # run, not apply: apply checks `builders` first
        for note in list(self.document.findall(addnodes.desc_annotation)):
            text = note.astext()
            if not text.lstrip().startswith("=") or len(text) <= VALUE_CHARS:
                continue
            short = " = " + text.lstrip()[1:].strip()[:VALUE_CHARS] + " …"
            note.replace_self(addnodes.desc_annotation(short, short))


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinx_exercise")
    from sphinx_exercise.nodes import solution_node

    app.add_node(solution_node, override=True, latex=(visit_solution, depart_solution))
    app.connect("config-inited", use_manual_class, priority=900)
    app.connect("builder-inited", number_as_on_the_site, priority=900)
    app.connect("doctree-resolved", number_in_latex)
    app.add_post_transform(ChapterNumbering)
    app.add_post_transform(TagOutsideSplit)
    app.add_post_transform(ExerciseReferences)
    app.add_post_transform(PlainProofs)
    app.add_post_transform(ShortValues)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
