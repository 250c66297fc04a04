"""The notebooks as files: every .md has an executed .ipynb with the same cells.

nbval compares nothing for a cell that was never executed, and nothing for a .md file, so
these checks are what make `pytest --nbval chapters` a real check.
"""


import nbformat
import pytest

from check_notebooks import execution_problems, pairing_problems
from notebooks import ROOT, colab_install_line, notebook_sources, repository

SOURCES = notebook_sources()


def test_there_are_notebooks_and_no_orphans():
    assert len([md for md in SOURCES if md.parent.name == "chapters"]) >= 2
    stored = {nb for folder in ("chapters", "book") for nb in (ROOT / folder).glob("*.ipynb")}
    orphans = stored - {md.with_suffix(".ipynb") for md in SOURCES}
    assert not orphans, f"an .ipynb without its .md source: {sorted(orphans)}"


@pytest.mark.parametrize("md", SOURCES, ids=lambda p: p.stem)
def test_md_and_ipynb_have_the_same_cells(md):
    assert not pairing_problems(md), pairing_problems(md)


@pytest.mark.parametrize("md", SOURCES, ids=lambda p: p.stem)
def test_every_code_cell_was_executed_in_order(md):
    assert not execution_problems(md), execution_problems(md)


@pytest.mark.parametrize("md", SOURCES, ids=lambda p: p.stem)
def test_notebook_starts_with_colab_setup_then_pins_and_seeds(md):
    stored = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    colab, first = [cell.source for cell in stored.cells if cell.cell_type == "code"][:2]
    assert colab.startswith("# NBVAL_SKIP: "), "the Colab cell is skipped by nbval, with a reason"
    assert 'if "google.colab" in sys.modules:' in colab
    assert colab_install_line(*repository()) in colab, (
        "the Colab cell installs from another repository than _config.yml names: "
        f"run `make notebooks CHAPTER={md.stem}`"
    )
    lines = [line for line in first.splitlines() if line.strip()]
    assert lines[0].startswith("import ganbook"), "import ganbook before torch"
    assert "set_seed(" in first


def test_exercises_are_referred_to_by_number():
    """``{ref}`` to an exercise (which has no title) renders as nothing, silently, even under
    ``-W -n``: a sentence then reads "Using the chain rule of  on". ``{numref}`` gives
    "Exercise 3.2"."""
    import re

    texts = {md: md.read_text(encoding="utf-8") for md in SOURCES}
    exercises = {label for text in texts.values()
                 for label in re.findall(r"```\{exercise\}[^\n]*\n:label: (\S+)", text)}
    assert len(exercises) >= 50
    wrong = [f"{md.name}: {{ref}}`{label}`" for md, text in texts.items()
             for label in re.findall(r"\{ref\}`([^`<]+)`", text) if label in exercises]
    assert not wrong, f"refer to exercises with {{numref}}: {wrong}"


def test_the_notebook_checks_can_fail(tmp_path):
    """The checks of the pre-commit hooks catch a .md edited alone and an unexecuted cell."""
    import shutil

    md = tmp_path / "01-information.md"
    shutil.copy(SOURCES[0], md)
    shutil.copy(SOURCES[0].with_suffix(".ipynb"), md.with_suffix(".ipynb"))
    assert not pairing_problems(md) and not execution_problems(md)
    md.write_text(md.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    assert "differ" in " ".join(pairing_problems(md))
    stored = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    next(c for c in stored.cells if c.cell_type == "code").execution_count = None
    nbformat.write(stored, md.with_suffix(".ipynb"))
    assert "never executed" in " ".join(execution_problems(md))
    md.with_suffix(".ipynb").unlink()
    assert "no paired" in " ".join(pairing_problems(md))
