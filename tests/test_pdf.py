"""The PDF edition: `make pdf` builds the whole book with LaTeX, and the PDF reads as a book.

The session fixture runs ``make pdf`` (Jupyter Book's LaTeX builder and xelatex, from the
stored outputs: nothing is executed), then the tests read the PDF with poppler's
``pdfinfo``, ``pdftotext`` and ``pdfimages`` and the LaTeX log, and fail when:

1. the PDF is not the whole book: too few pages, a chapter of ``_toc.yml`` missing from the
   text, a chapter numbered otherwise than on the site (chapters of ``numbered`` parts count
   1, 2, ... across parts; front and back matter carry no number);
2. a reference, an equation number or a citation is unresolved: ``??`` in the text, or
   "undefined" references or citations in the LaTeX log;
3. mathematics is left as raw TeX (``\\(``, ``\\[`` or ``$$`` in the text), or a glyph is
   missing from its font;
4. something runs off the page: content taller than the page (an overfull vertical box
   over ``MAX_OVERFULL_VBOX_PT``) or a line wider than the text by more than
   ``MAX_OVERFULL_HBOX_PT``;
5. a figure the notebooks store (a PNG output of a shown cell) is not embedded;
6. a number the prose glues (``{glue:text}``) is not in the text, or a proof or an exercise
   of the chapters is missing;
7. the built site (when there is one) does not link the PDF, or holds a copy that differs.

``GANBOOK_PDF_BUILT=1`` checks the PDF that ``make pdf`` last built instead of building it.
Without TeX (latexmk, xelatex) or poppler-utils the tests skip with the Debian packages to
install, unless the ``CI`` environment variable is set: there they fail, as in test_site.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NAME = "from-entropy-to-energy"
PDF = ROOT / "_build" / "pdf" / f"{NAME}.pdf"
LOG = PDF.with_suffix(".log")
SITE_PDF = ROOT / "_build" / "html" / f"{NAME}.pdf"
HOW_TO_USE = ROOT / "_build" / "html" / "book" / "how-to-use.html"

TEX_PACKAGES = (
    "latexmk texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended "
    "texlive-xetex fonts-freefont-otf tex-gyre texlive-plain-generic"
)
TEX_HINT = f"TeX is missing: apt-get install {TEX_PACKAGES} to build and check the PDF"
POPPLER_HINT = "poppler-utils is missing: apt-get install poppler-utils to check the PDF"

MIN_PAGES, MAX_PAGES = 150, 1000  # the book runs to a few hundred pages
CONTENTS_PAGES = 15  # the title page and the table of contents fit in these
MAX_OVERFULL_VBOX_PT = 5.0  # taller than the page by more than this: text lost at its foot
MAX_OVERFULL_HBOX_PT = 20.0  # wider lines than this eat into the 2.2 cm (62 pt) margin
HIDDEN_OUTPUT_TAGS = {"hide-cell", "remove-cell", "hide-output", "remove-output"}


def missing_tool(hint: str) -> None:
    """Skip on a workstation; fail in CI, where a skipped check would pass silently."""
    if os.environ.get("CI"):
        pytest.fail(hint, pytrace=False)
    pytest.skip(hint)


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="session")
def built() -> Path:
    """``make pdf``, once per session (or the last one, with GANBOOK_PDF_BUILT=1)."""
    if not all(shutil.which(tool) for tool in ("pdfinfo", "pdftotext", "pdfimages")):
        missing_tool(POPPLER_HINT)
    if os.environ.get("GANBOOK_PDF_BUILT"):
        if not (PDF.is_file() and LOG.is_file()):
            pytest.fail(f"GANBOOK_PDF_BUILT is set but there is no {PDF}", pytrace=False)
        return PDF
    if not (shutil.which("latexmk") and shutil.which("xelatex")):
        missing_tool(TEX_HINT)
    done = subprocess.run(
        ["make", "--no-print-directory", "pdf"], cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-40:])
        pytest.fail(f"`make pdf` failed ({done.returncode}):\n{tail}", pytrace=False)
    assert PDF.is_file() and LOG.is_file()
    return PDF


@pytest.fixture(scope="session")
def text(built) -> str:
    return run("pdftotext", "-enc", "UTF-8", str(built), "-")


@pytest.fixture(scope="session")
def log(built) -> str:
    return LOG.read_text(encoding="utf-8", errors="replace")


def flat(s: str) -> str:
    """Text without whitespace: a line break may fall anywhere in what the tests look for."""
    return re.sub(r"\s+", "", s)


# --------------------------------------------------------------------------------------------
# What the book holds, from its sources
# --------------------------------------------------------------------------------------------


def heading(doc: str) -> str:
    """The title of a page of _toc.yml: the first level-1 heading of its .md, as plain text."""
    for line in (ROOT / f"{doc}.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return re.sub(r"[`*]", "", line[2:]).strip()
    raise AssertionError(f"{doc}.md has no level-1 heading")


def chapters() -> list[tuple[str, str, int | None]]:
    """(page, title, number on the site) of every page of _toc.yml after the root, in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    found, number = [], 0
    for part in toc["parts"]:
        for entry in part["chapters"]:
            number += bool(part.get("numbered"))
            shown = number if part.get("numbered") else None
            found.append((entry["file"], heading(entry["file"]), shown))
    return found


def notebook(doc: str) -> dict | None:
    """The executed notebook of a page of _toc.yml, None for a Markdown page."""
    path = ROOT / f"{doc}.ipynb"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def notebooks() -> list[dict]:
    """The executed notebooks of _toc.yml (chapters and the notes on the sources)."""
    return [nb for doc, _, _ in chapters() if (nb := notebook(doc)) is not None]


def markdown(nb: dict) -> str:
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


# --------------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------------


def test_the_pdf_is_a_book_of_plausible_length(built):
    info = run("pdfinfo", str(built))
    pages = int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1))
    assert MIN_PAGES <= pages <= MAX_PAGES, f"{pages} pages"
    assert re.search(r"^Title:\s+From Entropy to Energy$", info, re.M), info


def test_every_chapter_is_in_the_pdf_numbered_as_on_the_site(built, text):
    # The table of contents, laid out as printed, is within the first pages.
    contents = run(
        "pdftotext", "-enc", "UTF-8", "-layout", "-l", str(CONTENTS_PAGES), str(built), "-"
    )
    lines = [" ".join(line.split()) for line in contents.splitlines()]
    missing, misnumbered = [], []
    for _, title, number in chapters():
        if flat(title).lower() not in flat(text).lower():
            missing.append(title)
        entry = re.compile(rf"^(?:(\d+) )?{re.escape(title)} \d+$")
        found = [m.group(1) for line in lines if (m := entry.match(line))]
        if found != [str(number) if number else None]:
            misnumbered.append(f"{title!r} is chapter {number} on the site, {found} in the PDF")
    assert not missing, f"chapters missing from the PDF: {missing}"
    assert not misnumbered, misnumbered


def test_references_equations_and_citations_are_resolved(text, log):
    assert "??" not in text, [line for line in text.splitlines() if "??" in line][:5]
    joined = log.replace("\n", "")  # TeX wraps its log at 79 characters, anywhere
    undefined = re.findall(
        r"(?:Reference|Citation|Hyper reference) `[^']*' on page \d+ undefined"
        r"|There were undefined (?:references|citations)",
        joined,
    )
    assert not undefined, undefined[:5]


def test_no_raw_tex_and_no_missing_glyph(text, log):
    raw = [line.strip() for line in text.splitlines() if re.search(r"\\\(|\\\[|\$\$", line)]
    assert not raw, raw[:5]
    missing = sorted(set(re.findall(r"^Missing character: .*$", log, re.M)))
    assert not missing, missing[:5]


def test_nothing_runs_off_the_page(log):
    tall = [
        float(pt)
        for pt in re.findall(r"^Overfull \\vbox \(([\d.]+)pt too high\)", log, re.M)
        if float(pt) > MAX_OVERFULL_VBOX_PT
    ]
    wide = [
        float(pt)
        for pt in re.findall(r"^Overfull \\hbox \(([\d.]+)pt too wide\)", log, re.M)
        if float(pt) > MAX_OVERFULL_HBOX_PT
    ]
    assert not tall, f"content taller than the page by {tall} pt"
    assert not wide, f"lines wider than the text by {wide} pt"


def test_every_stored_figure_is_embedded(built):
    stored = sum(
        "image/png" in output.get("data", {})
        for nb in notebooks()
        for cell in nb["cells"]
        if not HIDDEN_OUTPUT_TAGS & set(cell["metadata"].get("tags", []))
        for output in cell.get("outputs", [])
    )
    listing = run("pdfimages", "-list", str(built)).splitlines()[2:]
    embedded = sum(line.split()[2] == "image" for line in listing)
    assert stored > 0
    assert embedded >= stored, f"{embedded} images in the PDF, {stored} figures stored"


def test_glued_numbers_are_in_the_text(text):
    from myst_nb.core.variables import format_plain_text

    body, missing, count = flat(text), [], 0
    for nb in notebooks():
        glued = {
            output["metadata"]["scrapbook"]["name"]: output["data"][key]
            for cell in nb["cells"]
            for output in cell.get("outputs", [])
            for key in output.get("data", {})
            if key.endswith("text/plain") and "scrapbook" in output.get("metadata", {})
        }
        for name, spec in re.findall(r"\{glue:text\}`([^`:]+):?([^`]*)`", markdown(nb)):
            value = format_plain_text(glued[name], spec)
            count += 1
            if flat(value) not in body:
                missing.append(f"{name} = {value!r}")
    assert count > 0
    assert not missing, f"{len(missing)} glued values not in the PDF: {missing[:10]}"


def test_proofs_and_exercises_are_rendered(text):
    body = flat(text)
    proofs = sum(
        len(re.findall(r"^(?:```|:::)\{prf:proof\}", markdown(nb), re.M)) for nb in notebooks()
    )
    assert proofs > 0 and body.count("Proof.") >= proofs, (proofs, body.count("Proof."))
    for doc, title, number in chapters():
        nb = notebook(doc)
        if nb is None or number is None:
            continue
        exercises = len(re.findall(r"^(?:```|:::)\{exercise\}", markdown(nb), re.M))
        for k in range(1, exercises + 1):
            assert f"Exercise{number}.{k}" in body, f"Exercise {number}.{k} ({title})"
            assert f"SolutiontoExercise{number}.{k}" in body, f"its solution ({title})"


def test_the_site_links_the_pdf(built):
    if not HOW_TO_USE.is_file():
        pytest.skip("no built site in _build/html: `make book` first, then `make pdf`")
    page = HOW_TO_USE.read_text(encoding="utf-8")
    assert f'href="../{NAME}.pdf"' in page, "book/how-to-use links no PDF"
    assert SITE_PDF.is_file(), f"`make pdf` did not copy the PDF into the site: {SITE_PDF}"
    assert SITE_PDF.read_bytes() == built.read_bytes()
