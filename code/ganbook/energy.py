r"""The energy view of GANs (Part III, source 004; Kumar et al. 2019).

An energy network :math:`U_\theta` defines :math:`q_\theta(x) = e^{-U_\theta(x)} / Z_\theta`.
The energy is trained to be low on data and high on the generator's samples, with a
gradient penalty on real samples (equation 15); the generator is trained to reach low
energy while keeping its entropy high, the entropy replaced by a mutual information between
:math:`X = G(z)` and :math:`z` (equations 16-18), estimated in one of two ways:

* :func:`infogan_loss`: the InfoGAN bound with an encoder :math:`E`, which turns into
  :math:`\lambda\,\mathbb{E}_z \|z - E(G(z))\|^2` (equations 19-21; Chen et al. 2016);
* :func:`mutual_information_jsd`: a statistics network :math:`T(x, z)` that tells pairs
  :math:`(G(z), z)` from pairs with shuffled :math:`z`, the Jensen-Shannon estimator of
  Deep InfoMax (Hjelm et al. 2019) that Kumar et al. (2019) use.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from ganbook.validate import finite_tensor, integer

Energy = Callable[[torch.Tensor], torch.Tensor]


def _batch(name: str, value: torch.Tensor, min_dim: int = 1) -> torch.Tensor:
    """``value``, a floating-point tensor with at least ``min_dim`` dimensions, none empty."""
    if not isinstance(value, torch.Tensor) or not value.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got {type(value).__name__}"
                        + (f" of {value.dtype}" if isinstance(value, torch.Tensor) else ""))
    if value.dim() < min_dim or value.numel() == 0:
        raise ValueError(f"{name} must have at least {min_dim} dimension(s), none of them "
                         f"empty, got shape {tuple(value.shape)}")
    return value


def _input_gradients(energy: Energy, x: torch.Tensor, sample_dims: int) -> torch.Tensor:
    """:math:`\nabla_x U(x)` per sample, flattened: (..., features), keeping the graph."""
    if not callable(energy):
        raise TypeError("energy must be callable: samples to one energy each")
    sample_dims = integer("sample_dims", sample_dims, minimum=1)
    if not isinstance(x, torch.Tensor) or not x.is_floating_point() or x.dim() <= sample_dims:
        raise ValueError(f"x must be a floating-point tensor with more than sample_dims="
                         f"{sample_dims} dimension(s): (n, ...) with n >= 1")
    x = finite_tensor("x", x)  # samples: finite, not empty
    x = x.detach().requires_grad_(True)
    u = energy(x)
    if not isinstance(u, torch.Tensor) or u.shape != x.shape[:sample_dims]:
        raise ValueError(f"energy must return one value per sample, shape "
                         f"{tuple(x.shape[:sample_dims])}, got {tuple(getattr(u, 'shape', ()))}")
    (grad,) = torch.autograd.grad(u.sum(), x, create_graph=True)
    return grad.flatten(sample_dims)


def gradient_penalty(energy: Energy, x: torch.Tensor, sample_dims: int = 1) -> torch.Tensor:
    r""":math:`\mathbb{E}_x \|\nabla_x U(x)\|^2`, without the weight :math:`\lambda`.

    On real samples this is the zero-centred penalty R1 of Mescheder et al. (2018), the
    penalty of the energy GAN (equation 15). The squared norm is taken per sample over every
    dimension that does not index samples (channels and pixels alike), then averaged over
    the batch. The result keeps the graph, so that it can be minimised with respect to the
    energy's parameters.

    Args:
        energy: :math:`U`, samples to one energy each: ``x.shape[:sample_dims]``.
        x: real samples, finite, (n, ...); with ``sample_dims=2``, (models, n, ...), as
            :func:`ganbook.train.train_gan` passes them for an ensemble.
        sample_dims: how many leading dimensions index samples, at least 1.

    Returns:
        A scalar, or one penalty per model (``x.shape[:sample_dims - 1]``).
    """
    return _input_gradients(energy, x, sample_dims).pow(2).sum(-1).mean(-1)


def lipschitz_penalty(energy: Energy, x: torch.Tensor, sample_dims: int = 1) -> torch.Tensor:
    r""":math:`\mathbb{E}_x (\|\nabla_x U(x)\| - 1)^2`: WGAN-GP's two-sided penalty.

    Gulrajani et al. (2017) take it at :func:`interpolates` of real and generated samples,
    pulling the critic's gradient norm towards 1 there (chapter 09). Same arguments and
    shapes as :func:`gradient_penalty`.
    """
    grad = _input_gradients(energy, x, sample_dims)
    return (grad.pow(2).sum(-1).sqrt() - 1).pow(2).mean(-1)


def interpolates(x_real: torch.Tensor, x_fake: torch.Tensor,
                 t: torch.Tensor) -> torch.Tensor:
    r"""Points :math:`t\,x + (1 - t)\,\tilde x` on the segments from generated to real samples.

    Args:
        x_real: real samples, (..., n, d).
        x_fake: generated samples, the same shape.
        t: one position in [0, 1] per pair, ``x_real.shape[:-1]`` (WGAN-GP draws it
            uniformly).
    """
    x_real = _batch("x_real", x_real, 2)
    x_fake = _batch("x_fake", x_fake, 2)
    if x_real.shape != x_fake.shape:
        raise ValueError(f"x_real and x_fake must have the same shape, got "
                         f"{tuple(x_real.shape)} and {tuple(x_fake.shape)}")
    t = _batch("t", t)
    if t.shape != x_real.shape[:-1]:
        raise ValueError(f"t must hold one position per pair, shape "
                         f"{tuple(x_real.shape[:-1])}, got {tuple(t.shape)}")
    if not bool(((t >= 0) & (t <= 1)).all()):
        raise ValueError("t must lie in [0, 1]")
    t = t.unsqueeze(-1)
    return t * x_real + (1 - t) * x_fake


def infogan_loss(z: torch.Tensor, z_reconstructed: torch.Tensor,
                 sample_dims: int = 1) -> torch.Tensor:
    r""":math:`\mathbb{E}_z \|z - E(G(z))\|^2`: minus the InfoGAN bound on :math:`I(X, Z)`.

    Up to constants, with :math:`p(z \mid x) = \mathcal{N}(z; E(x), \sigma^2 I)` (equation
    20). Minimised by the generator and the encoder together. ``sample_dims`` as for
    :func:`gradient_penalty`.
    """
    sample_dims = integer("sample_dims", sample_dims, minimum=1)
    _batch("z", z, sample_dims + 1)
    _batch("z_reconstructed", z_reconstructed)
    if z.shape != z_reconstructed.shape:
        raise ValueError(f"z and z_reconstructed must have the same shape, got "
                         f"{tuple(z.shape)} and {tuple(z_reconstructed.shape)}")
    return (z - z_reconstructed).pow(2).flatten(sample_dims).sum(-1).mean(-1)


def shuffle(z: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """``z`` with its rows permuted: samples of the product of the marginals."""
    if not isinstance(z, torch.Tensor) or z.dim() < 1:
        raise TypeError(f"z must be a tensor of shape (n, ...), got {type(z).__name__}"
                        + (f" of shape {tuple(z.shape)}" if isinstance(z, torch.Tensor) else ""))
    return z[torch.randperm(len(z), generator=generator).to(z.device)]


def jsd_mi_from_scores(joint: torch.Tensor, marginal: torch.Tensor) -> torch.Tensor:
    """The estimate of :func:`mutual_information_jsd` from the scores, mean over the last dim.

    ``joint`` and ``marginal`` may differ in their last dimension (the number of pairs) but
    not in the others (several models side by side).
    """
    _batch("joint", joint)
    _batch("marginal", marginal)
    if joint.shape[:-1] != marginal.shape[:-1]:
        raise ValueError(f"joint and marginal must agree in all but their last dimension, "
                         f"got {tuple(joint.shape)} and {tuple(marginal.shape)}")
    return (-F.softplus(-joint)).mean(-1) - F.softplus(marginal).mean(-1)


def mutual_information_jsd(statistics: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
                           x: torch.Tensor, z: torch.Tensor,
                           generator: torch.Generator | None = None) -> torch.Tensor:
    r"""The Jensen-Shannon estimate of :math:`I(X, Z)` with a statistics network :math:`T`.

    .. math:: \hat I = \mathbb{E}_{(x, z)}[-\operatorname{softplus}(-T(x, z))]
                       - \mathbb{E}_{(x, \tilde z)}[\operatorname{softplus}(T(x, \tilde z))]

    where :math:`(x, z)` are joint pairs :math:`(G(z), z)` and :math:`\tilde z` is ``z``
    shuffled over the batch. :math:`T` maximises it (it is a binary cross-entropy of telling
    the two kinds of pairs apart, as a GAN's discriminator does); the generator maximises it
    too, to keep :math:`X` informative about :math:`Z`. It is a monotone proxy of the
    mutual information, not its value in nats.

    Args:
        statistics: :math:`T`, a pair of batches (n, dx), (n, dz) to scores (n,).
        x, z: joint samples, (n, dx) and (n, dz).
        generator: the source of the shuffle.
    """
    if not callable(statistics):
        raise TypeError("statistics must be callable: a pair of batches to scores")
    _batch("x", x)
    _batch("z", z)
    if len(x) != len(z) or len(x) < 2:
        raise ValueError("x and z must have the same number of rows, at least two")
    return jsd_mi_from_scores(statistics(x, z), statistics(x, shuffle(z, generator)))
