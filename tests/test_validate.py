"""ganbook.validate: the argument checks every public function of ganbook uses."""

import math
from fractions import Fraction

import numpy as np
import pytest
import torch

from ganbook.validate import finite_tensor, integer, real

NAN, INF = float("nan"), float("inf")


# integer ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [5, np.int64(5), np.int32(5), np.uint8(5)])
def test_integer_accepts_ints_and_numpy_ints(value):
    result = integer("n", value)
    assert result == 5 and type(result) is int


def test_integer_bounds_are_inclusive():
    assert integer("n", 0, minimum=0) == 0
    assert integer("n", 9, maximum=9) == 9
    assert integer("n", -3) == -3  # no bound unless asked


@pytest.mark.parametrize("value", [True, False, np.bool_(True), 5.0, np.float64(5.0), "5",
                                   None, [5], torch.tensor(5), Fraction(5, 1)])
def test_integer_rejects_what_is_not_an_int(value):
    with pytest.raises(TypeError, match=r"^n_steps must be an int"):
        integer("n_steps", value)


@pytest.mark.parametrize("value, bounds, message",
                         [(0, {"minimum": 1}, "at least 1"), (-1, {"minimum": 0}, "at least 0"),
                          (11, {"maximum": 10}, "at most 10"),
                          (np.int64(-2), {"minimum": 0, "maximum": 3}, "at least 0")])
def test_integer_rejects_out_of_range(value, bounds, message):
    with pytest.raises(ValueError, match=rf"^side must be {message}, got {int(value)}"):
        integer("side", value, **bounds)


# real ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [0.5, np.float64(0.5), np.float32(0.5), Fraction(1, 2),
                                   torch.tensor(0.5), torch.tensor([0.5])])
def test_real_accepts_numbers_numpy_scalars_and_one_element_tensors(value):
    result = real("lr", value)
    assert result == 0.5 and type(result) is float


def test_real_accepts_ints_and_keeps_values_exact():
    assert real("x", 3) == 3.0 and type(real("x", np.int64(3))) is float
    assert real("x", np.float32(0.1)) == float(np.float32(0.1))
    assert real("x", -2.5) == -2.5  # no sign unless asked


@pytest.mark.parametrize("value", [True, np.bool_(False), "0.1", None, [0.1], 1j,
                                   torch.tensor([0.1, 0.2])])
def test_real_rejects_what_is_not_a_number(value):
    with pytest.raises(TypeError, match=r"^step_size must be a number"):
        real("step_size", value)


@pytest.mark.parametrize("value", [NAN, INF, -INF, np.float64("nan"), torch.tensor(INF)])
def test_real_rejects_nan_and_infinities(value):
    with pytest.raises(ValueError, match=r"^bandwidth must be finite"):
        real("bandwidth", value)


@pytest.mark.parametrize(
    "value, bounds, message",
    [
        (0.0, {"positive": True}, "positive"),
        (-1.0, {"positive": True}, "positive"),
        (-0.1, {"nonnegative": True}, "non-negative"),
        (1.0, {"below": 1}, "below 1"),
        (1.5, {"at_most": 1}, "at most 1"),
    ],
)
def test_real_rejects_out_of_range(value, bounds, message):
    with pytest.raises(ValueError, match=rf"^test_fraction must be {message}"):
        real("test_fraction", value, **bounds)


def test_real_bounds():
    assert real("x", 0.0, nonnegative=True) == 0.0
    assert real("x", 1.0, at_most=1) == 1.0
    assert real("x", 0.999, positive=True, below=1) == 0.999


# finite_tensor ------------------------------------------------------------------------------

def test_finite_tensor_keeps_floating_tensors():
    x = torch.tensor([[1.5, -2.0]], dtype=torch.float64)
    result = finite_tensor("x", x)
    assert result.dtype == torch.float64 and torch.equal(result, x)
    half = torch.tensor([0.5], dtype=torch.float16)
    assert finite_tensor("x", half).dtype == torch.float16


def test_finite_tensor_converts_integers_without_truncating():
    x = torch.tensor([[1, 2], [3, 4]])
    result = finite_tensor("x", x)
    assert result.dtype == torch.get_default_dtype()
    assert torch.equal(result, x.to(torch.get_default_dtype()))
    assert finite_tensor("x", x, dtype=torch.float64).dtype == torch.float64
    assert finite_tensor("x", torch.tensor([True, False])).is_floating_point()


def test_finite_tensor_converts_lists_and_arrays():
    assert torch.equal(finite_tensor("x", [1.0, 2.0]), torch.tensor([1.0, 2.0]))
    array = np.array([[0.25, 0.75]])
    result = finite_tensor("x", array, dtype=torch.float64)
    assert result.dtype == torch.float64 and result.tolist() == array.tolist()
    assert finite_tensor("x", 3).item() == 3.0  # a scalar is a 0-d tensor


def test_finite_tensor_keeps_the_graph():
    x = torch.ones(3, requires_grad=True)
    (2 * finite_tensor("x", x)).sum().backward()
    assert torch.equal(x.grad, torch.full((3,), 2.0))


@pytest.mark.parametrize("value", [[NAN, 1.0], [1.0, INF], [-INF], torch.tensor([[0.0, NAN]]),
                                   np.array([np.inf])])
def test_finite_tensor_rejects_nan_and_infinities(value):
    with pytest.raises(ValueError, match=r"^x0 must be finite"):
        finite_tensor("x0", value)


@pytest.mark.parametrize("value", [[], torch.zeros(0, 2), torch.zeros(3, 0), np.array([])])
def test_finite_tensor_rejects_empty_input_unless_allowed(value):
    with pytest.raises(ValueError, match=r"^samples must not be empty"):
        finite_tensor("samples", value)
    assert finite_tensor("samples", value, nonempty=False).numel() == 0


@pytest.mark.parametrize("value", ["abc", None, object(), [[1.0, 2.0], [3.0]], {"a": 1.0}])
def test_finite_tensor_rejects_what_is_not_numbers(value):
    with pytest.raises(TypeError, match=r"^centers must be numbers"):
        finite_tensor("centers", value)


def test_messages_name_the_argument_and_the_value():
    with pytest.raises(ValueError) as info:
        integer("n_modes", -3, minimum=1)
    assert "n_modes" in str(info.value) and "-3" in str(info.value)
    with pytest.raises(ValueError) as info:
        real("std", math.inf, positive=True)
    assert "std" in str(info.value) and "inf" in str(info.value)
