"""The book's figure style: one place for sizes, colours and fonts.

Every figure of the book is made with :func:`figure`, which applies :data:`STYLE` and returns
a ``(fig, axes)`` pair. Figures have an opaque white background so that they stay readable
in the site's dark theme, and a palette that colour-blind readers can tell apart (Okabe and
Ito's). Plotting never happens inside a training loop: the loop returns a history and a
chapter plots it.

In a notebook, a figure is stored as a PNG with :data:`PIXEL_RATIO` times the pixels of the
width it is shown at (the PNG's metadata holds that width), so that it stays sharp on
high-density screens, when zoomed, and in the PDF edition.
"""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ganbook.validate import integer, real

#: Okabe-Ito colours, in the order the book uses them.
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}

#: Width of a figure that spans the text column, in inches; height follows the panel count.
WIDTH = 6.4
PANEL_HEIGHT = 3.2

#: Pixels of a notebook's stored PNG per pixel of the width the page shows it at.
PIXEL_RATIO = 2

#: The matplotlib settings of every figure of the book.
STYLE: dict[str, Any] = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "figure.facecolor": "white",  # opaque: readable in the dark theme
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 1.8,
    "axes.prop_cycle": mpl.cycler(color=list(COLORS.values())),
    "svg.hashsalt": "ganbook",  # reproducible SVG ids
}


def use_book_style() -> None:
    """Apply :data:`STYLE` to every later matplotlib figure (and, in IPython, sharp PNGs)."""
    mpl.rcParams.update(STYLE)
    _store_sharp_pngs()


def sharp_png(fig: Figure) -> tuple[bytes, dict[str, int]] | None:
    """The PNG a notebook stores for ``fig``, and the width to show it at.

    The PNG has :data:`PIXEL_RATIO` times the pixels of that width (what IPython calls a
    "retina" figure). Only the width is given, so that a narrow screen scales the image
    down without distorting it. ``None`` for a figure with nothing drawn, as in IPython.
    """
    from IPython.core.pylabtools import print_figure

    data = print_figure(fig, fmt="png", dpi=fig.dpi * PIXEL_RATIO)
    if data is None:
        return None
    pixels = int.from_bytes(data[16:20], "big")  # the width field of the PNG header
    return data, {"width": pixels // PIXEL_RATIO}


def _store_sharp_pngs() -> None:
    """In an IPython kernel, display every figure with :func:`sharp_png`.

    Registered on every call: the inline backend resets the PNG formatter when it is
    activated, which matplotlib does when the first figure is made.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing is displayed
        return
    shell = get_ipython()
    if shell is not None:
        formatter = shell.display_formatter.formatters["image/png"]
        formatter.for_type(Figure, sharp_png)


def figure(ncols: int = 1, nrows: int = 1, *, width: float = WIDTH, **kwargs: Any):
    """A new figure in the book's style, with ``nrows`` by ``ncols`` panels.

    Args:
        ncols, nrows: the number of panels across and down, positive ints.
        width: the width in inches, positive (the height is ``PANEL_HEIGHT`` a row).
        kwargs: passed on to ``matplotlib.pyplot.subplots``.

    Returns:
        ``(fig, axes)`` as ``matplotlib.pyplot.subplots`` returns them.
    """
    ncols = integer("ncols", ncols, minimum=1)
    nrows = integer("nrows", nrows, minimum=1)
    width = real("width", width, positive=True)
    use_book_style()
    kwargs.setdefault("figsize", (width, PANEL_HEIGHT * nrows))
    kwargs.setdefault("layout", "constrained")
    fig, axes = plt.subplots(nrows, ncols, **kwargs)
    _store_sharp_pngs()  # after the first figure, which activates the inline backend
    return fig, axes
