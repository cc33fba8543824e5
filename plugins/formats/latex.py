"""LaTeX: a booktabs tabular, in a table float with the title as its caption (or bare, to \\input
into a float of your own), the footnotes below it. Needs `\\usepackage{booktabs}`."""

from __future__ import annotations

from xharness_plugins.formats._common import (
    N_PARAM,
    STD_PARAM,
    cell_text,
    check_table,
    number_columns,
    runs_display,
    runs_note,
)
from xtreme_harness.interfaces import Cell, Param, Table, TableFormat

_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "[": "{[}",
    "]": "{]}",
    "†": r"\dag{}",
    "‡": r"\ddag{}",
    "§": r"\S{}",
    "¶": r"\P{}",
    "\n": " ",
    "\r": " ",
}
_TABLE = str.maketrans(_ESCAPES)


def escape(text: str) -> str:
    """`text` as literal LaTeX text: & % $ # _ { } ~ ^ \\ and < > | replaced by commands or
    escapes, [ ] braced (a cell starting with [ is not read as the optional argument of \\\\ or
    \\midrule), daggers as \\dag, line breaks as spaces."""
    return str(text).translate(_TABLE)


def footnote_mark(index: int) -> str:
    return rf"\textsuperscript{{{index + 1}}}"


class Latex(TableFormat):
    name = "latex"
    description = (
        "booktabs tabular (in a table float with the title as caption): mean $\\pm$ std, "
        "markers, footnotes below; all text escaped."
    )
    suffix = "tex"
    params = (
        STD_PARAM,
        N_PARAM,
        Param(
            "float",
            bool,
            True,
            "wrap the tabular in a table float with the title as its caption (false: the bare "
            "tabular and footnotes, the title as a comment)",
        ),
    )

    def render(self, table: Table) -> str:
        check_table(table)
        numeric = number_columns(table)
        runs = runs_display(table, self.options["n"])
        spec = "".join("r" if is_number else "l" for is_number in numeric) or "l"
        body = [
            rf"\begin{{tabular}}{{{spec}}}",
            r"\toprule",
            " & ".join(escape(name) for name in table.columns) + r" \\",
            r"\midrule",
        ]
        body += [
            " & ".join(self._cell(cell, table, runs) for cell in row) + r" \\" for row in table.rows
        ]
        body += [r"\bottomrule", r"\end{tabular}"]
        notes = []
        note = runs_note(table, runs, self.options["std"], pm=r"$\pm$")
        if note:
            notes.append(note)
        notes += [f"{footnote_mark(i)} {escape(text)}" for i, text in enumerate(table.footnotes)]
        if notes:
            body += [r"\par\smallskip", r"{\footnotesize"]
            body += [note + r"\par" for note in notes]
            body.append("}")
        if self.options["float"]:
            head = [r"\begin{table}[t]", r"\centering"]
            if table.title:
                head.append(rf"\caption{{{escape(table.title)}}}")
            lines = [*head, *body, r"\end{table}"]
        else:
            title = " ".join(table.title.splitlines())
            lines = ([f"% {title}"] if title else []) + body
        return "\n".join(lines) + "\n"

    def _cell(self, cell: Cell, table: Table, runs) -> str:
        return cell_text(cell, table, runs, show_std=self.options["std"], escape=escape,
                         mark=footnote_mark, pm=r" $\pm$ ", count=" ($n={n}$)")  # fmt: skip
