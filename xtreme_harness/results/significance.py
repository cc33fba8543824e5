"""Differences between two configurations with 95% confidence intervals.

- Over examples: a paired bootstrap. Every resample draws the test examples of each language with
  replacement, the same draw for both configurations and for every seed, and recomputes the task
  score difference (mean over seeds of the mean over languages); the interval is the 2.5th and
  97.5th percentiles. Metrics are recomputed from per-example units: correct/incorrect for
  accuracy; true-positive, predicted and gold chunk counts per sentence for seqeval F1 (micro F1
  is a function of their sums, and so is precision); nDCG per query (WPR); exact match and F1 per
  question for QA (the task score is the mean of their means); reciprocal rank or average
  precision per query for retrieval (LAReQA's task score is resampled as the mean of its
  languages' values, not pooled).
- Over seeds: the per-seed task score differences (paired by seed) resampled with replacement.

A difference is marked significant when its interval excludes zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

RESAMPLES = 1000


def units(
    metric: str, gold: Sequence[Any], predicted: Sequence[Any], language: str | None = None
) -> Any:
    """Per-example units of `metric` on the examples of `language`: an (examples, k) array whose
    column sums give the metric."""
    import numpy as np

    if metric in ("squad", "mlqa"):
        from xtreme_harness.results.metrics import qa_normalizer
        from xtreme_harness.results.scoring.squad import token_f1

        normalize = qa_normalizer(metric, language)
        rows = []
        for answers, answer in zip(gold, predicted, strict=True):
            prediction = normalize(answer)
            truths = [normalize(text) for text in answers]
            rows.append([
                float(max(prediction == truth for truth in truths)),
                float(max(token_f1(prediction.split(), truth.split()) for truth in truths)),
                1.0,
            ])  # fmt: skip
        return np.array(rows)

    if metric == "accuracy":
        return np.array([[float(p == g), 1.0] for g, p in zip(gold, predicted, strict=True)])
    if metric in ("mrr@20", "map@20"):
        from xtreme_harness.results.metrics import ranking_units

        return np.array([[unit, 1.0] for unit in ranking_units(metric, gold, predicted)])
    if metric == "ndcg":  # one row per query
        from xtreme_harness.results.metrics import ranking_gain_units

        return np.array([[unit, 1.0] for unit in ranking_gain_units(gold, predicted)])
    if metric in ("seqeval", "seqeval-precision"):
        from xtreme_harness.results.scoring.seqeval_fast import get_entities

        rows = []
        for g, p in zip(gold, predicted, strict=True):
            gold_chunks = set(get_entities(list(g)))
            predicted_chunks = set(get_entities(list(p)))
            rows.append([len(gold_chunks & predicted_chunks), len(predicted_chunks),
                         len(gold_chunks)])  # fmt: skip
        return np.array(rows, dtype=float)
    raise ValueError(f"no per-example units for metric {metric!r}")


def score(metric: str, sums: Any) -> Any:
    """The metric (x 100) from summed units; `sums` has units in its last axis."""
    import numpy as np

    if metric in ("accuracy", "mrr@20", "map@20", "ndcg"):
        return 100.0 * sums[..., 0] / sums[..., 1]
    if metric in ("squad", "mlqa"):  # (EM + F1) / 2
        return 100.0 * (sums[..., 0] + sums[..., 1]) / 2 / sums[..., 2]
    tp, predicted, gold = sums[..., 0], sums[..., 1], sums[..., 2]
    if metric == "seqeval-precision":
        return np.where(predicted > 0, 100.0 * tp / np.where(predicted > 0, predicted, 1), 0.0)
    total = predicted + gold
    return np.where(total > 0, 200.0 * tp / np.where(total > 0, total, 1), 0.0)


def over_examples(
    metric: str,
    baseline: Mapping[tuple[str, int], Any],
    candidate: Mapping[tuple[str, int], Any],
    *,
    seed: int = 0,
    resamples: int = RESAMPLES,
) -> tuple[float, float, float]:
    """(difference, low, high) of the task score, candidate minus baseline, paired bootstrap over
    the examples of each language; keys are (language, seed), both dicts with the same keys. The
    contrast of two configurations of `effects.example_draws` (a pooled metric pooled)."""
    from xtreme_harness.results.effects import example_draws

    found = example_draws(metric, {"candidate": candidate, "baseline": baseline},
                          {"candidate": 1.0, "baseline": -1.0}, seed=seed,
                          resamples=resamples)  # fmt: skip
    return _interval(found.value, found.draws)


def over_seeds(
    differences: Sequence[float], *, seed: int = 0, resamples: int = RESAMPLES
) -> tuple[float, float, float]:
    """(mean, low, high) of per-seed differences, bootstrap over seeds."""
    import numpy as np

    values = np.asarray(differences, dtype=float)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(values), size=(resamples, len(values)))
    return _interval(values.mean(), values[picks].mean(axis=1))


def _interval(observed: float, draws: Any) -> tuple[float, float, float]:
    import numpy as np

    low, high = np.percentile(draws, [2.5, 97.5])
    return float(observed), float(low), float(high)
