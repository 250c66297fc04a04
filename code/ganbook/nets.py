"""Small networks: multilayer perceptrons, the only architecture the book needs.

Chapter 04's digits classifier, chapter 05's generator and discriminator (sized after source
001: discriminator 64 -> 512 -> 256 -> 1, generator 100 -> 256 -> 512 -> 1024 -> 64) and the
energy networks of Part III are all MLPs.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from typing import Any

import torch
from torch import nn

from ganbook.validate import integer

#: The hidden activations, by name.
ACTIVATIONS = {
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.2),
    "tanh": nn.Tanh,
    "softplus": nn.Softplus,
}

#: The output activations, by name (``None``: none, the output is a logit or an energy).
OUTPUTS = {None: None, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


def _ints(name: str, values: Any, minimum: int, maximum: int | None = None) -> list[int]:
    """``values`` (any iterable of integers but a string) as a list of Python ints."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a sequence of ints, got {type(values).__name__}")
    return [integer(f"{name}[{i}]", v, minimum=minimum, maximum=maximum)
            for i, v in enumerate(values)]


def _check_mlp(sizes: Sequence[int], activation: str, output: str | None) -> list[int]:
    """The arguments of :func:`mlp`, checked; ``sizes`` as a list of Python ints."""
    sizes = _ints("sizes", sizes, minimum=1)
    if len(sizes) < 2:
        raise ValueError(f"sizes must have at least two entries (input and output), "
                         f"got {sizes!r}")
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    if not (output is None or isinstance(output, str)) or output not in OUTPUTS:
        raise ValueError(f"output must be one of {list(OUTPUTS)}, got {output!r}")
    return sizes


def mlp(
    sizes: Sequence[int],
    activation: str = "relu",
    output: str | None = None,
) -> nn.Sequential:
    """A multilayer perceptron ``sizes[0] -> sizes[1] -> ... -> sizes[-1]``.

    Args:
        sizes: the width of every layer, input first; at least two positive ints.
        activation: the activation between layers: one of :data:`ACTIVATIONS`.
        output: the activation after the last layer: ``None`` (a logit or an energy),
            ``"tanh"`` (pixels in [-1, 1]) or ``"sigmoid"`` (a probability).

    Returns:
        An ``nn.Sequential`` of ``nn.Linear`` layers and activations.
    """
    sizes = _check_mlp(sizes, activation, output)
    layers: list[nn.Module] = []
    for i, (width_in, width_out) in enumerate(itertools.pairwise(sizes)):
        layers.append(nn.Linear(width_in, width_out))
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    if OUTPUTS[output] is not None:
        layers.append(OUTPUTS[output]())
    return nn.Sequential(*layers)


class EnsembleMLP(nn.Module):
    """``n_models`` independent MLPs of the same shape, evaluated in one batched product.

    Input (E, B, sizes[0]), output (E, B, sizes[-1]): model ``e`` sees only ``x[e]``. Since
    the models share no parameter and Adam updates every entry separately, training the
    ensemble on the sum of the models' losses trains each model exactly as if it were
    alone; only the cost is shared (chapter 08 trains five seeds at once this way).

    Model ``e`` is initialised from its own seed, ``seeds[e]``, the way ``nn.Linear``
    initialises its layers (uniform in :math:`\\pm 1/\\sqrt{\\text{fan-in}}`), so a model
    does not depend on which other models share its ensemble.

    Args:
        seeds: one seed per model, non-negative ints; their number is the ensemble's size.
        sizes, activation, output: as for :func:`mlp`.
    """

    def __init__(self, seeds, sizes, activation: str = "relu", output: str | None = None):
        super().__init__()
        sizes = _check_mlp(sizes, activation, output)
        mlp(sizes, activation, output)  # as before the checks: it draws from torch's generator
        seeds = _ints("seeds", seeds, minimum=0, maximum=2**63 - 1)
        if not seeds:
            raise ValueError("seeds must name at least one seed")
        self.seeds = seeds
        self.sizes = sizes
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        generators = [torch.Generator().manual_seed(s) for s in seeds]
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:]):
            bound = 1 / math.sqrt(fan_in)

            def uniform(shape, g, bound=bound):
                return (torch.rand(shape, generator=g) * 2 - 1) * bound

            self.weights.append(nn.Parameter(torch.stack(
                [uniform((fan_in, fan_out), g) for g in generators])))
            self.biases.append(nn.Parameter(torch.stack(
                [uniform((1, fan_out), g) for g in generators])))
        self.activation_name, self.output_name = activation, output
        self.activation = ACTIVATIONS[activation]()
        self.output = OUTPUTS[output]() if OUTPUTS[output] is not None else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not isinstance(x, torch.Tensor) or not x.is_floating_point():
            raise TypeError(f"x must be a floating-point tensor, got {type(x).__name__}")
        if x.dim() != 3 or x.shape[0] != len(self.seeds) or x.shape[2] != self.sizes[0]:
            raise ValueError(
                f"x must have shape ({len(self.seeds)}, batch, {self.sizes[0]}), "
                f"got {tuple(x.shape)}"
            )
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            # One product per model, not one batched product: a batched product rounds
            # differently with the number of models, and then a model's trajectory would
            # depend on which models share its ensemble.
            x = torch.stack([torch.addmm(b[e], x[e], w[e]) for e in range(len(w))])
            if i < last:
                x = self.activation(x)
        return self.output(x)

    def member(self, e: int) -> nn.Sequential:
        """Model ``e`` as a plain ``nn.Sequential`` (input (B, in)), a copy of its weights.

        ``e`` counts from 0 to ``len(seeds) - 1``.
        """
        e = integer("e", e, minimum=0, maximum=len(self.seeds) - 1)
        net = mlp(self.sizes, self.activation_name, self.output_name)
        linears = [m for m in net if isinstance(m, nn.Linear)]
        with torch.no_grad():
            for linear, w, b in zip(linears, self.weights, self.biases):
                linear.weight.copy_(w[e].T)
                linear.bias.copy_(b[e, 0])
        return net.to(self.weights[0].device)
