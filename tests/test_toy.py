"""ganbook.toy: the ring, the grid and the 1-D mixtures, against scipy's densities."""

import math

import numpy as np
import pytest
import scipy.stats
import torch

from ganbook.toy import GRID25, RING8, GaussianMixture, mixture_1d


def test_ring_and_grid_follow_pacgan():
    angles = 2 * math.pi * np.arange(8) / 8
    np.testing.assert_allclose(RING8.centers.numpy(), np.stack([np.cos(angles),
                                                                np.sin(angles)], 1))
    assert RING8.std == 0.01 and GRID25.std == 0.05
    assert sorted(set(GRID25.centers[:, 0].tolist())) == [-4, -2, 0, 2, 4]
    assert len(GRID25.centers) == 25


def test_samples_are_reproducible_and_near_their_modes():
    a = GRID25.sample(5000, torch.Generator().manual_seed(1))
    b = GRID25.sample(5000, torch.Generator().manual_seed(1))
    assert torch.equal(a, b) and a.dtype == torch.float32
    distance = torch.cdist(a.double(), GRID25.centers).min(1).values
    assert (distance < 6 * GRID25.std).all()
    counts = torch.bincount(torch.cdist(a.double(), GRID25.centers).argmin(1), minlength=25)
    assert counts.min() > 140 and counts.max() < 260  # 200 expected per mode


def test_log_prob_matches_scipy():
    mix = GaussianMixture([[0.0, 1.0], [2.0, -1.0]], [0.5, 1.5], [0.3, 0.7])
    x = torch.randn(100, 2, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    expected = np.log(
        0.3 * scipy.stats.multivariate_normal([0, 1], 0.25 * np.eye(2)).pdf(x.numpy())
        + 0.7 * scipy.stats.multivariate_normal([2, -1], 2.25 * np.eye(2)).pdf(x.numpy())
    )
    np.testing.assert_allclose(mix.log_prob(x).numpy(), expected, rtol=1e-10)


def test_mixture_1d_density_integrates_to_one():
    mix = mixture_1d([-2.0, 2.0], [0.5, 1.0], [0.25, 0.75])
    grid = torch.linspace(-12, 12, 200_001, dtype=torch.float64)[:, None]
    assert torch.trapezoid(mix.density(grid), grid[:, 0]).item() == pytest.approx(1, abs=1e-9)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"centers": torch.zeros(3), "std": 1.0}, "centers must have shape"),
        ({"centers": torch.zeros(3, 2), "std": 0.0}, "std must be positive"),
        ({"centers": torch.zeros(2, 2), "std": 1.0, "weights": [0.5, 0.6]}, "weights must be"),
    ],
)
def test_bad_mixtures(kwargs, message):
    with pytest.raises(ValueError, match=message):
        GaussianMixture(**kwargs)


def test_bad_sample_and_log_prob_arguments():
    with pytest.raises(ValueError, match="n must be a positive int"):
        RING8.sample(0)
    with pytest.raises(ValueError, match="x must end in dimension 2"):
        RING8.log_prob(torch.zeros(4, 3))
