"""nDCG over the documents of each query, as XGLUE's official scorer computes it for web page
ranking (WPR).

``simple_ndcg`` of microsoft/XGLUE ``evaluation/xglue_evaluate.py`` (lines 72-87; the grouping in
``load_data``, lines 174-190) calls scikit-learn's ``ndcg_score`` with its defaults, which this
module reproduces without scikit-learn:

- a query is a maximal run of consecutive lines with the same query text (a query that comes
  back later is a new query);
- a query of fewer than two documents is skipped;
- the gain of a document is its graded relevance as it is (0 Bad ... 4 Perfect), not 2^rel - 1;
  the discount of rank r (from 1) is 1 / log2(r + 1); there is no cut-off;
- documents with equal predicted scores share their ranks: each gets the mean gain of its tie
  group over the group's discounts (McSherry and Najork 2008: the expected DCG over the orders
  of the ties; ``ignore_ties=False``) -- which matters, since a classifier's predicted grade ties
  often;
- the ideal DCG orders the documents by their gold relevance; a query whose documents are all
  irrelevant (ideal DCG 0) scores 0 and stays in the mean;
- the language's value is the plain mean over its queries.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np


def _discounts(count: int) -> np.ndarray:
    return 1.0 / np.log2(np.arange(count) + 2.0)


def dcg(relevance: Sequence[float], scores: Sequence[float]) -> float:
    """DCG of the documents ranked by `scores` (descending), ties averaged."""
    relevance = np.asarray(relevance, dtype=float)
    scores = np.asarray(scores, dtype=float)
    discounts = _discounts(len(relevance))
    unique, inverse = np.unique(-scores, return_inverse=True)  # ascending -score: best first
    total, start = 0.0, 0
    for group in range(len(unique)):
        members = inverse == group
        size = int(members.sum())
        total += relevance[members].mean() * discounts[start : start + size].sum()
        start += size
    return float(total)


def ndcg(relevance: Sequence[float], scores: Sequence[float]) -> float:
    """nDCG of one query: its DCG over the DCG of the ideal order (0 if that is 0)."""
    ideal = float(np.sort(np.asarray(relevance, dtype=float))[::-1] @ _discounts(len(relevance)))
    return 0.0 if ideal == 0 else dcg(relevance, scores) / ideal


def query_runs(queries: Sequence[Hashable]) -> list[range]:
    """The positions of each query: maximal runs of equal consecutive values."""
    runs, start = [], 0
    for position in range(1, len(queries) + 1):
        if position == len(queries) or queries[position] != queries[start]:
            runs.append(range(start, position))
            start = position
    return runs


def per_query(
    queries: Sequence[Hashable], relevance: Sequence[float], scores: Sequence[float]
) -> list[float]:
    """nDCG of every query of two documents or more, in file order."""
    return [
        ndcg([relevance[i] for i in run], [scores[i] for i in run])
        for run in query_runs(queries)
        if len(run) >= 2
    ]
