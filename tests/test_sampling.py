"""ganbook.sampling on quadratic energies, whose target N(mu, Sigma) is known exactly."""

import math

import numpy as np
import pytest
import torch

from ganbook.sampling import energy_and_grad, langevin, mala

NAN, INF = float("nan"), float("inf")

MU = torch.tensor([1.0, -2.0], dtype=torch.float64)
SIGMA = torch.tensor([[1.0, 0.6], [0.6, 0.5]], dtype=torch.float64)
PRECISION = torch.linalg.inv(SIGMA)


def quadratic(x: torch.Tensor) -> torch.Tensor:
    """U(x) = (x - mu)^T Sigma^-1 (x - mu) / 2: the target is N(mu, Sigma)."""
    d = x - MU
    return 0.5 * torch.einsum("ni,ij,nj->n", d, PRECISION, d)


def start(n=8_000, seed=0):
    return 3 * torch.randn(n, 2, generator=torch.Generator().manual_seed(seed),
                           dtype=torch.float64)


def moments(x):
    return x.mean(0), torch.cov(x.T)


def test_mala_samples_the_exact_gaussian():
    # 8,000 chains: the standard error of a mean is about 0.011, of a covariance about 0.016.
    x, rate = mala(quadratic, start(), 0.2, 150, torch.Generator().manual_seed(1))
    mean, cov = moments(x)
    torch.testing.assert_close(mean, MU, rtol=0, atol=0.05)
    torch.testing.assert_close(cov, SIGMA, rtol=0, atol=0.06)
    assert 0.6 < rate < 0.99


def test_small_step_langevin_is_close_and_large_step_langevin_is_biased():
    x = langevin(quadratic, start(), 0.02, 500, torch.Generator().manual_seed(2))
    torch.testing.assert_close(torch.cov(x.T), SIGMA, rtol=0, atol=0.06)
    # 1-D: U = x^2 / 2, step eps: the chain's stationary variance is 1 / (1 - eps / 4).
    def gauss(x):
        return 0.5 * x.pow(2).sum(1)
    eps = 1.0
    y = langevin(gauss, start()[:, :1], eps, 100, torch.Generator().manual_seed(3))
    assert y.var().item() == pytest.approx(1 / (1 - eps / 4), rel=0.05)  # 4/3, not 1
    z, rate = mala(gauss, start()[:, :1], eps, 100, torch.Generator().manual_seed(3))
    assert z.var().item() == pytest.approx(1.0, rel=0.05) and 0.5 < rate < 0.99


def test_shapes_beyond_two_dimensions_and_determinism():
    def bowl(x):
        return 0.5 * x.pow(2).flatten(1).sum(1)
    x0 = torch.randn(500, 2, 3, 3, generator=torch.Generator().manual_seed(4))
    a, rate_a = mala(bowl, x0, 0.5, 50, torch.Generator().manual_seed(5))
    b, rate_b = mala(bowl, x0, 0.5, 50, torch.Generator().manual_seed(5))
    assert a.shape == x0.shape and torch.equal(a, b) and rate_a == rate_b
    assert abs(a.var().item() - 1) < 0.05


def test_zero_steps_and_bad_input():
    x0 = start(10)
    assert torch.equal(langevin(quadratic, x0, 0.1, 0), x0)
    y, rate = mala(quadratic, x0, 0.1, 0)
    assert torch.equal(y, x0) and math.isnan(rate)
    with pytest.raises(ValueError, match="step_size must be positive"):
        langevin(quadratic, x0, 0.0, 10)
    with pytest.raises(ValueError, match="n_steps must be at least 0"):
        mala(quadratic, x0, 0.1, -1)
    with pytest.raises(ValueError, match="x0 must be a floating-point tensor"):
        mala(quadratic, torch.zeros(3, 2, dtype=torch.int64), 0.1, 1)
    with pytest.raises(ValueError, match="energy must return one value per sample"):
        langevin(lambda x: x.sum(), x0, 0.1, 1)


X0 = torch.zeros(4, 2, dtype=torch.float64)


@pytest.mark.parametrize("chain", [langevin, mala])
@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        ({"energy": None}, TypeError, "energy"),
        ({"x0": torch.tensor([[0.0, NAN]])}, ValueError, "x0"),
        ({"x0": torch.tensor([[INF, 0.0]])}, ValueError, "x0"),
        ({"x0": torch.zeros(0, 2)}, ValueError, "x0"),
        ({"x0": torch.zeros(3, 0)}, ValueError, "x0"),
        ({"x0": torch.zeros(3, 2, dtype=torch.int64)}, ValueError, "x0"),
        ({"x0": [[0.0, 0.0]]}, ValueError, "x0"),
        ({"step_size": NAN}, ValueError, "step_size"),
        ({"step_size": INF}, ValueError, "step_size"),
        ({"step_size": 0.0}, ValueError, "step_size"),
        ({"step_size": -0.1}, ValueError, "step_size"),
        ({"step_size": True}, TypeError, "step_size"),
        ({"step_size": "0.1"}, TypeError, "step_size"),
        ({"n_steps": -1}, ValueError, "n_steps"),
        ({"n_steps": 2.0}, TypeError, "n_steps"),
        ({"n_steps": True}, TypeError, "n_steps"),
        ({"n_steps": "3"}, TypeError, "n_steps"),
    ],
)
def test_bad_input_names_the_argument(chain, kwargs, error, name):
    arguments = {"energy": quadratic, "x0": X0, "step_size": 0.1, "n_steps": 2, **kwargs}
    with pytest.raises(error, match=rf"^{name}\b"):
        chain(**arguments)


def test_energy_and_grad_rejects_bad_input():
    with pytest.raises(TypeError, match="^energy"):
        energy_and_grad("quadratic", X0)
    with pytest.raises(ValueError, match="^x must be a floating-point tensor"):
        energy_and_grad(quadratic, torch.zeros(3, 2, dtype=torch.int64))
    with pytest.raises(ValueError, match="^energy must return one value per sample"):
        energy_and_grad(lambda x: x.sum().item(), X0)


def test_numpy_scalars_are_accepted():
    x0 = start(20)
    expected = langevin(quadratic, x0, 0.1, 3, torch.Generator().manual_seed(0))
    got = langevin(quadratic, x0, np.float64(0.1), np.int64(3), torch.Generator().manual_seed(0))
    assert torch.equal(got, expected)
    expected, rate = mala(quadratic, x0, 0.5, 3, torch.Generator().manual_seed(0))
    got, got_rate = mala(quadratic, x0, np.float32(0.5), np.int32(3),
                         torch.Generator().manual_seed(0))
    assert torch.equal(got, expected) and got_rate == rate
