r"""The GAN losses, each named after the mathematics it computes (chapters 06 and 08).

A discriminator outputs a *logit* :math:`a(x)`, and :math:`D(x) = \sigma(a(x))` is its
probability that :math:`x` is real. Every loss is computed from logits, with
:math:`\log D = -\operatorname{softplus}(-a)` and :math:`\log(1 - D) =
-\operatorname{softplus}(a)`, which never overflow (chapter 04).

Each function returns a dict: ``"loss"``, the quantity to minimise, and its parts for
logging. Batches may carry leading dimensions (several models trained side by side, see
:mod:`ganbook.train`): a loss averages over the last batch dimension of the logits and keeps
the others, so ``"loss"`` has one entry per model.

A variant of the GAN is a pair (discriminator loss, generator loss) registered by name in
:data:`GAN_LOSSES`; :func:`ganbook.train.train_gan` picks one by that name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

Parts = dict[str, torch.Tensor]


def _logits(a: torch.Tensor, name: str) -> torch.Tensor:
    """``a``, checked: a floating-point tensor whose last dimension, the batch, is not empty.

    Logits are not checked for finiteness: a training that diverges records its NaN losses
    rather than stopping inside a loss.
    """
    if not isinstance(a, torch.Tensor) or not a.is_floating_point():
        raise ValueError(f"{name} must be a floating-point tensor of logits, got "
                         + (f"{a.dtype}" if isinstance(a, torch.Tensor) else type(a).__name__))
    if a.dim() == 0 or a.numel() == 0:
        raise ValueError(f"{name} must have a non-empty batch dimension, got {tuple(a.shape)}")
    return a


def _pair(real: torch.Tensor, fake: torch.Tensor, names: tuple[str, str]) -> None:
    """Real and fake scores must agree in their leading (model) dimensions."""
    _logits(real, names[0])
    _logits(fake, names[1])
    if real.shape[:-1] != fake.shape[:-1]:
        raise ValueError(f"{names[0]} and {names[1]} must agree in all but their last "
                         f"dimension, got {tuple(real.shape)} and {tuple(fake.shape)}")


def discriminator_cross_entropy(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> Parts:
    r"""The discriminator's binary cross-entropy, real labelled 1 and generated labelled 0.

    .. math:: L_D = \mathbb{E}_{x \sim p_{data}}[-\log D(x)]
                    + \mathbb{E}_{z \sim p_z}[-\log(1 - D(G(z)))] = -V(D, G)

    (source 000, 4.2.1). Minimising it maximises the value function :math:`V`.

    Returns:
        ``loss``, ``real`` (the first term), ``fake`` (the second), ``d_real`` and
        ``d_fake`` (the mean probabilities :math:`D` on each batch).
    """
    _pair(real_logits, fake_logits, ("real_logits", "fake_logits"))
    real = F.softplus(-real_logits).mean(-1)
    fake = F.softplus(fake_logits).mean(-1)
    return {
        "loss": real + fake,
        "real": real,
        "fake": fake,
        "d_real": torch.sigmoid(real_logits).mean(-1),
        "d_fake": torch.sigmoid(fake_logits).mean(-1),
    }


def generator_minimax(fake_logits: torch.Tensor) -> Parts:
    r"""The generator's minimax (saturating) loss :math:`\mathbb{E}_z[\log(1 - D(G(z)))]`.

    The term of :math:`V(D, G)` that depends on :math:`G` (Goodfellow et al. 2014). Its
    gradient with respect to the logit is :math:`-D(G(z))`, which vanishes when the
    discriminator confidently rejects the samples (chapter 06).
    """
    return {"loss": -F.softplus(_logits(fake_logits, "fake_logits")).mean(-1)}


def generator_nonsaturating(fake_logits: torch.Tensor) -> Parts:
    r"""The generator's non-saturating loss :math:`\mathbb{E}_z[-\log D(G(z))]`.

    Goodfellow et al.'s practical alternative: the same fixed point as the minimax loss,
    but a gradient with respect to the logit of :math:`-(1 - D(G(z)))`, strong exactly when
    the discriminator rejects the samples (chapter 06).
    """
    return {"loss": F.softplus(-_logits(fake_logits, "fake_logits")).mean(-1)}


def energy_contrast(real_energy: torch.Tensor, fake_energy: torch.Tensor) -> Parts:
    r"""The energy's loss :math:`\mathbb{E}_{x \sim p}[U(x)] - \mathbb{E}_z[U(G(z))]`.

    Equation 14 of source 004: the negative log-likelihood's gradient with the generator's
    samples standing in for the model's (the negative phase). The discriminator outputs an
    energy here, not a logit; :func:`ganbook.train.train_gan` adds the gradient penalty of
    equation 15 when ``TrainConfig.gradient_penalty`` is positive.

    Returns:
        ``loss``, ``u_real`` and ``u_fake`` (the mean energies).
    """
    _pair(real_energy, fake_energy, ("real_energy", "fake_energy"))
    real = real_energy.mean(-1)
    fake = fake_energy.mean(-1)
    return {"loss": real - fake, "u_real": real, "u_fake": fake}


def generator_energy(fake_energy: torch.Tensor) -> Parts:
    r"""The generator's loss :math:`\mathbb{E}_z[U(G(z))]` (equation 13, without entropy).

    ``TrainConfig.entropy`` adds the entropy term, through a mutual information.
    """
    return {"loss": _logits(fake_energy, "fake_energy").mean(-1)}


@dataclass(frozen=True)
class GANLoss:
    """A GAN variant: the discriminator's loss and the generator's loss, from logits."""

    discriminator: Callable[[torch.Tensor, torch.Tensor], Parts]
    generator: Callable[[torch.Tensor], Parts]

    def __post_init__(self) -> None:
        for name in ("discriminator", "generator"):
            if not callable(getattr(self, name)):
                raise TypeError(f"{name} must be callable, got "
                                f"{type(getattr(self, name)).__name__}")


#: The GAN variants by name.
GAN_LOSSES: dict[str, GANLoss] = {
    "minimax": GANLoss(discriminator_cross_entropy, generator_minimax),
    "nonsaturating": GANLoss(discriminator_cross_entropy, generator_nonsaturating),
    "energy": GANLoss(energy_contrast, generator_energy),
}


def get_loss(name: str) -> GANLoss:
    """The GAN variant registered as ``name`` in :data:`GAN_LOSSES`."""
    if not isinstance(name, str):
        raise TypeError(f"loss must be the name of a GAN variant, one of {sorted(GAN_LOSSES)}, "
                        f"got {type(name).__name__}")
    if name not in GAN_LOSSES:
        raise ValueError(f"loss must be one of {sorted(GAN_LOSSES)}, got {name!r}")
    return GAN_LOSSES[name]
