"""Text helpers for task, regularizer and perturber plugins: checking extractive-QA examples,
rewriting the words of a context with its answers moved along, and the words of every text field
of an example."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from xtreme_harness.errors import DataError


def check_examples(examples: Sequence[Mapping[str, Any]], where: str) -> None:
    """Raise a `DataError` naming `where` and the question id for a repeated id, or a gold
    answer that is not the text at its offset (a context shorter than the answer included)."""
    seen: set[str] = set()
    for example in examples:
        qid = example["id"]
        if qid in seen:
            raise DataError(where, f"question id {qid!r} appears more than once", field="id")
        seen.add(qid)
        answers = example.get("answers")
        if answers is None:
            continue
        context = example["context"]
        texts, starts = answers["text"], answers["answer_start"]
        if not texts or len(texts) != len(starts):
            raise DataError(
                where,
                f"question {qid!r}: expected one or more answers, each a text with an "
                f"answer_start; found {len(texts)} texts and {len(starts)} starts",
                field="answers",
            )
        for text, start in zip(texts, starts, strict=True):
            if not isinstance(start, int) or start < 0:
                raise DataError(
                    where, f"question {qid!r}: answer_start {start!r} is not an offset",
                    field="answer_start",
                )  # fmt: skip
            if start + len(text) > len(context):
                raise DataError(
                    where,
                    f"question {qid!r}: the answer {text!r} at offset {start} ends at "
                    f"{start + len(text)}, after the end of its context ({len(context)} "
                    "characters)",
                    field="answer_start",
                )
            found = context[start : start + len(text)]
            if found != text:
                raise DataError(
                    where,
                    f"question {qid!r}: the answer is {text!r} but the context has {found!r} "
                    f"at its answer_start {start}",
                    field="answer_start",
                )


def rewrite_words(
    context: str, answers: Mapping[str, Any] | None, rewrite: Callable[[str], str]
) -> tuple[str, dict[str, Any] | None]:
    """`context` with every word (split on single spaces) passed through `rewrite`, and its
    answers moved along. A word that an answer starts or ends inside of is left alone, so that
    every answer stays a span of the new context; words inside an answer change with it."""
    words = context.split(" ")
    bounds = []
    position = 0
    for word in words:
        bounds.append((position, position + len(word)))
        position += len(word) + 1
    cuts: set[int] = set()
    if answers is not None:
        for text, start in zip(answers["text"], answers["answer_start"], strict=True):
            cuts.update((start, start + len(text)))
    moved: dict[int, int] = {}
    """old offset -> new offset, for the start and the end of every word"""
    out: list[str] = []
    position = 0
    for word, (begin, end) in zip(words, bounds, strict=True):
        if not any(begin < cut < end for cut in cuts):
            word = rewrite(word)
        moved[begin], moved[end] = position, position + len(word)
        out.append(word)
        position += len(word) + 1
    text = " ".join(out)
    if answers is None:
        return text, None

    def move(offset: int) -> int:
        if offset in moved:
            return moved[offset]
        begin = bounds[bisect.bisect_right([b for b, _ in bounds], offset) - 1][0]
        return moved[begin] + offset - begin  # inside a word left alone

    texts, starts = [], []
    for answer, start in zip(answers["text"], answers["answer_start"], strict=True):
        new_start, new_end = move(start), move(start + len(answer))
        texts.append(text[new_start:new_end])
        starts.append(new_start)
    return text, {"text": texts, "answer_start": starts}


def rewrite_fields(
    example: Mapping[str, Any], text_fields: Mapping[str, str], rewrite: Callable[[str], str]
) -> dict[str, Any]:
    """A copy of `example` with every word of its text fields passed through `rewrite`, as a
    task kind declares them (``KindImpl.text_fields``): ``"text"`` a string of words split on
    single spaces, ``"texts"`` a list of such strings, ``"words"`` a list of words that labels
    are aligned with (one word in, one word out), ``"context"`` an extractive-QA context whose
    answers move along (`rewrite_words`). Fields the example lacks or holds None stay so."""
    copy = dict(example)
    for field, form in text_fields.items():
        value = example.get(field)
        if value is None:
            continue
        if form == "text":
            copy[field] = " ".join(rewrite(word) for word in value.split(" "))
        elif form == "texts":
            copy[field] = [" ".join(rewrite(word) for word in text.split(" ")) for text in value]
        elif form == "context":
            copy[field], answers = rewrite_words(value, example.get("answers"), rewrite)
            if answers is not None:
                copy["answers"] = answers
        else:  # "words"
            copy[field] = [rewrite(word) for word in value]
    return copy
