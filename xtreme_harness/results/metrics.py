"""Metrics with the semantics of the official XTREME/XTREME-R scorer (`evaluate.py`).

All values are percentages (x 100), as the official scorer reports them. Tagging tasks (UD-POS and
WikiANN) are scored as seqeval 1.2.2 in its default mode scores them, exactly as the official scorer
does (through `xtreme_harness.results.scoring.seqeval_fast`, an exact and faster equivalent); for
UPOS tags that mode reads the first letter of a tag as a chunk prefix (``PRON`` is an ``I``-less
chunk of type ``RON``) and merges runs of equal tags into one chunk, so the "F1" of UD-POS is not
token accuracy. The quirk is kept on purpose: it is what leaderboards report. Extractive QA is
scored with the SQuAD v1.1 exact match and F1 (XQuAD, TyDiQA-GoldP), or with MLQA's
language-specific normalisation of the answer's language (MLQA); the task score is (EM + F1) / 2.
Retrieval is scored by accuracy of the best candidate (Tatoeba), MRR@20 (Mewsli-X) or mAP@20 pooled
over the queries of all languages (LAReQA), both under the official key ``map@20``.

XGLUE scores its POS task by seqeval's chunk *precision* (``seqeval-precision``: the same chunks,
another value; ``precision_score`` at line 217 of XGLUE's ``evaluation/xglue_evaluate.py``,
although its README says accuracy) and its web page ranking by nDCG over the documents of each
query (``ndcg``: `xtreme_harness.results.scoring.ndcg`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from xtreme_harness.errors import XHarnessError


class MetricError(XHarnessError):
    """Gold labels and predictions cannot be compared (e.g. different numbers of items)."""


def accuracy(
    gold: Sequence[Any], predicted: Sequence[Any], language: str | None = None
) -> dict[str, float]:
    """Share of items whose prediction equals the gold label, in percent."""
    _same_length(gold, predicted, "items")
    if not gold:
        raise MetricError("cannot compute accuracy over zero examples")
    from xtreme_harness.results.scoring.retrieval import accuracy as official_accuracy

    return official_accuracy(gold, predicted)


def seqeval_f1(
    gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]], language: str | None = None
) -> dict[str, float]:
    """Micro F1, precision and recall over chunks, seqeval default mode, in percent."""
    _same_length(gold, predicted, "sentences")
    for index, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        if len(g) != len(p):
            raise MetricError(
                f"sentence {index + 1} has {len(g)} gold tags but {len(p)} predicted tags"
            )
    from xtreme_harness.results.scoring.seqeval_fast import precision_recall_f1

    precision, recall, f1 = precision_recall_f1([list(g) for g in gold],
                                                [list(p) for p in predicted])  # fmt: skip
    return {"f1": 100.0 * f1, "precision": 100.0 * precision, "recall": 100.0 * recall}


def qa_normalizer(metric: str, language: str | None) -> Callable[[str], str]:
    """The answer normalisation of a QA metric: SQuAD's, or MLQA's rules for `language`."""
    if metric == "mlqa":
        from xtreme_harness.results.scoring import mlqa

        if language not in mlqa.LANGUAGES:
            raise MetricError(
                f"MLQA normalisation has rules for {', '.join(mlqa.LANGUAGES)}, not {language!r}"
            )
        return lambda text: mlqa.normalize_answer(text, language)
    from xtreme_harness.results.scoring import squad

    return squad.normalize_answer


def _qa(metric: str) -> Callable[..., dict[str, float]]:
    def score(
        gold: Sequence[Sequence[str]], predicted: Sequence[str], language: str | None = None
    ) -> dict[str, float]:
        """Exact match and F1 in percent; each question's best over its gold answers."""
        from xtreme_harness.results.scoring.squad import evaluate_normalized

        _same_length(gold, predicted, "questions")
        if not gold:
            raise MetricError("cannot score zero questions")
        questions = [(str(i), list(answers)) for i, answers in enumerate(gold)]
        answers = {str(i): text for i, text in enumerate(predicted)}
        return evaluate_normalized(questions, answers, qa_normalizer(metric, language)).metrics()

    return score


def ranking_units(
    metric: str, gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]
) -> list[float]:
    """Per query: the reciprocal rank of the gold candidate in the top 20 (``mrr@20``) or the
    average precision at 20 over the relevant candidates (``map@20``), as fractions."""
    from xtreme_harness.results.scoring.retrieval import (
        TOP_K,
        average_precision_at_k,
        reciprocal_rank,
    )

    _same_length(gold, predicted, "queries")
    if metric == "mrr@20":
        return [
            reciprocal_rank(g[0], list(p)[:TOP_K]) for g, p in zip(gold, predicted, strict=True)
        ]
    return [average_precision_at_k(g, list(p), TOP_K) for g, p in zip(gold, predicted, strict=True)]


def _ranking(metric: str) -> Callable[..., dict[str, float]]:
    def score(
        gold: Sequence[Sequence[str]],
        predicted: Sequence[Sequence[str]],
        language: str | None = None,
    ) -> dict[str, float]:
        """The mean over queries in percent, under the official key ``map@20``."""
        units = ranking_units(metric, gold, predicted)
        if not units:
            raise MetricError("cannot score zero queries")
        return {"map@20": sum(units) / len(units) * 100}

    return score


def ranking_gain_units(gold: Sequence[tuple[Any, Any]], predicted: Sequence[Any]) -> list[float]:
    """nDCG of each query (`xtreme_harness.results.scoring.ndcg`): `gold` holds (query,
    relevance) per document, `predicted` a score per document (a predicted grade)."""
    _same_length(gold, predicted, "documents")
    from xtreme_harness.results.scoring.ndcg import per_query

    try:
        scores = [float(p) for p in predicted]
        relevance = [float(g[1]) for g in gold]
    except (TypeError, ValueError) as error:
        raise MetricError(f"nDCG needs numeric grades and scores: {error}") from None
    return per_query([g[0] for g in gold], relevance, scores)


def ndcg(
    gold: Sequence[tuple[Any, Any]], predicted: Sequence[Any], language: str | None = None
) -> dict[str, float]:
    """The mean nDCG over queries (XGLUE's WPR scorer), in percent."""
    units = ranking_gain_units(gold, predicted)
    if not units:
        raise MetricError("cannot compute nDCG without a query of two documents or more")
    return {"ndcg": 100.0 * sum(units) / len(units)}


METRICS: dict[str, Callable[..., dict[str, float]]] = {
    "accuracy": accuracy,
    "seqeval": seqeval_f1,
    "seqeval-precision": seqeval_f1,
    "ndcg": ndcg,
    "squad": _qa("squad"),
    "mlqa": _qa("mlqa"),
    "mrr@20": _ranking("mrr@20"),
    "map@20": _ranking("map@20"),
}

POOLED = frozenset({"map@20"})
"""Metrics whose task value is the mean over the queries of all languages together (LAReQA), not
the mean of the languages' values."""


def pooled(
    metric: str, outcomes: Sequence[tuple[Sequence[Any], Sequence[Any]]]
) -> dict[str, float]:
    """A pooled metric over (gold, predicted) of every language, in the task's language order
    (the order the official arithmetic sums in)."""
    units = [
        unit for gold, predicted in outcomes for unit in ranking_units(metric, gold, predicted)
    ]
    if not units:
        raise MetricError("cannot score zero queries")
    return {"map@20": sum(units) / len(units) * 100}


SCORE_KEYS: dict[str, tuple[str, ...]] = {
    "accuracy": ("accuracy",),
    "seqeval": ("f1",),
    "seqeval-precision": ("precision",),
    "ndcg": ("ndcg",),
    "squad": ("exact_match", "f1"),
    "mlqa": ("exact_match", "f1"),
    "mrr@20": ("map@20",),
    "map@20": ("map@20",),
}
"""Which of a metric's values make the task score (their mean), as in the official scorer."""


def compute(
    metric: str, gold: Sequence[Any], predicted: Sequence[Any], language: str | None = None
) -> dict[str, float]:
    """Run the metric called `metric` (a key of `METRICS`) on the examples of `language`."""
    if metric not in METRICS:
        from xtreme_harness.errors import UnknownNameError

        raise UnknownNameError("metric", metric, METRICS)
    return METRICS[metric](gold, predicted, language)


def _same_length(gold: Sequence[Any], predicted: Sequence[Any], unit: str) -> None:
    if len(gold) != len(predicted):
        raise MetricError(f"{len(gold)} gold {unit} but {len(predicted)} predicted {unit}")


def task_score(metric: str, values: dict[str, float]) -> float:
    """The single number of one language (or of averages) for `metric`."""
    keys = SCORE_KEYS[metric]
    return sum(values[key] for key in keys) / len(keys)
