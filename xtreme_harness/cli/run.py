"""``xharness run`` and ``xharness tiny-model``."""

from __future__ import annotations

from typing import Any

import click

from xtreme_harness.cli.options import run_options


@click.command()
@run_options
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False),
    help="Run folder: result.json, predictions/, model/.",
)
@click.option("--overwrite", is_flag=True, help="Replace an existing result in --out.")
@click.option("--no-save-model", is_flag=True, help="Do not keep the fine-tuned model.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
def run(out: str, overwrite: bool, no_save_model: bool, quiet: bool, **options: Any) -> None:
    """Fine-tune a model on a task's English data and evaluate it zero-shot on every language.

    Optionally trains on an intermediate task first, on the languages a language set picks.
    Writes OUT/result.json (configuration, intermediate allocation, per-language scores,
    provenance), the predictions in the official submission layout under
    OUT/predictions/, and the fine-tuned model under OUT/model/. Prints per-language scores.

    \b
    Example:
      xharness tiny-model models/tiny
      xharness run --model models/tiny --task xnli --source sample --out runs/xnli
      xharness run --model models/tiny --task panx --source sample --intermediate massive \\
          --language-set low-resource-diverse --languages 7 --budget 140 --out runs/lrd
    """
    from xtreme_harness.config.options import config_from_options
    from xtreme_harness.engine.run import run as run_pipeline

    config = config_from_options(
        options, out=out, progress=not quiet, overwrite=overwrite, save_model=not no_save_model
    )
    print_scores(run_pipeline(config))


def print_scores(result: dict[str, Any]) -> None:
    from xtreme_harness.cli.output import emit_table

    task = result["task"]
    metric_names = sorted({key for values in result["scores"].values() for key in values})
    rows = [
        [language] + [f"{result['scores'][language][m]:.2f}" for m in metric_names]
        for language in result["config"]["eval_languages"]
        if language in result["scores"]
    ]
    if result["average"] is not None:
        from xtreme_harness.results.metrics import POOLED

        label = "pooled" if task["metric"] in POOLED else "avg"
        rows.append([label] + [f"{result['average'][m]:.2f}" for m in metric_names])
    click.echo(
        f"{task['name']}: {result['model']['name_or_path']}, seed {result['config']['seed']}"
    )
    emit_table(rows, ["language", *metric_names])
    if result["score"] is not None:
        click.echo(f"score: {result['score']:.2f}")
    if result["generalized"] is not None:
        _print_generalized(result["generalized"])
    for note in result["notes"]:
        click.echo(f"note: {note}")


def _print_generalized(table: dict[str, Any]) -> None:
    from xtreme_harness.cli.output import emit_table

    languages = table["languages"]
    if "accuracy" in table:  # sentence pairs
        key, what = "accuracy", "accuracy by language of sentence 1 (rows) and 2 (columns)"
    else:  # QA over (context, question) language pairs
        key, what = "f1", "F1 by language of the context (rows) and of the question (columns)"
    click.echo(f"\ngeneralised: {what}")
    emit_table(
        [[l1] + [f"{table[key][l1][l2]:.1f}" for l2 in languages] for l1 in languages],
        ["", *languages],
    )

    def number(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    if key == "accuracy":
        click.echo(
            f"pooled {table['total']:.2f}, diagonal mean {number(table['diagonal_mean'])}, "
            f"off-diagonal mean {number(table['off_diagonal_mean'])}"
        )
    else:
        for metric in ("exact_match", "f1"):
            click.echo(
                f"{metric}: diagonal mean {number(table['diagonal_mean'][metric])}, "
                f"off-diagonal mean {number(table['off_diagonal_mean'][metric])}"
            )


@click.command(name="tiny-model")
@click.argument("out", type=click.Path(file_okay=False))
@click.option(
    "--tokenizer",
    "style",
    type=click.Choice(["sentencepiece", "wordpiece"]),
    default="sentencepiece",
    show_default=True,
    help="XLM-R style (Unigram + Metaspace) or BERT style (WordPiece).",
)
@click.option("--vocab-size", type=click.IntRange(min=100), default=3000, show_default=True)
@click.option("--hidden-size", type=click.IntRange(min=8), default=64, show_default=True)
@click.option("--layers", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--heads", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--max-length", type=click.IntRange(min=16), default=512, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)  # fmt: skip
def tiny_model(out: str, style: str, **sizes: Any) -> None:
    """Build a tiny random-initialised encoder and a tokenizer trained on the sample data of the
    built-in plugins' tasks (the same model whatever other plugins are installed), for tests and
    demos. Its scores mean nothing, and results say so."""
    from xtreme_harness.engine.tiny_model import build_tiny_model, sample_texts

    summary = build_tiny_model(out, sample_texts(), style=style, **sizes)
    click.echo(
        f"{summary['path']}: {summary['style']} tokenizer of {summary['vocab_size']} pieces, "
        f"{summary['parameters']:,} parameters"
    )
