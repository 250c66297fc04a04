"""The notebooks as files: every .md has an executed .ipynb with the same cells.

nbval compares nothing for a cell that was never executed, and nothing for a .md file, so
these checks are what make `pytest --nbval chapters` a real check.
"""


import jupytext
import nbformat
import pytest

from notebooks import ROOT, colab_install_line, notebook_sources, repository

SOURCES = notebook_sources()


def cells(notebook) -> list[tuple[str, str, tuple[str, ...]]]:
    return [
        (cell.cell_type, cell.source.strip(), tuple(cell.metadata.get("tags", ())))
        for cell in notebook.cells
    ]


def test_there_are_notebooks_and_no_orphans():
    assert len([md for md in SOURCES if md.parent.name == "chapters"]) >= 2
    stored = {nb for folder in ("chapters", "book") for nb in (ROOT / folder).glob("*.ipynb")}
    orphans = stored - {md.with_suffix(".ipynb") for md in SOURCES}
    assert not orphans, f"an .ipynb without its .md source: {sorted(orphans)}"


@pytest.mark.parametrize("md", SOURCES, ids=lambda p: p.stem)
def test_md_and_ipynb_have_the_same_cells(md):
    ipynb = md.with_suffix(".ipynb")
    assert ipynb.exists(), f"{md.name} has no paired {ipynb.name}: run `make notebooks`"
    source = jupytext.read(md)
    stored = nbformat.read(ipynb, as_version=4)
    assert cells(source) == cells(stored), (
        f"{md.name} and {ipynb.name} differ: run `make notebooks CHAPTER={md.stem}`"
    )


@pytest.mark.parametrize("md", SOURCES, ids=lambda p: p.stem)
def test_every_code_cell_was_executed_in_order(md):
    stored = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    counts = [cell.execution_count for cell in stored.cells if cell.cell_type == "code"]
    assert counts, f"{md.name} has no code cell"
    assert None not in counts, f"{md.stem}: a code cell was never executed"
    assert counts == list(range(1, len(counts) + 1)), f"{md.stem}: not executed top to bottom"
    errors = [
        output
        for cell in stored.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error" or output.get("name") == "stderr"
    ]
    assert not errors, f"{md.stem}: stored outputs hold an error or a warning"


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
