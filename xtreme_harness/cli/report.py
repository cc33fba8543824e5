"""``xharness report``: the research question answered from a grid's result files."""

from __future__ import annotations

import json
from typing import Any

import click


def _interval(estimate: Any) -> str:
    if estimate is None:
        return "-"
    return f"{estimate.value:+.2f} [{estimate.low:+.2f}, {estimate.high:+.2f}]"


def _text(value: str) -> str:
    """A name as table text: a pipe would end the Markdown cell."""
    return value.replace("|", "\\|")


def _markdown(report: Any, summary: str) -> str:
    from tabulate import tabulate

    name = {"holm": "Holm", "bh": "Benjamini-Hochberg"}[report.correction]
    lines = [f"# Report: {report.factor} (baseline {report.baseline})", "", summary, ""]
    titles = {"main": f"Main effects of {report.factor}",
              "interaction": f"Interactions of {report.factor} with {report.by}"}  # fmt: skip
    for kind, title in titles.items():
        rows = [
            [_text(c.task), _text(c.context), _text(c.contrast), len(c.seeds),
             _interval(c.examples), "-" if c.examples is None else f"{c.examples.p:.3g}",
             "-" if c.p_adjusted is None else f"{c.p_adjusted:.3g}", _interval(c.over_seeds),
             "-" if c.detectable is None else f"{c.detectable:.2f}"]
            for c in report.comparisons if c.kind == kind
        ]  # fmt: skip
        if not rows:
            continue
        headers = ["task", "other factors", "contrast", "seeds", "95% CI over examples", "p",
                   f"p ({name})", "95% CI over seeds", "detectable (80% power)"]  # fmt: skip
        lines += [f"## {title}", "", tabulate(rows, headers, tablefmt="github"), ""]
    if report.missing:
        lines += ["## Left out", ""] + [f"- {text}" for text in report.missing] + [""]
    lines += [
        f"Task scores; contrasts paired by seed and test example; p: two-sided bootstrap; "
        f"corrected by {name} over all {sum(c.p_adjusted is not None for c in report.comparisons)}"
        " comparisons; intervals over seeds only with 3 or more seeds; detectable: the smallest"
        " contrast a paired t-test over these seeds finds with 80% power, from the spread of the"
        " per-seed contrasts (docs/report.md).",
        "",
        "## Result files (SHA-256)",
        "",
        *(f"- `{path}` {digest}" for path, digest in report.results.items()),
    ]
    return "\n".join(lines) + "\n"


@click.command()
@click.argument("run_dirs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--factor", default="language_set", show_default=True,
              help="The factor whose levels are compared: language_set, regularizer, "
              "intermediate or model.")  # fmt: skip
@click.option(
    "--baseline",
    required=True,
    help="The level of --factor the others are compared with, e.g. high-resource.",
)
@click.option("--by", help="A second factor: the report adds the interaction, the effect of "
              "--factor under each level of --by minus under --reference.")  # fmt: skip
@click.option(
    "--reference",
    default="none",
    show_default=True,
    help="The level of --by the interaction compares with.",
)
@click.option("--correction", type=click.Choice(["holm", "bh"]), default="holm",
              show_default=True, help="Correction over all comparisons: Holm (family-wise) or "
              "Benjamini-Hochberg (false discovery rate).")  # fmt: skip
@click.option("--format", "format_name", type=click.Choice(["md", "json"]), default="md",
              show_default=True)  # fmt: skip
@click.option("--out", "out_file", type=click.Path(dir_okay=False), help="Write to FILE.")
def report(
    run_dirs: tuple[str, ...],
    factor: str,
    baseline: str,
    by: str | None,
    reference: str,
    correction: str,
    format_name: str,
    out_file: str | None,
) -> None:
    """The effect of a factor of the grid on every task's score (each level against
    --baseline, everything else equal, paired by seed and test example), with --by the
    interaction with a second factor, 95% bootstrap intervals and p-values corrected over every
    comparison, and a plain-language summary. A comparison whose results are missing is left
    out and listed.

    \b
    Example:
      xharness report runs/demo-grid --factor language_set --baseline high-resource \\
          --by regularizer --reference none
    """
    from xtreme_harness.results import report as reports
    from xtreme_harness.results.files import find

    built = reports.build(find(*run_dirs), factor, baseline, by=by, reference=reference,
                          correction=correction)  # fmt: skip
    summary = reports.summary(built)
    if format_name == "json":
        text = json.dumps({**built.document(), "summary": summary}, indent=2,
                          ensure_ascii=False) + "\n"  # fmt: skip
    else:
        text = _markdown(built, summary)
    if out_file:
        from xtreme_harness.atomic import write_text

        write_text(out_file, text)
        click.echo(f"wrote {out_file}")
    else:
        click.echo(text, nl=False)
