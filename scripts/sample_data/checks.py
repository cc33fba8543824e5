"""Checks shared by every dataset family: lines and one-line fields, the script of each
language's text, label balance, sentence spans, and the word fields of the lexicon.

A check appends messages naming the file, language and field at fault to `errors`.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import Any

from .common import Span
from .grammar import QA_FIELD, split_phrase

# Expected Unicode script of each language (prefixes of `unicodedata.name` of its letters).
SCRIPTS: dict[str, tuple[str, ...]] = {
    "am": ("ETHIOPIC",),
    **dict.fromkeys(("ar", "fa", "ur"), ("ARABIC",)),
    **dict.fromkeys(("bg", "kk", "mn", "ru", "uk"), ("CYRILLIC",)),
    "bn": ("BENGALI",),
    "el": ("GREEK",),
    "gu": ("GUJARATI",),
    "he": ("HEBREW",),
    **dict.fromkeys(("hi", "mr"), ("DEVANAGARI",)),
    "hy": ("ARMENIAN",),
    "ja": ("CJK UNIFIED", "HIRAGANA", "KATAKANA"),
    "ka": ("GEORGIAN",),
    "km": ("KHMER",),
    "kn": ("KANNADA",),
    "ko": ("HANGUL",),
    "ml": ("MALAYALAM",),
    "my": ("MYANMAR",),
    "pa": ("GURMUKHI",),
    "ta": ("TAMIL",),
    "te": ("TELUGU",),
    "th": ("THAI",),
    "zh": ("CJK UNIFIED",),
}
LATIN = ("LATIN",)
SCRIPT_SHARE = 0.8

# A data file read back: its texts (for `check_script`) and the keys of its examples (repeats)
Examples = tuple[list[str], list[Any]]


REQUIRED_FIELDS: dict[str, tuple[type, int | None]] = {
    "nouns": (list, 8),
    "verbs": (list, 4),
    "adjectives": (list, 4),
    "num": (list, 2),
    "persons": (list, 4),
    "locations": (list, 4),
    "organizations": (list, 3),
    "adposition": (str, None),
    "pronoun": (str, None),
    "conj": (str, None),
    "not": (str, None),
    "perhaps": (str, None),
    "because": (str, None),
    "so": (str, None),
    "question_cause": (str, None),
    "question_effect": (str, None),
    "punct": (str, None),
    "separator": (str, None),
}
STRUCTURAL = ("grammar", "noun_class", "obj_class", "obl_class", "separator")


def strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for key in sorted(value):
            yield from strings(value[key])


def script_share(text: str, prefixes: tuple[str, ...]) -> tuple[float, int]:
    """Share of the letters of `text` whose Unicode name starts with one of `prefixes`."""
    letters = [ch for ch in text if unicodedata.category(ch).startswith("L")]
    if not letters:
        return 1.0, 0
    hits = sum(1 for ch in letters if unicodedata.name(ch, "").startswith(prefixes))
    return hits / len(letters), len(letters)


def check_script(where: str, lang: str, field: str, text: str, errors: list[str]) -> None:
    prefixes = SCRIPTS.get(lang, LATIN)
    share, count = script_share(text, prefixes)
    if count and share < SCRIPT_SHARE:
        odd = sorted(
            {ch for ch in text if unicodedata.category(ch).startswith("L")}
            - {ch for ch in text if unicodedata.name(ch, "").startswith(prefixes)}
        )
        errors.append(
            f"{where} [{lang}] {field}: only {share:.0%} of the letters are in the "
            f"{'/'.join(prefixes)} script (others: {''.join(odd[:20])})"
        )


def check_lexicon(raw: dict[str, Any], needed: Iterable[str]) -> list[str]:
    errors = []
    for key in ("_about", "_glosses"):
        if key not in raw:
            errors.append(f"lexicon.json: missing top-level {key!r}")
    for code in sorted(set(needed)):
        entry = raw.get(code)
        where = f"lexicon.json [{code}]"
        if entry is None:
            errors.append(f"{where}: missing language")
            continue
        for field, (kind, size) in REQUIRED_FIELDS.items():
            value = entry.get(field)
            if not isinstance(value, kind):
                errors.append(f"{where} {field}: expected a {kind.__name__}")
            elif size is not None and len(value) != size:
                errors.append(f"{where} {field}: expected {size} entries, found {len(value)}")
        for field in ("determiner", "aux"):
            if field not in entry or not isinstance(entry[field], (str, type(None))):
                errors.append(f"{where} {field}: expected a string or null")
        if entry.get("separator") not in ("", " "):
            errors.append(f"{where} separator: expected '' or ' '")
        for field, least in (("persons", 2), ("locations", 1), ("organizations", 1)):
            multi = [v for v in entry.get(field, []) if len(v.split()) > 1]
            if len(multi) < least:
                errors.append(f"{where} {field}: expected at least {least} multi-word names")
        grammar = entry.get("grammar", {})
        if grammar.get("order") not in ("SVO", "SOV", "VSO"):
            errors.append(f"{where} grammar.order: expected SVO, SOV or VSO")
        if not set(str(grammar.get("np", "")).split()) >= {"noun"}:
            errors.append(f"{where} grammar.np: expected an order naming at least 'noun'")
        for field in sorted(entry):
            if field == QA_FIELD:
                continue  # templates, not words: check_qa_lexicon
            for value in strings(entry[field]):
                if "\t" in value or "\n" in value or '"' in value:
                    errors.append(f"{where} {field}: {value!r} holds a tab, newline or quote")
                if field in STRUCTURAL or value in ("attr", "obj", "sg"):
                    continue  # class keys, grammar settings and references, not words
                words = " ".join(t[0] for t in split_phrase(value.replace("+", ""), "X"))
                check_script(
                    "lexicon.json", code, f"{field} {value!r}", words.replace("|", " "), errors
                )
    return errors


def lines_of(path: str, content: str, errors: list[str]) -> list[str]:
    if "\r" in content:
        errors.append(f"{path}: holds a carriage return")
    try:
        content.encode("utf-8")
    except UnicodeEncodeError as exc:
        errors.append(f"{path}: not encodable as UTF-8 ({exc.reason})")
    if content and not content.endswith("\n"):
        errors.append(f"{path}: does not end with a newline")
    return content.split("\n")[:-1]


def check_one_line(where: str, value: Any, errors: list[str]) -> bool:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        errors.append(f"{where}: expected a non-empty string without surrounding spaces")
        return False
    if any(ch in value for ch in '\t\n\r"[]'):
        errors.append(f"{where}: holds a tab, newline, quote or bracket")
        return False
    return True


def balance(
    path: str, field: str, values: list[Any], expected: Iterable[Any], errors: list[str]
) -> None:
    counts = Counter(values)
    numbers = [counts.get(v, 0) for v in expected]
    if numbers and max(numbers) - min(numbers) > 1:
        shown = ", ".join(f"{v}={counts.get(v, 0)}" for v in expected)
        errors.append(f"{path} {field}: labels are not balanced ({shown})")


def file_language(rel: str) -> str:
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return stem.rsplit("-", 1)[-1] if "-" in stem else "en"


def check_sentence_spans(where: str, text: str, spans: Any, errors: list[str]) -> list[Span]:
    """Sentence spans ([start, end) pairs or {start, end} objects): in order, inside the text,
    non-empty, nothing but spaces between them; returns them as pairs (none where they are bad)."""
    pairs = [(s.get("start"), s.get("end")) if isinstance(s, dict) else tuple(s) for s in spans]
    end = 0
    for i, pair in enumerate(pairs):
        good = len(pair) == 2 and all(type(x) is int for x in pair) and end <= pair[0] < pair[1]
        if not good or pair[1] > len(text) or text[end : pair[0]].strip():
            errors.append(f"{where}[{i}]: {pair!r} is not a sentence of the text after the last")
            return []
        end = pair[1]
    if not pairs or text[end:].strip():
        errors.append(f"{where}: the sentences do not cover the text")
        return []
    return pairs  # type: ignore[return-value]
