"""Bilingual lexicons in the MUSE format (Conneau et al. 2018, facebookresearch/MUSE ground-truth
dictionaries: one ``source target`` pair per line, lower case) between English and every language
of the XNLI sample, from the lexicon's index-aligned word lists (`_glosses`): the nouns, verbs and
adjectives the sample sentences are made of, in their base form. For the dictionary translator
and the code-switch perturber."""

from __future__ import annotations

from typing import Any

LISTS = ("nouns", "verbs", "adjectives")


def _words(entry: dict[str, Any]) -> list[str | None]:
    """The base forms of the lists, index-aligned across languages (None where unusable)."""
    found: list[str | None] = []
    for name in LISTS:
        for word in entry[name]:
            usable = isinstance(word, str) and word and " " not in word
            found.append(word.lower() if usable else None)
    return found


def lexicon_files(raw: dict[str, Any], codes: list[str]) -> dict[str, str]:
    """`lexicons/en-<lang>.txt` and `lexicons/<lang>-en.txt` for every code but English."""
    english = _words(raw["en"])
    files = {}
    for code in codes:
        if code == "en":
            continue
        pairs = [(e, w) for e, w in zip(english, _words(raw[code]), strict=True) if e and w]
        files[f"lexicons/en-{code}.txt"] = "".join(f"{e} {w}\n" for e, w in pairs)
        files[f"lexicons/{code}-en.txt"] = "".join(f"{w} {e}\n" for e, w in pairs)
    return files


def check_lexicons(files: dict[str, str], codes: list[str]) -> list[str]:
    """Every lexicon is there and has two fields on every line."""
    errors = []
    for code in codes:
        if code == "en":
            continue
        for rel in (f"lexicons/en-{code}.txt", f"lexicons/{code}-en.txt"):
            if rel not in files:
                errors.append(f"{rel}: missing")
            elif not files[rel] or any(len(line.split()) != 2
                                       for line in files[rel].splitlines()):  # fmt: skip
                errors.append(f"{rel}: expected 'source target' on every line, and some lines")
    return errors
