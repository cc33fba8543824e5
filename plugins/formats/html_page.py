"""HTML: one self-contained page with one or more tables, each sortable by any column.

Nothing is loaded from anywhere: the style and the script are inline, and a Content-Security-Policy
allows only those two (by their SHA-256 hashes) and nothing else, no network request of any kind.

Every string that comes from the table (title, column names, labels, markers, footnotes) is
HTML-escaped, and none is ever written into the script: the script is a constant that reads the
table from the DOM, numbers from each cell's `data-value` attribute (the raw mean; empty for a
blank), and each column's kind from its header's `data-type`.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape as _escape

from xharness_plugins.formats._common import (
    N_PARAM,
    STD_PARAM,
    check_table,
    interval_text,
    mean_text,
    number_columns,
    runs_display,
    runs_note,
    std_text,
)
from xtreme_harness.interfaces import Cell, Document, Figure, Table, TableFormat


def escape(text: str) -> str:
    return _escape(str(text), quote=True)


STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem;
  color: #1b1b1b; background: #fff; }
h1 { font-size: 1.4rem; }
section + section { margin-top: 2.5rem; }
table { border-collapse: collapse; }
th, td { padding: 0.3rem 0.7rem; border-bottom: 1px solid #ddd; }
thead th { border-bottom: 2px solid #444; text-align: left; background: #f6f6f6;
  position: sticky; top: 0; }
thead th.num, td.num { text-align: right; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:hover { background: #f3f7ff; }
th button { all: inherit; cursor: pointer; padding: 0; border: 0; background: none; }
th button:focus-visible { outline: 2px solid #36c; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
.std, .n, .interval { color: #555; }
.marker { font-weight: bold; }
.note, .footnotes { font-size: 0.9rem; color: #333; }
figure { margin: 1.5rem 0; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: 0.9rem; color: #333; }
"""

SCRIPT = """
(function () {
  "use strict";
  var tables = Array.prototype.slice.call(document.querySelectorAll("table.xh-sortable"));

  function sortable(table, number) {
    var body = table.tBodies[0];
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var rows = Array.prototype.slice.call(body.rows);

    function isNumeric(col) { return headers[col].getAttribute("data-type") === "number"; }

    function keyOf(row, col, numeric) {
      var cell = row.cells[col];
      var raw = cell ? cell.getAttribute("data-value") : null;
      if (raw === null || raw === "") { return null; }
      if (!numeric) { return raw; }
      var value = parseFloat(raw);
      return isFinite(value) ? value : null;
    }

    function sortBy(col, descending) {
      var numeric = isNumeric(col);
      var keyed = rows.map(function (row, i) {
        return { row: row, index: i, key: keyOf(row, col, numeric) };
      });
      keyed.sort(function (a, b) {
        if (a.key === null || b.key === null) {
          if (a.key === b.key) { return a.index - b.index; }
          return a.key === null ? 1 : -1;
        }
        var order = numeric ? a.key - b.key
          : a.key.localeCompare(b.key, undefined, { numeric: true, sensitivity: "base" });
        if (descending) { order = -order; }
        return order || a.index - b.index;
      });
      keyed.forEach(function (item) { body.appendChild(item.row); });
      headers.forEach(function (th, j) {
        var state = j !== col ? "none" : descending ? "descending" : "ascending";
        th.setAttribute("aria-sort", state);
      });
      table.setAttribute("data-sorted", (col + 1) + ":" + (descending ? "desc" : "asc"));
    }

    headers.forEach(function (th, col) {
      var target = th.querySelector("button") || th;
      target.addEventListener("click", function () {
        var current = th.getAttribute("aria-sort");
        var descending = current === "ascending" ? true
          : current === "descending" ? false : isNumeric(col);
        sortBy(col, descending);
        var link = "#sort=" + (number > 1 ? number + "." : "") + (col + 1) + ":"
          + (descending ? "desc" : "asc");
        try {
          history.replaceState(null, "", link);
        } catch (err) { /* some file: URLs refuse; the view is sorted all the same */ }
      });
    });

    return {
      headers: headers.length,
      sort: function (col, direction) {
        sortBy(col, direction ? direction === "desc" : isNumeric(col));
      }
    };
  }

  var handles = tables.map(function (table, i) { return sortable(table, i + 1); });

  function sortFromHash() {
    var match = /^#sort=(?:([0-9]+)\\.)?([0-9]+)(?::(asc|desc))?$/.exec(window.location.hash);
    if (!match) { return; }
    var handle = handles[(match[1] ? parseInt(match[1], 10) : 1) - 1];
    var col = parseInt(match[2], 10) - 1;
    if (!handle || col < 0 || col >= handle.headers) { return; }
    handle.sort(col, match[3]);
  }

  window.addEventListener("hashchange", sortFromHash);
  sortFromHash();
})();
"""


def _sha256(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


CSP = (
    f"default-src 'none'; script-src {_sha256(SCRIPT)}; style-src {_sha256(STYLE)}; "
    "base-uri 'none'; form-action 'none'"
)
DOCUMENT_CSP = CSP + "; img-src data:"
"""A document's figures are SVG images in `data:` URLs: an image runs no script and loads
nothing, so they are all the page may add."""


class Html(TableFormat):
    name = "html"
    description = (
        "One self-contained HTML page: the table sortable by any column (#sort=N links), "
        "footnotes below; no network access, all data escaped."
    )
    suffix = "html"
    params = (STD_PARAM, N_PARAM)

    def render(self, table: Table) -> str:
        return self.render_many([table])

    def render_many(self, tables: list[Table]) -> str:
        """One page with every table, each sortable on its own."""
        for table in tables:
            check_table(table)
        titles = [table.title for table in tables if table.title]
        out = _head(" · ".join(titles) or "Tables", CSP)
        for number, table in enumerate(tables, start=1):
            out += self._section(table, number)
        out += [f"<script>{SCRIPT}</script>", "</body>", "</html>"]
        return "\n".join(out) + "\n"

    def render_document(self, document: Document) -> str:
        """One page: the sections with their paragraphs, sortable tables (numbered through the
        page, so `#sort=N.C` links work), figures as inline SVG images and lists."""
        out = _head(document.title, DOCUMENT_CSP)
        out.append(f"<h1>{escape(document.title)}</h1>")
        number = 0
        for index, section in enumerate(document.sections, start=1):
            out.append(f'<section id="section-{index}">')
            out.append(f"<h2>{escape(section.heading)}</h2>")
            out += [f"<p>{escape(paragraph)}</p>" for paragraph in section.paragraphs]
            for table in section.tables:
                check_table(table)
                number += 1
                out += self._section(table, number, heading="h3")
            out += [_figure(figure) for figure in section.figures]
            if section.items:
                out.append("<ul>")
                out += [f"<li>{escape(item)}</li>" for item in section.items]
                out.append("</ul>")
            out.append("</section>")
        out += [f"<script>{SCRIPT}</script>", "</body>", "</html>"]
        return "\n".join(out) + "\n"

    def _section(self, table: Table, number: int, heading: str = "h1") -> list[str]:
        numeric = number_columns(table)
        runs = runs_display(table, self.options["n"])
        out = [
            f'<section id="table-{number}">',
            f'<{heading} id="title-{number}">{escape(table.title or f"Table {number}")}'
            f"</{heading}>",
            f'<table class="xh-sortable" aria-labelledby="title-{number}" '
            f'data-digits="{table.digits}">',
            "<thead>",
            "<tr>",
        ]
        for name, is_number in zip(table.columns, numeric, strict=True):
            kind = "number" if is_number else "text"
            out.append(
                f'<th scope="col" class="{"num" if is_number else "label"}" data-type="{kind}" '
                f'aria-sort="none"><button type="button" title="Sort by this column">'
                f"{escape(name)}</button></th>"
            )
        out += ["</tr>", "</thead>", "<tbody>"]
        for row in table.rows:
            cells = "".join(self._cell(cell, table, runs, number) for cell in row)
            out.append(f"<tr>{cells}</tr>")
        out += ["</tbody>", "</table>"]
        note = runs_note(table, runs, self.options["std"])
        if note:
            out.append(f'<p class="note">{escape(note)}</p>')
        if table.footnotes:
            out.append('<ol class="footnotes">')
            out += [
                f'<li id="fn-{number}-{i + 1}">{escape(text)}</li>'
                for i, text in enumerate(table.footnotes)
            ]
            out.append("</ol>")
        out.append("</section>")
        return out

    def _cell(self, cell: Cell, table: Table, runs, number: int) -> str:
        if cell.text is not None:
            attrs = f' class="label" data-value="{escape(cell.text)}"'
            content = escape(cell.text)
        else:
            value = "" if cell.mean is None else repr(float(cell.mean))
            attrs = f' class="num" data-value="{escape(value)}"'
            if cell.mean is not None and cell.n > 0:
                attrs += f' data-n="{cell.n}" title="{cell.n} run{"s" if cell.n != 1 else ""}"'
            content = escape(mean_text(cell, table.digits))
            std = std_text(cell, table.digits) if self.options["std"] else ""
            if std:
                content += f' <span class="std">± {escape(std)}</span>'
            bounds = interval_text(cell, table.digits)
            if bounds:
                content += f' <span class="interval">{escape(bounds)}</span>'
        if cell.marker:
            content += f'<span class="marker">{escape(cell.marker)}</span>'
        n = runs.cell_n(cell)
        if n is not None:
            content += f' <span class="n">(n={n})</span>'
        if cell.footnote is not None:
            k = cell.footnote + 1
            content += f'<sup class="fn"><a href="#fn-{number}-{k}">{k}</a></sup>'
        return f"<td{attrs}>{content}</td>"


def _head(title: str, policy: str) -> list[str]:
    return [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="xharness">',
        f"<title>{escape(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
    ]


def _figure(figure: Figure) -> str:
    """A figure as an image whose source is its SVG in a `data:` URL (base64: no character of
    the SVG reaches the page's markup), with its title as caption and alternative text."""
    data = base64.b64encode(figure.svg.encode("utf-8")).decode("ascii")
    files = "".join(
        f' <a href="{escape(path)}">{escape(path.rsplit(".", 1)[-1].upper())}</a>'
        for path in figure.files
    )
    return (
        f'<figure><img alt="{escape(figure.title)}" src="data:image/svg+xml;base64,{data}">'
        f"<figcaption>{escape(figure.title)}{files}</figcaption></figure>"
    )
