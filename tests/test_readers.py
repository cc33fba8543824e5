"""Readers of the official file formats: good files, every kind of bad line, and real data."""

from __future__ import annotations

import json

import pytest

from xtreme_harness.errors import DataError
from xtreme_harness.interfaces.readers import conll_tags, copa_jsonl, siqa_jsonl, tsv_pairs
from xtreme_harness.interfaces.sources import FolderSource

NLI = ("contradiction", "entailment", "neutral")
NER = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_tsv_pairs_with_and_without_labels(tmp_path):
    read = tsv_pairs(NLI, {"contradictory": "contradiction"})
    labelled = read(
        write(tmp_path, "a.tsv", 'He said "hi".\tHe spoke.\tentailment\nA\tB\tcontradictory\n')
    )
    assert labelled == [
        {"id": "0", "text_a": 'He said "hi".', "text_b": "He spoke.", "label": "entailment"},
        {"id": "1", "text_a": "A", "text_b": "B", "label": "contradiction"},
    ]
    unlabelled = read(write(tmp_path, "b.tsv", "A\tB\n\nC\tD\n"))
    assert [e["label"] for e in unlabelled] == [None, None]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("A\tB\tneutral\nonly one field\n", 2, "expected 2 or 3 tab-separated fields"),
        ("A\tB\tneutral\nA\tB\tmaybe\n", 2, "'maybe' is not one of contradiction, entailment"),
        ("A\tB\tneutral\nA\tB\n", 2, "some lines have a label and others do not"),
        ("A\tB\tC\tD\n", 1, "found 4"),
    ],
)
def test_tsv_pairs_errors_name_file_and_line(tmp_path, text, line, message):
    path = write(tmp_path, "bad.tsv", text)
    with pytest.raises(DataError) as info:
        tsv_pairs(NLI)(path)
    assert f"{path}:{line}" in str(info.value)
    assert message in str(info.value)


def test_not_utf8_is_reported(tmp_path):
    path = tmp_path / "latin1.tsv"
    path.write_bytes("caf\xe9\tb\tneutral\n".encode("latin-1"))
    with pytest.raises(DataError, match="not UTF-8"):
        tsv_pairs(NLI)(str(path))


def test_conll_sentences_and_unlabelled_test_files(tmp_path):
    read = conll_tags(NER)
    text = "Ada\tB-PER\nLovelace\tI-PER\nin\tO\nLondon\tB-LOC\n\n\nHi\tO\n"
    assert read(write(tmp_path, "a.tsv", text)) == [
        {
            "id": "0",
            "tokens": ["Ada", "Lovelace", "in", "London"],
            "tags": ["B-PER", "I-PER", "O", "B-LOC"],
        },
        {"id": "1", "tokens": ["Hi"], "tags": ["O"]},
    ]
    assert read(write(tmp_path, "b.tsv", "Ada\nLovelace\n\nHi\n")) == [
        {"id": "0", "tokens": ["Ada", "Lovelace"], "tags": None},
        {"id": "1", "tokens": ["Hi"], "tags": None},
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Ada\tB-PER\nLondon\tB-CITY\n", 2, "field 'tag': 'B-CITY' is not one of"),
        ("Ada\tB-PER\nLondon\n", 2, "some lines have a tag and others do not"),
        ("Ada\tB-PER\textra\n", 1, "expected 'token<TAB>tag' or 'token'"),
    ],
)
def test_conll_errors_name_file_and_line(tmp_path, text, line, message):
    path = write(tmp_path, "bad.tsv", text)
    with pytest.raises(DataError) as info:
        conll_tags(NER)(path)
    assert f"{path}:{line}" in str(info.value)
    assert message in str(info.value)


def test_copa_and_siqa(tmp_path):
    copa = {
        "premise": "The man fell.",
        "choice1": "He slipped.",
        "choice2": "He sang.",
        "question": "cause",
        "label": 0,
        "idx": 7,
    }
    assert copa_jsonl(write(tmp_path, "c.jsonl", json.dumps(copa) + "\n")) == [
        {
            "id": "7",
            "context": "The man fell. What was the cause?",
            "choices": ["He slipped.", "He sang."],
            "label": 0,
        }
    ]
    siqa = {
        "context": "Ana paid.",
        "question": "Why?",
        "answerA": "a",
        "answerB": "b",
        "answerC": "c",
        "correct": "C",
    }
    (example,) = siqa_jsonl(write(tmp_path, "s.jsonl", json.dumps(siqa) + "\n"))
    assert example["context"] == "Ana paid. Why?" and example["label"] == 2


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (
            '{"premise": "p", "choice1": "a", "choice2": "b", "question": "why", "label": 0}',
            "field 'question': expected 'cause' or 'effect'",
        ),
        (
            '{"premise": "p", "choice1": "a", "choice2": "b", "question": "cause", "label": 2}',
            "field 'label': expected 0 or 1",
        ),
        (
            '{"premise": "p", "choice1": "a", "question": "cause", "label": 0}',
            "field 'choice2': expected a string",
        ),
        ('{"premise": "p",', "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
    ],
)
def test_copa_errors(tmp_path, record, message):
    path = write(
        tmp_path,
        "c.jsonl",
        '{"premise": "p", "choice1": "a", "choice2": "b", '
        '"question": "cause", "label": 1}\n' + record + "\n",
    )
    with pytest.raises(DataError) as info:
        copa_jsonl(path)
    assert f"{path}:2" in str(info.value) and message in str(info.value)


def test_folder_source_reports_missing_files_and_splits(tmp_path):
    source = FolderSource(
        "xtreme", {"test": "xnli/test-{lang}.tsv"}, tsv_pairs(NLI), how_to_get="Download it."
    )
    with pytest.raises(DataError, match="give it with --data-dir"):
        source.read("test", "sw")
    with pytest.raises(DataError) as info:
        source.read("test", "sw", data_dir=tmp_path)
    assert str(tmp_path / "xnli" / "test-sw.tsv") in str(info.value)
    assert "missing" in str(info.value) and "Download it." in str(info.value)
    with pytest.raises(DataError, match="no split 'train'; it has test"):
        source.read("train", "en", data_dir=tmp_path)


def test_real_xcopa_files(shared):
    folder = shared / "reference" / "real-data" / "xcopa"
    for path in sorted(folder.glob("*.jsonl")):
        examples = copa_jsonl(str(path))
        expected = 500 if path.name.startswith("test") else 100
        assert len(examples) == expected, path.name
        assert all(len(e["choices"]) == 2 for e in examples)
        if path.name.startswith("test"):
            assert sum(e["label"] for e in examples) == 250


@pytest.mark.parametrize(
    ("lang", "sentences", "tokens"), [("en", 2077, 25094), ("hi", 1000, 23829), ("yo", 317, 8243)]
)
def test_real_ud_test_files(shared, lang, sentences, tokens):
    from xharness_plugins.xtreme_r.tasks import UPOS

    path = shared / "reference" / "real-data" / "udpos" / f"test-{lang}.tsv"
    examples = conll_tags(UPOS)(str(path))
    assert len(examples) == sentences
    assert sum(len(e["tokens"]) for e in examples) == tokens
