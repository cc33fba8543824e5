"""XGLUE: its tasks on the sample in the release layout, its readers' errors, its benchmark
definition, and its scores in tables and in `xharness score`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from xharness_plugins.xglue.readers import columns
from xtreme_harness.cli import cli
from xtreme_harness.errors import DataError
from xtreme_harness.interfaces import UPOS_TAGS, conll_columns
from xtreme_harness.plugin_host import get_host
from xtreme_harness.registry import default_registry, load_benchmark
from xtreme_harness.results import tables
from xtreme_harness.results.files import find

XGLUE_ONLY = ("xglue-ner", "xglue-pos", "nc", "qadsm", "wpr", "qam")


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _load(task, split, language):
    return get_host().get("tasks", task).sources["sample"].load(split, language).to_list()


@pytest.mark.parametrize("task", XGLUE_ONLY)
def test_every_language_has_labelled_sample_data(task):
    spec = get_host().get("tasks", task)
    assert spec.languages == load_benchmark("xglue").tasks[task].languages
    assert _load(task, "train", "en")
    for language in spec.languages:
        for split in ("validation", "test"):
            examples = _load(task, split, language)
            if spec.kind.value == "token-tagging":
                assert all(len(e["tokens"]) == len(e["tags"]) > 0 for e in examples)
            else:
                assert {e["label"] for e in examples} <= set(spec.labels)


def test_wpr_gold_pairs_each_page_with_its_query():
    from xtreme_harness.engine.kinds import implementation

    spec = get_host().get("tasks", "wpr")
    examples = _load("wpr", "test", "de")
    gold = implementation(spec, spec.recipe).gold(examples)
    assert gold[0] == (examples[0]["text_a"], examples[0]["label"])
    assert len({query for query, _ in gold}) >= 3


def test_ner_reads_iob1_and_iob2_alike():
    german = _load("xglue-ner", "test", "de")  # IOB1, as XGLUE ships English and German
    spanish = _load("xglue-ner", "test", "es")
    assert not any(t.startswith("B-") for e in german for t in e["tags"])
    assert any(t.startswith("B-") for e in spanish for t in e["tags"])


def test_malformed_release_lines_name_file_and_line(tmp_path):
    bad = tmp_path / "xglue.nc.en.dev"
    bad.write_text("a title\ta body\tsports\nonly a title\tsports\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"xglue.nc.en.dev:2: expected 3 tab-separated"):
        columns(("news title", "news body"), ("sports",))(str(bad))
    bad.write_text("a title\ta body\tweather\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"dev:1: .*'weather' is not one of"):
        columns(("news title", "news body"), ("sports",))(str(bad))
    tags = tmp_path / "en.dev"
    tags.write_text("-DOCSTART- O\n\nThe DET\ncat\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"en.dev:4: expected 'token tag'"):
        conll_columns(UPOS_TAGS)(str(tags))
    tags.write_text("The DET\ncat NOUNS\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"en.dev:2: .*'NOUNS' is not one of"):
        conll_columns(UPOS_TAGS)(str(tags))


def test_every_xglue_language_is_in_the_registry():
    registry = default_registry()
    for task in load_benchmark("xglue").tasks.values():
        for code in task.languages:
            language = registry.get(code)
            assert language.family and language.script


def test_xglue_definition_scores_shared_tasks_on_its_own_terms():
    xglue, xtreme = load_benchmark("xglue"), load_benchmark("xtreme")
    assert xglue.tasks["pawsx"].languages == ("de", "en", "es", "fr")
    assert set(xglue.tasks["pawsx"].languages) < set(xtreme.tasks["pawsx"].languages)
    assert xglue.tasks["mlqa"].score == ("f1",)
    assert xglue.tasks["xglue-pos"].score == ("precision",)
    assert xglue.groups["unique"] == ("nc", "qadsm", "wpr", "qam")


def test_a_grid_scored_as_xglue(tiny_model, tmp_path):
    """PAWS-X, MLQA and WPR trained for a few steps: the XGLUE table scores PAWS-X on XGLUE's
    four languages and MLQA by F1, and `xharness score --benchmark xglue` agrees with it."""
    spec = tmp_path / "grid.yaml"
    spec.write_text(
        f"model: {tiny_model}\nsource: sample\ntasks: [pawsx, mlqa, wpr]\nseeds: [1]\n"
        f"max_steps: 3\nout: {tmp_path / 'g'}\n",
        encoding="utf-8",
    )
    made = invoke("grid", spec)
    assert made.exit_code == 0, made.output
    results = {r.task: r for r in find(str(tmp_path / "g"))}
    pawsx = results["pawsx"].document
    four = sum(pawsx["scores"][lang]["accuracy"] for lang in ("de", "en", "es", "fr")) / 4
    mlqa = results["mlqa"].document
    f1 = sum(s["f1"] for s in mlqa["scores"].values()) / len(mlqa["scores"])
    xglue = load_benchmark("xglue")
    assert tables.benchmark_value(results["pawsx"], xglue.tasks["pawsx"]) == pytest.approx(four)
    assert tables.benchmark_value(results["mlqa"], xglue.tasks["mlqa"]) == pytest.approx(f1)
    assert f1 != pytest.approx(mlqa["score"])  # XTREME's is (EM + F1) / 2
    wpr = results["wpr"].document
    assert wpr["task"]["metric"] == "ndcg" and set(wpr["scores"]) == set(
        xglue.tasks["wpr"].languages
    )
    table = invoke("tables", tmp_path / "g", "--benchmark", "xglue", "--format", "json")
    assert table.exit_code == 0, table.output
    assert "XGLUE (understanding)" in table.output and "needs all 9 tasks" in table.output
    exported = invoke(
        "export", tmp_path / "g", "--out", tmp_path / "sub", "--gold", tmp_path / "gold"
    )
    assert exported.exit_code == 0, exported.output
    scored = invoke("score", tmp_path / "sub", tmp_path / "gold", "--benchmark", "xglue", "--json")
    assert scored.exit_code == 0, scored.output
    document = json.loads(scored.output)
    assert document["pawsx"]["avg_metric"] == pytest.approx(four)
    assert document["mlqa"]["avg_metric"] == pytest.approx(f1)
    assert document["wpr"]["avg_metric"] == pytest.approx(wpr["score"])


def test_the_sample_is_what_its_script_writes():
    import subprocess
    import sys

    from helpers import REPO

    done = subprocess.run(
        [sys.executable, "-m", "scripts.sample_data.xglue", "--check"],
        cwd=REPO, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_xglue_protocol_fixes_every_task_as_the_declared_recipes_do():
    """registry/protocols/xglue.json covers the nine tasks; for XGLUE's own tasks its values are
    the recipes the plugin declares (the same Unicoder lines), so a cell on the protocol departs
    from nothing but what it changes."""
    from xtreme_harness.registry import protocols

    protocol = protocols.get("xglue", get_host())
    assert set(protocol.tasks) == set(load_benchmark("xglue").tasks)
    for name in XGLUE_ONLY:
        recipe = get_host().get("tasks", name).recipe
        settings = protocol.tasks[name].settings
        for key in ("learning_rate", "epochs", "max_length", "batch_size", "selection"):
            assert settings[key].value == getattr(recipe, key), (name, key)
            assert settings[key].verified and "Unicoder" in settings[key].source


def test_a_task_its_protocol_does_not_cover_departs_from_its_declared_recipe():
    """nc under the default protocol (xtreme-r, which does not cover it): an option that
    changes its declared, sourced recipe is a departure naming that recipe's value."""
    from xtreme_harness.config import cell as cells
    from xtreme_harness.config.run import Overrides, RunConfig

    config = RunConfig(model="m", task="nc", source="sample", out="o",
                       overrides=Overrides(learning_rate=1e-3, max_steps=2))  # fmt: skip
    found = {d.setting: d for d in cells.resolve(config, get_host()).departures()}
    assert found["learning_rate"].protocol == 5e-6 and found["learning_rate"].used == 1e-3
    assert found["learning_rate"].verified
    assert found["epochs"].protocol == 10 and found["epochs"].used == "2 updates"
