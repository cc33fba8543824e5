"""Printing results: tables for people, JSON for machines."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import click


def emit_json(document: Any) -> None:
    """Print JSON; a list is printed one item per line (readable, and fast to write: an indented
    dump would go through the slow pure-Python encoder)."""
    if isinstance(document, list):
        items = ",\n".join(json.dumps(item, ensure_ascii=False) for item in document)
        click.echo(f"[\n{items}\n]" if items else "[]")
    else:
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def emit_table(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str],
    footer: str = "",
    widths: Sequence[int | None] | None = None,
) -> None:
    """A plain-text table; `widths` wraps long columns at that many characters."""
    from tabulate import tabulate

    if rows:
        click.echo(
            tabulate(
                rows,
                headers=headers,
                tablefmt="simple",
                disable_numparse=True,
                maxcolwidths=list(widths) if widths else None,
            )
        )
    if footer:
        click.echo(("\n" if rows else "") + footer)


def blank(value: Any) -> str:
    """A table cell: `None` as ``-``, lists joined by commas."""
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value)) or "-"
    return str(value)
