"""ganbook.losses: each loss against its formula, its gradient, and PyTorch's BCE."""

import pytest
import torch
import torch.nn.functional as F

from ganbook.losses import (
    GAN_LOSSES,
    GANLoss,
    discriminator_cross_entropy,
    energy_contrast,
    generator_energy,
    generator_minimax,
    generator_nonsaturating,
    get_loss,
)


def logits(*shape, seed=0):
    return 4 * torch.randn(*shape, generator=torch.Generator().manual_seed(seed),
                           dtype=torch.float64)


def test_discriminator_loss_is_binary_cross_entropy():
    real, fake = logits(64), logits(64, seed=1)
    parts = discriminator_cross_entropy(real, fake)
    expected = (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
                + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))
    torch.testing.assert_close(parts["loss"], expected)
    d_real, d_fake = torch.sigmoid(real), torch.sigmoid(fake)
    value = torch.log(d_real).mean() + torch.log(1 - d_fake).mean()  # V(D, G)
    torch.testing.assert_close(parts["loss"], -value)
    torch.testing.assert_close(parts["d_real"], d_real.mean())


def test_generator_losses_and_their_gradients():
    a = logits(32).requires_grad_()
    generator_minimax(a)["loss"].backward()
    torch.testing.assert_close(a.grad, -torch.sigmoid(a.detach()) / 32)  # -D / n
    b = a.detach().clone().requires_grad_()
    generator_nonsaturating(b)["loss"].backward()
    torch.testing.assert_close(b.grad, -(1 - torch.sigmoid(b.detach())) / 32)  # -(1 - D) / n
    d = torch.sigmoid(a.detach())
    torch.testing.assert_close(generator_minimax(a)["loss"], torch.log(1 - d).mean())
    torch.testing.assert_close(generator_nonsaturating(a)["loss"], -torch.log(d).mean())


def test_losses_keep_leading_model_dimensions():
    parts = discriminator_cross_entropy(logits(3, 16), logits(3, 16, seed=1))
    assert parts["loss"].shape == (3,)
    torch.testing.assert_close(parts["loss"][1],
                               discriminator_cross_entropy(logits(3, 16)[1],
                                                           logits(3, 16, seed=1)[1])["loss"])


def test_losses_are_finite_at_extreme_logits():
    a = torch.tensor([-500.0, 500.0])
    assert torch.isfinite(discriminator_cross_entropy(a, a)["loss"])
    assert torch.isfinite(generator_minimax(a)["loss"])
    assert torch.isfinite(generator_nonsaturating(a)["loss"])


def test_registry_and_bad_input():
    assert set(GAN_LOSSES) >= {"minimax", "nonsaturating"}
    with pytest.raises(ValueError, match="loss must be one of"):
        get_loss("wasserstein")
    with pytest.raises(ValueError, match="fake_logits must be a floating-point tensor"):
        generator_minimax(torch.tensor([1, 2]))
    with pytest.raises(ValueError, match="real_logits must have a non-empty batch"):
        discriminator_cross_entropy(torch.tensor(1.0), torch.ones(3))


@pytest.mark.parametrize(
    "call, error, name",
    [
        (lambda: discriminator_cross_entropy([1.0], torch.ones(3)), ValueError, "real_logits"),
        (lambda: discriminator_cross_entropy(torch.ones(3), torch.ones(3, dtype=torch.int64)),
         ValueError, "fake_logits"),
        (lambda: discriminator_cross_entropy(torch.ones(0), torch.ones(3)), ValueError,
         "real_logits"),
        (lambda: discriminator_cross_entropy(torch.ones(2, 0), torch.ones(2, 3)), ValueError,
         "real_logits"),
        (lambda: discriminator_cross_entropy(torch.ones(2, 3), torch.ones(3, 3)), ValueError,
         "real_logits"),
        (lambda: generator_minimax(torch.tensor(1.0)), ValueError, "fake_logits"),
        (lambda: generator_nonsaturating("logits"), ValueError, "fake_logits"),
        (lambda: energy_contrast(torch.ones(2, 3), torch.ones(4)), ValueError, "real_energy"),
        (lambda: energy_contrast(torch.ones(3), torch.ones(0)), ValueError, "fake_energy"),
        (lambda: generator_energy(torch.ones(3, dtype=torch.int32)), ValueError, "fake_energy"),
        (lambda: get_loss("hinge"), ValueError, "loss"),
        (lambda: get_loss(None), TypeError, "loss"),
        (lambda: get_loss(["minimax"]), TypeError, "loss"),
        (lambda: GANLoss(1, generator_minimax), TypeError, "discriminator"),
        (lambda: GANLoss(discriminator_cross_entropy, None), TypeError, "generator"),
    ],
)
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=rf"^{name}\b"):
        call()


def test_real_and_fake_batches_may_differ_in_size():
    parts = discriminator_cross_entropy(logits(3, 16), logits(3, 8, seed=1))
    assert parts["loss"].shape == (3,)
    assert energy_contrast(logits(5), logits(7, seed=1))["loss"].shape == ()
