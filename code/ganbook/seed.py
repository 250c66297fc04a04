"""One place for determinism: seeds, deterministic algorithms, threads, CPU code path.

Every chapter calls :func:`set_seed` in its first code cell.

Why the code path is pinned
---------------------------
A matrix product on the CPU runs through Intel MKL (BLAS) and ATen's vectorised kernels,
and both pick their code at run time from the processor. Two processors then add the same
numbers in a different order and round differently; after a thousand steps of GAN training
the difference shows in every printed result. MKL's *conditional numerical
reproducibility* (``MKL_CBWR``) fixes its branch, but it honours an instruction-set branch
such as ``AVX2`` only on Intel processors: on any other processor it silently runs its
``AUTO`` branch. ``COMPATIBLE`` is the one branch documented to give the same results on
Intel and AMD processors, so the book pins it, with ATen at ``avx2`` and oneDNN capped at
AVX2. All three are read once, when torch loads, so they must be set before
``import torch``: the Makefile exports them, Binder's ``start`` does, and
``import ganbook`` sets them when torch is not yet imported.

A variable can say ``COMPATIBLE`` and still not be in force (torch imported first, another
library loaded MKL). So :func:`set_seed` checks the arithmetic itself: a small *canary*
(a matrix product for MKL, a sum and an exponential for ATen) whose digest on the pinned
path is :data:`CANARY_DIGEST`. Where it differs, the stored numbers cannot be reproduced
here and :func:`set_seed` says so loudly; :func:`on_reference_platform` lets a chapter's
exact comparisons with stored rows print what differs instead of failing.
"""

from __future__ import annotations

import functools
import hashlib
import os
import platform
import random
import sys
import warnings
from typing import Any

from ganbook.report import say

#: Environment variables that pin the code path on x86-64 (MKL's branch, ATen's vector
#: kernels, oneDNN's instruction set). The Makefile and binder/start export the same values
#: (checked by ``tests/test_seed.py``).
PINNED_ENV = {"MKL_CBWR": "COMPATIBLE", "ATEN_CPU_CAPABILITY": "avx2",
              "ONEDNN_MAX_CPU_ISA": "AVX2"}

#: What ``torch.backends.cpu.get_cpu_capability()`` reports once the pin has taken effect.
PINNED_CAPABILITY = "AVX2"

#: The torch release whose arithmetic produced the stored numbers (requirements.txt).
REFERENCE_TORCH = "2.13.0"

#: The digest of :func:`canary_digest` on the pinned path (MKL ``COMPATIBLE``, ATen
#: ``avx2``, torch :data:`REFERENCE_TORCH`), the same on Intel and AMD processors.
CANARY_DIGEST = "932e01cbba212aaa"

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


def canary_digest() -> str:
    """A digest of a few results that depend on the code path MKL and ATen really run.

    A 64 x 96 by 96 x 80 matrix product (MKL's SGEMM: its branch decides the order of the
    additions), and a sum and an exponential of 4,099 numbers (ATen's vector kernels: their
    width decides the rounding). Runs on one thread, whatever the caller set.
    """
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(THREADS)
    try:
        g = torch.Generator().manual_seed(2026)
        a = torch.randn(64, 96, generator=g)
        b = torch.randn(96, 80, generator=g)
        x = torch.randn(4099, generator=g)
        digest = hashlib.sha256()
        for part in (a @ b, x.sum().reshape(1), torch.exp(x)):
            digest.update(part.numpy().tobytes())
    finally:
        torch.set_num_threads(threads)
    return digest.hexdigest()[:16]


def _cpu_info() -> dict[str, Any]:
    """Vendor, model and the instruction sets that matter, from /proc/cpuinfo (Linux)."""
    info: dict[str, Any] = {"vendor": None, "model": platform.processor() or None}
    flags: set[str] = set()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                key, value = key.strip(), value.strip()
                if key == "vendor_id" and info["vendor"] is None:
                    info["vendor"] = value
                elif key == "model name":
                    info["model"] = value
                elif key == "flags" and not flags:
                    flags = set(value.split())
                if key == "" and info["vendor"]:
                    break
    except OSError:
        pass
    info["flags"] = sorted(flags & {"sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw",
                                    "avx512vl", "avx512_vnni", "amx_tile"})
    return info


@functools.lru_cache(maxsize=1)
def platform_record() -> dict[str, Any]:
    """The platform that computes here: to be stored beside every stored number.

    Keys: ``machine``, ``cpu_vendor``, ``cpu_model``, ``cpu_flags`` (the instruction sets
    that decide code paths), ``mkl_branch`` (``"COMPATIBLE"`` when the canary matches the
    pinned path, else what ``MKL_CBWR`` asks for, marked unverified), ``aten_capability``,
    ``torch``, ``canary`` (:func:`canary_digest`) and ``reference`` (whether this is the
    reference platform, :func:`on_reference_platform`).
    """
    import torch

    cpu = _cpu_info()
    canary = canary_digest()
    reference = _is_x86() and torch.__version__.split("+")[0] == REFERENCE_TORCH and (
        canary == CANARY_DIGEST)
    requested = os.environ.get("MKL_CBWR")
    return {
        "machine": platform.machine(),
        "cpu_vendor": cpu["vendor"],
        "cpu_model": cpu["model"],
        "cpu_flags": cpu["flags"],
        "mkl_branch": "COMPATIBLE" if reference else f"{requested or 'AUTO'} (unverified)",
        "aten_capability": torch.backends.cpu.get_cpu_capability(),
        "torch": torch.__version__,
        "canary": canary,
        "reference": reference,
    }


def on_reference_platform() -> bool:
    """Whether this process computes exactly as the book's stored numbers were computed.

    True on an x86-64 processor, Intel or AMD, running torch :data:`REFERENCE_TORCH` on the
    pinned code path, as verified by the canary. Elsewhere (an ARM laptop, another torch
    release, torch imported before ganbook) trainings give other numbers, equally valid:
    a chapter then prints what differs instead of asserting equality.
    """
    return bool(platform_record()["reference"])


def off_reference_reason() -> str | None:
    """Why stored numbers cannot be reproduced here *by design*, or ``None``.

    Another processor architecture or another torch release computes differently, and
    that is no defect: tests that compare with stored numbers skip there, with this reason.
    On x86-64 with the reference torch it is ``None`` even when the canary fails, since a
    pin that does not take effect there is a defect that must fail, not skip.
    """
    import torch

    if not _is_x86():
        return f"the processor is {platform.machine()}, not x86-64"
    version = torch.__version__.split("+")[0]
    if version != REFERENCE_TORCH:
        return f"torch {torch.__version__}, not {REFERENCE_TORCH}"
    return None


def check_reproduced(what: str, live: Any, stored: Any) -> bool:
    """Compare a value computed here with the stored value it must reproduce exactly.

    On the reference platform (:func:`on_reference_platform`) a difference is a defect:
    an :class:`AssertionError` names ``what`` and both values. Elsewhere a difference is
    expected; it is printed, with the reason, and ``False`` is returned.

    Returns:
        Whether ``live == stored``.
    """
    if live == stored:
        return True
    if on_reference_platform():
        raise AssertionError(f"{what}: computed {live!r}, stored {stored!r}, on the "
                             "reference platform, where they must be equal")
    reasons = "; ".join(cpu_code_path_problems()) or "not the reference platform"
    say(f"{what}: this machine gives {live!r}, the book stored {stored!r}. They differ "
        f"because {reasons}: the book's numbers come from another arithmetic path, and "
        "a trained GAN amplifies its last bits. The claims the chapter asserts still "
        "hold for the stored numbers it loads.")
    return False


def cpu_code_path_problems() -> list[str]:
    """Why this process may not reproduce the stored outputs (empty when all is pinned)."""
    import torch

    problems = []
    if not _is_x86():
        problems.append(f"the processor is {platform.machine()}, not x86-64")
    else:
        problems += [
            f"{name}={os.environ.get(name)!r} (expected {value!r})"
            for name, value in PINNED_ENV.items()
            if os.environ.get(name) != value
        ]
        capability = torch.backends.cpu.get_cpu_capability()
        if capability != PINNED_CAPABILITY:
            problems.append(f"ATen CPU capability {capability!r} "
                            f"(expected {PINNED_CAPABILITY!r})")
    version = torch.__version__.split("+")[0]
    if version != REFERENCE_TORCH:
        problems.append(f"torch {torch.__version__} (the book's numbers: {REFERENCE_TORCH})")
    if not problems and canary_digest() != CANARY_DIGEST:
        problems.append("the arithmetic canary differs from the pinned path's although the "
                        "variables are set (MKL is not running its COMPATIBLE branch)")
    return problems


def set_seed(seed: int = 0) -> None:
    """Seed Python, NumPy and torch, and make torch deterministic.

    Also fixes torch's thread count (:data:`THREADS`) and checks the CPU code path by its
    arithmetic (:func:`canary_digest`): if it is not the pinned one (torch was imported
    before ``ganbook``, the environment overrides the pin, another processor architecture
    or torch release), a :class:`UserWarning` says so, because the numbers then differ
    from the book's stored outputs.

    Args:
        seed: a non-negative integer (a numpy integer is accepted).
    """
    import numpy as np
    import torch

    from ganbook.validate import integer

    seed = integer("seed", seed, minimum=0, maximum=2**32 - 1)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(THREADS)
    problems = cpu_code_path_problems()
    if problems:
        warnings.warn(
            "NOT THE BOOK'S CODE PATH: trained models and their printed numbers will differ "
            "from the book's stored outputs (" + "; ".join(problems) + "). On x86-64, "
            "import ganbook before torch, or run through the Makefile; elsewhere the "
            "chapters say what differs instead of failing.",
            UserWarning,
            stacklevel=2,
        )
