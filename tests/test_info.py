"""ganbook.info against oracles: scipy.stats.entropy and torch.distributions."""

import math

import numpy as np
import pytest
import scipy.spatial.distance
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
    with pytest.raises(TypeError, match="dim must be an int"):
        entropy([0.5, 0.5], dim=0.5)
    for base in (1, 0, -2, float("nan"), "2"):
        with pytest.raises((ValueError, TypeError), match="base must be"):
            entropy([0.5, 0.5], base=base)


def test_ragged_and_mismatched_rows_rejected():
    with pytest.raises(ValueError, match="p must be a tensor or an array"):
        entropy([[0.5, 0.5], [1.0]])


@pytest.mark.parametrize("fn", [self_information, binary_entropy])
def test_elementwise_functions_reject_bad_probabilities(fn):
    for bad, message in (([], "empty"), ([-0.1], "negative"), ([1.1], "above 1"),
                         ([math.nan], "NaN")):
        with pytest.raises(ValueError, match=f"p .*{message}|p is {message}"):
            fn(bad)


def test_no_negative_zero():
    for value in (entropy([1.0, 0.0]), binary_entropy(1.0), self_information(1.0)):
        assert str(value.item()) == "0.0"


# Two distributions: KL, JS, cross-entropy ---------------------------------------------------

from ganbook.info import binary_cross_entropy, cross_entropy, js_divergence, kl_divergence  # noqa: E402


@pytest.mark.parametrize("zeros", [False, True])
def test_kl_matches_scipy(zeros):
    p = random_distributions(300, 6, seed=11, zeros=zeros)
    q = random_distributions(300, 6, seed=12)  # full support: KL finite
    expected = scipy.stats.entropy(p.numpy(), q.numpy(), axis=-1)
    np.testing.assert_allclose(kl_divergence(p, q).numpy(), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(
        kl_divergence(p, q, base=2).numpy(), expected / math.log(2), rtol=1e-10, atol=1e-12
    )


def test_kl_matches_torch_distributions():
    p = random_distributions(100, 5, seed=13, zeros=True)
    q = random_distributions(100, 5, seed=14)
    expected = torch.distributions.kl_divergence(
        torch.distributions.Categorical(probs=p), torch.distributions.Categorical(probs=q)
    )
    torch.testing.assert_close(kl_divergence(p, q), expected, rtol=1e-10, atol=1e-12)


def test_kl_infinite_where_q_vanishes_and_p_does_not():
    assert kl_divergence([0.5, 0.5], [1.0, 0.0]).item() == math.inf
    assert kl_divergence([1.0, 0.0], [0.5, 0.5]).item() == pytest.approx(math.log(2))
    assert kl_divergence([0.2, 0.8], [0.2, 0.8]).item() == 0.0


@pytest.mark.parametrize("zeros", [False, True])
def test_js_matches_scipy_squared(zeros):
    p = random_distributions(300, 6, seed=15, zeros=zeros)
    q = random_distributions(300, 6, seed=16, zeros=zeros)
    # scipy returns the Jensen-Shannon *distance*, the square root, in nats by default.
    distance = scipy.spatial.distance.jensenshannon(p.numpy(), q.numpy(), axis=-1)
    np.testing.assert_allclose(js_divergence(p, q).numpy(), distance**2, rtol=1e-9, atol=1e-12)
    bits = scipy.spatial.distance.jensenshannon(p.numpy(), q.numpy(), axis=-1, base=2)
    np.testing.assert_allclose(js_divergence(p, q, base=2).numpy(), bits**2, rtol=1e-9,
                               atol=1e-12)


def test_js_bounds_and_symmetry():
    p = random_distributions(500, 4, seed=17, zeros=True)
    q = random_distributions(500, 4, seed=18, zeros=True)
    js = js_divergence(p, q)
    assert (js >= 0).all() and (js <= math.log(2) + 1e-12).all()
    torch.testing.assert_close(js, js_divergence(q, p), rtol=0, atol=1e-15)
    assert js_divergence([1.0, 0.0], [0.0, 1.0]).item() == pytest.approx(math.log(2), abs=1e-15)
    assert js_divergence(p, p).abs().max().item() == 0.0


def test_cross_entropy_is_entropy_plus_kl():
    p = random_distributions(200, 7, seed=19, zeros=True)
    q = random_distributions(200, 7, seed=20)
    torch.testing.assert_close(cross_entropy(p, q), entropy(p) + kl_divergence(p, q))
    one_hot = torch.tensor([0.0, 1.0, 0.0], dtype=torch.float64)
    assert cross_entropy(one_hot, [0.3, 0.6, 0.1]).item() == pytest.approx(-math.log(0.6))


def test_cross_entropy_matches_torch_on_labels():
    logits = torch.randn(50, 10, generator=torch.Generator().manual_seed(21), dtype=torch.float64)
    labels = torch.arange(50) % 10
    ours = cross_entropy(torch.nn.functional.one_hot(labels, 10).double(), logits.softmax(-1))
    torch.testing.assert_close(ours, torch.nn.functional.cross_entropy(logits, labels,
                                                                       reduction="none"))


@pytest.mark.parametrize("fn", [kl_divergence, js_divergence, cross_entropy])
def test_pair_functions_reject_bad_input(fn):
    with pytest.raises(ValueError, match="p and q must have the same shape"):
        fn([0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="q does not sum to 1"):
        fn([0.5, 0.5], [0.5, 0.6])
    with pytest.raises(ValueError, match="p has a negative entry"):
        fn([1.5, -0.5], [0.5, 0.5])
    with pytest.raises(ValueError, match="q contains NaN"):
        fn([0.5, 0.5], [math.nan, 0.5])
    with pytest.raises(ValueError, match="q is empty"):
        fn([0.5, 0.5], [])


def test_binary_cross_entropy_against_torch():
    g = torch.Generator().manual_seed(22)
    logits = 6 * torch.randn(1000, generator=g, dtype=torch.float64)
    target = torch.rand(1000, generator=g, dtype=torch.float64)
    F = torch.nn.functional
    expected = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
    torch.testing.assert_close(binary_cross_entropy(target, logits=logits), expected)
    expected = F.binary_cross_entropy(torch.sigmoid(logits), target, reduction="none")
    torch.testing.assert_close(binary_cross_entropy(target, torch.sigmoid(logits)), expected)


def test_binary_cross_entropy_logits_are_stable():
    logits = torch.tensor([-200.0, -120.0, 30.0, 200.0])
    target = torch.tensor([1.0, 1.0, 0.0, 0.0])
    stable = binary_cross_entropy(target, logits=logits)
    torch.testing.assert_close(stable, logits.abs())  # softplus(|a|) = |a| for large |a|
    naive = binary_cross_entropy(target, torch.sigmoid(logits))
    assert torch.isinf(naive).all()  # sigmoid rounds to exactly 0 or 1 in float32


def test_binary_cross_entropy_rejects_bad_input():
    with pytest.raises(ValueError, match="exactly one of prob and logits"):
        binary_cross_entropy([1.0])
    with pytest.raises(ValueError, match="exactly one of prob and logits"):
        binary_cross_entropy([1.0], [0.5], logits=[0.0])
    with pytest.raises(ValueError, match="target and prob must have the same shape"):
        binary_cross_entropy([1.0, 0.0], [0.5])
    with pytest.raises(ValueError, match="prob has an entry above 1"):
        binary_cross_entropy([1.0], [1.5])
    with pytest.raises(ValueError, match="target has a negative entry"):
        binary_cross_entropy([-1.0], logits=[0.0])
    with pytest.raises(ValueError, match="logits must be finite"):
        binary_cross_entropy([1.0], logits=[math.nan])


# Bad input names the argument; NumPy scalars are numbers ------------------------------------

NAN, INF = float("nan"), float("inf")
HALF = [0.5, 0.5]


@pytest.mark.parametrize(
    "call, error, name",
    [
        (lambda: entropy(HALF, dim=0.5), TypeError, "dim"),
        (lambda: entropy(HALF, dim=True), TypeError, "dim"),
        (lambda: entropy(HALF, dim="0"), TypeError, "dim"),
        (lambda: entropy([HALF], dim=2), ValueError, "dim"),
        (lambda: kl_divergence(HALF, HALF, dim=-2), ValueError, "dim"),
        (lambda: entropy(HALF, base=NAN), ValueError, "base"),
        (lambda: entropy(HALF, base=INF), ValueError, "base"),
        (lambda: entropy(HALF, base=0), ValueError, "base"),
        (lambda: entropy(HALF, base=-2.0), ValueError, "base"),
        (lambda: entropy(HALF, base=1), ValueError, "base"),
        (lambda: entropy(HALF, base="2"), TypeError, "base"),
        (lambda: entropy(HALF, base=True), TypeError, "base"),
        (lambda: self_information(0.5, base=INF), ValueError, "base"),
        (lambda: binary_entropy(0.5, base=NAN), ValueError, "base"),
        (lambda: js_divergence(HALF, HALF, base=1.0), ValueError, "base"),
        (lambda: cross_entropy(HALF, HALF, base="e"), TypeError, "base"),
        (lambda: entropy([]), ValueError, "p"),
        (lambda: entropy([NAN, 1.0]), ValueError, "p"),
        (lambda: entropy([INF, 0.0]), ValueError, "p"),
        (lambda: entropy([0.5, 0.6]), ValueError, "p"),
        (lambda: entropy("p"), ValueError, "p"),
        (lambda: self_information([-INF]), ValueError, "p"),
        (lambda: kl_divergence(HALF, [NAN, 0.5]), ValueError, "q"),
        (lambda: kl_divergence(HALF, []), ValueError, "q"),
        (lambda: binary_cross_entropy([NAN], prob=[0.5]), ValueError, "target"),
        (lambda: binary_cross_entropy([1.0], prob=[INF]), ValueError, "prob"),
        (lambda: binary_cross_entropy([1.0], logits=[NAN]), ValueError, "logits"),
        (lambda: binary_cross_entropy([1.0], logits=[INF]), ValueError, "logits"),
        (lambda: binary_cross_entropy([1.0], logits=[-INF]), ValueError, "logits"),
        (lambda: binary_cross_entropy([1.0], logits=[]), ValueError, "logits"),
    ],
)
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=rf"^{name}\b"):
        call()


def test_numpy_scalars_are_accepted():
    p = random_distributions(3, 4, seed=9)
    assert torch.equal(entropy(p, dim=np.int64(-1), base=np.int64(2)), entropy(p, base=2))
    assert torch.equal(entropy(p.T, dim=np.int32(0)), entropy(p.T, dim=0))
    assert torch.equal(kl_divergence(p, p.flip(0), base=np.float32(2.0)),
                       kl_divergence(p, p.flip(0), base=2.0))
    assert torch.equal(self_information(p, base=np.float64(10)), self_information(p, base=10))


def test_integer_tensors_are_converted_not_truncated():
    labels = torch.tensor([[0, 1], [1, 0]])
    assert torch.equal(cross_entropy(labels, [[0.25, 0.75], [0.5, 0.5]]),
                       cross_entropy(labels.double(), [[0.25, 0.75], [0.5, 0.5]]))
    assert torch.equal(binary_cross_entropy(torch.tensor([1, 0]), logits=torch.tensor([2, -1])),
                       binary_cross_entropy([1.0, 0.0], logits=[2.0, -1.0]))
