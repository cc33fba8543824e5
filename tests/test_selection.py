"""Model selection: evaluation points, the four rules, patience, a development subset, and what
the result and the tables record of them. Runs the tiny model on the bundled sample data."""

from __future__ import annotations

import shutil

import pytest
import torch

from xharness_plugins.xtreme_r.tasks import SAMPLE_DIR
from xtreme_harness.config.run import Overrides, RunConfig
from xtreme_harness.engine.run import run
from xtreme_harness.engine.trainer import average_states
from xtreme_harness.errors import UsageError
from xtreme_harness.registry.validation import validate
from xtreme_harness.results import files as result_files
from xtreme_harness.results import tables

# XNLI sample: 90 English training pairs; batches of 8 without accumulation: 12 updates an epoch
UPDATES_PER_EPOCH = 12


def _run(tiny_model, tmp_path, name="run", task="xnli", **overrides):
    fields = dict(learning_rate=1e-3, batch_size=8, gradient_accumulation=1, epochs=1)
    fields.update(overrides)
    config = RunConfig(model=tiny_model, task=task, source="sample", out=str(tmp_path / name),
                       overrides=Overrides(**fields), progress=False, save_model=False)  # fmt: skip
    result = run(config)
    validate(result, "result", source=name)
    return result


def test_evaluation_points_every_n_updates_and_the_last(tiny_model, tmp_path):
    result = _run(tiny_model, tmp_path, selection="en-dev", eval_steps=5)
    (phase,) = result["training"]["phases"]
    assert [e["step"] for e in phase["evaluations"]] == [5, 10, 12]
    assert phase["selection"] == {"rule": "en-dev", "languages": ["en"], "averaged": [],
                                  "stopped_early": False}  # fmt: skip
    scores = [e["score"] for e in phase["evaluations"]]
    first_best = phase["evaluations"][scores.index(max(scores))]["step"]
    assert phase["best"] == first_best  # of equal scores the earliest


def test_eval_steps_zero_evaluates_at_the_end_of_every_epoch(tiny_model, tmp_path):
    result = _run(tiny_model, tmp_path, selection="en-dev", eval_steps=0, epochs=2)
    (phase,) = result["training"]["phases"]
    assert [e["step"] for e in phase["evaluations"]] == [UPDATES_PER_EPOCH, 2 * UPDATES_PER_EPOCH]


def test_last_reads_no_development_data(tiny_model, tmp_path):
    result = _run(tiny_model, tmp_path, selection="last")
    (phase,) = result["training"]["phases"]
    assert phase["evaluations"] == [] and phase["best"] is None and phase["dev_examples"] == 0
    assert phase["updates"] == UPDATES_PER_EPOCH
    assert result["config"]["phases"][0]["recipe"]["selection"] == "last"
    departed = {d["setting"]: (d["protocol"], d["used"]) for d in result["departures"]}
    assert departed["selection"] == ("en-dev", "last")
    assert {"learning_rate", "epochs", "gradient_accumulation", "model", "data"} <= set(departed)
    assert "batch_size" not in departed  # 8, the protocol's value


def test_patience_stops_after_evaluations_without_a_better_score(tiny_model, tmp_path):
    # a learning rate too small to change a prediction: every evaluation scores the same, so
    # none is better than the first
    result = _run(tiny_model, tmp_path, selection="en-dev", eval_steps=2, patience=2,
                  learning_rate=1e-12)  # fmt: skip
    (phase,) = result["training"]["phases"]
    assert [e["step"] for e in phase["evaluations"]] == [2, 4, 6]
    assert phase["updates"] == 6 and phase["best"] == 2
    assert phase["selection"]["stopped_early"] is True


def test_dev_subset_scores_the_first_examples_only(tiny_model, tmp_path):
    result = _run(tiny_model, tmp_path, selection="en-dev", dev_subset=5)
    assert result["training"]["phases"][0]["dev_examples"] == 5


def test_average_keeps_the_mean_of_the_last_points(tiny_model, tmp_path):
    result = _run(tiny_model, tmp_path, selection="average", average_last=2, eval_steps=5)
    (phase,) = result["training"]["phases"]
    assert phase["selection"]["averaged"] == [10, 12] and phase["evaluations"] == []


def test_average_states_is_the_element_wise_mean():
    states = [
        {"w": torch.tensor([1.0, 2.0]), "ids": torch.tensor([0, 1])},
        {"w": torch.tensor([3.0, 6.0]), "ids": torch.tensor([0, 1])},
    ]
    averaged = average_states(states)
    assert torch.equal(averaged["w"], torch.tensor([2.0, 4.0]))
    assert averaged["ids"].dtype == torch.long


def test_average_needs_how_many_points():
    from xtreme_harness.interfaces.task import Recipe

    with pytest.raises(ValueError, match="average_last"):
        Recipe(learning_rate=1e-3, epochs=1, max_length=16, batch_size=2, selection="average")


def _xtreme_layout_with_target_dev(tmp_path):
    """The XNLI sample in the download layout, with development sets in de and fr."""
    root = tmp_path / "download"
    shutil.copytree(SAMPLE_DIR / "xnli", root / "xnli")
    dev = (root / "xnli" / "dev-en.tsv").read_text(encoding="utf-8")
    for language in ("de", "fr"):
        (root / "xnli" / f"dev-{language}.tsv").write_text(dev, encoding="utf-8")
    return root


def test_target_dev_selects_on_the_target_languages_and_is_an_upper_bound(tiny_model, tmp_path):
    root = _xtreme_layout_with_target_dev(tmp_path)
    config = RunConfig(
        model=tiny_model, task="xnli", source="xtreme", data_dir=str(root), out=str(tmp_path / "t"),
        eval_languages=("de", "fr", "ru"), progress=False, save_model=False,
        overrides=Overrides(learning_rate=1e-3, batch_size=8, gradient_accumulation=1, epochs=1,
                            selection="target-dev", eval_steps=6),
    )  # fmt: skip
    result = run(config)
    (phase,) = result["training"]["phases"]
    assert phase["selection"]["rule"] == "target-dev"
    assert phase["selection"]["languages"] == ["de", "fr"]  # ru has no development set
    assert phase["dev_examples"] == 2 * 24  # the English development set, in de and fr
    assert any("no labelled development data in ru" in note for note in result["notes"])
    departure = next(d for d in result["departures"] if d["setting"] == "selection")
    assert (departure["protocol"], departure["used"]) == ("en-dev", "target-dev")
    (configuration,) = tables.configurations(result_files.find(str(tmp_path / "t")))
    label = tables.task_table([configuration]).rows[0][0]
    assert "upper bound: target-dev selection" in label.text


def test_target_dev_without_any_target_development_data_is_refused(tiny_model, tmp_path):
    config = RunConfig(model=tiny_model, task="xnli", source="sample", out=str(tmp_path / "r"),
                       eval_languages=("de", "fr"), progress=False,
                       overrides=Overrides(selection="target-dev", max_steps=2))  # fmt: skip
    with pytest.raises(UsageError, match="target-dev needs labelled validation data"):
        run(config)
    assert not (tmp_path / "r" / "result.json").exists()


def test_departures_are_footnoted_on_the_row(tiny_model, tmp_path):
    _run(tiny_model, tmp_path, name="a", selection="last")
    (configuration,) = tables.configurations(result_files.find(str(tmp_path / "a")))
    table = tables.task_table([configuration])
    label = table.rows[0][0]
    text = table.footnotes[label.footnote]
    assert text.startswith("departs from xtreme-r: ")
    assert "selection last instead of en-dev (option selection)" in text
    assert "tiny random-initialised model" in text and "sample data" in text
