"""Declared parameters, task specs and allocations."""

from __future__ import annotations

import pytest

from xtreme_harness.errors import UnknownNameError, UsageError
from xtreme_harness.interfaces.component import Param, resolve_params
from xtreme_harness.interfaces.language_set import Allocation
from xtreme_harness.interfaces.task import Category, Recipe, TaskKind, TaskSpec

PARAMS = (
    Param("steps", int, 3, "ascent steps", minimum=1),
    Param("epsilon", float, 1.0, "radius", source="unverified guess", verified=False),
    Param("norm", str, "l2", "norm", choices=("l2", "linf")),
    Param("random_start", bool, True, "start at a random point"),
)


def test_params_convert_text_and_keep_defaults():
    resolved = resolve_params("regularizer 'adv'", PARAMS, {"steps": "5", "random_start": "no"})
    assert resolved == {"steps": 5, "epsilon": 1.0, "norm": "l2", "random_start": False}


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"steps": "0"}, "parameter 'steps' of regularizer 'adv': expected at least 1, got '0'"),
        ({"steps": "2.5"}, "expected int, got '2.5'"),
        ({"steps": 2.5}, "expected int, got 2.5"),
        ({"norm": "l1"}, "expected one of l2, linf, got 'l1'"),
        ({"random_start": "maybe"}, "expected bool, got 'maybe'"),
        ({"epsilon": True}, "expected float, got True"),
    ],
)
def test_bad_param_values_name_component_and_expectation(given, message):
    with pytest.raises(UsageError) as info:
        resolve_params("regularizer 'adv'", PARAMS, given)
    assert message in str(info.value)


def test_unknown_param_suggests_close_names():
    with pytest.raises(UnknownNameError) as info:
        resolve_params("regularizer 'adv'", PARAMS, {"epsilion": 2})
    assert info.value.suggestions == ["epsilon"]
    assert "takes steps, epsilon, norm, random_start" in str(info.value)


def test_param_description_marks_unverified_defaults():
    assert PARAMS[1].describe() == {
        "name": "epsilon",
        "type": "float",
        "default": 1.0,
        "help": "radius",
        "source": "unverified guess",
        "verified": False,
    }


def spec(**changes):
    fields = dict(
        name="xnli",
        title="XNLI",
        category=Category.CLASSIFICATION,
        kind=TaskKind.CLASSIFICATION,
        languages=("en", "sw"),
        metric="accuracy",
        labels=("entailment", "neutral", "contradiction"),
        recipe=Recipe(
            learning_rate=2e-5, epochs=5, max_length=128, batch_size=8, gradient_accumulation=4
        ),
    )
    fields.update(changes)
    return TaskSpec(**fields)


def test_task_spec_describes_itself():
    described = spec().describe()
    assert described["kind"] == "classification"
    assert described["recipe"]["gradient_accumulation"] == 4
    assert described["languages"] == ["en", "sw"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "X NLI"}, "name 'X NLI' must match"),
        ({"kind": "classification"}, "kind must be a TaskKind"),
        ({"languages": ()}, "languages must be a non-empty tuple"),
        ({"languages": ("en", "en")}, "without repeats"),
        ({"roles": ("pretraining",)}, "roles must be a non-empty subset"),
        ({"sources": {"hub": "facebook/xnli"}}, "source 'hub' must be a DataSource"),
    ],
)
def test_invalid_task_spec_says_what_is_wrong(changes, message):
    with pytest.raises(ValueError, match="invalid TaskSpec") as info:
        spec(**changes)
    assert message in str(info.value)


def test_allocation_reports_languages_and_rejects_negative_counts():
    allocation = Allocation({"sw": 10, "yo": 0, "am": 5}, "explicit", 15, seed=1)
    assert allocation.languages == ["sw", "am"]
    assert allocation.total == 15
    with pytest.raises(ValueError, match="negative"):
        Allocation({"sw": -1}, "explicit", 1, seed=1)


def test_allocation_description_carries_family_and_class():
    from xtreme_harness.registry.languages import default_registry

    described = Allocation({"sw": 10, "am": 5}, "explicit", 15, seed=1).describe(default_registry())
    assert described["families"] == ["Afro-Asiatic", "Atlantic-Congo"]
    assert [row["resource_class"] for row in described["languages"]] == [2, 2]
