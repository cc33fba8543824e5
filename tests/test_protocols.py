"""Protocols: the shipped files, their conformance with the reference scripts, resolution,
departures, strict mode, protocols from plugins, and the `xharness protocols` command."""

from __future__ import annotations

import json
import textwrap
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import REPO

from xtreme_harness.config import cell as cells
from xtreme_harness.config import resolution
from xtreme_harness.config.run import Overrides, RunConfig
from xtreme_harness.errors import PluginError, PluginWarning, UnknownNameError
from xtreme_harness.plugin_host import PluginHost, get_host
from xtreme_harness.registry import protocols
from xtreme_harness.registry.protocols import ModelShape

BASE = ModelShape("bert", 12)
LARGE = ModelShape("xlm-roberta", 24)

# The reference scripts' values, transcribed by hand from the files at the commits named, to be
# compared with the protocol files (two independent readings of the same lines).
XTREME = "google-research/xtreme@838c13b"
REFERENCE = {
    "xtreme-r": {
        # scripts/train_xnli.sh:25-27 (LR, EPOCH, MAXL), :44-46 (base: BATCH_SIZE=8, GRAD_ACC=4,
        # LR=2e-5), :40-42 (large: 2, 16, 3e-5), :67 (--save_steps 100)
        "xnli": {
            "learning_rate": 2e-5,
            "epochs": 5,
            "max_length": 128,
            "batch_size": 8,
            "gradient_accumulation": 4,
            "eval_steps": 100,
            "selection": "en-dev",
            "warmup_steps": 0,
            "weight_decay": 0.0,
            "max_grad_norm": 1.0,
            "precision": "fp32",
        },
        # scripts/train_pawsx.sh:25-27, :43-44, :62 (--save_steps 200); large: batch only
        "pawsx": {
            "learning_rate": 2e-5,
            "epochs": 5,
            "max_length": 128,
            "batch_size": 8,
            "gradient_accumulation": 4,
            "eval_steps": 200,
            "selection": "en-dev",
        },
        # scripts/train_udpos.sh:25-27, :43-44, :60 (--save_steps 500)
        "udpos": {
            "learning_rate": 2e-5,
            "epochs": 10,
            "max_length": 128,
            "batch_size": 8,
            "gradient_accumulation": 4,
            "eval_steps": 500,
            "selection": "en-dev",
        },
        # scripts/train_panx.sh:25-27, :43-44, :61 (--save_steps 1000)
        "panx": {
            "learning_rate": 2e-5,
            "epochs": 10,
            "max_length": 128,
            "batch_size": 8,
            "gradient_accumulation": 4,
            "eval_steps": 1000,
            "selection": "en-dev",
        },
        # scripts/train_xcopa.sh:29-31, :50-53; run_xcopa.py:379-380 (the final model)
        "xcopa": {
            "learning_rate": 2e-5,
            "epochs": 5,
            "max_length": 128,
            "batch_size": 8,
            "gradient_accumulation": 4,
            "selection": "last",
        },
        # scripts/train_qa.sh:26-31, :67 (doc_stride), :68 (--save_steps -1), :71 (warm-up),
        # :73 (weight decay); run_squad.py:583-584 (max_query_length), :629-630 (answer length)
        "xquad": {
            "learning_rate": 3e-5,
            "epochs": 3,
            "max_length": 384,
            "batch_size": 4,
            "gradient_accumulation": 8,
            "warmup_steps": 500,
            "weight_decay": 1e-4,
            "doc_stride": 128,
            "max_query_length": 64,
            "max_answer_length": 30,
            "selection": "last",
        },
        # scripts/run_tatoeba.sh:26 (MAXL 512); evaluate_retrieval.py:331 (pool_type mean)
        "tatoeba": {"max_length": 512, "pooling": "mean", "fine_tune_on": "xquad"},
        # scripts/train_lareqa.sh:28-31, :33-34, :64 (--save_steps 1000)
        "lareqa": {
            "learning_rate": 2e-5,
            "epochs": 3,
            "max_length": 256,
            "max_query_length": 96,
            "batch_size": 4,
            "gradient_accumulation": 4,
            "eval_steps": 1000,
            "pooling": "pooler",
        },
        # scripts/train_mewslix.sh:27-29, :35, :37
        "mewslix": {
            "learning_rate": 2e-5,
            "epochs": 2,
            "max_length": 64,
            "batch_size": 64,
            "gradient_accumulation": 4,
            "selection": "last",
            "pooling": "pooler",
        },
    },
    "robust-xlt": {
        # uclanlp/Robust-XLT@175cddb scripts/train_xnli.sh:26-28, :44-45, :71 (--save_steps 1000)
        "xnli": {
            "learning_rate": 2e-5,
            "epochs": 1,
            "max_length": 128,
            "batch_size": 8,
            "gradient_accumulation": 4,
            "eval_steps": 1000,
            "selection": "en-dev",
        },
        # scripts/train_pawsx.sh:26-28, :44-45, :71 (--save_steps 500)
        "pawsx": {
            "learning_rate": 2e-5,
            "epochs": 3,
            "max_length": 128,
            "batch_size": 8,
            "gradient_accumulation": 4,
            "eval_steps": 500,
            "selection": "en-dev",
        },
    },
    "phang2020": {
        # nyu-mll/jiant@daa5a258 e_run_models.sh:15-17 (lr 1e-5, eval every 1000, patience 30),
        # d_write_configs.sh:15 (2 epochs, 4 x 8), c_tokenize_and_cache.sh:16 (256),
        # xtreme_runconfig_writer.py:44 (warm-up 0.1), :48 (eval subset 500),
        # model_setup.py:85 (weight decay 0.01), runscript.py:48 (clipping 1.0)
        "xnli": {
            "learning_rate": 1e-5,
            "epochs": 2,
            "batch_size": 4,
            "gradient_accumulation": 8,
            "max_length": 256,
            "eval_steps": 1000,
            "patience": 30,
            "warmup_ratio": 0.1,
            "dev_subset": 500,
            "weight_decay": 0.01,
            "max_grad_norm": 1.0,
        },
        "pawsx": {"epochs": 5, "gradient_accumulation": 8},  # d_write_configs.sh:23
        "udpos": {"epochs": 10, "gradient_accumulation": 8},  # :31
        "panx": {"epochs": 10, "gradient_accumulation": 8},  # :39
        # :47 (2 epochs, 4 x 4); c_tokenize_and_cache.sh:98 (384)
        "xquad": {"epochs": 2, "gradient_accumulation": 4, "max_length": 384},
        "mlqa": {"epochs": 2, "gradient_accumulation": 4, "max_length": 384},  # :55, :110
        "tydiqa": {"epochs": 2, "gradient_accumulation": 4, "max_length": 384},  # :63, :121
        # xtreme_runconfig_writer.py:56,120-124; c_tokenize_and_cache.sh:154; e_run_models.sh:24-33
        "tatoeba": {"layer": 14, "pooling": "mean", "max_length": 512, "fine_tune_on": None},
    },
}
# Values for XLM-R large where the scripts give other ones (xtreme scripts/train_xnli.sh:40-42,
# train_mewslix.sh:42,44; Robust-XLT scripts/train_xnli.sh:41-42), and Tatoeba's layer by depth
# (run_tatoeba.sh:28-29 and 40-41: --specific_layer 7 of 12, 13 of 24, after the embeddings).
REFERENCE_LARGE = {
    ("xtreme-r", "xnli"): {"learning_rate": 3e-5, "batch_size": 2, "gradient_accumulation": 16},
    ("xtreme-r", "pawsx"): {"learning_rate": 2e-5, "batch_size": 2, "gradient_accumulation": 16},
    ("xtreme-r", "mewslix"): {"learning_rate": 1e-5, "batch_size": 8},
    ("xtreme-r", "tatoeba"): {"layer": 14},
    ("robust-xlt", "xnli"): {"learning_rate": 2e-5, "batch_size": 2, "gradient_accumulation": 16},
}
REFERENCE_BASE = {("xtreme-r", "tatoeba"): {"layer": 8}}
# Robust-XLT README.md, Data: perturb.py --num 10 (pawsx), --num 3 (xnli); perturb.py:10.
REFERENCE_RSDA = {"xnli": {"num": 3, "synonyms": "counterfitted"},
                  "pawsx": {"num": 10, "synonyms": "counterfitted"}}  # fmt: skip


def _value(protocol, task, setting, shape):
    entry = protocol.entry(task)
    value = entry.settings[setting]
    return value.resolve(shape).value


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_protocol_files_equal_the_reference_scripts(name):
    protocol = protocols.get(name, get_host())
    for task, expected in REFERENCE[name].items():
        for setting, value in expected.items():
            assert _value(protocol, task, setting, BASE) == value, (name, task, setting)
    for (protocol_name, task), expected in REFERENCE_LARGE.items():
        if protocol_name == name:
            for setting, value in expected.items():
                assert _value(protocol, task, setting, LARGE) == value, (task, setting)
    for (protocol_name, task), expected in REFERENCE_BASE.items():
        if protocol_name == name:
            for setting, value in expected.items():
                assert _value(protocol, task, setting, BASE) == value, (task, setting)


def test_robust_xlt_fixes_rs_da_as_the_readme_runs_it():
    protocol = protocols.get("robust-xlt", get_host())
    for task, expected in REFERENCE_RSDA.items():
        fixed = protocol.entry(task).regularizers["rs-da"]
        assert {key: value.value for key, value in fixed.items()} == expected


def test_every_value_names_a_source_at_a_commit():
    for name in protocols.builtin_names():
        document = json.loads((REPO / "registry" / "protocols" / f"{name}.json").read_text())

        for path, node in _values(document):
            assert "@" in node["source"] or "paper" in node["source"], (name, path)
            if node["verified"]:  # a verified value points at lines or a section
                assert any(ch.isdigit() for ch in node["source"]), (name, path)


def _values(node, path=""):
    """Every value entry (with `source` and `verified`) of a protocol document."""
    if isinstance(node, dict) and "verified" in node and "source" in node:
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _values(value, f"{path}.{key}")


def _config(task, protocol="xtreme-r", model="m", **overrides):
    return RunConfig(model=model, task=task, source="sample", out="unused", protocol=protocol,
                     overrides=Overrides(**overrides))  # fmt: skip


def _cell(config, shape):
    cell = cells.resolve(config, get_host())
    cell.shape = shape
    return cell


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_resolved_settings_of_every_task_equal_the_protocol_file(name):
    """What a run trains with is what the file says, for a base and a large model."""
    protocol = protocols.get(name, get_host())
    for task, entry in protocol.tasks.items():
        for shape in (BASE, LARGE):
            cell = _cell(_config(task, protocol=name), shape)
            stage = cell.finetune() if cell.spec.phases else cell.evaluation()
            for _, recipe in stage.recipes:
                for setting, value in entry.settings.items():
                    if setting in resolution.RECIPE_SETTINGS:
                        if setting == "layer" and value.resolve(shape).value is None:
                            continue
                        assert getattr(recipe, setting) == value.resolve(shape).value, (
                            name, task, setting, shape)  # fmt: skip
            assert not stage.departures


def test_the_declared_recipes_of_the_xtreme_r_tasks_are_the_protocol():
    """The xtreme_r plugin's own defaults agree with the xtreme-r protocol (a run under a
    protocol that does not cover a task uses them)."""
    protocol = protocols.get("xtreme-r", get_host())
    for task, entry in protocol.tasks.items():
        spec = get_host().get("tasks", task)
        for phase in spec.phases or (None,):
            recipe = spec.recipe_of(phase)
            for setting, value in entry.settings.items():
                if setting in resolution.RECIPE_SETTINGS and not value.variants:
                    assert getattr(recipe, setting) == value.value, (task, setting)


def test_an_option_that_changes_a_fixed_value_is_a_departure():
    cell = _cell(_config("xnli", learning_rate=1e-3, epochs=5), BASE)
    stage = cell.finetune()
    (departure,) = stage.departures  # epochs 5 is the protocol's value: no departure
    assert (departure.setting, departure.protocol, departure.used) == ("learning_rate", 2e-5, 1e-3)
    assert departure.reason == "option learning_rate"
    assert stage.recipes[0][1].learning_rate == 1e-3


def test_the_large_model_value_is_not_a_departure_for_a_large_model():
    cell = _cell(_config("xnli", learning_rate=3e-5), LARGE)
    assert not cell.finetune().departures
    cell = _cell(_config("xnli", learning_rate=3e-5), BASE)
    assert [d.setting for d in cell.finetune().departures] == ["learning_rate"]


def test_warm_up_in_updates_replaces_a_protocol_proportion():
    cell = _cell(_config("xnli", protocol="phang2020", warmup_steps=100), LARGE)
    stage = cell.finetune()
    recipe = stage.recipes[0][1]
    assert (recipe.warmup_steps, recipe.warmup_ratio) == (100, None)
    assert {d.setting for d in stage.departures} == {"warmup_steps", "warmup_ratio"}


def test_a_task_the_protocol_does_not_cover_runs_its_declared_recipe_with_a_note():
    cell = _cell(_config("xcopa", protocol="robust-xlt"), BASE)
    stage = cell.finetune()
    assert not stage.covered and not stage.fixed and not stage.departures
    assert stage.recipes[0][1] == get_host().get("tasks", "xcopa").recipe
    assert "does not cover task xcopa" in cell.notes()[0]


def test_xcopa_phases_take_the_protocol_values_each():
    cell = _cell(_config("xcopa", learning_rate=1e-4), BASE)
    stage = cell.finetune()
    assert [phase.name for phase, _ in stage.recipes] == ["siqa", "copa"]
    assert [d.setting for d in stage.departures] == ["siqa.learning_rate", "copa.learning_rate"]


def test_tatoeba_fine_tunes_on_squad_under_xtreme_r_and_embeds_as_is_under_phang2020():
    cell = _cell(_config("tatoeba"), BASE)
    assert cell.trained_task().name == "xquad"
    assert [phase.name for phase, _ in cell.finetune().recipes] == ["train"]
    assert cell.finetune().recipes[0][1].learning_rate == 3e-5  # xquad's values
    assert cell.evaluation().recipes[0][1].layer == 8
    cell = _cell(_config("tatoeba", protocol="phang2020"), LARGE)
    assert cell.trained_task() is None and cell.evaluation().recipes[0][1].layer == 14


def test_tatoeba_on_a_model_of_another_depth_needs_a_layer():
    cell = _cell(_config("tatoeba"), ModelShape("xlm-roberta", 2))
    with pytest.raises(Exception, match="pass --layer N"):
        cell.evaluation()
    cell = _cell(_config("tatoeba", layer=2), ModelShape("xlm-roberta", 2))
    assert cell.evaluation().recipes[0][1].layer == 2


def test_fine_tuning_tatoeba_on_nothing_is_a_departure_under_xtreme_r():
    config = RunConfig(model="m", task="tatoeba", source="xtreme", out="x", fine_tune_on="none")
    cell = _cell(config, BASE)
    assert cell.trained_task() is None
    regularizer = cell.regularizer()
    (departure,) = cell.cell_departures(tiny=False, regularizer=regularizer)
    assert (departure.setting, departure.protocol, departure.used) == (
        "fine_tune_on", "xquad", None
    )  # fmt: skip


def test_fine_tune_on_is_refused_for_a_task_with_training_data():
    config = RunConfig(model="m", task="xnli", source="sample", out="x", fine_tune_on="xquad")
    with pytest.raises(Exception, match="--fine-tune-on is for tasks"):
        _cell(config, BASE).finetune()


def test_rs_da_takes_the_protocol_copies_and_a_toy_table_departs():
    config = RunConfig(model="m", task="xnli", source="xtreme", out="x", protocol="robust-xlt",
                       regularizer="rs-da", regularizer_options={"synonyms": "toy"})  # fmt: skip
    cell = _cell(config, BASE)
    regularizer = cell.regularizer()
    assert regularizer.options["num"] == 3
    departures = cell.cell_departures(tiny=False, regularizer=regularizer)
    assert [(d.setting, d.protocol, d.used) for d in departures] == [
        ("rs-da.synonyms", "counterfitted", "toy")
    ]
    config = RunConfig(model="m", task="pawsx", source="xtreme", out="x", protocol="robust-xlt",
                       regularizer="rs-da")  # fmt: skip
    cell = _cell(config, BASE)
    regularizer = cell.regularizer()
    assert regularizer.options["num"] == 10
    assert not cell.cell_departures(tiny=False, regularizer=regularizer)


def test_tiny_model_sample_data_and_precision_depart():
    config = RunConfig(model="m", task="xnli", source="sample", out="x", precision="bf16")
    cell = _cell(config, BASE)
    departures = cell.cell_departures(tiny=True, regularizer=cell.regularizer())
    assert [d.setting for d in departures] == ["model", "data", "precision"]


def test_unknown_protocol_names_the_close_ones():
    with pytest.raises(UnknownNameError, match="xtreme-r"):
        protocols.get("xtreme_r", get_host())


PLUGIN_PROTOCOL = {
    "format": "xharness-protocol",
    "version": 1,
    "name": "americasnli-2022",
    "title": "AmericasNLI",
    "description": "A third party's protocol.",
    "references": ["Ebrahimi et al. 2022"],
    "tasks": {"xnli": {"settings": {
        "learning_rate": {"value": 1e-5, "source": "paper, section 4", "verified": False}
    }}},
}  # fmt: skip


def _plugin(tmp_path: Path, document: dict, name: str = "thirdparty"):
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    namespace: dict = {}
    exec(
        textwrap.dedent(f"""
        from xtreme_harness import hookimpl

        @hookimpl
        def xharness_register_protocols(register):
            register({str(path)!r})
        """),
        namespace,
    )
    module = type("Plugin", (), {"xharness_register_protocols": staticmethod(
        namespace["xharness_register_protocols"])})  # fmt: skip
    return module


def test_xharness_register_protocols(tmp_path):
    host = PluginHost(plugins=[("thirdparty", _plugin(tmp_path, PLUGIN_PROTOCOL))])
    found = protocols.available(host)
    assert found["americasnli-2022"][1] == "thirdparty" and "xtreme-r" in found
    cell = cells.resolve(_config("xnli", protocol="americasnli-2022"), host)
    cell.shape = BASE
    assert cell.finetune().recipes[0][1].learning_rate == 1e-5


def test_a_plugin_protocol_named_like_a_builtin_is_skipped_with_a_warning(tmp_path):
    clash = {**PLUGIN_PROTOCOL, "name": "xtreme-r"}
    host = PluginHost(entry_points=False, plugins=[("thirdparty", _plugin(tmp_path, clash))])
    with pytest.warns(PluginWarning, match="already ships"):
        found = protocols.available(host)
    assert found["xtreme-r"][1] == "xharness"
    strict = PluginHost(entry_points=False, plugins=[("thirdparty", _plugin(tmp_path, clash))],
                        environ={"XHARNESS_STRICT_PLUGINS": "1"})  # fmt: skip
    with pytest.raises(PluginError, match="already ships"):
        protocols.available(strict)


def test_a_broken_protocol_file_is_reported_and_skipped(tmp_path):
    broken = {**PLUGIN_PROTOCOL, "tasks": {"xnli": {"settings": {"learning_rate": {"value": 1}}}}}
    host = PluginHost(entry_points=False, plugins=[("thirdparty", _plugin(tmp_path, broken))])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = protocols.available(host)
    assert "americasnli-2022" not in found
    assert any("thirdparty.json" in str(w.message) and "source" in str(w.message)
               for w in caught)  # fmt: skip


def test_a_wrong_selection_value_names_the_file_and_field(tmp_path):
    bad = json.loads(json.dumps(PLUGIN_PROTOCOL))
    bad["tasks"]["xnli"]["settings"]["selection"] = {"value": "best", "source": "s",
                                                     "verified": True}  # fmt: skip
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(Exception, match=r"bad\.json.*tasks\.xnli\.settings\.selection"):
        protocols.load_file(path)


def test_the_example_protocol_of_the_plugin_guide_is_valid(tmp_path):
    page = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
    import re

    (block,) = [b for b in re.findall(r"```json\n(.*?)```", page, flags=re.DOTALL)
                if '"xharness-protocol"' in b]  # fmt: skip
    path = tmp_path / "example.json"
    path.write_text(block, encoding="utf-8")
    assert protocols.load_file(path).name == "americasnli-2022"


def test_protocols_command_lists_and_shows():
    from xtreme_harness.cli import cli

    runner = CliRunner()
    listing = runner.invoke(cli, ["protocols"])
    assert listing.exit_code == 0, listing.output
    assert "xtreme-r (default)" in listing.output and "robust-xlt" in listing.output
    shown = runner.invoke(cli, ["protocols", "show", "xtreme-r", "--task", "tatoeba"])
    assert shown.exit_code == 0, shown.output
    assert "scripts/run_tatoeba.sh:28-29" in shown.output and "fine_tune_on" in shown.output
    as_json = json.loads(runner.invoke(cli, ["protocols", "show", "robust-xlt", "--json"]).output)
    assert as_json["tasks"]["xnli"]["regularizers"]["rs-da"]["num"]["value"] == 3
    unknown = runner.invoke(cli, ["protocols", "show", "xtreme"])
    assert unknown.exit_code == 2


def test_strict_protocol_refuses_a_run_that_departs(tiny_model, tmp_path):
    from xtreme_harness.cli import cli

    out = tmp_path / "strict"
    result = CliRunner().invoke(cli, ["run", "--model", tiny_model, "--task", "xnli", "--source",
                                      "sample", "--learning-rate", "1e-3", "--strict-protocol",
                                      "--out", str(out), "--quiet"])  # fmt: skip
    assert result.exit_code == 2
    assert "departs from protocol xtreme-r in 3 values" in result.output
    assert "learning_rate 0.001 instead of 2e-05 (option learning_rate)" in result.output
    assert "model tiny random-initialised model" in result.output
    assert not (out / "result.json").exists()


def test_strict_protocol_refuses_a_grid_before_any_work(tiny_model, tmp_path):
    from xtreme_harness.cli import cli

    out = tmp_path / "grid"
    result = CliRunner().invoke(cli, ["grid", "--model", tiny_model, "--tasks", "xnli,pawsx",
                                      "--source", "sample", "--strict-protocol",
                                      "--out", str(out)])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "2 of 2 cells depart from their protocol" in result.output
    assert "data sample data instead of" in result.output
    assert not (out / "steps").exists()


def test_a_number_of_updates_instead_of_the_protocol_epochs_is_a_departure():
    cell = _cell(_config("pawsx", protocol="robust-xlt", max_steps=2), BASE)
    (departure,) = cell.finetune().departures
    assert (departure.setting, departure.protocol, departure.used) == ("epochs", 3, "2 updates")
    assert departure.reason == "option max_steps"
