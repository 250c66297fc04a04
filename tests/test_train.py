"""ganbook.train: the loop learns, is deterministic, and an ensemble equals separate runs."""

import pytest
import torch

from ganbook.nets import EnsembleMLP, mlp
from ganbook.toy import mixture_1d
from ganbook.train import TrainConfig, train_gan

TARGET = mixture_1d([2.0], [0.5])


def networks(seeds):
    return (EnsembleMLP(seeds, [1, 32, 32, 1]),
            EnsembleMLP([s + 100 for s in seeds], [1, 32, 32, 1]))


def test_a_gan_learns_a_gaussian():
    torch.manual_seed(0)
    G, D = networks([0])
    config = TrainConfig(steps=600, latent_dim=1, batch_size=128, lr_d=2e-3, lr_g=2e-3)
    history = train_gan(G, D, TARGET.sample, config, [0], progress=False)
    x = G.member(0)(torch.randn(5000, 1, generator=torch.Generator().manual_seed(1)))
    assert abs(x.mean().item() - 2.0) < 0.25 and abs(x.std().item() - 0.5) < 0.25
    assert history["d_loss"].shape == (60, 1) and history.steps[-1] == 600


def test_an_ensemble_trains_each_model_as_if_alone():
    config = TrainConfig(steps=60, latent_dim=1, log_every=5)
    G3, D3 = networks([0, 1, 2])
    together = train_gan(G3, D3, TARGET.sample, config, [0, 1, 2], progress=False)
    G1, D1 = networks([2])
    alone = train_gan(G1, D1, TARGET.sample, config, [2], progress=False)
    for key in ("d_loss", "g_loss", "g_grad_norm"):
        assert torch.equal(together[key][:, 2], alone[key][:, 0]), key
    for w3, w1 in zip(G3.parameters(), G1.parameters()):
        assert torch.equal(w3[2], w1[0])


def test_plain_networks_and_snapshots():
    torch.manual_seed(0)
    G, D = mlp([1, 16, 1]), mlp([2, 16, 1])  # D judges pairs: pack = 2
    config = TrainConfig(steps=20, latent_dim=1, pack=2, log_every=10)
    history = train_gan(G, D, TARGET.sample, config, snapshot=lambda g, d: g.training,
                        snapshot_steps=[0, 10], progress=False)
    assert sorted(history.snapshots) == [0, 10]
    assert history.steps == [10, 20]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"loss": "hinge"}, "loss must be one of"),
        ({"steps": 0}, "steps must be a positive int"),
        ({"batch_size": 10, "pack": 4}, "must be a multiple of pack"),
        ({"lr_g": 0.0}, "lr_g must be positive"),
    ],
)
def test_bad_config(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig(**kwargs)


def test_several_seeds_need_ensembles():
    with pytest.raises(ValueError, match="with 2 seeds, generator must hold as many models"):
        train_gan(mlp([1, 4, 1]), mlp([1, 4, 1]), TARGET.sample, TrainConfig(steps=1,
                  latent_dim=1), [0, 1])


@pytest.mark.parametrize("entropy", [None, "infogan", "infomax"])
def test_energy_variants_run_and_record_their_parts(entropy):
    seeds = [0, 1]
    G, _ = networks(seeds)
    U = EnsembleMLP([10, 11], [1, 16, 1])
    aux = {None: None,
           "infogan": EnsembleMLP([20, 21], [1, 16, 1]),
           "infomax": EnsembleMLP([20, 21], [2, 16, 1])}[entropy]
    config = TrainConfig(loss="energy", steps=20, latent_dim=1, gradient_penalty=0.1,
                         entropy=entropy, log_every=10)
    history = train_gan(G, U, TARGET.sample, config, seeds, progress=False, aux=aux)
    assert history["u_real"].shape == (2, 2) and history["penalty"].shape == (2, 2)
    assert ("entropy_term" in history.values) == (entropy is not None)
    assert torch.isfinite(history["g_loss"]).all()


def test_entropy_needs_aux_and_a_known_name():
    G, D = networks([0])
    with pytest.raises(ValueError, match="aux must be given exactly when config.entropy"):
        train_gan(G, D, TARGET.sample, TrainConfig(steps=1, latent_dim=1, entropy="infogan"),
                  [0], progress=False)
    with pytest.raises(ValueError, match="entropy must be one of"):
        TrainConfig(entropy="maxent")
    with pytest.raises(ValueError, match="must be non-negative"):
        TrainConfig(gradient_penalty=-1.0)
