"""ganbook.digits: the data, its split, and the classifier."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from ganbook.digits import (
    N_SCORED,
    Digits,
    accuracy,
    load_digits,
    scale,
    score_images,
    scoring_classifier,
    scoring_split,
    train_classifier,
    unscale,
)

NAN, INF = float("nan"), float("inf")


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def test_split_is_fixed_stratified_and_scaled(digits):
    assert digits.x_train.shape == (1347, 64) and digits.x_test.shape == (450, 64)
    assert digits.x_train.dtype == torch.float32 and digits.y_train.dtype == torch.int64
    assert digits.x_train.min() == -1 and digits.x_train.max() == 1
    counts = torch.bincount(digits.y_test, minlength=10)
    assert counts.min() >= 43 and counts.max() <= 46  # stratified: a quarter of each class
    again = load_digits()
    assert torch.equal(again.x_test, digits.x_test) and torch.equal(again.y_test, digits.y_test)


def test_scores_of_known_sets(digits):
    train, valid = scoring_split(digits)
    assert len(train) == N_SCORED and len(train) + len(valid) == len(digits.x_train)
    rows = torch.cat([train, valid])
    assert len(torch.unique(rows, dim=0)) == len(torch.unique(digits.x_train, dim=0))
    classifier = scoring_classifier(digits)
    assert accuracy(classifier, digits.x_test, digits.y_test) > 0.95
    memorised = score_images(train, digits, classifier, valid, train)
    noise = score_images(2 * torch.rand(N_SCORED, 64, generator=torch.Generator()
                                        .manual_seed(0)) - 1, digits, classifier, valid, train)
    assert memorised["nearest"] == 0.0 < noise["nearest"]  # copies of the training set
    assert memorised["score"] > 8 > 2 > noise["score"]
    assert memorised["frechet"] < noise["frechet"] and memorised["parzen"] > noise["parzen"]
    assert memorised["parzen_se"] > 0 and memorised["sigma"] > 0
    with pytest.raises(ValueError, match="images"):
        score_images(torch.zeros(3, 10), digits, classifier, valid, train)


def test_scale_round_trip():
    pixels = torch.arange(17, dtype=torch.float32)
    torch.testing.assert_close(unscale(scale(pixels)), pixels)
    assert scale(pixels)[0] == -1 and scale(pixels)[-1] == 1


def test_classifier_learns_and_is_deterministic(digits):
    model, losses = train_classifier(digits.x_train, digits.y_train, steps=300)
    assert accuracy(model, digits.x_test, digits.y_test) > 0.93
    assert losses[-1] < losses[0] / 5
    _, again = train_classifier(digits.x_train, digits.y_train, steps=300)
    assert again == losses


def test_classifier_loss_is_pluggable(digits):
    def mean_nll(logits, labels):
        return -logits.log_softmax(-1).gather(1, labels[:, None]).mean()

    _, ours = train_classifier(digits.x_train, digits.y_train, mean_nll, steps=50)
    _, torchs = train_classifier(digits.x_train, digits.y_train, F.cross_entropy, steps=50)
    assert ours == pytest.approx(torchs, rel=1e-5)


def test_bad_arguments(digits):
    with pytest.raises(ValueError, match="test_fraction"):
        load_digits(test_fraction=1.5)
    with pytest.raises(ValueError, match=r"x must have shape \(n, 64\)"):
        train_classifier(digits.x_train[:, :10], digits.y_train)
    with pytest.raises(ValueError, match="y must be an int64 tensor"):
        train_classifier(digits.x_train, digits.y_train.float())
    with pytest.raises(ValueError, match="steps must be at least 1"):
        train_classifier(digits.x_train, digits.y_train, steps=0)


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        ({"x": "images"}, TypeError, "x"),
        ({"x": "int"}, TypeError, "x"),
        ({"x": "nan"}, ValueError, "x"),
        ({"x": "inf"}, ValueError, "x"),
        ({"x": "empty"}, ValueError, "x"),
        ({"x": "narrow"}, ValueError, "x"),
        ({"y": "float"}, ValueError, "y"),
        ({"y": "short"}, ValueError, "y"),
        ({"y": "ten"}, ValueError, "y"),
        ({"y": "negative"}, ValueError, "y"),
        ({"loss": None}, TypeError, "loss"),
        ({"hidden": 128}, TypeError, "hidden"),
        ({"hidden": (0,)}, ValueError, "hidden"),
        ({"hidden": (1.5,)}, TypeError, "hidden"),
        ({"steps": 0}, ValueError, "steps"),
        ({"steps": 2.5}, TypeError, "steps"),
        ({"steps": True}, TypeError, "steps"),
        ({"steps": "10"}, TypeError, "steps"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"batch_size": 64.0}, TypeError, "batch_size"),
        ({"lr": NAN}, ValueError, "lr"),
        ({"lr": INF}, ValueError, "lr"),
        ({"lr": 0.0}, ValueError, "lr"),
        ({"lr": -1e-3}, ValueError, "lr"),
        ({"lr": "1e-3"}, TypeError, "lr"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 1.0}, TypeError, "seed"),
        ({"seed": None}, TypeError, "seed"),
    ],
)
def test_train_classifier_names_the_bad_argument(digits, kwargs, error, name):
    x, y = digits.x_train[:100], digits.y_train[:100]
    # a bad x or y is named in the parameters, made here (the fixture is not there yet)
    bad_x = {"images": x.numpy(), "int": x.long(), "nan": x.clone().fill_(NAN),
             "inf": x.clone().fill_(INF), "empty": x[:0], "narrow": x[:, :10]}
    bad_y = {"float": y.float(), "short": y[:50], "ten": y.clone().fill_(10),
             "negative": y.clone().fill_(-1)}
    arguments = {"x": x, "y": y, "steps": 1, **kwargs}
    if "x" in kwargs:  # the name of a bad x
        arguments["x"] = bad_x[kwargs["x"]]
    if "y" in kwargs:
        arguments["y"] = bad_y[kwargs["y"]]
    with pytest.raises(error, match=rf"^{name}\b"):
        train_classifier(**arguments)


@pytest.mark.parametrize(
    "call, error, name",
    [
        (lambda: load_digits(test_fraction=1.5), ValueError, "test_fraction"),
        (lambda: load_digits(test_fraction=0.0), ValueError, "test_fraction"),
        (lambda: load_digits(test_fraction=1), ValueError, "test_fraction"),
        (lambda: load_digits(test_fraction=NAN), ValueError, "test_fraction"),
        (lambda: load_digits(test_fraction=True), TypeError, "test_fraction"),
        (lambda: load_digits(test_fraction="0.25"), TypeError, "test_fraction"),
        (lambda: load_digits(seed=-1), ValueError, "seed"),
        (lambda: load_digits(seed=0.5), TypeError, "seed"),
        (lambda: scale("pixels"), TypeError, "pixels"),
        (lambda: scale(torch.tensor([NAN])), ValueError, "pixels"),
        (lambda: unscale(torch.tensor([INF])), ValueError, "x"),
    ],
)
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=rf"^{name}\b"):
        call()


def test_accuracy_and_digits_reject_bad_input(digits):
    model = torch.nn.Linear(64, 10)
    with pytest.raises(TypeError, match="^model"):
        accuracy(None, digits.x_test, digits.y_test)
    with pytest.raises(ValueError, match="^x"):
        accuracy(model, digits.x_test[:0], digits.y_test[:0])
    with pytest.raises(ValueError, match="^y"):
        accuracy(model, digits.x_test, digits.y_test[:10])
    with pytest.raises(ValueError, match="^y_train"):
        Digits(digits.x_train, digits.y_train.float(), digits.x_test, digits.y_test)
    with pytest.raises(ValueError, match="^x_test"):
        Digits(digits.x_train, digits.y_train, digits.x_test[:, :8], digits.y_test)


def test_numpy_scalars_and_integer_pixels_are_accepted(digits):
    x, y = digits.x_train[:200], digits.y_train[:200]
    _, expected = train_classifier(x, y, steps=3, batch_size=32, lr=1e-3, seed=1)
    _, got = train_classifier(x, y, hidden=(np.int64(128),), steps=np.int64(3),
                              batch_size=np.int32(32), lr=np.float64(1e-3), seed=np.int64(1))
    assert got == expected
    again = load_digits(np.float64(0.25), np.int64(0))
    assert torch.equal(again.x_test, digits.x_test)
    pixels = torch.arange(17)
    assert torch.equal(scale(pixels), scale(pixels.to(torch.get_default_dtype())))
