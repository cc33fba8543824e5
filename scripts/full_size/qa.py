"""The SQuAD-format files: SQuAD v1.1 (the English training and development data of the QA tasks),
XQuAD, MLQA, TyDiQA-GoldP and LAReQA's XQuAD-R (with ``sentences`` and ``sentence_breaks``).

Every answer is a run of words of one sentence of its context, at its ``answer_start``; test files
keep their answers (the official download blanks them). XQuAD and XQuAD-R are parallel as the
real ones are: one plan of articles, paragraphs and question ids for every language, so a
question id names the same question in each (LAReQA's targets span languages through it).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from typing import Any

from .output import Run, squad_document
from .text import Lexicon, Passage, allocate, hex_id, passage, split_words

PER_ARTICLE = 5
"""Paragraphs per article where no figure gives articles (MLQA): XQuAD's 240 / 48 (assumed)."""
TYDI_VERSION = "TyDiQA-GoldP-1.1-for-SQuAD-1.1"
TYDI_NAMES = {
    "ar": "arabic", "bn": "bengali", "en": "english", "fi": "finnish", "id": "indonesian",
    "ko": "korean", "ru": "russian", "sw": "swahili", "te": "telugu",
}  # fmt: skip


def _plan(rng: random.Random, questions: int, paragraphs: int, articles: int) -> list[list[int]]:
    """Questions per paragraph, per article: every article has a paragraph and every paragraph a
    question."""
    paragraphs = min(paragraphs, questions)
    articles = min(articles, paragraphs)
    per_paragraph = iter(allocate(rng, questions, paragraphs))
    return [[next(per_paragraph) for _ in range(n)] for n in allocate(rng, paragraphs, articles)]


class _Writer:
    """Contexts, questions and answers of one file's language(s)."""

    def __init__(self, run: Run, rng: random.Random, context: str, question: str) -> None:
        self.run, self.rng = run, rng
        self.context: Lexicon = run.lexicon(context)
        self.asker: Lexicon = run.lexicon(question)
        self.words = run.length("qa.context", context)
        self.sentence = run.length("qa.sentence", context)
        self.question = run.length("qa.question", question)
        self.answer = run.length("qa.answer", context)

    def passage(self, sentences: int | None = None) -> Passage:
        if sentences is None:
            lengths = split_words(self.rng, self.words.draw(self.rng), self.sentence)
        else:
            lengths = [self.sentence.draw(self.rng) for _ in range(sentences)]
        return passage(self.context, self.rng, lengths)

    def qa(self, text: Passage, qid: str) -> dict[str, Any]:
        start, end = text.span(self.rng, self.answer.draw(self.rng))
        words = self.asker.words(self.rng, self.question.draw(self.rng))
        return {
            "answers": [{"answer_start": start, "text": text.text[start:end]}],
            "question": self.asker.question(words),
            "id": qid,
        }

    def paragraph(self, ids: list[str], sentences: int | None = None) -> dict[str, Any]:
        text = self.passage(sentences)
        paragraph: dict[str, Any] = {"context": text.text, "qas": [self.qa(text, q) for q in ids]}
        if sentences is not None:  # XQuAD-R
            paragraph["sentences"] = [text.text[a:b] for a, b in text.sentences]
            paragraph["sentence_breaks"] = [[a, b] for a, b in text.sentences]
        return paragraph

    def title(self) -> str:
        return self.context.name(self.rng, self.run.length("title").draw(self.rng))


def _articles(writer: _Writer, plan: list[list[int]], ids: Iterator[str]) -> Iterator[dict]:
    for article in plan:
        title = writer.title()
        paragraphs = [writer.paragraph([next(ids) for _ in range(n)]) for n in article]
        yield {"title": title, "paragraphs": paragraphs}


def _ids(rng: random.Random, count: int, digits: int) -> Iterator[str]:
    return (hex_id(rng, number, digits) for number in range(count))


def squad(run: Run) -> None:
    """``squad/{train,dev}-v1.1.json``."""
    for split, name in (("train", "train"), ("validation", "dev")):
        rng = run.rng("squad", split, "en")
        count = run.sizes.count("squad", split, "en")
        plan = _plan(
            rng, count, run.sizes.count("squad", split, "en", "paragraphs"),
            run.sizes.count("squad", split, "en", "articles"),
        )  # fmt: skip
        writer = _Writer(run, rng, "en", "en")
        articles = _articles(writer, plan, _ids(rng, count, 24))
        run.write(f"squad/{name}-v1.1.json", squad_document("1.1", articles), count)


def _parallel(run: Run, task: str) -> tuple[list[list[int]], list[str]]:
    """The plan and question ids every language of XQuAD (or XQuAD-R) shares."""
    sizes, rng = run.sizes, run.rng(task, "plan")
    questions = max(sizes.counts(task, "test").values())
    paragraphs = max(sizes.counts(task, "test", "paragraphs").values())
    articles = max(sizes.counts(task, "test", "articles").values())
    return _plan(rng, questions, paragraphs, articles), list(_ids(rng, questions, 24))


def xquad(run: Run) -> None:
    """``xquad/xquad.<lang>.json``."""
    plan, ids = _parallel(run, "xquad")
    for language, count in run.sizes.counts("xquad", "test").items():
        writer = _Writer(run, run.rng("xquad", "test", language), language, language)
        articles = _articles(writer, plan, iter(ids))
        run.write(f"xquad/xquad.{language}.json", squad_document("1.1", articles), count)


def mlqa(run: Run) -> None:
    """``mlqa/MLQA_V1/{dev,test}/<split>-context-<c>-question-<q>.json``: the context in c, the
    question in q; one question per paragraph (assumed)."""
    files = [("test", "test", key) for key in run.sizes.counts("mlqa", "test")]
    files += [("test-pairs", "test", key) for key in run.sizes.counts("mlqa", "test-pairs")]
    files += [("dev", "dev", key) for key in run.sizes.counts("mlqa", "dev")]
    for split, folder, key in files:
        context, _, question = key.partition("-")
        question = question or context
        count = run.sizes.count("mlqa", split, key)
        rng = run.rng("mlqa", split, key)
        plan = _plan(rng, count, count, math.ceil(count / PER_ARTICLE))
        writer = _Writer(run, rng, context, question)
        articles = _articles(writer, plan, _ids(rng, count, 40))
        name = f"mlqa/MLQA_V1/{folder}/{folder}-context-{context}-question-{question}.json"
        run.write(name, squad_document("1.0", articles), count)


def _tydi(writer: _Writer, rng: random.Random, count: int, language: str | None) -> Iterator[dict]:
    """One question per paragraph and article, without titles, as the official preprocessing
    writes both files; train ids are numbers (the official script keeps the part after the last
    '-'), dev ids ``<language>-<number>-0``."""
    for number in range(count):
        qid = str(rng.getrandbits(40) * 10**7 + number)
        if language is not None:
            qid = f"{TYDI_NAMES[language]}-{qid}-0"
        yield {"paragraphs": [writer.paragraph([qid])]}


def tydiqa(run: Run) -> None:
    """``tydiqa/tydiqa-goldp-v1.1-{train,dev}/tydiqa.goldp.<lang>.{train,dev}.json`` (the
    combined training file of the download is not written)."""
    for split, name in (("train", "train"), ("test", "dev")):
        for language, count in run.sizes.counts("tydiqa", split).items():
            rng = run.rng("tydiqa", split, language)
            writer = _Writer(run, rng, language, language)
            data = _tydi(writer, rng, count, language if split == "test" else None)
            path = f"tydiqa/tydiqa-goldp-v1.1-{name}/tydiqa.goldp.{language}.{name}.json"
            run.write(path, squad_document(TYDI_VERSION, data), count)


def lareqa(run: Run) -> None:
    """``lareqa/xquad-r/<lang>.json``: XQuAD's shape with the sentence counts of each language."""
    plan, ids = _parallel(run, "lareqa")
    paragraphs = sum(len(article) for article in plan)
    for language, count in run.sizes.counts("lareqa", "test").items():
        rng = run.rng("lareqa", "test", language)
        total = max(paragraphs, run.sizes.count("lareqa", "candidates", language))
        sentences = iter(allocate(rng, total, paragraphs))
        writer = _Writer(run, rng, language, language)
        articles = _xquad_r(writer, plan, iter(ids), sentences)
        run.write(f"lareqa/xquad-r/{language}.json", squad_document("1.1", articles), count)


def _xquad_r(
    writer: _Writer, plan: list[list[int]], ids: Iterator[str], sentences: Iterator[int]
) -> Iterator[dict]:
    for article in plan:
        title = writer.title()
        paragraphs = [writer.paragraph([next(ids) for _ in range(n)], next(sentences))
                      for n in article]  # fmt: skip
        yield {"title": title, "paragraphs": paragraphs}
