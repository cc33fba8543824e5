"""JSON: the whole table as a machine-readable document, numbers unrounded."""

from __future__ import annotations

import json
from typing import Any

from xharness_plugins.formats._common import check_table, finite, fmt, interval, shows_std
from xtreme_harness.interfaces import Cell, Param, Table, TableFormat

FORMAT_ID = "xharness-table"
MANY_FORMAT_ID = "xharness-tables"
VERSION = 1


def cell_document(cell: Cell, digits: int) -> dict[str, Any]:
    """One cell: a label as {"text", "marker", "footnote"}; a number as {"mean", "std", "n",
    "low", "high", "marker", "footnote", "display"}, `display` being the rounded text the other
    formats show (without marker and footnote mark)."""
    if cell.text is not None:
        return {"text": cell.text, "marker": cell.marker, "footnote": cell.footnote}
    mean = finite(cell.mean)
    display = ""
    if mean is not None:
        display = fmt(mean, digits)
        if shows_std(cell) and finite(cell.std) is not None:
            display += f" ± {fmt(cell.std, digits)}"
    bounds = interval(cell)
    low, high = (None, None) if bounds is None else (finite(bounds[0]), finite(bounds[1]))
    if display and low is not None and high is not None:
        display += f" [{fmt(low, digits)}, {fmt(high, digits)}]"
    return {
        "mean": mean,
        "std": finite(cell.std),
        "n": cell.n,
        "low": low,
        "high": high,
        "marker": cell.marker,
        "footnote": cell.footnote,
        "display": display,
    }


class Json(TableFormat):
    name = "json"
    description = (
        "A machine-readable document: title, columns, rows of cells with mean, std, n, marker "
        "and footnote, footnotes, digits."
    )
    suffix = "json"
    params = (Param("indent", int, 2, "spaces per indentation level (0: one line)", minimum=0),)

    def render(self, table: Table) -> str:
        return self._dump(table_document(table))

    def render_many(self, tables: list[Table]) -> str:
        """Several tables as one document: {"format": "xharness-tables", "version", "tables"}, each
        table as `render` writes it (always this shape, even for one table)."""
        return self._dump(
            {
                "format": MANY_FORMAT_ID,
                "version": VERSION,
                "tables": [table_document(table) for table in tables],
            }
        )

    def _dump(self, document: dict[str, Any]) -> str:
        indent = self.options["indent"] or None
        return json.dumps(document, indent=indent, ensure_ascii=False, allow_nan=False) + "\n"


def table_document(table: Table) -> dict[str, Any]:
    check_table(table)
    return {
        "format": FORMAT_ID,
        "version": VERSION,
        "title": table.title,
        "columns": list(table.columns),
        "rows": [[cell_document(cell, table.digits) for cell in row] for row in table.rows],
        "footnotes": list(table.footnotes),
        "digits": table.digits,
    }
