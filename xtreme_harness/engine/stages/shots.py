"""few-shot: k labelled examples of every target language, fixed by the seed, for a phase that
continues the English fine-tuning (Lauscher et al. 2020, "From Zero to Hero", EMNLP: the encoder
fine-tuned on the source language is fine-tuned further on a few target-language examples).

The shots of a language are drawn from its training split where the data has one, else from its
development split, never from its test split. The draw depends only on the seed, the task, the
language, the split and k (a string-seeded `random.Random`, the same on every machine), so the
same cells draw the same shots; the result records them by their position in the split (and
their id where the data has one), so another run or paper can use the same ones.
"""

from __future__ import annotations

import random
from typing import Any

from xtreme_harness.engine.context import Context
from xtreme_harness.engine.kinds.base import KindImpl
from xtreme_harness.errors import DataError, UsageError
from xtreme_harness.interfaces.task import Phase, TaskSpec


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
