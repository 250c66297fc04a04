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
from dataclasses import dataclass, field

import torch


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
        centers = torch.as_tensor(self.centers, dtype=torch.float64)
        if centers.dim() != 2 or centers.numel() == 0:
            raise ValueError(f"centers must have shape (k, d), got {tuple(centers.shape)}")
        k = centers.shape[0]
        stds = torch.as_tensor(self.std, dtype=torch.float64).expand(k)
        if not (stds > 0).all():
            raise ValueError(f"std must be positive, got {self.std!r}")
        weights = (torch.full((k,), 1 / k, dtype=torch.float64) if self.weights is None
                   else torch.as_tensor(self.weights, dtype=torch.float64))
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
        """``n`` draws, shape (n, d): a component by its weight, then Gaussian noise."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be a positive int, got {n!r}")
        component = torch.multinomial(self.weights, n, replacement=True, generator=generator)
        noise = torch.randn(n, self.dim, generator=generator, dtype=torch.float64)
        x = self.centers[component] + self.stds[component, None] * noise
        return x.to(dtype)

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        """The exact log-density at ``x`` (shape (..., d)), shape (...)."""
        x = torch.as_tensor(x)
        if x.shape[-1] != self.dim:
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
    """``n_modes`` Gaussians equally spaced on a circle."""
    angles = 2 * math.pi * torch.arange(n_modes, dtype=torch.float64) / n_modes
    return GaussianMixture(radius * torch.stack([angles.cos(), angles.sin()], 1), std)


def grid(side: int = 5, spacing: float = 2.0, std: float = 0.05) -> GaussianMixture:
    """``side**2`` Gaussians on a square grid centred on the origin."""
    axis = spacing * (torch.arange(side, dtype=torch.float64) - (side - 1) / 2)
    return GaussianMixture(torch.cartesian_prod(axis, axis), std)


def mixture_1d(means, stds, weights=None) -> GaussianMixture:
    """A mixture of 1-D Gaussians (chapters 03, 05 and 07)."""
    centers = torch.as_tensor(means, dtype=torch.float64)[:, None]
    return GaussianMixture(centers, torch.as_tensor(stds, dtype=torch.float64), weights)


#: The ring of 8 of PacGAN and VEEGAN.
RING8 = ring()
#: The grid of 25 of PacGAN and VEEGAN.
GRID25 = grid()
