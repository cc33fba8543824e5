"""``xharness report``: the research question answered from a grid's result files."""

from __future__ import annotations

import json
import os

import click

from xtreme_harness.results.files import Result
from xtreme_harness.results.report import Report
from xtreme_harness.results.subgroups import SUBGROUPS


def _use_plugin_models() -> None:
    """The pretraining languages plugins registered, for the pretraining-coverage subgroups."""
    from xtreme_harness.plugin_host import get_host
    from xtreme_harness.registry import pretraining

    found = get_host().registrations("pretrained_models").values()
    pretraining.use_registered(registration.obj for registration in found)


def _rendered(
    built: Report,
    summary: str,
    results: list[Result],
    format_name: str,
    format_options: tuple[str, ...],
    out_file: str | None,
) -> str:
    """The report in a table format plugin, with its figures (saved beside `out_file`)."""
    from xtreme_harness.config.options import parse_pairs
    from xtreme_harness.plugin_host import get_host
    from xtreme_harness.results import report_document, report_plots

    renderer = get_host().get("formats", format_name)(
        **parse_pairs(format_options, "--format-option")
    )
    folder = prefix = None
    if out_file:
        stem = os.path.splitext(os.path.basename(out_file))[0]
        folder = os.path.join(os.path.dirname(out_file), f"{stem}-figures")
        prefix = f"{stem}-figures/"
    figures = report_plots.figures(built, results, folder, prefix or "")
    return renderer.render_document(report_document.build(built, summary, figures))


@click.command()
@click.argument("run_dirs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--factor", default="language_set", show_default=True,
              help="The factor whose levels are compared: language_set, regularizer, "
              "intermediate, model, selection (the model-selection rule) or setting "
              "(zero-shot, translate-test...).")  # fmt: skip
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
@click.option("--subgroups", default=",".join(SUBGROUPS), show_default=True,
              help="Subgroups of target languages each effect is also estimated in, comma-"
              "separated, or 'none': " + ", ".join(SUBGROUPS) + ".")  # fmt: skip
@click.option("--benchmark", default="xtreme-r", show_default=True,
              help="The benchmark whose categories and score are compared beside the "
              "tasks.")  # fmt: skip
@click.option("--format", "format_name", default="md", show_default=True,
              help="md, html (one self-contained page with the figures), json (the report's "
              "numbers for machines) or another table format plugin.")  # fmt: skip
@click.option("--format-option", "format_options", multiple=True, metavar="KEY=VALUE",
              help="A parameter of the format (see docs/formats.md); repeatable.")  # fmt: skip
@click.option("--out", "out_file", type=click.Path(dir_okay=False),
              help="Write to FILE; the figures go as SVG and PNG to FILE's name + "
              "'-figures/'.")  # fmt: skip
def report(
    run_dirs: tuple[str, ...],
    factor: str,
    baseline: str,
    by: str | None,
    reference: str,
    correction: str,
    subgroups: str,
    benchmark: str,
    format_name: str,
    format_options: tuple[str, ...],
    out_file: str | None,
) -> None:
    """The effect of a factor of the grid on every task's score, category and the benchmark
    score (each level against --baseline, everything else equal, paired by seed and test
    example), with --by the interaction with a second factor, the same per subgroup of target
    languages, 95% bootstrap intervals, p-values corrected over every comparison, figures and a
    plain-language summary. A comparison whose results are missing is left out and listed.

    \b
    Example:
      xharness report runs/demo-grid --factor language_set --baseline high-resource \\
          --by regularizer --reference none --format html --out report.html
    """
    from xtreme_harness.results import conclusions
    from xtreme_harness.results import report as reports
    from xtreme_harness.results.files import find

    chosen = [] if subgroups.strip() == "none" else [
        part.strip() for part in subgroups.split(",") if part.strip()
    ]  # fmt: skip
    results = find(*run_dirs)
    _use_plugin_models()
    built = reports.build(results, factor, baseline, by=by, reference=reference,
                          correction=correction, subgroups=chosen, benchmark=benchmark)  # fmt: skip
    summary = conclusions.summary(built)
    if format_name == "json":
        from dataclasses import asdict

        found = [asdict(item) for item in conclusions.sensitivity(built)]
        text = json.dumps({**built.document(), "sensitivity": found, "summary": summary},
                          indent=2, ensure_ascii=False) + "\n"  # fmt: skip
    else:
        text = _rendered(built, summary, results, format_name, format_options, out_file)
    if out_file:
        from xtreme_harness.atomic import write_text

        write_text(out_file, text)
        click.echo(f"wrote {out_file}")
    else:
        click.echo(text, nl=False)
