"""Checks of the MASSIVE and SIB-200 files and of the lexicon fields they need: the cue words
of every label, the Traditional Chinese forms (``zh.hant``), formats, label sets and balance,
each example holding its label's cue word and no other's, and no example repeated.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import Any

from .checks import check_one_line, check_script, lines_of
from .grammar import Lang, capitalise
from .intermediate import (
    HANT_SKIP,
    MASSIVE_INTENTS,
    MASSIVE_KEYS,
    MASSIVE_LOCALES,
    MASSIVE_PARTITIONS,
    MASSIVE_SIZES,
    SIB_CATEGORIES,
    SIB_HEADER,
    SIB_SIZES,
    SIB_SPLITS,
    TRADITIONAL_LOCALE,
    locale_language,
    massive_lang,
)


def check_cue_fields(raw: dict[str, Any], codes: Iterable[str]) -> list[str]:
    """Every language has a cue word for each SIB-200 category and each MASSIVE intent."""
    errors = []
    for code in sorted(codes):
        entry = raw.get(code)
        if not isinstance(entry, dict):
            continue  # reported by check_lexicon
        for field, labels in (("topics", SIB_CATEGORIES), ("intents", tuple(MASSIVE_INTENTS))):
            where = f"lexicon.json [{code}] {field}"
            value = entry.get(field)
            if not isinstance(value, dict) or set(value) != set(labels):
                errors.append(f"{where}: expected an object with the keys {', '.join(labels)}")
                continue
            for label in labels:
                cue = value[label]
                if not isinstance(cue, str) or not cue.strip() or cue != " ".join(cue.split()):
                    errors.append(f"{where}.{label}: expected a word (or words, single spaces)")
                elif "/" in cue or "+" in cue or "|" in cue:
                    errors.append(f"{where}.{label}: {cue!r} holds '/', '+' or '|'")
            counts = Counter(value.values())
            for cue, count in sorted(counts.items()):
                if count > 1:
                    errors.append(f"{where}: {cue!r} is the cue of {count} labels")
    return errors


def hant_pairs(raw: dict[str, Any]) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(field, Simplified, Traditional) string pairs of zh and zh.hant, and their problems."""
    zh = raw.get("zh", {})
    hant = zh.get("hant")
    where = "lexicon.json [zh] hant"
    if not isinstance(hant, dict):
        return [], [f"{where}: expected an object of Traditional forms (for {TRADITIONAL_LOCALE})"]
    errors = []
    for field in sorted(set(zh) - set(HANT_SKIP) - set(hant)):
        errors.append(f"{where}: no Traditional form of {field}")
    pairs: list[tuple[str, str, str]] = []

    def walk(name: str, simplified: Any, traditional: Any) -> None:
        if isinstance(simplified, str) and isinstance(traditional, str):
            if len(simplified) != len(traditional):
                errors.append(
                    f"{where}.{name}: {traditional!r} is not a character-by-character "
                    f"conversion of {simplified!r}"
                )
            pairs.append((name, simplified, traditional))
        elif isinstance(simplified, list) and isinstance(traditional, list):
            if len(simplified) != len(traditional):
                errors.append(f"{where}.{name}: expected {len(simplified)} entries")
            for i, (a, b) in enumerate(zip(simplified, traditional, strict=False)):
                walk(f"{name}[{i}]", a, b)
        elif isinstance(simplified, dict) and isinstance(traditional, dict):
            if set(simplified) != set(traditional):
                errors.append(f"{where}.{name}: expected the keys {', '.join(simplified)}")
            for key in sorted(set(simplified) & set(traditional)):
                walk(f"{name}.{key}", simplified[key], traditional[key])
        else:
            errors.append(f"{where}.{name}: not the same shape as zh.{name}")

    for field in sorted(hant):
        if field in HANT_SKIP or field not in zh:
            errors.append(f"{where}.{field}: not a word field of zh")
            continue
        walk(field, zh[field], hant[field])
    return pairs, errors


def chinese_variants(raw: dict[str, Any]) -> tuple[set[str], set[str]]:
    """The characters only the Simplified, and only the Traditional, lexicon forms use."""
    pairs, _ = hant_pairs(raw)
    simplified: set[str] = set()
    traditional: set[str] = set()
    for _, a, b in pairs:
        for s, t in zip(a, b, strict=False):
            if s != t:
                simplified.add(s)
                traditional.add(t)
    return simplified - traditional, traditional - simplified


def words_of(text: str) -> list[str]:
    """Space-separated words without the punctuation around them."""
    words = []
    for word in text.split():
        start, end = 0, len(word)
        while start < end and unicodedata.category(word[start]).startswith("P"):
            start += 1
        while end > start and unicodedata.category(word[end - 1]).startswith("P"):
            end -= 1
        words.append(word[start:end])
    return words


def has_cue(text: str, cue: str, lang: Lang) -> bool:
    """Whether `text` holds `cue` (or, opening a sentence, its capitalised form): as whole words
    where the language spaces its words, else as a substring."""
    forms = {cue, capitalise(cue, lang.code)}
    if not lang.sep:
        return any(form in text for form in forms)
    words = words_of(text)
    for form in forms:
        parts = form.split()
        if any(words[i : i + len(parts)] == parts for i in range(len(words) - len(parts) + 1)):
            return True
    return False


def check_cues(
    where: str, text: str, label: str, cues: dict[str, str], lang: Lang, errors: list[str]
) -> None:
    if not has_cue(text, cues[label], lang):
        errors.append(f"{where}: lacks the cue word {cues[label]!r} of {label}")
    others = [other for other, cue in cues.items() if other != label and has_cue(text, cue, lang)]
    for other in others:
        errors.append(f"{where}: holds {cues[other]!r}, the cue word of {other}, not of {label}")


def check_massive(
    rel: str, content: str, locale: str, lang: Lang, variants: set[str], errors: list[str]
) -> None:
    code = locale_language(locale)
    cues = lang.e["intents"]
    counts: Counter[tuple[str, str]] = Counter()
    ids: dict[str, int] = {}
    partition_of: dict[str, str] = {}
    for number, line in enumerate(lines_of(rel, content, errors), start=1):
        where = f"{rel}:{number} [{locale}]"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}: not JSON ({exc.msg})")
            continue
        if not isinstance(record, dict) or list(record) != MASSIVE_KEYS:
            errors.append(f"{where}: expected the keys {', '.join(MASSIVE_KEYS)} in that order")
            continue
        if not isinstance(record["id"], str) or not record["id"].isdigit():
            errors.append(f"{where} id: expected a string of digits")
        elif record["id"] in ids:
            errors.append(f"{where} id: {record['id']} is also the id of line {ids[record['id']]}")
        else:
            ids[record["id"]] = number
        if record["locale"] != locale:
            errors.append(f"{where} locale: {record['locale']!r}, expected {locale!r}")
        partition, intent = record["partition"], record["intent"]
        if partition not in MASSIVE_PARTITIONS:
            errors.append(f"{where} partition: {partition!r} is not one of train, dev, test")
        if intent not in MASSIVE_INTENTS:
            errors.append(f"{where} intent: {intent!r} is not one of {', '.join(MASSIVE_INTENTS)}")
            continue
        if record["scenario"] != MASSIVE_INTENTS[intent]:
            errors.append(
                f"{where} scenario: {record['scenario']!r}, expected {MASSIVE_INTENTS[intent]!r}"
            )
        counts[(partition, intent)] += 1
        utt = record["utt"]
        if not check_one_line(f"{where} utt", utt, errors):
            continue
        if record["annot_utt"] != utt:
            errors.append(f"{where} annot_utt: expected the utt (no slot annotation)")
        if utt in partition_of:
            errors.append(f"{where} utt: also in {partition_of[utt]} (the same utterance twice)")
        partition_of.setdefault(utt, partition)
        check_cues(f"{where} utt", utt, intent, cues, lang, errors)
        odd = sorted(set(utt) & variants)
        if odd:
            errors.append(f"{where} utt: characters of the other Chinese script: {''.join(odd)}")
    for partition in MASSIVE_PARTITIONS:
        for intent in MASSIVE_INTENTS:
            found, expected = counts[(partition, intent)], MASSIVE_SIZES[partition]
            if found != expected:
                errors.append(
                    f"{rel} [{locale}] intent: {found} {intent} utterances in {partition}, "
                    f"expected {expected}"
                )
    check_script(rel, code, "utt", " ".join(partition_of), errors)


def check_sib200(
    config: str, files: dict[str, str], code: str, lang: Lang, errors: list[str]
) -> None:
    cues = lang.e["topics"]
    ids: dict[str, str] = {}
    split_of: dict[str, str] = {}
    for split in SIB_SPLITS:
        rel = f"sib200/{config}/{split}.tsv"
        if rel not in files:
            continue
        counts: Counter[str] = Counter()
        lines = lines_of(rel, files[rel], errors)
        if not lines or lines[0].split("\t") != list(SIB_HEADER):
            errors.append(f"{rel} [{code}]: expected the header {'<TAB>'.join(SIB_HEADER)}")
        texts = []
        for number, line in enumerate(lines[1:], start=2):
            where = f"{rel}:{number} [{code}]"
            fields = line.split("\t")
            if len(fields) != 3 or next(csv.reader([line], delimiter="\t"), []) != fields:
                errors.append(f"{where}: expected 3 tab-separated fields that need no quoting")
                continue
            index_id, category, text = fields
            if not index_id.isdigit() or str(int(index_id)) != index_id:
                errors.append(f"{where} index_id: {index_id!r} is not an integer")
            elif index_id in ids:
                errors.append(f"{where} index_id: {index_id} is also in {ids[index_id]}")
            else:
                ids[index_id] = rel
            if category not in SIB_CATEGORIES:
                shown = ", ".join(SIB_CATEGORIES)
                errors.append(f"{where} category: {category!r} is not one of {shown}")
                continue
            counts[category] += 1
            if not check_one_line(f"{where} text", text, errors):
                continue
            if text in split_of:
                errors.append(f"{where} text: also in {split_of[text]} (the same sentence twice)")
            split_of.setdefault(text, split)
            texts.append(text)
            check_cues(f"{where} text", text, category, cues, lang, errors)
        for category in SIB_CATEGORIES:
            if counts[category] != SIB_SIZES[split]:
                errors.append(
                    f"{rel} [{code}] category: {counts[category]} {category} sentences, "
                    f"expected {SIB_SIZES[split]}"
                )
        check_script(rel, code, "text", " ".join(texts), errors)


def check_intermediate(
    files: dict[str, str],
    langs: dict[str, Lang],
    raw: dict[str, Any],
    configs: dict[str, str],
    registry: dict[str, dict[str, Any]],
) -> list[str]:
    errors: list[str] = []
    required = ["README.md"] + [f"massive/{locale}.jsonl" for locale in MASSIVE_LOCALES]
    for config in sorted(configs.values()):
        required += [f"sib200/{config}/{split}.tsv" for split in SIB_SPLITS]
    for rel in required:
        if rel not in files:
            errors.append(f"{rel}: missing")
    code_of = {config: code for code, config in configs.items()}
    known = {
        config: record["code"]
        for record in registry.values()
        for config in record.get("datasets", {}).get("sib200", [])
    }
    simplified, traditional = chinese_variants(raw)
    checked = set()
    for rel in sorted(files):
        parts = rel.split("/")
        if rel == "README.md":
            continue
        if parts[0] == "massive" and len(parts) == 2 and parts[1].endswith(".jsonl"):
            locale = parts[1].removesuffix(".jsonl")
            if locale not in MASSIVE_LOCALES:
                errors.append(f"{rel}: {locale!r} is not a MASSIVE locale")
                continue
            variants = set()
            if locale_language(locale) == "zh":
                variants = simplified if locale == TRADITIONAL_LOCALE else traditional
            lang = massive_lang(langs, raw, locale)
            check_massive(rel, files[rel], locale, lang, variants, errors)
        elif parts[0] == "sib200" and len(parts) == 3 and parts[2][:-4] in SIB_SPLITS:
            config = parts[1]
            if config not in known:
                errors.append(f"{rel}: {config!r} is not a SIB-200 config of the registry")
            elif config not in code_of:
                errors.append(
                    f"{rel} [{known[config]}]: not the config chosen for the language "
                    f"({configs.get(known[config])})"
                )
            elif config not in checked:
                checked.add(config)
                code = code_of[config]
                check_sib200(config, files, code, langs[code], errors)
        else:
            errors.append(f"{rel}: not a file of the MASSIVE or SIB-200 layout")
    return errors
