"""The book's notebooks: find them, and sync and execute them (``make notebooks``).

A notebook is a MyST markdown file (jupytext) in ``chapters/`` or ``book/`` whose front
matter starts with ``jupytext:``; its pair, the ``.ipynb`` beside it, holds the executed
outputs that nbval checks and the site shows. ``make notebooks`` (all of them) or
``make notebooks CHAPTER=02-entropy`` (one, by file stem) rewrites each ``.ipynb`` from its
``.md`` and executes it with the notebook's folder as working directory. The Makefile
exports the pinned CPU code path, which the kernels inherit.

Before executing, the Colab set-up cell of each notebook is made to install ``ganbook``
from the repository named in ``_config.yml`` (the one place where the URL is set).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIRS = ("chapters", "book")

#: The lines of the Colab cell that install the package, with the URL and branch in them:
#: the URL on a line of its own, so that both lines fit the 79-character column (an older
#: single-line form is matched too, and rewritten).
COLAB_INSTALL = re.compile(
    r'( +)(?:repo = "[^"]*"\n +)?%pip install --quiet "ganbook @ git\+[^"]+"'
)


def is_notebook(path: Path) -> bool:
    return path.read_text(encoding="utf-8").startswith("---\njupytext:")


def notebook_sources() -> list[Path]:
    """Every notebook's .md source: chapters first, then the back matter, each sorted."""
    return [
        path
        for folder in NOTEBOOK_DIRS
        for path in sorted((ROOT / folder).glob("*.md"))
        if is_notebook(path)
    ]


def repository() -> tuple[str, str]:
    """``repository.url`` and ``repository.branch`` from ``_config.yml``."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"].rstrip("/"), config["repository"].get("branch", "main")


def colab_install_line(url: str, branch: str, indent: str = "    ") -> str:
    """The Colab cell's install lines (IPython expands ``{repo}`` in a ``%pip`` line)."""
    return (f'{indent}repo = "{url}"\n'
            f'{indent}%pip install --quiet "ganbook @ git+{{repo}}@{branch}"')


def sync_colab_cell(md: Path) -> None:
    """Point the notebook's Colab install line at the repository of ``_config.yml``."""
    url, branch = repository()
    text = md.read_text(encoding="utf-8")
    new = COLAB_INSTALL.sub(lambda m: colab_install_line(url, branch, m.group(1)), text)
    if new != text:
        md.write_text(new, encoding="utf-8")


def select(names: list[str]) -> list[Path]:
    sources = notebook_sources()
    if not names:
        return sources
    by_stem = {path.stem: path for path in sources}
    unknown = [name for name in names if Path(name).stem not in by_stem]
    if unknown:
        sys.exit(f"no notebook named {', '.join(unknown)}; there are: {', '.join(by_stem)}")
    return [by_stem[Path(name).stem] for name in names]


def main(names: list[str]) -> None:
    for md in select(names):
        sync_colab_cell(md)
        start = time.perf_counter()
        subprocess.run(
            ["jupytext", "--to", "ipynb", "--execute", "--run-path", str(md.parent), str(md)],
            check=True,
        )
        print(f"{md.stem}: executed in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
