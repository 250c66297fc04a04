r"""An energy model trained by maximum likelihood, its negative phase from MCMC (chapter 10).

The gradient of the negative log-likelihood of :math:`q_\theta = e^{-U_\theta}/Z_\theta`
is a positive phase minus a negative phase (source 004, equation 6),

.. math:: \nabla_\theta L_\theta = \mathbb{E}_{x \sim p}[\nabla_\theta U_\theta(x)]
          - \mathbb{E}_{x \sim q_\theta}[\nabla_\theta U_\theta(x)] ,

and :func:`train_energy_mcmc` estimates the negative phase with samples of short Langevin
chains (:func:`ganbook.sampling.langevin`'s step). Each update it

1. draws ``batch_size`` data points and ``batch_size`` chains: from a *replay buffer* of
   persistent chains (Du and Mordatch 2019; persistent chains go back to Tieleman 2008),
   a share ``reinit`` of them restarted from uniform noise, or, without a buffer, all from
   noise (the short-run, non-persistent chains of Nijkamp et al. 2019);
2. runs ``chain_steps`` (:math:`K`) Langevin steps
   :math:`x \leftarrow x - \tfrac{\varepsilon}{2} \nabla_x U_\theta(x) + \sqrt{\varepsilon}
   \,\xi` on them, and writes them back into the buffer;
3. takes one Adam step on the loss of Du and Mordatch (2019), with their regulariser,

   .. math:: \mathbb{E}_{\text{data}}[U_\theta] - \mathbb{E}_{\text{neg}}[U_\theta]
             + \alpha\bigl(\mathbb{E}_{\text{data}}[U_\theta^2]
             + \mathbb{E}_{\text{neg}}[U_\theta^2]\bigr),

   whose gradient, for :math:`\alpha = 0` and negative samples of :math:`q_\theta`, is the
   one above. The regulariser keeps the energies near zero. Du and Mordatch add further
   stabilisers (spectral normalisation, clipped Langevin gradients) that this function
   leaves out.

The chains follow the book's Langevin step exactly (noise :math:`\sqrt{\varepsilon}`, drift
:math:`\varepsilon/2`); Du and Mordatch scale the drift and the noise separately, which
samples :math:`q_\theta` at another temperature.

As in :mod:`ganbook.train`, several models train side by side: give a
:class:`ganbook.nets.EnsembleMLP` and one seed per model. Each model draws its data, its
buffer's indices and every noise from its own ``torch.Generator``, so model ``e`` follows
the same trajectory as when it is trained alone with ``seeds=[seeds[e]]``.

Stored studies (:data:`STUDIES`, run by ``python -m ganbook.ebm``) train the energies of
the ring of 8 and the grid of 25 with and without the buffer and with short and long
chains, and score samples of the trained energies drawn by long MALA chains with PacGAN's
protocol, as :mod:`ganbook.experiments` does for the GANs.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ganbook.report import say
from ganbook.sampling import energy_and_grad
from ganbook.train import History
from ganbook.validate import integer, real

#: Draws ``n`` real samples, shape (n, d), with the given generator.
Sampler = Callable[[int, torch.Generator], torch.Tensor]


@dataclass(frozen=True)
class MCMCConfig:
    """How to train an energy by maximum likelihood with Langevin chains."""

    steps: int = 3000  # parameter updates
    batch_size: int = 256  # data points and negative samples per update
    chain_steps: int = 40  # K: Langevin steps run on the negative samples per update
    step_size: float = 1e-3  # epsilon of the Langevin step
    buffer_size: int = 10000  # persistent chains per model; 0: every chain starts from noise
    reinit: float = 0.05  # share of the chains drawn from the buffer restarted from noise
    noise_box: float = 1.5  # noise is uniform on [-noise_box, noise_box]^d
    regularizer: float = 0.1  # alpha, the weight of E_data[U^2] + E_neg[U^2]
    temperature: float = 1.0  # T: the model is q(x) ~ exp(-U(x) / T), and so are the chains
    lr: float = 1e-3  # Adam's (base) learning rate
    betas: tuple[float, float] = (0.0, 0.999)  # Adam's betas (Du and Mordatch 2019)
    milestones: tuple[int, ...] = ()  # updates after which the learning rate drops
    lr_factors: tuple[float, ...] = ()  # the base rate's factor after each milestone
    log_every: int = 10  # record the history every `log_every` updates

    def __post_init__(self) -> None:
        for name in ("steps", "batch_size", "chain_steps", "log_every"):
            object.__setattr__(self, name, integer(name, getattr(self, name), minimum=1))
        object.__setattr__(self, "buffer_size",
                           integer("buffer_size", self.buffer_size, minimum=0))
        if 0 < self.buffer_size < self.batch_size:
            raise ValueError(f"buffer_size must be 0 (no buffer) or at least batch_size "
                             f"({self.batch_size}), got {self.buffer_size}")
        for name in ("step_size", "noise_box", "lr", "temperature"):
            object.__setattr__(self, name, real(name, getattr(self, name), positive=True))
        object.__setattr__(self, "reinit", real("reinit", self.reinit, nonnegative=True,
                                                at_most=1.0))
        object.__setattr__(self, "regularizer",
                           real("regularizer", self.regularizer, nonnegative=True))
        if not isinstance(self.betas, (tuple, list)) or len(self.betas) != 2:
            raise ValueError(f"betas must be two numbers in [0, 1), got {self.betas!r}")
        object.__setattr__(self, "betas", tuple(
            real(f"betas[{i}]", b, nonnegative=True, below=1.0)
            for i, b in enumerate(self.betas)))
        if isinstance(self.milestones, (str, bytes)) or isinstance(self.lr_factors,
                                                                   (str, bytes)):
            raise TypeError("milestones and lr_factors must be sequences of numbers")
        milestones = tuple(integer("milestones", m, minimum=1, maximum=self.steps - 1)
                           for m in self.milestones)
        if list(milestones) != sorted(set(milestones)):
            raise ValueError(f"milestones must increase, got {milestones}")
        factors = tuple(real("lr_factors", f, positive=True) for f in self.lr_factors)
        if len(factors) != len(milestones):
            raise ValueError(f"lr_factors must have one factor per milestone: "
                             f"{len(milestones)} milestones, {len(factors)} factors")
        object.__setattr__(self, "milestones", milestones)
        object.__setattr__(self, "lr_factors", factors)

    def lr_factor(self, step: int) -> float:
        """The factor of ``lr`` used by update ``step`` (1-based): 1 up to the first
        milestone, then ``lr_factors[i]`` for the updates after milestone ``i``."""
        step = integer("step", step, minimum=1, maximum=self.steps)
        factor = 1.0
        for milestone, f in zip(self.milestones, self.lr_factors):
            if step > milestone:
                factor = f
        return factor


@dataclass
class MCMCTraining:
    """What :func:`train_energy_mcmc` returns.

    Attributes:
        history: one row every ``log_every`` updates, one column per model: ``loss``,
            ``u_data`` and ``u_neg`` (the mean energies of the data and of the negative
            samples), ``age`` (the mean number of Langevin steps the negative samples have
            run since they left the noise) and ``grad_norm`` (of the parameters).
        buffer: the replay buffer at the end, (E, buffer_size, d), or ``None`` without one.
        ages: the Langevin steps each chain of the buffer has run since it left the noise,
            (E, buffer_size), or ``None``.
        negatives: the last update's negative samples, (E, batch_size, d).
    """

    history: History
    buffer: torch.Tensor | None
    ages: torch.Tensor | None
    negatives: torch.Tensor


def _parameter_norms(module: nn.Module, n_models: int) -> torch.Tensor:
    squares = torch.zeros(n_models, dtype=torch.float64)
    for p in module.parameters():
        if p.grad is not None:
            squares += p.grad.detach().double().reshape(n_models, -1).pow(2).sum(1).cpu()
    return squares.sqrt()


def train_energy_mcmc(
    energy: nn.Module,
    sample_real: Sampler,
    config: MCMCConfig,
    seeds: Sequence[int] = (0,),
    *,
    stop_after: int | None = None,
    snapshot: Callable[[nn.Module], Any] | None = None,
    snapshot_steps: Sequence[int] = (),
) -> MCMCTraining:
    """Train ``energy`` by maximum likelihood, the negative phase from Langevin chains.

    Args:
        energy: :math:`U_\\theta`, maps points (E, B, d) to energies (E, B, 1): a
            :class:`ganbook.nets.EnsembleMLP` with one model per seed, or, for one seed, any
            network that broadcasts over the leading dimension (``ganbook.nets.mlp``).
            Trained in place; the device of its parameters is used throughout.
        sample_real: draws real samples: ``sample_real(n, torch_generator)`` -> (n, d).
        config: the training's settings.
        seeds: one seed per model (E = len(seeds)); each seeds the model's data and chains.
            The network's weights are initialised by its constructor.
        stop_after: stop after this many updates (default: ``config.steps``), with the
            learning rates of the full schedule: the first updates of a long training,
            exactly (the live check of a stored study uses it).
        snapshot: called as ``snapshot(energy)`` (in ``torch.no_grad``) after the updates
            whose number is in ``snapshot_steps``; its results go to
            ``history.snapshots``.

    Returns:
        An :class:`MCMCTraining`: the history, the buffer and its chains' ages, and the last
        negative samples.
    """
    if not isinstance(energy, nn.Module):
        raise TypeError(f"energy must be a torch.nn.Module, got {type(energy).__name__}")
    if not callable(sample_real):
        raise TypeError("sample_real must be callable: (n, torch.Generator) -> (n, d)")
    if not isinstance(config, MCMCConfig):
        raise ValueError(f"config must be an MCMCConfig, got {type(config).__name__}")
    if isinstance(seeds, (str, bytes)):
        raise TypeError("seeds must be a sequence of ints")
    seeds = [integer(f"seeds[{i}]", s, minimum=0) for i, s in enumerate(seeds)]
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    params = list(energy.parameters())
    if not params:
        raise ValueError("energy must have parameters to train")
    if len(seeds) > 1 and any(p.dim() == 0 or p.shape[0] != len(seeds) for p in params):
        raise ValueError(f"with {len(seeds)} seeds, energy must hold as many models "
                         "(a ganbook.nets.EnsembleMLP with one seed per model)")
    last = config.steps if stop_after is None else integer(
        "stop_after", stop_after, minimum=1, maximum=config.steps)
    device, dtype = params[0].device, params[0].dtype
    n_models, batch, c = len(seeds), config.batch_size, config
    rngs = [torch.Generator().manual_seed(s) for s in seeds]

    def real() -> torch.Tensor:  # (E, B, d)
        return torch.stack([sample_real(batch, g) for g in rngs]).to(device, dtype)

    probe = sample_real(1, torch.Generator().manual_seed(0))  # the data's dimension
    if not isinstance(probe, torch.Tensor) or probe.dim() != 2 or len(probe) != 1:
        raise ValueError("sample_real(n, generator) must return a tensor of shape (n, d)")
    dim = probe.shape[1]

    def uniform(n: int) -> torch.Tensor:  # (E, n, d), uniform on the noise box
        return torch.stack([(2 * torch.rand(n, dim, generator=g) - 1) * c.noise_box
                            for g in rngs]).to(device, dtype)

    def energies(x: torch.Tensor) -> torch.Tensor:  # U / T: (E * n, d) -> (E * n,)
        return energy(x.view(n_models, -1, dim)).reshape(-1) / c.temperature

    buffer = uniform(c.buffer_size) if c.buffer_size else None
    ages = (torch.zeros(n_models, c.buffer_size, dtype=torch.long, device=device)
            if c.buffer_size else None)
    optimizer = torch.optim.Adam(params, lr=c.lr, betas=c.betas)
    history = History()
    snapshot_steps = set(snapshot_steps)
    start = time.perf_counter()
    for step in range(1, last + 1):
        for group in optimizer.param_groups:
            group["lr"] = c.lr * c.lr_factor(step)
        x_real = real()
        # negative samples: from the buffer (a share restarted) or all from noise
        if buffer is None:
            x, age = uniform(batch), torch.zeros(n_models, batch, dtype=torch.long,
                                                 device=device)
        else:
            index = torch.stack([torch.randperm(c.buffer_size, generator=g)[:batch]
                                 for g in rngs]).to(device)  # (E, B), no repeats
            restart = torch.stack([torch.rand(batch, generator=g) < c.reinit
                                   for g in rngs]).to(device)  # (E, B)
            fresh = uniform(batch)
            x = torch.where(restart[..., None], fresh, buffer.gather(
                1, index[..., None].expand(-1, -1, dim)))
            age = torch.where(restart, 0, ages.gather(1, index))
        x = x.reshape(n_models * batch, dim)
        for _ in range(c.chain_steps):  # Langevin, each model with its own noise
            _, grad = energy_and_grad(energies, x)
            noise = torch.stack([torch.randn(batch, dim, generator=g) for g in rngs])
            x = (x - c.step_size / 2 * grad
                 + math.sqrt(c.step_size) * noise.to(device, dtype).reshape(-1, dim))
        x = x.view(n_models, batch, dim)
        age = age + c.chain_steps
        if buffer is not None:
            buffer.scatter_(1, index[..., None].expand(-1, -1, dim), x)
            ages.scatter_(1, index, age)
        u_data = energy(x_real).squeeze(-1)  # (E, B)
        u_neg = energy(x).squeeze(-1)
        loss = (u_data.mean(1) - u_neg.mean(1)
                + c.regularizer * (u_data.pow(2).mean(1) + u_neg.pow(2).mean(1)))  # (E,)
        optimizer.zero_grad(set_to_none=True)
        loss.sum().backward()
        optimizer.step()
        if step % c.log_every == 0 or step == last:
            history.record(step, {"loss": loss, "u_data": u_data.mean(1),
                                  "u_neg": u_neg.mean(1), "age": age.double().mean(1),
                                  "grad_norm": _parameter_norms(energy, n_models)})
        if snapshot is not None and step in snapshot_steps:
            with torch.no_grad():
                history.snapshots[step] = snapshot(energy)
    history.seconds = time.perf_counter() - start
    return MCMCTraining(history, buffer, ages, x.detach())


# --- Stored studies -----------------------------------------------------------------------

#: The toy data sets, by name (PacGAN's ring of 8 and grid of 25, :mod:`ganbook.toy`).
DATASETS = {"ring8": "RING8", "grid25": "GRID25"}

#: Half the side of the square of uniform noise the chains start from, per data set (the
#: square of chapter 11's uniform baseline).
NOISE_BOX = {"ring8": 1.5, "grid25": 5.0}

#: Samples scored per seed (PacGAN's protocol, as :data:`ganbook.experiments.N_EVAL`).
N_EVAL = 2500

#: Updates re-trained by the cheap live check of a stored study.
PREFIX = 50

#: A stored study keeps its training's history every this many updates.
HISTORY_EVERY = 50


def mixture(data: str):
    """The :class:`ganbook.toy.GaussianMixture` of a data set named in :data:`DATASETS`."""
    from ganbook import toy

    if data not in DATASETS:
        raise ValueError(f"data must be one of {sorted(DATASETS)}, got {data!r}")
    return getattr(toy, DATASETS[data])


@dataclass(frozen=True)
class Study:
    """An energy trained by :func:`train_energy_mcmc` on a toy data set, over several seeds,
    and scored on samples of long MALA chains (:func:`long_run_samples`)."""

    name: str  # the file names of its results: results/NAME.json and NAME.pt
    description: str  # a few words, shown in tables
    data: str  # a key of DATASETS
    config: MCMCConfig  # the training
    hidden: tuple[int, ...] = (128, 128, 128)  # hidden widths (chapter 11's energy's)
    activation: str = "leaky_relu"  # its hidden activation
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)  # one model per seed
    n_eval: int = N_EVAL  # samples scored per seed
    sampler_steps: int = 300  # MALA steps from noise; scored after this many and twice
    sampler_step_size: float | None = None  # MALA's step (default: config.step_size / 4)

    def fingerprint(self) -> str:
        """A hash of everything that determines the results."""
        text = json.dumps(dataclasses.asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def mala_step(self) -> float:
        """The step size of the scoring MALA chains."""
        return self.config.step_size / 4 if self.sampler_step_size is None \
            else self.sampler_step_size


def _study(name: str, description: str, data: str, study: dict | None = None,
           **config: Any) -> Study:
    return Study(f"ebm-{data}-{name}", description, data,
                 MCMCConfig(noise_box=NOISE_BOX[data], **{**_TRAINING[data], **config}),
                 **(study or {}))


#: The training shared by a data set's studies: batch 256, the Langevin step of the
#: chains' noise at the modes' standard deviation (sqrt(step) = 0.01 on the ring, 0.05 on
#: the grid), the model at temperature 0.01 (Du and Mordatch's sampler, whose drift and
#: noise differ, samples one too), Adam at 1e-3, stepped down for the last third of the
#: updates. The grid needs twice the updates of the ring: at 1,500 its energy put 87 % of
#: its samples on the modes, at 3,000 95 % (seeds 0-2).
_TRAINING: dict[str, dict[str, Any]] = {
    "ring8": {"steps": 1500, "step_size": 1e-4, "temperature": 0.01,
              "milestones": (1000, 1250), "lr_factors": (0.3, 0.1)},
    "grid25": {"steps": 3000, "step_size": 2.5e-3, "temperature": 0.01,
               "milestones": (2000, 2500), "lr_factors": (0.3, 0.1)},
}

#: The studies by name. On each data set the replay buffer with short chains (K = 10),
#: then one change at a time (no buffer, so that every chain starts from noise; on the
#: ring also four times longer chains without a buffer); and, as a check of convergence, each
#: buffer study trained twice as long, for two of the seeds (the budget of the studies,
#: about half an hour of one core, pays for no more).
STUDIES: dict[str, Study] = {
    study.name: study
    for study in (
        *(
            study
            for data in ("ring8", "grid25")
            for study in (
                _study("buffer-k10", "buffer, K = 10", data, chain_steps=10),
                _study("noise-k10", "no buffer, K = 10", data, chain_steps=10,
                       buffer_size=0),
            )
        ),
        _study("noise-k40", "no buffer, K = 40", "ring8", chain_steps=40, buffer_size=0),
        *(
            _study("buffer-k10-long", "buffer, K = 10, twice the updates", data,
                   {"seeds": (0, 1)}, chain_steps=10, steps=2 * _TRAINING[data]["steps"],
                   milestones=tuple(2 * m for m in _TRAINING[data]["milestones"]))
            for data in ("ring8", "grid25")
        ),
    )
}


def build_energy(study: Study, seeds: Sequence[int]):
    """The energy ensemble of a study: 2 -> hidden -> 1, one model per seed (+40,000)."""
    from ganbook.nets import EnsembleMLP

    dim = mixture(study.data).dim
    return EnsembleMLP([40_000 + s for s in seeds], [dim, *study.hidden, 1],
                       study.activation)


def _check_seeds(study: Study, seeds: Sequence[int] | None) -> list[int]:
    if not isinstance(study, Study):
        raise TypeError(f"study must be a ganbook.ebm.Study, got {type(study).__name__}")
    seeds = list(study.seeds) if seeds is None else list(seeds)
    if not seeds or any(s not in study.seeds for s in seeds):
        raise ValueError(f"seeds must be some of the study's {list(study.seeds)}, got {seeds}")
    return seeds


def _scaled(net: nn.Module, temperature: float) -> Callable[[torch.Tensor], torch.Tensor]:
    """The model's energy U / T of a plain network: points (n, d) -> (n,)."""
    def energy(x: torch.Tensor) -> torch.Tensor:
        return net(x).squeeze(-1) / temperature

    return energy


def noise_start(study: Study, seed: int) -> tuple[torch.Tensor, torch.Generator]:
    """The ``n_eval`` starting points of the scored chains of ``seed`` (uniform on the noise
    box) and the generator that then drives the chains (seeded by 20,000 + ``seed``)."""
    g = torch.Generator().manual_seed(20_000 + seed)
    dim = mixture(study.data).dim
    x0 = (2 * torch.rand(study.n_eval, dim, generator=g) - 1) * study.config.noise_box
    return x0, g


def long_run_samples(net: nn.Module, study: Study, seed: int,
                     longer: bool = True) -> dict[str, Any]:
    """Samples of a trained energy (a plain network), by MALA from uniform noise.

    MALA (:func:`ganbook.sampling.mala`) targets :math:`q_\\theta \\propto e^{-U_\\theta/T}`
    exactly at any step size; ``n_eval`` chains run ``sampler_steps`` steps (the scored
    samples), then, if ``longer``, as many again (the convergence check: a chain twice as
    long).

    Returns:
        A dict with ``samples``, (n_eval, d), ``acceptance``, the acceptance rate of the
        first ``sampler_steps`` steps, ``longer``, (n_eval, d) or None, and
        ``acceptance_longer``, the rate of the steps after them or None.
    """
    from ganbook.sampling import mala

    x0, g = noise_start(study, seed)
    device = next(net.parameters()).device
    energy = _scaled(net, study.config.temperature)
    with torch.no_grad():
        first, rate = mala(energy, x0.to(device), study.mala_step, study.sampler_steps,
                           generator=g)
        if not longer:
            return {"samples": first.cpu(), "acceptance": rate, "longer": None,
                    "acceptance_longer": None}
        second, rate_2 = mala(energy, first, study.mala_step, study.sampler_steps,
                              generator=g)
    return {"samples": first.cpu(), "acceptance": rate, "longer": second.cpu(),
            "acceptance_longer": rate_2}


def short_run_samples(net: nn.Module, study: Study, seed: int) -> torch.Tensor:
    """``n_eval`` chains of ``chain_steps`` unadjusted Langevin steps from uniform noise:
    the negative samples of the training without a buffer (noise seeded by 20,000 +
    ``seed``, the starting points of :func:`long_run_samples`)."""
    from ganbook.sampling import langevin

    x0, g = noise_start(study, seed)
    device = next(net.parameters()).device
    c = study.config
    return langevin(_scaled(net, c.temperature), x0.to(device), c.step_size, c.chain_steps,
                    generator=g).cpu()


def score(samples: torch.Tensor, data: str) -> dict[str, Any]:
    r"""PacGAN's scores of ``samples`` (:func:`ganbook.metrics.mode_stats`), and ``width``:
    the median distance of the samples to their nearest mode over the data's own,
    :math:`\sigma \sqrt{2 \ln 2}` in two dimensions (1: as wide as the data's modes; below 1:
    narrower). Samples that are not finite score 0 modes, 0 high quality and an undefined
    reverse KL and width."""
    from ganbook.metrics import mode_stats

    mix = mixture(data)
    if not torch.isfinite(samples).all():
        return {"modes": 0, "high_quality": 0.0, "reverse_kl": math.nan, "width": math.nan,
                "diverged": True}
    if mix.dim != 2:
        raise ValueError(f"data must be two-dimensional, got {mix.dim} dimensions")
    distance = torch.cdist(samples.double(), mix.centers).min(dim=1).values
    width = distance.median().item() / (mix.stds[0].item() * math.sqrt(2 * math.log(2)))
    return {**mode_stats(samples, mix.centers, mix.std), "width": width}


def evaluate(energy: nn.Module, study: Study, seeds: Sequence[int]) -> dict[str, list]:
    """Score every model of an energy ensemble: rows of the long-run samples (the scores),
    of the chains twice as long, and of the short-run samples; MALA's acceptance rates."""
    out: dict[str, list] = {"rows": [], "rows_longer": [], "rows_short": []}
    for e, seed in enumerate(seeds):
        net = energy.member(e)
        long = long_run_samples(net, study, seed)
        out["rows"].append({"seed": seed, **score(long["samples"], study.data),
                            "acceptance": long["acceptance"]})
        out["rows_longer"].append({"seed": seed, **score(long["longer"], study.data),
                                   "acceptance": long["acceptance_longer"]})
        out["rows_short"].append({"seed": seed, **score(short_run_samples(net, study, seed),
                                                        study.data)})
    return out


def digest(network: nn.Module, e: int) -> str:
    """A digest of the weights of model ``e`` of an ensemble (16 hex digits)."""
    h = hashlib.sha256()
    for p in network.parameters():
        h.update(p[e].detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()[:16]


def run_study(study: Study, seeds: Sequence[int] | None = None,
              stop_after: int | None = None) -> dict[str, Any]:
    """Train ``seeds`` (all of the study's by default) together, and score them.

    Args:
        study: the study.
        seeds: some of its seeds (default: all).
        stop_after: train only the first updates and score nothing (the live check).

    Returns:
        ``prefix_digests`` (seed -> digest of the weights after :data:`PREFIX` updates) and,
        unless stopped early, ``final_digests``, the rows of :func:`evaluate` and of the
        final replay buffer (``rows_buffer``, its first ``n_eval`` chains; empty without a
        buffer), ``history`` (the training's history every :data:`HISTORY_EVERY` updates,
        one value per seed), ``seconds`` and ``cpu_seconds`` (training and scoring, this process's
        processor time), ``train_seconds`` and the ``energy`` ensemble.
    """
    seeds = _check_seeds(study, seeds)
    start, cpu_start = time.perf_counter(), time.process_time()
    energy = build_energy(study, seeds)
    prefix = min(PREFIX, study.config.steps)
    training = train_energy_mcmc(
        energy, mixture(study.data).sample, study.config, seeds, stop_after=stop_after,
        snapshot=lambda net: {str(s): digest(net, e) for e, s in enumerate(seeds)},
        snapshot_steps=[prefix])
    result: dict[str, Any] = {"prefix_digests": training.history.snapshots.get(prefix)}
    if stop_after is not None:
        return result
    train_seconds = time.perf_counter() - start
    result.update(evaluate(energy, study, seeds))
    result["rows_buffer"] = ([] if training.buffer is None else [
        {"seed": seed, **score(training.buffer[e, :study.n_eval].cpu(), study.data)}
        for e, seed in enumerate(seeds)])
    h = training.history
    kept = [i for i, step in enumerate(h.steps) if step % HISTORY_EVERY == 0]
    result["history"] = {"steps": [h.steps[i] for i in kept], **{
        key: [[round(v, 6) for v in h[key][i].tolist()] for i in kept]
        for key in ("loss", "u_data", "u_neg", "age", "grad_norm")}}
    result.update({
        "final_digests": {str(s): digest(energy, e) for e, s in enumerate(seeds)},
        "train_seconds": train_seconds,
        "seconds": time.perf_counter() - start,
        "cpu_seconds": time.process_time() - cpu_start,
        "energy": energy,
    })
    return result


def path_of(name: str, directory: Path | None = None, suffix: str = ".json") -> Path:
    from ganbook.experiments import RESULTS

    return Path(RESULTS if directory is None else directory) / f"{name}{suffix}"


def _read(path: Path) -> dict[str, Any] | None:
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def is_current(name: str, directory: Path | None = None) -> bool:
    """Whether study ``name`` is stored, readable, with its weights, and matches its study."""
    record = _read(path_of(name, directory))
    return (record is not None and record.get("fingerprint") == STUDIES[name].fingerprint()
            and path_of(name, directory, ".pt").exists())


def load(name: str, directory: Path | None = None) -> dict[str, Any]:
    """The stored results of study ``name``; ValueError if missing, unreadable or stale."""
    if name not in STUDIES:
        raise ValueError(f"name must be one of {sorted(STUDIES)}, got {name!r}")
    path = path_of(name, directory)
    if not path.exists():
        raise ValueError(f"no stored results for {name}: run `python -m ganbook.ebm` ({path})")
    stored = _read(path)
    if stored is None:
        raise ValueError(f"{path} is unreadable (truncated?): run `python -m ganbook.ebm`")
    if stored.get("fingerprint") != STUDIES[name].fingerprint():
        raise ValueError(f"{path} is stale (the study changed): run `python -m ganbook.ebm`")
    return stored


def load_energy(name: str, seeds: Sequence[int] | None = None,
                directory: Path | None = None):
    """The stored final energies of study ``name``: an ensemble holding ``seeds`` (default:
    all the study's), in that order, on the CPU; ``.member(e)`` is model ``e`` alone."""
    load(name, directory)  # raises if missing or stale
    study = STUDIES[name]
    seeds = _check_seeds(study, seeds)
    state = torch.load(path_of(name, directory, ".pt"), map_location="cpu", weights_only=True)
    index = [list(study.seeds).index(s) for s in seeds]
    energy = build_energy(study, seeds)
    with torch.no_grad():
        for pname, p in energy.named_parameters():
            p.copy_(state[pname][index])
    return energy


def check_prefix(name: str, seed: int = 0, directory: Path | None = None) -> dict[str, Any]:
    """Re-train the first :data:`PREFIX` updates of one seed alone; compare with the store.

    Returns:
        ``{"live": digest, "stored": digest, "match": bool}``.
    """
    stored = load(name, directory)
    study = STUDIES[name]
    seed = integer("seed", seed, minimum=0)
    _check_seeds(study, [seed])
    prefix = min(PREFIX, study.config.steps)
    live = run_study(study, [seed], stop_after=prefix)["prefix_digests"][str(seed)]
    kept = stored["prefix_digests"][str(seed)]
    return {"live": live, "stored": kept, "match": live == kept}


def live_check(name: str, seed: int = 0, directory: Path | None = None) -> bool:
    """The live check of a stored study, for a chapter: the first :data:`PREFIX` updates
    of ``seed``, re-trained here alone, give the stored digest of its weights
    (:func:`ganbook.seed.check_reproduced`: a difference fails on the reference platform
    and is printed elsewhere). Prints one line; returns whether they matched."""
    from ganbook.seed import check_reproduced

    check = check_prefix(name, seed, directory)
    same = check_reproduced(f"{name}, seed {seed}, weights after {PREFIX} updates "
                            "re-trained", check["live"], check["stored"])
    if same:
        say(f"{name}, seed {seed}: the first {PREFIX} updates re-trained here give "
            "the stored weights")
    return same


def _write_atomically(path: Path, write) -> None:
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def run_and_store(name: str, directory: Path | None = None) -> float:
    """Run study ``name`` and store its JSON and weights; the seconds it took."""
    import ganbook
    from ganbook.seed import platform_record, set_seed

    set_seed(0)
    study = STUDIES[name]
    result = run_study(study)
    record = {
        "name": name,
        "description": study.description,
        "fingerprint": study.fingerprint(),
        "study": dataclasses.asdict(study),
        **{key: result[key] for key in ("rows", "rows_longer", "rows_short", "rows_buffer",
                                        "prefix_digests", "final_digests", "history")},
        "seconds": round(result["seconds"], 1),
        "train_seconds": round(result["train_seconds"], 1),
        "cpu_seconds": round(result["cpu_seconds"], 1),
        "prefix": min(PREFIX, study.config.steps),
        "load_average": [round(v, 2) for v in os.getloadavg()],
        "platform": platform_record(),
        "versions": {"torch": torch.__version__, "ganbook": ganbook.__version__},
    }
    state = {k: v.detach().cpu() for k, v in result["energy"].state_dict().items()}
    _write_atomically(path_of(name, directory, ".pt"), lambda p: torch.save(state, p))
    _write_atomically(path_of(name, directory), lambda p: p.write_text(
        json.dumps(record, indent=2, default=str) + "\n"))
    return result["seconds"]


def main(argv: list[str] | None = None) -> int:
    """``python -m ganbook.ebm [NAME ...] [--force] [--out DIR] [--jobs N]``: run the
    studies not yet stored (all by default), or ``--verify`` seed 0 of each in full."""
    parser = argparse.ArgumentParser(description="Run the energy models trained by MCMC.")
    parser.add_argument("names", nargs="*", help=f"studies (default: all): "
                                                 f"{', '.join(STUDIES)}")
    parser.add_argument("--force", action="store_true", help="re-run stored studies too")
    parser.add_argument("--out", type=Path, default=None, help="where to write results")
    parser.add_argument("--jobs", type=int, default=1, help="studies run side by side")
    parser.add_argument("--verify", action="store_true",
                        help="re-train seed 0 of each study in full and compare")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in STUDIES]
    if unknown:
        parser.error(f"unknown studies {unknown}; there are {list(STUDIES)}")
    names = args.names or list(STUDIES)
    if args.verify:
        ok = True
        for name in names:
            stored = load(name, args.out)
            result = run_study(STUDIES[name], [0])
            same = (json.dumps(result["rows"][0], sort_keys=True)
                    == json.dumps(stored["rows"][0], sort_keys=True)
                    and result["final_digests"]["0"] == stored["final_digests"]["0"])
            ok &= same
            print(f"{name} seed 0: {'reproduced' if same else 'DIFFERS'}", flush=True)
        return 0 if ok else 1
    todo = [n for n in names if args.force or not is_current(n, args.out)]
    for name in sorted(set(names) - set(todo), key=names.index):
        print(f"{name}: stored, skipped")
    todo.sort(key=lambda n: -STUDIES[n].config.chain_steps)  # the longest first
    total = time.perf_counter()
    if args.jobs <= 1:
        for name in todo:
            seconds = run_and_store(name, args.out)
            print(f"{name}: {seconds:.0f} s, written to {path_of(name, args.out)}", flush=True)
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        context = multiprocessing.get_context("spawn")  # fresh interpreters: the pinned path
        with ProcessPoolExecutor(max_workers=args.jobs, mp_context=context) as pool:
            futures = {pool.submit(run_and_store, name, args.out): name for name in todo}
            for future in as_completed(futures):
                name = futures[future]
                print(f"{name}: {future.result():.0f} s, written to {path_of(name, args.out)}",
                      flush=True)
    print(f"all studies: {time.perf_counter() - total:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
