"""Accuracy (XNLI, PAWS-X, XCOPA, Tatoeba), BUCC F1, Mewsli-X MRR@20 and LAReQA mAP@20.

All in the official arithmetic, so that the numbers are identical to ``evaluate.py`` of
google-research/xtreme (and ``third_party/utils_mewslix.py``), not merely close:

* accuracy: ``float(correct) / len(predictions) * 100`` over items compared with ``==``;
* BUCC: sets of ``source\\ttarget`` pairs; precision = correct / predicted pairs, recall =
  correct / gold pairs, F1 = 2PR / (P + R); all 0 when nothing is correct;
* Mewsli-X (`mrr_at_k`): for every gold example id, in gold-file order, the reciprocal rank of
  the gold entity (``labels[0].strip()``) among the first k predicted ids, 0 when it is not
  there or the id has no prediction; the mean over gold ids. Extra predicted ids are ignored.
  The official name of this metric is ``map@20`` (with one gold entity, MAP@k equals MRR@k).

LAReQA has no official scorer in ``evaluate.py``; `average_precision_at_k` is
``average_precision_at_k`` of the XTREME-R paper and ``third_party/utils_lareqa.py``: the sum
over the relevant candidates found in the top k of (relevant found so far / rank), divided by
min(number of relevant candidates, k). A candidate id listed twice in one ranking counts once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "TOP_K",
    "accuracy",
    "average_precision_at_k",
    "bucc_f1",
    "mrr_at_k",
    "reciprocal_rank",
]

TOP_K = 20


def accuracy(labels: Sequence[Any], predictions: Sequence[Any]) -> dict[str, float]:
    """Accuracy in percent (the official ``accuracy``; the caller checks the counts match)."""
    correct = sum(int(p == g) for p, g in zip(predictions, labels, strict=True))
    return {"accuracy": float(correct) / len(predictions) * 100}


def bucc_f1(labels: Sequence[str], predictions: Sequence[str]) -> dict[str, float]:
    """BUCC 2018 F1, precision and recall in percent over sets of tab-separated pairs."""
    gold = {tuple(line.split("\t")) for line in labels}
    predicted = {tuple(line.split("\t")) for line in predictions}
    ncorrect = len(gold & predicted)
    if ncorrect > 0:
        precision = ncorrect / len(predicted)
        recall = ncorrect / len(gold)
        f1 = 2 * precision * recall / (precision + recall)
    else:
        precision = recall = f1 = 0.0
    return {"f1": f1 * 100, "precision": precision * 100, "recall": recall * 100}


def reciprocal_rank(gold: str, ranked: Sequence[str]) -> float:
    for rank, candidate in enumerate(ranked, start=1):
        if candidate == gold:
            return 1.0 / rank
    return 0.0


def mrr_at_k(
    gold: Mapping[str, Sequence[str]],
    predictions: Mapping[str, Sequence[str]],
    k: int = TOP_K,
) -> float:
    """Mewsli-X: mean reciprocal rank at k over the gold example ids, as a fraction."""
    ranks = [
        reciprocal_rank(labels[0].strip(), predictions.get(example_id, [])[:k])
        for example_id, labels in gold.items()
    ]
    if ranks:
        return sum(ranks) / len(ranks)
    return 0.0


def average_precision_at_k(
    relevant: Sequence[str] | set[str], ranked: Sequence[str], k: int = TOP_K
) -> float:
    """AP@k of one ranking: sum over hits in the top k of (hits so far / rank), divided by
    min(#relevant, k). Raises ValueError when nothing is relevant."""
    targets = set(relevant)
    if not targets:
        raise ValueError("no relevant candidates")
    seen: set[str] = set()
    hits = 0
    total = 0.0
    for rank, candidate in enumerate(ranked[:k], start=1):
        if candidate in targets and candidate not in seen:
            seen.add(candidate)
            hits += 1
            total += hits / rank
    return total / min(len(targets), k)
