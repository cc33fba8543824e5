"""SQuAD v1.1 exact match and F1, as ``third_party/evaluate_squad.py`` of google-research/xtreme
(the official SQuAD v1.1 script), used for XQuAD and TyDiQA-GoldP.

Normalisation: lower-case, drop every character of ASCII ``string.punctuation``, replace the
words ``a``, ``an`` and ``the`` (regex ``\\b(a|an|the)\\b``, Unicode word boundaries) by a space,
collapse whitespace. The same English rules are applied to every language.

`evaluate` scores every question of the gold data in file order: a question without a prediction
scores 0 (the official script prints "Unanswered question ..."); EM and F1 are the best over the
question's gold answers, summed in order, then ``100.0 * sum / questions``. The arithmetic is the
official one, so the numbers are identical, not merely close.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "QAResult",
    "evaluate",
    "evaluate_normalized",
    "exact_match_score",
    "f1_score",
    "normalize_answer",
    "token_f1",
]

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = str.maketrans(dict.fromkeys(string.punctuation))


def normalize_answer(s: str) -> str:
    """Lower text and remove punctuation, articles and extra whitespace (SQuAD v1.1)."""
    text = s.lower().translate(_PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def token_f1(prediction_tokens: Sequence[str], ground_truth_tokens: Sequence[str]) -> float:
    """F1 of two token lists (bags of tokens); 0 (an int, as officially) without overlap."""
    common = Counter(prediction_tokens) & Counter(ground_truth_tokens)
    num_same = sum(common.values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(prediction_tokens)
    recall = 1.0 * num_same / len(ground_truth_tokens)
    return (2 * precision * recall) / (precision + recall)


def f1_score(prediction: str, ground_truth: str) -> float:
    return token_f1(normalize_answer(prediction).split(), normalize_answer(ground_truth).split())


def exact_match_score(prediction: str, ground_truth: str) -> bool:
    return normalize_answer(prediction) == normalize_answer(ground_truth)


@dataclass
class QAResult:
    """EM and F1 in percent, and the ids of gold questions that had no prediction."""

    exact_match: float
    f1: float
    questions: int
    unanswered: list[str] = field(default_factory=list)

    def metrics(self) -> dict[str, float]:
        return {"exact_match": self.exact_match, "f1": self.f1}


def iter_questions(dataset: Iterable[Any]) -> Iterable[tuple[str, list[str]]]:
    """(id, gold answer texts) of every question of SQuAD-format ``data``, in file order."""
    for article in dataset:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                yield qa["id"], [answer["text"] for answer in qa["answers"]]


def evaluate_normalized(
    questions: Iterable[tuple[str, list[str]]],
    predictions: Mapping[str, str],
    normalize: Callable[[str], str],
) -> QAResult:
    """The official evaluate loop with a given normalisation; each string is normalised once."""
    f1 = exact_match = total = 0
    unanswered = []
    for qid, ground_truths in questions:
        total += 1
        if qid not in predictions:
            unanswered.append(qid)
            continue
        if not ground_truths:
            raise ValueError(f"question {qid!r} has no gold answer")
        prediction = normalize(predictions[qid])
        prediction_tokens = prediction.split()
        truths = [normalize(ground_truth) for ground_truth in ground_truths]
        exact_match += max(prediction == truth for truth in truths)
        f1 += max(token_f1(prediction_tokens, truth.split()) for truth in truths)
    if total == 0:
        raise ValueError("the gold data has no questions")
    return QAResult(100.0 * exact_match / total, 100.0 * f1 / total, total, unanswered)


def evaluate(dataset: Iterable[Any], predictions: Mapping[str, str]) -> dict[str, float]:
    """The official ``evaluate(dataset, predictions)``: ``{'exact_match', 'f1'}`` in percent."""
    return evaluate_normalized(iter_questions(dataset), predictions, normalize_answer).metrics()
