"""`xharness run` end to end on the bundled sample data with a tiny model."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from xtreme_harness import hookimpl
from xtreme_harness.cli import cli
from xtreme_harness.config.run import Intermediate, Overrides, RunConfig
from xtreme_harness.engine.run import run
from xtreme_harness.engine.trainer import TrainingDiverged
from xtreme_harness.errors import UnknownNameError, UsageError, XHarnessWarning
from xtreme_harness.interfaces.regularizer import Regularizer
from xtreme_harness.plugin_host import PluginHost
from xtreme_harness.registry.validation import validate

# a tiny model needs a far higher learning rate than the reference recipes; selection on English
# dev at the end of every epoch, so that the tests can see it learn
FAST = Overrides(learning_rate=1e-3, batch_size=8, gradient_accumulation=1, epochs=15,
                 selection="en-dev", eval_steps=0)  # fmt: skip
CHANCE = {"xnli": 100 / 3, "pawsx": 50.0, "xcopa": 50.0, "udpos": None, "panx": None}


def config(tiny_model, tmp_path, task, **changes):
    fields = dict(model=tiny_model, task=task, source="sample", out=str(tmp_path / task),
                  overrides=FAST, progress=False)  # fmt: skip
    fields.update(changes)
    return RunConfig(**fields)


def xnli_with(tiny_model, tmp_path, changes):
    return config(tiny_model, tmp_path, changes.pop("task", "xnli"), **changes)


@pytest.mark.parametrize("task", ["xnli", "pawsx", "xcopa", "udpos", "panx"])
def test_tiny_model_learns_each_task_and_scores_every_language(tiny_model, tmp_path, task):
    result = run(config(tiny_model, tmp_path, task))
    validate(result, "result", source="result")
    for phase in result["training"]["phases"]:
        losses = phase["losses"]
        assert losses[-1] < losses[0], (phase["name"], losses)
    best = max(e["score"] for e in result["training"]["phases"][-1]["evaluations"])
    if CHANCE[task] is not None:
        assert best > CHANCE[task] + 10, best  # English dev, well above chance
    else:
        assert best > 30, best  # tag F1 on English dev (chance is near 0)
    languages = result["task"]["languages"]
    assert set(result["scores"]) == set(languages)
    assert result["average"] is not None and result["score"] is not None
    assert result["meaningful"] is False
    for language in languages:
        path = tmp_path / task / result["evaluation"][language]["predictions"]
        assert path.is_file()
    assert (tmp_path / task / "model" / "config.json").is_file()


def test_same_seed_gives_identical_predictions_and_scores(tiny_model, tmp_path):
    first = run(config(tiny_model, tmp_path / "a", "udpos", eval_languages=("en", "hi", "yo")))
    second = run(config(tiny_model, tmp_path / "b", "udpos", eval_languages=("en", "hi", "yo")))
    assert first["scores"] == second["scores"]
    assert first["training"]["phases"][0]["losses"] == second["training"]["phases"][0]["losses"]
    for language in ("en", "hi", "yo"):
        name = first["evaluation"][language]["predictions"]
        assert (tmp_path / "a" / "udpos" / name).read_bytes() == (
            tmp_path / "b" / "udpos" / name
        ).read_bytes()
    third = run(config(tiny_model, tmp_path / "c", "udpos", eval_languages=("en",), seed=2))
    assert third["training"]["phases"][0]["losses"] != first["training"]["phases"][0]["losses"]


class NanLoss(Regularizer):
    name = "nan-after-two"
    description = "Diverges on the third batch."

    def __init__(self, **options):
        super().__init__(**options)
        self.calls = 0

    def loss(self, model, batch, ctx):
        self.calls += 1
        loss = ctx.forward(model, batch).loss
        return loss * float("nan") if self.calls > 2 else loss


class NanPlugin:
    @hookimpl
    def xharness_register_regularizers(self, register):
        register(NanLoss)


def test_nan_loss_stops_the_run_without_a_result(tiny_model, tmp_path, use_host):
    host = use_host(("nan", NanPlugin()), entry_points=True)
    settings = config(tiny_model, tmp_path, "xnli", regularizer="nan-after-two")
    with pytest.raises(TrainingDiverged) as info:
        run(settings, host)
    assert "became nan at update 3" in str(info.value)
    assert not (tmp_path / "xnli" / "result.json").exists()
    result = CliRunner().invoke(
        cli, ["run", "--model", tiny_model, "--task", "xnli", "--source", "sample",
              "--regularizer", "nan-after-two", "--out", str(tmp_path / "cli"), "--quiet"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "Error: xnli train: the training loss became nan" in result.output
    assert not (tmp_path / "cli" / "result.json").exists()


def test_rerun_with_overwrite_removes_the_old_result_first(tiny_model, tmp_path, use_host):
    settings = config(tiny_model, tmp_path, "xnli", eval_languages=("en",))
    run(settings)
    with pytest.raises(UsageError, match="pass --overwrite"):
        run(settings)
    host = use_host(("nan", NanPlugin()), entry_points=True)
    with pytest.raises(TrainingDiverged):
        run(config(tiny_model, tmp_path, "xnli", regularizer="nan-after-two", overwrite=True),
            host)  # fmt: skip
    assert not (tmp_path / "xnli" / "result.json").exists()


def test_intermediate_stage_then_target(tiny_model, tmp_path):
    stage = Intermediate("xnli", options={"codes": "en:30"}, overrides=Overrides(max_steps=5))
    settings = config(
        tiny_model, tmp_path, "udpos", eval_languages=("en", "hi"), intermediate=stage
    )
    with pytest.warns(XHarnessWarning, match="'xnli' is itself a task of the xtreme-r benchmark"):
        result = run(settings)
    assert any("itself a task of the xtreme-r benchmark" in note for note in result["notes"])
    stage = result["training"]["intermediate"]
    assert stage["name"] == "xnli" and stage["train_examples"] == {"en": 30}
    assert stage["updates"] == 5 and stage["best"] is None
    assert result["config"]["intermediate"]["language_set"] == {
        "name": "explicit", "options": {"codes": "en:30", "max_epochs": 1.0}
    }  # fmt: skip
    (row,) = result["intermediate"]["allocation"]["languages"]
    assert (row["language"], row["examples"], row["available"]) == ("en", 30, 90)
    assert row["tokens"] > 30
    targets = result["intermediate"]["targets"]
    assert targets["en"] == {"seen": True, "family": "Indo-European", "family_in_set": True,
                             "conventional_family_in_set": True}  # fmt: skip
    assert targets["hi"]["seen"] is False and targets["hi"]["family_in_set"] is True
    assert targets["ja"]["family_in_set"] is False
    assert (tmp_path / "udpos" / "intermediate" / "config.json").is_file()
    assert result["average"] is None  # only two of the 38 languages were evaluated
    assert any("no task average" in note for note in result["notes"])


@pytest.mark.filterwarnings("ignore::xtreme_harness.errors.XHarnessWarning")
def test_intermediate_asking_for_more_examples_than_exist(tiny_model, tmp_path):
    stage = Intermediate("xnli", options={"codes": "en:1000000"})
    settings = config(tiny_model, tmp_path, "udpos", eval_languages=("en",), intermediate=stage)
    with pytest.raises(UsageError, match="1000000 examples of 'en' asked for, but it has 90"):
        run(settings)


@pytest.mark.filterwarnings("ignore::xtreme_harness.errors.XHarnessWarning")
def test_intermediate_language_without_training_data(tiny_model, tmp_path):
    settings = config(tiny_model, tmp_path, "udpos", eval_languages=("en",),
                      intermediate=Intermediate("xnli", options={"codes": "sw"}))  # fmt: skip
    with pytest.raises(UsageError, match="no training data in sw; it has en"):
        run(settings)


def test_mixed_precision_on_cpu_falls_back_to_fp32_and_says_so(tiny_model, tmp_path):
    result = run(config(tiny_model, tmp_path, "pawsx", eval_languages=("en",), precision="bf16",
                        device="cpu", overrides=Overrides(max_steps=2)))  # fmt: skip
    assert result["config"]["precision"] == "fp32"
    assert any("bf16 needs CUDA" in note for note in result["notes"])


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"task": "xnlii"}, UnknownNameError, "did you mean: xnli"),
        ({"source": "hubb"}, UnknownNameError, "unknown data source of task 'xnli'"),
        ({"regularizer": "adverserial"}, UnknownNameError, "unknown regularizer"),
        ({"eval_languages": ("en", "xx")}, UnknownNameError, "evaluation language of task 'xnli'"),
        ({"regularizer_options": {"epsilon": "1"}}, UnknownNameError, "takes no parameters"),
    ],
)
def test_bad_configuration_is_reported_before_training(tiny_model, tmp_path, changes, error,
                                                       message):  # fmt: skip
    with pytest.raises(error, match=message):
        run(xnli_with(tiny_model, tmp_path, dict(changes)))
    assert not os.path.exists(tmp_path / "xnli")


def test_cli_run_prints_scores_and_writes_the_result(tiny_model, tmp_path):
    out = tmp_path / "run"
    result = CliRunner().invoke(
        cli, ["run", "--model", tiny_model, "--task", "xcopa", "--source", "sample",
              "--max-steps", "3", "--eval-languages", "et,qu", "--out", str(out), "--quiet"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("xcopa: ")
    assert any(line.startswith("et ") for line in lines)
    assert any(line.startswith("note: tiny random-initialised model") for line in lines)
    document = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert [p["max_steps"] for p in document["config"]["phases"]] == [3, 3]
    assert document["training"]["phases"][0]["name"] == "siqa"


def test_cli_run_requires_a_source(tiny_model, tmp_path):
    result = CliRunner().invoke(cli, ["run", "--model", tiny_model, "--task", "xnli",
                                      "--out", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 2
    assert "choose where the data comes from" in result.output


def test_cli_tiny_model(tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            "tiny-model",
            str(tmp_path / "m"),
            "--tokenizer",
            "wordpiece",
            "--vocab-size",
            "500",
            "--layers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "wordpiece tokenizer" in result.output
    config = json.loads((tmp_path / "m" / "config.json").read_text(encoding="utf-8"))
    assert config["xharness_tiny_model"] is True and config["num_hidden_layers"] == 1
    assert PluginHost()  # plugins still load after building


def test_rs_da_on_the_intermediate_stage_augments_its_data_and_says_how_much(tiny_model, tmp_path):
    """--regularize-intermediate with rs-da rewrites the intermediate data too; the English table
    changes English examples and leaves another language's unchanged, which a note says."""
    stage = Intermediate("massive", options={"codes": "en:10,sw:10"}, regularize=True,
                         overrides=Overrides(max_steps=2))  # fmt: skip
    settings = config(tiny_model, tmp_path, "xnli", eval_languages=("en",), intermediate=stage,
                      regularizer="rs-da", regularizer_options={"num": 2, "synonyms": "toy"},
                      overrides=Overrides(max_steps=2))  # fmt: skip
    result = run(settings)
    augmentation = result["training"]["augmentation"]
    assert augmentation["intermediate"]["en"]["examples"] == 10
    assert augmentation["intermediate"]["en"]["augmented"] == 20
    assert augmentation["intermediate"]["en"]["changed"] > 0
    assert augmentation["intermediate"]["sw"] == {"examples": 10, "augmented": 20, "changed": 0}
    assert any(note.startswith("sw: the regularizer's augmentation changed none")
               for note in result["notes"])  # fmt: skip
    assert result["training"]["intermediate"]["train_examples"] == {"en": 20, "sw": 20}
    assert augmentation["finetune"]["train/en"]["augmented"] == 2 * 90
    toy = next(d for d in result["departures"] if d["setting"] == "rs-da.synonyms")
    assert (toy["protocol"], toy["used"]) == ("counterfitted", "toy")
