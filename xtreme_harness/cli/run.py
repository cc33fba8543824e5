"""``xharness run`` and ``xharness tiny-model``."""

from __future__ import annotations

from typing import Any

import click

from xtreme_harness.errors import UsageError

SOURCES = ("hub", "xtreme", "sample")


def parse_options(values: tuple[str, ...], what: str) -> dict[str, str]:
    """``("epsilon=0.1", "norm=l2")`` -> ``{"epsilon": "0.1", "norm": "l2"}``."""
    options = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{what} {value!r}: expected KEY=VALUE")
        options[key.strip()] = text.strip()
    return options


def recipe_options(function: Any) -> Any:
    """The options that override a task's reference recipe."""
    for option in reversed(
        [
            click.option("--epochs", type=float, help="Epochs (default: the task's recipe)."),
            click.option("--max-steps", type=click.IntRange(min=1),
                         help="Optimizer updates per phase instead of epochs."),
            click.option("--learning-rate", type=float, help="Peak learning rate of AdamW."),
            click.option("--batch-size", type=click.IntRange(min=1),
                         help="Examples per forward pass."),
            click.option("--grad-accum", type=click.IntRange(min=1),
                         help="Forward passes per optimizer update."),
            click.option("--max-length", type=click.IntRange(min=8),
                         help="Maximum tokens per input (tagging splits longer sentences)."),
            click.option("--warmup-steps", type=click.IntRange(min=0),
                         help="Updates of linear warm-up."),
            click.option("--weight-decay", type=click.FloatRange(min=0), help="AdamW decay."),
            click.option("--max-grad-norm", type=click.FloatRange(min=0),
                         help="Gradient clipping norm (0 disables)."),
        ]
    ):  # fmt: skip
        function = option(function)
    return function


@click.command()
@click.option("--model", required=True, help="Hugging Face model id or local folder.")
@click.option("--model-revision", help="Revision (branch, tag, commit) of a hub model.")
@click.option("--task", required=True, help="Target task (see `xharness tasks`).")
@click.option(
    "--source",
    type=click.Choice(SOURCES),
    help="Where the data comes from: hub (downloads), xtreme (the official download layout "
    "in --data-dir), sample (small bundled files). Default: xtreme with --data-dir, else required.",
)
@click.option("--data-dir", type=click.Path(file_okay=False), help="Folder of the xtreme source.")
@click.option("--data-revision", help="Revision of hub datasets.")
@click.option(
    "--eval-languages", help="Evaluate only these languages, comma-separated (default: all)."
)
@click.option("--intermediate", help="Train on this task first, keep the encoder, drop the head.")
@click.option(
    "--language-set",
    help="Sampler that picks the intermediate languages (see `xharness language-sets`); "
    "default: explicit with --intermediate-languages.",
)
@click.option(
    "--languages",
    "k",
    type=click.IntRange(min=1),
    help="Number of intermediate languages k for the language set.",
)
@click.option(
    "--budget",
    type=click.IntRange(min=1),
    help="Total intermediate training examples (default: all data of the chosen languages).",
)
@click.option(
    "--language-set-option",
    "language_set_options",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter of the language set (threshold=2, alpha=0.3, ...); repeatable.",
)
@click.option(
    "--intermediate-languages",
    help="Intermediate languages, comma-separated; LANG:N uses N examples of LANG "
    "(the explicit language set).",
)
@click.option(
    "--intermediate-source",
    type=click.Choice(SOURCES),
    help="Source of the intermediate task (default: --source).",
)
@click.option("--intermediate-epochs", type=float, help="Epochs of the intermediate stage.")
@click.option(
    "--intermediate-max-steps",
    type=click.IntRange(min=1),
    help="Updates of the intermediate stage instead of epochs (the same for every set).",
)
@click.option(
    "--regularize-intermediate",
    is_flag=True,
    help="Apply the regularizer to the intermediate stage too.",
)
@click.option(
    "--regularizer",
    default="none",
    show_default=True,
    help="Training loss (see `xharness regularizers`).",
)
@click.option(
    "--regularizer-option",
    "regularizer_options",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter of the regularizer; repeatable.",
)
@click.option(
    "--synonyms",
    type=click.Path(dir_okay=False),
    help="Synonym table of rs-da (JSON: word -> list of words).",
)
@click.option("--seed", type=int, default=1, show_default=True)
@recipe_options
@click.option(
    "--eval-steps",
    type=click.IntRange(min=1),
    help="Also select the model every N updates (default: at the end of each epoch).",
)
@click.option("--eval-batch-size", type=click.IntRange(min=1), default=32, show_default=True)
@click.option(
    "--precision",
    type=click.Choice(["fp32", "bf16", "fp16"]),
    default="fp32",
    show_default=True,
    help="bf16/fp16 mixed precision on CUDA; fp32 on the CPU.",
)
@click.option("--device", default="auto", show_default=True, help="auto, cpu, cuda or cuda:N.")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False),
    help="Run folder: result.json, predictions/, model/.",
)
@click.option("--overwrite", is_flag=True, help="Replace an existing result in --out.")
@click.option("--no-save-model", is_flag=True, help="Do not keep the fine-tuned model.")
@click.option(
    "--generalized",
    is_flag=True,
    help="Also evaluate every ordered pair of languages on sentence pairs whose two sentences "
    "come from different languages (xnli, pawsx).",
)
@click.option("--quiet", is_flag=True, help="No progress bars.")  # fmt: skip
def run(**options: Any) -> None:
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
    from xtreme_harness.pipeline import Overrides, RunConfig
    from xtreme_harness.pipeline import run as run_pipeline

    source = options["source"] or ("xtreme" if options["data_dir"] else None)
    if source is None:
        raise UsageError(
            "choose where the data comes from: --source hub (downloads from the Hugging Face "
            "hub), --source xtreme --data-dir DIR (the official download), or --source sample "
            "(small bundled files, for trying things out)"
        )
    overrides = Overrides(
        learning_rate=options["learning_rate"],
        epochs=options["epochs"],
        max_steps=options["max_steps"],
        batch_size=options["batch_size"],
        gradient_accumulation=options["grad_accum"],
        max_length=options["max_length"],
        warmup_steps=options["warmup_steps"],
        weight_decay=options["weight_decay"],
        max_grad_norm=options["max_grad_norm"],
    )
    intermediate = intermediate_stage(options)
    config = RunConfig(
        model=options["model"],
        model_revision=options["model_revision"],
        task=options["task"],
        source=source,
        data_dir=options["data_dir"],
        data_revision=options["data_revision"],
        out=options["out"],
        seed=options["seed"],
        eval_languages=tuple(options["eval_languages"].split(","))
        if options["eval_languages"]
        else None,
        regularizer=options["regularizer"],
        regularizer_options=regularizer_options(options),
        overrides=overrides,
        eval_steps=options["eval_steps"],
        eval_batch_size=options["eval_batch_size"],
        precision=options["precision"],
        device=options["device"],
        intermediate=intermediate,
        progress=not options["quiet"],
        overwrite=options["overwrite"],
        save_model=not options["no_save_model"],
        generalized=options["generalized"],
    )
    result = run_pipeline(config)
    print_scores(result)


def regularizer_options(options: dict[str, Any]) -> dict[str, str]:
    """``--regularizer-option KEY=VALUE`` pairs, and ``--synonyms`` as the option `synonyms`."""
    parsed = parse_options(options["regularizer_options"], "--regularizer-option")
    if options["synonyms"]:
        parsed["synonyms"] = options["synonyms"]
    return parsed


def intermediate_stage(options: dict[str, Any]) -> Any:
    """The intermediate stage the options describe, or None; options that need
    ``--intermediate`` without it are an error."""
    from xtreme_harness.pipeline import Intermediate, Overrides

    needing = [
        flag
        for flag, key in (
            ("--language-set", "language_set"),
            ("--languages", "k"),
            ("--budget", "budget"),
            ("--language-set-option", "language_set_options"),
            ("--intermediate-languages", "intermediate_languages"),
            ("--intermediate-source", "intermediate_source"),
            ("--intermediate-epochs", "intermediate_epochs"),
            ("--intermediate-max-steps", "intermediate_max_steps"),
            ("--regularize-intermediate", "regularize_intermediate"),
        )
        if options.get(key)
    ]
    if not options["intermediate"]:
        if needing:
            raise UsageError(f"{', '.join(needing)} need --intermediate TASK")
        return None
    language_set = options["language_set"]
    sampler_options: dict[str, Any] = parse_options(
        options["language_set_options"], "--language-set-option"
    )
    if options["intermediate_languages"]:
        if language_set not in (None, "explicit"):
            raise UsageError(
                "--intermediate-languages lists the languages itself (the explicit language "
                f"set); it cannot be combined with --language-set {language_set}"
            )
        language_set = "explicit"
        sampler_options["codes"] = options["intermediate_languages"]
    if language_set is None:
        raise UsageError(
            "--intermediate needs its languages: --intermediate-languages en,sw,... or "
            "--language-set NAME (see `xharness language-sets`)"
        )
    if options["k"] is not None:
        sampler_options["languages"] = options["k"]
    return Intermediate(
        task=options["intermediate"],
        language_set=language_set,
        options=sampler_options,
        budget=options["budget"],
        source=options["intermediate_source"],
        overrides=Overrides(
            epochs=options["intermediate_epochs"],
            max_steps=options["intermediate_max_steps"],
        ),
        regularize=options["regularize_intermediate"],
    )


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
        rows.append(["avg"] + [f"{result['average'][m]:.2f}" for m in metric_names])
    click.echo(
        f"{task['name']}: {result['model']['name_or_path']}, seed {result['config']['seed']}"
    )
    emit_table(rows, ["language", *metric_names])
    if result["score"] is not None:
        click.echo(f"score: {result['score']:.2f}")
    if result["generalized"] is not None:
        table = result["generalized"]
        languages = table["languages"]
        click.echo("\ngeneralised: accuracy by language of sentence 1 (rows) and 2 (columns)")
        emit_table(
            [[l1] + [f"{table['accuracy'][l1][l2]:.1f}" for l2 in languages] for l1 in languages],
            ["", *languages],
        )
        off = table["off_diagonal_mean"]
        click.echo(
            f"pooled {table['total']:.2f}, diagonal mean {table['diagonal_mean']:.2f}, "
            f"off-diagonal mean {'-' if off is None else f'{off:.2f}'}"
        )
    for note in result["notes"]:
        click.echo(f"note: {note}")


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
@click.option("--max-length", type=click.IntRange(min=16), default=128, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)  # fmt: skip
def tiny_model(out: str, style: str, **sizes: Any) -> None:
    """Build a tiny random-initialised encoder and a tokenizer trained on the sample data of all
    registered tasks, for tests and demos. Its scores mean nothing, and results say so."""
    from xtreme_harness.plugin_host import get_host
    from xtreme_harness.tiny_model import build_tiny_model, sample_texts

    summary = build_tiny_model(out, sample_texts(get_host()), style=style, **sizes)
    click.echo(
        f"{summary['path']}: {summary['style']} tokenizer of {summary['vocab_size']} pieces, "
        f"{summary['parameters']:,} parameters"
    )
