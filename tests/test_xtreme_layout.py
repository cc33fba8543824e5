"""The `xtreme` sources on files in the official download layout, real data included."""

from __future__ import annotations

import json

import pytest

from xharness_plugins.xtreme_r.tasks import PANX, UDPOS, XCOPA, XNLI


def test_official_xcopa_test_placeholders_are_not_gold(tmp_path):
    folder = tmp_path / "xcopa"
    folder.mkdir()
    record = {"premise": "p", "choice1": "a", "choice2": "b", "question": "cause", "label": 0}
    lines = [json.dumps({**record, "idx": i}) for i in range(5)]
    (folder / "test-et.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    examples = XCOPA.sources["xtreme"].read("test", "et", data_dir=tmp_path)
    assert [e["label"] for e in examples] == [None] * 5


def test_unlabelled_official_test_files_read_as_unlabelled(tmp_path):
    (tmp_path / "xnli").mkdir()
    (tmp_path / "xnli" / "test-sw.tsv").write_text("a\tb\nc\td\n", encoding="utf-8")
    assert [e["label"] for e in XNLI.sources["xtreme"].read("test", "sw", data_dir=tmp_path)] == [
        None, None,
    ]  # fmt: skip
    (tmp_path / "panx").mkdir()
    (tmp_path / "panx" / "test-yo.tsv").write_text("Ọmọ\nnáà\n\nlọ\n", encoding="utf-8")
    examples = PANX.sources["xtreme"].read("test", "yo", data_dir=tmp_path)
    assert [e["tokens"] for e in examples] == [["Ọmọ", "náà"], ["lọ"]]
    assert all(e["tags"] is None for e in examples)


def test_real_xcopa_test_labels_are_kept(shared):
    data_dir = shared / "reference" / "real-data"
    for language in XCOPA.languages:
        examples = XCOPA.sources["xtreme"].read("test", language, data_dir=data_dir)
        assert len(examples) == 500
        assert sum(e["label"] for e in examples) == 250, language
        assert examples[0]["context"].endswith(("What was the cause?", "What was the effect?"))


@pytest.mark.parametrize("language", ["en", "hi", "yo"])
def test_real_ud_test_files_load_through_the_task(shared, language):
    data_dir = shared / "reference" / "real-data"
    table = UDPOS.sources["xtreme"].load("test", language, data_dir=data_dir)
    assert table.num_rows > 300
    assert set(tag for tags in table["tags"] for tag in tags) <= set(UDPOS.labels)
