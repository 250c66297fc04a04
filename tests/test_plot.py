"""ganbook.plot: the figure helper and its arguments."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from ganbook.plot import PANEL_HEIGHT, WIDTH, figure

NAN, INF = float("nan"), float("inf")


def test_figure_size_follows_the_panels():
    fig, axes = figure(ncols=2, nrows=3)
    assert axes.shape == (3, 2)
    assert tuple(fig.get_size_inches()) == pytest.approx((WIDTH, 3 * PANEL_HEIGHT))
    plt.close(fig)


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        ({"ncols": 0}, ValueError, "ncols"),
        ({"ncols": -1}, ValueError, "ncols"),
        ({"ncols": 1.5}, TypeError, "ncols"),
        ({"ncols": True}, TypeError, "ncols"),
        ({"ncols": "2"}, TypeError, "ncols"),
        ({"nrows": 0}, ValueError, "nrows"),
        ({"nrows": 2.0}, TypeError, "nrows"),
        ({"width": NAN}, ValueError, "width"),
        ({"width": INF}, ValueError, "width"),
        ({"width": 0}, ValueError, "width"),
        ({"width": "6.4"}, TypeError, "width"),
    ],
)
def test_bad_input_names_the_argument(kwargs, error, name):
    with pytest.raises(error, match=rf"^{name}\b"):
        figure(**kwargs)


def test_numpy_scalars_are_accepted():
    fig, axes = figure(np.int64(2), np.int64(1), width=np.float32(5.0))
    assert len(axes) == 2 and tuple(fig.get_size_inches()) == pytest.approx((5.0, PANEL_HEIGHT))
    plt.close(fig)
