"""What every table format shares: the number rule, the n rule, checks and common parameters.

The number rule: a mean is rounded to `table.digits` decimals (halves up, see `fmt`); `± std`
follows, with the same digits, when the standard deviation is known and the mean is over more than
one run (n > 1).

A cell with an interval (`low` and `high`, set by the core for differences) shows it after the mean
as "[low, high]", rounded the same way.

The n rule (parameter `n`): `auto` shows "(n=K)" next to a number only when the numbers of the
table are not all over the same number of runs, and otherwise says once, below the table, how many
runs every number is over; `always` shows it next to every number; `never` shows it nowhere.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal

from xtreme_harness.interfaces import Cell, Param, Table

STD_PARAM = Param("std", bool, True, "show the standard deviation over runs (± std)")
N_PARAM = Param(
    "n",
    str,
    "auto",
    "show the number of runs next to each number: auto (only where numbers differ in it), "
    "always, never",
    choices=("auto", "always", "never"),
)


def check_table(table: Table) -> None:
    """Raise `ValueError` for a table no format can lay out: ragged rows, bad footnote indices."""
    width = len(table.columns)
    for i, row in enumerate(table.rows):
        if len(row) != width:
            raise ValueError(
                f"table {table.title!r}: row {i + 1} has {len(row)} cells, expected {width}"
            )
        for cell in row:
            if cell.footnote is not None and not 0 <= cell.footnote < len(table.footnotes):
                raise ValueError(
                    f"table {table.title!r}: row {i + 1} refers to footnote {cell.footnote}, "
                    f"but there are {len(table.footnotes)}"
                )
    if table.digits < 0:
        raise ValueError(f"table {table.title!r}: digits must be at least 0, got {table.digits}")


def is_label(cell: Cell) -> bool:
    return cell.text is not None


def number_columns(table: Table) -> tuple[bool, ...]:
    """For each column, whether it holds numbers (any of its cells is not a label)."""
    return tuple(
        any(not is_label(row[j]) for row in table.rows) if table.rows else False
        for j in range(len(table.columns))
    )


def fmt(value: float, digits: int) -> str:
    """`value` rounded to `digits` decimals, halves away from zero as a reader rounds by hand
    (the shortest decimal that reads back as `value` is rounded, so 79.25 gives 79.3 and 85.55
    gives 85.6), without a minus sign on a rounded zero. Not-finite values as "nan", "inf"."""
    if not math.isfinite(value):
        return str(value)
    exact = Decimal(repr(float(value)))
    rounded = exact.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP, Context(prec=400 + digits))
    text = f"{rounded:f}"
    if text.startswith("-") and not any(ch in "123456789" for ch in text):
        text = text[1:]
    return text


def shows_std(cell: Cell) -> bool:
    return cell.mean is not None and cell.std is not None and cell.n > 1


def mean_text(cell: Cell, digits: int) -> str:
    """The rounded mean, or "" for a blank."""
    return "" if cell.mean is None else fmt(cell.mean, digits)


def std_text(cell: Cell, digits: int) -> str:
    """The rounded standard deviation where the number rule shows it, else ""."""
    return fmt(cell.std, digits) if shows_std(cell) else ""


def interval(cell: Cell) -> tuple[float, float] | None:
    """The cell's interval (`low`, `high`: e.g. a 95% interval of a difference), where it has
    both ends and a mean. Read with getattr, so a `Cell` without these fields also works."""
    low, high = getattr(cell, "low", None), getattr(cell, "high", None)
    if cell.mean is None or low is None or high is None:
        return None
    return low, high


def interval_text(cell: Cell, digits: int) -> str:
    """The interval as "[low, high]", rounded like the mean, or ""."""
    bounds = interval(cell)
    if bounds is None:
        return ""
    return f"[{fmt(bounds[0], digits)}, {fmt(bounds[1], digits)}]"


def has_value(cell: Cell) -> bool:
    return not is_label(cell) and cell.mean is not None


def finite(value: float | None) -> float | None:
    """`value`, or None where it is missing or not a finite number (JSON has no NaN)."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


@dataclass(frozen=True)
class RunsDisplay:
    """Where a format shows the number of runs, after the n rule."""

    per_cell: bool
    """Show "(n=K)" next to each number that has a known n."""
    uniform: int | None
    """Every number is over this many runs (said once, below the table); None otherwise."""

    def cell_n(self, cell: Cell) -> int | None:
        if self.per_cell and has_value(cell) and cell.n > 0:
            return cell.n
        return None


def runs_display(table: Table, mode: str) -> RunsDisplay:
    counts = {cell.n for row in table.rows for cell in row if has_value(cell) and cell.n > 0}
    if mode == "never" or not counts:
        return RunsDisplay(per_cell=False, uniform=None)
    if mode == "always":
        return RunsDisplay(per_cell=True, uniform=None)
    if len(counts) == 1:
        return RunsDisplay(per_cell=False, uniform=next(iter(counts)))
    return RunsDisplay(per_cell=True, uniform=None)


def runs_note(table: Table, runs: RunsDisplay, show_std: bool, pm: str = "±") -> str | None:
    """The sentence below the table for numbers that are all over the same number of runs."""
    n = runs.uniform
    if n is None:
        return None
    if n == 1:
        return "Each number is from a single run."
    any_std = any(shows_std(cell) for row in table.rows for cell in row if not is_label(cell))
    if show_std and any_std:
        return f"Mean {pm} standard deviation over {n} runs."
    return f"Mean over {n} runs."


def cell_text(
    cell: Cell,
    table: Table,
    runs: RunsDisplay,
    *,
    show_std: bool,
    escape: Callable[[str], str],
    mark: Callable[[int], str],
    pm: str = " ± ",
    count: str = " (n={n})",
) -> str:
    """A cell as the text formats write it: a label, or the mean with its standard deviation
    (`pm` between them) and interval; then the marker, the number of runs (`count`) and the
    footnote (`mark` of its 0-based index)."""
    if cell.text is not None:
        text = escape(cell.text)
    else:
        text = mean_text(cell, table.digits)
        std = std_text(cell, table.digits) if show_std else ""
        if std:
            text += f"{pm}{std}"
        bounds = interval_text(cell, table.digits)
        if bounds:
            text += f" {bounds}"
    text += escape(cell.marker)
    n = runs.cell_n(cell)
    if n is not None:
        text += count.format(n=n)
    if cell.footnote is not None:
        text += mark(cell.footnote)
    return text
