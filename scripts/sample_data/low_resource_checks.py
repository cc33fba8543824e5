"""Checks of the AmericasNLI and MasakhaNER 2.0 sample files: one file per language of each
dataset, the release formats (header and columns; ``TOKEN TAG`` lines), exact label and tag sets,
balanced labels, parallel AmericasNLI files (the same ids and labels on every line), valid IOB2
with a DATE entity in every MasakhaNER file, Latin script, and no example repeated in a file.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

from .low_resource import ANLI_HEADER, ANLI_PER_LABEL, MN_SENTENCES, MN_TAGS
from .pairs import NLI_LABELS


def _latin(where: str, text: str, errors: list[str]) -> None:
    letters = [c for c in text if c.isalpha()]
    others = sorted({c for c in letters if not unicodedata.name(c, "").startswith("LATIN")})
    if not letters or others:
        errors.append(f"{where}: expected Latin letters only, found {''.join(others) or 'none'}")


def check_americasnli(rel: str, content: str, release: str, errors: list[str]) -> list[str]:
    """Errors of one AmericasNLI file; returns its ``id:label`` column for the parallel check."""
    lines = content.split("\n")
    if lines[-1] != "" or "\r" in content:
        errors.append(f"{rel} [{release}]: expected \\n line endings and a final newline")
    lines = lines[:-1]
    if not lines or tuple(lines[0].split("\t")) != ANLI_HEADER:
        errors.append(f"{rel} [{release}] line 1: expected the header {' '.join(ANLI_HEADER)}")
        return []
    keys, pairs = [], set()
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        where = f"{rel} [{release}] line {number}"
        if len(fields) != len(ANLI_HEADER):
            errors.append(f"{where}: expected {len(ANLI_HEADER)} fields, found {len(fields)}")
            continue
        example_id, language, premise, hypothesis, label = fields
        if language != release:
            errors.append(f"{where} language: expected {release!r}, found {language!r}")
        if label not in NLI_LABELS:
            errors.append(f"{where} label: {label!r} is not one of {', '.join(NLI_LABELS)}")
        if '"' in line or not premise.strip() or not hypothesis.strip():
            errors.append(f"{where}: expected non-empty premise and hypothesis without quotes")
        if (premise, hypothesis) in pairs:
            errors.append(f"{where}: the same premise and hypothesis as an earlier line")
        pairs.add((premise, hypothesis))
        _latin(where, premise + hypothesis, errors)
        keys.append(f"{example_id}:{label}")
    counts = Counter(key.split(":")[1] for key in keys)
    if counts != dict.fromkeys(NLI_LABELS, ANLI_PER_LABEL):
        errors.append(f"{rel} [{release}]: expected {ANLI_PER_LABEL} of each label, found "
                      f"{dict(counts)}")  # fmt: skip
    return keys


def check_masakhaner(rel: str, content: str, release: str, errors: list[str]) -> None:
    """Errors of one MasakhaNER 2.0 file."""
    if not content.endswith("\n\n") or "\r" in content or "\t" in content:
        errors.append(f"{rel} [{release}]: expected space-separated lines, \\n line endings and "
                      "an empty line after the last sentence")  # fmt: skip
    sentences, seen, dates = 0, set(), 0
    tokens: list[str] = []
    previous = "O"
    for number, line in enumerate(content.split("\n")[:-1], start=1):
        where = f"{rel} [{release}] line {number}"
        if not line:
            if tokens:
                sentences += 1
                if tuple(tokens) in seen:
                    errors.append(f"{where}: the sentence ending here is repeated")
                seen.add(tuple(tokens))
            tokens, previous = [], "O"
            continue
        fields = line.split(" ")
        if len(fields) != 2 or not all(fields):
            errors.append(f"{where}: expected 'TOKEN TAG', found {line!r}")
            continue
        token, tag = fields
        if tag not in MN_TAGS:
            errors.append(f"{where} tag: {tag!r} is not one of {', '.join(MN_TAGS)}")
        elif tag.startswith("I-") and previous[2:] != tag[2:]:
            errors.append(f"{where} tag: {tag} does not continue an entity of its type (IOB2)")
        dates += tag == "B-DATE"
        if any(c.isalpha() for c in token):
            _latin(where, token, errors)
        tokens.append(token)
        previous = tag
    if sentences != MN_SENTENCES:
        errors.append(f"{rel} [{release}]: expected {MN_SENTENCES} sentences, found {sentences}")
    if not dates:
        errors.append(f"{rel} [{release}]: expected at least one DATE entity (read as O)")


def check_low_resource(files: dict[str, str], codes: dict[str, dict[str, str]]) -> list[str]:
    """Every file present, in its format, and the AmericasNLI files parallel."""
    errors: list[str] = []
    expected = {f"americasnli/test/{r}.tsv" for r in codes["americasnli"].values()}
    expected |= {f"masakhaner/{r}/test.txt" for r in codes["masakhaner"].values()}
    for rel in sorted(expected - files.keys()):
        errors.append(f"{rel}: missing")
    for rel in sorted(files.keys() - expected - {"README.md"}):
        errors.append(f"{rel}: not a file of a registry language of the dataset")
    columns = {}
    for release in codes["americasnli"].values():
        rel = f"americasnli/test/{release}.tsv"
        if rel in files:
            columns[release] = check_americasnli(rel, files[rel], release, errors)
    if len({tuple(column) for column in columns.values()}) > 1:
        errors.append("americasnli/test: the files are not parallel (ids and labels differ)")
    for release in codes["masakhaner"].values():
        rel = f"masakhaner/{release}/test.txt"
        if rel in files:
            check_masakhaner(rel, files[rel], release, errors)
    return errors
