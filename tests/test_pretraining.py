"""Pretraining coverage: the data file, its counts against the sources, aliases and lookups."""

from __future__ import annotations

import json

import pytest
from helpers import REPO

from xtreme_harness.errors import UnknownNameError, UsageError
from xtreme_harness.registry import pretraining
from xtreme_harness.registry.languages import default_registry
from xtreme_harness.registry.validation import validate

DATA = REPO / "registry" / "pretraining.json"

# The count each source states, and what the file holds: entries (the source's list, variants
# included) and distinct codes (romanized entries left out).
PUBLISHED = {
    # multilingual.md lines 7-10: "104 languages" (cased), "102 languages" (uncased). The list
    # names Chinese (Simplified) and (Traditional) apart, both zh.
    "mbert-cased": (104, 104, 103),
    "mbert-uncased": (102, 102, 101),
    # fairseq examples/xlmr/README.md line 13: "100 languages"; 7 entries are variants of a listed
    # language (5 romanized, Burmese Zawgyi, Traditional Chinese).
    "xlm-r": (100, 100, 93),
    "mdeberta-v3-base": (100, 100, 93),
    # XLM README line 274: 100 Wikipedia codes; `simple` (Simple English) is a second English.
    "xlm-100": (100, 100, 99),
}

# Codes used that registry/languages.json lacks, each an ISO 639-1 or 639-3 code (checked by hand
# against the ISO 639-3 code tables).
OUTSIDE_REGISTRY = {
    "an": "Aragonese", "ang": "Old English", "bar": "Bavarian", "bpy": "Bishnupriya Manipuri",
    "br": "Breton", "ce": "Chechen", "cv": "Chuvash", "fy": "Western Frisian", "gan": "Gan Chinese",
    "gsw": "Alemannic (Swiss German)", "hbs": "Serbo-Croatian (macrolanguage)", "ia": "Interlingua",
    "io": "Ido", "la": "Latin", "lzh": "Literary Chinese", "nan": "Min Nan Chinese",
    "nds": "Low German (Low Saxon)", "new": "Newar", "pms": "Piedmontese",
    "pnb": "Western Punjabi", "sco": "Scots", "vo": "Volapük", "wuu": "Wu Chinese",
}  # fmt: skip


@pytest.fixture(scope="module")
def document():
    return json.loads(DATA.read_text(encoding="utf-8"))


def test_the_file_validates_against_its_schema(document):
    validate(document, "pretraining", source=str(DATA))


def test_the_schema_rejects_an_entry_without_a_code(document):
    from xtreme_harness.errors import SchemaError

    broken = json.loads(json.dumps(document))
    del broken["models"][0]["languages"][0]["code"]
    with pytest.raises(SchemaError):
        validate(broken, "pretraining", source="broken.json")


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_counts_equal_the_published_counts(name):
    published, entries, codes = PUBLISHED[name]
    model = pretraining.models()[name]
    assert model.published_count == published
    assert len(model.entries) == entries == published
    assert len(model.languages) == codes


def test_every_model_cites_sources_with_a_commit_or_a_citation():
    sources = pretraining.sources()
    for model in pretraining.models().values():
        assert model.sources
        for key in model.sources:
            assert (
                ("commit" in sources[key])
                or ("citation" in sources[key])
                or ("huggingface.co" in sources[key]["url"])
            ), key


def test_entries_are_unique_and_variants_have_a_plain_entry():
    for model in pretraining.models().values():
        keys = [(e.code, e.variant) for e in model.entries]
        assert len(keys) == len(set(keys)), model.name
        plain = {e.code for e in model.entries if e.variant in (None, "simplified")}
        for entry in model.entries:
            if entry.variant in ("romanized", "zawgyi", "traditional", "simple"):
                assert entry.code in plain, (model.name, entry)


def test_every_code_is_in_the_registry_or_a_known_iso_code():
    registry = default_registry()
    used = {e.code for m in pretraining.models().values() for e in m.entries}
    outside = {code for code in used if code not in registry}
    assert outside == set(OUTSIDE_REGISTRY)
    for code in used & set(registry.codes):
        assert registry.get(code).code == code  # the registry's own code, not an alias


@pytest.mark.parametrize(
    "alias, name",
    [
        ("FacebookAI/xlm-roberta-large", "xlm-r"),
        ("FacebookAI/xlm-roberta-base", "xlm-r"),
        ("xlm-roberta-base", "xlm-r"),
        ("XLM-RoBERTa-Large", "xlm-r"),
        ("bert-base-multilingual-cased", "mbert-cased"),
        ("google-bert/bert-base-multilingual-cased", "mbert-cased"),
        ("bert-base-multilingual-uncased", "mbert-uncased"),
        ("microsoft/mdeberta-v3-base", "mdeberta-v3-base"),
        ("FacebookAI/xlm-mlm-100-1280", "xlm-100"),
        ("xlm-mlm-100-1280", "xlm-100"),
        ("someone/xlm-roberta-base", "xlm-r"),
    ],
)
def test_aliases_resolve(alias, name):
    assert pretraining.get(alias).name == name
    assert pretraining.pretrained_languages(alias) == pretraining.models()[name].languages


def test_an_unknown_model_is_none():
    assert pretraining.find("gpt2") is None
    assert pretraining.pretrained_languages("gpt2") is None
    assert pretraining.covered("gpt2", "en") is None
    with pytest.raises(UnknownNameError):
        pretraining.get("gpt2")


@pytest.mark.parametrize(
    "model, language, expected",
    [
        ("xlm-roberta-large", "sw", True),
        ("xlm-roberta-large", "swh", True),  # the registry's ISO 639-3 code for sw
        ("xlm-roberta-base", "yo", False),
        ("bert-base-multilingual-cased", "yo", True),
        ("bert-base-multilingual-cased", "qu", False),
        ("xlm-roberta-large", "qu", False),
        ("microsoft/mdeberta-v3-base", "qu", False),
        ("xlm-mlm-100-1280", "qu", False),
        ("bert-base-multilingual-cased", "th", True),
        ("bert-base-multilingual-uncased", "th", False),
        ("bert-base-multilingual-uncased", "mn", False),
        ("bert-base-multilingual-cased", "zh", True),
        ("xlm-roberta-base", "zho", True),
        ("xlm-roberta-base", "hi", True),
        ("xlm-roberta-base", "am", True),
        ("bert-base-multilingual-cased", "am", False),
        ("microsoft/mdeberta-v3-base", "sw", True),
        ("xlm-mlm-100-1280", "gsw", True),  # Wikipedia `als`: Alemannic, not Tosk Albanian
        ("xlm-mlm-100-1280", "sq", True),
        ("xlm-mlm-100-1280", "nb", True),
        ("xlm-mlm-100-1280", "yo", False),
    ],
)
def test_known_facts(model, language, expected):
    assert pretraining.covered(model, language) is expected


def test_romanized_entries_are_kept_but_not_counted():
    xlmr = pretraining.models()["xlm-r"]
    romanized = {e.code for e in xlmr.entries if e.variant == "romanized"}
    assert romanized == {"bn", "hi", "ta", "te", "ur"}
    assert [e.name for e in xlmr.entries if e.code == "hi"] == ["Hindi", "Hindi Romanize"]


def test_mdeberta_shares_the_xlmr_list():
    models = pretraining.models()
    assert models["mdeberta-v3-base"].entries == models["xlm-r"].entries


def test_a_model_added_is_used_and_a_known_name_refused(monkeypatch):
    monkeypatch.setattr(pretraining, "_registered", {})
    model = pretraining.pretrained_model(
        "afro-xlmr",
        ["sw", "yo", "ha"],
        "Alabi et al. 2022, Table 1",
        aliases=["Davlan/afro-xlmr-base"],
    )
    pretraining.use_registered([model])
    pretraining.use_registered([model])  # the same model again: nothing to do
    assert pretraining.covered("Davlan/afro-xlmr-base", "yo") is True
    assert model.languages == {"sw", "yo", "ha"}
    with pytest.raises(UsageError):
        other = pretraining.pretrained_model("other", ["en"], "x", aliases=["xlm-roberta-base"])
        pretraining.use_registered([other])
    with pytest.raises(UsageError):
        pretraining.pretrained_model("bad", ["english"], "x")


class _AfroPlugin:
    """A third-party plugin that brings one model and tries to redefine a shipped one."""

    from xtreme_harness import hookimpl

    @hookimpl
    def xharness_register_pretrained_models(self, register):
        register(pretraining.pretrained_model(
            "afro-xlmr", ["sw", "yo", "ha"], "Alabi et al. 2022, Table 1",
            aliases=["Davlan/afro-xlmr-base"],
        ))  # fmt: skip
        register(pretraining.pretrained_model("xlm-r", ["en"], "a plugin's own list"))


def test_xharness_register_pretrained_models(monkeypatch):
    from xtreme_harness.plugin_host import PluginHost, PluginWarning

    monkeypatch.setattr(pretraining, "_registered", {})
    host = PluginHost(entry_points=False, plugins=[("thirdparty", _AfroPlugin())])
    with pytest.warns(PluginWarning, match="xlm-r"):
        found = host.registrations("pretrained_models")
    assert sorted(found) == ["afro-xlmr"] and found["afro-xlmr"].plugin == "thirdparty"
    assert pretraining.covered("Davlan/afro-xlmr-base", "yo") is None  # not used yet
    pretraining.use_registered(r.obj for r in found.values())
    assert pretraining.covered("Davlan/afro-xlmr-base", "yo") is True
    assert pretraining.covered("afro-xlmr", "de") is False
    with pytest.raises(UsageError, match="already known"):
        clash = pretraining.pretrained_model("x", ["en"], "s", aliases=["xlm-roberta-base"])
        pretraining.use_registered([clash])
    with pytest.raises(UsageError, match="no languages"):
        pretraining.pretrained_model("empty", [], "s")
