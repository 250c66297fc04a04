"""The notebook check can fail: a perturbed `ganbook.info.entropy` makes nbval fail.

An IPython start-up file (in a throw-away IPYTHONDIR that the kernel started by nbval
inherits) replaces `ganbook.info.entropy` by a version that returns 1.01 times the true
value, before the chapter imports it. Strict nbval on chapter 02 must then fail; the same
command without the start-up file must pass, so the failure is the perturbation's doing.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "chapters" / "02-entropy.ipynb"

PERTURB = """
import ganbook.info

_true_entropy = ganbook.info.entropy

def _perturbed_entropy(*args, **kwargs):
    return 1.01 * _true_entropy(*args, **kwargs)

ganbook.info.entropy = _perturbed_entropy
"""


def run_nbval(ipython_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, IPYTHONDIR=str(ipython_dir))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-p", "no:cacheprovider", "-q", str(CHAPTER)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=600,
    )


@pytest.fixture
def clean_ipython_dir(tmp_path):
    path = tmp_path / "ipython-clean"
    (path / "profile_default" / "startup").mkdir(parents=True)
    return path


@pytest.fixture
def perturbed_ipython_dir(tmp_path):
    path = tmp_path / "ipython-perturbed"
    startup = path / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-perturb-entropy.py").write_text(PERTURB)
    return path


def test_nbval_passes_on_the_true_code(clean_ipython_dir):
    result = run_nbval(clean_ipython_dir)
    assert result.returncode == 0, result.stdout[-3000:]


def test_nbval_fails_when_entropy_is_perturbed(perturbed_ipython_dir):
    result = run_nbval(perturbed_ipython_dir)
    assert result.returncode == 1, result.stdout[-3000:]
    assert "failed" in result.stdout.splitlines()[-1]
    # The perturbation shows up as a changed number or a failed assert, in several cells.
    assert result.stdout.count("FAILED chapters/02-entropy.ipynb::Cell") >= 3, result.stdout[-3000:]
