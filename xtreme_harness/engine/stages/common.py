"""What the stages share: the records of a recipe and of a training run, and the setting up of
inference (seeds, device, tokenizer, task kind, model)."""

from __future__ import annotations

import dataclasses
from typing import Any

from xtreme_harness.engine.context import Context
from xtreme_harness.engine.device import Placement, place
from xtreme_harness.engine.kinds import implementation
from xtreme_harness.engine.kinds.base import KindImpl
from xtreme_harness.engine.models import compiled, load_model_with_report, load_tokenizer
from xtreme_harness.engine.seeding import seed_everything
from xtreme_harness.engine.trainer import TrainingReport, predict
from xtreme_harness.interfaces.task import Recipe


def recipe_record(recipe: Recipe) -> dict[str, Any]:
    """The recipe without the settings it leaves unset (QA's window settings on other tasks)."""
    record = dataclasses.asdict(recipe)
    if not record.get("source"):
        record.pop("source", None)
    return {key: value for key, value in record.items() if value is not None}


def report_record(
    name: str, report: TrainingReport, train_counts: dict[str, int], dev: int, select: bool
) -> dict[str, Any]:
    """A training run's record: examples, updates, losses, evaluations, the update kept."""
    return {
        "name": name,
        "train_examples": train_counts,
        "dev_examples": dev,
        "updates": report.updates,
        "examples_seen": report.examples_seen,
        "seconds": round(report.seconds, 3),
        "losses": [round(loss, 6) for loss in report.losses],
        "evaluations": [
            {"step": e.step, "epoch": e.epoch, "score": round(e.score, 6), "loss": round(e.loss, 6)}
            for e in report.evaluations
        ],
        "best": report.best.step if select and report.best is not None else None,
    }


def start(ctx: Context, intermediate: bool = False) -> tuple[Placement, Any]:
    """Seeds, the device and the tokenizer: how every stage begins (`intermediate`: the
    intermediate stage, whose task's protocol settings decide an ``auto`` precision)."""
    config = ctx.config
    seed_everything(config.seed)
    placement = place(config.device, ctx.cell.precision(intermediate))
    return placement, load_tokenizer(config.model, config.model_revision)


def inference_setup(ctx: Context, model: Any) -> tuple[Placement, Any, KindImpl, Any]:
    """Seeds, the device, the tokenizer, the task kind with the evaluation recipe, and `model`
    loaded if it is a folder (every weight from the checkpoint): what embedding and evaluation
    start from."""
    placement, tokenizer = start(ctx)
    kind = implementation(ctx.spec, ctx.evaluation_recipe)
    if isinstance(model, str):
        model = load_model_with_report(kind, model, complete=True).model
        compiled(model, ctx.config.compile)
    return placement, tokenizer, kind, model


def predict_examples(
    ctx: Context,
    model: Any,
    kind: KindImpl,
    tokenizer: Any,
    placement: Placement,
    examples: list[dict],
    label: str,
    attack: Any = None,
) -> list[Any]:
    """One prediction per example, with the evaluation recipe's length (under `attack`, a
    model-aware perturber, if given)."""
    if kind.ranks_candidates:
        kind.device = placement.device
    features = ctx.tokenized.encode(kind, examples, tokenizer, ctx.evaluation_recipe.max_length)
    logits = predict(
        model, kind, features, placement=placement, pad_id=tokenizer.pad_token_id,
        batch_size=ctx.config.eval_batch_size, max_tokens=ctx.config.eval_tokens,
        progress=ctx.config.progress, label=f"evaluate {label}", attack=attack,
        seed=0 if attack is None else attack.options.get("seed", 0),
    )  # fmt: skip
    return kind.decode(examples, features, logits)
