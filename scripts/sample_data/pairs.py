"""XNLI and PAWS-X: sentence pairs and a label, tab-separated, in the XTREME download layout.

English train and dev files, and one test file per language. The test files are parallel, as the
real test sets are: the examples are drawn once per task and rendered in every language, so line
i is the same example, with the same label, in every language's file. The label is signalled by
cue words the same way in every language: XNLI's contradiction negates the premise (``not``), its
neutral hypothesis starts with ``perhaps``; PAWS-X's non-paraphrase swaps the two nouns and
negates the verb.
"""

from __future__ import annotations

import copy
import csv
import random
from collections.abc import Callable
from typing import Any

from .checks import Examples, balance, lines_of
from .common import SEED, SampleDataError, file_rng, tsv, unique
from .grammar import Draw, Lang

NLI_LABELS = ("entailment", "neutral", "contradiction")
PAWS_LABELS = ("0", "1")


def strip_adjectives(c: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(c)
    for slot in ("S", "O", "P"):
        if out.get(slot) and out[slot]["kind"] == "noun":
            out[slot]["adj"] = None
    return out


def xnli_pair(draw: Draw, label: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The clause specs of an XNLI premise and hypothesis with this label."""
    premise = draw.clause(adjectives=1, pp=0.4)
    if label == "entailment":
        hyp = strip_adjectives(premise)
        if hyp.get("P") and draw.rng.random() < 0.5:
            del hyp["P"]
    elif label == "contradiction":
        hyp = {**copy.deepcopy(premise), "neg": True}
    else:
        verb = draw.verb(exclude=[premise["O"]["idx"]])
        obj = draw.obj(verb, exclude=[premise["O"]["idx"]])
        if draw.rng.random() < 0.5:
            obj["adj"] = draw.adj()
        hyp = {"S": copy.deepcopy(premise["S"]), "V": verb, "O": obj, "perhaps": True}
        hyp["S"]["adj"] = None
    return premise, hyp


def pawsx_pair(draw: Draw, label: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The clause specs of a PAWS-X sentence pair with this label."""
    verb = draw.rng.randrange(4)
    first = {"S": draw.noun(draw.child), "V": verb, "O": draw.obj(verb)}
    first["O"]["adj"] = draw.adj()
    if label == "1":  # a paraphrase: one more adjective, same roles
        second = copy.deepcopy(first)
        second["S"]["adj"] = draw.adj()
    else:  # the two noun phrases swapped, and negated
        second = {
            "S": copy.deepcopy(first["O"]),
            "V": verb,
            "O": copy.deepcopy(first["S"]),
            "neg": True,
        }
    return first, second


PairMaker = Callable[[Draw, str], tuple[dict[str, Any], dict[str, Any]]]
PAIR_TASKS: dict[str, tuple[tuple[str, ...], PairMaker]] = {
    "xnli": (NLI_LABELS, xnli_pair),
    "pawsx": (PAWS_LABELS, pawsx_pair),
}


Spec = tuple[dict[str, Any], dict[str, Any], str]
"""The clause specs of a pair and its label: renderable in any language."""


def pair_file(
    task: str,
    lang: Lang,
    split: str,
    seen: set[Any],
    per_label: int,
    specs: list[Spec] | None = None,
) -> str:
    """An XNLI or PAWS-X file of one language (the English train and dev files); `specs`, if
    given, receives each line's clause specs, in the file's order."""
    labels, make_pair = PAIR_TASKS[task]
    draw = Draw(lang, file_rng(task, lang.code, split))
    rows: list[tuple[tuple[str, ...], Spec]] = []
    for label in labels:
        for _ in range(per_label):

            def make(label: str = label) -> tuple[Any, Any]:
                first, second = make_pair(draw, label)
                row = (lang.sentence(first), lang.sentence(second), label)
                return row[:2], (row, (first, second, label))

            rows.append(unique(make, seen, f"{task}/{split}-{lang.code}"))
    draw.rng.shuffle(rows)
    if specs is not None:
        specs.extend(spec for _, spec in rows)
    return tsv([row for row, _ in rows])


TRANSLATION_DIRS = {"xnli": "XNLI", "pawsx": "PAWSX"}
"""The folders of XTREME's released translations (gs://xtreme_translations) of each task."""
RELEASED_LABELS = {"contradiction": "contradictory"}
"""XNLI labels as the released files write them (TensorFlow Datasets' xtreme_xnli builder maps
`contradictory` back to `contradiction`)."""


def translation_files(
    task: str, langs: dict[str, Lang], codes: list[str], train: list[Spec], test: dict[str, str]
) -> dict[str, str]:
    """XTREME's released translations of the task, in its layout: the English training pairs
    translated into every other test language (`translate-train/en-<lang>-translated.tsv`) and
    every test set translated into English (`translate-test/test-<lang>-en-translated.tsv`).
    Five tab-separated columns, no header: the original pair, the translated pair, the label
    (google-research/xtreme README, "Translations"). The sample's translations are exact: the
    same clause specs rendered in the other language (the test files are parallel)."""
    folder = f"translations/{TRANSLATION_DIRS[task]}"
    en = langs["en"]
    english_test = [line.split("\t") for line in test[f"{task}/test-en.tsv"].splitlines()]
    files = {}
    for code in codes:
        if code == "en":
            continue
        rows = [(en.sentence(first), en.sentence(second), langs[code].sentence(first),
                 langs[code].sentence(second), RELEASED_LABELS.get(label, label))
                for first, second, label in train]  # fmt: skip
        files[f"{folder}/translate-train/en-{code}-translated.tsv"] = tsv(rows)
        own = [line.split("\t") for line in test[f"{task}/test-{code}.tsv"].splitlines()]
        rows = [(a[0], a[1], e[0], e[1], RELEASED_LABELS.get(a[2], a[2]))
                for a, e in zip(own, english_test, strict=True)]  # fmt: skip
        files[f"{folder}/translate-test/test-{code}-en-translated.tsv"] = tsv(rows)
    return files


def check_translations(files: dict[str, str], task_langs: dict[str, list[str]]) -> list[str]:
    """Every released-translation file is there, has five fields per line, and its original
    pairs are the English training file's (translate-train) or the language's test file's
    (translate-test), line by line."""
    errors = []
    for task, folder in TRANSLATION_DIRS.items():
        for code in task_langs.get(task, []):
            if code == "en":
                continue
            pairs = {
                f"translations/{folder}/translate-train/en-{code}-translated.tsv":
                    f"{task}/train-en.tsv",
                f"translations/{folder}/translate-test/test-{code}-en-translated.tsv":
                    f"{task}/test-{code}.tsv",
            }  # fmt: skip
            for rel, original in pairs.items():
                if rel not in files:
                    errors.append(f"{rel}: missing")
                    continue
                rows = [line.split("\t") for line in files[rel].splitlines()]
                source = [line.split("\t")[:2] for line in files[original].splitlines()]
                if any(len(row) != 5 for row in rows):
                    errors.append(f"{rel}: expected 5 tab-separated fields on every line")
                elif [row[:2] for row in rows] != source:
                    errors.append(f"{rel}: its original pairs are not those of {original}")
    return errors


def parallel_test_files(
    task: str, langs: dict[str, Lang], codes: list[str], seen: set[Any], per_label: int
) -> dict[str, str]:
    """The XNLI or PAWS-X test files of all `codes`, parallel as in the real test sets.

    The examples (label, clause specs: noun, verb and adjective indices, names, construction) are
    drawn once, from the task's own generator, and rendered in every language, so that line i of
    every file is the same example with the same label. An example is kept only if it is new in
    every language (English: also not in `seen`, the train and dev pairs)."""
    labels, make_pair = PAIR_TASKS[task]
    # The lexicon's word lists are index-aligned across languages (`_glosses`), so the specs
    # drawn with the English entry mean the same in every language.
    draw = Draw(langs["en"], random.Random(f"{SEED}:{task}:test:parallel"))
    seen_in = {code: seen if code == "en" else set() for code in codes}
    plan: list[tuple[str, dict[str, tuple[str, str]]]] = []
    for label in labels:
        for _ in range(per_label):
            for _attempt in range(2000):
                first, second = make_pair(draw, label)
                pairs = {
                    code: (langs[code].sentence(first), langs[code].sentence(second))
                    for code in codes
                }
                if all(pairs[code] not in seen_in[code] for code in codes):
                    break
            else:
                raise SampleDataError(
                    f"{task}/test: could not draw a new parallel example (the lexicon is too small)"
                )
            for code in codes:
                seen_in[code].add(pairs[code])
            plan.append((label, pairs))
    draw.rng.shuffle(plan)
    return {
        f"{task}/test-{code}.tsv": tsv([(*pairs[code], label) for label, pairs in plan])
        for code in codes
    }


def parse_pairs(path: str, content: str, labels: tuple[str, ...], errors: list[str]) -> list[Any]:
    rows = []
    for number, line in enumerate(lines_of(path, content, errors), start=1):
        fields = line.split("\t")
        parsed = next(csv.reader([line], delimiter="\t"), [])
        where = f"{path}:{number}"
        if len(fields) != 3 or parsed != fields:
            errors.append(f"{where}: expected 3 tab-separated fields that need no quoting")
            continue
        if '"' in line:
            errors.append(f"{where}: holds a quote character")
        for name, value in zip(("text_a", "text_b"), fields[:2], strict=False):
            if not value.strip() or value != value.strip():
                errors.append(f"{where} {name}: empty or padded with spaces")
        if fields[2] not in labels:
            errors.append(f"{where} label: {fields[2]!r} is not one of {', '.join(labels)}")
        rows.append(fields)
    return rows


def pair_examples(rel: str, content: str, lang: str, errors: list[str]) -> Examples:
    """Check an XNLI or PAWS-X file (its `Examples`)."""
    labels = PAIR_TASKS[rel.split("/", 1)[0]][0]
    rows = parse_pairs(rel, content, labels, errors)
    balance(rel, "label", [r[2] for r in rows], labels, errors)
    return [r[0] + " " + r[1] for r in rows], [tuple(r[:2]) for r in rows]


def check_parallel(files: dict[str, str], task_langs: dict[str, list[str]]) -> list[str]:
    """The XNLI and PAWS-X test files of a task have the same number of lines and the same label
    on every line as the English one (line i is the same example in every language)."""
    errors = []
    for task in PAIR_TASKS:
        codes = [c for c in task_langs.get(task, []) if f"{task}/test-{c}.tsv" in files]
        if not codes:
            continue
        pivot = "en" if "en" in codes else codes[0]

        def labels(code: str, task: str = task) -> list[str]:
            lines = files[f"{task}/test-{code}.tsv"].split("\n")[:-1]
            return [line.rsplit("\t", 1)[-1] for line in lines]

        expected = labels(pivot)
        for code in codes:
            rel, found = f"{task}/test-{code}.tsv", labels(code)
            where = f"{task} test files not parallel: {rel}"
            if len(found) != len(expected):
                errors.append(
                    f"{where} [{code}]: {len(found)} lines, test-{pivot}.tsv has {len(expected)}"
                )
            differ = [i for i, (a, b) in enumerate(zip(expected, found, strict=False)) if a != b]
            if differ:
                line = differ[0] + 1
                errors.append(
                    f"{where}:{line} [{code}] label: {found[line - 1]!r}, but "
                    f"{expected[line - 1]!r} on line {line} of test-{pivot}.tsv "
                    f"({len(differ)} line(s) differ)"
                )
    return errors
