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
        ({"steps": 0}, "steps must be at least 1"),
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


def test_the_wgan_gp_penalty_is_recorded_and_differs_from_r1():
    seeds = [0]
    runs = {}
    for penalty in ("r1", "wgan-gp"):
        G, _ = networks(seeds)
        U = EnsembleMLP([10], [1, 16, 1])
        config = TrainConfig(loss="energy", steps=20, latent_dim=1, log_every=10,
                             gradient_penalty=0.1, penalty=penalty)
        runs[penalty] = train_gan(G, U, TARGET.sample, config, seeds, progress=False)
    assert runs["wgan-gp"]["penalty"].shape == (2, 1)
    assert torch.isfinite(runs["wgan-gp"]["penalty"]).all()
    assert not torch.equal(runs["r1"]["penalty"], runs["wgan-gp"]["penalty"])


def test_entropy_needs_aux_and_a_known_name():
    G, D = networks([0])
    with pytest.raises(ValueError, match="aux must be given exactly when config.entropy"):
        train_gan(G, D, TARGET.sample, TrainConfig(steps=1, latent_dim=1, entropy="infogan"),
                  [0], progress=False)
    with pytest.raises(ValueError, match="entropy must be one of"):
        TrainConfig(entropy="maxent")
    with pytest.raises(ValueError, match="must be non-negative"):
        TrainConfig(gradient_penalty=-1.0)


def test_schedules_give_the_documented_factors():
    step = TrainConfig(steps=10, schedule="step", milestones=(4, 7), lr_factors=(0.3, 0.1))
    assert [step.lr_factor(s) for s in range(1, 11)] == [1.0] * 4 + [0.3] * 3 + [0.1] * 3
    cosine = TrainConfig(steps=5, schedule="cosine", final_lr_factor=0.1)
    factors = [cosine.lr_factor(s) for s in range(1, 6)]
    assert factors[0] == 1.0 and abs(factors[-1] - 0.1) < 1e-12
    assert abs(factors[2] - 0.55) < 1e-12 and factors == sorted(factors, reverse=True)
    assert TrainConfig(steps=3).lr_factor(3) == 1.0


def test_the_entropy_weight_is_annealed_at_the_milestones(monkeypatch):
    config = TrainConfig(steps=10, schedule="step", milestones=(4, 7), lr_factors=(1, 1),
                         entropy="infogan", entropy_factors=(0.5, 0.0))
    assert [config.entropy_factor(s) for s in range(1, 11)] == [1] * 4 + [0.5] * 3 + [0] * 3
    assert TrainConfig(steps=3, entropy="infogan").entropy_factor(3) == 1.0
    with pytest.raises(ValueError, match="entropy_factors need an entropy term"):
        TrainConfig(steps=10, schedule="step", milestones=(4,), lr_factors=(1,),
                    entropy_factors=(0.5,))
    with pytest.raises(ValueError, match="entropy_factors must have one factor"):
        TrainConfig(steps=10, schedule="step", milestones=(4,), lr_factors=(1,),
                    entropy="infogan", entropy_factors=(0.5, 0.1))
    with pytest.raises(ValueError, match="entropy_factors"):
        TrainConfig(steps=10, schedule="step", milestones=(4,), lr_factors=(1,),
                    entropy="infogan", entropy_factors=(-0.5,))


def test_the_optimisers_use_the_scheduled_rates(monkeypatch):
    seen = []
    real_step = torch.optim.SGD.step

    def spy(self, *args, **kwargs):
        seen.append(self.param_groups[0]["lr"])
        return real_step(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.SGD, "step", spy)
    config = TrainConfig(steps=4, latent_dim=1, optimizer="sgd", momentum=0.5, lr_d=0.1,
                         lr_g=0.2, schedule="step", milestones=(2,), lr_factors=(0.5,))
    G, D = networks([0])
    train_gan(G, D, TARGET.sample, config, [0], progress=False)
    assert seen == pytest.approx([0.1, 0.2, 0.1, 0.2, 0.05, 0.1, 0.05, 0.1])


def test_stop_after_trains_the_prefix_of_the_full_run_exactly():
    config = TrainConfig(steps=40, latent_dim=1, schedule="cosine")
    G1, D1 = networks([0])
    train_gan(G1, D1, TARGET.sample, config, [0], progress=False, stop_after=15)
    G2, D2 = networks([0])
    history = train_gan(G2, D2, TARGET.sample, config, [0], progress=False,
                        snapshot_steps=[15],
                        snapshot=lambda g, d: [p.clone() for p in g.parameters()])
    for w1, w2 in zip(G1.parameters(), history.snapshots[15]):
        assert torch.equal(w1, w2)
    with pytest.raises(ValueError, match="stop_after"):
        train_gan(G1, D1, TARGET.sample, config, [0], progress=False, stop_after=41)


@pytest.mark.parametrize("kwargs, match", [
    ({"schedule": "linear"}, "schedule must be one of"),
    ({"schedule": "step", "milestones": (5,), "lr_factors": ()}, "one factor per milestone"),
    ({"schedule": "step", "milestones": (6, 3), "lr_factors": (1, 1)}, "milestones must"),
    ({"schedule": "step", "milestones": (10,), "lr_factors": (0.1,)}, "milestones"),
    ({"milestones": (5,), "lr_factors": (0.1,)}, 'schedule="step"'),
    ({"schedule": "cosine", "final_lr_factor": 2.0}, "final_lr_factor"),
    ({"optimizer": "rmsprop"}, "optimizer must be one of"),
    ({"momentum": 1.0}, "momentum"),
    ({"lr_d": float("nan")}, "lr_d"),
    ({"lr_g": float("inf")}, "lr_g"),
    ({"betas": (0.5, 1.0)}, r"betas\[1\]"),
    ({"betas": (float("nan"), 0.9)}, r"betas\[0\]"),
    ({"betas": 0.9}, "betas"),
    ({"gradient_penalty": float("nan")}, "gradient_penalty"),
    ({"entropy_weight": -1.0}, "entropy_weight"),
    ({"penalty": "r2"}, "penalty must be one of"),
    ({"steps": 2.5}, "steps"),
    ({"steps": True}, "steps"),
    ({"batch_size": "64"}, "batch_size"),
])
def test_bad_configs_name_the_argument(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        TrainConfig(steps=10, **kwargs)


def test_numpy_integers_are_accepted():
    import numpy as np

    config = TrainConfig(steps=np.int64(5), batch_size=np.int32(8))
    assert config.steps == 5 and type(config.steps) is int
