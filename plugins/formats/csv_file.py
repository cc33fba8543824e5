"""CSV: one column per table column, plus `<column> std` and `<column> n` for number columns (and
`<column> low`, `<column> high` where the column's numbers have intervals)."""

from __future__ import annotations

import csv
import io

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
        writer = csv.writer(buffer, lineterminator="\n")
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
