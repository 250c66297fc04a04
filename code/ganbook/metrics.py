r"""Scores of generated samples: modes and quality on the toy data, classifier scores, Parzen.

Chapter 08 defines each and explains what it misses:

* :func:`mode_stats`: the protocol of PacGAN (Lin et al. 2018): a sample is of high quality
  when it lies within ``threshold`` standard deviations of its nearest mode; a mode is
  captured when it is the nearest mode of at least one high-quality sample; the reverse KL
  is :math:`D_{KL}(\hat p \,\|\, u)` between the histogram :math:`\hat p` of high-quality
  samples over the modes and the uniform distribution :math:`u`.
* :func:`classifier_score`: the Inception score of Salimans et al. (2016), with any
  classifier's probabilities: :math:`\exp \mathbb{E}_x D_{KL}(p(y \mid x) \| p(y))`.
* :func:`frechet_distance`: the Frechet distance of Heusel et al. (2017) between Gaussians
  fitted to two sets of features.
* :func:`parzen_log_likelihood`: the Gaussian kernel density estimate of Goodfellow et al.
  (2014), whose flaws Theis et al. (2016) describe, and :func:`parzen_protocol`, their
  way of choosing its bandwidth on validation data and scoring test data.
* :func:`nearest_distances`: how far each sample lies from its nearest training example
  (a memorising generator's samples lie at distance 0).
"""

from __future__ import annotations

import math
from typing import Any

import torch

from ganbook.info import _check_distribution, kl_divergence
from ganbook.validate import finite_tensor, integer, real


def _as_points(x, name: str, dim: int | None = None) -> torch.Tensor:
    """``x`` as a float64 tensor of finite numbers, of shape (n, d) with n, d >= 1."""
    t = finite_tensor(name, x, dtype=torch.float64, nonempty=False)
    if t.dim() != 2 or t.numel() == 0:
        raise ValueError(f"{name} must have shape (n, d) with n, d >= 1, got {tuple(t.shape)}")
    if dim is not None and t.shape[1] != dim:
        raise ValueError(f"{name} must have {dim} columns, got {t.shape[1]}")
    return t


def mode_stats(samples, centers, std: float, threshold: float = 3.0) -> dict[str, float]:
    """Modes captured, share of high-quality samples and reverse KL (PacGAN's protocol).

    Args:
        samples: generated points, (n, d), finite.
        centers: the modes' means, (k, d), finite.
        std: the modes' standard deviation, positive.
        threshold: a sample is of high quality when its distance to the nearest mean is at
            most ``threshold * std``; positive.

    Returns:
        ``{"modes": int, "high_quality": float in [0, 1], "reverse_kl": float}``. The
        reverse KL is ``nan`` when no sample is of high quality (there is no histogram).
    """
    c = _as_points(centers, "centers")
    x = _as_points(samples, "samples", c.shape[1])
    std = real("std", std, positive=True)
    threshold = real("threshold", threshold, positive=True)
    distance, nearest = torch.cdist(x, c).min(dim=1)
    good = distance <= threshold * std
    counts = torch.bincount(nearest[good], minlength=len(c)).to(torch.float64)
    n_good = int(good.sum())
    reverse_kl = (
        kl_divergence(counts / n_good, torch.full_like(counts, 1 / len(c))).item()
        if n_good else math.nan
    )
    return {
        "modes": int((counts > 0).sum()),
        "high_quality": n_good / len(x),
        "reverse_kl": reverse_kl,
    }


def classifier_score(probs) -> float:
    r"""The Inception-style score :math:`\exp \mathbb{E}_x D_{KL}(p(y|x) \,\|\, p(y))`.

    Args:
        probs: a classifier's class probabilities for each generated sample, (n, classes):
            every row in [0, 1] and summing to 1.

    Returns:
        A number between 1 (every sample gets the same class distribution) and the number
        of classes (confident, and every class equally often).
    """
    p = _check_distribution(_as_points(probs, "probs"), "probs", -1)
    marginal = p.mean(dim=0, keepdim=True).expand_as(p)
    return math.exp(kl_divergence(p, marginal).mean().item())


def _sqrtm_psd(a: torch.Tensor) -> torch.Tensor:
    values, vectors = torch.linalg.eigh(a)
    return vectors @ torch.diag(values.clamp_min(0).sqrt()) @ vectors.T


def frechet_distance(features_a, features_b) -> float:
    r"""Frechet distance between Gaussians fitted to two sets of features.

    :math:`\|\mu_a - \mu_b\|^2 + \operatorname{Tr}\big(\Sigma_a + \Sigma_b
    - 2 (\Sigma_a^{1/2} \Sigma_b \Sigma_a^{1/2})^{1/2}\big)` (Heusel et al. 2017, with
    chapter 04's classifier in place of Inception). Computed in float64 with symmetric
    eigendecompositions.

    Args:
        features_a, features_b: (n_a, f) and (n_b, f), finite, at least two rows each.
    """
    a = _as_points(features_a, "features_a")
    b = _as_points(features_b, "features_b", a.shape[1])
    for name, t in (("features_a", a), ("features_b", b)):
        if len(t) < 2:
            raise ValueError(f"{name} needs at least two rows (a covariance), got {len(t)}")
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = torch.cov(a.T).reshape(a.shape[1], -1), torch.cov(b.T).reshape(b.shape[1], -1)
    root_a = _sqrtm_psd(cov_a)
    cross = torch.linalg.eigvalsh(root_a @ cov_b @ root_a).clamp_min(0).sqrt().sum()
    value = ((mu_a - mu_b) ** 2).sum() + cov_a.trace() + cov_b.trace() - 2 * cross
    return max(value.item(), 0.0)


def parzen_log_likelihood(samples, points, bandwidth: float, chunk: int = 1024) -> torch.Tensor:
    r"""Log-density of ``points`` under a Gaussian kernel density estimate on ``samples``.

    :math:`\log \frac1n \sum_i \mathcal{N}(x; s_i, \sigma^2 I)` for every point :math:`x`
    (Goodfellow et al. 2014 fit :math:`\sigma` on a validation split).

    Args:
        samples: the kernel centres (generated samples), (n, d), finite.
        points: where to evaluate (held-out data), (m, d), finite.
        bandwidth: the kernel's standard deviation :math:`\sigma > 0`, finite.
        chunk: points evaluated at once (memory), a positive int.

    Returns:
        The log-likelihood of every point, shape (m,), in nats, float64.
    """
    s = _as_points(samples, "samples")
    x = _as_points(points, "points", s.shape[1])
    bandwidth = real("bandwidth", bandwidth, positive=True)
    chunk = integer("chunk", chunk, minimum=1)
    d, n = s.shape[1], s.shape[0]
    norm = math.log(n) + d / 2 * math.log(2 * math.pi * bandwidth**2)
    out = [
        torch.logsumexp(-torch.cdist(part, s) ** 2 / (2 * bandwidth**2), dim=1) - norm
        for part in x.split(chunk)
    ]
    return torch.cat(out)


def parzen_protocol(samples, validation, test, bandwidths) -> dict[str, Any]:
    r"""Goodfellow et al.'s Parzen-window protocol: choose :math:`\sigma`, then score.

    The bandwidth is the one of ``bandwidths`` that maximises the mean log-likelihood of
    ``validation``; the score is the mean log-likelihood of ``test`` at that bandwidth,
    with its standard error.

    Args:
        samples: the kernel centres (generated samples), (n, d), finite.
        validation: real data that choose the bandwidth, (m, d), finite.
        test: held-out real data that are scored, (k, d), at least two rows, finite.
        bandwidths: candidate bandwidths, a 1-D sequence of positive numbers.

    Returns:
        ``{"sigma", "mean", "se", "curve", "interior"}``: the chosen bandwidth, the test
        mean and standard error (nats), the validation curve (one mean per bandwidth) and
        whether the maximum lies inside the grid (not at its first or last value).
    """
    grid = _as_points(torch.as_tensor(bandwidths, dtype=torch.float64).reshape(-1, 1),
                      "bandwidths").reshape(-1)
    if (grid <= 0).any():
        raise ValueError("bandwidths must all be positive")
    test = _as_points(test, "test")
    if len(test) < 2:
        raise ValueError(f"test needs at least two rows (a standard error), got {len(test)}")
    curve = torch.stack([parzen_log_likelihood(samples, validation, s.item()).mean()
                         for s in grid])
    best = int(curve.argmax())
    scores = parzen_log_likelihood(samples, test, grid[best].item())
    return {"sigma": grid[best].item(), "mean": scores.mean().item(),
            "se": scores.std().item() / math.sqrt(len(scores)), "curve": curve,
            "interior": 0 < best < len(grid) - 1}


def nearest_distances(points, reference, chunk: int = 1024) -> torch.Tensor:
    """The Euclidean distance from every row of ``points`` to its nearest row of
    ``reference`` (both (n, d) and (m, d), finite); shape (n,), float64."""
    x = _as_points(points, "points")
    r = _as_points(reference, "reference", x.shape[1])
    chunk = integer("chunk", chunk, minimum=1)
    return torch.cat([torch.cdist(part, r).min(dim=1).values for part in x.split(chunk)])
