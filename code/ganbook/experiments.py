"""Studies: multi-seed experiments too long for a chapter, run once and stored.

A study is a named configuration in :data:`STUDIES`. ``make experiments`` runs every study
(``python -m ganbook.experiments NAME ...`` runs some), two at a time on two cores, and
writes into the package's ``results/`` folder (shipped with the package, so that a chapter
run from ``pip install`` finds them):

* ``NAME.json``: every seed's metrics, the configuration and its fingerprint, the seconds,
  the platform that computed it (:func:`ganbook.seed.platform_record`), and digests of the
  weights: of every seed after the first :data:`PREFIX` generator updates, and at the end;
* ``NAME.pt``: the final weights of every seed's generator and discriminator (or energy),
  which chapters load for their figures instead of training for minutes.

A study whose stored JSON matches its configuration is skipped, so an interrupted
``make experiments`` resumes where it stopped (``--force`` re-runs); a JSON that cannot be
read counts as missing. Files are written atomically (a temporary file, then a rename).

The seeds of a study are trained together, as one ensemble (:class:`ganbook.nets.EnsembleMLP`),
which gives every seed exactly the trajectory it has when trained alone. So stored results
stay honest cheaply: :func:`check_prefix` re-trains the first :data:`PREFIX` updates of one
seed alone and compares the digest of its weights with the stored one (``make test`` does it
for seed 0 of every study); ``make verify-studies`` re-trains seed 0 of every study in full
and compares its row and its final weights.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import hashlib
import json
import math
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import torch

from ganbook.metrics import mode_stats
from ganbook.nets import EnsembleMLP
from ganbook.report import say
from ganbook.seed import check_reproduced
from ganbook.toy import GRID25, RING8, GaussianMixture
from ganbook.train import TrainConfig, train_gan
from ganbook.validate import integer

#: The folder where studies are stored, ``results/`` of the package (package data), unless
#: the environment names another folder in ``GANBOOK_RESULTS`` (for drafting a chapter
#: against a quick, short run of the studies).
RESULTS = Path(os.environ.get("GANBOOK_RESULTS") or str(resources.files("ganbook") / "results"))

#: The toy data sets a study can use; a study may also use ``"digits"``, the 8 by 8
#: digits (:func:`digits_context`).
DATASETS: dict[str, GaussianMixture] = {"ring8": RING8, "grid25": GRID25}

#: Generated samples scored per seed (PacGAN's protocol).
N_EVAL = 2500

#: Generator updates re-trained by the cheap live check of a stored study.
PREFIX = 100


@dataclass(frozen=True)
class Study:
    """A multi-seed experiment on a toy data set with :func:`ganbook.train.train_gan`."""

    name: str  # the file name of its results: results/NAME.json
    description: str  # one sentence, shown in tables
    data: str  # a key of DATASETS
    config: TrainConfig  # the training; config.pack > 1 for PacGAN
    hidden: tuple[int, ...] = (128, 128, 128)  # hidden widths of both networks
    activation: str = "relu"  # hidden activation of both networks
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)  # one model per seed
    n_eval: int = N_EVAL  # generated samples scored per seed
    d_activation: str | None = None  # the discriminator's (energy's), if not `activation`
    aux_hidden: tuple[int, ...] = (128, 128)  # hidden widths of the entropy term's network
    d_hidden: tuple[int, ...] | None = None  # the discriminator's widths, if not `hidden`
    output: str | None = None  # the generator's output activation ("tanh" for digits)
    checkpoints: tuple[int, ...] = ()  # updates after which every seed is also scored

    def fingerprint(self) -> str:
        """A hash of everything that determines the results.

        Fields at their default values are left out, so that adding a field with a default
        that keeps the old behaviour does not make stored studies stale.
        """
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                  if f.name in _FINGERPRINT_ALWAYS or getattr(self, f.name) != f.default}
        config = dataclasses.asdict(self.config)
        defaults = {f.name: f.default for f in dataclasses.fields(TrainConfig)}
        fields["config"] = {k: v for k, v in config.items()
                            if k in _CONFIG_ALWAYS or v != defaults[k]}
        text = json.dumps(fields, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


#: Fields hashed even at their default values (those of the first studies).
_FINGERPRINT_ALWAYS = {"name", "description", "data", "hidden", "activation", "seeds", "n_eval"}
_CONFIG_ALWAYS = {"loss", "steps", "d_steps", "batch_size", "latent_dim", "lr_d", "lr_g",
                  "betas", "pack", "log_every"}


def _toy(name: str, description: str, data: str, study: dict | None = None,
         **config: Any) -> Study:  # a study (of the toy data, or of the digits)
    return Study(name, description, data, TrainConfig(**config), **(study or {}))


#: The toy problems' training: batch 256, a 2-D latent space, Adam at 1e-3 stepped down to
#: 3e-4 and 1e-4 for the last 40 % of the updates (without the decay no sample is sharp:
#: chapter 08). The ring needs fewer updates than the grid.
_STEPPED = {"batch_size": 256, "latent_dim": 2, "lr_d": 1e-3, "lr_g": 1e-3,
            "schedule": "step", "lr_factors": (0.3, 0.1)}
_TRAINING = {
    "ring8": {**_STEPPED, "steps": 8000, "milestones": (5000, 6500)},
    "grid25": {**_STEPPED, "steps": 10000, "milestones": (6000, 8000)},
}
#: The energy view's set-up (chapter 11; Kumar et al. 2019): an energy with leaky ReLUs and
#: Adam's betas (0.5, 0.9).
_SETUP = {"betas": (0.5, 0.9)}
_SETUP_STUDY = {"d_activation": "leaky_relu"}
#: The weight of the entropy term, one per data set (the same for both estimators). The
#: stored studies do not vary it; these values came from short trials that the book does
#: not report.
_ENTROPY_WEIGHT = {"ring8": 0.03, "grid25": 0.3}


#: The digits GAN of chapter 08 (networks 100 -> 128 -> 256 -> 64 and 64 -> 256 -> 128 -> 1),
#: trained on the 1,000 images of :func:`ganbook.digits.scoring_split` for 20,000 updates of
#: batch 64, the rates stepped down like the toy problems', and scored every 2,000.
_DIGITS_STUDY = {"hidden": (128, 256), "d_hidden": (256, 128), "output": "tanh",
                 "n_eval": 1000, "checkpoints": tuple(range(2000, 20001, 2000))}
_DIGITS = {"batch_size": 64, "latent_dim": 100, "lr_d": 1e-3, "lr_g": 1e-3, "steps": 20000,
           "schedule": "step", "milestones": (12000, 16000), "lr_factors": (0.3, 0.1),
           "log_every": 100}


def _energy(data: str, suffix: str, label: str, penalty: float,
            entropy: str | None, **extra: Any) -> Study:
    weight = {"entropy_weight": _ENTROPY_WEIGHT[data]} if entropy else {}
    return _toy(f"{data}-energy{suffix}", label, data, _SETUP_STUDY, loss="energy",
                gradient_penalty=penalty, entropy=entropy, **weight, **_SETUP,
                **_TRAINING[data], **extra)


#: Every study of the book, by name. On the grid, an ablation adds one ingredient at a time:
#: GAN -> Adam's betas -> a leaky ReLU discriminator (with the betas: the energy set-up)
#: -> the energy loss -> its gradient penalty -> an entropy term -> the entropy term
#: annealed.
STUDIES: dict[str, Study] = {
    study.name: study
    for study in (
        _toy("digits-gan", "GAN", "digits", _DIGITS_STUDY, **_DIGITS),
        _toy("digits-gan-penalty", "GAN, gradient penalty 1", "digits", _DIGITS_STUDY,
             gradient_penalty=1.0, **_DIGITS),
        _toy("ring8-gan", "GAN", "ring8", **_TRAINING["ring8"]),
        _toy("ring8-pacgan2", "PacGAN2", "ring8", pack=2, **_TRAINING["ring8"]),
        _toy("grid25-gan", "GAN", "grid25", **_TRAINING["grid25"]),
        _toy("grid25-pacgan4", "PacGAN4", "grid25", pack=4, **_TRAINING["grid25"]),
        _toy("grid25-pacgan4-wide", "PacGAN4, discriminator 3 x 512", "grid25",
             {"d_hidden": (512, 512, 512)}, pack=4, **_TRAINING["grid25"]),
        _toy("grid25-gan-betas", "GAN, Adam betas (0.5, 0.9)", "grid25", **_SETUP,
             **_TRAINING["grid25"]),
        _toy("grid25-gan-setup", "GAN, energy set-up", "grid25", _SETUP_STUDY, **_SETUP,
             **_TRAINING["grid25"]),
        _energy("grid25", "-nopenalty", "energy, no penalty", 0.0, None),
        *(
            _energy(data, suffix, label, 0.1, entropy)
            for data in ("ring8", "grid25")
            for suffix, label, entropy in (
                ("", "energy, no entropy term", None),
                ("-infogan", "energy + InfoGAN bound", "infogan"),
                ("-infomax", "energy + InfoMax estimator", "infomax"),
            )
        ),
        # the entropy term annealed with the learning rate: x0.1, then off for the last
        # fifth of the training
        _energy("grid25", "-infomax-annealed", "energy + InfoMax, annealed", 0.1,
                "infomax", entropy_factors=(0.1, 0.0)),
        # chapter 09: the energy GAN without an entropy term is a WGAN whose penalty is
        # R1; these change only the penalty, to WGAN-GP's at interpolates
        *(
            _toy(f"{data}-wgan-gp", "WGAN-GP", data, _SETUP_STUDY, loss="energy",
                 gradient_penalty=0.1, penalty="wgan-gp", **_SETUP, **_TRAINING[data])
            for data in ("ring8", "grid25")
        ),
    )
}


@functools.cache
def digits_context() -> dict[str, Any]:
    """What the digits study trains on and is scored with (chapter 08's set-up).

    ``digits`` (:func:`ganbook.digits.load_digits`), ``train`` and ``validation`` (its
    :func:`ganbook.digits.scoring_split`: the GAN trains on ``train``, the Parzen bandwidth
    is chosen on ``validation``) and ``classifier``
    (:func:`ganbook.digits.scoring_classifier`).
    """
    from ganbook.digits import load_digits, scoring_classifier, scoring_split

    digits = load_digits()
    train, validation = scoring_split(digits)
    return {"digits": digits, "train": train, "validation": validation,
            "classifier": scoring_classifier(digits)}


def data_dim(study: Study) -> int:
    """The dimension of a study's data: 2 for the toy data, 64 for the digits."""
    return 64 if study.data == "digits" else DATASETS[study.data].dim


def sampler(study: Study):
    """The study's real data: ``sample(n, torch_generator)`` -> (n, d)."""
    if study.data != "digits":
        return DATASETS[study.data].sample
    train = digits_context()["train"]

    def sample(n: int, generator: torch.Generator) -> torch.Tensor:
        return train[torch.randint(len(train), (n,), generator=generator)]

    return sample


def build_networks(study: Study, seeds: list[int]) -> tuple[EnsembleMLP, EnsembleMLP]:
    """The generator and discriminator (or energy) ensembles; discriminator seeds +10,000."""
    dim = data_dim(study)
    c = study.config
    generator = EnsembleMLP(seeds, [c.latent_dim, *study.hidden, dim], study.activation,
                            study.output)
    d_hidden = study.hidden if study.d_hidden is None else study.d_hidden
    discriminator = EnsembleMLP([10_000 + s for s in seeds], [c.pack * dim, *d_hidden, 1],
                                study.d_activation or study.activation)
    return generator, discriminator


def build_aux(study: Study, seeds: list[int]) -> EnsembleMLP | None:
    """The network of the entropy term, seeds +30,000: an encoder for ``"infogan"``, a
    statistics network for ``"infomax"``, ``None`` without an entropy term."""
    dim = data_dim(study)
    c = study.config
    aux_seeds = [30_000 + s for s in seeds]
    aux = {
        None: None,
        "infogan": lambda: EnsembleMLP(aux_seeds, [dim, *study.aux_hidden, c.latent_dim],
                                       study.activation),
        "infomax": lambda: EnsembleMLP(aux_seeds, [dim + c.latent_dim, *study.aux_hidden, 1],
                                       "leaky_relu"),
    }[c.entropy]
    return aux() if aux else None


def samples_of(generator: EnsembleMLP, study: Study, e: int, seed: int) -> torch.Tensor:
    """The ``n_eval`` samples scored for model ``e`` (noise seeded by 20,000 + ``seed``)."""
    g = torch.Generator().manual_seed(20_000 + seed)
    z = torch.randn(study.n_eval, study.config.latent_dim, generator=g)
    with torch.no_grad():
        return generator.member(e)(z.to(generator.weights[0].device)).cpu()


def evaluate(generator: EnsembleMLP, study: Study, seeds: list[int]) -> list[dict[str, Any]]:
    """Score ``n_eval`` samples of every model (noise seeded by 20,000 + its seed).

    On the toy data: modes, high quality and reverse KL (PacGAN's protocol). A model whose
    samples are not finite (its training diverged) scores 0 modes, 0 high quality and an
    undefined reverse KL, and its row says ``"diverged": True``. On the digits: every
    score of :func:`ganbook.digits.score_images`.
    """
    if study.data == "digits":
        from ganbook.digits import score_images

        ctx = digits_context()
        return [{"seed": seed, **score_images(samples_of(generator, study, e, seed),
                                              ctx["digits"], ctx["classifier"],
                                              ctx["validation"], ctx["train"])}
                for e, seed in enumerate(seeds)]
    data = DATASETS[study.data]
    rows = []
    with torch.no_grad():
        for e, seed in enumerate(seeds):
            samples = samples_of(generator, study, e, seed)
            if torch.isfinite(samples).all():
                rows.append({"seed": seed, **mode_stats(samples, data.centers, data.std)})
            else:
                rows.append({"seed": seed, "modes": 0, "high_quality": 0.0,
                             "reverse_kl": math.nan, "diverged": True})
    return rows


def digest(network: EnsembleMLP, e: int) -> str:
    """A digest of the weights of model ``e`` of an ensemble (16 hex digits)."""
    h = hashlib.sha256()
    for p in network.parameters():
        h.update(p[e].detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()[:16]


def _digests(generator: EnsembleMLP, discriminator: EnsembleMLP, seeds: list[int]
             ) -> dict[str, str]:
    return {str(s): digest(generator, e) + digest(discriminator, e) for e, s in enumerate(seeds)}


def _check_seeds(study: Study, seeds: list[int] | None) -> list[int]:
    if not isinstance(study, Study):
        raise TypeError(f"study must be a Study, got {type(study).__name__}")
    seeds = list(study.seeds if seeds is None else seeds)
    if not seeds or not set(seeds) <= set(study.seeds) or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct seeds among the study's {study.seeds}, "
                         f"got {seeds}")
    return seeds


def run_study(study: Study, seeds: list[int] | None = None,
              progress: bool | None = None, stop_after: int | None = None) -> dict[str, Any]:
    """Train and score ``seeds`` (all of the study's by default) together; the results.

    Args:
        study: the study.
        seeds: some of its seeds (default: all).
        progress: a progress bar (default: unless ``GANBOOK_PROGRESS=0``).
        stop_after: train only the first updates (the schedule stays the full one's).

    Returns:
        A dict with ``rows`` (one per seed: seed, modes, high_quality, reverse_kl),
        ``curve`` (checkpoint -> the rows at that point, for ``study.checkpoints``),
        ``seconds`` (the whole training and scoring), ``prefix_digests`` and
        ``final_digests`` (seed -> digest of its generator's and discriminator's weights
        after :data:`PREFIX` updates and at the end) and ``networks`` (the trained
        generator and discriminator ensembles).
    """
    seeds = _check_seeds(study, seeds)
    start = time.perf_counter()
    generator, discriminator = build_networks(study, seeds)
    aux = build_aux(study, seeds)
    prefix = min(PREFIX, study.config.steps)

    snapshot_steps = sorted({prefix, *study.checkpoints})
    upcoming = iter(snapshot_steps)  # train_gan snapshots in this order

    def snapshot(g: EnsembleMLP, d: EnsembleMLP) -> dict[str, Any]:
        step = next(upcoming)
        return {"digests": _digests(g, d, seeds) if step == prefix else None,
                "rows": evaluate(g, study, seeds) if step in study.checkpoints else None}

    history = train_gan(
        generator, discriminator, sampler(study), study.config, seeds,
        progress=progress, aux=aux, stop_after=stop_after, snapshot_steps=snapshot_steps,
        snapshot=snapshot)
    rows = evaluate(generator, study, seeds)
    snaps = history.snapshots
    return {"rows": rows, "seconds": time.perf_counter() - start,
            "curve": {step: snaps[step]["rows"] for step in study.checkpoints
                      if step in snaps},
            "prefix_digests": snaps[prefix]["digests"] if prefix in snaps else None,
            "final_digests": _digests(generator, discriminator, seeds),
            "networks": (generator, discriminator)}


def check_prefix(name: str, seed: int = 0, directory: Path | None = None) -> dict[str, Any]:
    """Re-train the first :data:`PREFIX` updates of one seed and compare with the store.

    Returns:
        ``{"live": digest, "stored": digest, "match": bool}``.
    """
    stored = load(name, directory)
    study = STUDIES[name]
    seed = integer("seed", seed, minimum=0)
    _check_seeds(study, [seed])
    prefix = min(PREFIX, study.config.steps)
    live = run_study(study, [seed], progress=False, stop_after=prefix)["prefix_digests"]
    return {"live": live[str(seed)], "stored": stored["prefix_digests"][str(seed)],
            "match": live[str(seed)] == stored["prefix_digests"][str(seed)]}


def live_check(name: str, seed: int = 0, directory: Path | None = None) -> bool:
    """The live check of a stored study, for a chapter: two exact comparisons.

    1. The stored final weights of ``seed``, scored here, give its stored row.
    2. The first :data:`PREFIX` updates of ``seed``, re-trained here, give the stored digest
       of the weights at that point: the code still trains as it did.

    Both use :func:`ganbook.seed.check_reproduced`: on the reference platform a difference
    fails; elsewhere it is printed with its reason. Prints one line; returns whether both
    comparisons held.
    """
    stored = load(name, directory)
    study = STUDIES[name]
    generator, _ = load_networks(name, [seed], directory)
    (row,) = evaluate(generator, study, [seed])
    (stored_row,) = [r for r in stored["rows"] if r["seed"] == seed]
    same_row = check_reproduced(f"{name}, seed {seed}, its stored weights scored",
                                json.dumps(row, sort_keys=True),
                                json.dumps(stored_row, sort_keys=True))
    prefix = check_prefix(name, seed, directory)
    same_prefix = check_reproduced(
        f"{name}, seed {seed}, weights after {stored['prefix']} updates re-trained",
        prefix["live"], prefix["stored"])
    if same_row and same_prefix:
        say(f"{name}, seed {seed}: the stored weights score as stored, and the first "
            f"{stored['prefix']} updates re-trained here give the stored weights")
    return same_row and same_prefix


def load_networks(name: str, seeds: list[int] | None = None,
                  directory: Path | None = None) -> tuple[EnsembleMLP, EnsembleMLP]:
    """The stored final generator and discriminator (energy) of study ``name``.

    Returns ensembles holding ``seeds`` (default: all the study's), in that order, on the
    CPU; ``ensemble.member(e)`` is model ``e`` as a plain network.
    """
    load(name, directory)  # raises if missing or stale
    study = STUDIES[name]
    seeds = _check_seeds(study, seeds)
    state = torch.load(path_of(name, directory, ".pt"), map_location="cpu", weights_only=True)
    index = [list(study.seeds).index(s) for s in seeds]
    generator, discriminator = build_networks(study, seeds)
    with torch.no_grad():
        for net, key in ((generator, "generator"), (discriminator, "discriminator")):
            for pname, p in net.named_parameters():
                p.copy_(state[key][pname][index])
    return generator, discriminator


def summary(rows: list[dict[str, Any]]) -> dict[str, tuple[float, float]]:
    """Mean and standard error of every metric over the seeds (every numeric entry of the
    rows but ``seed``: modes, high_quality and reverse_kl on the toy data)."""
    if not rows:
        raise ValueError("rows must hold at least one row")
    out = {}
    keys = [k for k, v in rows[0].items()
            if k != "seed" and isinstance(v, (int, float)) and not isinstance(v, bool)]
    for key in keys:
        values = torch.tensor([float(r[key]) for r in rows], dtype=torch.float64)
        error = values.std().item() / len(values) ** 0.5 if len(values) > 1 else float("nan")
        out[key] = (values.mean().item(), error)
    return out


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """:func:`summary`, with the reverse KL of the toy studies over the seeds where it is
    defined (a seed without a high-quality sample has none); then also ``kl_seeds``, how
    many those are, and ``diverged``, how many seeds diverged."""
    out: dict[str, Any] = summary(rows)
    if "reverse_kl" in out:
        defined = [r for r in rows if not math.isnan(r["reverse_kl"])]
        out["reverse_kl"] = (summary(defined)["reverse_kl"] if defined
                             else (math.nan, math.nan))
        out["kl_seeds"] = len(defined)
        out["diverged"] = sum(bool(r.get("diverged")) for r in rows)
    return out


#: Chapter 11's goals for the energy GANs, on the means over the seeds (high quality as a
#: share): every mode of the ring, at least 24 of the grid's 25; at least 90 % of
#: high-quality samples; a reverse KL of at most 0.1.
GOALS: dict[str, dict[str, float]] = {
    "ring8": {"modes": 8, "high_quality": 0.90, "reverse_kl": 0.10},
    "grid25": {"modes": 24, "high_quality": 0.90, "reverse_kl": 0.10},
}


def goals_met(data: str, modes: float, high_quality: float,
              reverse_kl: float) -> dict[str, bool]:
    """Which of :data:`GOALS` ``[data]`` these means meet (a nan reverse KL meets none)."""
    if data not in GOALS:
        raise ValueError(f"data must be one of {sorted(GOALS)}, got {data!r}")
    goal = GOALS[data]
    return {"modes": modes >= goal["modes"],
            "high_quality": high_quality >= goal["high_quality"],
            "reverse_kl": reverse_kl <= goal["reverse_kl"]}


def study_goals_met(name: str, directory: Path | None = None) -> dict[str, bool]:
    """:func:`goals_met` for the stored means of study ``name``."""
    s = summarise(load(name, directory)["rows"])
    return goals_met(STUDIES[name].data, s["modes"][0], s["high_quality"][0],
                     s["reverse_kl"][0])


def energy_studies(data: str) -> list[str]:
    """The energy GAN studies of a toy data set (``DATA-energy...``): the energy loss with
    the energy view's penalty, R1, at a positive weight (not the WGAN-GP studies of
    chapter 09, which share the loss but not the penalty)."""
    if data not in DATASETS:
        raise ValueError(f"data must be one of {sorted(DATASETS)}, got {data!r}")
    return [name for name, study in STUDIES.items()
            if study.data == data and study.config.loss == "energy"
            and study.config.gradient_penalty > 0 and study.config.penalty == "r1"]


def best_energy(data: str, directory: Path | None = None) -> str:
    """The best energy GAN of a data set: the most goals met, then the most modes, then
    the most high-quality samples (means over the seeds of the stored studies)."""
    def rank(name: str) -> tuple[int, float, float]:
        s = summarise(load(name, directory)["rows"])
        return (sum(study_goals_met(name, directory).values()), s["modes"][0],
                s["high_quality"][0])

    return max(energy_studies(data), key=rank)


def path_of(name: str, directory: Path | None = None, suffix: str = ".json") -> Path:
    return Path(RESULTS if directory is None else directory) / f"{name}{suffix}"


def _read(path: Path) -> dict[str, Any] | None:
    """The stored record at ``path``, or ``None`` if it is missing or unreadable."""
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
        raise ValueError(f"no stored results for {name}: run `make experiments` ({path})")
    stored = _read(path)
    if stored is None:
        raise ValueError(f"{path} is unreadable (truncated?): run `make experiments`")
    if stored.get("fingerprint") != STUDIES[name].fingerprint():
        raise ValueError(f"{path} is stale (the study changed): run `make experiments`")
    return stored


def _write_atomically(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def run_and_store(name: str, directory: Path | None = None, position: int = 0) -> float:
    """Run study ``name`` and store its JSON and weights; the seconds it took."""
    import ganbook
    from ganbook.seed import platform_record, set_seed

    set_seed(0)
    study = STUDIES[name]
    os.environ.setdefault("GANBOOK_PROGRESS", "1")
    os.environ["GANBOOK_BAR_POSITION"] = str(position)
    os.environ["GANBOOK_BAR_LABEL"] = name
    result = run_study(study)
    generator, discriminator = result["networks"]
    record = {
        "name": name,
        "description": study.description,
        "fingerprint": study.fingerprint(),
        "study": dataclasses.asdict(study),
        "rows": result["rows"],
        "curve": result["curve"],
        "seconds": round(result["seconds"], 1),
        "prefix": min(PREFIX, study.config.steps),
        "prefix_digests": result["prefix_digests"],
        "final_digests": result["final_digests"],
        "platform": platform_record(),
        "versions": {"torch": torch.__version__, "ganbook": ganbook.__version__},
    }
    state = {"generator": {k: v.detach().cpu() for k, v in generator.state_dict().items()},
             "discriminator": {k: v.detach().cpu()
                               for k, v in discriminator.state_dict().items()}}
    _write_atomically(path_of(name, directory, ".pt"), lambda p: torch.save(state, p))
    _write_atomically(path_of(name, directory), lambda p: p.write_text(
        json.dumps(record, indent=2, default=str) + "\n"))
    return result["seconds"]


def _cost(study: Study) -> float:
    """A rough relative cost, to start the longest studies first."""
    c = study.config
    return c.steps * c.d_steps * (1 + (c.gradient_penalty > 0) + 0.2 * (c.entropy is not None))


def verify(names: list[str], seed: int = 0) -> bool:
    """Re-train ``seed`` of each study in full; compare its row and final weights."""
    ok = True
    for name in names:
        stored = load(name)
        result = run_study(STUDIES[name], [seed])
        (row,) = result["rows"]
        (stored_row,) = [r for r in stored["rows"] if r["seed"] == seed]
        same = (json.dumps(row, sort_keys=True) == json.dumps(stored_row, sort_keys=True)
                and result["final_digests"][str(seed)] == stored["final_digests"][str(seed)])
        ok &= same
        print(f"{name} seed {seed}: {'reproduced' if same else 'DIFFERS'} "
              f"({result['seconds']:.0f} s)", flush=True)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the book's studies.")
    parser.add_argument("names", nargs="*", help=f"studies to run (default: all): "
                                                 f"{', '.join(STUDIES)}")
    parser.add_argument("--force", action="store_true", help="re-run stored studies too")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write results")
    parser.add_argument("--jobs", type=int, default=2, help="studies run side by side")
    parser.add_argument("--verify", action="store_true",
                        help="re-train seed 0 of each study in full and compare")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in STUDIES]
    if unknown:
        parser.error(f"unknown studies {unknown}; there are {list(STUDIES)}")
    names = args.names or list(STUDIES)
    if args.verify:
        return 0 if verify(names) else 1
    todo = [n for n in names if args.force or not is_current(n, args.out)]
    for name in sorted(set(names) - set(todo), key=names.index):
        print(f"{name}: stored, skipped")
    todo.sort(key=lambda n: -_cost(STUDIES[n]))
    total = time.perf_counter()
    if args.jobs <= 1:  # in this process, one after the other
        for name in todo:
            seconds = run_and_store(name, args.out)
            print(f"{name}: {seconds:.0f} s, written to {path_of(name, args.out)}", flush=True)
    else:
        import multiprocessing

        context = multiprocessing.get_context("spawn")  # fresh interpreters: the pinned path
        with ProcessPoolExecutor(max_workers=args.jobs, mp_context=context) as pool:
            futures = {pool.submit(run_and_store, name, args.out, i % args.jobs): name
                       for i, name in enumerate(todo)}
            for future in as_completed(futures):
                name = futures[future]
                print(f"{name}: {future.result():.0f} s, written to {path_of(name, args.out)}",
                      flush=True)
    print(f"all studies: {time.perf_counter() - total:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
