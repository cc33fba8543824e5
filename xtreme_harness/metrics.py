"""Metrics with the semantics of the official XTREME/XTREME-R scorer (`evaluate.py`).

All values are percentages (x 100), as the official scorer reports them. Tagging tasks (UD-POS and
WikiANN) are scored as seqeval 1.2.2 in its default mode scores them, exactly as the official scorer
does (through `xtreme_harness.scoring.seqeval_fast`, an exact and faster equivalent); for UPOS
tags that mode reads the first letter of a tag as a chunk prefix (``PRON`` is an ``I``-less chunk of
type ``RON``) and merges runs of equal tags into one chunk, so the "F1" of UD-POS is not token
accuracy. The quirk is kept on purpose: it is what leaderboards report.
"""

from __future__ import annotations

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
    from xtreme_harness.scoring.retrieval import accuracy as official_accuracy

    return official_accuracy(gold, predicted)


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
    from xtreme_harness.scoring.seqeval_fast import precision_recall_f1

    precision, recall, f1 = precision_recall_f1([list(g) for g in gold],
                                                [list(p) for p in predicted])  # fmt: skip
    return {"f1": 100.0 * f1, "precision": 100.0 * precision, "recall": 100.0 * recall}


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
