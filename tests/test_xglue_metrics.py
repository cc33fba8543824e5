"""XGLUE's metrics beside XTREME's: nDCG per query for web page ranking and seqeval chunk
precision for POS, on hand-made gold/prediction pairs.

Semantics transcribed from microsoft/XGLUE evaluation/xglue_evaluate.py (HEAD e417c4c):
``simple_ndcg`` lines 72-87 and the query grouping of ``load_data`` lines 174-190 (scikit-learn's
``ndcg_score`` with its defaults: linear gain, 1/log2(rank+1), no cut-off, ties averaged, an
all-irrelevant query scores 0, queries of one document skipped); POS by seqeval
``precision_score``, line 217. The expected values below are worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from xtreme_harness.results import metrics, significance
from xtreme_harness.results.metrics import MetricError
from xtreme_harness.results.scoring import ndcg


def test_graded_relevance_with_linear_gain():
    # gold [3, 1], the second ranked first: (1 + 3/log2 3) / (3 + 1/log2 3)
    expected = (1 + 3 / math.log2(3)) / (3 + 1 / math.log2(3))
    assert ndcg.ndcg([3, 1], [0, 1]) == pytest.approx(expected)
    assert expected == pytest.approx(0.79671, abs=1e-5)
    # a gain of 2^rel - 1 would give (1 + 7/log2 3) / (7 + 1/log2 3) instead
    assert ndcg.ndcg([3, 1], [0, 1]) != pytest.approx(
        (1 + 7 / math.log2(3)) / (7 + 1 / math.log2(3))
    )
    assert ndcg.ndcg([3, 1], [1, 0]) == 1.0


def test_ties_share_their_ranks():
    # all three tied: each gets 4/3 over discounts 1, 1/log2 3, 1/2; ideal 4
    expected = (4 / 3) * (1 + 1 / math.log2(3) + 0.5) / 4
    assert ndcg.ndcg([4, 0, 0], [2, 2, 2]) == pytest.approx(expected)
    assert expected == pytest.approx(0.71031, abs=1e-5)
    # a tie of the two lower documents only: ranks 2 and 3 share (2 + 0) / 2
    tied = (4 + 1 * (1 / math.log2(3) + 0.5)) / (4 + 2 / math.log2(3))
    assert ndcg.ndcg([4, 2, 0], [3, 1, 1]) == pytest.approx(tied)


def test_queries_are_runs_and_short_or_irrelevant_queries_are_handled_as_xglue_does():
    gold = [("a", "2"), ("a", "0"), ("b", "1"), ("c", "0"), ("c", "0"), ("a", "4"), ("a", "1")]
    predicted = ["0", "1", "3", "4", "4", "4", "1"]
    # queries: a (2 docs), b (1 doc: skipped), c (all irrelevant: 0), a again (a new query)
    assert [list(r) for r in ndcg.query_runs([g[0] for g in gold])] == [
        [0, 1], [2], [3, 4], [5, 6]]  # fmt: skip
    first = (0 + 2 / math.log2(3)) / 2
    values = [first, 0.0, 1.0]
    assert metrics.compute("ndcg", gold, predicted)["ndcg"] == pytest.approx(100 * np.mean(values))
    units = significance.units("ndcg", gold, predicted)
    assert units.shape == (3, 2)
    assert significance.score("ndcg", units.sum(axis=0)) == pytest.approx(100 * np.mean(values))
    assert metrics.task_score("ndcg", {"ndcg": 50.0}) == 50.0


def test_ndcg_refuses_what_it_cannot_rank():
    with pytest.raises(MetricError, match="two documents or more"):
        metrics.compute("ndcg", [("q", "1")], ["1"])
    with pytest.raises(MetricError, match="numeric"):
        metrics.compute("ndcg", [("q", "1"), ("q", "2")], ["Good", "Bad"])
    with pytest.raises(MetricError, match="2 gold documents but 1"):
        metrics.compute("ndcg", [("q", "1"), ("q", "2")], ["1"])


def test_pos_scored_by_chunk_precision():
    gold = [["NOUN", "NOUN", "VERB"]]
    predicted = [["NOUN", "ADJ", "VERB"]]
    found = metrics.compute("seqeval-precision", gold, predicted)
    # runs of equal tags are chunks: predicted (NOUN 0-0), (ADJ 1-1), (VERB 2-2); gold (NOUN
    # 0-1), (VERB 2-2); one of three predicted chunks is right, where token accuracy is 2/3
    assert found["precision"] == pytest.approx(100 / 3)
    assert metrics.task_score("seqeval-precision", found) == pytest.approx(100 / 3)
    units = significance.units("seqeval-precision", gold, predicted)
    assert significance.score("seqeval-precision", units.sum(axis=0)) == pytest.approx(100 / 3)
    # seqeval 1.x reads the first letter as a prefix: CCONJ and SCONJ are one type ("CONJ")
    confused = metrics.compute("seqeval-precision", [["CCONJ"]], [["SCONJ"]])
    assert confused["precision"] == 100.0
