"""The notebook check can fail: a perturbed `ganbook.info.entropy` makes nbval fail.

An IPython start-up file (in a throw-away IPYTHONDIR that the kernel started by nbval
inherits) replaces `ganbook.info.entropy` by a version that returns 1.01 times the true
value, before the chapter imports it. Strict nbval on chapter 02 must then fail; the same
command without the start-up file must pass, so the failure is the perturbation's doing.

That failure could come from the chapter's asserts alone. So a second perturbation changes
only what the chapter prints: `ganbook.info.self_information` returns 1.001 times the true
value, which moves the printed information contents and the Monte-Carlo estimate in their
fourth decimal but breaks no assert (the chapter asserts the contents only after rounding to
two decimals, and the estimate within four standard errors). `--nbval-lax`, which runs the
cells and checks no output, must pass on it, and strict `--nbval` must fail: the comparison
of outputs itself catches a changed number.
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

#: Changes printed numbers of chapter 02 and no assert's outcome.
PERTURB_PRINTED_ONLY = """
import ganbook.info

_true_self_information = ganbook.info.self_information

def _perturbed_self_information(*args, **kwargs):
    return 1.001 * _true_self_information(*args, **kwargs)

ganbook.info.self_information = _perturbed_self_information
"""


def run_nbval(ipython_dir: Path, mode: str = "--nbval") -> subprocess.CompletedProcess:
    env = dict(os.environ, IPYTHONDIR=str(ipython_dir))
    return subprocess.run(
        [sys.executable, "-m", "pytest", mode, "-p", "no:cacheprovider", "-q", str(CHAPTER)],
        check=False, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600,
    )


def failed_cells(result: subprocess.CompletedProcess) -> list[str]:
    prefix = "FAILED chapters/02-entropy.ipynb::"
    lines = result.stdout.splitlines()
    return [line.removeprefix(prefix).split(" - ")[0] for line in lines if line.startswith(prefix)]


def ipython_dir(tmp_path: Path, name: str, startup_code: str | None = None) -> Path:
    """A throw-away IPYTHONDIR, with a start-up file holding ``startup_code`` if given."""
    path = tmp_path / name
    startup = path / "profile_default" / "startup"
    startup.mkdir(parents=True)
    if startup_code is not None:
        (startup / "00-perturb.py").write_text(startup_code)
    return path


@pytest.fixture
def clean_ipython_dir(tmp_path):
    return ipython_dir(tmp_path, "ipython-clean")


@pytest.fixture
def perturbed_ipython_dir(tmp_path):
    return ipython_dir(tmp_path, "ipython-perturbed", PERTURB)


@pytest.fixture
def printed_only_ipython_dir(tmp_path):
    return ipython_dir(tmp_path, "ipython-printed-only", PERTURB_PRINTED_ONLY)


def test_nbval_passes_on_the_true_code(clean_ipython_dir):
    result = run_nbval(clean_ipython_dir)
    assert result.returncode == 0, result.stdout[-3000:]


def test_nbval_fails_when_entropy_is_perturbed(perturbed_ipython_dir):
    result = run_nbval(perturbed_ipython_dir)
    assert result.returncode == 1, result.stdout[-3000:]
    assert "failed" in result.stdout.splitlines()[-1]
    # The perturbation shows up as a changed number or a failed assert, in several cells.
    assert result.stdout.count("FAILED chapters/02-entropy.ipynb::Cell") >= 3, result.stdout[-3000:]


def test_strict_nbval_fails_when_only_printed_output_changes(printed_only_ipython_dir):
    # Every cell runs and every assert holds: nbval without output comparison passes.
    lax = run_nbval(printed_only_ipython_dir, "--nbval-lax")
    assert lax.returncode == 0, lax.stdout[-3000:]
    assert "passed" in lax.stdout.splitlines()[-1] and "failed" not in lax.stdout.splitlines()[-1]

    # The same execution, its outputs compared with the stored ones: the changed numbers fail.
    strict = run_nbval(printed_only_ipython_dir, "--nbval")
    assert strict.returncode == 1, strict.stdout[-3000:]
    assert "AssertionError" not in strict.stdout, "an assert failed: not an output-only change"
    failed = failed_cells(strict)
    # The computer-start cell (its printed information contents), the Monte-Carlo cell (its
    # printed estimate) and the folded cell that glues that estimate for the prose, each
    # failing on outputs that differ.
    assert len(failed) == 3, strict.stdout[-3000:]
    # Each failure is an output mismatch (nbval words it in one of two ways, by the kind
    # of output), not an error raised by the cell.
    sections = strict.stdout.split("02-entropy.ipynb::")[1:]  # one per failure report
    for cell in failed:
        report = "".join(s for s in sections if s.startswith(f"{cell} _"))
        assert ("Cell outputs differ" in report
                or "reference_output == test_output" in report), strict.stdout[-3000:]
