"""Toy distributions with exact densities: the 1-D mixtures, the ring of 8, the grid of 25.

The ring and the grid follow the protocol of PacGAN (Lin et al. 2018, after VEEGAN,
Srivastava et al. 2017), so that chapter 08's mode counts sit beside their tables:

* :data:`RING8`: 8 Gaussians with means :math:`(\\cos 2\\pi i/8, \\sin 2\\pi i/8)` and
  standard deviation 0.01;
* :data:`GRID25`: 25 Gaussians with means :math:`\\{-4, -2, 0, 2, 4\\}^2` and standard
  deviation 0.05.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any

import torch

from ganbook.validate import finite_tensor, integer, real


def _float64(name: str, value: Any, nonempty: bool = True) -> torch.Tensor:
    """``value`` as a float64 tensor of finite numbers.

    Converted straight to float64, as ``torch.as_tensor(value, dtype=torch.float64)`` does:
    a list of floats is not rounded to float32 on the way.
    """
    try:
        value = torch.as_tensor(value, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        pass  # finite_tensor raises the error that names the argument
    return finite_tensor(name, value, dtype=torch.float64, nonempty=nonempty)


@dataclass(frozen=True)
class GaussianMixture:
    """An equally weighted (unless ``weights`` is given) mixture of isotropic Gaussians.

    Attributes:
        centers: the means, shape (k, d).
        std: one standard deviation for every component (a float), or one per component
            (a tensor of shape (k,)).
        weights: the mixture weights, shape (k,), summing to 1 (default: uniform).
    """

    centers: torch.Tensor
    std: float | torch.Tensor
    weights: torch.Tensor | None = field(default=None)

    def __post_init__(self) -> None:
        centers = _float64("centers", self.centers, nonempty=False)
        if centers.dim() != 2 or centers.numel() == 0:
            raise ValueError(f"centers must have shape (k, d), got {tuple(centers.shape)}")
        k = centers.shape[0]
        std = self.std
        if isinstance(std, (numbers.Number, str)):  # one number (bool and str are refused)
            std = real("std", std, positive=True)
        stds = _float64("std", std)
        if stds.dim() > 1 or stds.numel() not in (1, k):
            raise ValueError(f"std must be one number or {k} numbers (one per component), "
                             f"got shape {tuple(stds.shape)}")
        stds = stds.expand(k)
        if not (stds > 0).all():
            raise ValueError(f"std must be positive, got {self.std!r}")
        weights = (torch.full((k,), 1 / k, dtype=torch.float64) if self.weights is None
                   else _float64("weights", self.weights))
        if weights.shape != (k,) or (weights < 0).any() or abs(weights.sum() - 1) > 1e-9:
            raise ValueError(f"weights must be {k} non-negative numbers summing to 1")
        object.__setattr__(self, "centers", centers)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "_stds", stds.clone())

    @property
    def dim(self) -> int:
        return self.centers.shape[1]

    @property
    def stds(self) -> torch.Tensor:
        """The standard deviation of every component, shape (k,)."""
        return self._stds

    def sample(self, n: int, generator: torch.Generator | None = None,
               dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """``n`` draws, shape (n, d): a component by its weight, then Gaussian noise.

        Args:
            n: the number of draws, at least 1.
            generator: the source of randomness (a CPU ``torch.Generator``).
            dtype: the floating-point dtype of the result.
        """
        n = integer("n", n, minimum=1)
        if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
            raise TypeError(f"dtype must be a floating-point torch.dtype, got {dtype!r}")
        component = torch.multinomial(self.weights, n, replacement=True, generator=generator)
        noise = torch.randn(n, self.dim, generator=generator, dtype=torch.float64)
        x = self.centers[component] + self.stds[component, None] * noise
        return x.to(dtype)

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        """The exact log-density at ``x`` (shape (..., d)), shape (...).

        ``x`` must be finite; an integer tensor is converted to the default floating-point
        dtype (the result has the dtype of the floating-point ``x``).
        """
        x = finite_tensor("x", x, nonempty=False)
        if x.dim() == 0 or x.shape[-1] != self.dim:
            raise ValueError(f"x must end in dimension {self.dim}, got {tuple(x.shape)}")
        xd = x.to(torch.float64)[..., None, :]  # (..., 1, d)
        sq = ((xd - self.centers) ** 2).sum(-1)  # (..., k)
        var = self.stds**2
        log_components = -sq / (2 * var) - self.dim / 2 * torch.log(2 * math.pi * var)
        return torch.logsumexp(torch.log(self.weights) + log_components, dim=-1).to(x.dtype)

    def density(self, x: torch.Tensor) -> torch.Tensor:
        """The exact density at ``x``."""
        return self.log_prob(x).exp()


def ring(n_modes: int = 8, radius: float = 1.0, std: float = 0.01) -> GaussianMixture:
    """``n_modes`` Gaussians equally spaced on a circle.

    Args:
        n_modes: the number of Gaussians, at least 1.
        radius: the radius of the circle, positive.
        std: the standard deviation of every Gaussian, positive.
    """
    n_modes = integer("n_modes", n_modes, minimum=1)
    radius = real("radius", radius, positive=True)
    std = real("std", std, positive=True)
    angles = 2 * math.pi * torch.arange(n_modes, dtype=torch.float64) / n_modes
    return GaussianMixture(radius * torch.stack([angles.cos(), angles.sin()], 1), std)


def grid(side: int = 5, spacing: float = 2.0, std: float = 0.05) -> GaussianMixture:
    """``side**2`` Gaussians on a square grid centred on the origin.

    Args:
        side: the number of Gaussians along each axis, at least 1.
        spacing: the distance between neighbouring means, positive.
        std: the standard deviation of every Gaussian, positive.
    """
    side = integer("side", side, minimum=1)
    spacing = real("spacing", spacing, positive=True)
    std = real("std", std, positive=True)
    axis = spacing * (torch.arange(side, dtype=torch.float64) - (side - 1) / 2)
    return GaussianMixture(torch.cartesian_prod(axis, axis), std)


def mixture_1d(means, stds, weights=None) -> GaussianMixture:
    """A mixture of 1-D Gaussians (chapters 03, 05 and 07).

    Args:
        means: the means, k finite numbers.
        stds: the standard deviations, one positive number or k of them.
        weights: the mixture weights, k non-negative numbers summing to 1 (default: uniform).
    """
    means = _float64("means", means)
    if means.dim() != 1:
        raise ValueError(f"means must be a sequence of numbers, got shape {tuple(means.shape)}")
    stds = _float64("stds", stds)
    if stds.dim() > 1 or stds.numel() not in (1, len(means)):
        raise ValueError(f"stds must be one number or {len(means)} numbers, "
                         f"got shape {tuple(stds.shape)}")
    if not (stds > 0).all():
        raise ValueError(f"stds must be positive, got {stds.tolist()}")
    return GaussianMixture(means[:, None], stds, weights)


#: The ring of 8 of PacGAN and VEEGAN.
RING8 = ring()
#: The grid of 25 of PacGAN and VEEGAN.
GRID25 = grid()
