"""Readers of the file formats of the official XTREME download layout.

Each reader returns examples in the canonical form of one task kind (docs/plugins.md lists each
kind's fields) and reports a malformed line with the file, the line number and what was
expected. Test files of the official download carry no labels; readers accept them and leave
`label`/`tags` as None.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from typing import Any

from xtreme_harness.errors import DataError

Reader = Callable[[str], list[dict[str, Any]]]
"""A file's path -> its examples, in the canonical form of the task's kind (what a
`FolderSource` reads each file with). Malformed content is a `DataError` naming the file, and the
line and field where known."""


def text_lines(path: str) -> Iterator[tuple[int, str]]:
    """(line number, line without its line break) of a UTF-8 text file; a `DataError` naming
    the file and byte where it is not UTF-8."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            for number, line in enumerate(handle, start=1):
                yield number, line.rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise DataError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def checked_label(
    path: str,
    line: int,
    value: str,
    labels: Sequence[str],
    aliases: Mapping[str, str],
    field: str = "label",
) -> str:
    """`value` (stripped, then passed through `aliases`) if it is one of `labels`; else a
    `DataError` naming the file, line and field."""
    value = aliases.get(value.strip(), value.strip())
    if value not in labels:
        raise DataError(
            path, f"{value!r} is not one of {', '.join(labels)}", line=line, field=field
        )
    return value


def tsv_pairs(labels: Sequence[str], aliases: Mapping[str, str] | None = None) -> Reader:
    """``text_a<TAB>text_b[<TAB>label]`` per line (XNLI, PAWS-X) -> classification examples.

    Fields are not unquoted, as the official processors read them (`csv` with no quote char).
    """
    aliases = dict(aliases or {})

    def read(path: str) -> list[dict[str, Any]]:
        examples = []
        labelled: bool | None = None
        for number, line in text_lines(path):
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) not in (2, 3):
                raise DataError(
                    path,
                    f"expected 2 or 3 tab-separated fields (text_a, text_b[, label]), "
                    f"found {len(fields)}",
                    line=number,
                )
            has_label = len(fields) == 3
            if labelled is not None and has_label != labelled:
                raise DataError(
                    path,
                    "some lines have a label and others do not; expected the same for all lines",
                    line=number,
                )
            labelled = has_label
            examples.append(
                {
                    "id": str(len(examples)),
                    "text_a": fields[0],
                    "text_b": fields[1],
                    "label": checked_label(path, number, fields[2], labels, aliases)
                    if has_label
                    else None,
                }
            )
        return examples

    return read


WordLine = Callable[[int, str], "tuple[str, str | None] | None"]
"""Reads one non-blank line of a one-word-per-line file: (token, tag), tag None on an unlabelled
line, or None where the line ends a sentence."""


def tagged_sentences(path: str, word: WordLine) -> list[dict[str, Any]]:
    """Tagging examples from a file of one word per line, a blank line (or a line `word` reads
    as None) ending a sentence. Every line must carry a tag, or none may (the official unlabelled
    test files): a mix is a `DataError` naming the line."""
    examples: list[dict[str, Any]] = []
    tokens: list[str] = []
    tags: list[str] = []
    labelled: bool | None = None

    def close() -> None:
        if tokens:
            examples.append({"id": str(len(examples)), "tokens": list(tokens),
                             "tags": list(tags) if labelled else None})  # fmt: skip
            tokens.clear()
            tags.clear()

    for number, line in text_lines(path):
        found = word(number, line) if line.strip() else None
        if found is None:
            close()
            continue
        token, tag = found
        if labelled is not None and (tag is not None) != labelled:
            raise DataError(path, "some lines have a tag and others do not; expected the same "
                            "for all lines", line=number)  # fmt: skip
        labelled = tag is not None
        tokens.append(token)
        if tag is not None:
            tags.append(tag)
    close()
    return examples


def conll_tags(labels: Sequence[str]) -> Reader:
    """``token<TAB>tag`` per line, a blank line between sentences (UD-POS, WikiANN) -> tagging
    examples. Lines holding only a token (the official unlabelled test files) give ``tags=None``."""

    def read(path: str) -> list[dict[str, Any]]:
        def word(number: int, line: str) -> tuple[str, str | None]:
            fields = line.split("\t")
            if len(fields) > 2 or not fields[0].strip():
                raise DataError(
                    path, f"expected 'token<TAB>tag' or 'token', found {line!r}", line=number
                )
            tag = None if len(fields) < 2 else checked_label(path, number, fields[1], labels, {},
                                                             field="tag")  # fmt: skip
            return fields[0], tag

        return tagged_sentences(path, word)

    return read


def conll_columns(labels: Sequence[str], aliases: Mapping[str, str] | None = None) -> Reader:
    """``token<SPACE>...<SPACE>tag`` per line: the token first, the tag last, whitespace between
    (CoNLL-2002/2003 as XGLUE ships them); a blank line or a ``-DOCSTART-`` line ends a sentence
    -> tagging examples. `aliases` maps a tag of the file to one of `labels` (e.g. a type the
    task leaves out to ``O``)."""
    aliases = dict(aliases or {})

    def read(path: str) -> list[dict[str, Any]]:
        def word(number: int, line: str) -> tuple[str, str | None] | None:
            fields = line.split()
            if fields[0] == "-DOCSTART-":
                return None
            if len(fields) < 2:
                raise DataError(
                    path, f"expected 'token tag' (whitespace between), found {line!r}", line=number
                )
            return fields[0], checked_label(path, number, fields[-1], labels, aliases, field="tag")

        return tagged_sentences(path, word)

    return read


def json_lines(path: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for every non-blank line of a JSON-lines file."""
    for number, line in text_lines(path):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(path, f"not valid JSON: {exc.msg}", line=number) from None
        if not isinstance(record, dict):
            raise DataError(path, "expected a JSON object per line", line=number)
        yield number, record


def _require(path: str, line: int, record: dict[str, Any], keys: Sequence[str]) -> None:
    for key in keys:
        if not isinstance(record.get(key), str):
            raise DataError(path, "expected a string", line=line, field=key)


def copa_jsonl(path: str) -> list[dict[str, Any]]:
    """COPA/XCOPA JSON lines -> multiple-choice examples.

    The first segment is ``"{premise} What was the {cause|effect}?"`` for every language, as the
    official XCOPA script builds it.
    """
    examples = []
    for number, record in json_lines(path):
        _require(path, number, record, ("premise", "choice1", "choice2", "question"))
        if record["question"] not in ("cause", "effect"):
            raise DataError(
                path,
                f"expected 'cause' or 'effect', found {record['question']!r}",
                line=number,
                field="question",
            )
        label = record.get("label")
        if label is not None and label not in (0, 1):
            raise DataError(path, f"expected 0 or 1, found {label!r}", line=number, field="label")
        examples.append(
            {
                "id": str(record.get("idx", len(examples))),
                "context": f"{record['premise']} What was the {record['question']}?",
                "choices": [record["choice1"], record["choice2"]],
                "label": label,
            }
        )
    return examples


def siqa_jsonl(path: str) -> list[dict[str, Any]]:
    """Social IQa JSON lines (``correct`` A/B/C) -> multiple-choice examples with the first
    segment ``"{context} {question}"``, as the official script builds it."""
    examples = []
    for number, record in json_lines(path):
        _require(path, number, record, ("context", "question", "answerA", "answerB", "answerC"))
        correct = record.get("correct")
        if correct is not None and correct not in ("A", "B", "C"):
            raise DataError(
                path, f"expected A, B or C, found {correct!r}", line=number, field="correct"
            )
        examples.append(
            {
                "id": str(len(examples)),
                "context": f"{record['context']} {record['question']}",
                "choices": [record["answerA"], record["answerB"], record["answerC"]],
                "label": None if correct is None else "ABC".index(correct),
            }
        )
    return examples


def json_document(path: str) -> Any:
    """A JSON file's content; bad encoding or syntax is a `DataError` naming the line."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except UnicodeDecodeError as exc:
        raise DataError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise DataError(path, f"not valid JSON: {exc.msg}", line=exc.lineno) from None


def squad_questions(path: str) -> Iterator[tuple[str, Any]]:
    """(context, question object) of every question of a SQuAD v1.1 JSON file, in file order; a
    file not shaped as SQuAD JSON is a `DataError` naming the article."""
    document = json_document(path)
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, list):
        raise DataError(path, "expected SQuAD JSON: an object with a 'data' list", field="data")
    for article_number, article in enumerate(data):
        paragraphs = article.get("paragraphs") if isinstance(article, dict) else None
        if not isinstance(paragraphs, list):
            raise DataError(path, f"article {article_number}: expected a 'paragraphs' list",
                            field="paragraphs")  # fmt: skip
        for paragraph in paragraphs:
            context = paragraph.get("context") if isinstance(paragraph, dict) else None
            questions = paragraph.get("qas") if isinstance(paragraph, dict) else None
            if not isinstance(context, str) or not isinstance(questions, list):
                raise DataError(path, f"article {article_number}: a paragraph needs a 'context' "
                                "text and a 'qas' list", field="paragraphs")  # fmt: skip
            for qa in questions:
                yield context, qa


def squad_json(path: str) -> list[dict[str, Any]]:
    """SQuAD v1.1 JSON (SQuAD, XQuAD, MLQA, TyDiQA-GoldP) -> extractive-QA examples, one per
    question, in file order.

    The official download removes the answers of some test files (every answer is the empty text
    at offset 0); such a file gives ``answers=None`` throughout. Every answer of a labelled file
    must be the text at its offset, and question ids must be unique (errors name the id).
    """
    from xtreme_harness.interfaces.text import check_examples

    examples: list[dict[str, Any]] = []
    labelled: set[bool] = set()
    for context, qa in squad_questions(path):
        examples.append(_squad_question(path, qa, context))
        labelled.add(examples[-1]["answers"] is not None)
    if len(labelled) > 1:
        raise DataError(
            path, "some questions have answers and others have none (or only empty ones); "
            "expected the same for all questions", field="answers",
        )  # fmt: skip
    check_examples(examples, path)
    return examples


def _squad_question(path: str, qa: Any, context: str) -> dict[str, Any]:
    qid = qa.get("id") if isinstance(qa, dict) else None
    if not isinstance(qid, str) or not isinstance(qa.get("question"), str):
        raise DataError(path, f"a question needs an 'id' and a 'question' text; found {qa!r}"[:300],
                        field="qas")  # fmt: skip
    answers = qa.get("answers")
    if not isinstance(answers, list) or not all(
        isinstance(a, dict) and isinstance(a.get("text"), str) for a in answers
    ):
        raise DataError(path, f"question {qid!r}: expected 'answers' as a list of objects with a "
                        "'text'", field="answers")  # fmt: skip
    texts = [a["text"] for a in answers]
    if not any(texts):  # no answers, or the official download's removed ones
        return {"id": qid, "question": qa["question"], "context": context, "answers": None}
    return {
        "id": qid,
        "question": qa["question"],
        "context": context,
        "answers": {"text": texts, "answer_start": [a.get("answer_start") for a in answers]},
    }


@cache
def muse_lexicon(path: str) -> dict[str, str]:
    """A bilingual lexicon in the MUSE format (Conneau et al. 2018, the ground-truth dictionaries
    of facebookresearch/MUSE): one ``source target`` pair per line -> source word -> its first
    translation (a word listed several times keeps its first). Read once per path."""
    pairs: dict[str, str] = {}
    for number, line in text_lines(path):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2:
            raise DataError(path, f"expected 'source target', found {line.strip()!r}",
                            line=number)  # fmt: skip
        pairs.setdefault(parts[0], parts[1])
    return pairs
