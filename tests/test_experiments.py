"""ganbook.experiments: stored studies are current, honest and cheap to check."""

import dataclasses
import json

import pytest

from ganbook import experiments
from ganbook.experiments import STUDIES, Study, load, run_study, summary
from ganbook.seed import off_reference_reason
from ganbook.train import TrainConfig

TINY = Study("ring8-gan", "GAN", "ring8",
             TrainConfig(steps=30, batch_size=32, latent_dim=2, log_every=10,
                         schedule="step", milestones=(20,), lr_factors=(0.3,)),
             hidden=(16, 16), seeds=(0, 1, 2), n_eval=200)

reference_only = pytest.mark.skipif(
    off_reference_reason() is not None,
    reason=f"stored numbers are exact on the reference platform only: {off_reference_reason()}")


def test_one_seed_alone_reproduces_its_row_in_the_ensemble():
    together = run_study(TINY, progress=False)
    alone = run_study(TINY, seeds=[1], progress=False)
    assert alone["rows"] == [together["rows"][1]]
    assert alone["final_digests"]["1"] == together["final_digests"]["1"]
    assert alone["prefix_digests"]["1"] == together["prefix_digests"]["1"]


def test_every_study_is_stored_current_and_recorded_with_its_platform():
    for name in STUDIES:
        stored = load(name)  # raises if missing, unreadable or stale
        seeds = list(STUDIES[name].seeds)
        assert [row["seed"] for row in stored["rows"]] == seeds
        assert set(stored["versions"]) == {"torch", "ganbook"}
        assert sorted(stored["prefix_digests"]) == sorted(map(str, seeds))
        platform = stored["platform"]
        assert platform["reference"] and platform["mkl_branch"] == "COMPATIBLE", name
        assert platform["cpu_vendor"] and platform["torch"] == stored["versions"]["torch"]
        assert experiments.path_of(name, suffix=".pt").exists()


@reference_only
@pytest.mark.parametrize("name", list(STUDIES))
def test_the_code_still_trains_every_study_as_stored(name):
    """The cheap live check: seed 0's first updates, re-trained, give the stored weights."""
    check = experiments.check_prefix(name, seed=0)
    assert check["match"], check


@reference_only
def test_stored_weights_score_as_their_rows():
    for name in ("ring8-gan", "grid25-energy-infomax"):
        study = STUDIES[name]
        generator, _ = experiments.load_networks(name, [4, 0])
        rows = experiments.evaluate(generator, study, [4, 0])
        stored = {r["seed"]: r for r in load(name)["rows"]}
        assert rows == [stored[4], stored[0]]


def test_load_detects_stale_unreadable_and_missing_studies(tmp_path):
    name = next(iter(STUDIES))
    record = json.loads(experiments.path_of(name).read_text())
    record["fingerprint"] = "0" * 16
    (tmp_path / f"{name}.json").write_text(json.dumps(record))
    with pytest.raises(ValueError, match="is stale"):
        load(name, tmp_path)
    (tmp_path / f"{name}.json").write_text(json.dumps(record)[:100])  # truncated
    with pytest.raises(ValueError, match="unreadable"):
        load(name, tmp_path)
    assert not experiments.is_current(name, tmp_path)
    with pytest.raises(ValueError, match="no stored results"):
        load(name, tmp_path / "empty")
    with pytest.raises(ValueError, match="name must be one of"):
        load("no-such-study")


def test_make_experiments_writes_atomically_and_resumes(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(STUDIES, "ring8-gan", dataclasses.replace(TINY, seeds=(0, 1)))
    monkeypatch.setenv("GANBOOK_PROGRESS", "0")
    (tmp_path / "ring8-gan.json").write_text("{")  # a truncated file from a crash
    assert experiments.main(["ring8-gan", "--out", str(tmp_path), "--jobs", "1"]) == 0
    assert experiments.is_current("ring8-gan", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ring8-gan.json", "ring8-gan.pt"]
    generator, _ = experiments.load_networks("ring8-gan", [1], tmp_path)
    assert experiments.digest(generator, 0) == experiments.load(
        "ring8-gan", tmp_path)["final_digests"]["1"][:16]
    assert experiments.main(["ring8-gan", "--out", str(tmp_path)]) == 0
    assert "ring8-gan: stored, skipped" in capsys.readouterr().out


def test_results_ship_as_package_data():
    import tomllib

    config = tomllib.loads((experiments.RESULTS.parents[2] / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["ganbook"]
    assert {"results/*.json", "results/*.pt"} <= set(patterns)
    assert experiments.RESULTS.name == "results" and experiments.RESULTS.parent.name == "ganbook"


def test_summary_and_bad_seeds():
    rows = [{"modes": 8, "high_quality": 1.0, "reverse_kl": 0.0},
            {"modes": 6, "high_quality": 0.5, "reverse_kl": 0.2}]
    s = summary(rows)
    assert s["modes"] == (7.0, 1.0)
    with pytest.raises(ValueError, match="rows must"):
        summary([])
    with pytest.raises(ValueError, match="seeds must be"):
        run_study(TINY, seeds=[7], progress=False)
    with pytest.raises(ValueError, match="seeds must be"):
        run_study(TINY, seeds=[], progress=False)
    with pytest.raises(TypeError, match="study must be"):
        run_study("ring8-gan", progress=False)


def test_checkpoints_score_the_training_on_its_way():
    study = dataclasses.replace(TINY, checkpoints=(10, 30))
    result = run_study(study, progress=False)
    assert sorted(result["curve"]) == [10, 30]
    assert result["curve"][30] == result["rows"]  # the last checkpoint is the end
    stopped = run_study(TINY, progress=False, stop_after=10)  # scored after 10 updates
    assert json.dumps(result["curve"][10]) == json.dumps(stopped["rows"])
    plain = run_study(TINY, progress=False)  # scoring on the way changes no weight
    assert plain["final_digests"] == result["final_digests"] and plain["curve"] == {}


def test_a_digits_study_trains_on_the_split_and_gets_every_score():
    from ganbook.digits import N_SCORED

    study = Study("digits-gan", "GAN", "digits",
                  TrainConfig(steps=3, batch_size=16, latent_dim=8, log_every=1),
                  hidden=(16,), activation="relu", output="tanh", seeds=(0, 1),
                  n_eval=N_SCORED)
    ctx = experiments.digits_context()
    assert experiments.data_dim(study) == 64
    x = experiments.sampler(study)(5, __import__("torch").Generator().manual_seed(0))
    assert all((ctx["train"] == row).all(dim=1).any() for row in x)  # from the split
    rows = run_study(study, progress=False)["rows"]
    assert [r["seed"] for r in rows] == [0, 1]
    assert set(rows[0]) == {"seed", "score", "frechet", "parzen", "parzen_se", "sigma",
                            "nearest"}
    assert set(summary(rows)) == set(rows[0]) - {"seed"}


def test_summarise_skips_undefined_reverse_kls_and_goals_rank_the_energy_gans():
    rows = [{"seed": 0, "modes": 25, "high_quality": 0.9, "reverse_kl": 0.1},
            {"seed": 1, "modes": 0, "high_quality": 0.0, "reverse_kl": float("nan"),
             "diverged": True},
            {"seed": 2, "modes": 25, "high_quality": 0.8, "reverse_kl": 0.3}]
    s = experiments.summarise(rows)
    assert s["reverse_kl"] == pytest.approx((0.2, 0.1))
    assert s["kl_seeds"] == 2 and s["diverged"] == 1 and s["modes"][0] == 50 / 3
    assert experiments.goals_met("grid25", 24, 0.9, 0.1) == {
        "modes": True, "high_quality": True, "reverse_kl": True}
    assert not any(experiments.goals_met("ring8", 7.9, 0.89, float("nan")).values())
    with pytest.raises(ValueError, match="data"):
        experiments.goals_met("digits", 1, 1, 1)
    assert "grid25-energy-nopenalty" not in experiments.energy_studies("grid25")
    assert "grid25-wgan-gp" not in experiments.energy_studies("grid25")
    for data in ("ring8", "grid25"):
        best = experiments.best_energy(data)
        assert best in experiments.energy_studies(data)
        met = sum(experiments.study_goals_met(best).values())
        assert all(sum(experiments.study_goals_met(n).values()) <= met
                   for n in experiments.energy_studies(data))
