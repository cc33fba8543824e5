"""MASSIVE and SIB-200: multilingual classification data to train on before the target task.

Both are parallel (the same content in every language), so the languages of a set can be compared
at equal budgets. Their languages are the registry's: a MASSIVE locale or SIB-200 config belongs to
the language whose record lists it (`datasets` in registry/languages.json).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xharness_plugins.intermediate.readers import massive_jsonl, sib200_tsv
from xtreme_harness.interfaces import (
    PARQUET_BRANCH,
    Category,
    FolderSource,
    HubPin,
    HubSource,
    Recipe,
    TaskKind,
    TaskSpec,
)
from xtreme_harness.registry import Language, default_registry

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"

MASSIVE_INTENTS = (
    "alarm_query", "alarm_remove", "alarm_set", "audio_volume_down", "audio_volume_mute",
    "audio_volume_other", "audio_volume_up", "calendar_query", "calendar_remove", "calendar_set",
    "cooking_query", "cooking_recipe", "datetime_convert", "datetime_query", "email_addcontact",
    "email_query", "email_querycontact", "email_sendemail", "general_greet", "general_joke",
    "general_quirky", "iot_cleaning", "iot_coffee", "iot_hue_lightchange", "iot_hue_lightdim",
    "iot_hue_lightoff", "iot_hue_lighton", "iot_hue_lightup", "iot_wemo_off", "iot_wemo_on",
    "lists_createoradd", "lists_query", "lists_remove", "music_dislikeness", "music_likeness",
    "music_query", "music_settings", "news_query", "play_audiobook", "play_game", "play_music",
    "play_podcasts", "play_radio", "qa_currency", "qa_definition", "qa_factoid", "qa_maths",
    "qa_stock", "recommendation_events", "recommendation_locations", "recommendation_movies",
    "social_post", "social_query", "takeaway_order", "takeaway_query", "transport_query",
    "transport_taxi", "transport_ticket", "transport_traffic", "weather_query",
)  # fmt: skip
SIB200_TOPICS = (
    "science/technology", "travel", "politics", "sports", "health", "entertainment", "geography",
)  # fmt: skip

SENTENCE = Recipe(
    learning_rate=2e-5, epochs=3, max_length=128, batch_size=8, gradient_accumulation=4,
    source="xharness default for sentence classification (the datasets publish no XTREME-style "
    "recipe); override for your setting",
)  # fmt: skip

HUB_SPLITS = {"train": "train", "validation": "validation", "test": "test"}

MASSIVE_PIN = HubPin(
    "f2cf6491f8b3bd836320acc0daf8d5328ef641a6",
    data_files="{config}/massive-{split}.parquet",
    branch=PARQUET_BRANCH,
)
"""AmazonScience/massive is script-only (massive.py downloads the release archive), so it is read
from the Hub's Parquet conversion of that script, one folder per locale."""

SIB200_PIN = HubPin(
    "6b10ac81017bdf428f18889311ce0dcfc35d925a",
    data_files="{config}/{split}/*.parquet",
    branch=PARQUET_BRANCH,
)
"""Davlan/sib200 keeps its loading script (sib200.py) next to the data, which `datasets` >= 4
refuses, so it is read from the Hub's Parquet conversion, one folder per FLORES-200 code."""


def _with(dataset: str) -> list[Language]:
    return [lang for lang in default_registry() if dataset in lang.datasets]


def massive_locale(code: str) -> str:
    """The MASSIVE locale of a language (the first listed: zh -> zh-CN)."""
    return default_registry().get(code).datasets["massive"][0]


def sib200_config(code: str) -> str:
    """The SIB-200 config of a language: the one in its main script, else the first listed."""
    lang = default_registry().get(code)
    configs = lang.datasets["sib200"]
    return next((c for c in configs if c.endswith("_" + lang.script)), configs[0])


def _massive_convert(row: dict[str, Any], features: Any) -> dict[str, Any]:
    intent = row["intent"]
    if not isinstance(intent, str):
        intent = features["intent"].names[intent]
    return {"text_a": row["utt"], "text_b": None, "label": intent}


def _sib200_convert(row: dict[str, Any], features: Any) -> dict[str, Any]:
    category = row["category"]
    if not isinstance(category, str):
        category = features["category"].names[category]
    return {"text_a": row["text"], "text_b": None, "label": category}


_MASSIVE_LANGUAGES = tuple(lang.code for lang in _with("massive"))
_SIB200_LANGUAGES = tuple(lang.code for lang in _with("sib200"))

MASSIVE = TaskSpec(
    name="massive",
    title="MASSIVE intents",
    category=Category.CLASSIFICATION,
    kind=TaskKind.CLASSIFICATION,
    languages=_MASSIVE_LANGUAGES,
    train_languages=_MASSIVE_LANGUAGES,
    metric="accuracy",
    train_data="MASSIVE 1.0 training utterances, human-localised from SLURP (every locale)",
    labels=MASSIVE_INTENTS,
    sources={
        "hub": HubSource(
            "AmazonScience/massive (config = locale)",
            lambda split, code: ("AmazonScience/massive", massive_locale(code), HUB_SPLITS[split]),
            _massive_convert,
            pins={"AmazonScience/massive": MASSIVE_PIN},
        ),
        "sample": FolderSource(
            "sample",
            dict.fromkeys(("train", "validation", "test"), "massive/{lang}.jsonl"),
            massive_jsonl("train", MASSIVE_INTENTS),
            root=SAMPLE_DIR,
            readers={
                "train": massive_jsonl("train", MASSIVE_INTENTS),
                "validation": massive_jsonl("dev", MASSIVE_INTENTS),
                "test": massive_jsonl("test", MASSIVE_INTENTS),
            },
            file_key=massive_locale,
        ),
    },
    recipe=SENTENCE,
    roles=("intermediate", "target"),
    description="Intent classification of voice-assistant utterances (60 intents), parallel "
    "across 51 locales; zh uses zh-CN.",
    reference="FitzGerald et al. 2023, MASSIVE: A 1M-Example Multilingual Natural Language "
    "Understanding Dataset with 51 Typologically-Diverse Languages (CC BY 4.0)",
)

SIB200 = TaskSpec(
    name="sib200",
    title="SIB-200 topics",
    category=Category.CLASSIFICATION,
    kind=TaskKind.CLASSIFICATION,
    languages=_SIB200_LANGUAGES,
    train_languages=_SIB200_LANGUAGES,
    metric="accuracy",
    train_data="SIB-200 training sentences (FLORES-200), every language",
    labels=SIB200_TOPICS,
    sources={
        "hub": HubSource(
            "Davlan/sib200 (config = FLORES-200 code)",
            lambda split, code: ("Davlan/sib200", sib200_config(code), HUB_SPLITS[split]),
            _sib200_convert,
            pins={"Davlan/sib200": SIB200_PIN},
        ),
        "sample": FolderSource(
            "sample",
            {
                "train": "sib200/{lang}/train.tsv",
                "validation": "sib200/{lang}/dev.tsv",
                "test": "sib200/{lang}/test.tsv",
            },
            sib200_tsv(SIB200_TOPICS),
            root=SAMPLE_DIR,
            file_key=sib200_config,
            how_to_get="The sample files cover a subset of the SIB-200 languages; use the hub "
            "source for the others.",
        ),
    },
    recipe=SENTENCE,
    roles=("intermediate", "target"),
    description="Topic classification of FLORES-200 sentences (7 topics), parallel across about "
    "200 languages.",
    reference="Adelani et al. 2024, SIB-200: A Simple, Inclusive, and Big Evaluation Dataset for "
    "Topic Classification in 200+ Languages and Dialects (CC BY-SA 4.0)",
)

TASKS = (MASSIVE, SIB200)
