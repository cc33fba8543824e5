#!/usr/bin/env python3
"""Build registry/languages.json from the curated table and the raw data files.

Inputs:
  scripts/registry/curated-languages.csv  codes, names, scripts, Joshi names, dataset codes
  <data-dir>/glottolog-5.1-languages.csv  Glottolog 5.1 CLDF LanguageTable (CC BY 4.0)
  <data-dir>/wals-2020.4-languages.csv    WALS 2020.4 CLDF LanguageTable (CC BY 4.0)
  <data-dir>/joshi2020-lang2tax.txt       Joshi et al. (2020) resource classes
  <data-dir>/intermediate-task-languages.md  MASSIVE locales, SIB-200 configs (completeness)
  registry/benchmarks/{xtreme-r,xtreme,low-resource}.json  task -> languages

Usage:
  python scripts/registry/build_languages.py [--data-dir DIR] [--out FILE] [--check]

Standard library only; the output is validated against registry/schemas/languages.schema.json
when `jsonschema` is importable. See docs/languages.md for the rules applied.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCRIPT_DIR = Path(__file__).resolve().parent
REPO = SCRIPT_DIR.parents[1]
CURATED = SCRIPT_DIR / "curated-languages.csv"
DEFAULT_DATA_DIR = REPO.parent / "shared" / "reference" / "data"
DEFAULT_OUT = REPO / "registry" / "languages.json"
SCHEMA = REPO / "registry" / "schemas" / "languages.schema.json"
BENCHMARK_DIR = REPO / "registry" / "benchmarks"
BENCHMARKS = ("xtreme-r", "xtreme", "xglue", "low-resource")
GENERATED_BY = "scripts/registry/build_languages.py"
TASK_LANGUAGES_FILE = "intermediate-task-languages.md"

CURATED_COLUMNS = (
    "code", "iso639_1", "iso639_3", "macro_iso639_3", "name", "script", "glottocode",
    "wals_code", "family_conventional", "is_creole", "joshi_name", "joshi_class", "joshi_note",
    "massive", "sib200", "americasnli", "masakhaner", "notes",
)  # fmt: skip

# The language codes of the two low-resource target datasets' releases (file and folder names),
# each of which one curated row must list in its column of the same name.
RELEASE_CODES: dict[str, tuple[str, tuple[str, ...]]] = {
    "americasnli": (
        "abteen/americasnli@bebd02c evaluate_xnli.py L76-77 and "
        "configs/dataset/finetuning/anli_default.yaml L10 (data/anli_final/{dev,test}/<code>.tsv)",
        ("aym", "bzd", "cni", "gn", "hch", "nah", "oto", "quy", "shp", "tar"),
    ),
    "masakhaner": (
        "masakhane-io/masakhane-ner@ba5843c, the folders of MasakhaNER2.0/data (also "
        "MasakhaNER2.0/transfer_corpus/langs.txt)",
        (
            *("bam", "bbj", "ewe", "fon", "hau", "ibo", "kin", "lug", "luo", "mos"),
            *("nya", "pcm", "sna", "swa", "tsn", "twi", "wol", "xho", "yor", "zul"),
        ),
    ),
}

SOURCES: dict[str, dict[str, str]] = {
    "glottolog": {
        "title": "Glottolog 5.1, CLDF languages table",
        "file": "glottolog-5.1-languages.csv",
        "licence": "CC BY 4.0",
        "citation": "Hammarström, Harald & Forkel, Robert & Haspelmath, Martin & Bank, Sebastian. "
        "2024. Glottolog 5.1. Leipzig: Max Planck Institute for Evolutionary Anthropology.",
        "url": "https://glottolog.org",
        "doi": "10.5281/zenodo.14006617",
    },
    "wals": {
        "title": "The World Atlas of Language Structures Online v2020.4, CLDF languages table",
        "file": "wals-2020.4-languages.csv",
        "licence": "CC BY 4.0",
        "citation": "Dryer, Matthew S. & Haspelmath, Martin (eds.) 2013. The World Atlas of "
        "Language Structures Online (v2020.4). Leipzig: Max Planck Institute for Evolutionary "
        "Anthropology.",
        "url": "https://wals.info",
        "doi": "10.5281/zenodo.13950591",
    },
    "joshi2020": {
        "title": "Joshi et al. (2020) language-to-class table (lang2tax.txt)",
        "file": "joshi2020-lang2tax.txt",
        "licence": "not stated by the source; the paper is CC BY 4.0",
        "citation": "Joshi, Pratik & Santy, Sebastin & Budhiraja, Amar & Bali, Kalika & "
        "Choudhury, Monojit. 2020. The State and Fate of Linguistic Diversity and Inclusion in the "
        "NLP World. In Proceedings of the 58th Annual Meeting of the Association for "
        "Computational Linguistics (ACL 2020), 6282-6293.",
        "url": "https://microsoft.github.io/linguisticdiversity/assets/lang2tax.txt",
        "doi": "10.18653/v1/2020.acl-main.560",
    },
}

# Glottolog keeps only families proven by the comparative method; NLP papers and benchmark
# READMEs still group languages under the older, broader labels. Keyed by Glottolog family name.
CONVENTIONAL_FAMILY = {
    "Atlantic-Congo": "Niger-Congo",  # Glottolog does not accept Niger-Congo as a proven unit
    "Mande": "Niger-Congo",  # included in Niger-Congo since Greenberg; unproven per Glottolog
    "Tai-Kadai": "Kra-Dai",  # the same family; Kra-Dai is the name in current use
    "Nilotic": "Nilo-Saharan",  # Greenberg's Nilo-Saharan is not accepted by Glottolog
    "Saharan": "Nilo-Saharan",
}
# Glottolog classifies creoles with their lexifier (Haitian under Indo-European); WALS and most
# NLP tables put them in a group of their own.
CREOLE_FAMILY = "Creole"
WALS_CREOLE_GENUS = "Creoles and Pidgins"

# SIB-200 configs whose ISO part is neither the record's ISO 639-3 code nor its macrolanguage:
# FLORES+ relabelled FLORES-200 kon_Latn ("Kikongo") as Kituba.
RELABELLED_CONFIGS = {"kon_Latn": "ktu"}
# Main scripts that cover the script of a SIB-200 config with another ISO 15924 code.
SCRIPT_SUPERSETS = {"Kore": {"Hang"}, "Jpan": {"Hani", "Hira", "Kana"}}

# The 50 XTREME-R languages as given by LANGUAGES.md section 2.1 (Glottolog 5.1 family, WALS
# genus, main script, Joshi class). Haitian's Glottolog family is Indo-European (French-lexifier
# creole); Basque is an isolate and therefore its own family.
EXPECTED_XTREME_R: dict[str, tuple[str, str, str, int]] = {
    "af": ("Indo-European", "Germanic", "Latn", 3),
    "ar": ("Afro-Asiatic", "Semitic", "Arab", 5),
    "az": ("Turkic", "Turkic", "Latn", 1),
    "bg": ("Indo-European", "Slavic", "Cyrl", 3),
    "bn": ("Indo-European", "Indic", "Beng", 3),
    "de": ("Indo-European", "Germanic", "Latn", 5),
    "el": ("Indo-European", "Greek", "Grek", 3),
    "en": ("Indo-European", "Germanic", "Latn", 5),
    "es": ("Indo-European", "Romance", "Latn", 5),
    "et": ("Uralic", "Finnic", "Latn", 3),
    "eu": ("Basque", "Basque", "Latn", 4),
    "fa": ("Indo-European", "Iranian", "Arab", 4),
    "fi": ("Uralic", "Finnic", "Latn", 4),
    "fr": ("Indo-European", "Romance", "Latn", 5),
    "gu": ("Indo-European", "Indic", "Gujr", 1),
    "he": ("Afro-Asiatic", "Semitic", "Hebr", 3),
    "hi": ("Indo-European", "Indic", "Deva", 4),
    "ht": ("Indo-European", "Creoles and Pidgins", "Latn", 2),
    "hu": ("Uralic", "Ugric", "Latn", 4),
    "id": ("Austronesian", "Malayo-Sumbawan", "Latn", 3),
    "it": ("Indo-European", "Romance", "Latn", 4),
    "ja": ("Japonic", "Japanese", "Jpan", 5),
    "jv": ("Austronesian", "Javanese", "Latn", 1),
    "ka": ("Kartvelian", "Kartvelian", "Geor", 3),
    "kk": ("Turkic", "Turkic", "Cyrl", 3),
    "ko": ("Koreanic", "Korean", "Kore", 4),
    "lt": ("Indo-European", "Baltic", "Latn", 3),
    "ml": ("Dravidian", "Dravidian", "Mlym", 1),
    "mr": ("Indo-European", "Indic", "Deva", 2),
    "ms": ("Austronesian", "Malayo-Sumbawan", "Latn", 3),
    "my": ("Sino-Tibetan", "Burmese-Lolo", "Mymr", 1),
    "nl": ("Indo-European", "Germanic", "Latn", 4),
    "pa": ("Indo-European", "Indic", "Guru", 2),
    "pl": ("Indo-European", "Slavic", "Latn", 4),
    "pt": ("Indo-European", "Romance", "Latn", 4),
    "qu": ("Quechuan", "Quechuan", "Latn", 1),
    "ro": ("Indo-European", "Romance", "Latn", 3),
    "ru": ("Indo-European", "Slavic", "Cyrl", 4),
    "sw": ("Atlantic-Congo", "Bantu", "Latn", 2),
    "ta": ("Dravidian", "Dravidian", "Taml", 3),
    "te": ("Dravidian", "Dravidian", "Telu", 1),
    "th": ("Tai-Kadai", "Kam-Tai", "Thai", 3),
    "tl": ("Austronesian", "Greater Central Philippine", "Latn", 3),
    "tr": ("Turkic", "Turkic", "Latn", 4),
    "uk": ("Indo-European", "Slavic", "Cyrl", 3),
    "ur": ("Indo-European", "Indic", "Arab", 3),
    "vi": ("Austroasiatic", "Vietic", "Latn", 4),
    "wo": ("Atlantic-Congo", "Wolof", "Latn", 2),
    "yo": ("Atlantic-Congo", "Defoid", "Latn", 2),
    "zh": ("Sino-Tibetan", "Chinese", "Hans", 5),
}
EXPECTED_XTREME_R_CLASS_COUNTS = {5: 7, 4: 13, 3: 17, 2: 6, 1: 7}

CLASS_DIGITS = frozenset("012345")
CODE_RE = re.compile(r"^[a-z]{2,3}$")
ISO1_RE = re.compile(r"^[a-z]{2}$")
ISO3_RE = re.compile(r"^[a-z]{3}$")
GLOTTOCODE_RE = re.compile(r"^[a-z0-9]{4}[0-9]{4}$")
SCRIPT_RE = re.compile(r"^[A-Z][a-z]{3}$")
MASSIVE_RE = re.compile(r"^[a-z]{2}-[A-Z]{2}$")
SIB200_RE = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}$")
RELEASE_CODE_RE = re.compile(r"^[a-z]{2,3}$")


class BuildError(Exception):
    """A problem in the inputs; the message says where and what was expected."""


@dataclass(frozen=True)
class CuratedRow:
    line: int
    code: str
    iso639_1: str | None
    iso639_3: str | None
    macro_iso639_3: str | None
    name: str
    script: str
    glottocode: str | None
    wals_code: str | None
    family_conventional: str | None
    is_creole: bool
    joshi_name: str | None
    joshi_class: int | None
    joshi_note: str | None
    massive: tuple[str, ...]
    sib200: tuple[str, ...]
    americasnli: tuple[str, ...] = ()
    masakhaner: tuple[str, ...] = ()

    def where(self, field: str) -> str:
        return f"{CURATED.name} line {self.line} (code {self.code!r}), field {field!r}"


@dataclass(frozen=True)
class TaskLanguages:
    """The MASSIVE locales and SIB-200 configs listed in intermediate-task-languages.md."""

    massive: tuple[str, ...]
    sib200: tuple[str, ...]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except FileNotFoundError:
        raise BuildError(f"input file not found: {path}") from None


# --- curated table -------------------------------------------------------------------------


def _optional(value: str) -> str | None:
    return value.strip() or None


def _check_pattern(value: str | None, pattern: re.Pattern[str], where: str, what: str) -> None:
    if value is not None and not pattern.match(value):
        raise BuildError(f"{where}: {value!r} is not {what}")


def parse_curated_row(line: int, raw: dict[str, str]) -> CuratedRow:
    """One curated row, with every field checked for format and internal consistency."""
    where = f"{CURATED.name} line {line}"
    code = raw["code"].strip()
    _check_pattern(code, CODE_RE, f"{where}, field 'code'", "2 or 3 lower-case letters")
    where = f"{where} (code {code!r}), field"
    iso1 = _optional(raw["iso639_1"])
    iso3 = _optional(raw["iso639_3"])
    macro = _optional(raw["macro_iso639_3"])
    _check_pattern(iso1, ISO1_RE, f"{where} 'iso639_1'", "an ISO 639-1 code (2 letters)")
    _check_pattern(iso3, ISO3_RE, f"{where} 'iso639_3'", "an ISO 639-3 code (3 letters)")
    _check_pattern(macro, ISO3_RE, f"{where} 'macro_iso639_3'", "empty or an ISO 639-3 code")
    if len(code) == 2 and code != iso1:
        raise BuildError(f"{where} 'iso639_1': expected {code!r} (a 2-letter code is ISO 639-1)")
    glottocode = _optional(raw["glottocode"])
    if iso3 is None and (len(code) != 3 or iso1 is not None or macro or glottocode is None):
        raise BuildError(
            f"{where} 'iso639_3': may be empty only for a group without an individual ISO 639-3 "
            "code (an ISO 639-5 collective code such as nah): then the code is that 3-letter "
            "code, iso639_1 and macro_iso639_3 are empty and the glottocode column names the "
            "Glottolog group"
        )
    if len(code) == 3 and iso3 is not None and (code != iso3 or iso1 is not None):
        raise BuildError(
            f"{where} 'code': a 3-letter code must equal iso639_3 ({iso3!r}) and iso639_1 must be "
            "empty; use the ISO 639-1 code where the language has one"
        )
    if macro is not None and macro == iso3:
        raise BuildError(f"{where} 'macro_iso639_3': must differ from iso639_3")
    name = raw["name"].strip()
    if not name:
        raise BuildError(f"{where} 'name': expected a language name")
    script = raw["script"].strip()
    _check_pattern(script, SCRIPT_RE, f"{where} 'script'", "an ISO 15924 code such as Latn")
    _check_pattern(glottocode, GLOTTOCODE_RE, f"{where} 'glottocode'", "empty or a Glottocode")
    is_creole = raw["is_creole"].strip()
    if is_creole not in ("", "true"):
        raise BuildError(f"{where} 'is_creole': expected empty or 'true', got {is_creole!r}")
    joshi_class = _optional(raw["joshi_class"])
    if joshi_class is not None and joshi_class not in CLASS_DIGITS:
        raise BuildError(f"{where} 'joshi_class': expected empty or 0-5, got {joshi_class!r}")
    massive = tuple(raw["massive"].split())
    sib200 = tuple(raw["sib200"].split())
    for locale in massive:
        _check_pattern(locale, MASSIVE_RE, f"{where} 'massive'", "a MASSIVE locale like zh-CN")
    for config in sib200:
        _check_pattern(config, SIB200_RE, f"{where} 'sib200'", "a SIB-200 config like zho_Hans")
    releases = {dataset: tuple(raw[dataset].split()) for dataset in RELEASE_CODES}
    for dataset, codes in releases.items():
        for value in codes:
            what = "a release code like quy"
            _check_pattern(value, RELEASE_CODE_RE, f"{where} {dataset!r}", what)
    return CuratedRow(
        line=line,
        code=code,
        iso639_1=iso1,
        iso639_3=iso3,
        macro_iso639_3=macro,
        name=name,
        script=script,
        glottocode=glottocode,
        wals_code=_optional(raw["wals_code"]),
        family_conventional=_optional(raw["family_conventional"]),
        is_creole=is_creole == "true",
        joshi_name=_optional(raw["joshi_name"]),
        joshi_class=int(joshi_class) if joshi_class is not None else None,
        joshi_note=_optional(raw["joshi_note"]),
        massive=massive,
        sib200=sib200,
        **releases,
    )


def read_curated(path: Path) -> list[CuratedRow]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != CURATED_COLUMNS:
            raise BuildError(
                f"{path.name}: header must be {','.join(CURATED_COLUMNS)}, "
                f"got {','.join(reader.fieldnames or ())}"
            )
        rows = []
        for raw in reader:
            if None in raw or any(value is None for value in raw.values()):
                raise BuildError(f"{path.name} line {reader.line_num}: wrong number of fields")
            rows.append(parse_curated_row(reader.line_num, raw))
    check_unique_codes(rows)
    return rows


def check_unique_codes(rows: list[CuratedRow]) -> None:
    """Codes and ISO 639-3 codes must name one row each, also across the two columns."""
    by_code: dict[str, CuratedRow] = {}
    by_iso3: dict[str, CuratedRow] = {}
    for row in rows:
        if row.code in by_code:
            raise BuildError(f"{row.where('code')}: duplicate of line {by_code[row.code].line}")
        if row.iso639_3 in by_iso3:
            other = by_iso3[row.iso639_3]
            raise BuildError(f"{row.where('iso639_3')}: duplicate of line {other.line}")
        by_code[row.code] = row
        if row.iso639_3 is not None:
            by_iso3[row.iso639_3] = row
    for row in rows:
        other = by_iso3.get(row.code)
        if other is not None and other is not row:
            raise BuildError(
                f"{row.where('code')}: {row.code!r} is also the iso639_3 of line {other.line} "
                f"(code {other.code!r})"
            )


# --- task-language lists ---------------------------------------------------------------------


def _code_block(section: str, pattern: re.Pattern[str]) -> tuple[str, ...]:
    """The codes of the first paragraph of `section` made only of codes matching `pattern`."""
    for paragraph in re.split(r"\n\s*\n", section):
        tokens = paragraph.split()
        if tokens and all(pattern.match(token) for token in tokens):
            return tuple(tokens)
    return ()


def read_task_languages(path: Path) -> TaskLanguages:
    """Parse the SIB-200 and MASSIVE code lists out of intermediate-task-languages.md."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BuildError(f"input file not found: {path}") from None
    sections = {s.split("\n", 1)[0].split()[0]: s for s in re.split(r"^## ", text, flags=re.M)[1:]}
    massive = _code_block(sections.get("MASSIVE", ""), MASSIVE_RE)
    sib200 = _code_block(sections.get("SIB-200", ""), SIB200_RE)
    for name, codes in (("MASSIVE", massive), ("SIB-200", sib200)):
        if not codes:
            raise BuildError(f"{path.name}: no code list found in the '## {name}' section")
        duplicates = sorted(c for c, n in Counter(codes).items() if n > 1)
        if duplicates:
            raise BuildError(f"{path.name}: {name} codes listed twice: {' '.join(duplicates)}")
    return TaskLanguages(massive=massive, sib200=sib200)


def check_dataset_mapping(
    rows: list[CuratedRow], codes: Iterable[str], field: str, dataset: str
) -> None:
    """Every listed dataset code belongs to exactly one row, and rows list no unknown code."""
    check_codes(rows, codes, field, f"{dataset} code of {TASK_LANGUAGES_FILE}")


def check_release_codes(rows: list[CuratedRow]) -> None:
    """Each release code of `RELEASE_CODES` is listed by exactly one row, in its dataset's
    column, and no row lists another."""
    for dataset, (source, codes) in RELEASE_CODES.items():
        check_codes(rows, codes, dataset, f"{dataset} release code of {source}")


def check_codes(rows: list[CuratedRow], codes: Iterable[str], field: str, what: str) -> None:
    """Every code of `codes` is in exactly one row's `field` column, and no other code is."""
    listed = set(codes)
    owner: dict[str, CuratedRow] = {}
    for row in rows:
        for code in getattr(row, field):
            if code in owner:
                raise BuildError(
                    f"{row.where(field)}: {code} is already listed on line {owner[code].line}"
                )
            if code not in listed:
                raise BuildError(f"{row.where(field)}: {code} is not a {what}")
            owner[code] = row
    missing = sorted(listed - owner.keys())
    if missing:
        raise BuildError(
            f"{CURATED.name}: no row's {field!r} column lists {' '.join(missing)} (each a {what})"
        )


def check_sib200_configs(row: CuratedRow) -> None:
    """A config's ISO part must be the row's language or macrolanguage, its script compatible."""
    for config in row.sib200:
        iso = config.split("_")[0]
        if iso not in (row.iso639_3, row.macro_iso639_3) and (
            RELABELLED_CONFIGS.get(config) != row.iso639_3
        ):
            raise BuildError(
                f"{row.where('sib200')}: {config} is neither {row.iso639_3} nor its macrolanguage"
            )
    scripts = {config.split("_")[1] for config in row.sib200}
    covered = {row.script} | SCRIPT_SUPERSETS.get(row.script, set())
    if scripts and not scripts & covered:
        raise BuildError(
            f"{row.where('script')}: {row.script} is not the script of any of its SIB-200 "
            f"configs ({' '.join(row.sib200)})"
        )


# --- Glottolog -------------------------------------------------------------------------------


class Glottolog:
    """Languoids of the Glottolog CLDF table, by ID and by ISO 639-3 code."""

    def __init__(self, path: Path) -> None:
        self.rows = {row["ID"]: row for row in read_csv(path)}
        self.by_iso: dict[str, list[dict[str, str]]] = {}
        for row in self.rows.values():
            if row["ISO639P3code"]:
                self.by_iso.setdefault(row["ISO639P3code"], []).append(row)

    def languoid(self, row: CuratedRow) -> dict[str, str]:
        """The curated glottocode's languoid, else the language-level languoid of iso639_3."""
        if row.glottocode is not None:
            found = self.rows.get(row.glottocode)
            if found is None:
                raise BuildError(f"{row.where('glottocode')}: {row.glottocode} is not in Glottolog")
            if found["ISO639P3code"] not in ("", row.iso639_3):
                raise BuildError(
                    f"{row.where('glottocode')}: {row.glottocode} carries ISO code "
                    f"{found['ISO639P3code']}, expected {row.iso639_3} or none"
                )
            return found
        candidates = self.by_iso.get(row.iso639_3, [])
        languages = [c for c in candidates if c["Level"] == "language"]
        if len(languages) != 1:
            others = ", ".join(f"{c['ID']} ({c['Level']} {c['Name']})" for c in candidates)
            raise BuildError(
                f"{row.where('iso639_3')}: expected one Glottolog language-level languoid with ISO "
                f"code {row.iso639_3}, found {len(languages)}"
                + (f"; set the glottocode column to one of: {others}" if others else "")
            )
        return languages[0]

    def family_of(self, languoid: dict[str, str], row: CuratedRow) -> tuple[str, str, bool]:
        """(family name, family glottocode, is_isolate); an isolate is its own family."""
        family_id = languoid["Family_ID"]
        if family_id:
            return self.rows[family_id]["Name"], family_id, False
        if languoid["Is_Isolate"] == "true":
            return languoid["Name"], languoid["ID"], True
        raise BuildError(
            f"{row.where('glottocode')}: Glottolog languoid {languoid['ID']} has neither a family "
            "nor the isolate flag"
        )


# --- WALS ------------------------------------------------------------------------------------


class Wals:
    """Doculects (language rows) of the WALS CLDF table."""

    def __init__(self, path: Path) -> None:
        self.rows = {row["ID"]: row for row in read_csv(path) if row["Genus"]}

    def _by_iso(self, iso: str) -> list[dict[str, str]]:
        return [
            row
            for row in self.rows.values()
            if iso == row["ISO639P3code"] or iso in row["ISO_codes"].split()
        ]

    def doculect(self, row: CuratedRow, glottocode: str) -> dict[str, str] | None:
        """The WALS doculect for a language, or None.

        Candidates are the doculects with the language's Glottocode or ISO 639-3 code, else those
        of its macrolanguage; ties are broken by exact Glottocode, then membership of the
        100-language sample, then the lowest WALS code. The curated wals_code overrides this.
        """
        if row.wals_code is not None:
            found = self.rows.get(row.wals_code)
            if found is None:
                raise BuildError(f"{row.where('wals_code')}: {row.wals_code} is not a WALS code")
            return found
        candidates = [r for r in self.rows.values() if r["Glottocode"] == glottocode]
        candidates += [r for r in self._by_iso(row.iso639_3) if r not in candidates]
        if not candidates and row.macro_iso639_3:
            candidates = self._by_iso(row.macro_iso639_3)
        if not candidates:
            return None
        return min(
            candidates,
            key=lambda r: (r["Glottocode"] != glottocode, r["Samples_100"] != "true", r["ID"]),
        )


# --- Joshi et al. (2020) ---------------------------------------------------------------------


class JoshiClasses:
    """lang2tax.txt: language name -> the classes it is listed with."""

    def __init__(self, path: Path) -> None:
        self.classes: dict[str, set[int]] = {}
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            raise BuildError(f"input file not found: {path}") from None
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            name, sep, value = line.rpartition(",")
            if not sep or value.strip() not in CLASS_DIGITS:
                raise BuildError(f"{path.name} line {number}: expected 'name,class', got {line!r}")
            self.classes.setdefault(name.strip(), set()).add(int(value))

    def resolve(self, row: CuratedRow) -> tuple[int | None, dict[str, str] | None]:
        """(resource_class, resource_class_source) for a curated row."""
        if row.joshi_name is None:
            if row.joshi_class is not None or row.joshi_note is not None:
                raise BuildError(f"{row.where('joshi_name')}: joshi_class/joshi_note need a name")
            return None, None
        classes = self.classes.get(row.joshi_name)
        if classes is None:
            raise BuildError(
                f"{row.where('joshi_name')}: {row.joshi_name!r} is not a name in lang2tax.txt"
            )
        note = row.joshi_note
        if len(classes) > 1:
            listed = "/".join(str(c) for c in sorted(classes))
            if row.joshi_class not in classes or note is None:
                raise BuildError(
                    f"{row.where('joshi_class')}: {row.joshi_name!r} is listed with conflicting "
                    f"classes {listed}; set joshi_class to the one to use and explain in joshi_note"
                )
            note = f"listed with classes {listed}; class {row.joshi_class} used: {note}"
            chosen = row.joshi_class
        else:
            (chosen,) = classes
            if row.joshi_class is not None and row.joshi_class != chosen:
                raise BuildError(
                    f"{row.where('joshi_class')}: expected {chosen} (the class of "
                    f"{row.joshi_name!r}) or empty, got {row.joshi_class}"
                )
        source = {"name": row.joshi_name}
        if note is not None:
            source["note"] = note
        return chosen, source


# --- records ---------------------------------------------------------------------------------


def read_benchmarks(directory: Path) -> dict[str, dict[str, list[str]]]:
    """Benchmark -> task -> languages, tasks in file order."""
    benchmarks = {}
    for name in BENCHMARKS:
        path = directory / f"{name}.json"
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BuildError(f"benchmark definition not found: {path}") from None
        benchmarks[name] = {
            task: list(spec["languages"]) for task, spec in document["tasks"].items()
        }
    return benchmarks


def check_benchmark_languages(
    benchmarks: dict[str, dict[str, list[str]]], rows: list[CuratedRow]
) -> None:
    codes = {row.code for row in rows}
    for benchmark, tasks in benchmarks.items():
        for task, languages in tasks.items():
            missing = sorted(set(languages) - codes)
            if missing:
                raise BuildError(
                    f"{benchmark}.json task {task!r}: no row of {CURATED.name} has code "
                    f"{' '.join(missing)}"
                )


def tasks_of(code: str, benchmarks: dict[str, dict[str, list[str]]]) -> dict[str, list[str]]:
    found = {
        benchmark: [task for task, languages in tasks.items() if code in languages]
        for benchmark, tasks in benchmarks.items()
    }
    return {benchmark: tasks for benchmark, tasks in found.items() if tasks}


def conventional_family(row: CuratedRow, family: str, is_creole: bool) -> str:
    if row.family_conventional is not None:
        return row.family_conventional
    if is_creole:
        return CREOLE_FAMILY
    return CONVENTIONAL_FAMILY.get(family, family)


def build_record(
    row: CuratedRow,
    glottolog: Glottolog,
    wals: Wals,
    joshi: JoshiClasses,
    benchmarks: dict[str, dict[str, list[str]]],
) -> dict[str, Any]:
    """One language record, fields in the order of the schema's `required` list."""
    languoid = glottolog.languoid(row)
    family, family_glottocode, is_isolate = glottolog.family_of(languoid, row)
    doculect = wals.doculect(row, languoid["ID"])
    genus = doculect["Genus"] if doculect else None
    is_creole = row.is_creole or genus == WALS_CREOLE_GENUS
    resource_class, resource_class_source = joshi.resolve(row)
    datasets = {
        "massive": list(row.massive),
        "sib200": list(row.sib200),
        "americasnli": list(row.americasnli),
        "masakhaner": list(row.masakhaner),
    }
    return {
        "code": row.code,
        "iso639_1": row.iso639_1,
        "iso639_3": row.iso639_3,
        "macro_iso639_3": row.macro_iso639_3,
        "glottocode": languoid["ID"],
        "name": row.name,
        "family": family,
        "family_glottocode": family_glottocode,
        "family_conventional": conventional_family(row, family, is_creole),
        "is_isolate": is_isolate,
        "is_creole": is_creole,
        "genus": genus,
        "wals_code": doculect["ID"] if doculect else None,
        "script": row.script,
        "resource_class": resource_class,
        "resource_class_source": resource_class_source,
        "tasks": tasks_of(row.code, benchmarks),
        "datasets": {name: codes for name, codes in datasets.items() if codes},
    }


# --- invariants ------------------------------------------------------------------------------


def check_invariants(records: list[dict[str, Any]], benchmarks: dict[str, Any]) -> None:
    """Cross-checks against LANGUAGES.md section 2.1; any failure stops the build."""
    by_code = {record["code"]: record for record in records}
    xtreme_r = {code for languages in benchmarks["xtreme-r"].values() for code in languages}
    problems = []
    if xtreme_r != EXPECTED_XTREME_R.keys():
        problems.append(
            "XTREME-R languages differ from the check table: "
            f"extra {sorted(xtreme_r - EXPECTED_XTREME_R.keys())}, "
            f"missing {sorted(EXPECTED_XTREME_R.keys() - xtreme_r)}"
        )
    for code, expected in EXPECTED_XTREME_R.items():
        record = by_code.get(code)
        if record is None:
            problems.append(f"XTREME-R language {code} has no record")
            continue
        actual = (record["family"], record["genus"], record["script"], record["resource_class"])
        if actual != expected:
            problems.append(
                f"{code}: (family, genus, script, class) = {actual}, expected {expected}"
            )
    counts = Counter(by_code[c]["resource_class"] for c in EXPECTED_XTREME_R if c in by_code)
    if dict(counts) != EXPECTED_XTREME_R_CLASS_COUNTS:
        problems.append(
            f"Joshi class counts over XTREME-R = {dict(sorted(counts.items(), reverse=True))}, "
            f"expected {EXPECTED_XTREME_R_CLASS_COUNTS}"
        )
    if problems:
        raise BuildError("invariant checks failed:\n  " + "\n  ".join(problems))


def validate_schema(document: dict[str, Any]) -> None:
    """Validate against the schema if jsonschema is available; also check the field order."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    required = schema["$defs"]["language"]["required"]
    for record in document["languages"]:
        if list(record) != required:
            raise BuildError(f"record {record['code']}: fields not in schema order")
    try:
        import jsonschema
    except ImportError:
        print("note: jsonschema not importable; schema validation skipped", file=sys.stderr)
        return
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(document),
        key=lambda e: list(e.absolute_path),
    )
    if errors:
        lines = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:20]]
        raise BuildError("output does not match the schema:\n  " + "\n  ".join(lines))


def source_entry(key: str, path: Path) -> dict[str, str]:
    """The provenance of one input file, with the SHA-256 of the bytes actually read."""
    meta = SOURCES[key]
    entry = {"title": meta["title"], "file": meta["file"], "sha256": sha256_of(path)}
    entry |= {
        field: meta[field] for field in ("licence", "citation", "url", "doi") if field in meta
    }
    return entry


# --- main ------------------------------------------------------------------------------------


def build(data_dir: Path) -> dict[str, Any]:
    rows = read_curated(CURATED)
    task_languages = read_task_languages(data_dir / TASK_LANGUAGES_FILE)
    check_dataset_mapping(rows, task_languages.massive, "massive", "MASSIVE")
    check_dataset_mapping(rows, task_languages.sib200, "sib200", "SIB-200")
    check_release_codes(rows)
    for row in rows:
        check_sib200_configs(row)
    benchmarks = read_benchmarks(BENCHMARK_DIR)
    check_benchmark_languages(benchmarks, rows)

    paths = {key: data_dir / meta["file"] for key, meta in SOURCES.items()}
    glottolog = Glottolog(paths["glottolog"])
    wals = Wals(paths["wals"])
    joshi = JoshiClasses(paths["joshi2020"])
    records = sorted(
        (build_record(row, glottolog, wals, joshi, benchmarks) for row in rows),
        key=lambda record: record["code"],
    )
    check_invariants(records, benchmarks)
    return {
        "format": "xharness-languages",
        "version": 1,
        "generated_by": GENERATED_BY,
        "sources": {key: source_entry(key, paths[key]) for key in SOURCES},
        "languages": records,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="raw data files")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="registry file to write")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if --out is not up to date"
    )
    args = parser.parse_args(argv)
    try:
        document = build(args.data_dir)
        validate_schema(document)
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    text = json.dumps(document, indent=1, ensure_ascii=False, sort_keys=False) + "\n"
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else None
        if current != text:
            print(f"{args.out} is out of date; run {GENERATED_BY}", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date ({len(document['languages'])} languages)")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {args.out} ({len(document['languages'])} languages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
