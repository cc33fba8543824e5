"""Training data rewritten by a regularizer (RS-DA's perturbed copies), and what the result says
about it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def augment(
    regularizer: Any, examples: list[dict], text_fields: Mapping[str, str], seed: int
) -> tuple[list[dict], dict[str, int]]:
    """The regularizer's training data for `examples` (RS-DA's perturbed copies; unchanged for
    most regularizers), with how many examples went in and came out, and how many that came out
    are not among those that went in (the "perturb n/N" Robust-XLT's perturb.py logs)."""
    augmented = list(regularizer.augment(examples, text_fields=text_fields, seed=seed))
    if augmented == examples:
        return examples, {"examples": len(examples), "augmented": len(examples), "changed": 0}
    originals = {json.dumps(e, sort_keys=True, ensure_ascii=False) for e in examples}
    changed = sum(json.dumps(e, sort_keys=True, ensure_ascii=False) not in originals
                  for e in augmented)  # fmt: skip
    return augmented, {"examples": len(examples), "augmented": len(augmented), "changed": changed}


def unchanged_notes(stats: Mapping[str, Mapping[str, int]]) -> list[str]:
    """A note for each language whose augmented copies are all unchanged (a synonym table
    without its words: RS-DA with an English table on another language's data)."""
    return [
        f"{language}: the regularizer's augmentation changed none of its {entry['augmented']} "
        "training examples (no word of the data is in its table)"
        for language, entry in stats.items()
        if entry["augmented"] != entry["examples"] and entry["changed"] == 0
    ]


def record(stats: Mapping[str, Mapping[str, int]]) -> dict[str, Any] | None:
    """The augmentation record, or None where the regularizer augments nothing."""
    if all(e["augmented"] == e["examples"] and not e["changed"] for e in stats.values()):
        return None
    return {language: dict(entry) for language, entry in stats.items()}
