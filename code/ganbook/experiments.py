"""Studies: multi-seed experiments too long for a chapter, run once and stored as JSON.

A study is a named configuration in :data:`STUDIES`. ``make experiments`` runs every study
(``python -m ganbook.experiments NAME ...`` runs some) and writes ``book/results/NAME.json``
with every seed's metrics and seconds, the configuration, and the versions of torch and
ganbook. A study whose stored JSON already matches its configuration is skipped, so an
interrupted ``make experiments`` resumes where it stopped (``--force`` re-runs).

The seeds of a study are trained together, as one ensemble (:class:`ganbook.nets.EnsembleMLP`),
which is faster than separate runs and gives every seed exactly the trajectory it has when
trained alone. A chapter therefore loads the stored table and re-runs one seed live with
:func:`run_study` (``seeds=[...]``), asserting that it reproduces the stored row: stored
results cannot drift from the code unnoticed.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from ganbook.metrics import mode_stats
from ganbook.nets import EnsembleMLP
from ganbook.toy import GRID25, RING8, GaussianMixture
from ganbook.train import TrainConfig, train_gan

#: Where studies are stored: book/results/ of the repository.
RESULTS = Path(__file__).resolve().parents[2] / "book" / "results"

#: The toy data sets a study can use.
DATASETS: dict[str, GaussianMixture] = {"ring8": RING8, "grid25": GRID25}

#: Generated samples scored per seed (PacGAN's protocol).
N_EVAL = 2500


@dataclass(frozen=True)
class Study:
    """A multi-seed experiment on a toy data set with :func:`ganbook.train.train_gan`."""

    name: str  # the file name of its results: book/results/NAME.json
    description: str  # one sentence, shown in tables
    data: str  # a key of DATASETS
    config: TrainConfig  # the training; config.pack > 1 for PacGAN
    hidden: tuple[int, ...] = (128, 128, 128)  # hidden widths of both networks
    activation: str = "relu"  # hidden activation of both networks
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)  # one model per seed
    n_eval: int = N_EVAL  # generated samples scored per seed
    d_activation: str | None = None  # the discriminator's (energy's), if not `activation`
    aux_hidden: tuple[int, ...] = (128, 128)  # hidden widths of the entropy term's network

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
         **config: Any) -> Study:
    return Study(name, description, data, TrainConfig(**config), **(study or {}))


_TOY = {"steps": 2000, "batch_size": 256, "latent_dim": 2, "lr_d": 1e-3, "lr_g": 1e-3}
#: The energy view (chapter 10; Kumar et al. 2019): an energy with leaky ReLUs, Adam's betas
#: (0.5, 0.9), a gradient penalty of 0.1 on real samples.
_ENERGY = {**_TOY, "loss": "energy", "betas": (0.5, 0.9), "gradient_penalty": 0.1}
_ENERGY_STUDY = {"d_activation": "leaky_relu"}

#: Every study of the book, by name.
STUDIES: dict[str, Study] = {
    study.name: study
    for study in (
        _toy("ring8-gan", "GAN", "ring8", **_TOY),
        _toy("ring8-pacgan2", "PacGAN2", "ring8", pack=2, **_TOY),
        _toy("grid25-gan", "GAN", "grid25", **_TOY),
        _toy("grid25-pacgan4", "PacGAN4", "grid25", pack=4, **_TOY),
        *(
            _toy(f"{data}-energy{suffix}", label, data, _ENERGY_STUDY, entropy=entropy,
                 **_ENERGY)
            for data in ("ring8", "grid25")
            for suffix, label, entropy in (
                ("", "energy, no entropy term", None),
                ("-infogan", "energy + InfoGAN bound", "infogan"),
                ("-infomax", "energy + InfoMax estimator", "infomax"),
            )
        ),
    )
}


def build_networks(study: Study, seeds: list[int]) -> tuple[EnsembleMLP, EnsembleMLP]:
    """The generator and discriminator (or energy) ensembles; discriminator seeds +10,000."""
    dim = DATASETS[study.data].dim
    c = study.config
    generator = EnsembleMLP(seeds, [c.latent_dim, *study.hidden, dim], study.activation)
    discriminator = EnsembleMLP([10_000 + s for s in seeds], [c.pack * dim, *study.hidden, 1],
                                study.d_activation or study.activation)
    return generator, discriminator


def build_aux(study: Study, seeds: list[int]) -> EnsembleMLP | None:
    """The network of the entropy term, seeds +30,000: an encoder for ``"infogan"``, a
    statistics network for ``"infomax"``, ``None`` without an entropy term."""
    dim = DATASETS[study.data].dim
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


def evaluate(generator: EnsembleMLP, study: Study, seeds: list[int]) -> list[dict[str, Any]]:
    """Score ``n_eval`` samples of every model (noise seeded by 20,000 + its seed)."""
    data = DATASETS[study.data]
    rows = []
    with torch.no_grad():
        for e, seed in enumerate(seeds):
            g = torch.Generator().manual_seed(20_000 + seed)
            z = torch.randn(study.n_eval, study.config.latent_dim, generator=g)
            samples = generator.member(e)(z.to(generator.weights[0].device))
            rows.append({"seed": seed, **mode_stats(samples.cpu(), data.centers, data.std)})
    return rows


def run_study(study: Study, seeds: list[int] | None = None,
              progress: bool | None = None) -> dict[str, Any]:
    """Train and score ``seeds`` (all of the study's by default) together; the results.

    Returns:
        A dict with ``rows`` (one per seed: seed, modes, high_quality, reverse_kl) and
        ``seconds`` (the whole training and scoring).
    """
    seeds = list(study.seeds if seeds is None else seeds)
    if not set(seeds) <= set(study.seeds):
        raise ValueError(f"seeds must be among the study's {study.seeds}, got {seeds}")
    start = time.perf_counter()
    generator, discriminator = build_networks(study, seeds)
    aux = build_aux(study, seeds)
    train_gan(generator, discriminator, DATASETS[study.data].sample, study.config, seeds,
              progress=progress, aux=aux)
    rows = evaluate(generator, study, seeds)
    return {"rows": rows, "seconds": time.perf_counter() - start}


def summary(rows: list[dict[str, Any]]) -> dict[str, tuple[float, float]]:
    """Mean and standard error of every metric over the seeds."""
    out = {}
    for key in ("modes", "high_quality", "reverse_kl"):
        values = torch.tensor([float(r[key]) for r in rows], dtype=torch.float64)
        error = values.std().item() / len(values) ** 0.5 if len(values) > 1 else float("nan")
        out[key] = (values.mean().item(), error)
    return out


def path_of(name: str, directory: Path = RESULTS) -> Path:
    return Path(directory) / f"{name}.json"


def load(name: str, directory: Path = RESULTS) -> dict[str, Any]:
    """The stored results of study ``name``; ValueError if missing or stale."""
    if name not in STUDIES:
        raise ValueError(f"name must be one of {sorted(STUDIES)}, got {name!r}")
    path = path_of(name, directory)
    if not path.exists():
        raise ValueError(f"no stored results for {name}: run `make experiments` ({path})")
    stored = json.loads(path.read_text())
    if stored["fingerprint"] != STUDIES[name].fingerprint():
        raise ValueError(f"{path} is stale (the study changed): run `make experiments`")
    return stored


def main(argv: list[str] | None = None) -> int:
    import ganbook

    parser = argparse.ArgumentParser(description="Run the book's studies.")
    parser.add_argument("names", nargs="*", help=f"studies to run (default: all): "
                                                 f"{', '.join(STUDIES)}")
    parser.add_argument("--force", action="store_true", help="re-run stored studies too")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in STUDIES]
    if unknown:
        parser.error(f"unknown studies {unknown}; there are {list(STUDIES)}")
    from ganbook.seed import set_seed

    set_seed(0)
    total = time.perf_counter()
    for name in args.names or list(STUDIES):
        study = STUDIES[name]
        path = path_of(name, args.out)
        if not args.force and path.exists():
            if json.loads(path.read_text()).get("fingerprint") == study.fingerprint():
                print(f"{name}: stored, skipped")
                continue
        print(f"{name}: training {len(study.seeds)} seeds ...", flush=True)
        result = run_study(study, progress=True)
        record = {
            "name": name,
            "description": study.description,
            "fingerprint": study.fingerprint(),
            "study": dataclasses.asdict(study),
            "rows": result["rows"],
            "seconds": round(result["seconds"], 1),
            "versions": {"torch": torch.__version__, "ganbook": ganbook.__version__},
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record, indent=2, default=str) + "\n")
        print(f"{name}: {result['seconds']:.0f} s, written to {path}", flush=True)
    print(f"all studies: {time.perf_counter() - total:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
