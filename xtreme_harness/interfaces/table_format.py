"""The TableFormat interface: how a leaderboard table, or a document of tables, is written out.

The core computes the table (cells with mean, standard deviation and number of seeds, blanks with
a footnote where a part is missing); a format only renders it, so every format shows the same
numbers. A `Document` (the research report) is prose, tables and figures in sections; a format
renders it with `render_document`, whose default writes plain text around `render_many`.
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


@dataclass(frozen=True)
class Figure:
    """A plot: its title, the figure as an SVG document, and the files it was saved to."""

    title: str
    svg: str
    """A complete SVG document (``<svg ...>...</svg>``), drawn by the core."""
    files: tuple[str, ...] = ()
    """Where the figure was also saved (SVG, PNG), as paths a reader of the document can open;
    empty when it was not saved."""


@dataclass(frozen=True)
class Section:
    """One section of a document: a heading, then paragraphs, tables, figures and a list."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    figures: tuple[Figure, ...] = ()
    items: tuple[str, ...] = ()
    """A bulleted list (comparisons left out, result files and their hashes)."""


@dataclass(frozen=True)
class Document:
    """A document of sections, as the core wrote it: every format shows the same content."""

    title: str
    sections: tuple[Section, ...]


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

    def render_document(self, document: Document) -> str:
        """A whole document. By default: the title and each heading, paragraph and list item as
        plain lines, the tables as `render_many` writes them, and each figure by its title and
        files. Formats with headings and images of their own override it."""
        lines = [document.title, ""]
        for section in document.sections:
            lines += [section.heading, ""]
            for paragraph in section.paragraphs:
                lines += [paragraph, ""]
            if section.tables:
                lines += [self.render_many(list(section.tables))]
            for figure in section.figures:
                where = ", ".join(figure.files) or "not saved"
                lines += [f"Figure: {figure.title} ({where})", ""]
            if section.items:
                lines += [f"- {item}" for item in section.items] + [""]
        return "\n".join(lines).rstrip("\n") + "\n"
