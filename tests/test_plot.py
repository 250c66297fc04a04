"""ganbook.plot: the figure helper and its arguments."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from ganbook.plot import PANEL_HEIGHT, PIXEL_RATIO, WIDTH, figure, sharp_png

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


def test_sharp_png_has_twice_the_pixels_of_its_displayed_width():
    from IPython.core.pylabtools import _pngxy

    fig, ax = figure()
    ax.plot([0, 1], [0, 1])
    data, size = sharp_png(fig)
    width, _ = _pngxy(data)
    assert set(size) == {"width"}  # no height: a narrow screen scales it without distortion
    assert 0 <= width - PIXEL_RATIO * size["width"] < PIXEL_RATIO  # width // 2
    assert abs(size["width"] - WIDTH * fig.dpi) <= 0.1 * WIDTH * fig.dpi  # tight bbox
    empty = plt.figure()
    assert sharp_png(empty) is None  # nothing drawn, nothing displayed (as IPython does)
    plt.close("all")


def test_figures_display_as_sharp_pngs_in_ipython():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    formatter = shell.display_formatter.formatters["image/png"]
    formatter.pop(Figure, None)  # as the inline backend leaves it
    fig, ax = figure()
    ax.plot([0, 1])
    _, metadata = formatter(fig)
    assert metadata == {"width": sharp_png(fig)[1]["width"]}
    plt.close(fig)
