"""One place for determinism: seeds, deterministic algorithms, threads, CPU code path.

Every chapter calls :func:`set_seed` in its first code cell.

Why the code path is pinned
---------------------------
A matrix product on the CPU runs through Intel MKL (BLAS) and ATen's vectorised kernels,
and both pick their code at run time from the processor's instruction set. Two processors
of the same kind but different generations (one with AVX-512, one without) then add the
same numbers in a different order and round differently; after a thousand steps of GAN
training the difference shows in the printed results. MKL's *conditional numerical
reproducibility* (environment variable ``MKL_CBWR``) and ATen's ``ATEN_CPU_CAPABILITY``
fix the code path. Both are read once, when torch first loads, so they must be set before
``import torch``: the Makefile exports them, and ``import ganbook`` sets them when torch is
not yet imported. :func:`set_seed` checks that they took effect and warns otherwise, so
that a chapter executed without them says so instead of silently differing.
"""

from __future__ import annotations

import os
import platform
import random
import sys
import warnings

#: Environment variables that pin the code path. AVX2 exists on every x86-64 server processor
#: of the last decade and is about 2.5 times faster than the SSE2 path (``COMPATIBLE`` and
#: ``default``) on this book's networks. The Makefile exports the same values (checked by
#: ``tests/test_seed.py``).
PINNED_ENV = {"MKL_CBWR": "AVX2", "ATEN_CPU_CAPABILITY": "avx2"}

#: What ``torch.backends.cpu.get_cpu_capability()`` reports once the pin has taken effect.
PINNED_CAPABILITY = "AVX2"

#: Threads for intra-op parallelism. The number of threads changes how a sum is split and
#: therefore its rounding, so it is fixed; one thread also lets two chapters run side by side.
THREADS = 1


def _is_x86() -> bool:
    return platform.machine().lower() in {"x86_64", "amd64"}


def pin_cpu_code_path() -> None:
    """Set the pinned code path in the environment if torch is not imported yet.

    Values already set by the caller (the Makefile, a reader's shell) are kept. On a
    processor that is not x86-64 there is nothing to pin.
    """
    if not _is_x86() or "torch" in sys.modules:
        return
    for name, value in PINNED_ENV.items():
        os.environ.setdefault(name, value)
    # Deterministic cuBLAS on a GPU (harmless on a CPU).
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")


def cpu_code_path_problems() -> list[str]:
    """Why this process may not reproduce the stored outputs (empty when all is pinned)."""
    import torch

    if not _is_x86():
        return []
    problems = [
        f"{name}={os.environ.get(name)!r} (expected {value!r})"
        for name, value in PINNED_ENV.items()
        if os.environ.get(name) != value
    ]
    capability = torch.backends.cpu.get_cpu_capability()
    if capability != PINNED_CAPABILITY:
        problems.append(f"ATen CPU capability {capability!r} (expected {PINNED_CAPABILITY!r})")
    return problems


def set_seed(seed: int = 0) -> None:
    """Seed Python, NumPy and torch, and make torch deterministic.

    Also fixes torch's thread count (:data:`THREADS`) and checks the CPU code path: if it is
    not the pinned one (torch was imported before ``ganbook``, or the environment overrides
    the pin), a :class:`UserWarning` says so, because the numbers may then differ from the
    book's stored outputs.

    Args:
        seed: a non-negative integer.
    """
    import numpy as np
    import torch

    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(THREADS)
    problems = cpu_code_path_problems()
    if problems:
        warnings.warn(
            "the CPU code path is not the pinned one, so numbers may differ from the book's "
            "stored outputs: " + "; ".join(problems) + ". Import ganbook before torch, or "
            "run through the Makefile.",
            UserWarning,
            stacklevel=2,
        )
