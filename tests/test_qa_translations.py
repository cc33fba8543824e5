"""Extractive QA in the translate settings: XTREME's released translations of whole files
(training sets out of English, test sets into English), read as XTREME's training reads them,
and translate-test scored on the original question ids."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from helpers import REPO
from settings_helpers import SAMPLE_TRANSLATIONS, check_setting, of_setting, translated_grid

from xtreme_harness.engine.stages import released
from xtreme_harness.errors import DataError, UsageError
from xtreme_harness.results.files import find


def test_released_qa_translations_are_read_as_xtremes_training_reads_them(tmp_path):
    """A question is kept when the words its answer's offsets cover contain the answer (moved to
    where it is exactly), dropped otherwise (third_party/processors/squad.py lines 95-100)."""
    path = tmp_path / "squad.translate.train.en-de.json"
    context = "Anna kauft das Buch in Berlin."
    qas = [
        {"id": "exact", "question": "q", "answers": [{"text": "Berlin", "answer_start": 23}]},
        {"id": "inside", "question": "q", "answers": [{"text": "Berlin", "answer_start": 25}]},
        {"id": "elsewhere", "question": "q", "answers": [{"text": "Berlin", "answer_start": 0}]},
        {"id": "minus", "question": "q", "answers": [{"text": "Buch", "answer_start": -1}]},
        {"id": "beyond", "question": "q", "answers": [{"text": "Buch", "answer_start": 99}]},
    ]
    path.write_text(json.dumps({"data": [{"paragraphs": [{"context": context, "qas": qas}]}]}),
                    encoding="utf-8")  # fmt: skip
    kept, dropped = released.projected_examples(str(path))
    assert [e["id"] for e in kept] == ["exact", "inside"] and dropped == 3
    assert all(e["answers"]["answer_start"] == [23] for e in kept)
    sample = SAMPLE_TRANSLATIONS / "SQuAD" / "translate-train" / "squad.translate.train.en-de.json"
    kept, dropped = released.projected_examples(str(sample))
    assert (len(kept), dropped) == (38, 2)
    for example in kept:
        (text,), (start,) = example["answers"]["text"], example["answers"]["answer_start"]
        assert example["context"][start : start + len(text)] == text


def test_extractive_qa_trains_on_released_translations(tiny_model, tmp_path, monkeypatch):
    out = translated_grid(tiny_model, tmp_path, monkeypatch, "xquad",
                          "translate-train,translate-train-all", "en,de,es",
                          "--max-steps", "2")  # fmt: skip
    (train,), (every,) = (of_setting(find(str(out)), s)
                          for s in ("translate-train", "translate-train-all"))  # fmt: skip
    assert [(p["name"], p["train_examples"]) for p in train.document["training"]["phases"]] == [
        ("train/en", {"en": 300}), ("train/de", {"de": 38}), ("train/es", {"es": 38})]  # fmt: skip
    assert every.document["training"]["phases"][0]["train_examples"] == {
        "en": 300, "de": 38, "es": 38}  # fmt: skip
    record = train.document["training"]["translation"]["de"]
    assert (record["questions"], record["kept"], record["dropped"]) == (40, 38, 2)
    with pytest.raises(UsageError, match="translate-test on tydiqa: a extractive-qa task"):
        check_setting(task="tydiqa", setting="translate-test", translator="xtreme-translations",
               translator_options={"folder": str(SAMPLE_TRANSLATIONS)})  # fmt: skip
    with pytest.raises(UsageError, match="typos with translate-test on xquad: its test sets are"):
        check_setting(task="xquad", setting="translate-test", translator="xtreme-translations",
               translator_options={"folder": str(SAMPLE_TRANSLATIONS)}, perturbation="typos",
               eval_languages=("en", "de"))  # fmt: skip
    with pytest.raises(UsageError, match=r"no released XQuAD test set from [a-z]+: .* missing"):
        check_setting(task="xquad", setting="translate-test", translator="xtreme-translations",
               translator_options={"folder": str(SAMPLE_TRANSLATIONS)})  # fmt: skip
    with pytest.raises(UsageError, match=r"no released SQuAD train set in [a-z]+: .* is missing"):
        check_setting(task="xquad", setting="translate-train", translator="xtreme-translations",
               translator_options={"folder": str(SAMPLE_TRANSLATIONS)})  # fmt: skip
    with pytest.raises(UsageError, match="translator dictionary has no released translation"):
        check_setting(task="xquad", setting="translate-train", translator="dictionary",
               translator_options={"folder": str(SAMPLE_TRANSLATIONS)},
               eval_languages=("de",))  # fmt: skip


def test_tydiqa_trains_on_its_released_translations_beside_zero_shot(
    tiny_model, tmp_path, monkeypatch
):
    """TyDiQA-GoldP's English training set has released translations (TensorFlow Datasets'
    tydi_qa builder): translate-train reads them, keeps a question listed twice twice, drops the
    two whose answer is not at its offset, and shares English with zero-shot."""
    out = translated_grid(tiny_model, tmp_path, monkeypatch, "tydiqa",
                          "zero-shot,translate-train", "en,ar,sw", "--max-steps", "2")  # fmt: skip
    (zero,), (train,) = (
        of_setting(find(str(out)), "zero-shot"),
        of_setting(find(str(out)), "translate-train"),
    )
    phases = [(p["name"], p["train_examples"]) for p in train.document["training"]["phases"]]
    assert phases == [("train/en", {"en": 150}), ("train/ar", {"ar": 39}),
                      ("train/sw", {"sw": 39})]  # fmt: skip
    record = train.document["training"]["translation"]["sw"]
    assert (record["questions"], record["kept"], record["dropped"]) == (41, 39, 2)
    assert record["file"].endswith("TyDiQA-GoldP/translate-train/tydiqa.translate.train.en-sw.json")
    steps = train.document["provenance"]["steps"]
    assert steps["finetune/en"] == zero.document["provenance"]["steps"]["finetune"]
    with pytest.raises(UsageError, match=r"no released TyDiQA-GoldP train set in bn: .* missing"):
        check_setting(task="tydiqa", setting="translate-train", translator="xtreme-translations",
               translator_options={"folder": str(SAMPLE_TRANSLATIONS)},
               eval_languages=("en", "bn"))  # fmt: skip
    with pytest.raises(
        UsageError, match=r"tydiqa: train TyDiQA-GoldP; xquad: test XQuAD, train SQuAD"
    ):
        check_setting(task="tydiqa", setting="translate-train", translator="dictionary",
               translator_options={"folder": str(SAMPLE_TRANSLATIONS)},
               eval_languages=("sw",))  # fmt: skip


def test_qa_translate_test_answers_the_released_english_set_on_the_original_ids(
    tiny_model, tmp_path, monkeypatch
):
    """XQuAD's released translate-test sets (the sample's: the English test file, exact, two
    questions missing, one listed once per answer): the English model answers them, each answer
    is written under the original question id and scored against the release's English answers
    with English normalisation; the missing questions count as unanswered."""
    from xtreme_harness.results import metrics

    out = translated_grid(tiny_model, tmp_path, monkeypatch, "xquad", "zero-shot,translate-test",
                          "en,de", "--max-steps", "2")  # fmt: skip
    (zero,), (test,) = (
        of_setting(find(str(out)), "zero-shot"),
        of_setting(find(str(out)), "translate-test"),
    )
    record = test.document["evaluation"]["de"]["translation"]
    assert (record["questions"], record["missing"]) == (18, 2)  # 19 listings, 18 questions
    assert record["file"].endswith("XQuAD/translate-test/xquad.translate.test.de-en.json")
    english = json.loads((out / zero.document["evaluation"]["en"]["predictions"]).read_text())
    german = json.loads((out / test.document["evaluation"]["de"]["predictions"]).read_text())
    original = json.loads((REPO / "plugins/xtreme_r/sample/xquad/xquad.de.json").read_text())
    ids = [qa["id"] for a in original["data"] for p in a["paragraphs"] for qa in p["qas"]]
    assert list(german) == ids  # the original ids, in order
    lacking = [qid for qid in ids if german[qid] == ""]
    assert len(lacking) == 2
    assert all(german[qid] == english[qid] for qid in ids if qid not in lacking)  # one model
    gold = {qa["id"]: [a["text"] for a in qa["answers"]] for a in json.loads(
        (SAMPLE_TRANSLATIONS / "XQuAD/translate-test/xquad.translate.test.de-en.json")
        .read_text())["data"] for p in a["paragraphs"] for qa in p["qas"]}  # fmt: skip
    by_hand = metrics.compute(
        "squad", [gold.get(qid) or ["(missing)"] for qid in ids], [german[q] for q in ids], "en"
    )  # fmt: skip
    assert test.document["scores"]["de"] == pytest.approx(by_hand)
    assert any("translate-test on xquad" in note for note in test.document["notes"])


def test_released_translate_test_files_are_checked_against_the_test_set(tmp_path):
    """A question listed twice with other texts, or one the test set does not have, is an error
    naming the file; repeated listings of one question gather its answers."""

    def write(qas):
        path = tmp_path / "xquad.translate.test.de-en.json"
        path.write_text(json.dumps({"data": [{"paragraphs": [{"context": "Anna lives in Rome.",
                                                              "qas": qas}]}]}))  # fmt: skip
        return str(path)

    ctx = SimpleNamespace(spec=SimpleNamespace(name="xquad", train_language="en",
                                               released_translations={"test": "XQuAD"}),
                          cell=SimpleNamespace(translator=lambda: SimpleNamespace(
                              name="t", released_file=lambda *a: path)),
                          config=SimpleNamespace(setting="translate-test"))  # fmt: skip
    path = write(
        [
            {"id": "a", "question": "Where?", "answers": [{"text": "Rome"}]},
            {"id": "a", "question": "Where?", "answers": [{"text": "in Rome"}]},
        ]
    )
    (shown,), record = released.test_in_english(ctx, "de")
    assert shown[released.ENGLISH] == ["Rome", "in Rome"] and record["questions"] == 1
    examples = [{"id": "a"}, {"id": "b"}]
    answers, gold, missing = released.on_original_ids(examples, [["Rom"], ["Anna"]], [shown],
                                                      ["Rome"], path)  # fmt: skip
    assert (answers, gold, missing) == (["Rome", ""], [["Rome", "in Rome"], ["Anna"]], 1)
    with pytest.raises(DataError, match="1 questions are not in the test set"):
        released.on_original_ids([{"id": "b"}], None, [shown], ["Rome"], path)
    path = write(
        [
            {"id": "a", "question": "Where?", "answers": [{"text": "Rome"}]},
            {"id": "a", "question": "Who?", "answers": [{"text": "Anna"}]},
        ]
    )
    with pytest.raises(DataError, match="'a' is listed twice with different texts"):
        released.test_in_english(ctx, "de")
