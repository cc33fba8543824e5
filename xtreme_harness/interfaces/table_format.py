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
    std: float | None = None
    n: int = 0
    marker: str = ""
    footnote: int | None = None
    """Index (from 0) into the table's footnotes."""
    text: str | None = None
    """Set for label cells (row and column names); numbers leave it None."""
    low: float | None = None
    high: float | None = None
    """A confidence interval around `mean` (differences against a baseline)."""


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    footnotes: tuple[str, ...] = field(default_factory=tuple)
    digits: int = 1


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
