r"""Information measures of discrete distributions: Part I (chapters 01 to 04).

Conventions, shared by every function here:

* Inputs are probabilities: a ``torch.Tensor`` or anything ``torch.as_tensor`` accepts
  (lists, NumPy arrays). Floating tensors keep their dtype and device; everything else is
  converted to ``float64``.
* A distribution runs along ``dim`` (the last one by default); the other dimensions are a
  batch, and the result has ``dim`` removed.
* Logarithms are natural (nats) unless ``base`` is given (``base=2`` for bits).
* :math:`0 \log 0 = 0`, the limit of :math:`p \log p` as :math:`p \to 0^+`.
* Functions of two distributions take ``p`` and ``q`` of the same shape.
* Bad input raises :class:`ValueError` naming the argument: an empty tensor, NaN, entries
  below 0 or above 1, a distribution whose sum is not 1 (within ``1e-6``), ``dim`` out of
  range, a ``base`` that is not a finite positive number other than 1, ``p`` and ``q`` of
  different shapes, logits that are not finite; a ``dim`` that is not an int or a ``base``
  that is not a number raises :class:`TypeError` (NumPy integers and floats are accepted).
"""

from __future__ import annotations

import math
from typing import Any

import torch

from ganbook.validate import finite_tensor, integer, real

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
    dim = integer("dim", dim)
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
    base = real("base", base, positive=True)
    if base == 1:
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


def _check_pair(p: Any, q: Any, dim: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``p`` and ``q`` as distributions along ``dim``, of one shape, dtype and device."""
    tp, tq = _check_distribution(p, "p", dim), _check_distribution(q, "q", dim)
    if tp.shape != tq.shape:
        raise ValueError(
            f"p and q must have the same shape, got {tuple(tp.shape)} and {tuple(tq.shape)}"
        )
    if tp.device != tq.device:
        raise ValueError(f"p and q are on different devices ({tp.device} and {tq.device})")
    dtype = torch.promote_types(tp.dtype, tq.dtype)
    return tp.to(dtype), tq.to(dtype)


def kl_divergence(p: Any, q: Any, dim: int = -1, base: float | None = None) -> torch.Tensor:
    r"""Kullback-Leibler divergence :math:`D_{KL}(p \| q) = \sum_i p_i \log (p_i / q_i)`.

    The extra information, on average, of describing draws from :math:`p` with the model
    :math:`q` (chapter 03). Terms with :math:`p_i = 0` are 0; a term with :math:`p_i > 0`
    and :math:`q_i = 0` is :math:`+\infty`, and so is the divergence: :math:`q` says
    impossible what :math:`p` does. Not symmetric in :math:`p` and :math:`q`.

    Args:
        p: the reference distributions, along ``dim``.
        q: the model distributions, same shape as ``p``.
        dim: the dimension that holds each distribution.
        base: base of the logarithm; ``None`` for nats, ``2`` for bits.

    Returns:
        A tensor of the shape of ``p`` without ``dim``, each entry in :math:`[0, \infty]`.
    """
    tp, tq = _check_pair(p, q, dim)
    terms = torch.special.xlogy(tp, tp) - torch.special.xlogy(tp, tq)
    return terms.sum(dim=dim) * _log_base_factor(base) + 0.0


def js_divergence(p: Any, q: Any, dim: int = -1, base: float | None = None) -> torch.Tensor:
    r"""Jensen-Shannon divergence :math:`\tfrac12 D_{KL}(p \| M) + \tfrac12 D_{KL}(q \| M)`.

    With the mixture :math:`M = (p + q)/2`. Symmetric, always finite, between 0 (for
    :math:`p = q`) and :math:`\log 2` (for disjoint supports); its square root is a metric
    (Endres and Schindelin 2003). It is the divergence that the original GAN minimises
    (chapters 03 and 07). Note that ``scipy.spatial.distance.jensenshannon`` returns the
    square root of this quantity.

    Args:
        p, q: distributions along ``dim``, of the same shape.
        dim: the dimension that holds each distribution.
        base: base of the logarithm; ``None`` for nats, ``2`` for bits.

    Returns:
        A tensor of the shape of ``p`` without ``dim``, each entry in :math:`[0, \log 2]`.
    """
    tp, tq = _check_pair(p, q, dim)
    m = (tp + tq) / 2
    xlogx = torch.special.xlogy
    terms = xlogx(tp, tp) + xlogx(tq, tq) - 2 * xlogx(m, m)  # p log(p/m) + q log(q/m)
    # clamp: rounding can leave -1e-17 where p = q
    return (terms.sum(dim=dim) / 2).clamp_min(0.0) * _log_base_factor(base) + 0.0


def cross_entropy(p: Any, q: Any, dim: int = -1, base: float | None = None) -> torch.Tensor:
    r"""Cross-entropy :math:`H(p, q) = -\sum_i p_i \log q_i = H(p) + D_{KL}(p \| q)`.

    The average information of draws from :math:`p` measured with the model :math:`q`
    (chapter 04). With a one-hot ``p`` it is the classification loss
    :math:`-\log q_{\text{label}}`; :math:`+\infty` where :math:`q_i = 0 < p_i`.

    Args:
        p: the target distributions (for example one-hot labels), along ``dim``.
        q: the predicted distributions, same shape as ``p``.
        dim: the dimension that holds each distribution.
        base: base of the logarithm; ``None`` for nats, ``2`` for bits.

    Returns:
        A tensor of the shape of ``p`` without ``dim``.
    """
    tp, tq = _check_pair(p, q, dim)
    return -torch.special.xlogy(tp, tq).sum(dim=dim) * _log_base_factor(base) + 0.0


def binary_cross_entropy(
    target: Any,
    prob: Any = None,
    *,
    logits: Any = None,
    base: float | None = None,
) -> torch.Tensor:
    r"""Binary cross-entropy :math:`-\,[\,y \log q + (1 - y) \log (1 - q)\,]`, elementwise.

    The cross-entropy between Bernoulli(:math:`y`) and Bernoulli(:math:`q`), the loss of a
    binary classifier such as a GAN's discriminator (chapters 04 and 06). Give the predicted
    probability either as ``prob`` (:math:`q`) or as ``logits`` (:math:`a`, with
    :math:`q = \sigma(a)`). The logit form is computed as
    :math:`\operatorname{softplus}(a) - y\,a`, which never overflows (torch's softplus is linear for
    :math:`a > 20`, an error below :math:`e^{-20}`);
    the probability form returns :math:`+\infty` when :math:`q` is 0 or 1 on the wrong side,
    as the mathematics says. Prefer logits: a network's sigmoid output rounds to exactly 1
    in float32 from about :math:`a = 16.6` on.

    Args:
        target: :math:`y`, probabilities in [0, 1] (labels 0 and 1, or soft labels).
        prob: :math:`q`, predicted probabilities in [0, 1], same shape as ``target``.
        logits: :math:`a`, predicted logits (any finite real numbers), same shape as
            ``target``.
        base: base of the logarithm; ``None`` for nats, ``2`` for bits.

    Returns:
        A tensor of the shape of ``target``: one loss per entry, not averaged.
    """
    y = _check_probabilities(target, "target")
    if (prob is None) == (logits is None):
        raise ValueError("give exactly one of prob and logits")
    if prob is not None:
        q = _check_probabilities(prob, "prob")
        name = "prob"
    else:
        q = finite_tensor("logits", _as_float_tensor(logits, "logits"))
        name = "logits"
    if q.shape != y.shape:
        raise ValueError(
            f"target and {name} must have the same shape, "
            f"got {tuple(y.shape)} and {tuple(q.shape)}"
        )
    dtype = torch.promote_types(y.dtype, q.dtype)
    y, q = y.to(dtype), q.to(dtype)
    if prob is not None:
        loss = -(torch.special.xlogy(y, q) + torch.special.xlogy(1 - y, 1 - q))
    else:
        loss = torch.nn.functional.softplus(q) - y * q
    return loss * _log_base_factor(base) + 0.0
