"""ganbook.experiments: stored studies match their configuration, and one seed reproduces."""

import json

import pytest

from ganbook import experiments
from ganbook.experiments import STUDIES, Study, load, run_study, summary
from ganbook.train import TrainConfig

TINY = Study("tiny", "GAN", "ring8",
             TrainConfig(steps=30, batch_size=32, latent_dim=2, log_every=10),
             hidden=(16, 16), seeds=(0, 1, 2), n_eval=200)


def test_one_seed_alone_reproduces_its_row_in_the_ensemble():
    together = run_study(TINY, progress=False)["rows"]
    alone = run_study(TINY, seeds=[1], progress=False)["rows"]
    assert alone == [together[1]]


def test_every_study_is_stored_and_current():
    for name in STUDIES:
        stored = load(name)  # raises if missing or stale
        assert [row["seed"] for row in stored["rows"]] == list(STUDIES[name].seeds)
        assert set(stored["versions"]) == {"torch", "ganbook"}


def test_load_detects_a_stale_study(tmp_path):
    name = next(iter(STUDIES))
    record = json.loads(experiments.path_of(name).read_text())
    record["fingerprint"] = "0" * 16
    (tmp_path / f"{name}.json").write_text(json.dumps(record))
    with pytest.raises(ValueError, match="is stale"):
        load(name, tmp_path)
    with pytest.raises(ValueError, match="no stored results"):
        load(name, tmp_path / "empty")
    with pytest.raises(ValueError, match="name must be one of"):
        load("no-such-study")


def test_summary_and_bad_seeds():
    rows = [{"modes": 8, "high_quality": 1.0, "reverse_kl": 0.0},
            {"modes": 6, "high_quality": 0.5, "reverse_kl": 0.2}]
    s = summary(rows)
    assert s["modes"] == (7.0, 1.0)
    with pytest.raises(ValueError, match="seeds must be among the study's"):
        run_study(TINY, seeds=[7], progress=False)
