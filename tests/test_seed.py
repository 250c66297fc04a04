"""ganbook.seed: seeding, thread count, and the pinned CPU code path."""

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


def test_same_seed_same_draws():
    set_seed(3)
    a = (torch.randn(5), np.random.rand(5))
    set_seed(3)
    b = (torch.randn(5), np.random.rand(5))
    torch.testing.assert_close(a[0], b[0], rtol=0, atol=0)
    np.testing.assert_array_equal(a[1], b[1])
    assert torch.get_num_threads() == seed_module.THREADS
    assert torch.are_deterministic_algorithms_enabled()


@pytest.mark.parametrize("bad", [-1, 1.5, "0", True])
def test_bad_seed(bad):
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        set_seed(bad)


def test_makefile_exports_the_pinned_values():
    makefile = (ROOT / "Makefile").read_text()
    for name, value in PINNED_ENV.items():
        assert re.search(rf"^export {name} := {value}$", makefile, re.M), name


def run_python(code: str, **env_changes: str | None) -> subprocess.CompletedProcess:
    import os

    env = dict(os.environ)
    for k, v in env_changes.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )


def test_import_ganbook_pins_the_code_path_when_the_environment_does_not():
    code = "import ganbook, torch; print(torch.backends.cpu.get_cpu_capability())"
    out = run_python(code, MKL_CBWR=None, ATEN_CPU_CAPABILITY=None)
    assert out.stdout.strip() == seed_module.PINNED_CAPABILITY


def test_set_seed_warns_when_torch_came_first_without_the_pin():
    code = "import torch, ganbook.seed; ganbook.seed.set_seed(0)"
    out = run_python(code, MKL_CBWR=None, ATEN_CPU_CAPABILITY=None)
    assert "the CPU code path is not the pinned one" in out.stderr
    assert "MKL_CBWR=None" in out.stderr


def test_set_seed_is_quiet_when_pinned():
    out = run_python("import ganbook.seed; ganbook.seed.set_seed(0)")
    assert out.stderr == ""
