"""ganbook.metrics on cases with known answers, and against scipy."""

import math

import numpy as np
import pytest
import scipy.linalg
import scipy.spatial
import scipy.stats
import torch

from ganbook.metrics import (
    classifier_score,
    frechet_distance,
    mode_stats,
    nearest_distances,
    parzen_log_likelihood,
    parzen_protocol,
)
from ganbook.toy import GRID25, RING8

NAN, INF = float("nan"), float("inf")


def test_samples_exactly_at_the_means():
    stats = mode_stats(RING8.centers.repeat(10, 1), RING8.centers, RING8.std)
    assert stats == {"modes": 8, "high_quality": 1.0, "reverse_kl": 0.0}


def test_samples_far_away():
    stats = mode_stats(torch.full((100, 2), 50.0), GRID25.centers, GRID25.std)
    assert stats["modes"] == 0 and stats["high_quality"] == 0.0
    assert math.isnan(stats["reverse_kl"])


def test_a_single_mode():
    samples = GRID25.centers[7].repeat(40, 1) + 0.01
    stats = mode_stats(samples, GRID25.centers, GRID25.std)
    assert stats["modes"] == 1 and stats["high_quality"] == 1.0
    assert stats["reverse_kl"] == pytest.approx(math.log(25), abs=1e-12)


def test_threshold_is_three_standard_deviations():
    center = RING8.centers[0]
    inside = center + torch.tensor([0.0299, 0.0], dtype=torch.float64)
    outside = center + torch.tensor([0.0301, 0.0], dtype=torch.float64)
    stats = mode_stats(torch.stack([inside, outside]), RING8.centers, RING8.std)
    assert stats["high_quality"] == 0.5


def test_true_samples_score_well():
    x = GRID25.sample(2500, torch.Generator().manual_seed(0))
    stats = mode_stats(x, GRID25.centers, GRID25.std)
    assert stats["modes"] == 25 and stats["high_quality"] > 0.98 and stats["reverse_kl"] < 0.02


def test_classifier_score_extremes():
    assert classifier_score(torch.full((10, 4), 0.25)) == pytest.approx(1.0)
    assert classifier_score(torch.eye(4).repeat(3, 1)) == pytest.approx(4.0)
    assert classifier_score(torch.eye(4)[[0] * 12]) == pytest.approx(1.0)


def test_classifier_score_against_scipy():
    p = torch.distributions.Dirichlet(torch.ones(10)).sample((50,)).double()
    p = p / p.sum(-1, keepdim=True)
    marginal = p.mean(0).numpy()
    expected = math.exp(np.mean([scipy.stats.entropy(row, marginal) for row in p.numpy()]))
    assert classifier_score(p) == pytest.approx(expected, rel=1e-10)


def test_frechet_distance_against_scipy_sqrtm():
    g = torch.Generator().manual_seed(3)
    a = torch.randn(400, 5, generator=g, dtype=torch.float64)
    b = torch.randn(300, 5, generator=g, dtype=torch.float64) @ torch.randn(5, 5, generator=g,
                                                                           dtype=torch.float64)
    ca, cb = np.cov(a.numpy().T), np.cov(b.numpy().T)
    expected = (np.sum((a.numpy().mean(0) - b.numpy().mean(0)) ** 2)
                + np.trace(ca + cb - 2 * scipy.linalg.sqrtm(ca @ cb).real))
    assert frechet_distance(a, b) == pytest.approx(expected, rel=1e-8)
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-9)


def test_frechet_distance_of_shifted_gaussians_is_the_squared_shift():
    a = torch.randn(1000, 3, generator=torch.Generator().manual_seed(4), dtype=torch.float64)
    assert frechet_distance(a, a + torch.tensor([3.0, 0.0, 4.0], dtype=torch.float64)) == \
        pytest.approx(25.0, rel=1e-10)


def test_parzen_against_scipy_kde_formula():
    g = torch.Generator().manual_seed(5)
    s, x = torch.randn(50, 2, generator=g), torch.randn(7, 2, generator=g)
    sigma = 0.7
    dens = np.mean([scipy.stats.multivariate_normal(mu, sigma**2 * np.eye(2)).pdf(x.numpy())
                    for mu in s.numpy()], axis=0)
    np.testing.assert_allclose(parzen_log_likelihood(s, x, sigma).numpy(), np.log(dens),
                               rtol=1e-6)
    np.testing.assert_allclose(parzen_log_likelihood(s, x, sigma, chunk=2).numpy(),
                               parzen_log_likelihood(s, x, sigma).numpy())


def test_parzen_protocol_chooses_the_bandwidth_on_validation_data():
    g = torch.Generator().manual_seed(6)
    centres, valid, test = (torch.randn(n, 3, generator=g, dtype=torch.float64)
                            for n in (200, 50, 40))
    grid = torch.logspace(-1, 1, 21, dtype=torch.float64)
    out = parzen_protocol(centres, valid, test, grid)
    curve = [parzen_log_likelihood(centres, valid, s.item()).mean().item() for s in grid]
    best = int(np.argmax(curve))
    assert out["sigma"] == grid[best].item() and out["interior"]
    scores = parzen_log_likelihood(centres, test, out["sigma"]).numpy()
    assert out["mean"] == pytest.approx(scores.mean(), rel=1e-12)
    assert out["se"] == pytest.approx(scipy.stats.sem(scores), rel=1e-9)
    assert not parzen_protocol(centres, valid, test, grid[:3])["interior"]  # too small
    with pytest.raises(ValueError, match="bandwidths"):
        parzen_protocol(centres, valid, test, [0.5, -1.0])
    with pytest.raises(ValueError, match="test"):
        parzen_protocol(centres, valid, test[:1], grid)


def test_nearest_distances_against_scipy():
    g = torch.Generator().manual_seed(7)
    x, r = torch.randn(30, 4, generator=g), torch.randn(50, 4, generator=g)
    expected = scipy.spatial.distance.cdist(x.numpy(), r.numpy()).min(axis=1)
    np.testing.assert_allclose(nearest_distances(x, r, chunk=7).numpy(), expected,
                               rtol=1e-6)
    assert (nearest_distances(r[:5], r) == 0).all()  # copies lie at distance 0
    with pytest.raises(ValueError, match="reference"):
        nearest_distances(x, torch.zeros(3, 2))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: mode_stats(torch.zeros(5, 3), RING8.centers, 0.01), "samples must have 2 col"),
        (lambda: mode_stats(torch.zeros(0, 2), RING8.centers, 0.01), "samples must have shape"),
        (lambda: mode_stats(torch.zeros(5, 2), RING8.centers, 0.0), "std must be positive"),
        (lambda: frechet_distance(torch.zeros(1, 2), torch.zeros(3, 2)), "at least two rows"),
        (lambda: parzen_log_likelihood(torch.zeros(3, 2), torch.zeros(2, 2), -1.0), "bandwidth"),
        (lambda: classifier_score(torch.tensor([[float("nan"), 1.0]])), "probs must be finite"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


POINTS = torch.zeros(5, 2)


@pytest.mark.parametrize(
    "call, error, name",
    [
        (lambda: mode_stats(torch.tensor([[NAN, 0.0]]), RING8.centers, 0.01), ValueError,
         "samples"),
        (lambda: mode_stats(torch.tensor([[INF, 0.0]]), RING8.centers, 0.01), ValueError,
         "samples"),
        (lambda: mode_stats(torch.zeros(0, 2), RING8.centers, 0.01), ValueError, "samples"),
        (lambda: mode_stats("samples", RING8.centers, 0.01), TypeError, "samples"),
        (lambda: mode_stats(POINTS, torch.tensor([[0.0, INF]]), 0.01), ValueError, "centers"),
        (lambda: mode_stats(POINTS, torch.zeros(0, 2), 0.01), ValueError, "centers"),
        (lambda: mode_stats(POINTS, RING8.centers, NAN), ValueError, "std"),
        (lambda: mode_stats(POINTS, RING8.centers, INF), ValueError, "std"),
        (lambda: mode_stats(POINTS, RING8.centers, -0.01), ValueError, "std"),
        (lambda: mode_stats(POINTS, RING8.centers, True), TypeError, "std"),
        (lambda: mode_stats(POINTS, RING8.centers, "0.01"), TypeError, "std"),
        (lambda: mode_stats(POINTS, RING8.centers, 0.01, NAN), ValueError, "threshold"),
        (lambda: mode_stats(POINTS, RING8.centers, 0.01, INF), ValueError, "threshold"),
        (lambda: mode_stats(POINTS, RING8.centers, 0.01, 0.0), ValueError, "threshold"),
        (lambda: mode_stats(POINTS, RING8.centers, 0.01, -3), ValueError, "threshold"),
        (lambda: mode_stats(POINTS, RING8.centers, 0.01, None), TypeError, "threshold"),
        (lambda: classifier_score(torch.tensor([[INF, 0.0]])), ValueError, "probs"),
        (lambda: classifier_score(torch.tensor([[0.5, 0.6]])), ValueError, "probs"),
        (lambda: classifier_score(torch.tensor([[-0.5, 1.5]])), ValueError, "probs"),
        (lambda: classifier_score(torch.zeros(0, 3)), ValueError, "probs"),
        (lambda: frechet_distance(torch.tensor([[INF, 0.0]] * 3), POINTS), ValueError,
         "features_a"),
        (lambda: frechet_distance(POINTS, torch.zeros(1, 2)), ValueError, "features_b"),
        (lambda: frechet_distance(POINTS, torch.zeros(0, 2)), ValueError, "features_b"),
        (lambda: frechet_distance(POINTS, torch.zeros(3, 3)), ValueError, "features_b"),
        (lambda: parzen_log_likelihood(POINTS, POINTS, NAN), ValueError, "bandwidth"),
        (lambda: parzen_log_likelihood(POINTS, POINTS, INF), ValueError, "bandwidth"),
        (lambda: parzen_log_likelihood(POINTS, POINTS, 0.0), ValueError, "bandwidth"),
        (lambda: parzen_log_likelihood(POINTS, POINTS, True), TypeError, "bandwidth"),
        (lambda: parzen_log_likelihood(POINTS, POINTS, 0.5, chunk=0), ValueError, "chunk"),
        (lambda: parzen_log_likelihood(POINTS, POINTS, 0.5, chunk=-1), ValueError, "chunk"),
        (lambda: parzen_log_likelihood(POINTS, POINTS, 0.5, chunk=2.5), TypeError, "chunk"),
        (lambda: parzen_log_likelihood(POINTS, POINTS, 0.5, chunk=True), TypeError, "chunk"),
        (lambda: parzen_log_likelihood(POINTS, torch.tensor([[NAN, 0.0]]), 0.5), ValueError,
         "points"),
        (lambda: parzen_log_likelihood(torch.zeros(0, 2), POINTS, 0.5), ValueError, "samples"),
    ],
)
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=rf"^{name}\b"):
        call()


def test_numpy_scalars_and_integer_tensors_are_accepted():
    g = torch.Generator().manual_seed(6)
    s, x = torch.randn(30, 2, generator=g), torch.randn(7, 2, generator=g)
    sigma = np.float32(0.7)
    assert torch.equal(parzen_log_likelihood(s, x, sigma, chunk=np.int64(2)),
                       parzen_log_likelihood(s, x, float(sigma)))
    samples = GRID25.sample(500, g)
    assert mode_stats(samples, GRID25.centers, np.float64(0.05), np.int64(3)) == \
        mode_stats(samples, GRID25.centers, 0.05, 3.0)
    integers = torch.tensor([[0, 0], [2, 2], [4, -4]])
    assert mode_stats(integers, GRID25.centers, 0.05) == \
        mode_stats(integers.double(), GRID25.centers, 0.05)
