"""Small networks: multilayer perceptrons, the only architecture the book needs.

Chapter 04's digits classifier, chapter 05's generator and discriminator (sized after source
001: discriminator 64 -> 512 -> 256 -> 1, generator 100 -> 256 -> 512 -> 1024 -> 64) and the
energy networks of Part III are all MLPs.
"""

from __future__ import annotations

from collections.abc import Sequence

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
