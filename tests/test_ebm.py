"""ganbook.ebm: an energy trained with Langevin chains learns, is deterministic, keeps its
replay buffer as documented, and its stored studies are current and still reproduced."""

import dataclasses
import json
import math

import pytest
import torch
from torch import nn

from ganbook import ebm
from ganbook.ebm import STUDIES, MCMCConfig, load, train_energy_mcmc
from ganbook.nets import EnsembleMLP
from ganbook.seed import off_reference_reason
from ganbook.toy import mixture_1d

TARGET = mixture_1d([2.0], [0.5])  # N(2, 0.5^2)

reference_only = pytest.mark.skipif(
    off_reference_reason() is not None,
    reason=f"stored numbers are exact on the reference platform only: {off_reference_reason()}")


class Quadratic(nn.Module):
    """U(x) = (x - m)^2 / (2 s^2): the energy of N(m, s^2), an oracle for the training."""

    def __init__(self):
        super().__init__()
        self.mean = nn.Parameter(torch.tensor(0.0))
        self.log_std = nn.Parameter(torch.tensor(0.0))

    def forward(self, x):  # (E, B, 1) -> (E, B, 1)
        return (x - self.mean) ** 2 / (2 * torch.exp(2 * self.log_std))


def small(**changes) -> MCMCConfig:
    config = {"steps": 30, "batch_size": 32, "chain_steps": 3, "step_size": 0.01,
              "buffer_size": 128, "noise_box": 4.0, "log_every": 10}
    return MCMCConfig(**{**config, **changes})


def test_maximum_likelihood_with_langevin_chains_learns_a_gaussian():
    """Without the regulariser, and with persistent chains that are never restarted, the
    fixed point is the data's mean and variance, up to the bias of the Langevin step
    (the chains' variance is s^2 + eps/4 + O(eps^2): s = 0.495 matches 0.25)."""
    energy = Quadratic()
    config = MCMCConfig(steps=300, batch_size=256, chain_steps=10, step_size=0.02,
                        buffer_size=1024, reinit=0.0, noise_box=4.0, regularizer=0.0,
                        lr=0.05, betas=(0.5, 0.999), milestones=(200,), lr_factors=(0.1,))
    result = train_energy_mcmc(energy, TARGET.sample, config, [0])
    mean, std = energy.mean.item(), energy.log_std.exp().item()
    assert abs(mean - 2.0) < 0.05 and abs(std - 0.495) < 0.02, (mean, std)
    chains = result.buffer[0, :, 0]  # persistent chains: samples of the model
    assert abs(chains.mean().item() - 2.0) < 0.05 and abs(chains.std().item() - 0.5) < 0.05
    assert result.history["u_data"].shape == (30, 1)


def test_the_regulariser_and_the_temperature_are_what_they_say():
    """alpha = 0 and T = 1: the loss is E_data[U] - E_neg[U]; T scales the chains' energy."""
    energy = Quadratic()
    result = train_energy_mcmc(energy, TARGET.sample, small(regularizer=0.0, steps=10,
                                                            log_every=1), [0])
    h = result.history
    assert torch.allclose(h["loss"], h["u_data"] - h["u_neg"], atol=1e-6)
    cold = train_energy_mcmc(Quadratic(), TARGET.sample,
                             small(temperature=0.01, steps=3, chain_steps=50), [0])
    hot = train_energy_mcmc(Quadratic(), TARGET.sample, small(steps=3, chain_steps=50), [0])
    # at T = 0.01 the chains settle 10 times closer to the energy's minimum
    assert cold.negatives.std() < 0.3 * hot.negatives.std()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"steps": 0}, "steps must be at least 1"),
        ({"batch_size": 0}, "batch_size must be at least 1"),
        ({"chain_steps": 0}, "chain_steps must be at least 1"),
        ({"step_size": 0.0}, "step_size must be positive"),
        ({"step_size": math.nan}, "step_size must be finite"),
        ({"buffer_size": -1}, "buffer_size must be at least 0"),
        ({"buffer_size": 16}, "buffer_size must be 0 .no buffer. or at least batch_size"),
        ({"reinit": 1.5}, "reinit must be at most 1"),
        ({"reinit": -0.1}, "reinit must be non-negative"),
        ({"noise_box": 0.0}, "noise_box must be positive"),
        ({"regularizer": -1.0}, "regularizer must be non-negative"),
        ({"temperature": 0.0}, "temperature must be positive"),
        ({"lr": -1e-3}, "lr must be positive"),
        ({"betas": (1.0, 0.9)}, r"betas\[0\] must be below 1"),
        ({"betas": (0.5,)}, "betas must be two numbers"),
        ({"milestones": (20, 10), "lr_factors": (0.3, 0.1)}, "milestones must increase"),
        ({"milestones": (30,), "lr_factors": (0.3,)}, "milestones must be at most 29"),
        ({"milestones": (10,), "lr_factors": ()}, "lr_factors must have one factor"),
        ({"log_every": 0}, "log_every must be at least 1"),
    ],
)
def test_a_bad_config_names_its_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        small(**kwargs)


def test_bad_arguments_name_themselves():
    net = EnsembleMLP([0, 1], [1, 8, 1])
    with pytest.raises(ValueError, match="config must be an MCMCConfig"):
        train_energy_mcmc(net, TARGET.sample, {"steps": 3}, [0, 1])
    with pytest.raises(ValueError, match="seeds must name at least one seed"):
        train_energy_mcmc(net, TARGET.sample, small(), [])
    with pytest.raises(ValueError, match="energy must hold as many models"):
        train_energy_mcmc(net, TARGET.sample, small(), [0, 1, 2])
    with pytest.raises(ValueError, match="stop_after must be at most 30"):
        train_energy_mcmc(net, TARGET.sample, small(), [0, 1], stop_after=31)
    with pytest.raises(TypeError, match="energy must be a torch.nn.Module"):
        train_energy_mcmc(lambda x: x, TARGET.sample, small(), [0])
    with pytest.raises(ValueError, match="sample_real"):
        train_energy_mcmc(net, lambda n, g: torch.zeros(n), small(), [0, 1])
    with pytest.raises(TypeError, match=r"seeds\[0\] must be an int"):
        train_energy_mcmc(net, TARGET.sample, small(), [0.5, 1])


def test_a_fixed_seed_gives_the_same_training_and_an_ensemble_equals_separate_runs():
    def run(seeds, **changes):
        net = EnsembleMLP(seeds, [1, 16, 16, 1], "leaky_relu")
        return net, train_energy_mcmc(net, TARGET.sample, small(**changes), seeds)

    net_a, a = run([0, 1, 2])
    net_b, b = run([0, 1, 2])
    for pa, pb in zip(net_a.parameters(), net_b.parameters()):
        assert torch.equal(pa, pb)
    assert torch.equal(a.buffer, b.buffer) and torch.equal(a.history["loss"], b.history["loss"])
    net_alone, alone = run([2])
    for p3, p1 in zip(net_a.parameters(), net_alone.parameters()):
        assert torch.equal(p3[2], p1[0])
    assert torch.equal(a.buffer[2], alone.buffer[0])
    assert torch.equal(a.history["u_neg"][:, 2], alone.history["u_neg"][:, 0])
    _, other = run([0, 1, 2], chain_steps=4)
    assert not torch.equal(other.buffer, a.buffer)
    # stopping early gives exactly the first updates of the full training
    config = small(milestones=(5,), lr_factors=(0.1,))
    full = train_energy_mcmc(
        EnsembleMLP([1], [1, 16, 16, 1], "leaky_relu"), TARGET.sample, config, [1],
        snapshot=lambda net: [p.detach().clone() for p in net.parameters()],
        snapshot_steps=[10])
    net_part = EnsembleMLP([1], [1, 16, 16, 1], "leaky_relu")
    part = train_energy_mcmc(net_part, TARGET.sample, config, [1], stop_after=10)
    assert part.history.steps[-1] == 10 and full.history.steps[-1] == 30
    for p, q in zip(full.history.snapshots[10], net_part.parameters()):
        assert torch.equal(p, q)


def test_without_a_buffer_every_chain_starts_from_noise():
    result = train_energy_mcmc(Quadratic(), TARGET.sample, small(buffer_size=0), [0])
    assert result.buffer is None and result.ages is None
    assert (result.history["age"] == 3).all()  # every negative ran exactly K steps
    assert result.negatives.shape == (1, 32, 1)


def test_the_buffer_keeps_its_chains_and_restarts_a_share_of_them():
    config = small(reinit=0.0, steps=10, buffer_size=64, batch_size=16, chain_steps=3)
    result = train_energy_mcmc(Quadratic(), TARGET.sample, config, [0])
    assert result.buffer.shape == (1, 64, 1) and result.ages.shape == (1, 64)
    # no restarts: every update adds K steps to batch_size distinct chains
    assert result.ages.sum().item() == 10 * 16 * 3
    untouched = result.ages[0] == 0  # never drawn: still uniform noise on the box
    assert untouched.any() and (result.buffer[0, untouched].abs() <= 4.0).all()
    assert result.ages.max().item() > 3  # chains carried over from update to update
    always = train_energy_mcmc(Quadratic(), TARGET.sample, small(reinit=1.0), [0])
    assert always.ages.max().item() == 3  # every drawn chain restarted from noise
    some = train_energy_mcmc(Quadratic(), TARGET.sample, small(reinit=0.05, steps=60), [0])
    ages = some.ages[0][some.ages[0] > 0]
    assert ages.double().mean() > 3 and (ages % 3 == 0).all()


def test_every_study_is_stored_current_and_recorded_with_its_platform():
    for name, study in STUDIES.items():
        assert name.startswith("ebm-")
        stored = load(name)  # raises if missing, unreadable or stale
        seeds = list(study.seeds)
        for key in ("rows", "rows_longer", "rows_short"):
            assert [row["seed"] for row in stored[key]] == seeds, (name, key)
        assert len(stored["rows_buffer"]) == (len(seeds) if study.config.buffer_size else 0)
        assert sorted(stored["prefix_digests"]) == sorted(map(str, seeds))
        assert stored["seconds"] > 0 and stored["cpu_seconds"] > 0
        platform = stored["platform"]
        assert platform["reference"] and platform["mkl_branch"] == "COMPATIBLE", name
        assert platform["torch"] == stored["versions"]["torch"]
        assert ebm.path_of(name, suffix=".pt").exists()


@reference_only
@pytest.mark.parametrize("name", list(STUDIES))
def test_the_code_still_trains_every_study_as_stored(name):
    """The cheap live check: seed 0's first updates, re-trained, give the stored weights."""
    check = ebm.check_prefix(name, seed=0)
    assert check["match"], check


@reference_only
def test_stored_weights_score_as_their_rows():
    name = next(iter(STUDIES))
    study = STUDIES[name]
    energy = ebm.load_energy(name, [1])
    stored = load(name)
    assert ebm.digest(energy, 0) == stored["final_digests"]["1"]
    scored = ebm.evaluate(energy, study, [1])
    for key in ("rows", "rows_longer", "rows_short"):
        assert json.dumps(scored[key][0], sort_keys=True) == json.dumps(
            stored[key][1], sort_keys=True), key


def test_load_detects_stale_unreadable_and_missing_studies(tmp_path):
    name = next(iter(STUDIES))
    record = json.loads(ebm.path_of(name).read_text())
    record["fingerprint"] = "0" * 16
    (tmp_path / f"{name}.json").write_text(json.dumps(record))
    with pytest.raises(ValueError, match="is stale"):
        load(name, tmp_path)
    (tmp_path / f"{name}.json").write_text(json.dumps(record)[:100])
    with pytest.raises(ValueError, match="unreadable"):
        load(name, tmp_path)
    assert not ebm.is_current(name, tmp_path)
    with pytest.raises(ValueError, match="no stored results"):
        load(name, tmp_path / "empty")
    with pytest.raises(ValueError, match="name must be one of"):
        load("no-such-study")


def test_the_script_writes_atomically_and_resumes(tmp_path, monkeypatch, capsys):
    name = next(iter(STUDIES))
    tiny = dataclasses.replace(
        STUDIES[name], config=dataclasses.replace(
            STUDIES[name].config, steps=12, milestones=(8,), lr_factors=(0.3,),
            buffer_size=256, batch_size=32),
        hidden=(8,), seeds=(0, 1), n_eval=50, sampler_steps=5)
    monkeypatch.setitem(STUDIES, name, tiny)
    (tmp_path / f"{name}.json").write_text("{")  # a truncated file from a crash
    assert ebm.main([name, "--out", str(tmp_path)]) == 0
    assert ebm.is_current(name, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{name}.json", f"{name}.pt"]
    stored = load(name, tmp_path)
    assert stored["study"]["seeds"] == [0, 1] and len(stored["rows"]) == 2
    energy = ebm.load_energy(name, [1], tmp_path)
    assert ebm.digest(energy, 0) == stored["final_digests"]["1"]
    alone = ebm.run_study(tiny, [1])  # one seed alone: its stored row and weights
    assert json.dumps(alone["rows"][0], sort_keys=True) == json.dumps(stored["rows"][1],
                                                                      sort_keys=True)
    assert ebm.main([name, "--out", str(tmp_path)]) == 0
    assert f"{name}: stored, skipped" in capsys.readouterr().out
    with pytest.raises(ValueError, match="seeds must be some of"):
        ebm.run_study(tiny, [7])
