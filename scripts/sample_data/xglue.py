#!/usr/bin/env python3
"""Generate the bundled sample data of the XGLUE tasks (NC, QADSM, WPR, QAM, NER, POS) in the
layout of XGLUE's release (``xglue_full_dataset/``), under ``plugins/xglue/sample``.

    python -m scripts.sample_data.xglue [--out DIR] [--check]

The files are small and synthetic, rendered from the lexicon of the XTREME-R sample data
(``lexicon.json``), English training and development files and a development and test file in
every language of each task (``registry/benchmarks/xglue.json``), test files with labels as in the
full release. What makes a label is the same in every language:

- NC: a title and a body, the body led by the cue word of the category (the lexicon's topic
  words; only the five categories with one: sports, news (politics), entertainment, health,
  travel);
- QADSM, QAM: the ad (or passage) restates the query's (question's) clause for Good (1), another
  clause for Bad (0);
- WPR: grades by how much of the query's clause a page keeps: 4 the clause itself with a place, 3
  without its adjectives, 2 negated, 1 the same subject only, 0 another clause; 5 to 8 pages per
  query, consecutive, as in the release;
- NER: the names of the PAN-X sample (persons, organisations, locations; no MISC), English and
  German in IOB1 (an entity starts with I-), Spanish and Dutch in IOB2, as XGLUE ships them;
  ``token tag`` lines, a blank line between sentences;
- POS: the UD-POS sample's sentences, ``token tag`` lines.

Deterministic; ``--check`` writes nothing and exits 1 when regenerating would change, add or
remove a file. Standard library only.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
from pathlib import Path
from typing import Any

if __package__:
    from .common import REGISTRY, REPO, SEED, sync, unique
    from .grammar import Draw, Lang, load_lexicon
    from .tagging import tagging_file
else:  # pragma: no cover - run as a file
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from scripts.sample_data.common import REGISTRY, REPO, SEED, sync, unique
    from scripts.sample_data.grammar import Draw, Lang, load_lexicon
    from scripts.sample_data.tagging import tagging_file

OUT = REPO / "plugins" / "xglue" / "sample"
FOLDERS = ("NC", "QADSM", "WPR", "QAM", "NER", "POS")
SIZES = {"train": 80, "dev": 20, "test": 20}
TAG_SIZES = {"train": 80, "dev": 20, "test": 15}
NC_CUES = {"sports": "sports", "news": "politics", "entertainment": "entertainment",
           "health": "health", "travel": "travel"}  # fmt: skip
IOB1_LANGUAGES = ("en", "de")
"""XGLUE's English and German NER files are IOB1 (microsoft/XGLUE issue #5)."""


def languages() -> dict[str, list[str]]:
    tasks = json.loads((REGISTRY / "xglue.json").read_text(encoding="utf-8"))["tasks"]
    return {name: list(tasks[name]["languages"]) for name in tasks}


def _rows(rows: list[tuple[str, ...]]) -> str:
    for row in rows:
        if any("\t" in field or "\n" in field for field in row):
            raise ValueError(f"a field holds a tab or a line break: {row!r}")
    return "".join("\t".join(row) + "\n" for row in rows)


def _strip(clause: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(clause)
    for slot in ("S", "O"):
        if out.get(slot) and out[slot].get("kind") == "noun":
            out[slot]["adj"] = None
    out.pop("P", None)
    return out


def nc_file(lang: Lang, split: str) -> str:
    draw = Draw(lang, random.Random(f"{SEED}:xglue:nc:{lang.code}:{split}"))
    cues, rows, seen = lang.e["topics"], [], set()
    for number in range(SIZES[split]):
        category = sorted(NC_CUES)[number % len(NC_CUES)]

        def make(category: str = category) -> tuple[Any, Any]:
            title = lang.sentence(draw.clause(adjectives=0, pp=0.0))
            body = lang.text(lang.finish(
                lang.clause(draw.clause(adjectives=1, pp=0.4))))  # fmt: skip
            body = f"{cues[NC_CUES[category]]} {body}"
            return (title, body), (title, body, category)

        rows.append(unique(make, seen, f"NC/{split}-{lang.code}"))
    draw.rng.shuffle(rows)
    return _rows(rows)


def _related(draw: Draw, query: dict[str, Any], grade: int) -> dict[str, Any]:
    """A clause that keeps as much of `query` as `grade` says (4 most, 0 nothing)."""
    if grade == 4:
        found = copy.deepcopy(query)
        found["P"] = draw.place(exclude=[query["O"]["idx"]])
        return found
    if grade == 3:
        return _strip(query)
    if grade == 2:
        return {**_strip(query), "neg": True}
    if grade == 1:
        verb = draw.verb(exclude=[query["O"]["idx"]])
        return {"S": copy.deepcopy(query["S"]), "V": verb,
                "O": draw.obj(verb, exclude=[query["O"]["idx"]])}  # fmt: skip
    other = draw.clause(adjectives=1)
    while other["S"] == query["S"] or other["O"]["idx"] == query["O"]["idx"]:
        other = draw.clause(adjectives=1)
    return other


def matching_file(task: str, lang: Lang, split: str) -> str:
    """QADSM (Good/Bad) or QAM (1/0): query and document, relevant or not."""
    draw = Draw(lang, random.Random(f"{SEED}:xglue:{task}:{lang.code}:{split}"))
    rows, seen = [], set()
    for number in range(SIZES[split]):
        relevant = number % 2 == 0

        def make(relevant: bool = relevant) -> tuple[Any, Any]:
            query = draw.clause(adjectives=1, pp=0.0)
            document = _related(draw, query, 4 if relevant else 0)
            text = lang.sentence(query)
            if task == "qadsm":
                label = "Good" if relevant else "Bad"
                row = (text, lang.sentence(_strip(document)), lang.sentence(document), label)
            else:
                row = (text, lang.sentence(document), "1" if relevant else "0")
            return row[:-1], row

        rows.append(unique(make, seen, f"{task}/{split}-{lang.code}"))
    draw.rng.shuffle(rows)
    return _rows(rows)


def wpr_file(lang: Lang, split: str) -> str:
    """Queries of 5 to 8 pages each, consecutive, every grade present in each query."""
    draw = Draw(lang, random.Random(f"{SEED}:xglue:wpr:{lang.code}:{split}"))
    rows: list[tuple[str, ...]] = []
    seen: set[Any] = set()
    while len(rows) < SIZES[split]:

        def make() -> tuple[Any, Any]:
            query = draw.clause(adjectives=1, pp=0.0)
            return lang.sentence(query), query

        query = unique(make, seen, f"wpr/{split}-{lang.code}")
        text = lang.sentence(query)
        grades = [4, 3, 2, 1, 0] + [draw.rng.randrange(5) for _ in range(draw.rng.randrange(4))]
        draw.rng.shuffle(grades)
        for grade in grades:
            page = _related(draw, query, grade)
            rows.append((text, lang.sentence(_strip(page)), lang.sentence(page), str(grade)))
    return _rows(rows)


def iob1(content: str) -> str:
    """IOB2 tags rewritten as IOB1: B- only where an entity follows one of the same type."""
    lines, previous = [], "O"
    for line in content.split("\n"):
        if not line:
            lines.append(line)
            previous = "O"
            continue
        token, tag = line.split(" ")
        if tag.startswith("B-") and previous[2:] != tag[2:]:
            tag = "I-" + tag[2:]
        lines.append(f"{token} {tag}")
        previous = tag
    return "\n".join(lines)


def tag_file(task: str, lang: Lang, split: str) -> str:
    """NER from the PAN-X sentences, POS from the UD-POS ones, ``token tag`` lines."""
    source = "udpos" if task == "POS" else "xglue-ner"
    content = tagging_file(source, lang, split, set(), TAG_SIZES[split])
    if any(" " in line.split("\t")[0] for line in content.split("\n") if line):
        raise ValueError(f"{task} {lang.code} {split}: a token holds a space")
    content = content.replace("\t", " ")
    return iob1(content) if task == "NER" and lang.code in IOB1_LANGUAGES else content


def files() -> dict[str, str]:
    langs, _ = load_lexicon()
    wanted = languages()
    made: dict[str, str] = {}
    for task, folder, make in (
        ("nc", "NC", lambda lang, split: nc_file(lang, split)),
        ("qadsm", "QADSM", lambda lang, split: matching_file("qadsm", lang, split)),
        ("qam", "QAM", lambda lang, split: matching_file("qam", lang, split)),
        ("wpr", "WPR", lambda lang, split: wpr_file(lang, split)),
    ):
        made[f"{folder}/xglue.{task}.en.train"] = make(langs["en"], "train")
        for code in wanted[task]:
            for split in ("dev", "test"):
                made[f"{folder}/xglue.{task}.{code}.{split}"] = make(langs[code], split)
    for task, folder in (("xglue-ner", "NER"), ("xglue-pos", "POS")):
        made[f"{folder}/en.train"] = tag_file(folder, langs["en"], "train")
        for code in wanted[task]:
            for split in ("dev", "test"):
                made[f"{folder}/{code}.{split}"] = tag_file(folder, langs[code], split)
    made["README.md"] = readme(made)
    return made


def readme(made: dict[str, str]) -> str:
    count = sum(1 for name in made if name != "README.md")
    return (
        "# Sample data for the XGLUE tasks\n\n"
        "**Generated file: do not edit.** Written by `scripts/sample_data/xglue.py` from the "
        "lexicon of the XTREME-R sample data.\n\n"
        f"{count} small synthetic files in the layout of XGLUE's release "
        "(`xglue_full_dataset/`): `<TASK>/xglue.<task>.en.train`, `.<lang>.dev` and "
        "`.<lang>.test` for NC, QADSM, WPR and QAM (tab-separated: NC title, body, category; "
        "QADSM query, ad title, ad description, Good/Bad; WPR query, page title, page snippet, "
        "grade 0-4, the pages of a query consecutive; QAM question, passage, 0/1), and "
        "`NER/<lang>.<split>` and `POS/<lang>.<split>` (`token tag` lines, a blank line between "
        "sentences; English and German NER in IOB1, Spanish and Dutch in IOB2). English training "
        "files, a development and a test file in every language of each task, test files with "
        "labels (as in the full release).\n\n"
        "The text is synthetic and says nothing about real model quality. NC uses five of its ten "
        "categories (those with a cue word in the lexicon); NER has no MISC names. How each "
        "label is made: see the docstring of `scripts/sample_data/xglue.py`.\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    changed, stale = sync(args.out, files(), args.check, FOLDERS)
    for rel in changed:
        print(("would write " if args.check else "wrote ") + rel)
    for rel in stale:
        print(("stale " if args.check else "removed ") + rel)
    return 1 if args.check and (changed or stale) else 0


if __name__ == "__main__":
    sys.exit(main())
