"""The contract check of task data (`xtreme_harness.testing.check_task`): every registered task's
sample data fits its kind, and the check finds what does not."""

from __future__ import annotations

from typing import Any

import pytest

from xtreme_harness.errors import DataError
from xtreme_harness.interfaces import (
    Category,
    DataSource,
    Phase,
    Recipe,
    TaskKind,
    TaskSpec,
)
from xtreme_harness.plugin_host import PluginHost
from xtreme_harness.testing import ContractError, ContractReport, check_task

REGISTERED = PluginHost().registrations("tasks")


@pytest.mark.parametrize("name", sorted(REGISTERED))
def test_every_registered_task_fits_its_kind_on_its_sample_source(name, tiny_model):
    spec = REGISTERED[name].obj
    if "sample" not in spec.sources:
        pytest.skip(f"task {name!r} (plugin {REGISTERED[name].plugin!r}) has no sample source")
    report = check_task(spec, source="sample", tokenizer=tiny_model)
    assert report.read and report.encoded


# ----------------------------------------------------------------------------- what it finds


class Examples(DataSource):
    """Examples held in memory: {(split, language): [example, ...]}; a missing pair is a
    `DataError`, as a source reports a split it does not have."""

    name = "sample"

    def __init__(self, data: dict[tuple[str, str], Any]) -> None:
        self.data = data

    def describe(self) -> str:
        return "examples in memory"

    def load(self, split, language, *, data_dir=None, revision=None):
        return self.read(split, language)

    def read(self, split, language, *, data_dir=None, revision=None):
        if (split, language) not in self.data:
            raise DataError("memory", f"no {split} in {language}")
        found = self.data[(split, language)]
        if isinstance(found, Exception):
            raise found
        return found


RECIPE = Recipe(learning_rate=1e-5, epochs=1, max_length=32, batch_size=2)


def task(kind: TaskKind, data: dict[tuple[str, str], Any], **fields: Any) -> TaskSpec:
    defaults = {
        TaskKind.CLASSIFICATION: {"labels": ("no", "yes")},
        TaskKind.TOKEN_TAGGING: {"labels": ("O", "X")},
        TaskKind.RETRIEVAL: {"pool": "shared"},
    }.get(kind, {})
    return TaskSpec(
        **{
            "name": "probe",
            "title": "Probe",
            "category": Category.CLASSIFICATION,
            "kind": kind,
            "languages": ("en", "de"),
            "metric": "accuracy",
            "sources": {"sample": Examples(data)},
            "recipe": RECIPE,
            **defaults,
            **fields,
        }
    )


def pair(i: int, label: str | None = "yes", **changes: Any) -> dict[str, Any]:
    return {"id": str(i), "text_a": f"sentence {i}", "text_b": None, "label": label, **changes}


def good_classification() -> dict[tuple[str, str], Any]:
    return {
        ("train", "en"): [pair(0), pair(1, "no")],
        ("validation", "en"): [pair(0), pair(1, "no")],
        ("test", "en"): [pair(0), pair(1, "no")],
        ("test", "de"): [pair(0, None), pair(1, None)],  # unlabelled test data is fine
    }


def problems(spec: TaskSpec, **options: Any) -> list[str]:
    with pytest.raises(ContractError) as info:
        check_task(spec, **options)
    assert str(len(info.value.problems)) in str(info.value)
    return info.value.problems


def test_a_good_task_passes_and_reports_what_it_read():
    report = check_task(task(TaskKind.CLASSIFICATION, good_classification()))
    assert isinstance(report, ContractReport)
    assert ("train", "en", 2) in report.read and ("test", "de", 2) in report.read
    assert ("train", "de") in report.missing  # beyond the required coverage: allowed
    assert report.encoded == 8


def test_encoding_can_be_skipped():
    report = check_task(task(TaskKind.CLASSIFICATION, good_classification()), encode=False)
    assert report.encoded == 0


def test_a_registered_task_can_be_named(use_host):
    class Plugin:
        from xtreme_harness import hookimpl

        @hookimpl
        def xharness_register_tasks(self, register):
            register(task(TaskKind.CLASSIFICATION, good_classification()))

    use_host(("probe-plugin", Plugin()))
    assert check_task("probe", encode=False).task == "probe"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({("train", "en"): [pair(0, "maybe")]}, "field 'label': expected one of the task's labels"),
        ({("train", "en"): [pair(0, None)]}, "the train split must be labelled"),
        ({("train", "en"): [pair(0), pair(0)]}, "the id repeats example 0's"),
        (
            {("train", "en"): [{"id": 0, "text_a": "x", "text_b": None, "label": "no"}]},
            "field 'id': expected a string",
        ),
        ({("train", "en"): [{"id": "0", "text": "x", "label": "no"}]}, "no field 'text_a'"),
        ({("train", "en"): [pair(0), {**pair(1), "extra": 1}]}, "needs the same fields"),
        ({("test", "en"): [pair(0), pair(1, None)]}, "some examples carry gold"),
        ({("test", "en"): RuntimeError("a bug")}, "cannot be read: RuntimeError: a bug"),
        ({("validation", "en"): None}, "no 'validation' split in the training language 'en'"),
    ],
)
def test_classification_problems_are_found(change, expected):
    data = good_classification()
    for key, value in change.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    found = problems(task(TaskKind.CLASSIFICATION, data))
    assert any(expected in problem for problem in found), found


def test_no_test_split_in_any_language_is_a_problem():
    data = good_classification()
    del data[("test", "en")], data[("test", "de")]
    assert "no 'test' split in any evaluation language" in problems(
        task(TaskKind.CLASSIFICATION, data)
    )


def test_a_missing_source_is_a_problem():
    spec = task(TaskKind.CLASSIFICATION, good_classification())
    assert "has no source 'xtreme'" in problems(spec, source="xtreme")[0]


def test_token_tagging_problems_are_found():
    good = {"id": "0", "tokens": ["a", "b"], "tags": ["O", "X"]}
    data = {
        ("train", "en"): [good, {"id": "1", "tokens": ["a", "b"], "tags": ["O"]}],
        ("validation", "en"): [good, {"id": "1", "tokens": ["a"], "tags": ["Y"]}],
        ("test", "en"): [good],
    }
    found = problems(task(TaskKind.TOKEN_TAGGING, data))
    assert any("2 tokens but 1 tags" in p for p in found), found
    assert any("field 'tags': expected a list of the task's labels" in p for p in found), found


def test_multiple_choice_problems_are_found():
    def choice(i, label, choices=("yes", "no")):
        return {"id": str(i), "context": "Why?", "choices": list(choices), "label": label}

    data = {
        ("train", "en"): [choice(0, 0), choice(1, 2)],
        ("validation", "en"): [choice(0, 1), choice(1, 0, ("a", "b", "c"))],
        ("test", "en"): [choice(0, True)],
    }
    found = problems(task(TaskKind.MULTIPLE_CHOICE, data))
    assert any("example 1 (id '1'): field 'label': expected the index of a choice" in p
               for p in found), found  # fmt: skip
    assert any("different numbers of choices [2, 3]" in p for p in found), found
    assert any("split 'test' in 'en', example 0" in p and "'label'" in p for p in found), found


def test_extractive_qa_answers_are_checked_at_their_offsets():
    def question(i, start):
        return {"id": str(i), "question": "Where?", "context": "In Nairobi.",
                "answers": {"text": ["Nairobi"], "answer_start": [start]}}  # fmt: skip

    data = {
        ("train", "en"): [question(0, 3)],
        ("validation", "en"): [question(0, 3)],
        ("test", "en"): [question(0, 2)],
    }
    found = problems(task(TaskKind.EXTRACTIVE_QA, data, labels=()))
    assert any("the answer is 'Nairobi' but the context has" in p for p in found), found
    data[("test", "en")] = [question(0, 3)]
    assert check_task(task(TaskKind.EXTRACTIVE_QA, data, labels=())).encoded == 3


def test_retrieval_splits_by_role_and_targets_in_the_pool():
    train = [{"id": "q0", "text": "a query", "positive": "its answer", "positive_context": None}]
    data = {
        ("train", "en"): train,
        ("validation", "en"): train,
        ("test", "en"): [{"id": "q0", "text": "a query", "targets": ["c0", "c9"]}],
        ("test", "de"): [{"id": "q0", "text": "eine Frage", "targets": ["c0"]}],
        ("candidates", "all"): [{"id": "c0", "text": "an answer"}],
    }
    found = problems(task(TaskKind.RETRIEVAL, data, category=Category.RETRIEVAL))
    assert found == ["split 'test' in 'en', example 0 (id 'q0'): targets ['c9'] are not in the "
                     "candidate pool"]  # fmt: skip
    data[("test", "en")] = data[("test", "de")]
    del data[("candidates", "all")]
    found = problems(task(TaskKind.RETRIEVAL, data, category=Category.RETRIEVAL))
    assert found == ["no 'candidates' split for the shared pool ('all')"]


def test_every_phase_needs_its_splits_in_the_training_language():
    data = good_classification()
    spec = task(
        TaskKind.CLASSIFICATION,
        data,
        phases=(Phase("first", "other-train", "other-dev"), Phase("second")),
    )
    found = problems(spec)
    assert any("no 'other-train' split" in p and "phase 'first'" in p for p in found), found
