"""Markdown: a GitHub pipe table, the title in bold above it and the footnotes below."""

from __future__ import annotations

import re

from xharness_plugins.formats._common import (
    N_PARAM,
    STD_PARAM,
    cell_text,
    check_table,
    number_columns,
    runs_display,
    runs_note,
)
from xtreme_harness.interfaces import Cell, Document, Table, TableFormat

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def escape(text: str) -> str:
    """`text` as literal Markdown inside a table cell: special characters backslash-escaped (the
    pipe included), line breaks as spaces."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).splitlines()))


def footnote_mark(index: int) -> str:
    """Footnote `index` (0-based) as the superscript number it has below the table (1-based)."""
    return str(index + 1).translate(_SUPERSCRIPT)


class Markdown(TableFormat):
    name = "md"
    description = (
        "GitHub pipe table: numbers as mean ± std, markers and footnote marks after them, "
        "footnotes below."
    )
    suffix = "md"
    params = (STD_PARAM, N_PARAM)

    def render(self, table: Table) -> str:
        check_table(table)
        numeric = number_columns(table)
        runs = runs_display(table, self.options["n"])
        lines = []
        if table.title:
            lines += [f"**{escape(table.title)}**", ""]
        lines.append(_row(escape(name) for name in table.columns))
        lines.append(_row("---:" if is_number else "---" for is_number in numeric))
        for row in table.rows:
            lines.append(_row(self._cell(cell, table, runs) for cell in row))
        notes = []
        note = runs_note(table, runs, self.options["std"])
        if note:
            notes.append(note)
        notes += [f"{footnote_mark(i)} {escape(text)}" for i, text in enumerate(table.footnotes)]
        for note in notes:
            lines += ["", note]
        return "\n".join(lines) + "\n"

    def render_document(self, document: Document) -> str:
        """Headings, paragraphs, the tables, each figure as an image link to its first saved
        file (or its title where it was not saved) and bulleted lists."""
        lines = [f"# {escape(document.title)}", ""]
        for section in document.sections:
            lines += [f"## {escape(section.heading)}", ""]
            for paragraph in section.paragraphs:
                lines += [escape(paragraph), ""]
            for table in section.tables:
                lines += [self.render(table)]
            for figure in section.figures:
                if figure.files:
                    lines += [f"![{escape(figure.title)}](<{figure.files[0]}>)", ""]
                else:
                    lines += [f"Figure: {escape(figure.title)} (not saved)", ""]
            if section.items:
                lines += [f"- {escape(item)}" for item in section.items] + [""]
        return "\n".join(lines).rstrip("\n") + "\n"

    def _cell(self, cell: Cell, table: Table, runs) -> str:
        return cell_text(cell, table, runs, show_std=self.options["std"], escape=escape,
                         mark=footnote_mark)  # fmt: skip


def _row(cells) -> str:
    return "| " + " | ".join(cells) + " |"
