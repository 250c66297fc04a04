"""One small set of argument checks, used by every public function of ``ganbook``.

Bad input gets a :class:`ValueError` (or a :class:`TypeError` for a wrong type) that names
the argument, before it can turn into a silent wrong number or a traceback deep inside torch.
Numpy scalars count as numbers (``np.int64(5)`` is an int, ``np.float32(0.1)`` a float);
``bool`` never does.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import torch


def integer(name: str, value: Any, *, minimum: int | None = None,
            maximum: int | None = None) -> int:
    """``value`` as a Python int, within ``[minimum, maximum]``.

    Raises:
        TypeError: a bool, a string, a float or anything else that is not an integer.
        ValueError: an integer out of range.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {value!r} ({type(value).__name__})")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}")
    return value


def real(name: str, value: Any, *, positive: bool = False, nonnegative: bool = False,
         below: float | None = None, at_most: float | None = None) -> float:
    """``value`` as a finite Python float, with the requested sign and upper bound.

    ``below`` is a strict upper bound, ``at_most`` an inclusive one.

    Raises:
        TypeError: a bool, a string or anything else that is not a real number.
        ValueError: NaN, an infinity, or a number out of range.
    """
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if positive and not value > 0:
        raise ValueError(f"{name} must be positive, got {value}")
    if nonnegative and not value >= 0:
        raise ValueError(f"{name} must be non-negative, got {value}")
    if below is not None and not value < below:
        raise ValueError(f"{name} must be below {below}, got {value}")
    if at_most is not None and not value <= at_most:
        raise ValueError(f"{name} must be at most {at_most}, got {value}")
    return value


def finite_tensor(name: str, value: Any, *, dtype: torch.dtype | None = None,
                  nonempty: bool = True) -> torch.Tensor:
    """``value`` as a tensor of finite numbers (converted to ``dtype`` if given).

    Integer tensors are converted, never truncated: with ``dtype=None`` an integer or bool
    input becomes the default floating-point type.

    Raises:
        TypeError: something that cannot become a numeric tensor.
        ValueError: an empty tensor (when ``nonempty``), NaN or an infinity.
    """
    try:
        tensor = torch.as_tensor(value)
    except (TypeError, ValueError, RuntimeError) as error:
        raise TypeError(f"{name} must be numbers (a tensor or an array), got "
                        f"{type(value).__name__}") from error
    if dtype is not None:
        tensor = tensor.to(dtype)
    elif not tensor.is_floating_point():
        tensor = tensor.to(torch.get_default_dtype())
    if nonempty and tensor.numel() == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(tensor.shape)}")
    if not torch.isfinite(tensor).all():
        raise ValueError(f"{name} must be finite: it contains NaN or an infinity")
    return tensor
