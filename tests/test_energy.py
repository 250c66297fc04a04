"""ganbook.energy: the gradient penalty on critics whose gradient is known; the MI losses."""

import numpy as np
import pytest
import torch

from ganbook.energy import (
    gradient_penalty,
    infogan_loss,
    interpolates,
    jsd_mi_from_scores,
    lipschitz_penalty,
    mutual_information_jsd,
    shuffle,
)

NAN, INF = float("nan"), float("inf")


def bowl(x):
    return 0.5 * x.pow(2).flatten(1).sum(1)


def pairs(x, z):
    return (x * z).sum(1)


def test_gradient_penalty_of_a_linear_critic_is_the_squared_slope():
    a = torch.tensor([3.0, -4.0])
    x = torch.randn(50, 2)
    assert gradient_penalty(lambda x: x @ a, x).item() == pytest.approx(25.0)


def test_lipschitz_penalty_of_linear_critics():
    x = torch.randn(7, 2, dtype=torch.float64)
    for a, expected in (((3.0, 4.0), 16.0), ((0.6, 0.8), 0.0)):
        slope = torch.tensor(a, dtype=torch.float64)
        value = lipschitz_penalty(lambda x, s=slope: x @ s, x)
        assert value.item() == pytest.approx(expected, abs=1e-12)


def test_lipschitz_penalty_per_model_and_against_a_formula():
    x = torch.randn(3, 5, 2, dtype=torch.float64)  # (models, n, d); bowl: grad = x
    value = lipschitz_penalty(lambda x: 0.5 * x.pow(2).sum(-1), x, sample_dims=2)
    expected = (x.norm(dim=-1) - 1).pow(2).mean(-1)
    assert torch.allclose(value, expected, rtol=1e-12)


def test_interpolates_lie_on_the_segments():
    real, fake = torch.zeros(2, 4, 3), torch.ones(2, 4, 3)
    t = torch.rand(2, 4, generator=torch.Generator().manual_seed(0))
    x = interpolates(real, fake, t)
    assert torch.allclose(x, (1 - t).unsqueeze(-1).expand(2, 4, 3))
    assert torch.equal(interpolates(real, fake, torch.ones(2, 4)), real)


@pytest.mark.parametrize("args, match", [
    ((torch.zeros(4, 2), torch.zeros(4, 3), torch.zeros(4)), "same shape"),
    ((torch.zeros(4, 2), torch.zeros(4, 2), torch.zeros(3)), "t must hold one position"),
    ((torch.zeros(4, 2), torch.zeros(4, 2), torch.full((4,), 1.5)), r"t must lie in \[0, 1\]"),
])
def test_interpolates_reject_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        interpolates(*args)


def test_gradient_penalty_of_a_quadratic_critic_on_2d_inputs():
    x = torch.randn(100, 5, dtype=torch.float64)
    value = gradient_penalty(lambda x: 0.5 * x.pow(2).sum(1), x)  # grad = x
    assert value.item() == pytest.approx(x.pow(2).sum(1).mean().item(), rel=1e-12)


def test_gradient_penalty_on_4d_inputs_sums_channels_and_pixels_per_sample():
    x = torch.randn(8, 3, 4, 4, dtype=torch.float64)
    w = torch.randn(3, 4, 4, dtype=torch.float64)

    def critic(x):  # grad_x U = w * x_norm-free: U = sum(w * x^2) / 2, grad = w * x
        return 0.5 * (w * x.pow(2)).flatten(1).sum(1)

    expected = (w * x).pow(2).flatten(1).sum(1).mean()
    assert gradient_penalty(critic, x).item() == pytest.approx(expected.item(), rel=1e-12)
    # Not the mean over channels of per-channel norms (a known mistake in some code):
    wrong = (w * x).pow(2).flatten(2).sum(2).mean()
    assert abs(gradient_penalty(critic, x).item() - wrong.item()) > 1e-3


def test_gradient_penalty_is_differentiable_in_the_parameters():
    theta = torch.tensor(2.0, requires_grad=True)
    penalty = gradient_penalty(lambda x: theta * x.pow(2).sum(1), torch.ones(4, 2))
    penalty.backward()  # penalty = E ||2 theta x||^2 = 4 theta^2 * 2 -> d/dtheta = 16 theta
    assert theta.grad.item() == pytest.approx(32.0)


def test_infogan_loss_and_shuffle():
    z = torch.randn(10, 3)
    assert infogan_loss(z, z).item() == 0.0
    assert infogan_loss(z, z + 1).item() == pytest.approx(3.0)
    s = shuffle(z, torch.Generator().manual_seed(0))
    assert sorted(s[:, 0].tolist()) == sorted(z[:, 0].tolist())


def test_mi_estimate_is_higher_for_dependent_pairs():
    g = torch.Generator().manual_seed(1)
    z = torch.randn(4000, 1, generator=g)

    def statistics(x, z):  # a fixed critic that rewards x close to z
        return 4 - 4 * (x - z).pow(2).sum(1)

    dependent = mutual_information_jsd(statistics, z.clone(), z, g)
    independent = mutual_information_jsd(statistics, torch.randn(4000, 1, generator=g), z, g)
    assert dependent.item() > independent.item() + 0.5


def test_bad_input():
    with pytest.raises(ValueError, match="energy must return one value per sample"):
        gradient_penalty(lambda x: x.sum(), torch.randn(3, 2))
    with pytest.raises(ValueError, match="x must be a floating-point tensor"):
        gradient_penalty(lambda x: x.sum(1), torch.ones(3))
    with pytest.raises(ValueError, match="z and z_reconstructed must have the same shape"):
        infogan_loss(torch.zeros(3, 2), torch.zeros(3, 3))
    with pytest.raises(ValueError, match="x and z must have the same number of rows"):
        mutual_information_jsd(lambda x, z: x.sum(1), torch.zeros(3, 1), torch.zeros(4, 1))


@pytest.mark.parametrize(
    "call, error, name",
    [
        (lambda: gradient_penalty(None, torch.ones(3, 2)), TypeError, "energy"),
        (lambda: gradient_penalty(bowl, torch.ones(3, 2), sample_dims=0), ValueError,
         "sample_dims"),
        (lambda: gradient_penalty(bowl, torch.ones(3, 2), sample_dims=1.0), TypeError,
         "sample_dims"),
        (lambda: gradient_penalty(bowl, torch.ones(3, 2), sample_dims=True), TypeError,
         "sample_dims"),
        (lambda: gradient_penalty(bowl, torch.ones(3, 2), sample_dims=2), ValueError, "x"),
        (lambda: gradient_penalty(bowl, torch.tensor([[NAN, 0.0]])), ValueError, "x"),
        (lambda: gradient_penalty(bowl, torch.tensor([[INF, 0.0]])), ValueError, "x"),
        (lambda: gradient_penalty(bowl, torch.ones(0, 2)), ValueError, "x"),
        (lambda: gradient_penalty(bowl, torch.ones(3, 2, dtype=torch.int64)), ValueError, "x"),
        (lambda: infogan_loss(torch.ones(3, 2), torch.ones(3, 2), sample_dims=0), ValueError,
         "sample_dims"),
        (lambda: infogan_loss(torch.ones(3, 2), torch.ones(3, 2), sample_dims="1"), TypeError,
         "sample_dims"),
        (lambda: infogan_loss(torch.ones(3, 2), torch.ones(3, 2), sample_dims=2), ValueError,
         "z"),
        (lambda: infogan_loss(torch.ones(0, 2), torch.ones(0, 2)), ValueError, "z"),
        (lambda: infogan_loss(torch.ones(3, 2, dtype=torch.int64), torch.ones(3, 2)),
         TypeError, "z"),
        (lambda: infogan_loss(torch.ones(3, 2), [[1.0, 1.0]] * 3), TypeError,
         "z_reconstructed"),
        (lambda: shuffle([1.0, 2.0]), TypeError, "z"),
        (lambda: shuffle(torch.tensor(1.0)), TypeError, "z"),
        (lambda: jsd_mi_from_scores(torch.ones(3, dtype=torch.int64), torch.ones(3)), TypeError,
         "joint"),
        (lambda: jsd_mi_from_scores(torch.ones(3), torch.ones(0)), ValueError, "marginal"),
        (lambda: jsd_mi_from_scores(torch.ones(2, 3), torch.ones(3, 3)), ValueError, "joint"),
        (lambda: mutual_information_jsd(None, torch.ones(3, 1), torch.ones(3, 1)), TypeError,
         "statistics"),
        (lambda: mutual_information_jsd(pairs, [[1.0]] * 3, torch.ones(3, 1)), TypeError, "x"),
        (lambda: mutual_information_jsd(pairs, torch.ones(3, 1), torch.ones(0, 1)), ValueError,
         "z"),
    ],
)
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=rf"^{name}\b"):
        call()


def test_numpy_scalars_are_accepted():
    x = torch.randn(6, 2, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    def per_model(x):  # (models, n, d) -> (models, n)
        return 0.5 * x.pow(2).sum(-1)

    assert torch.equal(gradient_penalty(per_model, x, sample_dims=np.int64(2)),
                       gradient_penalty(per_model, x, sample_dims=2))
    assert torch.equal(infogan_loss(x, x + 1, sample_dims=np.int64(2)),
                       infogan_loss(x, x + 1, sample_dims=2))
