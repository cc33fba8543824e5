"""The built-in table formats: markdown, LaTeX, HTML, CSV and JSON.

Each renders the same small table (labels with special characters, a blank with a footnote, a
marker, a missing standard deviation, n=1 next to n=3); the HTML page is also opened in headless
Chromium, where it must sort and raise no JavaScript error.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

import xharness_plugins.formats as formats_plugin
from xharness_plugins.formats import FORMATS
from xharness_plugins.formats._common import fmt
from xharness_plugins.formats.csv_file import Csv
from xharness_plugins.formats.html_page import Html
from xharness_plugins.formats.json_document import Json
from xharness_plugins.formats.latex import Latex
from xharness_plugins.formats.latex import escape as latex_escape
from xharness_plugins.formats.markdown import Markdown
from xtreme_harness.interfaces.table_format import Cell, Table
from xtreme_harness.plugin_host import PluginHost

SCRIPT_LABEL = "<script>alert(1)</script>"
SPECIAL_LABEL = "xlm_r & co: 100% {base} #1 ~ ^ \\ $"

TABLE = Table(
    title="Zero-shot <transfer> & 100% {results}",
    columns=("model", "XNLI", "PAWS-X"),
    rows=(
        (Cell(text=SPECIAL_LABEL), Cell(mean=79.25, std=0.31, n=3, marker="*"), Cell(footnote=0)),
        (
            Cell(text=SCRIPT_LABEL),
            Cell(mean=80.0, std=None, n=3),
            Cell(mean=85.55, std=2.0, n=1, marker="†"),
        ),
    ),
    footnotes=("PAWS-X: 1 of 7 languages missing <sw>",),
    digits=1,
)


# -- registration and the number rule ---------------------------------------------------------


def test_the_plugin_registers_five_formats_with_their_suffixes():
    host = PluginHost(entry_points=False, plugins=[("formats", formats_plugin)])
    suffixes = {name: host.get("formats", name).suffix for name in FORMATS_BY_NAME}
    assert suffixes == {
        "md": "md",
        "latex": "tex",
        "html": "html",
        "csv": "csv",
        "json": "json",
    }
    for cls in FORMATS:
        assert cls.description and cls.name == cls.name.lower()


FORMATS_BY_NAME = {cls.name: cls for cls in FORMATS}


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (79.25, 1, "79.3"),
        (85.55, 1, "85.6"),
        (0.25, 1, "0.3"),
        (79.2345, 2, "79.23"),
        (2.5, 0, "3"),
        (-0.04, 1, "0.0"),
        (-0.05, 1, "-0.1"),
        (5, 2, "5.00"),
        (1e20, 1, "100000000000000000000.0"),
    ],
)
def test_numbers_are_rounded_half_up_to_the_table_digits(value, digits, expected):
    assert fmt(value, digits) == expected


@pytest.mark.parametrize("cls", FORMATS, ids=lambda cls: cls.name)
def test_every_format_rejects_a_ragged_row_and_an_unknown_footnote(cls):
    ragged = Table("t", ("a", "b"), ((Cell(text="x"),),))
    with pytest.raises(ValueError, match="row 1 has 1 cells, expected 2"):
        cls().render(ragged)
    dangling = Table("t", ("a", "b"), ((Cell(text="x"), Cell(footnote=2)),), ("one",))
    with pytest.raises(ValueError, match="footnote 2"):
        cls().render(dangling)


@pytest.mark.parametrize("cls", FORMATS, ids=lambda cls: cls.name)
def test_every_format_renders_an_empty_table_and_several_tables(cls):
    empty = Table("", ("model",), ())
    assert cls().render(empty)
    assert cls().render_many([TABLE, empty])


# -- markdown ---------------------------------------------------------------------------------

TINY = Table(
    "XNLI",
    ("model", "en", "sw"),
    (
        (Cell(text="a|b"), Cell(mean=85.04, std=0.26, n=3, marker="*"), Cell(footnote=0)),
        (Cell(text="c_d"), Cell(mean=80.0, n=3), Cell(mean=60.0, std=1.0, n=3)),
    ),
    ("no sw runs",),
    1,
)


def test_markdown_of_a_tiny_table():
    assert Markdown().render(TINY) == (
        "**XNLI**\n"
        "\n"
        "| model | en | sw |\n"
        "| --- | ---: | ---: |\n"
        "| a\\|b | 85.0 ± 0.3\\* | ¹ |\n"
        "| c\\_d | 80.0 | 60.0 ± 1.0 |\n"
        "\n"
        "Mean ± standard deviation over 3 runs.\n"
        "\n"
        "¹ no sw runs\n"
    )


def test_markdown_shows_n_per_number_when_it_differs_within_the_table():
    assert Markdown().render(TABLE) == (
        "**Zero-shot \\<transfer\\> \\& 100% {results}**\n"
        "\n"
        "| model | XNLI | PAWS-X |\n"
        "| --- | ---: | ---: |\n"
        "| xlm\\_r \\& co: 100% {base} #1 \\~ ^ \\\\ $ | 79.3 ± 0.3\\* (n=3) | ¹ |\n"
        "| \\<script\\>alert(1)\\</script\\> | 80.0 (n=3) | 85.6† (n=1) |\n"
        "\n"
        "¹ PAWS-X: 1 of 7 languages missing \\<sw\\>\n"
    )


def test_markdown_params_hide_the_std_and_choose_where_n_goes():
    never = Markdown(std="false", n="never").render(TINY)
    assert "±" not in never and "(n=" not in never and "over 3 runs" not in never
    assert "| 85.0\\* | ¹ |" in never
    always = Markdown(n="always").render(TINY)
    assert "| 85.0 ± 0.3\\* (n=3) | ¹ |" in always and "over 3 runs" not in always


def test_a_table_of_single_runs_says_so_once():
    single = Table("t", ("m", "x"), ((Cell(text="a"), Cell(mean=1.0, std=0.5, n=1)),))
    text = Markdown().render(single)
    assert "| a | 1.0 |" in text and "Each number is from a single run." in text


# -- LaTeX ------------------------------------------------------------------------------------


def test_latex_escapes_every_special_character():
    assert latex_escape("& % $ # _ { } ~ ^ \\") == (
        r"\& \% \$ \# \_ \{ \} \textasciitilde{} \textasciicircum{} \textbackslash{}"
    )
    assert latex_escape("<a|b>\n†") == r"\textless{}a\textbar{}b\textgreater{} \dag{}"
    assert latex_escape("[base]") == "{[}base{]}"  # not an optional argument after \\ or \midrule


def test_latex_booktabs_tabular():
    text = Latex().render(TABLE)
    lines = text.splitlines()
    caption = r"\caption{Zero-shot \textless{}transfer\textgreater{} \& 100\% \{results\}}"
    assert lines[:3] == [r"\begin{table}[t]", r"\centering", caption]
    assert r"\begin{tabular}{lrr}" in lines
    assert lines.index(r"\toprule") < lines.index(r"\midrule") < lines.index(r"\bottomrule")
    assert (
        r"xlm\_r \& co: 100\% \{base\} \#1 \textasciitilde{} \textasciicircum{} "
        r"\textbackslash{} \$ & 79.3 $\pm$ 0.3* ($n=3$) & \textsuperscript{1} \\"
    ) in lines
    assert (
        r"\textless{}script\textgreater{}alert(1)\textless{}/script\textgreater{} & "
        r"80.0 ($n=3$) & 85.6\dag{} ($n=1$) \\"
    ) in lines
    footnote = r"\textsuperscript{1} PAWS-X: 1 of 7 languages missing \textless{}sw\textgreater{}"
    assert footnote + r"\par" in lines
    assert lines[-1] == r"\end{table}"
    assert "<" not in text and ">" not in text


def test_latex_without_the_float_is_a_bare_tabular():
    text = Latex(float="false").render(TINY)
    assert text.startswith("% XNLI\n\\begin{tabular}{lrr}\n")
    assert r"\begin{table}" not in text and r"\caption" not in text
    assert r"85.0 $\pm$ 0.3*" in text and r"Mean $\pm$ standard deviation over 3 runs.\par" in text


# -- CSV --------------------------------------------------------------------------------------


def test_csv_parses_back_with_the_csv_module():
    rows = list(csv.reader(io.StringIO(Csv().render(TABLE))))
    assert rows == [
        ["model", "XNLI", "XNLI std", "XNLI n", "PAWS-X", "PAWS-X std", "PAWS-X n"],
        [SPECIAL_LABEL, "79.3", "0.3", "3", "", "", ""],
        [SCRIPT_LABEL, "80.0", "", "3", "85.6", "", "1"],
    ]
    assert "languages missing" not in Csv().render(TABLE)


def test_csv_params_drop_the_std_and_add_markers():
    rows = list(csv.reader(io.StringIO(Csv(std="false", markers="true").render(TABLE))))
    header = ["model", "XNLI", "XNLI n", "XNLI marker", "PAWS-X", "PAWS-X n", "PAWS-X marker"]
    assert rows[0] == header
    assert rows[1] == [SPECIAL_LABEL, "79.3", "3", "*", "", "", ""]
    assert rows[2] == [SCRIPT_LABEL, "80.0", "3", "", "85.6", "1", "†"]


def test_intervals_in_every_format():
    table = Table(
        "Difference",
        ("configuration", "xnli"),
        (
            (Cell(text="robust"), Cell(mean=1.25, n=3, low=0.31, high=2.04, marker="*")),
            (Cell(text="plain"), Cell(footnote=0)),
        ),
        ("no paired task scores",),
    )
    assert "| robust | 1.3 [0.3, 2.0]\\* |" in Markdown().render(table)
    assert r"robust & 1.3 [0.3, 2.0]* \\" in Latex().render(table)
    assert '<span class="interval">[0.3, 2.0]</span>' in Html().render(table)
    rows = list(csv.reader(io.StringIO(Csv().render(table))))
    assert rows[0] == ["configuration", "xnli", "xnli std", "xnli n", "xnli low", "xnli high"]
    assert rows[1] == ["robust", "1.3", "", "3", "0.3", "2.0"]
    cell = json.loads(Json().render(table))["rows"][0][1]
    assert (cell["low"], cell["high"], cell["display"]) == (0.31, 2.04, "1.3 [0.3, 2.0]")


# -- JSON -------------------------------------------------------------------------------------


def test_json_parses_back_with_every_field():
    document = json.loads(Json().render(TABLE))
    assert document["format"] == "xharness-table" and document["version"] == 1
    assert document["title"] == TABLE.title
    assert document["columns"] == ["model", "XNLI", "PAWS-X"]
    assert document["footnotes"] == list(TABLE.footnotes) and document["digits"] == 1
    label, number, blank = document["rows"][0]
    assert label == {"text": SPECIAL_LABEL, "marker": "", "footnote": None}
    assert {k: number[k] for k in ("mean", "std", "n", "marker", "footnote", "display")} == {
        "mean": 79.25,
        "std": 0.31,
        "n": 3,
        "marker": "*",
        "footnote": None,
        "display": "79.3 ± 0.3",
    }
    assert (blank["mean"], blank["footnote"], blank["display"]) == (None, 0, "")
    single = document["rows"][1][2]
    assert (single["std"], single["n"], single["marker"], single["display"]) == (
        2.0,
        1,
        "†",
        "85.6",
    )


def test_json_has_no_nan_and_puts_several_tables_in_one_document():
    odd = Table("t", ("m", "x"), ((Cell(text="a"), Cell(mean=float("nan"), n=1)),))
    assert json.loads(Json().render(odd))["rows"][0][1]["mean"] is None
    many = json.loads(Json(indent="0").render_many([TABLE, odd]))
    assert many["format"] == "xharness-tables"
    assert [t["title"] for t in many["tables"]] == [TABLE.title, "t"]


# -- HTML: the page itself --------------------------------------------------------------------


class PageParser(HTMLParser):
    """Collects what the tests look at: elements by tag, script and style text, the tables."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: dict[str, int] = {}
        self.attrs: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, list[str]] = {"script": [], "style": [], "h1": [], "title": []}
        self.tables: list[dict] = []
        self._open: list[str] = []
        self._cell: dict | None = None

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        attributes = dict(attrs)
        self.attrs.append((tag, attributes))
        if tag == "table":
            self.tables.append({"attrs": attributes, "headers": [], "rows": []})
        elif tag == "th" and self.tables:
            self.tables[-1]["headers"].append(attributes)
        elif tag == "tr" and self.tables and "tbody" in self._open:
            self.tables[-1]["rows"].append([])
        elif tag == "td" and self.tables:
            self._cell = {"attrs": attributes, "text": ""}
            self.tables[-1]["rows"][-1].append(self._cell)
        self._open.append(tag)

    def handle_endtag(self, tag):
        if tag in self._open:
            while self._open.pop() != tag:
                pass
        if tag == "td":
            self._cell = None

    def handle_data(self, data):
        if self._open and self._open[-1] in self.text:
            self.text[self._open[-1]].append(data)
        if self._cell is not None:
            self._cell["text"] += data

    def first_column(self, table: int = 0) -> list[str]:
        return [row[0]["attrs"]["data-value"] for row in self.tables[table]["rows"]]


def parse(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    return parser


def test_html_escapes_everything_from_the_data_and_has_one_script():
    page = Html().render(TABLE)
    parsed = parse(page)
    assert parsed.tags["script"] == 1
    assert SCRIPT_LABEL not in page and "alert(1)" not in "".join(parsed.text["script"])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "".join(parsed.text["h1"]) == TABLE.title
    assert "".join(parsed.text["title"]) == TABLE.title
    assert "Zero-shot &lt;transfer&gt; &amp; 100% {results}" in page
    assert "PAWS-X: 1 of 7 languages missing &lt;sw&gt;" in page
    assert "&amp; co" in page
    (table,) = parsed.tables
    rows = table["rows"]
    assert rows[1][0]["text"] == SCRIPT_LABEL and rows[1][0]["attrs"]["data-value"] == SCRIPT_LABEL
    assert rows[0][1]["attrs"]["data-value"] == "79.25"
    assert rows[0][1]["text"] == "79.3 ± 0.3* (n=3)"
    assert rows[0][2]["attrs"]["data-value"] == "" and rows[0][2]["text"] == "1"
    assert rows[1][2]["text"] == "85.6† (n=1)"
    assert [h["data-type"] for h in table["headers"]] == ["text", "number", "number"]


def test_html_is_self_contained_and_allows_only_its_own_script_and_style():
    page = Html().render(TABLE)
    parsed = parse(page)
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    for tag, attrs in parsed.attrs:
        assert "src" not in attrs, tag
        assert (attrs.get("href") or "#").startswith("#"), tag
        assert tag not in ("link", "iframe", "img", "object", "embed", "base", "form")
    for scheme in ("http:", "https:", "//", "url(", "@import"):
        assert scheme not in page.replace("http-equiv", "")
    (csp,) = [
        attrs["content"]
        for _, attrs in parsed.attrs
        if attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    assert "default-src 'none'" in csp
    for kind in ("script", "style"):
        body = "".join(parsed.text[kind])
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"{kind}-src 'sha256-{digest}'" in csp


def test_html_of_several_tables_is_one_page():
    parsed = parse(Html().render_many([TABLE, TINY]))
    assert parsed.tags["html"] == 1 and parsed.tags["script"] == 1 and parsed.tags["table"] == 2
    assert parsed.tags["h1"] == 2 and parsed.tags["thead"] == 2
    ids = [a["id"] for _, a in parsed.attrs if "id" in a]
    assert len(ids) == len(set(ids))


# -- HTML in headless Chromium ----------------------------------------------------------------

CHROMIUM = Path(os.environ.get("XHARNESS_CHROMIUM", "/usr/bin/chromium"))
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"{CHROMIUM} is not installed (apt-get install -y chromium); the sortable HTML page "
    "is not tested in a browser",
)

NAMES = [
    "alpha",
    "bravo",
    SCRIPT_LABEL,
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliett",
]
XNLI = [71.2, 80.5, 66.6, 65.0, 90.1, 55.5, 80.5, 77.7, None, 88.8]
AVG = [50.0, 61.5, 70.25, 40.0, 58.0, 49.9, 60.0, 59.0, 45.5, 52.0]
TEN = Table(
    "Ten <models>",
    ("model", "XNLI", "avg"),
    tuple(
        (
            Cell(text=name),
            Cell(footnote=0) if xnli is None else Cell(mean=xnli, std=0.4, n=3),
            Cell(mean=avg, n=1 if i == 2 else 3),
        )
        for i, (name, xnli, avg) in enumerate(zip(NAMES, XNLI, AVG, strict=True))
    ),
    ("XNLI missing",),
)


def by(values: list, descending: bool) -> list[str]:
    """NAMES sorted by `values` as the page sorts: blanks last either way, ties in the original
    order (Python's sort is stable with reverse=True too)."""
    present = [i for i, value in enumerate(values) if value is not None]
    blanks = [i for i, value in enumerate(values) if value is None]

    def key(i):
        return values[i].lower() if isinstance(values[i], str) else values[i]

    return [NAMES[i] for i in sorted(present, key=key, reverse=descending) + blanks]


def chromium(page: Path, fragment: str, tmp_path: Path) -> tuple[PageParser, str]:
    """The DOM after the page's scripts ran, parsed, and Chromium's log (console included)."""
    profile = tmp_path / f"profile-{time.monotonic_ns()}"
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        "--run-all-compositor-stages-before-draw",
        "--virtual-time-budget=3000",
        "--dump-dom",
        page.resolve().as_uri() + fragment,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return parse(done.stdout), done.stderr


def console_errors(log: str) -> list[str]:
    """Uncaught JavaScript errors and Content-Security-Policy violations in Chromium's log."""
    signs = ("Uncaught", "Refused", "Content Security Policy")
    return [line for line in log.splitlines() if any(sign in line for sign in signs)]


@needs_chromium
@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("#sort=2", by(XNLI, descending=True)),
        ("#sort=2:asc", by(XNLI, descending=False)),
        ("#sort=1:desc", by(NAMES, descending=True)),
    ],
)
def test_html_page_in_chromium_sorts_from_the_link(tmp_path, fragment, expected):
    started = time.monotonic()
    page = tmp_path / "table.html"
    page.write_text(Html().render(TEN), encoding="utf-8")
    dom, log = chromium(page, fragment, tmp_path)
    assert console_errors(log) == []
    (table,) = dom.tables
    sorted_by = fragment.removeprefix("#sort=")
    assert table["attrs"]["data-sorted"] == (sorted_by if ":" in sorted_by else f"{sorted_by}:desc")
    assert dom.first_column() == expected
    assert len(table["rows"]) == 10 and all(len(row) == 3 for row in table["rows"])
    if fragment.startswith("#sort=2"):
        assert dom.first_column()[-1] == "india"  # the blank, last in either direction
    assert dom.tags["script"] == 1
    assert SCRIPT_LABEL in [row[0]["text"] for row in table["rows"]]
    assert time.monotonic() - started < 20


TEST_SCRIPT = """
(function () {
  function order(table) {
    return JSON.stringify(Array.prototype.map.call(table.tBodies[0].rows, function (row) {
      return row.cells[0].getAttribute("data-value");
    }));
  }
  var table = document.querySelectorAll("table.xh-sortable")[0];
  var buttons = table.tHead.querySelectorAll("button");
  buttons[2].click();
  table.setAttribute("data-first-click", order(table));
  buttons[2].click();
  table.setAttribute("data-second-click", order(table));
  buttons[0].click();
  table.setAttribute("data-hash", window.location.hash);
  throw new Error("xh-test-sentinel");
})();
"""


@needs_chromium
def test_html_page_in_chromium_sorts_on_clicks_and_runs_no_injected_script(tmp_path):
    """Clicking a header sorts (numbers best first), clicking again reverses, the link follows;
    `#sort=2.2:asc` sorts the second table of a page; the Content-Security-Policy refuses any
    script but the page's own. The test script ends by throwing, to show that errors would be
    seen in the log."""
    started = time.monotonic()
    page = Html().render_many([TEN, TEN])
    digest = base64.b64encode(hashlib.sha256(TEST_SCRIPT.encode()).digest()).decode()
    assert page.count("script-src ") == 1
    page = page.replace("script-src ", f"script-src 'sha256-{digest}' ")
    injected = '<script>document.documentElement.setAttribute("data-injected", "1")</script>'
    page = page.replace("</body>", f"<script>{TEST_SCRIPT}</script>\n{injected}\n</body>")
    path = tmp_path / "tables.html"
    path.write_text(page, encoding="utf-8")
    dom, log = chromium(path, "#sort=2.2:asc", tmp_path)

    errors = console_errors(log)
    assert any("Uncaught Error: xh-test-sentinel" in line for line in errors), log[-3000:]
    assert any("Executing inline script violates" in line for line in errors), log[-3000:]
    assert len(errors) == 2, errors
    assert not any(attrs.get("data-injected") for tag, attrs in dom.attrs if tag == "html")

    first, second = dom.tables
    assert json.loads(first["attrs"]["data-first-click"]) == by(AVG, descending=True)
    assert json.loads(first["attrs"]["data-second-click"]) == by(AVG, descending=False)
    assert dom.first_column(0) == by(NAMES, descending=False)
    assert first["attrs"]["data-sorted"] == "1:asc"
    assert first["attrs"]["data-hash"] == "#sort=1:asc"
    assert [h["aria-sort"] for h in first["headers"]] == ["ascending", "none", "none"]
    assert second["attrs"]["data-sorted"] == "2:asc"
    assert dom.first_column(1) == by(XNLI, descending=False)
    assert time.monotonic() - started < 20
