"""Transfer settings: translate-test beside zero-shot in one grid (shared fine-tuning, the
translation store, the result file, tables and the report), the translated examples, and the
combinations that are refused."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from xtreme_harness.cli import cli
from xtreme_harness.config import cell as cells
from xtreme_harness.config.run import RunConfig
from xtreme_harness.engine.kinds.multiple_choice import MultipleChoice
from xtreme_harness.engine.stages import translate_test
from xtreme_harness.errors import UsageError
from xtreme_harness.plugin_host import get_host
from xtreme_harness.results import report as reports
from xtreme_harness.results import tables
from xtreme_harness.results.files import find

LANGUAGES = ("en", "de", "fr")


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def lexicons(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lexicons")
    (folder / "de-en.txt").write_text("der the\ndie the\nund and\nist is\n", encoding="utf-8")
    (folder / "fr-en.txt").write_text("le the\nla the\net and\nest is\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def grid_dir(tiny_model, lexicons, tmp_path_factory):
    """xnli, zero-shot and translate-test (dictionary), two seeds, English, German, French."""
    out = tmp_path_factory.mktemp("settings") / "g"
    store = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XHARNESS_CACHE", str(store))
        result = invoke(
            "grid", "--model", tiny_model, "--source", "sample", "--tasks", "xnli",
            "--settings", "zero-shot,translate-test", "--translator", "dictionary",
            "--translator-option", f"folder={lexicons}", "--eval-languages", ",".join(LANGUAGES),
            "--seeds", "1,2", "--max-steps", "2", "--out", out,
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out, store


def test_translate_test_shares_the_english_fine_tuning_and_translates_each_text_once(grid_dir):
    out, store = grid_dir
    results = find(str(out))
    assert len(results) == 4
    steps = [json.loads(line) for line in (out / "executions.jsonl").read_text().splitlines()]
    finetuned = {s["key"] for s in steps if s.get("stage") == "finetune"}
    assert len(finetuned) == 2  # one per seed, shared by both settings
    translated = [r for r in results if r.document["config"]["setting"]["name"] ==
                  "translate-test"]  # fmt: skip
    assert all(r.document["config"]["setting"]["translator"]["name"] == "dictionary"
               for r in translated)  # fmt: skip
    distinct = {}
    for language in ("de", "fr"):
        entries = [r.document["evaluation"][language]["translation"] for r in translated]
        texts = {e["texts"] for e in entries}
        assert len(texts) == 1  # the same test set under both seeds
        # the first seed's cell sends each distinct text once, the second reads them all back
        assert sorted(e["translated"] for e in entries)[0] == 0
        distinct[language] = max(e["translated"] for e in entries)
        assert 0 < distinct[language] <= texts.pop()
    assert "translation" not in translated[0].document["evaluation"]["en"]
    stored = [json.loads(p.read_text("utf-8")) for p in (store / "translations").iterdir()]
    assert sorted(d["source"] for d in stored) == ["de", "fr"]
    for document in stored:
        assert document["target"] == "en"
        assert len(document["translations"]) == distinct[document["source"]]


def test_tables_and_the_report_tell_the_settings_apart(grid_dir):
    out, _ = grid_dir
    configs = tables.configurations(find(str(out)))
    assert sorted(c.label for c in configs) == ["translate-test (dictionary)", "zero-shot"]
    built = reports.build(find(str(out)), "setting", "zero-shot", subgroups=(), distances=False)
    # evaluated on 3 of the 15 languages: no task score, so the comparison is left out, named
    assert not built.comparisons
    assert any(m.startswith("xnli, -: translate-test (dictionary) - zero-shot: a result without")
               for m in built.missing)  # fmt: skip


def test_the_translated_examples_keep_everything_but_their_texts():
    class Upper:
        name = "upper"

        def fingerprint(self):
            return {}

        def translate(self, texts, source, target):
            return [text.upper() for text in texts]

    ctx = SimpleNamespace(spec=SimpleNamespace(train_language="en"),
                          cell=SimpleNamespace(translator=Upper))  # fmt: skip
    examples = [{"id": "7", "context": "a cause", "choices": ["one", "two"], "label": 1,
                 "question": "cause"}]  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XHARNESS_CACHE", "off")
        shown, record = translate_test.translated(ctx, MultipleChoice, examples, "et")
    assert shown == [{"id": "7", "context": "A CAUSE", "choices": ["ONE", "TWO"], "label": 1,
                      "question": "cause"}]  # fmt: skip
    assert examples[0]["context"] == "a cause"  # the originals are untouched
    assert record == {"translator": "upper", "source": "et", "target": "en", "texts": 3,
                      "translated": 3, "reused": 0}  # fmt: skip


def _check(**config):
    base = {"model": "m", "task": "xnli", "source": "sample", "out": "o"}
    cells.resolve(RunConfig(**{**base, **config}), get_host()).check_setting()


def test_combinations_that_make_no_sense_are_refused_before_any_step(lexicons):
    with pytest.raises(UsageError, match="panx: a token-tagging task cannot be evaluated"):
        _check(task="panx", setting="translate-test", translator="dictionary")
    with pytest.raises(UsageError, match="needs --translator"):
        _check(setting="translate-test")
    with pytest.raises(UsageError, match="--generalized"):
        _check(setting="translate-test", translator="dictionary", generalized=True)
    with pytest.raises(UsageError, match="this cell is zero-shot"):
        _check(translator="dictionary")
    with pytest.raises(UsageError, match="parameter"):
        _check(setting="translate-test", translator="dictionary", translator_options={"x": 1})
    _check(setting="translate-test", translator="dictionary",
           translator_options={"folder": str(lexicons)})  # fmt: skip
    bad = invoke("run", "--model", "m", "--task", "udpos", "--source", "sample", "--setting",
                 "translate-test", "--translator", "dictionary", "--out", "x")  # fmt: skip
    assert bad.exit_code == 2 and "udpos: a token-tagging task" in bad.output
