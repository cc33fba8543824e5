"""Scorers against hand-computed golden values, and the official scorer's edge cases."""

from __future__ import annotations

import json

import pytest
from helpers import REPO

from xtreme_harness.errors import UnknownNameError
from xtreme_harness.results import metrics

CASES = json.loads((REPO / "tests" / "golden" / "scorers.json").read_text(encoding="utf-8"))[
    "cases"
]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_scorer_matches_hand_computed_values(case):
    computed = metrics.compute(case["metric"], case["gold"], case["predicted"])
    assert computed == pytest.approx(case["expected"], abs=1e-9)


def test_task_score_uses_f1_for_tagging_and_accuracy_for_classification():
    assert metrics.task_score("seqeval", {"f1": 70.0, "precision": 60.0, "recall": 90.0}) == 70.0
    assert metrics.task_score("accuracy", {"accuracy": 55.5}) == 55.5


@pytest.mark.parametrize(
    ("metric", "gold", "predicted", "message"),
    [
        ("accuracy", [1, 0], [1], "2 gold items but 1 predicted items"),
        ("accuracy", [], [], "zero examples"),
        ("seqeval", [["O"], ["O"]], [["O"]], "2 gold sentences but 1 predicted sentences"),
        ("seqeval", [["O", "B-PER"]], [["O"]], "sentence 1 has 2 gold tags but 1 predicted"),
    ],
)
def test_mismatched_inputs_are_errors(metric, gold, predicted, message):
    with pytest.raises(metrics.MetricError, match=message):
        metrics.compute(metric, gold, predicted)


def test_unknown_metric():
    with pytest.raises(UnknownNameError, match="seqeval"):
        metrics.compute("seqevl", [], [])


def test_seqeval_warnings_about_upos_tags_are_silenced(recwarn):
    metrics.compute("seqeval", [["NOUN", "VERB"]], [["NOUN", "NOUN"]])
    assert not [w for w in recwarn if "seems not to be NE tag" in str(w.message)]
