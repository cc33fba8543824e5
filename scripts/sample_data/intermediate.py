"""The intermediate-task datasets MASSIVE and SIB-200, in their original release formats.

Under ``plugins/intermediate/sample``: MASSIVE (``massive/<locale>.jsonl``, every one of its 51
locales; 8 of its intents) and SIB-200 (``sib200/<config>/{train,dev,test}.tsv``, one config per
language of the lexicon, chosen from ``registry/languages.json``).

Every utterance or sentence holds the cue word of its label (``alarm``, ``weather``, ...;
``computer``, ``hotel``, ...) in the language, from the ``intents`` and ``topics`` of the
lexicon; zh-TW uses the Traditional forms of the lexicon's ``zh.hant``. These files have their own
random generators, so the XTREME-R files do not depend on them.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from typing import Any

from .common import LANGUAGE_REGISTRY, SEED, jsonl, tsv, unique
from .grammar import Draw, Lang, Token, split_phrase

MASSIVE_LOCALES = (
    *("af-ZA", "am-ET", "ar-SA", "az-AZ", "bn-BD", "cy-GB", "da-DK", "de-DE", "el-GR", "en-US"),
    *("es-ES", "fa-IR", "fi-FI", "fr-FR", "he-IL", "hi-IN", "hu-HU", "hy-AM", "id-ID", "is-IS"),
    *("it-IT", "ja-JP", "jv-ID", "ka-GE", "km-KH", "kn-IN", "ko-KR", "lv-LV", "ml-IN", "mn-MN"),
    *("ms-MY", "my-MM", "nb-NO", "nl-NL", "pl-PL", "pt-PT", "ro-RO", "ru-RU", "sl-SL", "sq-AL"),
    *("sv-SE", "sw-KE", "ta-IN", "te-IN", "th-TH", "tl-PH", "tr-TR", "ur-PK", "vi-VN", "zh-CN"),
    "zh-TW",
)
TRADITIONAL_LOCALE = "zh-TW"  # written with the Traditional forms of the lexicon's zh.hant
MASSIVE_INTENTS = {  # MASSIVE's intent -> its scenario
    "alarm_set": "alarm",
    "weather_query": "weather",
    "play_music": "play",
    "calendar_set": "calendar",
    "takeaway_order": "takeaway",
    "transport_ticket": "transport",
    "news_query": "news",
    "cooking_recipe": "cooking",
}
MASSIVE_KEYS = ["id", "locale", "partition", "scenario", "intent", "utt", "annot_utt"]
MASSIVE_PARTITIONS = ("train", "dev", "test")
MASSIVE_SIZES = {"train": 4, "dev": 1, "test": 2}  # per intent and locale
MASSIVE_IDS = 16521  # utterances per locale in MASSIVE 1.0; ids are drawn below this
SIB_CATEGORIES = (
    *("science/technology", "travel", "politics", "sports", "health", "entertainment"),
    "geography",
)
SIB_HEADER = ("index_id", "category", "text")
SIB_SPLITS = ("train", "dev", "test")
SIB_SIZES = {"train": 4, "dev": 1, "test": 2}  # per category and config
SIB_IDS = 2009  # sentences of FLORES-200 dev + devtest; index ids are drawn below this
INTERMEDIATE_DIRS = ("massive", "sib200")
HANT_SKIP = ("grammar", "separator", "hant", "qa")  # zh fields without a Traditional form


def load_language_registry() -> dict[str, dict[str, Any]]:
    data = json.loads(LANGUAGE_REGISTRY.read_text(encoding="utf-8"))
    return {record["code"]: record for record in data["languages"]}


def locale_language(locale: str) -> str:
    """The lexicon (and registry) code of a MASSIVE locale: zh-CN and zh-TW are both zh."""
    return locale.split("-", 1)[0]


def sib200_config(record: dict[str, Any]) -> str | None:
    """The SIB-200 config of a registry record: the one in its script, else the first listed."""
    configs = record.get("datasets", {}).get("sib200") or []
    for config in configs:
        if config.rsplit("_", 1)[-1] == record.get("script"):
            return config
    return configs[0] if configs else None


def intermediate_plan(
    codes: Iterable[str], registry: dict[str, dict[str, Any]]
) -> tuple[dict[str, str], list[str]]:
    """The SIB-200 config of every lexicon language, and what is wrong with the registry."""
    configs: dict[str, str] = {}
    errors = []
    where = "registry/languages.json"
    for code in sorted(codes):
        record = registry.get(code)
        config = sib200_config(record) if record else None
        if record is None:
            errors.append(f"{where} [{code}]: the lexicon language is not in the registry")
        elif config is None:
            errors.append(f"{where} [{code}] datasets.sib200: no SIB-200 config")
        else:
            configs[code] = config
    for locale in MASSIVE_LOCALES:
        code = locale_language(locale)
        record = registry.get(code)
        if record is None or locale not in record.get("datasets", {}).get("massive", []):
            errors.append(f"{where} [{code}] datasets.massive: does not list {locale}")
    return configs, errors


def hant_lang(raw: dict[str, Any]) -> Lang:
    """Chinese in Traditional characters: the zh entry with the forms of its `hant`."""
    return Lang("zh", {**raw["zh"], **raw["zh"]["hant"]}, raw["_glosses"])


def massive_lang(langs: dict[str, Lang], raw: dict[str, Any], locale: str) -> Lang:
    return hant_lang(raw) if locale == TRADITIONAL_LOCALE else langs[locale_language(locale)]


def cued_tokens(lang: Lang, draw: Draw, cue: str, clauses: int) -> list[Token]:
    """One or more clauses of the lexicon's words, with the cue word before or after them."""
    rng = draw.rng
    tokens: list[Token] = []
    for _ in range(clauses):
        if tokens:
            tokens = tokens + lang.conj()
        tokens = tokens + lang.clause(draw.clause(adjectives=rng.randrange(2), pp=0.3))
    cue_tokens = split_phrase(cue, "NOUN")
    return cue_tokens + tokens if rng.random() < 0.5 else tokens + cue_tokens


def massive_file(lang: Lang, locale: str) -> str:
    """A MASSIVE locale file: every partition, balanced over the intents, ordered by id."""
    rel = f"massive/{locale}.jsonl"
    rng = random.Random(f"{SEED}:massive:{locale}")
    draw = Draw(lang, rng)
    cues = lang.e["intents"]
    seen: set[Any] = set()
    rows = []
    for partition in MASSIVE_PARTITIONS:
        for intent in MASSIVE_INTENTS:
            for _ in range(MASSIVE_SIZES[partition]):

                def make(intent: str = intent) -> tuple[Any, Any]:
                    tokens = cued_tokens(lang, draw, cues[intent], 1)
                    # a spoken request, as in MASSIVE: no capital letter, no full stop
                    utt = lang.text(lang.finish(tokens, punct=False, capital=False))
                    return utt, utt

                rows.append((partition, intent, unique(make, seen, rel)))
    ids = rng.sample(range(MASSIVE_IDS), len(rows))
    records = [
        {
            "id": str(number),
            "locale": locale,
            "partition": partition,
            "scenario": MASSIVE_INTENTS[intent],
            "intent": intent,
            "utt": utt,
            "annot_utt": utt,
        }
        for number, (partition, intent, utt) in zip(ids, rows, strict=True)
    ]
    records.sort(key=lambda record: int(record["id"]))
    return jsonl(records)


def sib200_files(lang: Lang, config: str) -> dict[str, str]:
    """The train, dev and test files of one SIB-200 config, balanced over the categories."""
    rng = random.Random(f"{SEED}:sib200:{config}")
    draw = Draw(lang, rng)
    cues = lang.e["topics"]
    total = len(SIB_CATEGORIES) * sum(SIB_SIZES.values())
    ids = iter(rng.sample(range(SIB_IDS), total))
    seen: set[Any] = set()
    files = {}
    for split in SIB_SPLITS:
        rel = f"sib200/{config}/{split}.tsv"
        rows = []
        for category in SIB_CATEGORIES:
            for _ in range(SIB_SIZES[split]):

                def make(category: str = category) -> tuple[Any, Any]:
                    tokens = cued_tokens(lang, draw, cues[category], 1 + rng.randrange(2))
                    text = lang.text(lang.finish(tokens))
                    return text, text

                rows.append((next(ids), category, unique(make, seen, rel)))
        rows.sort()
        files[rel] = tsv([SIB_HEADER, *((str(i), c, text) for i, c, text in rows)])
    return files
