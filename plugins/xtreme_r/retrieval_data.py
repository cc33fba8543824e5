"""Readers of the retrieval tasks' files in the XTREME-R download layout -> retrieval examples
(see `xtreme_harness.engine.kinds.retrieval`).

- Tatoeba: ``tatoeba/<l>-en.<l>`` (the pool, in file order, ids ``0..n-1``) and
  ``tatoeba/<l>-en.en`` (the English queries). The official download sorts the English file, which
  hides the alignment: such a file gives queries without gold. An aligned English file (line i
  translates line i, as in the LASER release) gives gold: its lines are sorted the way the official
  preprocessing sorts them (by text, stable), so that predictions follow the official convention,
  and query j's target is the original line number of the j-th sorted sentence.
- LAReQA: ``lareqa/xquad-r/<l>.json`` (SQuAD JSON with ``sentence_breaks``). One pool holds every
  sentence of every language (id ``<l>_<paragraph, from 1>_<sentence, from 0>``, encoded as the
  sentence followed by its paragraph); a question's targets are the sentences of every language
  that hold the answer to the question with the same id. As the reference does, a question whose
  answer starts outside every sentence is skipped (with a warning), and a paragraph adds its
  sentences only when one of its questions is kept. Training pairs come from SQuAD v1.1: question ->
  the sentence holding the first answer, with its paragraph.
- Mewsli-X: ``candidate_set_entities.jsonl`` (the pool: an entity's description sentences joined),
  ``wikinews_mentions/<split>-<l>.jsonl`` (queries) and ``wikipedia_pairs-<split>.jsonl``
  (training pairs). A mention becomes the query ``"<mention>: <left> { <mention> } <right>"`` over
  the one sentence that holds it, as the reference's ``preprocess_mention`` writes it.
"""

from __future__ import annotations

import functools
import os
import re
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

from xtreme_harness.interfaces import DataError, XHarnessWarning, json_document, json_lines

# Tatoeba


def _text_lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            lines = [line.rstrip("\r\n").strip() for line in handle]
    except UnicodeDecodeError as exc:
        raise DataError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    while lines and not lines[-1]:
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if not line:
            raise DataError(path, "empty line; expected one sentence per line", line=number)
    return lines


def tatoeba_candidates(path: str) -> list[dict[str, Any]]:
    """``<l>-en.<l>`` -> the pool of one language, ids = 0-based line numbers."""
    return [{"id": str(i), "text": text} for i, text in enumerate(_text_lines(path))]


def aligned_queries(english: Sequence[str]) -> list[dict[str, Any]]:
    """Queries from an aligned English side: sorted as the official preprocessing sorts them (by
    text, stable), each with the original line number of its sentence as its target."""
    order = sorted(range(len(english)), key=lambda i: english[i])
    return [{"id": str(j), "text": english[i], "targets": [str(i)]} for j, i in enumerate(order)]


def tatoeba_queries(path: str) -> list[dict[str, Any]]:
    """``<l>-en.en`` -> English queries in sorted order, with gold when the file is aligned."""
    lines = _text_lines(path)
    source = re.sub(r"-en\.en$", "", path)
    language = os.path.basename(source)
    source_file = f"{source}-en.{language}"
    if os.path.isfile(source_file):
        count = len(_text_lines(source_file))
        if count != len(lines):
            raise DataError(path, f"has {len(lines)} sentences but {source_file} has {count}; "
                            "expected translations line by line")  # fmt: skip
    if lines == sorted(lines):  # the official download's sorted English side: no alignment
        return [{"id": str(j), "text": text, "targets": None} for j, text in enumerate(lines)]
    return aligned_queries(lines)


# LAReQA


def _paragraphs(path: str, document: Any) -> Iterator[dict[str, Any]]:
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, list):
        raise DataError(path, "expected SQuAD JSON: an object with a 'data' list", field="data")
    for article in data:
        paragraphs = article.get("paragraphs") if isinstance(article, dict) else None
        if not isinstance(paragraphs, list):
            raise DataError(path, "an article has no 'paragraphs' list", field="paragraphs")
        yield from paragraphs


def _first_answer(path: str, qa: Any, context: str) -> tuple[str, str, int]:
    """(id, question, answer offset) of a SQuAD question, its answer checked against the text."""
    if not isinstance(qa, dict) or not isinstance(qa.get("id"), str):
        raise DataError(path, "a question has no 'id' text", field="qas")
    answers = qa.get("answers")
    if not isinstance(answers, list) or not answers or not isinstance(answers[0], dict):
        raise DataError(path, f"question {qa['id']}: expected a non-empty 'answers' list",
                        field="answers")  # fmt: skip
    text, start = answers[0].get("text"), answers[0].get("answer_start")
    if not isinstance(text, str) or not isinstance(start, int):
        raise DataError(path, f"question {qa['id']}: an answer needs 'text' and an integer "
                        "'answer_start'", field="answers")  # fmt: skip
    if context[start : start + len(text)] != text:
        raise DataError(path, f"question {qa['id']}: the answer {text!r} is not at offset {start} "
                        f"of its context (found {context[start:start + len(text)]!r})",
                        field="answer_start")  # fmt: skip
    return qa["id"], qa.get("question", ""), start


def _sentence_breaks(path: str, paragraph: dict[str, Any], context: str) -> list[tuple[int, int]]:
    breaks = paragraph.get("sentence_breaks")
    if not isinstance(breaks, list) or not breaks:
        raise DataError(path, "a paragraph has no 'sentence_breaks'; LAReQA needs the raw "
                        "xquad-r files of google-research-datasets/lareqa (the hub's xquad_r "
                        "drops them)", field="sentence_breaks")  # fmt: skip
    spans = []
    for item in breaks:
        if (
            not isinstance(item, list) or len(item) != 2
            or not all(isinstance(v, int) for v in item)
            or not 0 <= item[0] <= item[1] <= len(context)
        ):  # fmt: skip
            raise DataError(path, f"sentence break {item!r} is not [start, end] within its "
                            f"context of {len(context)} characters",
                            field="sentence_breaks")  # fmt: skip
        spans.append((item[0], item[1]))
    return spans


@functools.lru_cache(maxsize=4)
def _xquad_r(folder: str, languages: tuple[str, ...], stamp: tuple[float, ...]) -> Any:
    """The LAReQA pool and queries of every language of the folder (cached per file state)."""
    candidates: list[dict[str, Any]] = []
    questions: dict[str, list[dict[str, Any]]] = {}
    by_question: dict[str, list[str]] = {}
    skipped: dict[str, list[str]] = {}
    for language in languages:
        path = os.path.join(folder, f"{language}.json")
        document = json_document(path)
        questions[language] = []
        seen: set[str] = set()
        for number, paragraph in enumerate(_paragraphs(path, document), start=1):
            context = paragraph.get("context") if isinstance(paragraph, dict) else None
            if not isinstance(context, str) or not isinstance(paragraph.get("qas"), list):
                raise DataError(path, "a paragraph needs a 'context' text and a 'qas' list",
                                field="paragraphs")  # fmt: skip
            spans = _sentence_breaks(path, paragraph, context)
            sentences = [context[start:end] for start, end in spans]
            ids = [f"{language}_{number}_{position}" for position in range(len(spans))]
            kept = False
            for qa in paragraph["qas"]:
                qid, question, start = _first_answer(path, qa, context)
                if qid in seen:
                    raise DataError(path, f"question id {qid} appears twice", field="id")
                seen.add(qid)
                holder = next((i for i, (a, b) in enumerate(spans) if a <= start < b), None)
                if holder is None:
                    skipped.setdefault(language, []).append(qid)
                    continue
                kept = True
                questions[language].append({"id": qid, "text": question})
                targets = by_question.setdefault(qid, [])
                targets += [ids[i] for i, s in enumerate(sentences) if s == sentences[holder]]
            if kept:
                candidates += [
                    {"id": ident, "text": (sentence + context).replace("\n", ""),
                     "language": language}
                    for ident, sentence in zip(ids, sentences, strict=True)
                ]  # fmt: skip
    for items in questions.values():
        for item in items:
            item["targets"] = sorted(set(by_question[item["id"]]))
    return candidates, questions, skipped


def _lareqa(folder: str, languages: Sequence[str]) -> Any:
    paths = [os.path.join(folder, f"{language}.json") for language in languages]
    for path in paths:
        if not os.path.isfile(path):
            raise DataError(path, "missing: the LAReQA pool needs the xquad-r file of every "
                            f"language ({', '.join(languages)})")  # fmt: skip
    stamp = tuple(os.stat(path).st_mtime_ns for path in paths)
    return _xquad_r(os.path.abspath(folder), tuple(languages), stamp)


def lareqa_readers(languages: Sequence[str]) -> tuple[Any, Any]:
    """Readers of the queries of one language (``xquad-r/<l>.json``) and of the pool of all
    `languages` (the folder ``xquad-r``)."""

    def queries(path: str) -> list[dict[str, Any]]:
        language = os.path.basename(path).removesuffix(".json")
        _, questions, skipped = _lareqa(os.path.dirname(path), languages)
        if skipped.get(language):
            lost = skipped[language]
            warnings.warn(
                f"{path}: {len(lost)} questions skipped, their answers start outside every "
                f"sentence break (as the reference skips them; first: {lost[0]})",
                XHarnessWarning,
                stacklevel=2,
            )
        return [dict(item) for item in questions[language]]

    def pool(path: str) -> list[dict[str, Any]]:
        candidates, _, _ = _lareqa(path, languages)
        return [{"id": c["id"], "text": c["text"]} for c in candidates]

    return queries, pool


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])[\"'”’)\]]*\s+")  # noqa: RUF001


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of `text`: a break after ., !, ? (or their CJK forms), closing quotes or
    brackets, and white space."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start() + len(match.group(0).rstrip())
        if end > start:
            spans.append((start, end))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def squad_pairs(path: str) -> list[dict[str, Any]]:
    """SQuAD v1.1 -> (question, answer sentence + paragraph) training pairs for LAReQA. The
    sentence is the one holding the first answer's start; questions whose answer starts between
    sentences are skipped, with a warning."""
    document = json_document(path)
    pairs, lost = [], []
    for paragraph in _paragraphs(path, document):
        context = paragraph.get("context") if isinstance(paragraph, dict) else None
        if not isinstance(context, str) or not isinstance(paragraph.get("qas"), list):
            raise DataError(path, "a paragraph needs a 'context' text and a 'qas' list",
                            field="paragraphs")  # fmt: skip
        spans = split_sentences(context)
        for qa in paragraph["qas"]:
            qid, question, start = _first_answer(path, qa, context)
            holder = next(((a, b) for a, b in spans if a <= start < b), None)
            if holder is None:
                lost.append(qid)
                continue
            pairs.append({"id": qid, "text": question, "positive": context[holder[0]:holder[1]],
                          "positive_context": context})  # fmt: skip
    if lost:
        warnings.warn(f"{path}: {len(lost)} questions skipped, their answers start between "
                      f"sentences (first: {lost[0]})", XHarnessWarning, stacklevel=2)  # fmt: skip
    if len({pair["id"] for pair in pairs}) != len(pairs):
        raise DataError(path, "question ids repeat", field="id")
    return pairs


# Mewsli-X


def _clean(text: str) -> str:
    """The reference's clean-up of a query or description: lines joined with spaces, double
    spaces made single (one pass), outer white space removed."""
    return " ".join(text.splitlines()).replace("  ", " ").strip()


def _span(record: Any, where: str) -> tuple[int, int]:
    if (
        not isinstance(record, dict)
        or not isinstance(record.get("start"), int)
        or not isinstance(record.get("end"), int)
    ):
        raise ValueError(f"{where}: expected {{'start': int, 'end': int}}")
    return record["start"], record["end"]


def entity_text(entity: dict[str, Any]) -> str:
    """An entity's candidate text: its description sentences joined with spaces."""
    description = entity["description"]
    spans = [_span(s, "sentence_spans") for s in entity["sentence_spans"]]
    return _clean(" ".join(description[a:b] for a, b in spans))


_BRACED = re.compile(r"\{(.*?)\}")


def mention_query(context: dict[str, Any], mention: dict[str, Any]) -> str:
    """The reference's query for a mention: ``"<mention>: <left> { <mention> } <right>"`` over
    the sentence that holds the mention, braces in the sentence turned into parentheses."""
    text = context["text"]
    start, end = _span(mention["mention_span"], "mention_span")
    surface = mention["mention_span"].get("text")
    if text[start:end] != surface:
        raise ValueError(f"mention_span {start}:{end} holds {text[start:end]!r}, not {surface!r}")
    sentences = [_span(s, "sentence_spans") for s in context.get("sentence_spans") or []]
    holder = next(((a, b) for a, b in sentences if a <= start and end <= b), None)
    if holder is None:
        raise ValueError(f"the mention {surface!r} ({start}:{end}) is not inside one sentence span")
    left = _BRACED.sub(r"(\1)", text[holder[0] : start])
    right = _BRACED.sub(r"(\1)", text[end : holder[1]])
    return _clean(f"{surface}: {left} {{ {surface} }} {right}")


def _entity_id(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def mewslix_entities(path: str) -> list[dict[str, Any]]:
    """``candidate_set_entities.jsonl`` -> the pool (id = the entity's QID)."""
    pool = []
    for number, record in json_lines(path):
        try:
            pool.append({"id": record["entity_id"], "text": entity_text(record)})
        except (KeyError, ValueError, TypeError) as exc:
            raise DataError(path, f"not a Mewsli-X entity: {exc}", line=number) from None
    return pool


def mewslix_mentions(path: str) -> list[dict[str, Any]]:
    """``wikinews_mentions/<split>-<l>.jsonl`` -> one query per mention; the gold entity where
    the file has one (the official test files blank it)."""
    queries = []
    for number, record in json_lines(path):
        try:
            for mention in record["mentions"]:
                target = _entity_id(mention.get("entity_id"))
                queries.append({
                    "id": mention["example_id"],
                    "text": mention_query(record["context"], mention),
                    "targets": None if target is None else [target],
                })  # fmt: skip
        except (KeyError, ValueError, TypeError) as exc:
            raise DataError(
                path, f"not a Mewsli-X contextual mention: {exc}", line=number
            ) from None
        if len({q["id"] for q in queries}) != len(queries):
            raise DataError(path, f"example id {queries[-1]['id']} appears twice", line=number)
    return queries


def mewslix_pairs(path: str) -> list[dict[str, Any]]:
    """``wikipedia_pairs-<split>.jsonl`` -> (mention query, entity description) pairs."""
    pairs = []
    for number, record in json_lines(path):
        try:
            contextual = record["contextual_mention"]
            mention = contextual["mention"]
            pairs.append({
                "id": mention["example_id"],
                "text": mention_query(contextual["context"], mention),
                "positive": entity_text(record["entity"]),
                "positive_context": None,
            })  # fmt: skip
        except (KeyError, ValueError, TypeError) as exc:
            raise DataError(
                path, f"not a Mewsli-X mention-entity pair: {exc}", line=number
            ) from None
    return pairs
