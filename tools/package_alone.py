"""Run every notebook as a reader on Colab meets it: from the installed package alone.

``make test``'s last step. It installs ``ganbook`` as a regular (not editable) package
into a throw-away folder, copies the notebooks (``chapters/*.ipynb`` and the back matter
that executes code) into another folder outside the repository, and runs strict nbval on
the copies with that folder first on the kernel's path. So one run proves two things:

* every chapter re-executes to the stored outputs (strict ``--nbval``, a 60 s limit per
  cell, the budget of ``make bench``);
* it needs nothing but the installed package: no source tree, no ``book/results/`` beside
  it (the stored studies come from the package's data).

A chapter that imported the editable source instead would be caught: the first cell's
kernel must import ganbook from the installed copy, which this script checks first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from notebooks import notebook_sources  # noqa: E402

#: The cell budget of ``make bench``, in seconds.
CELL_TIMEOUT = 60


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="ganbook-alone-") as tmp:
        site, notebooks = Path(tmp) / "site-packages", Path(tmp) / "notebooks"
        notebooks.mkdir()
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                        "--no-build-isolation", "--target", str(site), str(ROOT)],
                       check=True)
        shutil.rmtree(ROOT / "build", ignore_errors=True)  # setuptools' build folder
        for md in notebook_sources():
            shutil.copy(md.with_suffix(".ipynb"), notebooks / md.with_suffix(".ipynb").name)
        env = dict(os.environ, PYTHONPATH=str(site))
        where = subprocess.run(
            [sys.executable, "-c", "import ganbook, ganbook.experiments as e; "
             "print(ganbook.__file__); print(e.RESULTS)"],
            check=True, capture_output=True, text=True, env=env, cwd=notebooks).stdout.split()
        if not all(Path(p).is_relative_to(site) for p in where):
            print(f"ganbook was imported from {where}, not from the installed copy in {site}")
            return 1
        print(f"ganbook installed alone in {site}; {len(list(notebooks.iterdir()))} notebooks "
              f"copied to {notebooks}")
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "--nbval", f"--nbval-cell-timeout={CELL_TIMEOUT}",
             "-p", "no:cacheprovider", "--rootdir", str(notebooks), str(notebooks)],
            env=env, cwd=notebooks)
        return result.returncode


if __name__ == "__main__":
    sys.exit(main())
