"""One training loop for every GAN of the book; the variant is a loss chosen by name.

:func:`train_gan` alternates, as Algorithm 1 of Goodfellow et al. (2014) and source 002 do,
``d_steps`` updates of the discriminator on a real batch and a generated batch with
:func:`train_gan`'s generator frozen, then one update of the generator through the frozen
discriminator (source 001's loop). The losses come from :data:`ganbook.losses.GAN_LOSSES`.

Several models can be trained side by side: give :class:`ganbook.nets.EnsembleMLP`
networks and one seed per model. Every tensor then carries a leading model dimension
(E, batch, features); each model draws its own noise and data from its own
``torch.Generator`` seeded with its seed, so model ``e`` follows the same trajectory as
when it is trained alone with ``seeds=[seeds[e]]``. A plain network is an ensemble of one
(``nn.Linear`` broadcasts over the leading dimension).

The loop returns a :class:`History`; it plots nothing.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from ganbook.energy import (
    gradient_penalty,
    infogan_loss,
    interpolates,
    jsd_mi_from_scores,
    lipschitz_penalty,
)
from ganbook.losses import get_loss
from ganbook.validate import integer, real

#: Draws ``n`` real samples, shape (n, d), with the given generator.
Sampler = Callable[[int, torch.Generator], torch.Tensor]

#: The generator's entropy terms, from source 004's equations 18-21 (``ganbook.energy``).
#: None, the InfoGAN bound with an encoder aux(x) -> z, or the Deep InfoMax estimator
#: with a statistics network aux(concat(x, z)) -> score.
ENTROPY_TERMS = (None, "infogan", "infomax")


#: The learning-rate schedules, by name (constant, stepped down at milestones, cosine decay).
SCHEDULES = ("constant", "step", "cosine")

#: The optimisers, by name (Adam with ``betas``, or plain SGD with ``momentum``).
OPTIMIZERS = ("adam", "sgd")

#: Where the gradient penalty is taken. ``"r1"`` is :math:`\|\nabla D\|^2` at the real
#: samples (Mescheder et al. 2018; the energy GAN's equation 15), or ``"wgan-gp"``,
#: :math:`(\|\nabla D\| - 1)^2` at random points between real and generated samples
#: (Gulrajani et al. 2017).
PENALTIES = ("r1", "wgan-gp")


@dataclass(frozen=True)
class TrainConfig:
    """How to train a GAN. Every default is the book's choice for the toy problems."""

    loss: str = "nonsaturating"  # a name in ganbook.losses.GAN_LOSSES
    steps: int = 1000  # generator updates
    d_steps: int = 1  # discriminator updates per generator update (k of Algorithm 1)
    batch_size: int = 64  # samples per batch, real and generated alike
    latent_dim: int = 2  # dimension of z ~ N(0, I)
    lr_d: float = 1e-3  # the discriminator's (base) learning rate
    lr_g: float = 1e-3  # the generator's (base) learning rate
    betas: tuple[float, float] = (0.5, 0.999)  # Adam's betas (Radford et al. 2016)
    pack: int = 1  # PacGAN's packing degree: the discriminator judges `pack` samples at once
    log_every: int = 10  # record the history every `log_every` generator updates
    gradient_penalty: float = 0.0  # lambda, the weight of the gradient penalty
    penalty: str = "r1"  # which penalty: one of PENALTIES
    entropy: str | None = None  # the generator's entropy term: None, "infogan" or "infomax"
    entropy_weight: float = 1.0  # its weight in the generator's loss
    schedule: str = "constant"  # the learning rates' schedule: one of SCHEDULES
    milestones: tuple[int, ...] = ()  # "step": generator updates after which the rate drops
    lr_factors: tuple[float, ...] = ()  # "step": the base rate's factor after each milestone
    final_lr_factor: float = 0.0  # "cosine": the factor the rate decays to at the last step
    optimizer: str = "adam"  # one of OPTIMIZERS
    momentum: float = 0.0  # SGD's momentum
    entropy_factors: tuple[float, ...] = ()  # "step": entropy_weight's factor after each
    #   milestone (annealing the entropy term with the learning rate); () keeps it constant

    def __post_init__(self) -> None:
        get_loss(self.loss)  # validates the name
        for name in ("steps", "d_steps", "batch_size", "latent_dim", "pack", "log_every"):
            object.__setattr__(self, name, integer(name, getattr(self, name), minimum=1))
        if self.batch_size % self.pack:
            raise ValueError(f"batch_size ({self.batch_size}) must be a multiple of pack "
                             f"({self.pack})")
        for name in ("lr_d", "lr_g"):
            object.__setattr__(self, name, real(name, getattr(self, name), positive=True))
        if not isinstance(self.betas, (tuple, list)) or len(self.betas) != 2:
            raise ValueError(f"betas must be two numbers in [0, 1), got {self.betas!r}")
        object.__setattr__(self, "betas", tuple(
            real(f"betas[{i}]", b, nonnegative=True, below=1.0)
            for i, b in enumerate(self.betas)))
        for name in ("gradient_penalty", "entropy_weight", "momentum"):
            object.__setattr__(self, name, real(name, getattr(self, name), nonnegative=True))
        if self.momentum >= 1:
            raise ValueError(f"momentum must be below 1, got {self.momentum}")
        if self.entropy not in ENTROPY_TERMS:
            raise ValueError(f"entropy must be one of {ENTROPY_TERMS}, got {self.entropy!r}")
        if self.penalty not in PENALTIES:
            raise ValueError(f"penalty must be one of {PENALTIES}, got {self.penalty!r}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {self.optimizer!r}")
        if self.schedule not in SCHEDULES:
            raise ValueError(f"schedule must be one of {SCHEDULES}, got {self.schedule!r}")
        milestones = tuple(integer("milestones", m, minimum=1, maximum=self.steps - 1)
                           for m in self.milestones)
        factors = tuple(real("lr_factors", f, positive=True) for f in self.lr_factors)
        if list(milestones) != sorted(set(milestones)):
            raise ValueError(f"milestones must increase, got {milestones}")
        if len(factors) != len(milestones):
            raise ValueError(f"lr_factors must have one factor per milestone: "
                             f"{len(milestones)} milestones, {len(factors)} factors")
        entropy_factors = tuple(real("entropy_factors", f, nonnegative=True)
                                for f in self.entropy_factors)
        if entropy_factors and len(entropy_factors) != len(milestones):
            raise ValueError(f"entropy_factors must have one factor per milestone: "
                             f"{len(milestones)} milestones, {len(entropy_factors)} factors")
        if entropy_factors and self.entropy is None:
            raise ValueError("entropy_factors need an entropy term (entropy is None)")
        object.__setattr__(self, "entropy_factors", entropy_factors)
        if milestones and self.schedule != "step":
            raise ValueError(f'milestones are for schedule="step", not {self.schedule!r}')
        object.__setattr__(self, "milestones", milestones)
        object.__setattr__(self, "lr_factors", factors)
        object.__setattr__(self, "final_lr_factor", real(
            "final_lr_factor", self.final_lr_factor, nonnegative=True, at_most=1.0))

    def lr_factor(self, step: int) -> float:
        """The factor of the base learning rates used by generator update ``step`` (1-based).

        ``"constant"``: 1. ``"step"``: 1 up to the first milestone, then ``lr_factors[i]``
        for the updates after milestone ``i``. ``"cosine"``: from 1 at the first update down
        to ``final_lr_factor`` at the last, along half a cosine.
        """
        step = integer("step", step, minimum=1, maximum=self.steps)
        if self.schedule == "step":
            factor = 1.0
            for milestone, f in zip(self.milestones, self.lr_factors):
                if step > milestone:
                    factor = f
            return factor
        if self.schedule == "cosine":
            progress = (step - 1) / max(self.steps - 1, 1)
            floor = self.final_lr_factor
            return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress))
        return 1.0

    def entropy_factor(self, step: int) -> float:
        """The factor of ``entropy_weight`` at generator update ``step`` (1-based): 1 up to
        the first milestone, then ``entropy_factors[i]`` after milestone ``i`` (1 throughout
        when ``entropy_factors`` is empty)."""
        step = integer("step", step, minimum=1, maximum=self.steps)
        factor = 1.0
        for milestone, f in zip(self.milestones, self.entropy_factors):
            if step > milestone:
                factor = f
        return factor


@dataclass
class History:
    """What :func:`train_gan` recorded: one row every ``log_every`` generator updates.

    Every entry of ``values`` is a tensor (rows, E): one column per model.
    """

    steps: list[int] = field(default_factory=list)
    values: dict[str, list[torch.Tensor]] = field(default_factory=dict)
    snapshots: dict[int, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def record(self, step: int, row: dict[str, torch.Tensor]) -> None:
        self.steps.append(step)
        for key, value in row.items():
            self.values.setdefault(key, []).append(value.detach().reshape(-1).cpu())

    def __getitem__(self, key: str) -> torch.Tensor:
        return torch.stack(self.values[key])  # (rows, E)


def pack_samples(x: torch.Tensor, pack: int) -> torch.Tensor:
    """(E, B, d) to (E, B / pack, pack * d): PacGAN's discriminator input (Lin et al. 2018)."""
    e, b, d = x.shape
    return x.reshape(e, b // pack, pack * d)


def _gradient_norm(module: nn.Module, n_models: int) -> torch.Tensor:
    """The norm of the gradient of each model's parameters, shape (E,)."""
    squares = torch.zeros(n_models, dtype=torch.float64)
    for p in module.parameters():
        if p.grad is not None:
            squares += p.grad.detach().double().reshape(n_models, -1).pow(2).sum(1).cpu()
    return squares.sqrt()


def _optimizer(config: TrainConfig, params, lr: float) -> torch.optim.Optimizer:
    if config.optimizer == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=config.momentum)
    return torch.optim.Adam(params, lr=lr, betas=config.betas)


def _progress(total: int, enabled: bool | None):
    if enabled is None:
        enabled = os.environ.get("GANBOOK_PROGRESS", "1") != "0"
    if not enabled:
        return None
    from tqdm.auto import tqdm

    # A study run by `make experiments` names its bar and keeps to its own line.
    return tqdm(total=total, leave=False, desc=os.environ.get("GANBOOK_BAR_LABEL"),
                position=int(os.environ.get("GANBOOK_BAR_POSITION", "0")))


def train_gan(
    generator: nn.Module,
    discriminator: nn.Module,
    sample_real: Sampler,
    config: TrainConfig,
    seeds: Sequence[int] = (0,),
    *,
    snapshot: Callable[[nn.Module, nn.Module], Any] | None = None,
    snapshot_steps: Sequence[int] = (),
    progress: bool | None = None,
    aux: nn.Module | None = None,
    stop_after: int | None = None,
) -> History:
    """Train ``generator`` against ``discriminator`` and return the history.

    Args:
        generator: maps z, (E, B, latent_dim), to samples (E, B, d).
        discriminator: maps samples (E, B / pack, pack * d) to logits (E, B / pack, 1).
        sample_real: draws real samples: ``sample_real(n, torch_generator)`` -> (n, d).
        config: the training's settings.
        seeds: one seed per model (E = len(seeds)); each seeds the model's noise and data.
            The networks' weights are initialised by their constructor.
        snapshot: called as ``snapshot(generator, discriminator)`` (in ``torch.no_grad``)
            before the first update when 0 is in ``snapshot_steps``, and after the updates
            whose number is in ``snapshot_steps``; its results go to ``History.snapshots``.
        progress: a progress bar; by default on, unless the environment sets
            ``GANBOOK_PROGRESS=0`` (as the Makefile does for execution that stores or
            checks outputs).
        aux: the network of the entropy term when ``config.entropy`` is set: an encoder
            (E, B, d) -> (E, B, latent_dim) for ``"infogan"``, a statistics network
            (E, B, d + latent_dim) -> (E, B, 1) for ``"infomax"``. It is trained with the
            generator, on the generator's loss, with the generator's learning rate.
        stop_after: stop after this many generator updates (default: ``config.steps``),
            with the learning rates the full schedule gives them: the first updates of a
            long training, exactly (the live checks of the stored studies use it).

    Returns:
        A :class:`History` with ``d_loss``, ``g_loss``, ``g_grad_norm`` (the norm of the
        generator's gradient) and every other part the losses return (``d_real`` and
        ``d_fake``, the mean of :math:`D`, for the cross-entropy losses; ``u_real`` and
        ``u_fake``, the mean energies, for ``"energy"``; ``penalty`` and ``entropy_term``
        when they are on), one column per model.
    """
    if not isinstance(config, TrainConfig):
        raise ValueError(f"config must be a TrainConfig, got {type(config).__name__}")
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    if len(seeds) > 1:
        for name, net in (("generator", generator), ("discriminator", discriminator)):
            if any(p.dim() == 0 or p.shape[0] != len(seeds) for p in net.parameters()):
                raise ValueError(f"with {len(seeds)} seeds, {name} must hold as many models "
                                 "(a ganbook.nets.EnsembleMLP with one seed per model)")
    if (config.entropy is None) != (aux is None):
        raise ValueError("aux must be given exactly when config.entropy is set")
    loss = get_loss(config.loss)
    device = next(generator.parameters()).device
    n_models, batch = len(seeds), config.batch_size
    rngs = [torch.Generator().manual_seed(s) for s in seeds]
    last = config.steps if stop_after is None else integer(
        "stop_after", stop_after, minimum=1, maximum=config.steps)
    g_params = list(generator.parameters()) + (list(aux.parameters()) if aux else [])
    opt_d = _optimizer(config, discriminator.parameters(), config.lr_d)
    opt_g = _optimizer(config, g_params, config.lr_g)

    def noise() -> torch.Tensor:  # (E, B, latent_dim)
        return torch.stack([torch.randn(batch, config.latent_dim, generator=g) for g in rngs]
                           ).to(device)

    def real() -> torch.Tensor:  # (E, B, d)
        return torch.stack([sample_real(batch, g) for g in rngs]).to(device)

    def judge(x: torch.Tensor) -> torch.Tensor:  # logits or energies, (E, B / pack)
        return discriminator(pack_samples(x, config.pack)).squeeze(-1)

    def entropy_term(x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:  # (E,), to minimise
        if config.entropy == "infogan":
            return infogan_loss(z, aux(x), sample_dims=2)
        shuffled = torch.stack([z[e][torch.randperm(batch, generator=g).to(device)]
                                for e, g in enumerate(rngs)])
        joint = aux(torch.cat([x, z], -1)).squeeze(-1)
        marginal = aux(torch.cat([x, shuffled], -1)).squeeze(-1)
        return -jsd_mi_from_scores(joint, marginal)

    def penalty(x_real: torch.Tensor, x_fake: torch.Tensor) -> torch.Tensor:  # (E,)
        if config.penalty == "r1":
            return gradient_penalty(judge, x_real, sample_dims=2)
        t = torch.stack([torch.rand(batch, generator=g) for g in rngs]).to(device)
        return lipschitz_penalty(judge, interpolates(x_real, x_fake, t), sample_dims=2)

    history = History()
    snapshot_steps = set(snapshot_steps)
    if snapshot is not None and 0 in snapshot_steps:
        with torch.no_grad():
            history.snapshots[0] = snapshot(generator, discriminator)
    bar = _progress(last, progress)
    start = time.perf_counter()
    for step in range(1, last + 1):
        factor = config.lr_factor(step)
        for opt, base in ((opt_d, config.lr_d), (opt_g, config.lr_g)):
            for group in opt.param_groups:
                group["lr"] = base * factor
        for _ in range(config.d_steps):  # the discriminator, the generator frozen
            x_real = real()
            with torch.no_grad():
                x_fake = generator(noise())
            d_parts = loss.discriminator(judge(x_real), judge(x_fake))
            if config.gradient_penalty > 0:
                d_parts["penalty"] = penalty(x_real, x_fake)
                d_parts["loss"] = d_parts["loss"] + config.gradient_penalty * d_parts["penalty"]
            opt_d.zero_grad(set_to_none=True)
            d_parts["loss"].sum().backward()
            opt_d.step()
        # the generator, through the frozen discriminator (its gradients are discarded)
        z = noise()
        x_gen = generator(z)
        g_parts = loss.generator(judge(x_gen))
        if config.entropy is not None:
            g_parts["entropy_term"] = entropy_term(x_gen, z)
            weight = config.entropy_weight * config.entropy_factor(step)
            g_parts["loss"] = g_parts["loss"] + weight * g_parts["entropy_term"]
        opt_g.zero_grad(set_to_none=True)
        g_parts["loss"].sum().backward()
        opt_g.step()
        opt_d.zero_grad(set_to_none=True)
        if step % config.log_every == 0 or step == last:
            row = {"d_loss": d_parts["loss"], "g_loss": g_parts["loss"],
                   "g_grad_norm": _gradient_norm(generator, n_models)}
            row.update({k: v for k, v in {**d_parts, **g_parts}.items() if k != "loss"})
            history.record(step, row)
        if snapshot is not None and step in snapshot_steps:
            with torch.no_grad():
                history.snapshots[step] = snapshot(generator, discriminator)
        if bar is not None:
            bar.update()
    history.seconds = time.perf_counter() - start
    if bar is not None:
        bar.close()
    return history
