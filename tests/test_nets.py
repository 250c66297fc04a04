"""ganbook.nets: the MLP builder."""

import pytest
import torch
from torch import nn

from ganbook.nets import mlp


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
        ({"sizes": [3]}, "sizes must be at least two positive ints"),
        ({"sizes": [3, 0]}, "sizes must be at least two positive ints"),
        ({"sizes": [3, 2], "activation": "gelu"}, "activation must be one of"),
        ({"sizes": [3, 2], "output": "softmax"}, "output must be one of"),
    ],
)
def test_mlp_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        mlp(**kwargs)
