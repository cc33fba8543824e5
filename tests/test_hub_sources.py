"""Hub sources: the ids and configs asked for, and the conversion of hub rows, on local datasets
with the hub's features (the hub itself is not reachable in tests)."""

from __future__ import annotations

import datasets
import pytest

from xharness_plugins.xtreme_r.tasks import (
    MLQA,
    PANX,
    TATOEBA,
    TYDIQA,
    UDPOS,
    XCOPA,
    XNLI,
    XQUAD,
)
from xtreme_harness.errors import DataError


@pytest.fixture
def hub(monkeypatch):
    """Replace `datasets.load_dataset` by a table of local datasets; record every request."""
    tables: dict[tuple, datasets.Dataset] = {}
    asked: list[tuple] = []

    def load_dataset(path, name=None, split=None, revision=None):
        asked.append((path, name, split, revision))
        if (path, name, split) not in tables:
            raise FileNotFoundError(f"Couldn't find '{path}' on the Hugging Face Hub")
        return tables[(path, name, split)]

    monkeypatch.setattr(datasets, "load_dataset", load_dataset)
    return tables, asked


def test_xnli_rows_become_labelled_pairs(hub):
    tables, asked = hub
    features = datasets.Features({
        "premise": datasets.Value("string"), "hypothesis": datasets.Value("string"),
        "label": datasets.ClassLabel(names=["entailment", "neutral", "contradiction"]),
    })  # fmt: skip
    tables[("facebook/xnli", "sw", "test")] = datasets.Dataset.from_dict(
        {"premise": ["a", "b"], "hypothesis": ["c", "d"], "label": [2, 0]}, features=features
    )
    rows = XNLI.sources["hub"].load("test", "sw", revision="abc123").to_list()
    assert rows == [
        {"id": "0", "text_a": "a", "text_b": "c", "label": "contradiction"},
        {"id": "1", "text_a": "b", "text_b": "d", "label": "entailment"},
    ]
    assert asked == [("facebook/xnli", "sw", "test", "abc123")]


def test_tag_sequences_use_the_hub_label_names(hub):
    tables, _ = hub
    upos = datasets.ClassLabel(names=list(UDPOS.labels))
    tables[("google/xtreme", "udpos.Hindi", "test")] = datasets.Dataset.from_dict(
        {"tokens": [["राज्य", "में"]], "pos_tags": [[7, 1]]},
        features=datasets.Features({"tokens": datasets.Sequence(datasets.Value("string")),
                                    "pos_tags": datasets.Sequence(upos)}),
    )  # fmt: skip
    (row,) = UDPOS.sources["hub"].load("test", "hi").to_list()
    assert row["tokens"] == ["राज्य", "में"] and row["tags"] == ["NOUN", "ADP"]


def test_panx_languages_added_by_xtreme_r_come_from_wikiann(hub):
    _, asked = hub
    for language in ("pa", "de"):
        with pytest.raises(DataError):
            PANX.sources["hub"].load("test", language)
    assert [(a[0], a[1]) for a in asked] == [("unimelb-nlp/wikiann", "pa"),
                                             ("google/xtreme", "PAN-X.de")]  # fmt: skip


def test_xcopa_phases_and_languages_map_to_their_datasets(hub):
    _, asked = hub
    for split, language in (("siqa-train", "en"), ("train", "en"), ("test", "qu")):
        with pytest.raises(DataError):
            XCOPA.sources["hub"].load(split, language)
    assert [a[:3] for a in asked] == [
        ("allenai/social_i_qa", None, "train"),
        ("aps/super_glue", "copa", "train"),
        ("cambridgeltl/xcopa", "qu", "test"),
    ]


def test_social_iqa_and_copa_rows(hub):
    tables, _ = hub
    tables[("allenai/social_i_qa", None, "validation")] = datasets.Dataset.from_dict(
        {"context": ["Ana paid."], "question": ["Why?"], "answerA": ["a"], "answerB": ["b"],
         "answerC": ["c"], "label": ["3"]}
    )  # fmt: skip
    (row,) = XCOPA.sources["hub"].load("siqa-validation", "en").to_list()
    assert row["context"] == "Ana paid. Why?" and row["label"] == 2
    tables[("cambridgeltl/xcopa", "et", "test")] = datasets.Dataset.from_dict(
        {"premise": ["p"], "choice1": ["a"], "choice2": ["b"], "question": ["effect"],
         "label": [1], "idx": [0], "changed": [False]}
    )  # fmt: skip
    (row,) = XCOPA.sources["hub"].load("test", "et").to_list()
    assert row == {"id": "0", "context": "p What was the effect?", "choices": ["a", "b"],
                   "label": 1}  # fmt: skip


def test_unavailable_hub_data_says_what_and_how(hub, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(DataError) as info:
        XNLI.sources["hub"].load("test", "sw")
    message = str(info.value)
    assert message.startswith("hub:facebook/xnli/sw[test]: could not load 'sw' test data")
    assert "only datasets already in the Hugging Face cache" in message
    assert "--source xtreme --data-dir" in message


def test_udpos_languages_without_a_hub_config():
    with pytest.raises(DataError, match="for lt, pl, uk, wo and ro"):
        UDPOS.sources["hub"].load("test", "wo")


SQUAD_FEATURES = datasets.Features({
    "id": datasets.Value("string"), "title": datasets.Value("string"),
    "context": datasets.Value("string"), "question": datasets.Value("string"),
    "answers": datasets.Sequence({"text": datasets.Value("string"),
                                  "answer_start": datasets.Value("int32")}),
})  # fmt: skip


def squad_rows(ids, answers, context="Die Katze sitzt auf der Matte."):
    return datasets.Dataset.from_dict(
        {"id": ids, "title": ["t"] * len(ids), "context": [context] * len(ids),
         "question": ["Wer?"] * len(ids), "answers": answers},
        features=SQUAD_FEATURES,
    )  # fmt: skip


def test_qa_tasks_map_splits_and_languages_to_their_datasets(hub):
    _, asked = hub
    for spec, split, language in [
        (XQUAD, "train", "en"), (XQUAD, "validation", "en"), (XQUAD, "test", "ro"),
        (MLQA, "test", "de"), (MLQA, "test-pairs", "de-zh"),
        (TYDIQA, "train", "en"), (TYDIQA, "validation", "en"), (TYDIQA, "test", "sw"),
    ]:  # fmt: skip
        with pytest.raises(DataError):
            spec.sources["hub"].load(split, language)
    assert [a[:3] for a in asked] == [
        ("rajpurkar/squad", None, "train"), ("rajpurkar/squad", None, "validation"),
        ("google/xquad", "xquad.ro", "validation"),
        ("google/xtreme", "MLQA.de.de", "test"), ("google/xtreme", "MLQA.de.zh", "test"),
        ("google/xtreme", "tydiqa", "train"), ("rajpurkar/squad", None, "validation"),
        ("google/xtreme", "tydiqa", "validation"),
    ]  # fmt: skip


def test_qa_rows_keep_their_ids_answers_and_language(hub):
    tables, _ = hub
    tables[("google/xtreme", "tydiqa", "validation")] = squad_rows(
        ["swahili-1-1", "finnish-2-1", "swahili-3-1"],
        [{"text": ["Katze"], "answer_start": [4]}, {"text": ["Matte"], "answer_start": [24]},
         {"text": ["Matte", "der Matte"], "answer_start": [24, 20]}],
    )  # fmt: skip
    rows = TYDIQA.sources["hub"].load("test", "sw").to_list()
    assert [r["id"] for r in rows] == ["swahili-1-1", "swahili-3-1"]
    assert rows[1]["answers"] == {"text": ["Matte", "der Matte"], "answer_start": [24, 20]}


def test_qa_hub_rows_are_checked_like_files(hub):
    tables, _ = hub
    tables[("google/xquad", "xquad.de", "validation")] = squad_rows(
        ["a", "b"], [{"text": ["Katze"], "answer_start": [5]}] * 2
    )
    with pytest.raises(DataError, match="question 'a': the answer is 'Katze' but the context has"):
        XQUAD.sources["hub"].load("test", "de")
    tables[("google/xquad", "xquad.de", "validation")] = squad_rows(
        ["a", "a"], [{"text": ["Katze"], "answer_start": [4]}] * 2
    )
    with pytest.raises(DataError, match=r"hub:google/xquad/xquad\.de.*question id 'a' appears"):
        XQUAD.sources["hub"].load("test", "de")


def test_tatoeba_hub_pairs_become_a_pool_and_sorted_english_queries(hub):
    tables, asked = hub
    tables[("google/xtreme", "tatoeba.deu", "validation")] = datasets.Dataset.from_dict({
        "source_sentence": ["Hund ", "Katze", "Maus"],
        "target_sentence": ["dog", "cat", "mouse"],
        "source_lang": ["deu"] * 3, "target_lang": ["eng"] * 3,
    })  # fmt: skip
    source = TATOEBA.sources["hub"]
    pool = source.load("candidates", "de").to_list()
    assert [(c["id"], c["text"]) for c in pool] == [("0", "Hund"), ("1", "Katze"), ("2", "Maus")]
    queries = source.load("test", "de").to_list()
    assert [(q["text"], q["targets"]) for q in queries] == [
        ("cat", ["1"]), ("dog", ["0"]), ("mouse", ["2"]),
    ]  # fmt: skip
    assert asked[0] == ("google/xtreme", "tatoeba.deu", "validation", None)
    with pytest.raises(DataError, match="no Tatoeba config for 'az'"):
        source.load("test", "az")
