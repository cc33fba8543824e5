"""`xharness grid --estimate` and `--report-timing`: the work each step will do is counted as the
stages count it, the seconds come from timing the engine on this machine, and the comparison after
the grid reads the steps' own records."""

from __future__ import annotations

import json

from click.testing import CliRunner

from xtreme_harness.cli import cli

GRID = [
    "--source", "sample", "--tasks", "xnli,xquad", "--intermediate", "massive",
    "--language-sets", "high-resource", "--languages", "3", "--budget", "40",
    "--intermediate-max-steps", "3", "--regularizers", "none,rs-rp", "--epochs", "1",
    "--batch-size", "16", "--grad-accum", "1", "--eval-languages", "de,es",
    "--selection", "en-dev", "--eval-steps", "4",
]  # fmt: skip


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_the_estimate_counts_the_work_the_grid_then_does(tiny_model, tmp_path):
    out = tmp_path / "grid"
    estimated = invoke("grid", "--model", tiny_model, *GRID, "--out", out, "--estimate")
    assert estimated.exit_code == 0, estimated.output
    assert "estimate on cpu" in estimated.output
    assert "wrote" in estimated.output and not (out / "steps").exists()  # nothing ran
    document = json.loads((out / "estimate.json").read_text("utf-8"))
    steps = document["steps"]
    stages = sorted(step["stage"] for step in steps.values())
    # one shared intermediate stage; xnli and xquad (QA windows) for two regularizers
    assert stages.count("intermediate") == 1 and stages.count("evaluate") == 4
    assert all(step["seconds"] > 0 for step in steps.values())
    for step in steps.values():
        assert abs(sum(step["parts"].values()) - step["seconds"]) < 0.01

    ran = invoke("grid", "--model", tiny_model, *GRID, "--out", out)
    assert ran.exit_code == 0, ran.output
    for key, predicted in steps.items():
        record = json.loads((out / "steps" / key / "step.json").read_text("utf-8"))
        outputs = record["outputs"]
        if predicted["stage"] == "finetune":
            phases = outputs["phases"]
            assert predicted["work"]["updates"] == sum(p["updates"] for p in phases)
            evaluations = sum(len(p["evaluations"]) for p in phases)
            assert predicted["work"].get("evaluation_points", 0) == evaluations
        if predicted["stage"] == "intermediate":
            assert predicted["work"]["updates"] == outputs["record"]["updates"] == 3

    timing = invoke("grid", "--model", tiny_model, *GRID, "--out", out, "--report-timing")
    assert timing.exit_code == 0, timing.output
    lines = timing.output.splitlines()
    total = next(line for line in lines if line.startswith("total"))
    assert total.split()[1] == str(len(steps))
    again = invoke("grid", "--model", tiny_model, *GRID, "--out", out, "--estimate")
    assert again.exit_code == 0, again.output
    assert f"({len(steps)} steps already done, not counted" in again.output


def test_report_timing_without_an_estimate_says_how_to_make_one(tiny_model, tmp_path):
    result = invoke("grid", "--model", tiny_model, *GRID, "--out", tmp_path / "g",
                    "--report-timing")  # fmt: skip
    assert result.exit_code == 2  # a usage error
    assert "no estimate in this run folder; `xharness grid FILE --estimate`" in result.output
    assert "Traceback" not in result.output


def test_the_estimate_counts_the_translated_training_data(tiny_model, tmp_path):
    """translate-train-all fine-tunes on English and its translations into every evaluation
    language: the predicted updates are the ones the step then makes, three times zero-shot's."""
    from helpers import REPO

    out = tmp_path / "grid"
    grid = ["--model", tiny_model, "--source", "sample", "--tasks", "xnli", "--settings",
            "zero-shot,translate-train-all", "--translator", "xtreme-translations",
            "--translator-option",
            f"folder={REPO / 'plugins' / 'xtreme_r' / 'sample' / 'translations'}",
            "--eval-languages", "en,de,fr", "--epochs", "1", "--batch-size", "16",
            "--grad-accum", "1", "--out", out]  # fmt: skip
    estimated = invoke("grid", *grid, "--estimate")
    assert estimated.exit_code == 0, estimated.output
    assert "translating is not" in estimated.output
    assert _fine_tuning_updates(out, grid) == {1: 6, 3: 17}  # ceil(90 / 16), ceil(270 / 16)


def test_the_estimate_counts_the_multi_source_training_data(tiny_model, tmp_path):
    """multi-source adds every training example of the languages its set picks: predicted
    updates equal the ones the step makes (28 English + 2 x 28 sentences: ceil(84 / 16))."""
    out = tmp_path / "grid"
    grid = ["--model", tiny_model, "--source", "sample", "--tasks", "sib200", "--settings",
            "zero-shot,multi-source", "--multi-source", "explicit", "--multi-source-option",
            "codes=sw,yo", "--eval-languages", "en,sw", "--epochs", "1", "--batch-size", "16",
            "--grad-accum", "1", "--out", out]  # fmt: skip
    estimated = invoke("grid", *grid, "--estimate")
    assert estimated.exit_code == 0, estimated.output
    assert _fine_tuning_updates(out, grid) == {1: 2, 3: 6}  # ceil(28 / 16), ceil(84 / 16)


def _fine_tuning_updates(out, grid):
    """Run the estimated grid; each fine-tuning step's predicted updates must be the ones it
    makes. Returns {languages trained on: updates}."""
    steps = json.loads((out / "estimate.json").read_text("utf-8"))["steps"]
    assert invoke("grid", *grid).exit_code == 0
    updates = {}
    for key, predicted in steps.items():
        if predicted["stage"] == "finetune":
            record = json.loads((out / "steps" / key / "step.json").read_text("utf-8"))
            (phase,) = record["outputs"]["phases"]
            assert predicted["work"]["updates"] == phase["updates"]
            updates[len(phase["train_examples"])] = phase["updates"]
    return updates


def test_the_estimate_counts_a_model_per_language_for_translate_train(tiny_model, tmp_path):
    """translate-train fine-tunes a model per evaluation language, each a step of its own, on as
    many examples as English has: ceil(90 / 16) updates predicted and made in each."""
    from helpers import REPO

    out = tmp_path / "grid"
    folder = REPO / "plugins" / "xtreme_r" / "sample" / "translations"
    grid = ["--model", tiny_model, "--source", "sample", "--tasks", "xnli", "--settings",
            "translate-train", "--translator", "xtreme-translations", "--translator-option",
            f"folder={folder}", "--eval-languages", "en,de,fr", "--epochs", "1",
            "--batch-size", "16", "--grad-accum", "1", "--out", out]  # fmt: skip
    assert invoke("grid", *grid, "--estimate").exit_code == 0
    steps = json.loads((out / "estimate.json").read_text("utf-8"))["steps"]
    assert invoke("grid", *grid).exit_code == 0
    keys = [key for key, step in steps.items() if step["stage"] == "finetune"]
    made = {}
    for key in keys:
        record = json.loads((out / "steps" / key / "step.json").read_text("utf-8"))
        (phase,) = record["outputs"]["phases"]
        assert steps[key]["work"]["updates"] == phase["updates"] == 6
        made[record["settings"].get("into", "en")] = phase["train_examples"]
    assert made == {"en": {"en": 90}, "de": {"de": 90}, "fr": {"fr": 90}}
