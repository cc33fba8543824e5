"""``xharness random-model``: a published configuration with random weights."""

from __future__ import annotations

import click


@click.command(name="random-model")
@click.argument("name")
@click.argument("out", type=click.Path(file_okay=False))
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the random weights: the same seed writes the same files.")  # fmt: skip
@click.option(
    "--layers",
    type=click.IntRange(min=1),
    default=None,
    help="For quick checks: keep only this many layers (the cost is then not the real one's).",
)
@click.option(
    "--hidden-size",
    type=click.IntRange(min=1),
    default=None,
    help="For quick checks: a narrower model, with as many heads of the published width as fit "
    "and the published feed-forward ratio (the cost is then not the real one's).",
)
def random_model(
    name: str, out: str, seed: int, layers: int | None, hidden_size: int | None
) -> None:
    """Write the published configuration NAME with random weights to OUT: a model that costs what
    the real one costs to train (every shape as published, the full vocabulary), for measuring
    speed and memory without the hub's weights. Its scores mean nothing: results of runs with it
    record the departure "model random-initialised NAME configuration instead of a pretrained
    encoder", and tables footnote it.

    \b
    NAME (or the model's hub id):
      bert-base-multilingual-cased   mBERT, WordPiece, 119,547 ids      178M parameters
      xlm-roberta-base               XLM-R base, Unigram, 250,002 ids    278M parameters
      xlm-roberta-large              XLM-R large, Unigram, 250,002 ids   560M parameters
      mdeberta-v3-base               mDeBERTa-v3 base, Unigram, 250,102 ids (251,000 rows)
                                                                         278M parameters

    Each value comes from the model's config.json on the Hugging Face hub, with its source, in
    registry/random-models.json. The tokenizer is of the real model's family, length and special
    token ids; its pieces are trained on the bundled sample data, and the ids that data cannot
    fill hold filler pieces that no text produces. Weights are written as safetensors.

    \b
    Example:
      xharness random-model xlm-roberta-large models/xlmr-large-random
      xharness run --model models/xlmr-large-random --task xnli --source sample --max-steps 20 \\
          --out runs/xlmr-large-cost
      xharness random-model xlm-roberta-base /tmp/quick --layers 2 --hidden-size 64
    """
    from xtreme_harness.registry import random_models

    spec = random_models.get(name)  # an unknown name fails before torch is imported

    from xtreme_harness.engine.random_model import build_random_model

    summary = build_random_model(out, spec.name, seed=seed, layers=layers, hidden_size=hidden_size)
    reduced = summary["reduced"]
    shape = (
        "reduced to " + ", ".join(f"{key} {value}" for key, value in sorted(reduced.items()))
        if reduced
        else "every shape as published"
    )
    click.echo(
        f"{summary['path']}: {summary['configuration']} ({summary['hub']}) with random weights, "
        f"{shape}; {summary['parameters']:,} parameters; tokenizer of "
        f"{summary['tokenizer_size']:,} ids ({summary['trained']:,} pieces trained on the "
        f"sample data, {summary['fillers']:,} fillers); {summary['bytes'] / 1e9:.2f} GB written "
        f"in {summary['seconds']:.0f} s"
    )
