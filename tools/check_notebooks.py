"""The notebook checks of the pre-commit hooks and of ``tests/test_notebooks.py``.

    python tools/check_notebooks.py paired   [FILE ...]
    python tools/check_notebooks.py executed [FILE ...]

``paired``: each notebook's ``.md`` and its ``.ipynb`` hold the same cells (type, source,
tags), so that a ``.md`` edited without ``make notebooks`` is caught. ``executed``: every
code cell of the ``.ipynb`` was executed, top to bottom, and no stored output is an error or
a warning. FILE is a ``.md`` or an ``.ipynb`` of a notebook (pre-commit passes the staged
files; others are ignored); without FILE, every notebook is checked. Prints each problem and
exits 1 if there is one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
import nbformat

from notebooks import notebook_sources


def cells(notebook) -> list[tuple[str, str, tuple[str, ...]]]:
    return [
        (cell.cell_type, cell.source.strip(), tuple(cell.metadata.get("tags", ())))
        for cell in notebook.cells
    ]


def pairing_problems(md: Path) -> list[str]:
    """What keeps ``md`` and its ``.ipynb`` from holding the same cells (empty: nothing)."""
    ipynb = md.with_suffix(".ipynb")
    if not ipynb.exists():
        return [f"{md.name} has no paired {ipynb.name}: run `make notebooks CHAPTER={md.stem}`"]
    if cells(jupytext.read(md)) != cells(nbformat.read(ipynb, as_version=4)):
        return [f"{md.name} and {ipynb.name} differ: run `make notebooks CHAPTER={md.stem}`"]
    return []


def execution_problems(md: Path) -> list[str]:
    """What shows that ``md``'s ``.ipynb`` was not executed whole, in order, cleanly."""
    stored = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    code = [cell for cell in stored.cells if cell.cell_type == "code"]
    counts = [cell.execution_count for cell in code]
    if not counts:
        return [f"{md.stem}: no code cell"]
    if None in counts:
        return [f"{md.stem}: a code cell was never executed: run `make notebooks "
                f"CHAPTER={md.stem}`"]
    if counts != list(range(1, len(counts) + 1)):
        return [f"{md.stem}: not executed top to bottom: run `make notebooks CHAPTER={md.stem}`"]
    if any(output.output_type == "error" or output.get("name") == "stderr"
           for cell in code for output in cell.outputs):
        return [f"{md.stem}: stored outputs hold an error or a warning"]
    return []


CHECKS = {"paired": pairing_problems, "executed": execution_problems}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in CHECKS:
        print(__doc__.strip().splitlines()[2:4], file=sys.stderr)
        return 2
    check, files = CHECKS[argv[0]], argv[1:]
    sources = notebook_sources()
    if files:
        named = {Path(f).resolve().with_suffix(".md") for f in files}
        sources = [md for md in sources if md.resolve() in named]
    problems = [problem for md in sources for problem in check(md)]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
