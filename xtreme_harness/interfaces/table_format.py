"""The TableFormat interface: how a leaderboard table is written out.

The core computes the table (cells with mean, standard deviation and number of seeds, blanks with
a footnote where a part is missing); a format only renders it, so every format shows the same
numbers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar

from xtreme_harness.interfaces.component import Component


@dataclass(frozen=True)
class Cell:
    """One number of a table: a mean over `n` runs with its standard deviation, or a blank."""

    mean: float | None = None
    """The mean over runs (None: a blank)."""
    std: float | None = None
    """The standard deviation over runs (None with one run)."""
    n: int = 0
    """How many runs the mean is over."""
    marker: str = ""
    """A mark after the number: ``*`` for a difference whose confidence interval excludes 0."""
    footnote: int | None = None
    """Index (from 0) into the table's footnotes."""
    text: str | None = None
    """Set for label cells (row and column names); numbers leave it None."""
    low: float | None = None
    """The lower end of a confidence interval around `mean`."""
    high: float | None = None
    """The upper end of a confidence interval around `mean` (differences against a baseline)."""


@dataclass(frozen=True)
class Table:
    """A table as xharness computed it: every format renders the same cells."""

    title: str
    columns: tuple[str, ...]
    """The column headings."""
    rows: tuple[tuple[Cell, ...], ...]
    """One tuple of cells per row, as many as `columns`; label cells have `Cell.text`."""
    footnotes: tuple[str, ...] = field(default_factory=tuple)
    """The texts `Cell.footnote` indexes."""
    digits: int = 1
    """Digits after the decimal point of every number."""


class TableFormat(Component, ABC):
    """Base class of table formats (registered with `xharness_register_formats`)."""

    component_type = "format"
    suffix: ClassVar[str] = ""
    """File extension of the rendered table, without the dot."""

    @abstractmethod
    def render(self, table: Table) -> str:
        """The table as text in this format, footnotes included."""

    def render_many(self, tables: list[Table]) -> str:
        """Several tables in one document (by default one after the other, a blank line between
        them: each rendering ends with a newline)."""
        return "\n".join(self.render(table) for table in tables)
