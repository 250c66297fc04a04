r"""Information measures of discrete distributions: chapters 01 and 02 (Part I).

Conventions, shared by every function here:

* Inputs are probabilities: a ``torch.Tensor`` or anything ``torch.as_tensor`` accepts
  (lists, NumPy arrays). Floating tensors keep their dtype and device; everything else is
  converted to ``float64``.
* A distribution runs along ``dim`` (the last one by default); the other dimensions are a
  batch, and the result has ``dim`` removed.
* Logarithms are natural (nats) unless ``base`` is given (``base=2`` for bits).
* :math:`0 \log 0 = 0`, the limit of :math:`p \log p` as :math:`p \to 0^+`.
* Bad input raises :class:`ValueError` naming the argument: an empty tensor, NaN, entries
  below 0 or above 1, a distribution whose sum is not 1 (within ``1e-6``), ``dim`` out of
  range, a ``base`` that is not a positive number other than 1.
"""

from __future__ import annotations

import math
from typing import Any

import torch

#: Largest allowed distance of a distribution's sum from 1 (for float32 and long vectors the
#: tolerance grows with the rounding error of the sum).
SUM_TOLERANCE = 1e-6


def _as_float_tensor(x: Any, name: str) -> torch.Tensor:
    if isinstance(x, torch.Tensor):
        t = x
    else:
        try:
            t = torch.as_tensor(x, dtype=torch.float64)
        except (TypeError, ValueError, RuntimeError) as err:
            raise ValueError(f"{name} must be a tensor or an array of numbers: {err}") from None
    if not t.is_floating_point():
        t = t.to(torch.float64)
    if t.numel() == 0:
        raise ValueError(f"{name} is empty")
    return t


def _check_probabilities(x: Any, name: str) -> torch.Tensor:
    """``x`` as a float tensor whose entries all lie in [0, 1]."""
    t = _as_float_tensor(x, name)
    with torch.no_grad():
        if torch.isnan(t).any():
            raise ValueError(f"{name} contains NaN")
        if (t < 0).any():
            raise ValueError(f"{name} has a negative entry (min {t.min().item():.3g})")
        if (t > 1).any():
            raise ValueError(f"{name} has an entry above 1 (max {t.max().item():.3g})")
    return t


def _check_distribution(x: Any, name: str, dim: int) -> torch.Tensor:
    """``x`` as a float tensor of distributions along ``dim`` (entries in [0, 1], sum 1)."""
    t = _check_probabilities(x, name)
    if isinstance(dim, bool) or not isinstance(dim, int):
        raise ValueError(f"dim must be an int, got {dim!r}")
    if not -t.dim() <= dim < max(t.dim(), 1):
        raise ValueError(f"dim={dim} is out of range for {name} with {t.dim()} dimension(s)")
    with torch.no_grad():
        sums = t.sum(dim=dim)
        n = t.shape[dim] if t.dim() else 1
        tol = max(SUM_TOLERANCE, 4 * n * torch.finfo(t.dtype).eps)
        worst = (sums - 1).abs().max().item()
        if worst > tol:
            raise ValueError(
                f"{name} does not sum to 1 along dim={dim} (off by {worst:.3g}, "
                f"tolerance {tol:.1g})"
            )
    return t


def _log_base_factor(base: float | None) -> float:
    """1 / ln(base): multiply a quantity in nats by it to express it in ``base``."""
    if base is None:
        return 1.0
    if isinstance(base, bool) or not isinstance(base, (int, float)):
        raise ValueError(f"base must be a number or None, got {base!r}")
    if not math.isfinite(base) or base <= 0 or base == 1:
        raise ValueError(f"base must be a positive number other than 1, got {base!r}")
    return 1.0 / math.log(base)


def self_information(p: Any, base: float | None = None) -> torch.Tensor:
    r"""Self-information :math:`I(p) = -\log p` of events of probability ``p``, elementwise.

    Chapter 01 derives it from three requirements: decreasing in :math:`p`, zero for a sure
    event, additive for independent events. :math:`I(0) = +\infty`.

    Args:
        p: probabilities in [0, 1], any shape.
        base: base of the logarithm; ``None`` for nats, ``2`` for bits.

    Returns:
        A tensor of the shape of ``p``.
    """
    t = _check_probabilities(p, "p")
    return -torch.log(t) * _log_base_factor(base) + 0.0  # + 0.0: no negative zero


def entropy(p: Any, dim: int = -1, base: float | None = None) -> torch.Tensor:
    r"""Shannon entropy :math:`H(p) = -\sum_i p_i \log p_i`, with :math:`0 \log 0 = 0`.

    The expected self-information of a draw from :math:`p` (chapter 02; Shannon 1948).

    Args:
        p: distributions along ``dim``.
        dim: the dimension that holds each distribution.
        base: base of the logarithm; ``None`` for nats, ``2`` for bits.

    Returns:
        A tensor of the shape of ``p`` without ``dim``.
    """
    t = _check_distribution(p, "p", dim)
    return -torch.special.xlogy(t, t).sum(dim=dim) * _log_base_factor(base) + 0.0


def binary_entropy(p: Any, base: float | None = None) -> torch.Tensor:
    r"""Entropy of a Bernoulli(:math:`p`) variable, elementwise.

    :math:`h(p) = -p \log p - (1 - p) \log(1 - p)`, maximal at :math:`p = 1/2`, where it is
    :math:`\log 2` (one bit). Chapter 02.

    Args:
        p: probabilities of the event "1", in [0, 1], any shape.
        base: base of the logarithm; ``None`` for nats, ``2`` for bits.

    Returns:
        A tensor of the shape of ``p``.
    """
    t = _check_probabilities(p, "p")
    q = 1 - t
    h = -(torch.special.xlogy(t, t) + torch.special.xlogy(q, q))
    return h * _log_base_factor(base) + 0.0
