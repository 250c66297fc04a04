"""ganbook.info against oracles: scipy.stats.entropy and torch.distributions."""

import math

import numpy as np
import pytest
import scipy.stats
import torch

from ganbook.info import binary_entropy, entropy, self_information


def random_distributions(n: int, k: int, seed: int, zeros: bool = False) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    p = -torch.log(torch.rand(n, k, generator=g, dtype=torch.float64))  # Dirichlet(1, ..., 1)
    if zeros:  # knock out about a third of the entries, then renormalise
        p = p * (torch.rand(n, k, generator=g, dtype=torch.float64) > 0.33)
        p[p.sum(-1) == 0, 0] = 1.0
    return p / p.sum(-1, keepdim=True)


@pytest.mark.parametrize("zeros", [False, True])
def test_entropy_matches_scipy(zeros):
    p = random_distributions(200, 7, seed=1, zeros=zeros)
    expected = scipy.stats.entropy(p.numpy(), axis=-1)
    np.testing.assert_allclose(entropy(p).numpy(), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        entropy(p, base=2).numpy(), scipy.stats.entropy(p.numpy(), base=2, axis=-1), rtol=1e-12
    )


def test_entropy_matches_torch_categorical():
    p = random_distributions(100, 5, seed=2, zeros=True)
    expected = torch.distributions.Categorical(probs=p).entropy()
    torch.testing.assert_close(entropy(p), expected, rtol=1e-12, atol=1e-12)


def test_entropy_along_other_dim():
    p = random_distributions(4, 6, seed=3)
    torch.testing.assert_close(entropy(p.T, dim=0), entropy(p))
    torch.testing.assert_close(entropy(p.T.unsqueeze(0), dim=1), entropy(p).unsqueeze(0))


def test_entropy_known_values():
    assert entropy([1.0, 0.0, 0.0]).item() == 0.0
    assert entropy([0.25] * 4, base=2).item() == pytest.approx(2.0, abs=1e-15)
    assert entropy([0.7, 0.2, 0.1]).item() == pytest.approx(0.8018, abs=5e-5)


def test_entropy_keeps_dtype_and_device_and_accepts_arrays():
    p32 = torch.tensor([0.5, 0.5], dtype=torch.float32)
    assert entropy(p32).dtype == torch.float32
    assert entropy(np.array([0.5, 0.5])).dtype == torch.float64
    assert entropy([1, 0]).item() == 0.0  # integers become float64


def test_entropy_is_differentiable():
    logits = torch.tensor([0.3, -1.0, 2.0], requires_grad=True)
    entropy(torch.softmax(logits, 0)).backward()
    assert torch.isfinite(logits.grad).all()


def test_self_information():
    assert self_information(1.0).item() == 0.0
    assert self_information(0.5, base=2).item() == pytest.approx(1.0, abs=1e-15)
    assert self_information(0.0).item() == math.inf
    p, q = torch.rand(50, dtype=torch.float64), torch.rand(50, dtype=torch.float64)
    torch.testing.assert_close(self_information(p * q), self_information(p) + self_information(q))


def test_binary_entropy_against_scipy():
    p = torch.linspace(0, 1, 101, dtype=torch.float64)
    expected = scipy.stats.entropy(np.stack([p.numpy(), 1 - p.numpy()]), axis=0)
    np.testing.assert_allclose(binary_entropy(p).numpy(), expected, atol=1e-14)
    assert binary_entropy(0.5, base=2).item() == pytest.approx(1.0, abs=1e-15)
    assert binary_entropy(0.0).item() == binary_entropy(1.0).item() == 0.0


@pytest.mark.parametrize(
    "p, message",
    [
        ([], "p is empty"),
        ([0.5, float("nan"), 0.5], "p contains NaN"),
        ([1.2, -0.2], "p has a negative entry"),
        ([1.5, 0.5], "p has an entry above 1"),
        ([0.5, 0.4], "p does not sum to 1"),
        ("abc", "p must be a tensor or an array of numbers"),
    ],
)
def test_entropy_rejects_bad_distributions(p, message):
    with pytest.raises(ValueError, match=message):
        entropy(p)


def test_sum_tolerance_is_one_in_a_million():
    entropy([0.5, 0.5 + 5e-7])
    with pytest.raises(ValueError, match="does not sum to 1"):
        entropy([0.5, 0.5 + 5e-6])


def test_entropy_rejects_bad_dim_and_base():
    with pytest.raises(ValueError, match="dim=2 is out of range"):
        entropy([[0.5, 0.5]], dim=2)
    with pytest.raises(ValueError, match="dim must be an int"):
        entropy([0.5, 0.5], dim=0.5)
    for base in (1, 0, -2, float("nan"), "2"):
        with pytest.raises(ValueError, match="base must be"):
            entropy([0.5, 0.5], base=base)


def test_ragged_and_mismatched_rows_rejected():
    with pytest.raises(ValueError, match="p must be a tensor or an array"):
        entropy([[0.5, 0.5], [1.0]])


@pytest.mark.parametrize("fn", [self_information, binary_entropy])
def test_elementwise_functions_reject_bad_probabilities(fn):
    for bad, message in (([], "empty"), ([-0.1], "negative"), ([1.1], "above 1"), ([math.nan], "NaN")):
        with pytest.raises(ValueError, match=f"p .*{message}|p is {message}"):
            fn(bad)


def test_no_negative_zero():
    for value in (entropy([1.0, 0.0]), binary_entropy(1.0), self_information(1.0)):
        assert str(value.item()) == "0.0"
