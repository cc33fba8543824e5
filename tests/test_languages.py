"""The language registry: contents, invariants, lookups, filters, validation and regeneration."""

from __future__ import annotations

import collections
import json
import re
import shutil
import subprocess
import sys

import pytest
from helpers import REPO

from xtreme_harness.errors import SchemaError, UnknownNameError, UsageError
from xtreme_harness.registry.benchmarks import load_benchmark
from xtreme_harness.registry.languages import (
    LanguageRegistry,
    default_registry,
    parse_resource_classes,
)
from xtreme_harness.registry.validation import validate

MASSIVE_LOCALES = [
    "af-ZA",
    "am-ET",
    "ar-SA",
    "az-AZ",
    "bn-BD",
    "cy-GB",
    "da-DK",
    "de-DE",
    "el-GR",
    "en-US",
    "es-ES",
    "fa-IR",
    "fi-FI",
    "fr-FR",
    "he-IL",
    "hi-IN",
    "hu-HU",
    "hy-AM",
    "id-ID",
    "is-IS",
    "it-IT",
    "ja-JP",
    "jv-ID",
    "ka-GE",
    "km-KH",
    "kn-IN",
    "ko-KR",
    "lv-LV",
    "ml-IN",
    "mn-MN",
    "ms-MY",
    "my-MM",
    "nb-NO",
    "nl-NL",
    "pl-PL",
    "pt-PT",
    "ro-RO",
    "ru-RU",
    "sl-SL",
    "sq-AL",
    "sv-SE",
    "sw-KE",
    "ta-IN",
    "te-IN",
    "th-TH",
    "tl-PH",
    "tr-TR",
    "ur-PK",
    "vi-VN",
    "zh-CN",
    "zh-TW",
]


@pytest.fixture(scope="module")
def registry() -> LanguageRegistry:
    return default_registry()


def test_every_xtreme_r_language_is_present_with_its_tasks(registry):
    benchmark = load_benchmark("xtreme-r")
    assert len(benchmark.languages()) == 50
    for code in benchmark.languages():
        lang = registry.get(code)
        expected = [t for t, spec in benchmark.tasks.items() if code in spec.languages]
        assert list(lang.tasks["xtreme-r"]) == expected


def test_task_coverage_matches_both_benchmark_definitions(registry):
    for name in ("xtreme", "xtreme-r"):
        for task, spec in load_benchmark(name).tasks.items():
            covered = {lang.code for lang in registry if task in lang.tasks.get(name, ())}
            assert covered == set(spec.languages), (name, task)


def test_resource_classes_of_xtreme_r_languages_match_joshi_counts(registry):
    counts = collections.Counter(
        registry.get(code).resource_class for code in load_benchmark("xtreme-r").languages()
    )
    assert counts == {5: 7, 4: 13, 3: 17, 2: 6, 1: 7}


@pytest.mark.parametrize(
    ("code", "family", "conventional", "genus", "script", "resource_class"),
    [
        ("sw", "Atlantic-Congo", "Niger-Congo", "Bantu", "Latn", 2),
        ("ht", "Indo-European", "Creole", "Creoles and Pidgins", "Latn", 2),
        ("eu", "Basque", "Basque", "Basque", "Latn", 4),
        ("th", "Tai-Kadai", "Kra-Dai", "Kam-Tai", "Thai", 3),
        ("zh", "Sino-Tibetan", "Sino-Tibetan", "Chinese", "Hans", 5),
        ("pa", "Indo-European", "Indo-European", "Indic", "Guru", 2),
        ("qu", "Quechuan", "Quechuan", "Quechuan", "Latn", 1),
    ],
)
def test_records_follow_the_sources(
    registry, code, family, conventional, genus, script, resource_class
):
    lang = registry.get(code)
    assert (lang.family, lang.family_conventional, lang.genus, lang.script) == (
        family,
        conventional,
        genus,
        script,
    )
    assert lang.resource_class == resource_class
    assert lang.resource_class_source["name"]


def test_isolates_and_creoles(registry):
    assert registry.get("eu").is_isolate and registry.get("eu").family_glottocode == "basq1248"
    assert registry.get("ht").is_creole and not registry.get("fr").is_creole
    note = registry.get("ht").resource_class_source.get("note", "")
    assert "haitian creole" in note


def test_intermediate_datasets_are_fully_mapped(registry):
    massive = [code for lang in registry for code in lang.datasets.get("massive", ())]
    assert sorted(massive) == sorted(MASSIVE_LOCALES)
    assert registry.with_dataset_code("massive", "zh-TW").code == "zh"
    sib200 = [code for lang in registry for code in lang.datasets.get("sib200", ())]
    assert len(sib200) == len(set(sib200)) >= 200
    assert registry.with_dataset_code("sib200", "quy_Latn").code == "qu"
    with pytest.raises(UnknownNameError, match="zho_Hans"):
        registry.with_dataset_code("sib200", "zho_Hanz")


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("sw", "sw"),
        ("swh", "sw"),
        ("swa", "sw"),
        ("SW", "sw"),
        ("ara", "ar"),
        ("arb", "ar"),
        ("cmn", "zh"),
        ("zho", "zh"),
        ("arz", "arz"),
        ("fas", "fa"),
    ],
)
def test_lookups_accept_either_code(registry, query, code):
    assert registry.get(query).code == code


def test_unknown_code_suggests_close_codes_and_names(registry):
    with pytest.raises(UnknownNameError) as info:
        registry.get("swahili")
    assert "sw (Swahili)" in str(info.value)
    with pytest.raises(UnknownNameError) as info:
        registry.get("yoo")
    assert "yo" in info.value.suggestions


def test_filters_combine(registry):
    low = registry.select(resource_classes=(0, 2), task="panx")
    codes = {lang.code for lang in low}
    assert {"sw", "yo", "qu", "jv", "my"} <= codes
    assert all(lang.resource_class <= 2 and "panx" in lang.all_tasks for lang in low)
    niger_congo = {lang.code for lang in registry.select(family="niger-congo")}
    atlantic_congo = {lang.code for lang in registry.select(family="Atlantic-Congo")}
    assert {"sw", "yo", "wo"} <= atlantic_congo & niger_congo
    assert all(registry.get(code).family in ("Atlantic-Congo", "Mande") for code in niger_congo)
    assert {lang.script for lang in registry.select(script="deva")} == {"Deva"}


@pytest.mark.parametrize(
    ("kwargs", "suggestion"),
    [
        ({"family": "Atlantic Congo"}, "Atlantic-Congo"),
        ({"script": "Latin"}, "Latn"),
        ({"task": "pan-x"}, "panx"),
    ],
)
def test_unknown_filter_values_suggest_known_ones(registry, kwargs, suggestion):
    with pytest.raises(UnknownNameError) as info:
        registry.select(**kwargs)
    assert suggestion in info.value.suggestions
    assert info.value.exit_code == 2


def test_parse_resource_classes():
    assert parse_resource_classes("3") == (3, 3)
    assert parse_resource_classes(" 0-2 ") == (0, 2)
    for bad in ("6", "2-1", "a", "-1", "0-9", ""):
        with pytest.raises(UsageError):
            parse_resource_classes(bad)


def test_registry_file_validates_against_its_schema():
    document = json.loads((REPO / "registry" / "languages.json").read_text(encoding="utf-8"))
    validate(document, "languages", source="registry/languages.json")
    assert {"glottolog", "wals", "joshi2020"} <= set(document["sources"])


def test_invalid_registry_names_file_record_and_field(tmp_path):
    document = json.loads((REPO / "registry" / "languages.json").read_text(encoding="utf-8"))
    position = next(i for i, r in enumerate(document["languages"]) if r["code"] == "yo")
    document["languages"][position]["script"] = "latin"
    path = tmp_path / "languages.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(SchemaError) as info:
        LanguageRegistry.load(path)
    message = str(info.value)
    assert str(path) in message
    assert f"languages[{position}] (code 'yo').script" in message
    assert "'latin' does not match" in message


def test_broken_json_names_the_line(tmp_path):
    path = tmp_path / "languages.json"
    path.write_text('{\n "format": "xharness-languages",\n "version": 1,,\n}', encoding="utf-8")
    with pytest.raises(Exception) as info:
        LanguageRegistry.load(path)
    assert f"{path}:3" in str(info.value)


def test_validation_verdict_is_cached_per_content(tmp_path, private_cache):
    source = REPO / "registry" / "languages.json"
    path = tmp_path / "languages.json"
    shutil.copy(source, path)
    LanguageRegistry.load(path)
    stamps = list((private_cache / "validated").glob("languages-*"))
    assert stamps
    text = path.read_text(encoding="utf-8").replace('"script": "Latn"', '"script": "LATN"', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError):
        LanguageRegistry.load(path)


def test_generator_reproduces_the_shipped_registry(shared, tmp_path):
    out = tmp_path / "languages.json"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "registry" / "build_languages.py"),
            "--data-dir",
            str(shared / "reference" / "data"),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    assert out.read_bytes() == (REPO / "registry" / "languages.json").read_bytes()


def test_summary_counts_in_the_docs_match_the_registry(registry):
    page = (REPO / "docs" / "languages.md").read_text(encoding="utf-8")
    summary = page.split("## Summary", 1)[1]
    rows = dict(re.findall(r"^\| ([^|]+?) \| +(\d+) \|$", summary, flags=re.MULTILINE))
    xtreme_r = [lang for lang in registry if "xtreme-r" in lang.tasks]
    computed = {
        "languages": len(registry),
        "XTREME-R languages": len(xtreme_r),
        "XTREME languages": sum("xtreme" in lang.tasks for lang in registry),
        "with MASSIVE locales (51 locales)": sum("massive" in lang.datasets for lang in registry),
        "with SIB-200 configs (204 configs)": sum("sib200" in lang.datasets for lang in registry),
        "Glottolog families (all languages)": len({lang.family for lang in registry}),
        "WALS genera (all languages)": len({lang.genus for lang in registry} - {None}),
        "main scripts": len(registry.scripts()),
        "creoles": sum(lang.is_creole for lang in registry),
        "isolates": sum(lang.is_isolate for lang in registry),
        "null resource class": sum(lang.resource_class is None for lang in registry),
    }
    assert {label: int(rows[label]) for label in computed} == computed
    by_class = re.findall(r"^\| (\d|null) \| (\d+) \| (\d+) \|$", summary, flags=re.MULTILINE)
    for label, in_xtreme_r, in_all in by_class:
        value = None if label == "null" else int(label)
        assert int(in_xtreme_r) == sum(lang.resource_class == value for lang in xtreme_r)
        assert int(in_all) == sum(lang.resource_class == value for lang in registry)
    assert len(by_class) == 7
