"""CSV: one column per table column, plus `<column> std` and `<column> n` for number columns (and
`<column> low`, `<column> high` where the column's numbers have intervals).

A text that a spreadsheet would run as a formula (one starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return: a model or plugin name is anyone's to choose) is written with a leading
``'``, as OWASP advises for CSV injection; numbers, negative ones included, are written as they
are."""

from __future__ import annotations

import csv
import io
from typing import Any

from xharness_plugins.formats._common import (
    check_table,
    fmt,
    has_value,
    interval,
    mean_text,
    number_columns,
    std_text,
)
from xtreme_harness.interfaces import Param, Table, TableFormat


class Csv(TableFormat):
    name = "csv"
    description = (
        "CSV for spreadsheets and scripts: each number column with its `<column> std` and "
        "`<column> n` columns; footnotes left out."
    )
    suffix = "csv"
    params = (
        Param(
            "std",
            bool,
            True,
            "add a `<column> std` column after each number column",
        ),
        Param(
            "markers",
            bool,
            False,
            "add a `<column> marker` column (significance markers) after each number column",
        ),
    )

    def render(self, table: Table) -> str:
        check_table(table)
        numeric = number_columns(table)
        intervals = tuple(
            any(interval(row[j]) is not None for row in table.rows)
            for j in range(len(table.columns))
        )
        header: list[str] = []
        for j, name in enumerate(table.columns):
            header.append(name)
            if numeric[j]:
                names = {key: f"{name} {key}" for key in ("std", "n", "low", "high", "marker")}
                header += self._extra(names, intervals[j])
        buffer = io.StringIO()
        writer = _SpreadsheetSafe(csv.writer(buffer, lineterminator="\n"))
        writer.writerow(header)
        for row in table.rows:
            values: list[str] = []
            for j, cell in enumerate(row):
                if cell.text is not None:
                    values.append(cell.text)
                    if numeric[j]:
                        values += self._extra({"marker": cell.marker}, intervals[j])
                    continue
                values.append(mean_text(cell, table.digits))
                if not numeric[j]:
                    continue
                bounds = interval(cell)
                extra = {
                    "std": std_text(cell, table.digits),
                    "n": str(cell.n) if has_value(cell) and cell.n > 0 else "",
                    "marker": cell.marker,
                }
                if bounds is not None:
                    extra["low"] = fmt(bounds[0], table.digits)
                    extra["high"] = fmt(bounds[1], table.digits)
                values += self._extra(extra, intervals[j])
            writer.writerow(values)
        return buffer.getvalue()

    def render_many(self, tables: list[Table]) -> str:
        """Several tables one after the other, an empty line between them."""
        return "\n".join(self.render(table) for table in tables)

    def _extra(self, values: dict[str, str], with_interval: bool) -> list[str]:
        """The extra columns of a number column, in order: std, n, low, high, marker."""
        keys = ["std"] if self.options["std"] else []
        keys.append("n")
        if with_interval:
            keys += ["low", "high"]
        if self.options["markers"]:
            keys.append("marker")
        return [values.get(key, "") for key in keys]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
"""First characters that make a spreadsheet read a cell as a formula."""


def spreadsheet_safe(text: str) -> str:
    """`text`, with a leading ``'`` if a spreadsheet would take it for a formula (numbers, such
    as ``-1.25``, stay numbers). Carriage returns become line feeds, which the writer quotes
    (it ends rows with a line feed and would leave a lone carriage return bare)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.startswith(FORMULA_STARTS):
        return text
    try:
        float(text)
    except ValueError:
        return "'" + text
    return text


class _SpreadsheetSafe:
    """A csv writer whose every field goes through `spreadsheet_safe`."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer

    def writerow(self, row: list[str]) -> None:
        self.writer.writerow([spreadsheet_safe(str(value)) for value in row])
