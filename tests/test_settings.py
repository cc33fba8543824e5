"""Transfer settings: translate-test and translate-train-all beside zero-shot in one grid, with
the sample's copy of XTREME's released translations (shared fine-tuning, the translation store,
the result file, tables and the report), the translated examples, and the combinations that are
refused."""

from __future__ import annotations

import json
import shutil
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from helpers import REPO
from settings_helpers import (
    SAMPLE_LEXICONS,
    SAMPLE_TRANSLATIONS,
    check_setting,
    invoke,
    of_setting,
    translated_grid,
)

from xtreme_harness.cli import cli
from xtreme_harness.config import cell as cells
from xtreme_harness.config.run import RunConfig
from xtreme_harness.engine import translation
from xtreme_harness.engine.kinds.multiple_choice import MultipleChoice
from xtreme_harness.engine.stages import translated
from xtreme_harness.errors import DataError, UsageError
from xtreme_harness.plugin_host import get_host
from xtreme_harness.results import report as reports
from xtreme_harness.results import tables
from xtreme_harness.results.files import find

SETTINGS = ("zero-shot", "translate-test", "translate-train-all")


@pytest.fixture(scope="module")
def grid_dir(tiny_model, tmp_path_factory):
    """xnli in the three settings, two seeds, with the sample's copy of XTREME's released
    translations (every language: task scores exist)."""
    out = tmp_path_factory.mktemp("settings") / "g"
    store = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XHARNESS_CACHE", str(store))
        result = invoke(
            "grid", "--model", tiny_model, "--source", "sample", "--tasks", "xnli",
            "--settings", ",".join(SETTINGS), "--translator", "xtreme-translations",
            "--translator-option", f"folder={SAMPLE_TRANSLATIONS}", "--seeds", "1,2",
            "--max-steps", "2", "--out", out,
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out, store


def test_translate_test_shares_the_english_fine_tuning_and_translates_each_text_once(grid_dir):
    out, store = grid_dir
    results = find(str(out))
    assert len(results) == 6
    steps = [json.loads(line) for line in (out / "executions.jsonl").read_text().splitlines()]
    finetuned = {s["key"] for s in steps if s.get("stage") == "finetune"}
    assert len(finetuned) == 4  # per seed: zero-shot and translate-test share one
    translated = of_setting(results, "translate-test")
    assert all(r.document["config"]["setting"]["translator"]["name"] == "xtreme-translations"
               for r in translated)  # fmt: skip
    languages = [lang for lang in translated[0].document["evaluation"] if lang != "en"]
    assert len(languages) == 14
    translations = [s for s in steps if s.get("stage") == "translate"]
    # a translation step per language and direction, shared by both seeds' cells
    assert len(translations) == len({s["key"] for s in translations}) == 2 * 14
    for language in languages:
        entries = [r.document["evaluation"][language]["translation"] for r in translated]
        assert {e["texts"] for e in entries} == {60}  # 30 pairs, each sentence once
        assert entries[0] == entries[1] and 0 < entries[0]["translated"] <= 60  # the step's
        keys = {r.document["provenance"]["steps"][f"translate/{language}"] for r in translated}
        assert len(keys) == 1
    assert "translation" not in translated[0].document["evaluation"]["en"]
    stored = [json.loads(p.read_text("utf-8")) for p in (store / "translations").iterdir()]
    into_english = [d for d in stored if d["target"] == "en"]
    assert sorted(d["source"] for d in into_english) == sorted(languages)


def test_translate_train_all_trains_on_english_and_every_translation(grid_dir):
    out, _ = grid_dir
    for result in of_setting(find(str(out)), "translate-train-all"):
        (phase,) = result.document["training"]["phases"]
        counts = phase["train_examples"]
        assert counts["en"] == 90 and len(counts) == 15
        assert set(counts.values()) == {90}
        translation = result.document["training"]["translation"]
        assert sorted(translation) == sorted(lang for lang in counts if lang != "en")
        assert {t["source"] for t in translation.values()} == {"en"}
        assert {t["texts"] for t in translation.values()} == {180}
    for result in of_setting(find(str(out)), "zero-shot"):
        assert result.document["training"]["translation"] is None


def test_the_released_translations_are_the_sample_data_rendered_in_each_language(grid_dir):
    """The sample's translations are exact: German test sentences translated into English are the
    English test file's sentences, line by line."""
    from xharness_plugins.translators.released import XtremeTranslations

    sample = REPO / "plugins" / "xtreme_r" / "sample" / "xnli"
    german = [line.split("\t")[:2] for line in (sample / "test-de.tsv").read_text("utf-8")
              .splitlines()]  # fmt: skip
    english = [line.split("\t")[:2] for line in (sample / "test-en.tsv").read_text("utf-8")
               .splitlines()]  # fmt: skip
    released = XtremeTranslations(folder=str(SAMPLE_TRANSLATIONS))
    found = released.translate([a for a, _ in german], "de", "en")
    assert found == [a for a, _ in english]


def test_tables_and_the_report_tell_the_settings_apart(grid_dir):
    out, _ = grid_dir
    configs = tables.configurations(find(str(out)))
    assert sorted(c.label for c in configs) == [
        "translate-test (xtreme-translations)", "translate-train-all (xtreme-translations)",
        "zero-shot",
    ]  # fmt: skip
    built = reports.build(find(str(out)), "setting", "zero-shot", subgroups=(), distances=False)
    assert {c.contrast for c in built.comparisons} == {
        "translate-test (xtreme-translations) - zero-shot",
        "translate-train-all (xtreme-translations) - zero-shot",
    }
    assert all(c.seeds == [1, 2] for c in built.comparisons)


def test_the_translated_examples_keep_everything_but_their_texts(tmp_path):
    class Upper:
        name = "upper"

        def fingerprint(self):
            return {}

        def translate(self, texts, source, target):
            return [text.upper() for text in texts]

    ctx = SimpleNamespace(cell=SimpleNamespace(translator=Upper), languages=["en", "et", "sw"],
                          config=SimpleNamespace(setting="translate-test"),
                          spec=SimpleNamespace(name="xcopa"), translations={})  # fmt: skip
    examples = [{"id": "7", "context": "a cause", "choices": ["one", "two"], "label": 1,
                 "question": "cause"}]  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XHARNESS_CACHE", "off")
        shown, record = translated.translated(ctx, MultipleChoice, examples, "et", "en")
    assert shown == [{"id": "7", "context": "A CAUSE", "choices": ["ONE", "TWO"], "label": 1,
                      "question": "cause"}]  # fmt: skip
    assert examples[0]["context"] == "a cause"  # the originals are untouched
    assert record == {"translator": "upper", "source": "et", "target": "en", "texts": 3,
                      "translated": 3, "reused": 0}  # fmt: skip
    # a grid's translation step of the direction is read instead of the translator; a text the
    # step did not translate is an error naming its file
    store = tmp_path / "translations.json"
    translation.write_store(str(store), Upper(), "et", "en", ["a cause", "one"], ["X", "Y"])
    made = {"translator": "upper", "source": "et", "target": "en", "texts": 2,
            "translated": 2, "reused": 0}  # fmt: skip
    ctx.translations[("et", "en")] = (str(store), made)
    two = [{**examples[0], "choices": ["one", "one"]}]
    shown, record = translated.translated(ctx, MultipleChoice, two, "et", "en")
    assert shown[0]["context"] == "X" and shown[0]["choices"] == ["Y", "Y"] and record == made
    with pytest.raises(DataError, match=r"translations.json: 1 of 3 texts to translate from et"):
        translated.translated(ctx, MultipleChoice, examples, "et", "en")


def test_combinations_that_make_no_sense_are_refused_before_any_step():
    with pytest.raises(UsageError, match="translate-test on panx: a token-tagging task cannot be"):
        check_setting(task="panx", setting="translate-test", translator="dictionary")
    with pytest.raises(UsageError, match="needs --translator"):
        check_setting(setting="translate-test")
    with pytest.raises(UsageError, match="--generalized"):
        check_setting(setting="translate-test", translator="dictionary", generalized=True)
    with pytest.raises(UsageError, match="this cell is zero-shot"):
        check_setting(translator="dictionary")
    with pytest.raises(UsageError, match="parameter"):
        check_setting(
            setting="translate-test", translator="dictionary", translator_options={"x": 1}
        )
    with pytest.raises(UsageError, match="translate-train-all on xcopa: its fine-tuning is not"):
        check_setting(task="xcopa", setting="translate-train-all", translator="dictionary")
    check_setting(setting="translate-train-all", translator="xtreme-translations",
           translator_options={"folder": str(SAMPLE_TRANSLATIONS)})  # fmt: skip
    bad = invoke("run", "--model", "m", "--task", "udpos", "--source", "sample", "--setting",
                 "translate-test", "--translator", "dictionary", "--out", "x")  # fmt: skip
    assert bad.exit_code == 2 and "udpos: a token-tagging task" in bad.output


# -- few-shot ---------------------------------------------------------------------------------


def test_shots_are_fixed_by_seed_task_language_split_and_k():
    from xtreme_harness.engine.stages.shots import positions

    first = positions(90, 8, 1, "xnli:de:validation")
    assert first == positions(90, 8, 1, "xnli:de:validation") == sorted(set(first))
    assert len(first) == 8 and all(0 <= p < 90 for p in first)
    assert positions(90, 8, 2, "xnli:de:validation") != first
    assert positions(90, 8, 1, "xnli:fr:validation") != first
    with pytest.raises(UsageError, match="--shots 8: xnli:sw:validation has only 5"):
        positions(5, 8, 1, "xnli:sw:validation")


@pytest.fixture(scope="module")
def target_dev_layout(tmp_path_factory):
    """The XNLI sample in the download layout, with German and French development sets (the
    sample's released translations of the English training pairs)."""
    root = tmp_path_factory.mktemp("fewshot") / "download"
    shutil.copytree(REPO / "plugins" / "xtreme_r" / "sample" / "xnli", root / "xnli")
    for language in ("de", "fr"):
        released = (
            SAMPLE_TRANSLATIONS / "XNLI" / "translate-train" / f"en-{language}-translated.tsv"
        )
        rows = [line.split("\t") for line in released.read_text("utf-8").splitlines()]
        (root / "xnli" / f"dev-{language}.tsv").write_text(
            "".join(f"{a}\t{b}\t{label.replace('contradictory', 'contradiction')}\n"
                    for _, _, a, b, label in rows), encoding="utf-8",
        )  # fmt: skip
    return root


def test_few_shot_continues_on_recorded_shots_the_same_in_every_cell(
    tiny_model, target_dev_layout, tmp_path
):
    """The shots step continues zero-shot's English fine-tuning step (shared: two finetune
    steps for four cells); the shots are the same in every cell, recorded, and not test data;
    the estimate predicts the shots step's updates."""
    out = tmp_path / "g"
    grid = ["--model", tiny_model, "--source", "xtreme", "--data-dir", target_dev_layout,
            "--tasks", "xnli", "--settings", "zero-shot,few-shot", "--shots", "4",
            "--regularizers", "none,rs-rp", "--eval-languages", "en,de,fr", "--seeds", "1",
            "--max-steps", "2", "--out", out]  # fmt: skip
    assert invoke("grid", *grid, "--estimate").exit_code == 0
    predicted = json.loads((out / "estimate.json").read_text("utf-8"))["steps"]
    result = invoke("grid", *grid)
    assert result.exit_code == 0, result.output
    records = [json.loads(p.read_text("utf-8")) for p in (out / "steps").glob("*/step.json")]
    stages = sorted(r["stage"] for r in records)
    assert stages == ["evaluate"] * 4 + ["finetune"] * 2 + ["shots"] * 2
    for record in records:
        if record["stage"] == "shots":
            (tuned,) = record["needs"]
            zero_cells = [c for c in of_setting(find(str(out)), "zero-shot")
                          if c.document["provenance"]["steps"]["finetune"] == tuned]  # fmt: skip
            assert len(zero_cells) == 1  # continues the zero-shot cell's own fine-tuning
            (phase,) = record["outputs"]["phases"]
            assert predicted[record["key"]]["work"]["updates"] == phase["updates"]
    few = of_setting(find(str(out)), "few-shot")
    assert len(few) == 2 and {r.document["config"]["setting"]["shots"] for r in few} == {4}
    drawn = []
    for result in few:
        english, shots = result.document["training"]["phases"]
        assert english["train_examples"] == {"en": 90}
        assert shots["name"] == "shots" and shots["train_examples"] == {"de": 4, "fr": 4}
        assert shots["selection"]["rule"] == "last" and shots["best"] is None
        drawn.append(shots["shots"])
        assert any("few-shot: the shots phase" in note for note in result.document["notes"])
    assert drawn[0] == drawn[1]  # the same shots under both regularizers
    for language in ("de", "fr"):
        record = drawn[0][language]
        assert record["split"] == "validation" and record["available"] == 90
        dev = (target_dev_layout / "xnli" / f"dev-{language}.tsv").read_text("utf-8").splitlines()
        test = (target_dev_layout / "xnli" / f"test-{language}.tsv").read_text("utf-8")
        shot_pairs = {"\t".join(dev[p].split("\t")[:2]) for p in record["positions"]}
        assert not any(pair in test for pair in shot_pairs)  # disjoint from the test set
    labels = sorted(c.label for c in tables.configurations(find(str(out))))
    assert labels == ["few-shot (k=4) · none", "few-shot (k=4) · rs-rp", "zero-shot · none",
                      "zero-shot · rs-rp"]  # fmt: skip
    alone = tmp_path / "run"  # xharness run: the same cell in one process, the same model
    ran = invoke("run", "--model", tiny_model, "--source", "xtreme", "--data-dir",
                 target_dev_layout, "--task", "xnli", "--setting", "few-shot", "--shots", "4",
                 "--eval-languages", "en,de,fr", "--seed", "1", "--max-steps", "2", "--out",
                 alone, "--quiet")  # fmt: skip
    assert ran.exit_code == 0, ran.output
    document = json.loads((alone / "result.json").read_text("utf-8"))
    (cell,) = [r for r in few if r.document["config"]["regularizer"]["name"] == "none"]
    mine, theirs = document["training"]["phases"][-1], cell.document["training"]["phases"][-1]
    assert mine["shots"] == theirs["shots"] and mine["losses"] == theirs["losses"]
    for language in ("de", "fr"):
        assert (alone / document["evaluation"][language]["predictions"]).read_bytes() == (
            out / cell.document["evaluation"][language]["predictions"]).read_bytes()  # fmt: skip


def test_few_shot_without_target_data_or_shots_is_refused(tiny_model, tmp_path):
    with pytest.raises(UsageError, match="needs --shots K"):
        check_setting(setting="few-shot")
    with pytest.raises(UsageError, match="--shots is for the few-shot setting"):
        check_setting(shots=10)
    with pytest.raises(UsageError, match="few-shot on tatoeba: the task is not fine-tuned"):
        check_setting(task="tatoeba", setting="few-shot", shots=10)
    bad = invoke("run", "--model", tiny_model, "--task", "xnli", "--source", "sample",
                 "--setting", "few-shot", "--shots", "4", "--max-steps", "1",
                 "--eval-languages", "en,de", "--out", tmp_path / "r")  # fmt: skip
    assert bad.exit_code == 2, bad.output
    assert "no labelled train or validation data in de from the sample source" in bad.output


def test_a_missing_translation_file_names_the_setting_and_the_path(tiny_model, tmp_path):
    empty = tmp_path / "bucket"
    (empty / "XNLI" / "translate-test").mkdir(parents=True)
    bad = invoke("run", "--model", tiny_model, "--task", "xnli", "--source", "sample",
                 "--setting", "translate-test", "--translator", "xtreme-translations",
                 "--translator-option", f"folder={empty}", "--max-steps", "1",
                 "--eval-languages", "en,de", "--out", tmp_path / "r")  # fmt: skip
    assert bad.exit_code == 2, bad.output
    assert "--setting translate-test on xnli: translator xtreme-translations: no de -> en" in (
        bad.output
    )
    assert str(empty / "XNLI" / "translate-test" / "test-de-en-translated.tsv") in bad.output


def test_a_cell_builds_its_translator_once():
    """translate-train-all asks for the translator once per language: a model loaded once."""
    config = RunConfig(model="m", task="xnli", source="sample", out="o",
                       setting="translate-train-all", translator="dictionary")  # fmt: skip
    cell = cells.resolve(config, get_host())
    assert cell.translator() is cell.translator()


def test_multi_source_adds_the_chosen_languages_training_data(tiny_model, tmp_path):
    """SIB-200 zero-shot and multi-source with two language sets: each multi-source cell trains
    on English plus every training example of the languages its set picks (all of them without
    a budget), zero-shot on English alone; the tables tell the settings apart."""
    spec = tmp_path / "grid.yaml"
    spec.write_text(
        f"model: {tiny_model}\nsource: sample\ntasks: [sib200]\nseeds: [1, 2]\nmax_steps: 2\n"
        "eval_languages: en,sw,yo,qu\nsettings: [zero-shot, multi-source]\nmulti_sources:\n"
        "  - {name: explicit, options: {codes: 'sw,yo'}}\n"
        "  - {name: high-resource, options: {languages: 2}}\n"
        f"out: {tmp_path / 'g'}\n",
        encoding="utf-8",
    )
    made = CliRunner().invoke(cli, ["grid", str(spec)])
    assert made.exit_code == 0, made.output
    results = find(str(tmp_path / "g"))
    assert len(results) == 6  # zero-shot is not repeated per multi-source language set
    sib = get_host().get("tasks", "sib200")
    train = {lang: len(sib.sources["sample"].load("train", lang).to_list())
             for lang in ("en", "sw", "yo")}  # fmt: skip
    for result in results:
        document = result.document
        counts = document["training"]["phases"][0]["train_examples"]
        setting = document["config"]["setting"]
        if setting["name"] == "zero-shot":
            assert counts == {"en": train["en"]} and document["training"]["multi_source"] is None
            continue
        record = document["training"]["multi_source"]
        assert record["examples"] == counts
        if setting["multi_source"]["language_set"]["name"] == "explicit":
            assert counts == train
        else:
            assert counts["en"] == train["en"] and len(counts) == 3 and "en" in counts
    labels = {c.label for c in tables.configurations(results)}
    assert labels == {"zero-shot", "multi-source (explicit)", "multi-source (high-resource)"}


def test_multi_source_is_refused_where_it_adds_nothing():
    with pytest.raises(UsageError, match=r"multi-source on xnli: the task has no training data"
                       r".*tydiqa"):  # fmt: skip
        check_setting(setting="multi-source", multi_source="explicit",
               multi_source_options={"codes": "sw"})  # fmt: skip
    with pytest.raises(UsageError, match="needs --multi-source NAME"):
        check_setting(task="sib200", setting="multi-source")
    with pytest.raises(UsageError, match="are for the multi-source setting; this cell is zero"):
        check_setting(task="sib200", multi_source="explicit", multi_source_options={"codes": "sw"})
    with pytest.raises(UsageError, match="give --multi-source-budget"):
        check_setting(task="sib200", setting="multi-source", multi_source="temperature")
    check_setting(task="sib200", setting="multi-source", multi_source="temperature",
           multi_source_budget=100)  # fmt: skip


def test_each_translation_is_a_step_that_every_cell_reading_it_shares(
    tiny_model, tmp_path, monkeypatch
):
    """With no translation store (XHARNESS_CACHE=off), the cells of two seeds and of
    translate-train and translate-train-all still translate each text once per direction: in
    the grid's translate steps, which the fine-tuning steps read."""
    Dictionary = get_host().get("translators", "dictionary")
    calls: list[tuple[str, str, str]] = []
    original = Dictionary.translate

    def counted(self, texts, source, target):
        calls.extend((source, target, text) for text in texts)
        return original(self, texts, source, target)

    monkeypatch.setattr(Dictionary, "translate", counted)
    out = translated_grid(tiny_model, tmp_path, monkeypatch, "xnli",
                          "translate-train,translate-train-all", "en,de,fr", "--max-steps", "1",
                          translator="dictionary", folder=SAMPLE_LEXICONS, cache="off",
                          seeds="1,2")  # fmt: skip
    assert len(calls) == len(set(calls)) and {(s, t) for s, t, _ in calls} == {
        ("en", "de"), ("en", "fr")}  # fmt: skip
    results = find(str(out))
    assert len(results) == 4
    keys = {r.document["provenance"]["steps"]["translate/de"] for r in results}
    assert len(keys) == 1  # both settings, both seeds
    (key,) = keys
    stored = json.loads((out / "steps" / key / "translations.json").read_text("utf-8"))
    assert (stored["source"], stored["target"]) == ("en", "de")
    assert len(stored["translations"]) == len([c for c in calls if c[1] == "de"])
    for result in results:
        record = result.document["training"]["translation"]["de"]
        assert record["translated"] == len(stored["translations"])  # what the step did


def test_translate_test_translates_the_perturbed_test_set_in_a_step_of_its_own(
    tiny_model, tmp_path, monkeypatch
):
    """Under a perturber that needs no model, evaluation perturbs and then translates: the
    perturbed test set is translated in a translate step of its own, beside the clean one."""
    out = translated_grid(tiny_model, tmp_path, monkeypatch, "xnli", "translate-test", "en,de",
                          "--perturbations", "none,typos", "--max-steps", "1",
                          translator="dictionary", folder=SAMPLE_LEXICONS,
                          cache="off")  # fmt: skip
    by_perturbation = {r.document["config"]["perturbation"] and "typos": r
                       for r in find(str(out))}  # fmt: skip
    clean, typos = by_perturbation[None], by_perturbation["typos"]
    steps = [r.document["provenance"]["steps"] for r in (clean, typos)]
    assert steps[0]["finetune"] == steps[1]["finetune"]
    assert steps[0]["translate/de"] != steps[1]["translate/de"]
    stored = [json.loads((out / "steps" / s["translate/de"] / "translations.json")
                         .read_text("utf-8"))["translations"] for s in steps]  # fmt: skip
    assert set(stored[0]) != set(stored[1])  # other texts: the perturbed ones
    assert typos.document["evaluation"]["de"]["perturbation"]["changed"] > 0


def test_translate_train_fine_tunes_one_model_per_language_on_its_translations(
    tiny_model, tmp_path, monkeypatch
):
    """xnli zero-shot and translate-train on en, de, fr: translate-train trains three models, en
    on the English data (the zero-shot model: same seed, data and recipe, so the same English
    predictions), de and fr on the translations into them; each language is evaluated with its
    own model, and the translations are recorded."""
    out = translated_grid(tiny_model, tmp_path, monkeypatch, "xnli", "zero-shot,translate-train",
                          "en,de,fr", "--epochs", "3", "--learning-rate", "1e-3",
                          "--batch-size", "8", "--grad-accum", "1")  # fmt: skip
    results = find(str(out))
    (zero,), (train,) = of_setting(results, "zero-shot"), of_setting(results, "translate-train")
    phases = train.document["training"]["phases"]
    assert [(p["name"], p["train_examples"]) for p in phases] == [
        ("train/en", {"en": 90}), ("train/de", {"de": 90}), ("train/fr", {"fr": 90})]  # fmt: skip
    assert sorted(train.document["training"]["translation"]) == ["de", "fr"]
    steps = train.document["provenance"]["steps"]
    assert steps["finetune/en"] == zero.document["provenance"]["steps"]["finetune"]  # shared
    assert sorted(p.name for p in (out / "steps").glob("fi-*/model-*")) == [
        "model-de", "model-fr"]  # fmt: skip

    def predictions(result, language):
        return (out / result.document["evaluation"][language]["predictions"]).read_text("utf-8")

    assert predictions(train, "en") == predictions(zero, "en")
    weights = {
        language: (out / "steps" / steps[f"finetune/{language}"])
        .glob("model*/model.safetensors")
        .__next__()
        .read_bytes()
        for language in ("en", "de", "fr")
    }
    assert weights["de"] != weights["en"] != weights["fr"] != weights["de"]
    assert set(train.document["scores"]) == {"en", "de", "fr"}
    with pytest.raises(UsageError, match="translate-train has a model per language"):
        check_setting(setting="translate-train", translator="dictionary", generalized=True)
    with pytest.raises(UsageError, match="translate-train on panx: a token-tagging task"):
        check_setting(task="panx", setting="translate-train", translator="dictionary")


def test_multi_source_on_panx_reads_its_other_training_files(tiny_model, tmp_path):
    """PAN-X has a training file per language (the sample: de, hi, sw, yo): the low-resource
    set adds Swahili and Yoruba to the English data, and says which languages it could not
    read."""
    out = tmp_path / "run"
    made = invoke("run", "--model", tiny_model, "--task", "panx", "--source", "sample",
                  "--setting", "multi-source", "--multi-source", "low-resource-diverse",
                  "--multi-source-option", "languages=2", "--eval-languages", "en,sw",
                  "--max-steps", "2", "--out", out, "--quiet")  # fmt: skip
    assert made.exit_code == 0, made.output
    document = json.loads((out / "result.json").read_text("utf-8"))
    assert document["training"]["phases"][0]["train_examples"] == {"en": 80, "sw": 20, "yo": 20}
    assert any("no training data in 43 languages" in note for note in document["notes"])


def test_multi_source_on_udpos_reads_the_treebanks_with_a_training_part(tiny_model, tmp_path):
    """UD-POS has a training file for every language but th, tl and yo (the sample: de, hi,
    wo): an explicit set of German and Wolof adds theirs; Yoruba, test-only, is refused."""
    from xtreme_harness.plugin_host import get_host

    spec = get_host().get("tasks", "udpos")
    assert len(spec.train_languages) == len(spec.languages) - 3
    assert not {"th", "tl", "yo"} & set(spec.train_languages)
    out = tmp_path / "run"
    run = ["run", "--model", tiny_model, "--task", "udpos", "--source", "sample", "--setting",
           "multi-source", "--multi-source", "explicit", "--eval-languages", "en,wo",
           "--max-steps", "2", "--out", out, "--quiet"]  # fmt: skip
    refused = invoke(*run, "--multi-source-option", "codes=de,wo,yo")
    assert refused.exit_code == 2 and "the task has no training data in yo" in refused.output
    made = invoke(*run, "--multi-source-option", "codes=de,wo")
    assert made.exit_code == 0, made.output
    document = json.loads((out / "result.json").read_text("utf-8"))
    phase = document["training"]["phases"][0]
    assert phase["train_examples"] == {"en": 80, "de": 20, "wo": 20}


def test_a_misspelt_multi_source_set_names_its_line(tmp_path):
    spec = tmp_path / "grid.yaml"
    spec.write_text("model: m\nsource: sample\ntasks: [sib200]\nsettings: [multi-source]\n"
                    "multi_sources: [explicitt]\n", encoding="utf-8")  # fmt: skip
    bad = invoke("grid", spec, "--validate")
    assert bad.exit_code == 2 and "grid.yaml:5" in bad.output
    assert "did you mean: explicit" in bad.output
