"""The 8x8 handwritten digits that ship with scikit-learn, and a classifier of them.

The book's stand-in for MNIST: 1,797 images of 8 x 8 pixels, ten classes, no download.
Chapter 04 trains :func:`train_classifier` with its own cross-entropy; chapter 08 uses the
same classifier to score generated digits (an Inception-style score and a Frechet distance
in its feature space).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ganbook.nets import mlp
from ganbook.validate import finite_tensor, integer, real

#: Largest pixel value of scikit-learn's digits (pixels are integers 0 to 16).
PIXEL_MAX = 16
N_CLASSES = 10
N_PIXELS = 64


@dataclass(frozen=True)
class Digits:
    """A fixed split of the digits; images flattened to 64 values in [-1, 1]."""

    x_train: torch.Tensor  # (n_train, 64) float32
    y_train: torch.Tensor  # (n_train,) int64, labels 0 to 9
    x_test: torch.Tensor  # (n_test, 64) float32
    y_test: torch.Tensor  # (n_test,) int64

    def __post_init__(self) -> None:
        for part in ("train", "test"):
            _check_images(f"x_{part}", getattr(self, f"x_{part}"))
            _check_labels(f"y_{part}", getattr(self, f"y_{part}"), getattr(self, f"x_{part}"))


def _check_images(name: str, x: torch.Tensor) -> torch.Tensor:
    """``x``, checked: a floating-point tensor of finite numbers, (n, 64) with n >= 1."""
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got "
                        + (f"{x.dtype}" if isinstance(x, torch.Tensor) else type(x).__name__))
    if x.dim() != 2 or x.shape[1] != N_PIXELS:
        raise ValueError(f"{name} must have shape (n, {N_PIXELS}), got {tuple(x.shape)}")
    return finite_tensor(name, x)


def _check_labels(name: str, y: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """``y``, checked: an int64 tensor of labels 0 to 9, one per row of ``x``."""
    if not isinstance(y, torch.Tensor) or y.shape != x.shape[:1] or y.dtype != torch.int64:
        raise ValueError(f"{name} must be an int64 tensor of shape ({x.shape[0]},)")
    if y.numel() and (y.min() < 0 or y.max() >= N_CLASSES):
        raise ValueError(f"{name} must hold labels 0 to {N_CLASSES - 1}, got "
                         f"{y.min().item()} to {y.max().item()}")
    return y


def scale(pixels: torch.Tensor) -> torch.Tensor:
    """Pixels 0..16 to [-1, 1], the range of a generator with a tanh output.

    ``pixels`` must be finite numbers; an integer tensor gives the default floating-point
    dtype.
    """
    pixels = finite_tensor("pixels", pixels, nonempty=False)
    return pixels / (PIXEL_MAX / 2) - 1


def unscale(x: torch.Tensor) -> torch.Tensor:
    """[-1, 1] back to pixels 0..16 (for display); ``x`` must be finite numbers."""
    x = finite_tensor("x", x, nonempty=False)
    return (x + 1) * (PIXEL_MAX / 2)


def load_digits(test_fraction: float = 0.25, seed: int = 0) -> Digits:
    """The digits, scaled to [-1, 1], with a stratified train/test split fixed by ``seed``.

    Args:
        test_fraction: the share of each class held out for testing, in (0, 1).
        seed: the seed of the split, an int from 0 to 2**32 - 1 (the book always uses the
            default, 0).
    """
    import sklearn.datasets
    from sklearn.model_selection import train_test_split

    test_fraction = real("test_fraction", test_fraction, positive=True, below=1)
    seed = integer("seed", seed, minimum=0, maximum=2**32 - 1)
    bunch = sklearn.datasets.load_digits()
    x_train, x_test, y_train, y_test = train_test_split(
        bunch.data, bunch.target, test_size=test_fraction, random_state=seed,
        stratify=bunch.target,
    )

    def images(a):
        return scale(torch.as_tensor(a, dtype=torch.float32))

    def labels(a):
        return torch.as_tensor(a, dtype=torch.int64)

    return Digits(images(x_train), labels(y_train), images(x_test), labels(y_test))


#: A loss of a classifier: logits (batch, classes) and labels (batch,) to a scalar.
Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def train_classifier(
    x: torch.Tensor,
    y: torch.Tensor,
    loss: Loss = F.cross_entropy,
    *,
    hidden: tuple[int, ...] = (128,),
    steps: int = 500,
    batch_size: int = 64,
    lr: float = 1e-3,
    seed: int = 0,
) -> tuple[nn.Sequential, list[float]]:
    """Train an MLP classifier ``64 -> hidden -> 10`` with Adam; return it and its losses.

    Everything random (the initial weights, the order of the mini-batches) comes from
    ``seed``, so two calls that differ only in ``loss`` see the same weights and batches:
    chapter 04 compares the book's cross-entropy with PyTorch's that way, step by step.

    Args:
        x: images, (n, 64).
        y: labels, (n,), integers 0 to 9.
        loss: the loss of a batch, from logits and labels (default: PyTorch's
            cross-entropy, the mean over the batch).
        hidden: the widths of the hidden layers, positive ints.
        steps: the number of Adam steps, one mini-batch each; at least 1.
        batch_size: the size of a mini-batch, at least 1.
        lr: Adam's learning rate, positive and finite.
        seed: the seed of the initial weights and of the batches, a non-negative int.

    Returns:
        ``(model, losses)``: the trained classifier (it outputs logits) and the loss of
        every step.
    """
    _check_images("x", x)
    _check_labels("y", y, x)
    if not callable(loss):
        raise TypeError(f"loss must be callable (logits, labels) -> a scalar, got "
                        f"{type(loss).__name__}")
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, Iterable):
        raise TypeError(f"hidden must be a sequence of ints, got {type(hidden).__name__}")
    hidden = tuple(integer(f"hidden[{i}]", h, minimum=1) for i, h in enumerate(hidden))
    steps = integer("steps", steps, minimum=1)
    batch_size = integer("batch_size", batch_size, minimum=1)
    lr = real("lr", lr, positive=True)
    seed = integer("seed", seed, minimum=0, maximum=2**63 - 1)
    torch.manual_seed(seed)
    model = mlp([N_PIXELS, *hidden, N_CLASSES]).to(x.device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    order = torch.empty(0, dtype=torch.int64)
    losses = []
    for _ in range(steps):
        if len(order) < batch_size:  # a new epoch: reshuffle
            order = torch.randperm(len(x), generator=generator)
        batch, order = order[:batch_size].to(x.device), order[batch_size:]
        value = loss(model(x[batch]), y[batch])
        optimizer.zero_grad()
        value.backward()
        optimizer.step()
        losses.append(value.item())
    return model.eval(), losses


@torch.no_grad()
def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """The share of ``x`` whose most probable class under ``model`` is ``y``.

    Args:
        model: a classifier, images (n, 64) to logits or probabilities (n, 10).
        x: images, (n, 64), at least one.
        y: their labels, (n,), int64.
    """
    if not callable(model):
        raise TypeError(f"model must be callable, got {type(model).__name__}")
    _check_images("x", x)
    _check_labels("y", y, x)
    return (model(x).argmax(dim=-1) == y).double().mean().item()


#: The images scored per generator in chapter 08 and the digits study.
N_SCORED = 1000


def scoring_split(digits: Digits) -> tuple[torch.Tensor, torch.Tensor]:
    """The training digits split (seed 1) into ``N_SCORED`` images and the rest.

    The first part is what the digits GAN of the study trains on, and what a memorising
    "generator" returns; the second (347 images) is the validation set that chooses the
    Parzen bandwidth. The test digits stay held out for every score.
    """
    order = torch.randperm(len(digits.x_train), generator=torch.Generator().manual_seed(1))
    return digits.x_train[order[:N_SCORED]], digits.x_train[order[N_SCORED:]]


def scoring_classifier(digits: Digits) -> nn.Sequential:
    """The judge of generated digits (chapter 08): 64 -> 128 -> 10, 600 steps, seed 0.

    Its hidden layer, ``classifier[:-1]``, gives the features of the Frechet distance.
    """
    model, _ = train_classifier(digits.x_train, digits.y_train, steps=600, seed=0)
    return model


#: The 41 bandwidths of the Parzen protocol, from 10**-1.5 to 10**0.5 (log-spaced).
PARZEN_BANDWIDTHS = torch.logspace(-1.5, 0.5, 41, dtype=torch.float64)


@torch.no_grad()
def score_images(images: torch.Tensor, digits: Digits, classifier: nn.Module,
                 validation: torch.Tensor, training: torch.Tensor) -> dict[str, float]:
    """Every score of chapter 08 for a set of images in [-1, 1] (generated or not).

    Returns:
        ``score``: the Inception-style score with ``classifier``; ``frechet``: the Frechet
        distance to the test digits in the classifier's hidden features; ``parzen`` and
        ``parzen_se``: the Parzen log-likelihood of the test digits (nats) and its standard
        error, the bandwidth ``sigma`` chosen on ``validation``; ``nearest``: the median
        distance from an image to its nearest image of ``training`` (0 for copies).
    """
    from ganbook.metrics import (
        classifier_score,
        frechet_distance,
        nearest_distances,
        parzen_protocol,
    )

    images = _check_images("images", images)
    features = classifier[:-1]
    parzen = parzen_protocol(images.double(), validation.double(), digits.x_test.double(),
                             PARZEN_BANDWIDTHS)
    return {
        "score": classifier_score(classifier(images).softmax(dim=-1).double()),
        "frechet": frechet_distance(features(digits.x_test).double(),
                                    features(images).double()),
        "parzen": parzen["mean"],
        "parzen_se": parzen["se"],
        "sigma": parzen["sigma"],
        "nearest": nearest_distances(images.double(), training.double()).median().item(),
    }
