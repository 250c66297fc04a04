"""Sync each chapters/NN-slug.md into its .ipynb and execute it, storing the outputs.

Run by ``make notebooks`` (all chapters) or ``make notebooks CHAPTER=02-entropy``. The
Makefile exports the pinned CPU code path, which the kernels inherit. The .md file is the
source; the .ipynb is rewritten from it and executed in chapters/ as working directory.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"


def chapter_sources(names: list[str]) -> list[Path]:
    if not names:
        return sorted(CHAPTERS.glob("*.md"))
    sources = []
    for name in names:
        path = CHAPTERS / f"{Path(name).stem}.md"
        if not path.exists():
            sys.exit(f"no chapter {name!r}: {path} does not exist")
        sources.append(path)
    return sources


def main(names: list[str]) -> None:
    for md in chapter_sources(names):
        start = time.perf_counter()
        subprocess.run(
            ["jupytext", "--to", "ipynb", "--execute", "--run-path", str(CHAPTERS), str(md)],
            check=True,
        )
        print(f"{md.stem}: executed in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
