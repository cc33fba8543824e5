"""XCOPA and SIQA: a premise (SIQA: a context) and two (three) choices, in JSON lines.

The right XCOPA choice starts with ``because`` (question ``cause``) or ``so`` (``effect``), the
wrong one has no cue word; the right SIQA answer starts with ``so``. XCOPA has English train and
val files and a test file per language; SIQA has only English train and dev files.
"""

from __future__ import annotations

import json
from typing import Any

from .checks import Examples, balance, lines_of
from .common import file_rng, jsonl, unique
from .grammar import Draw, Lang


def xcopa_file(lang: Lang, split: str, seen: set[Any], total: int) -> str:
    draw = Draw(lang, file_rng("xcopa", lang.code, split))
    plan = [(q, label) for q in ("cause", "effect") for label in (0, 1)] * (total // 4)
    records = []
    for question, label in plan:

        def make(question: str = question, label: int = label) -> tuple[Any, Any]:
            premise = lang.sentence(draw.clause(adjectives=draw.rng.randrange(2), pp=0.3))
            cue = "because" if question == "cause" else "so"
            right = {**draw.clause(adjectives=draw.rng.randrange(2), pp=0.2), "cue": cue}
            wrong = draw.clause(adjectives=draw.rng.randrange(2), pp=0.2)
            choices = [lang.sentence(right), lang.sentence(wrong)]
            if label == 1:
                choices.reverse()
            return (premise, *choices), (premise, choices)

        premise, choices = unique(make, seen, f"xcopa/{split}-{lang.code}")
        records.append(
            {
                "premise": premise,
                "choice1": choices[0],
                "choice2": choices[1],
                "question": question,
                "label": label,
            }
        )
    draw.rng.shuffle(records)
    for idx, record in enumerate(records, start=1):
        record["idx"] = idx
    return jsonl(records)


def siqa_file(lang: Lang, split: str, seen: set[Any], total: int) -> str:
    draw = Draw(lang, file_rng("siqa", lang.code, split))
    records = []
    for letter in "ABC" * (total // 3):

        def make(letter: str = letter) -> tuple[Any, Any]:
            person = {"kind": "name", "cat": "persons", "idx": draw.rng.randrange(4)}
            context = lang.sentence(draw.clause(subject=person, pp=0.5))
            answers = [lang.sentence(draw.clause(adjectives=0, pp=0.2)) for _ in range(2)]
            right = lang.sentence({**draw.clause(adjectives=0, pp=0.2), "cue": "so"})
            answers.insert("ABC".index(letter), right)
            return (context, *answers), (context, answers)

        context, answers = unique(make, seen, f"siqa/{split}")
        records.append(
            {
                "context": context,
                "question": "What happens next?",
                "answerA": answers[0],
                "answerB": answers[1],
                "answerC": answers[2],
                "correct": letter,
            }
        )
    draw.rng.shuffle(records)
    return jsonl(records)


COPA_KEYS = ["premise", "choice1", "choice2", "question", "label", "idx"]
SIQA_KEYS = ["context", "question", "answerA", "answerB", "answerC", "correct"]


def parse_jsonl(path: str, content: str, keys: list[str], errors: list[str]) -> list[Any]:
    records = []
    for number, line in enumerate(lines_of(path, content, errors), start=1):
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}: not JSON ({exc.msg})")
            continue
        if not isinstance(record, dict) or list(record) != keys:
            errors.append(f"{where}: expected the keys {', '.join(keys)} in that order")
            continue
        for key in keys:
            value = record[key]
            if key in ("label", "idx"):
                continue
            if not isinstance(value, str) or not value.strip() or "\t" in value or "\n" in value:
                errors.append(f"{where} {key}: expected a non-empty one-line string")
        if keys == COPA_KEYS:
            if record["question"] not in ("cause", "effect"):
                errors.append(f"{where} question: expected cause or effect")
            if record["label"] not in (0, 1) or isinstance(record["label"], bool):
                errors.append(f"{where} label: expected 0 or 1")
            if record["idx"] != number:
                errors.append(f"{where} idx: expected {number} (1-based line number)")
            if record["choice1"] == record["choice2"]:
                errors.append(f"{where} choice2: same text as choice1")
        elif record["correct"] not in ("A", "B", "C"):
            errors.append(f"{where} correct: expected A, B or C")
        records.append(record)
    return records


def xcopa_examples(rel: str, content: str, lang: str, errors: list[str]) -> Examples:
    """Check an XCOPA file (its `Examples`)."""
    records = parse_jsonl(rel, content, COPA_KEYS, errors)
    balance(rel, "label", [r["label"] for r in records], (0, 1), errors)
    balance(rel, "question", [r["question"] for r in records], ("cause", "effect"), errors)
    texts = [" ".join((r["premise"], r["choice1"], r["choice2"])) for r in records]
    return texts, [(r["premise"], r["choice1"], r["choice2"]) for r in records]


def siqa_examples(rel: str, content: str, lang: str, errors: list[str]) -> Examples:
    """Check a SIQA file (its `Examples`)."""
    records = parse_jsonl(rel, content, SIQA_KEYS, errors)
    balance(rel, "correct", [r["correct"] for r in records], "ABC", errors)
    texts = [" ".join(r[k] for k in SIQA_KEYS[:5]) for r in records]
    return texts, [tuple(r[k] for k in SIQA_KEYS[:5]) for r in records]
