"""ganbook.seed: seeding, thread count, the pinned CPU code path and its canary."""

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from ganbook import seed as seed_module
from ganbook.seed import PINNED_ENV, set_seed

ROOT = Path(__file__).resolve().parents[1]
X86 = seed_module._is_x86()
needs_x86 = pytest.mark.skipif(not X86, reason="the pinned code path exists on x86-64 only")


def test_same_seed_same_draws():
    set_seed(3)
    a = (torch.randn(5), np.random.rand(5))
    set_seed(np.int64(3))  # numpy integers are accepted
    b = (torch.randn(5), np.random.rand(5))
    torch.testing.assert_close(a[0], b[0], rtol=0, atol=0)
    np.testing.assert_array_equal(a[1], b[1])
    assert torch.get_num_threads() == seed_module.THREADS
    assert torch.are_deterministic_algorithms_enabled()


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (1.5, TypeError), ("0", TypeError),
                                        (True, TypeError), (2**32, ValueError)])
def test_bad_seed(bad, error):
    with pytest.raises(error, match="seed must be"):
        set_seed(bad)


def test_makefile_exports_the_pinned_values():
    makefile = (ROOT / "Makefile").read_text()
    for name, value in PINNED_ENV.items():
        assert re.search(rf"^export {name} := {value}$", makefile, re.M), name
    assert PINNED_ENV["MKL_CBWR"] == "COMPATIBLE"  # the one branch equal on Intel and AMD


def run_python(code: str, **env_changes: str | None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    for k, v in env_changes.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )


UNPINNED = {name: None for name in PINNED_ENV}


def mkl_branches(output: str) -> set[str]:
    """The branches MKL reports running (MKL_VERBOSE=1 prints CNR:... on every call)."""
    return set(re.findall(r"CNR:(\w+)", output))


@needs_x86
def test_mkl_really_runs_compatible_under_the_makefile_environment():
    out = run_python("import torch; torch.ones(64, 64) @ torch.ones(64, 64)", MKL_VERBOSE="1")
    assert mkl_branches(out.stdout) == {"COMPATIBLE"}, out.stdout[-2000:]


@needs_x86
def test_import_ganbook_alone_pins_the_path_that_mkl_reports():
    code = ("import ganbook, torch; torch.ones(64, 64) @ torch.ones(64, 64); "
            "print(torch.backends.cpu.get_cpu_capability())")
    out = run_python(code, MKL_VERBOSE="1", **UNPINNED)
    assert mkl_branches(out.stdout) == {"COMPATIBLE"}, out.stdout[-2000:]
    assert out.stdout.strip().splitlines()[-1] == seed_module.PINNED_CAPABILITY


@needs_x86
def test_the_canary_tells_the_pinned_path_from_the_processors_own():
    code = "import ganbook.seed as s; print(s.canary_digest(), s.on_reference_platform())"
    pinned = run_python(code).stdout.split()
    auto = run_python(code, MKL_CBWR="AUTO").stdout.split()
    if seed_module.off_reference_reason() is None:
        assert pinned == [seed_module.CANARY_DIGEST, "True"]
    assert auto[0] != pinned[0] and auto[1] == "False"


def test_set_seed_warns_when_torch_came_first_without_the_pin():
    code = "import torch, ganbook.seed; ganbook.seed.set_seed(0)"
    out = run_python(code, **UNPINNED)
    assert "NOT THE BOOK'S CODE PATH" in out.stderr
    if X86:
        assert "MKL_CBWR=None" in out.stderr


@needs_x86
def test_set_seed_warns_when_the_variable_says_compatible_but_mkl_does_not_run_it():
    # MKL reads MKL_CBWR once, when it loads: set afterwards, the variable lies.
    code = ("import os, torch; torch.ones(8, 8) @ torch.ones(8, 8); "
            "os.environ['MKL_CBWR'] = 'COMPATIBLE'; "
            "import ganbook.seed; ganbook.seed.set_seed(0)")
    out = run_python(code, MKL_CBWR=None)
    if seed_module.off_reference_reason() is None:
        assert "the arithmetic canary differs" in out.stderr, out.stderr


def test_set_seed_is_quiet_when_pinned():
    if seed_module.off_reference_reason() is not None:
        pytest.skip(f"not the reference platform: {seed_module.off_reference_reason()}")
    out = run_python("import ganbook.seed; ganbook.seed.set_seed(0)")
    assert out.stderr == ""


def test_platform_record_names_what_produced_the_numbers():
    record = seed_module.platform_record()
    assert set(record) == {"machine", "cpu_vendor", "cpu_model", "cpu_flags", "mkl_branch",
                           "aten_capability", "torch", "canary", "reference"}
    assert record["torch"] == torch.__version__
    assert record["reference"] == seed_module.on_reference_platform()
    if record["reference"]:
        assert record["mkl_branch"] == "COMPATIBLE" and "avx2" in record["cpu_flags"]


def test_check_reproduced_fails_on_the_reference_platform_and_explains_elsewhere(
        monkeypatch, capsys):
    assert seed_module.check_reproduced("x", 1, 1)
    monkeypatch.setattr(seed_module, "on_reference_platform", lambda: True)
    with pytest.raises(AssertionError, match="x: computed 1, stored 2"):
        seed_module.check_reproduced("x", 1, 2)
    monkeypatch.setattr(seed_module, "on_reference_platform", lambda: False)
    assert not seed_module.check_reproduced("x", 1, 2)
    assert "this machine gives 1, the book stored 2" in capsys.readouterr().out
