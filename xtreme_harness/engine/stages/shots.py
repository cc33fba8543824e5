"""The shots stage of few-shot: k labelled examples of every target language, fixed by the seed,
for a phase that continues the English fine-tuning (Lauscher et al. 2020, "From Zero to Hero",
EMNLP: the encoder fine-tuned on the source language is fine-tuned further on a few
target-language examples). The English fine-tuning is zero-shot's: a grid shares its step.

The shots of a language are drawn from its training split where the data has one, else from its
development split, never from its test split. The draw depends only on the seed, the task, the
language, the split and k (a string-seeded `random.Random`, the same on every machine), so the
same cells draw the same shots; the result records them by their position in the split (and
their id where the data has one), so another run or paper can use the same ones.
"""

from __future__ import annotations

import dataclasses
import os
import random
import time
from typing import Any, TypedDict

from xtreme_harness.engine.context import Context
from xtreme_harness.engine.kinds import implementation
from xtreme_harness.engine.kinds.base import KindImpl
from xtreme_harness.engine.models import compiled, load_model_with_report, save
from xtreme_harness.engine.stages.common import recipe_record, report_record, start
from xtreme_harness.engine.trainer import Schedule, train
from xtreme_harness.errors import DataError, UsageError
from xtreme_harness.interfaces.task import Phase, TaskSpec

NOTE = (
    "few-shot: the shots phase reuses the task's last recipe (learning rate, batch, epochs) and "
    "keeps its last weights; no published protocol fixes these values (unverified)"
)


class ShotsOutput(TypedDict):
    model: str | None
    """The model's folder, relative to the stage's folder (None: not saved)."""
    phases: list[dict[str, Any]]
    phase_configs: list[dict[str, Any]]
    notes: list[str]
    timings: dict[str, float]


def continue_on_shots(
    ctx: Context, out: str, model: Any, *, save_model: bool = True
) -> tuple[Any, ShotsOutput]:
    """Continue `model` (fine-tuned on the training language; a model or its folder) on the
    shots of every evaluation language, keeping the last weights, and save it under
    `<out>/model` if asked. Seeded afresh, so that it trains the same in one process after the
    fine-tuning (`xharness run`) as in a step of its own (a grid)."""
    config = ctx.config
    started = time.perf_counter()
    tokenizing = ctx.tokenized.seconds
    placement, tokenizer = start(ctx)
    trained = ctx.cell.trained_task() or ctx.spec
    phase, recipe = ctx.cell.finetune().recipes[-1]
    assert phase is not None
    kind = implementation(trained, recipe)
    if isinstance(model, str):
        model = compiled(load_model_with_report(kind, model, complete=True).model, config.compile)
    examples, drawn = draw(ctx, kind, trained, phase, config.shots)
    recipe = dataclasses.replace(recipe, selection="last")
    report = train(
        model, kind, ctx.tokenized.encode(kind, examples, tokenizer, recipe.max_length),
        schedule=Schedule(recipe, config.overrides.max_steps), regularizer=ctx.regularizer,
        placement=placement, seed=config.seed, pad_id=tokenizer.pad_token_id, evaluate=None,
        progress=config.progress, label=f"{trained.name} shots",
    )  # fmt: skip
    counts = {language: len(record["positions"]) for language, record in drawn.items()}
    record = report_record("shots", report, counts, 0, False)
    record["selection"] = {"rule": "last", "languages": [], "averaged": [],
                           "stopped_early": False}  # fmt: skip
    record["shots"] = drawn
    splits = sorted({d["split"] for d in drawn.values()})
    phase_config = {"name": f"{phase.name}.shots", "train_split": "+".join(splits),
                    "dev_split": phase.dev_split, "recipe": recipe_record(recipe),
                    "max_steps": config.overrides.max_steps}  # fmt: skip
    if save_model:
        save(model, tokenizer, os.path.join(out, "model"))
    return model, {
        "model": "model" if save_model else None,
        "phases": [record],
        "phase_configs": [phase_config],
        "notes": [NOTE] + ([placement.note] if placement.note else []),
        "timings": {
            "shots": round(time.perf_counter() - started, 3),
            "shots.tokenize": round(ctx.tokenized.seconds - tokenizing, 3),
        },
    }


def positions(available: int, k: int, seed: int, where: str) -> list[int]:
    """k positions out of `available`, in order, drawn by (seed, where, k)."""
    if available < k:
        raise UsageError(f"--shots {k}: {where} has only {available} labelled examples")
    return sorted(random.Random(f"{seed}:{where}:{k}").sample(range(available), k))


def _id(example: dict) -> str | None:
    return None if example.get("id") is None else str(example["id"])


def draw(
    ctx: Context, kind: KindImpl, task: TaskSpec, phase: Phase, k: int
) -> tuple[list[dict], dict[str, dict[str, Any]]]:
    """The shots of every evaluation language but the training language, and their record."""
    found: list[dict] = []
    records: dict[str, dict[str, Any]] = {}
    for language in ctx.languages:
        if language == task.train_language:
            continue
        for split in dict.fromkeys((phase.train_split, phase.dev_split)):
            try:
                examples = ctx.load(task, split, language)
            except DataError:
                continue
            if examples and kind.gold(examples) is not None:
                break
        else:
            raise UsageError(
                f"--setting few-shot on {task.name}: no labelled {phase.train_split} or "
                f"{phase.dev_split} data in {language} from the {ctx.config.source} source; "
                "evaluate only languages that have some (--eval-languages)"
            )
        chosen = positions(len(examples), k, ctx.config.seed, f"{task.name}:{language}:{split}")
        found += [examples[i] for i in chosen]
        records[language] = {
            "split": split,
            "available": len(examples),
            "positions": chosen,
            "ids": [_id(examples[i]) for i in chosen],
        }
    return found, records
