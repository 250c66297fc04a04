"""Small networks: multilayer perceptrons, the only architecture the book needs.

Chapter 04's digits classifier, chapter 05's generator and discriminator (sized after source
001: discriminator 64 -> 512 -> 256 -> 1, generator 100 -> 256 -> 512 -> 1024 -> 64) and the
energy networks of Part III are all MLPs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

#: The hidden activations, by name.
ACTIVATIONS = {
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.2),
    "tanh": nn.Tanh,
    "softplus": nn.Softplus,
}

#: The output activations, by name (``None``: none, the output is a logit or an energy).
OUTPUTS = {None: None, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


def mlp(
    sizes: Sequence[int],
    activation: str = "relu",
    output: str | None = None,
) -> nn.Sequential:
    """A multilayer perceptron ``sizes[0] -> sizes[1] -> ... -> sizes[-1]``.

    Args:
        sizes: the width of every layer, input first; at least two entries.
        activation: the activation between layers: one of :data:`ACTIVATIONS`.
        output: the activation after the last layer: ``None`` (a logit or an energy),
            ``"tanh"`` (pixels in [-1, 1]) or ``"sigmoid"`` (a probability).

    Returns:
        An ``nn.Sequential`` of ``nn.Linear`` layers and activations.
    """
    sizes = list(sizes)
    if len(sizes) < 2 or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0
                                 for s in sizes):
        raise ValueError(f"sizes must be at least two positive ints, got {sizes!r}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {list(OUTPUTS)}, got {output!r}")
    layers: list[nn.Module] = []
    for i, (width_in, width_out) in enumerate(zip(sizes[:-1], sizes[1:])):
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
        seeds: one seed per model; their number is the ensemble's size.
        sizes, activation, output: as for :func:`mlp`.
    """

    def __init__(self, seeds, sizes, activation: str = "relu", output: str | None = None):
        super().__init__()
        mlp(sizes, activation, output)  # validates the arguments
        seeds = list(seeds)
        if not seeds or not all(isinstance(s, int) and s >= 0 for s in seeds):
            raise ValueError(f"seeds must be non-negative ints, at least one, got {seeds!r}")
        self.seeds = seeds
        self.sizes = list(sizes)
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        generators = [torch.Generator().manual_seed(s) for s in seeds]
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:]):
            bound = 1 / math.sqrt(fan_in)

            def uniform(shape, g):
                return (torch.rand(shape, generator=g) * 2 - 1) * bound

            self.weights.append(nn.Parameter(torch.stack(
                [uniform((fan_in, fan_out), g) for g in generators])))
            self.biases.append(nn.Parameter(torch.stack(
                [uniform((1, fan_out), g) for g in generators])))
        self.activation_name, self.output_name = activation, output
        self.activation = ACTIVATIONS[activation]()
        self.output = OUTPUTS[output]() if OUTPUTS[output] is not None else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
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
        """Model ``e`` as a plain ``nn.Sequential`` (input (B, in)), a copy of its weights."""
        net = mlp(self.sizes, self.activation_name, self.output_name)
        linears = [m for m in net if isinstance(m, nn.Linear)]
        with torch.no_grad():
            for linear, w, b in zip(linears, self.weights, self.biases):
                linear.weight.copy_(w[e].T)
                linear.bias.copy_(b[e, 0])
        return net.to(self.weights[0].device)
