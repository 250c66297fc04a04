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
        # No progress bars in outputs that are compared (as under make: see ganbook.train).
        env = dict(os.environ, PYTHONPATH=str(site), GANBOOK_PROGRESS="0")
        where = subprocess.run(
            [sys.executable, "-c", "import ganbook, ganbook.experiments as e; "
             "print(ganbook.__file__); print(e.RESULTS)"],
            check=True, capture_output=True, text=True, env=env, cwd=notebooks).stdout.split()
        if not all(Path(p).is_relative_to(site) for p in where):
            print(f"ganbook was imported from {where}, not from the installed copy in {site}")
            return 1
        print(f"ganbook installed alone in {site}; {len(list(notebooks.iterdir()))} notebooks "
              f"copied to {notebooks}")
        reason = subprocess.run(
            [sys.executable, "-c", "import ganbook.seed as s; print(s.off_reference_reason())"],
            check=True, capture_output=True, text=True, env=env).stdout.strip()
        if reason != "None":
            # Another architecture or torch release: outputs cannot match the stored ones
            # digit for digit, so the notebooks are executed (every assert still runs) but
            # their outputs are not compared.
            print(f"not the reference platform ({reason}): executing the notebooks "
                  "without comparing their outputs")
            for nb in sorted(notebooks.glob("*.ipynb")):
                subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to",
                                "notebook", "--execute", "--output", f"{nb.stem}.run",
                                f"--ExecutePreprocessor.timeout={CELL_TIMEOUT}", str(nb)],
                               check=True, env=env, cwd=notebooks)
            return 0
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "--nbval", f"--nbval-cell-timeout={CELL_TIMEOUT}",
             "-p", "no:cacheprovider", "--rootdir", str(notebooks), str(notebooks)],
            env=env, cwd=notebooks)
        return result.returncode


if __name__ == "__main__":
    sys.exit(main())
