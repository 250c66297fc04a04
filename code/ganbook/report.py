"""Tables of results that render as tables: on the site, in JupyterLab, and as plain text.

A chapter that compares results (the mode tables of chapters 08 and 11, say) returns a
:class:`Table` as its cell's last value. The notebook stores it twice: as Markdown, which
the site and JupyterLab render as a real table that wraps on a phone, and as plain text,
aligned in columns, which a terminal shows and nbval compares.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

#: The widest line of a chapter's printed output, in characters (the code column of the site).
OUTPUT_WIDTH = 79


def say(text: str) -> None:
    """Print ``text`` wrapped to :data:`OUTPUT_WIDTH` characters, so it fits the column."""
    print(textwrap.fill(text, width=OUTPUT_WIDTH, break_long_words=False,
                        break_on_hyphens=False))


@dataclass(frozen=True)
class Table:
    """A table: a header row, body rows, and which columns are right-aligned numbers.

    Args:
        header: the column titles.
        rows: the body, one sequence of cells per row; every cell becomes ``str(cell)``.
            A row of one cell is a section title, spanning the table.
        numeric: one flag per column; numbers are right-aligned. Default: every column
            but the first.
        caption: a line shown above the table (optional).
    """

    header: Sequence[str]
    rows: Sequence[Sequence[object]]
    numeric: Sequence[bool] | None = None
    caption: str = ""
    _cells: list[list[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        width = len(self.header)
        if width < 1:
            raise ValueError("header must name at least one column")
        cells = []
        for i, row in enumerate(self.rows):
            row = [str(c) for c in row]
            if len(row) not in (1, width):
                raise ValueError(f"rows[{i}] has {len(row)} cells; the header has {width}")
            cells.append(row)
        numeric = ([False] + [True] * (width - 1) if self.numeric is None
                   else list(self.numeric))
        if len(numeric) != width:
            raise ValueError(f"numeric must have one flag per column ({width})")
        object.__setattr__(self, "numeric", numeric)
        object.__setattr__(self, "_cells", cells)

    def _repr_markdown_(self) -> str:
        def line(cells: Sequence[str]) -> str:
            return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

        rule = "|" + "|".join("---:" if n else ":---" for n in self.numeric) + "|"
        body = []
        for row in self._cells:
            if len(row) == 1:  # a section title
                body.append(line([f"**{row[0]}**"] + [""] * (len(self.header) - 1)))
            else:
                body.append(line(row))
        text = "\n".join([line(list(self.header)), rule, *body])
        return f"{self.caption}\n\n{text}" if self.caption else text

    def __repr__(self) -> str:
        widths = [len(h) for h in self.header]
        for row in self._cells:
            if len(row) > 1:
                widths = [max(w, len(c)) for w, c in zip(widths, row)]

        def line(cells: Sequence[str]) -> str:
            return "  ".join(c.rjust(w) if n else c.ljust(w)
                             for c, w, n in zip(cells, widths, self.numeric)).rstrip()

        out = [self.caption] if self.caption else []
        out.append(line(list(self.header)))
        out.extend(row[0] if len(row) == 1 else line(row) for row in self._cells)
        return "\n".join(out)


def mean_and_error(mean: float, error: float | None = None, digits: int = 1) -> str:
    """``"7.4 ± 0.4"``: a mean and its standard error, rounded alike (no error: the mean).

    The spaces around ± do not break, so that a narrow table column keeps the pair on one
    line.
    """
    text = f"{mean:.{digits}f}"
    if error is not None and error == error:  # not nan
        text += f"\u00a0±\u00a0{error:.{digits}f}"
    return text
