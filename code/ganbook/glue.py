"""Glue a value for the prose to quote, with or without MyST-NB.

The book's site is built by Jupyter Book (MyST-NB), whose ``{glue:text}`` roles quote values
that a code cell stored with ``myst_nb.glue``. A reader who runs a chapter elsewhere, on
Colab for instance, has no MyST-NB: :func:`glue` then shows the value (when asked to) and
stores nothing, so the chapter runs the same everywhere. Chapters therefore write
``from ganbook import glue``, never ``from myst_nb import glue``.
"""

from __future__ import annotations

from typing import Any


def glue(name: str, value: Any, display: bool = True) -> None:
    """Store ``value`` under ``name`` for the prose, and show it if ``display``.

    With MyST-NB installed this is ``myst_nb.glue``, and the stored output is exactly
    what MyST-NB writes. Without it, the value is shown with ``IPython.display.display``
    (or printed, outside IPython) when ``display`` is true, and nothing happens otherwise.

    Args:
        name: The key under which the prose quotes the value (``{glue:text}`name```).
        value: The value to store and show.
        display: Whether the notebook shows the value where the cell runs.
    """
    try:  # imported here, not at the top: `import ganbook` must stay light and torch-free
        from myst_nb import glue as myst_glue
    except ImportError:
        myst_glue = None
    if myst_glue is not None:
        myst_glue(name, value, display=display)
        return
    if not display:
        return
    try:
        from IPython.display import display as ipython_display
    except ImportError:
        print(value)
    else:
        ipython_display(value)  # prints the value when no IPython shell is running
