"""``xharness score``: score a submission folder against a gold folder as the official scorer."""

from __future__ import annotations

import click

from xtreme_harness.registry.benchmarks import benchmark_names


@click.command()
@click.argument("pred_dir", type=click.Path(file_okay=False))
@click.argument("gold_dir", type=click.Path(file_okay=False))
@click.option(
    "--benchmark",
    type=click.Choice(benchmark_names()),
    default="xtreme-r",
    show_default=True,
    help="Which benchmark's tasks, languages and groups (the official script's --xtreme_version; "
    "its default is xtreme).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the JSON document instead of a summary."
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    help="Also write the JSON document (the structure evaluate.py writes) to this file.",
)
@click.option(
    "--qa-f1-only",
    is_flag=True,
    help="Count QA tasks by F1 alone in the group and overall scores (default: (EM + F1) / 2, "
    "as the official scorer).",
)
def score(
    pred_dir: str,
    gold_dir: str,
    benchmark: str,
    as_json: bool,
    output: str | None,
    qa_f1_only: bool,
) -> None:
    """Score predictions in the official submission layout against gold files.

    Both folders hold <task>/test-<lang>.<suffix> (json for xquad, mlqa, tydiqa, mewslix and
    lareqa; jsonl for xcopa; tsv otherwise). A task is scored when its folder is in both; then
    every language of the task must have both files. The numbers are those of evaluate.py of
    google-research/xtreme (--xtreme_version xtreme or xtreme-r), plus LAReQA and the overall
    XTREME-R score, which the official script cannot compute. See docs/scoring.md.

    \b
    Example:
      xharness score runs/submission gold/ --benchmark xtreme-r --output scores.json
    """
    from xtreme_harness.cli.output import emit_json
    from xtreme_harness.results.scoring import score_folders, write_report_json

    report = score_folders(pred_dir, gold_dir, benchmark, qa_f1_only=qa_f1_only)
    if output:
        write_report_json(report, output)
    if as_json:
        emit_json(report.to_json())
    else:
        _print_summary(report)


def _print_summary(report) -> None:
    from xtreme_harness.cli.output import emit_table
    from xtreme_harness.registry.benchmarks import load_benchmark
    from xtreme_harness.results.scoring.scorers import SCORERS

    benchmark = load_benchmark(report.benchmark)
    qa_formula = "F1" if report.qa_f1_only else "(EM + F1) / 2"
    click.echo(f"{benchmark.title}: {len(report.tasks)} of {len(benchmark.tasks)} tasks scored")
    rows = []
    for name, scores in report.tasks.items():
        averages = ", ".join(
            f"{key[4:]} {value:.2f}"
            for key, value in scores.items()
            if key.startswith("avg_") and key != "avg_metric"
        )
        note = " (pooled)" if SCORERS[benchmark.tasks[name].scorer].pooled else ""
        languages = len(benchmark.tasks[name].languages)
        rows.append([name, languages, f"{scores['avg_metric']:.2f}{note}", averages])
    if rows:
        emit_table(rows, ["task", "languages", "avg_metric", "averages over languages"])
    click.echo("")
    group_rows = [[group, f"{value:.2f}"] for group, value in report.overall.items()]
    missing_groups = [
        [group, "-", "needs " + ", ".join(t for t in members if t not in report.tasks)]
        for group, members in benchmark.groups.items()
        if group not in report.overall
    ]
    if "all_task" not in report.overall:
        absent = [t for t in benchmark.tasks if t not in report.tasks]
        missing_groups.insert(0, ["all_task", "-", "needs " + ", ".join(absent)])
    footer = f"QA tasks count as {qa_formula} in groups and all_task."
    if missing_groups:
        rows = [[*row, ""] for row in group_rows] + missing_groups
        emit_table(rows, ["group", "score", "missing tasks"], footer=footer)
    else:
        emit_table(group_rows, ["group", "score"], footer=footer)
    if report.not_scored:
        click.echo("\nNot scored:")
        for name, reason in report.not_scored.items():
            click.echo(f"  {name}: {reason}")
    if report.ignored:
        click.echo(
            f"\nIgnored folders (not tasks of {report.benchmark}): {', '.join(report.ignored)}"
        )
    if report.notes:
        click.echo("\nNotes:")
        for note in report.notes:
            click.echo(f"  {note}")
