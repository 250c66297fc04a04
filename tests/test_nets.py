"""ganbook.nets: the MLP builder."""

import numpy as np
import pytest
import torch
from torch import nn

from ganbook.nets import EnsembleMLP, mlp


def test_mlp_layers_and_shapes():
    net = mlp([100, 256, 512, 1024, 64], activation="leaky_relu", output="tanh")
    linears = [m for m in net if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [
        (100, 256), (256, 512), (512, 1024), (1024, 64)
    ]
    assert isinstance(net[-1], nn.Tanh)
    assert sum(isinstance(m, nn.LeakyReLU) for m in net) == 3
    out = net(torch.randn(5, 100))
    assert out.shape == (5, 64) and out.abs().max() <= 1


def test_mlp_without_output_activation_ends_with_linear():
    assert isinstance(mlp([2, 3, 1])[-1], nn.Linear)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"sizes": [3]}, "sizes must have at least two entries"),
        ({"sizes": [3, 0]}, r"sizes\[1\] must be at least 1"),
        ({"sizes": [3, 2], "activation": "gelu"}, "activation must be one of"),
        ({"sizes": [3, 2], "output": "softmax"}, "output must be one of"),
    ],
)
def test_mlp_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        mlp(**kwargs)


ENSEMBLE = EnsembleMLP([0, 1], [2, 3, 1])


@pytest.mark.parametrize(
    "call, error, name",
    [
        (lambda: mlp([3]), ValueError, "sizes"),
        (lambda: mlp([3, 0]), ValueError, "sizes"),
        (lambda: mlp([3, -2]), ValueError, "sizes"),
        (lambda: mlp([3, 2.0]), TypeError, "sizes"),
        (lambda: mlp([3, True]), TypeError, "sizes"),
        (lambda: mlp(["3", 2]), TypeError, "sizes"),
        (lambda: mlp(5), TypeError, "sizes"),
        (lambda: mlp("32"), TypeError, "sizes"),
        (lambda: mlp([3, 2], activation=None), ValueError, "activation"),
        (lambda: mlp([3, 2], activation=["relu"]), ValueError, "activation"),
        (lambda: mlp([3, 2], output=1), ValueError, "output"),
        (lambda: EnsembleMLP([], [2, 1]), ValueError, "seeds"),
        (lambda: EnsembleMLP([-1], [2, 1]), ValueError, "seeds"),
        (lambda: EnsembleMLP([1.5], [2, 1]), TypeError, "seeds"),
        (lambda: EnsembleMLP([True], [2, 1]), TypeError, "seeds"),
        (lambda: EnsembleMLP(3, [2, 1]), TypeError, "seeds"),
        (lambda: EnsembleMLP("0", [2, 1]), TypeError, "seeds"),
        (lambda: EnsembleMLP([0], [2]), ValueError, "sizes"),
        (lambda: EnsembleMLP([0], [2, 0.5]), TypeError, "sizes"),
        (lambda: ENSEMBLE(torch.ones(2, 4, 2, dtype=torch.int64)), TypeError, "x"),
        (lambda: ENSEMBLE(torch.ones(3, 4, 2)), ValueError, "x"),
        (lambda: ENSEMBLE.member(2), ValueError, "e"),
        (lambda: ENSEMBLE.member(-1), ValueError, "e"),
        (lambda: ENSEMBLE.member(1.0), TypeError, "e"),
        (lambda: ENSEMBLE.member(True), TypeError, "e"),
    ],
)
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=rf"^{name}\b"):
        call()


def test_numpy_scalars_are_accepted():
    net = mlp(np.array([3, 4, 2]))
    assert [m.out_features for m in net if isinstance(m, nn.Linear)] == [4, 2]
    assert all(type(m.in_features) is int for m in net if isinstance(m, nn.Linear))
    a = EnsembleMLP([np.int64(0), np.int64(1)], [2, np.int64(3), 1])
    assert a.seeds == [0, 1] and a.sizes == [2, 3, 1]
    for w, w_ref in zip(a.weights, ENSEMBLE.weights):
        assert torch.equal(w, w_ref)
    x = torch.randn(4, 2)
    assert torch.equal(a.member(np.int64(1))(x), ENSEMBLE.member(1)(x))


def test_ensemble_draws_from_torchs_generator_as_before():
    # EnsembleMLP builds (and drops) one mlp, so later draws of torch's generator move on
    # exactly as they did before the checks: stored notebooks depend on it.
    torch.manual_seed(0)
    EnsembleMLP([0, 1], [2, 3, 1])
    after_ensemble = torch.rand(3)
    torch.manual_seed(0)
    mlp([2, 3, 1])
    assert torch.equal(after_ensemble, torch.rand(3))
