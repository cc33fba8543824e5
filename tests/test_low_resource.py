"""The low-resource target tasks: AmericasNLI, MasakhaNER 2.0 and SIB-200 as a target; their
readers, release codes, registry languages, the `low-resource` benchmark and one run of each."""

from __future__ import annotations

import json
import os
from collections import Counter

import pytest
from click.testing import CliRunner

from xharness_plugins.intermediate.tasks import SIB200, sib200_config
from xharness_plugins.low_resource.readers import americasnli_tsv, masakhaner_conll
from xharness_plugins.low_resource.tasks import (
    AMERICASNLI,
    DATE_AS_O,
    MASAKHANER,
    NER,
    NLI,
    NLI_ALIASES,
    release_codes,
)
from xtreme_harness.cli import cli
from xtreme_harness.errors import DataError, XHarnessWarning
from xtreme_harness.registry import default_registry, load_benchmark
from xtreme_harness.results.scoring.official import resolve_benchmark

ANLI_RELEASE = ("aym", "bzd", "cni", "gn", "hch", "nah", "oto", "quy", "shp", "tar")
MN_RELEASE = (
    *("bam", "bbj", "ewe", "fon", "hau", "ibo", "kin", "lug", "luo", "mos"),
    *("nya", "pcm", "sna", "swa", "tsn", "twi", "wol", "xho", "yor", "zul"),
)
HEADER = "id\tlanguage\tpremise\thypothesis\tlabel\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- sample data through the task's sources ----------------------------------------------------


def test_americasnli_sample_counts_labels_and_release_files():
    source = AMERICASNLI.sources["sample"]
    assert len(source.read("train", "en")) == 90  # the xtreme_r plugin's English XNLI sample
    assert source.path("train", "en", None).endswith("xtreme_r/sample/xnli/train-en.tsv")
    ids = None
    for code, release in zip(AMERICASNLI.languages, ANLI_RELEASE, strict=True):
        assert source.path("test", code, None).endswith(f"americasnli/test/{release}.tsv")
        examples = source.read("test", code)
        assert Counter(e["label"] for e in examples) == dict.fromkeys(NLI, 5)
        assert ids in (None, [e["id"] for e in examples])  # parallel, as the release
        ids = [e["id"] for e in examples]
    with pytest.raises(DataError, match="no language 'ay'"):
        source.read("train", "ay")  # no training data in the target languages


def test_masakhaner_sample_reads_dates_as_o_and_maps_codes():
    source = MASAKHANER.sources["sample"]
    assert source.path("test", "sw", None).endswith("masakhaner/swa/test.txt")
    assert source.path("test", "tw", None).endswith("masakhaner/twi/test.txt")
    assert source.path("validation", "en", None).endswith("xtreme_r/sample/panx/dev-en.tsv")
    for code in MASAKHANER.languages:
        examples = source.read("test", code)
        assert len(examples) == 16
        tags = {tag for e in examples for tag in e["tags"]}
        assert tags <= set(NER) and "O" in tags
    with open(source.path("test", "yo", None), encoding="utf-8") as handle:
        raw = handle.read()
    assert "B-DATE" in raw and "I-DATE" in raw  # the release's DATE is in the file, read as O


def test_release_codes_come_from_the_registry():
    assert release_codes("americasnli") == dict(
        zip(AMERICASNLI.languages, ANLI_RELEASE, strict=True)
    )
    assert release_codes("masakhaner") == dict(zip(MASAKHANER.languages, MN_RELEASE, strict=True))
    assert release_codes("americasnli")["qu"] == "quy"
    assert release_codes("masakhaner")["sw"] == "swa"


# --- readers ---------------------------------------------------------------------------------


def test_americasnli_reader_both_release_layouts(tmp_path):
    read = americasnli_tsv(NLI, NLI_ALIASES)
    five = write(tmp_path, "nah.tsv", HEADER + '7\tnah\t \tsome "quoted" text\tcontradictory\n')
    (example,) = read(five)
    assert example == {"id": "7", "text_a": " ", "text_b": 'some "quoted" text',
                       "label": "contradiction"}  # fmt: skip
    four = write(tmp_path, "four/oto.tsv", "language\tpremise\thypothesis\tlabel\n"
                 "oto\ta\tb\tneutral\noto\tc\td\tentailment\n")  # fmt: skip
    assert [e["label"] for e in read(four)] == ["neutral", "entailment"]


@pytest.mark.parametrize(
    ("body", "line", "field", "message"),
    [
        ("1\tbzd\tonly three\n", 2, None, "expected 5 tab-separated fields"),
        ("1\tbzd\ta\tb\tentails\n", 2, "label", "'entails' is not one of contradiction"),
        ("1\tbzd\ta\tb\tneutral\n2\tcni\ta\tb\tneutral\n", 3, "language", "expected 'bzd'"),
    ],
)
def test_americasnli_reader_names_file_line_and_field(tmp_path, body, line, field, message):
    path = write(tmp_path, "bzd.tsv", HEADER + body)
    with pytest.raises(DataError, match=message) as caught:
        americasnli_tsv(NLI, NLI_ALIASES)(path)
    assert (caught.value.path, caught.value.line, caught.value.field) == (path, line, field)


def test_americasnli_reader_refuses_another_header(tmp_path):
    path = write(tmp_path, "bzd.tsv", "premise\thypothesis\tlabel\na\tb\tneutral\n")
    with pytest.raises(DataError, match="expected the header") as caught:
        americasnli_tsv(NLI)(path)
    assert caught.value.line == 1


def test_masakhaner_reader_maps_date_to_o(tmp_path):
    path = write(tmp_path, "test.txt", "Ada B-PER\nlives O\nin O\nLagos B-LOC\nsince O\n"
                 "12 B-DATE\n2019 I-DATE\n\nUN B-ORG\n")  # fmt: skip
    first, second = masakhaner_conll(NER, DATE_AS_O)(path)
    assert first["tags"] == ["B-PER", "O", "O", "B-LOC", "O", "O", "O"]
    assert second == {"id": "1", "tokens": ["UN"], "tags": ["B-ORG"]}
    with pytest.raises(DataError, match="'B-DATE' is not one of") as caught:
        masakhaner_conll(NER)(path)  # without the mapping, DATE is not a PAN-X tag
    assert (caught.value.line, caught.value.field) == (6, "tag")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Ada B-PER\nlives\n", 2, "expected 'TOKEN TAG'"),
        ("Ada\tB-PER\n", 1, "expected 'TOKEN TAG'"),
        ("Ada B-PER extra\n", 1, "expected 'TOKEN TAG'"),
        ("Ada B-MISC\n", 1, "'B-MISC' is not one of"),
    ],
)
def test_masakhaner_reader_names_file_and_line(tmp_path, text, line, message):
    path = write(tmp_path, "test.txt", text)
    with pytest.raises(DataError, match=message) as caught:
        masakhaner_conll(NER, DATE_AS_O)(path)
    assert (caught.value.path, caught.value.line) == (path, line)
    assert str(caught.value).startswith(f"{path}:{line}:")


# --- registry and benchmark --------------------------------------------------------------------


NO_JOSHI_ENTRY = {
    "bbj", "luo",  # the research notes (4.1-4.2): lang2tax.txt has no entry for either
    # SIB-200 languages without an entry, as docs/languages.md lists them
    "acm", "acq", "aeb", "ajp", "apc", "ars", "ary", "cjk", "hne", "kea", "kmb", "tzm",
}  # fmt: skip


@pytest.mark.parametrize("spec", [AMERICASNLI, MASAKHANER, SIB200], ids=lambda s: s.name)
def test_every_language_resolves_with_family_script_and_class(spec):
    registry = default_registry()
    for code in spec.languages:
        lang = registry.get(code)
        assert lang.family and lang.family_conventional and lang.script
        assert (lang.resource_class is None) == (code in NO_JOSHI_ENTRY), code


def test_collective_codes_are_glottolog_groups():
    registry = default_registry()
    for code, group, family in (("nah", "azte1234", "Uto-Aztecan"),
                                ("oto", "otom1300", "Otomanguean")):  # fmt: skip
        lang = registry.get(code)
        assert (lang.iso639_3, lang.glottocode, lang.family) == (None, group, family)
    assert registry.get("pcm").is_creole and registry.get("pcm").family_conventional == "Creole"
    assert registry.with_dataset_code("americasnli", "aym").code == "ay"


def test_the_benchmark_loads_and_matches_the_tasks():
    benchmark = resolve_benchmark("low-resource")  # with the scorer checks
    assert benchmark.task_order == ("americasnli", "masakhaner", "sib200")
    scorers = {name: task.scorer for name, task in benchmark.tasks.items()}
    assert scorers == {"americasnli": "accuracy", "masakhaner": "seqeval-f1", "sib200": "accuracy"}
    assert set(benchmark.tasks["sib200"].languages) == set(SIB200.languages)
    assert load_benchmark("low-resource").tasks["americasnli"].languages == AMERICASNLI.languages
    registry = default_registry()
    for name, task in benchmark.tasks.items():
        for code in task.languages:
            assert name in registry.get(code).tasks["low-resource"]


def test_sib200_is_a_target_trained_on_english():
    assert "target" in SIB200.roles and SIB200.train_language == "en"
    assert sib200_config("en") == "eng_Latn"


# --- one run of each task on the sample -------------------------------------------------------


def run(tiny_model, out, *args):
    made = CliRunner().invoke(cli, [
        "run", "--model", tiny_model, "--source", "sample", "--max-steps", "2", "--seed", "1",
        "--out", str(out), "--quiet", *map(str, args),
    ])  # fmt: skip
    assert made.exit_code == 0, made.output
    with open(os.path.join(out, "result.json"), encoding="utf-8") as handle:
        return json.load(handle)


@pytest.mark.parametrize(
    ("spec", "metric"), [(AMERICASNLI, "accuracy"), (MASAKHANER, "f1")], ids=["anli", "mn"]
)
def test_a_run_scores_every_language(tiny_model, tmp_path, spec, metric):
    result = run(tiny_model, tmp_path / spec.name, "--task", spec.name)
    assert result["task"]["metric"] == spec.metric and result["task"]["benchmark"] == "low-resource"
    assert set(result["scores"]) == set(spec.languages)
    values = [result["scores"][code][metric] for code in spec.languages]
    assert all(0.0 <= value <= 100.0 for value in values)
    assert result["score"] == pytest.approx(sum(values) / len(values))
    assert result["average"][metric] == result["score"]
    assert any(f"does not cover task {spec.name}" in note for note in result["notes"])


def test_sib200_target_with_sib200_intermediate_is_flagged(tiny_model, tmp_path):
    with pytest.warns(XHarnessWarning, match="the intermediate task is the target task"):
        result = run(
            tiny_model, tmp_path / "sib", "--task", "sib200", "--eval-languages", "en,sw,qu",
            "--intermediate", "sib200", "--intermediate-languages", "sw",
            "--intermediate-max-steps", "2",
        )  # fmt: skip
    assert set(result["scores"]) == {"en", "sw", "qu"}
    assert all("accuracy" in scores for scores in result["scores"].values())
    assert "the intermediate task is the target task 'sib200'" in " ".join(result["notes"])
    assert result["intermediate"]["targets"]["sw"]["seen"] is True
    assert result["intermediate"]["targets"]["qu"]["seen"] is False


def test_seen_breakdown_and_report_work_on_a_low_resource_target(tiny_model, tmp_path):
    """MasakhaNER after MASSIVE on two language sets: the targets split by their relation to the
    intermediate languages, and the report compares the sets on the task and says the
    low-resource score needs the other two tasks."""
    out = tmp_path / "g"
    made = CliRunner().invoke(cli, [
        "grid", "--model", tiny_model, "--source", "sample", "--tasks", "masakhaner",
        "--intermediate", "massive", "--language-sets", "high-resource,low-resource-diverse",
        "--languages", "3", "--budget", "30", "--intermediate-max-steps", "2",
        "--max-steps", "2", "--seeds", "1", "--out", str(out),
    ])  # fmt: skip
    assert made.exit_code == 0, made.output
    seen = CliRunner().invoke(cli, ["tables", str(out), "--by", "seen", "--task", "masakhaner"])
    assert seen.exit_code == 0, seen.output
    assert "unseen" in seen.output
    report = CliRunner().invoke(cli, [
        "report", str(out), "--factor", "language_set", "--baseline", "high-resource",
        "--benchmark", "low-resource", "--format", "json", "--subgroups", "seen",
    ])  # fmt: skip
    assert report.exit_code == 0, report.output
    document = json.loads(report.output)
    assert {c["task"] for c in document["comparisons"]} == {"masakhaner"}
    assert any("needs" in m or "no americasnli" in m for m in document["missing"])
