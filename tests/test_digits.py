"""ganbook.digits: the data, its split, and the classifier."""

import pytest
import torch
import torch.nn.functional as F

from ganbook.digits import accuracy, load_digits, scale, train_classifier, unscale


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
    with pytest.raises(ValueError, match="steps must be a positive int"):
        train_classifier(digits.x_train, digits.y_train, steps=0)
