"""Metrics with the semantics of the official XTREME/XTREME-R scorer (`evaluate.py`).

All values are percentages (x 100), as the official scorer reports them. Tagging tasks (UD-POS and
WikiANN) are scored with seqeval in its default mode, exactly as the official scorer does; for UPOS
tags that mode reads the first letter of a tag as a chunk prefix (``PRON`` is an ``I``-less chunk of
type ``RON``) and merges runs of equal tags into one chunk, so the "F1" of UD-POS is not token
accuracy. The quirk is kept on purpose: it is what leaderboards report.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

from xtreme_harness.errors import XHarnessError


class MetricError(XHarnessError):
    """Gold labels and predictions cannot be compared (e.g. different numbers of items)."""


def accuracy(gold: Sequence[Any], predicted: Sequence[Any]) -> dict[str, float]:
    """Share of items whose prediction equals the gold label, in percent."""
    _same_length(gold, predicted, "items")
    if not gold:
        raise MetricError("cannot compute accuracy over zero examples")
    correct = sum(int(p == g) for p, g in zip(predicted, gold, strict=True))
    return {"accuracy": 100.0 * correct / len(predicted)}


def seqeval_f1(
    gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]
) -> dict[str, float]:
    """Micro F1, precision and recall over chunks, seqeval default mode, in percent."""
    _same_length(gold, predicted, "sentences")
    for index, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        if len(g) != len(p):
            raise MetricError(
                f"sentence {index + 1} has {len(g)} gold tags but {len(p)} predicted tags"
            )
    from seqeval.metrics import f1_score, precision_score, recall_score

    gold_lists = [list(s) for s in gold]
    predicted_lists = [list(s) for s in predicted]
    with warnings.catch_warnings():
        # seqeval warns for every tag without a B-/I- prefix, i.e. for every UPOS tag
        warnings.simplefilter("ignore", UserWarning)
        return {
            "f1": 100.0 * f1_score(gold_lists, predicted_lists),
            "precision": 100.0 * precision_score(gold_lists, predicted_lists),
            "recall": 100.0 * recall_score(gold_lists, predicted_lists),
        }


METRICS: dict[str, Callable[[Sequence[Any], Sequence[Any]], dict[str, float]]] = {
    "accuracy": accuracy,
    "seqeval": seqeval_f1,
}


SCORE_KEYS: dict[str, tuple[str, ...]] = {"accuracy": ("accuracy",), "seqeval": ("f1",)}
"""Which of a metric's values make the task score (their mean), as in the official scorer."""


def compute(metric: str, gold: Sequence[Any], predicted: Sequence[Any]) -> dict[str, float]:
    """Run the metric called `metric` (a key of `METRICS`)."""
    if metric not in METRICS:
        from xtreme_harness.errors import UnknownNameError

        raise UnknownNameError("metric", metric, METRICS)
    return METRICS[metric](gold, predicted)


def _same_length(gold: Sequence[Any], predicted: Sequence[Any], unit: str) -> None:
    if len(gold) != len(predicted):
        raise MetricError(f"{len(gold)} gold {unit} but {len(predicted)} predicted {unit}")


def task_score(metric: str, values: dict[str, float]) -> float:
    """The single number of one language (or of averages) for `metric`."""
    keys = SCORE_KEYS[metric]
    return sum(values[key] for key in keys) / len(keys)
