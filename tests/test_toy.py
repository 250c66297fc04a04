"""ganbook.toy: the ring, the grid and the 1-D mixtures, against scipy's densities."""

import math

import numpy as np
import pytest
import scipy.stats
import torch

from ganbook.toy import GRID25, RING8, GaussianMixture, grid, mixture_1d, ring

NAN, INF = float("nan"), float("inf")


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
    with pytest.raises(ValueError, match="n must be at least 1"):
        RING8.sample(0)
    with pytest.raises(ValueError, match="x must end in dimension 2"):
        RING8.log_prob(torch.zeros(4, 3))


@pytest.mark.parametrize(
    "call, error, name",
    [
        (lambda: GaussianMixture([[0.0, NAN]], 1.0), ValueError, "centers"),
        (lambda: GaussianMixture([[0.0, INF]], 1.0), ValueError, "centers"),
        (lambda: GaussianMixture(torch.zeros(0, 2), 1.0), ValueError, "centers"),
        (lambda: GaussianMixture("ring", 1.0), TypeError, "centers"),
        (lambda: GaussianMixture(torch.zeros(2, 2), NAN), ValueError, "std"),
        (lambda: GaussianMixture(torch.zeros(2, 2), INF), ValueError, "std"),
        (lambda: GaussianMixture(torch.zeros(2, 2), -1.0), ValueError, "std"),
        (lambda: GaussianMixture(torch.zeros(2, 2), True), TypeError, "std"),
        (lambda: GaussianMixture(torch.zeros(2, 2), "0.1"), TypeError, "std"),
        (lambda: GaussianMixture(torch.zeros(2, 2), [0.1, INF]), ValueError, "std"),
        (lambda: GaussianMixture(torch.zeros(2, 2), [0.1, 0.2, 0.3]), ValueError, "std"),
        (lambda: GaussianMixture(torch.zeros(2, 2), 1.0, [NAN, 0.5]), ValueError, "weights"),
        (lambda: GaussianMixture(torch.zeros(2, 2), 1.0, [INF, 0.5]), ValueError, "weights"),
        (lambda: GaussianMixture(torch.zeros(2, 2), 1.0, [1.0]), ValueError, "weights"),
        (lambda: RING8.sample(0), ValueError, "n"),
        (lambda: RING8.sample(-5), ValueError, "n"),
        (lambda: RING8.sample(2.0), TypeError, "n"),
        (lambda: RING8.sample(True), TypeError, "n"),
        (lambda: RING8.sample("5"), TypeError, "n"),
        (lambda: RING8.sample(5, dtype=torch.int64), TypeError, "dtype"),
        (lambda: RING8.log_prob(torch.tensor([[NAN, 0.0]])), ValueError, "x"),
        (lambda: RING8.log_prob(torch.tensor([[INF, 0.0]])), ValueError, "x"),
        (lambda: RING8.log_prob(torch.tensor(1.0)), ValueError, "x"),
        (lambda: RING8.log_prob("x"), TypeError, "x"),
        (lambda: RING8.density(torch.zeros(3, 3)), ValueError, "x"),
        (lambda: ring(0), ValueError, "n_modes"),
        (lambda: ring(-8), ValueError, "n_modes"),
        (lambda: ring(8.5), TypeError, "n_modes"),
        (lambda: ring(True), TypeError, "n_modes"),
        (lambda: ring("8"), TypeError, "n_modes"),
        (lambda: ring(8, radius=NAN), ValueError, "radius"),
        (lambda: ring(8, radius=0.0), ValueError, "radius"),
        (lambda: ring(8, std=INF), ValueError, "std"),
        (lambda: ring(8, std=-0.1), ValueError, "std"),
        (lambda: grid(0), ValueError, "side"),
        (lambda: grid(-1), ValueError, "side"),
        (lambda: grid(2.5), TypeError, "side"),
        (lambda: grid(False), TypeError, "side"),
        (lambda: grid(5, spacing=INF), ValueError, "spacing"),
        (lambda: grid(5, spacing="2"), TypeError, "spacing"),
        (lambda: grid(5, std=NAN), ValueError, "std"),
        (lambda: mixture_1d([0.0, NAN], [1.0]), ValueError, "means"),
        (lambda: mixture_1d([], [1.0]), ValueError, "means"),
        (lambda: mixture_1d([[0.0]], [1.0]), ValueError, "means"),
        (lambda: mixture_1d(["a"], [1.0]), TypeError, "means"),
        (lambda: mixture_1d([0.0], [INF]), ValueError, "stds"),
        (lambda: mixture_1d([0.0], [0.0]), ValueError, "stds"),
        (lambda: mixture_1d([0.0, 1.0], [1.0, 1.0, 1.0]), ValueError, "stds"),
        (lambda: mixture_1d([0.0, 1.0], [1.0], [NAN, 0.5]), ValueError, "weights"),
    ],
)
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=rf"^{name}\b"):
        call()


def test_numpy_scalars_are_accepted_and_integer_tensors_are_not_truncated():
    assert torch.equal(ring(np.int64(8), np.float64(1.0), np.float64(0.01)).centers,
                       RING8.centers)
    assert torch.equal(grid(np.int64(5), np.int64(2)).centers, GRID25.centers)
    a = RING8.sample(np.int64(7), torch.Generator().manual_seed(0))
    assert torch.equal(a, RING8.sample(7, torch.Generator().manual_seed(0)))
    mix = GaussianMixture([[0.0, 1.0], [2.0, -1.0]], np.float64(0.5), np.array([0.3, 0.7]))
    x = torch.tensor([[0, 1], [2, -1], [3, 3]])
    log_p = mix.log_prob(x)
    as_float = x.to(torch.get_default_dtype())
    assert log_p.dtype == as_float.dtype
    assert torch.equal(log_p, mix.log_prob(as_float))
    assert not torch.equal(log_p, log_p.round())  # not truncated to integers
    assert torch.equal(mix.density(x), mix.density(as_float))


def test_lists_are_read_straight_as_float64():
    mix = GaussianMixture([[0.1, 0.2]], [0.3])
    assert mix.centers[0, 0].item() == 0.1 and mix.stds[0].item() == 0.3
    assert mixture_1d([0.1], [0.3]).centers[0, 0].item() == 0.1
