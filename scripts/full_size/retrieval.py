"""Tatoeba and Mewsli-X.

- Tatoeba: ``tatoeba/<lang>-en.<lang>`` and ``tatoeba/<lang>-en.en``, one sentence per line,
  line i of one the translation of line i of the other (the LASER release's order; the official
  download sorts the English side, which hides the gold).
- Mewsli-X: ``mewslix/candidate_set_entities.jsonl`` (the pool, descriptions in the languages and
  numbers of the release), ``wikipedia_pairs-{train,dev}.jsonl``, and per language
  ``wikinews_mentions/{dev,test}-<lang>.jsonl`` with ``wikinews_labels/{dev,test}-<lang>.json``
  (gold kept in both; the official download blanks the test entities). As in the release, the
  gold entities of the WikiNews mentions and of the Wikipedia dev pairs are in the pool (each
  split's and language's entities its own), those of the training pairs are not.
"""

from __future__ import annotations

import json
import random
from array import array
from collections.abc import Callable, Iterator
from typing import Any

from .output import Run, batches, json_line
from .text import Passage, allocate, hex_id, passage


def _tatoeba(run: Run, language: str, count: int) -> tuple[str, str]:
    """Both sides (at most 1,000 lines each), drawn line by line from one generator."""
    rng = run.rng("tatoeba", "test", language)
    source, english = run.lexicon(language), run.lexicon("en")
    source_length = run.length("tatoeba.source", language)
    english_length = run.length("tatoeba.english")
    sides: tuple[list[str], list[str]] = ([], [])
    for _ in range(count):
        sides[0].append(source.sentence(source.words(rng, source_length.draw(rng))) + "\n")
        sides[1].append(english.sentence(english.words(rng, english_length.draw(rng))) + "\n")
    return "".join(sides[0]), "".join(sides[1])


def tatoeba(run: Run) -> None:
    for language, count in run.sizes.counts("tatoeba", "test").items():
        source, english = _tatoeba(run, language, count)
        run.write(f"tatoeba/{language}-en.{language}", [source], count)
        run.write(f"tatoeba/{language}-en.en", [english], count)


# ------------------------------------------------------------------------------------- Mewsli-X


def _spans(text: Passage) -> list[dict[str, int]]:
    return [{"start": a, "end": b} for a, b in text.sentences]


class _Mewsli:
    """Texts of Mewsli-X records; `rng` is the generator of the file being written."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.sentence_words = run.length("mewslix.sentence")
        self.title_words = run.length("title")
        self.mention_words = run.length("mewslix.mention")

    def passage(self, rng: random.Random, language: str, sentences: int) -> Passage:
        lengths = [self.sentence_words.draw(rng) for _ in range(max(1, sentences))]
        return passage(self.run.lexicon(language), rng, lengths)

    def entity(self, rng: random.Random, language: str, qid: str) -> dict[str, Any]:
        lexicon = self.run.lexicon(language)
        title = lexicon.name(rng, self.title_words.draw(rng))
        text = self.passage(rng, language, self.run.length("mewslix.description").draw(rng))
        return {
            "entity_id": qid, "title": title, "description": text.text,
            "sentence_spans": _spans(text), "description_language": language,
            "description_url": f"https://{language}.wikipedia.org/wiki/{title.replace(' ', '_')}",
        }  # fmt: skip

    def mention(self, rng: random.Random, text: Passage, number: int, qid: str) -> dict[str, Any]:
        start, end = text.span(rng, self.mention_words.draw(rng))
        return {
            "example_id": hex_id(rng, number, 32),
            "mention_span": {"start": start, "end": end, "text": text.text[start:end]},
            "entity_id": qid,
        }

    def context(
        self, rng: random.Random, language: str, site: str, document: str, sentences: int
    ) -> tuple[dict[str, Any], Passage]:
        lexicon = self.run.lexicon(language)
        title = lexicon.name(rng, self.title_words.draw(rng))
        text = self.passage(rng, language, sentences)
        section = lexicon.name(rng, self.title_words.draw(rng)) if site == "wikipedia" else ""
        return {
            "document_title": title,
            "document_url": f"https://{language}.{site}.org/wiki/{title.replace(' ', '_')}",
            "document_id": document, "language": language, "text": text.text,
            "sentence_spans": _spans(text), "section_title": section,
        }, text  # fmt: skip


def _qids(rng: random.Random, count: int, after: int = 0) -> array:
    """`count` increasing QID numbers above `after`, with random gaps."""
    numbers, last = array("q"), after
    for _ in range(count):
        last += rng.randint(1, 64)
        numbers.append(last)
    return numbers


def _gold(rng: random.Random, run: Run, pool: int) -> dict[tuple[str, str], list[int]]:
    """Pool positions of the gold entities of each (split, language): distinct across all of
    them while the pool has room (the release splits dev and test by entity)."""
    sizes = run.sizes
    wanted = [("validation", "en", sizes.count("mewslix", "validation", "en", "entities"))]
    for split in ("dev", "test"):
        entities = sizes.counts("mewslix", split, "entities")
        wanted += [(split, language, n) for language, n in entities.items()]
    total = sum(n for _, _, n in wanted)
    chosen = rng.sample(range(pool), total) if total <= pool else rng.choices(range(pool), k=total)
    gold, at = {}, 0
    for split, language, n in wanted:
        gold[(split, language)] = chosen[at : at + n]
        at += n
    return gold


def _assign(rng: random.Random, entities: list[int], mentions: int) -> list[int]:
    """One entity per mention: each entity once, then at random, in random order."""
    picked = entities[:mentions] + rng.choices(entities, k=max(0, mentions - len(entities)))
    rng.shuffle(picked)
    return picked


def _pool(
    run: Run, texts: _Mewsli, qids: array, languages: list[str], keep: set[int],
    kept: dict[int, dict[str, Any]],
) -> Iterator[str]:  # fmt: skip
    rng = run.rng("mewslix", "candidates")
    start = 0
    for size in batches(len(qids)):
        lines = []
        for position in range(start, start + size):
            entity = texts.entity(rng, languages[position], f"Q{qids[position]}")
            if position in keep:
                kept[position] = entity
            lines.append(json_line(entity))
        start += size
        yield "".join(lines)


def _wikinews(
    run: Run, texts: _Mewsli, split: str, language: str, entities: list[str],
    labels: dict[str, list[str]],
) -> Iterator[str]:  # fmt: skip
    """One WikiNews article per line, with its mentions; fills `labels`."""
    rng = run.rng("mewslix", split, language)
    mentions = run.sizes.count("mewslix", split, language)
    articles = min(mentions, run.sizes.count("mewslix", split, language, "articles"))
    gold = iter(_assign(rng, entities, mentions))
    sentences = run.length("mewslix.article", language)
    number = 0
    for article, count in enumerate(allocate(rng, mentions, articles)):
        document = f"{language}-{article}"
        context, text = texts.context(rng, language, "wikinews", document, sentences.draw(rng))
        found = []
        for _ in range(count):
            found.append(texts.mention(rng, text, number, next(gold)))
            labels[found[-1]["example_id"]] = [found[-1]["entity_id"]]
            number += 1
        yield json_line({"context": context, "mentions": found})


def _pairs(
    run: Run, texts: _Mewsli, split: str, entities: int, entity: Callable[[int], dict[str, Any]]
) -> Iterator[str]:
    """Mention-entity pairs in English Wikipedia contexts, over `entities` entities (the i-th is
    ``entity(i)``)."""
    rng = run.rng("mewslix", split, "en")
    count = run.sizes.count("mewslix", split, "en")
    sentences = run.length("mewslix.context")
    order = iter(_assign(rng, list(range(entities)), count))
    number = 0
    for size in batches(count):
        lines = []
        for _ in range(size):
            record = entity(next(order))
            document = f"Q{rng.randrange(1, 10**8)}"
            context, text = texts.context(rng, "en", "wikipedia", document, sentences.draw(rng))
            mention = texts.mention(rng, text, number, record["entity_id"])
            lines.append(json_line({
                "contextual_mention": {"context": context, "mention": mention}, "entity": record,
            }))  # fmt: skip
            number += 1
        yield "".join(lines)


def mewslix(run: Run) -> None:
    texts = _Mewsli(run)
    plan = run.rng("mewslix", "plan")
    counts = run.sizes.counts("mewslix", "candidates")
    languages = [language for language, n in counts.items() for _ in range(n)]
    plan.shuffle(languages)
    qids = _qids(plan, len(languages))
    gold = _gold(plan, run, len(qids))
    kept: dict[int, dict[str, Any]] = {}
    keep = set(gold[("validation", "en")])
    pool = _pool(run, texts, qids, languages, keep, kept)
    run.write("mewslix/candidate_set_entities.jsonl", pool, len(qids))
    del languages
    dev = [kept[p] for p in gold[("validation", "en")]]
    pairs = _pairs(run, texts, "validation", len(dev), dev.__getitem__)
    count = run.sizes.count("mewslix", "validation", "en")
    run.write("mewslix/wikipedia_pairs-dev.jsonl", pairs, count)
    # The training pairs' entities are English and outside the pool (QIDs above it); each is
    # drawn from a generator of its own, so that it reads the same in each of its pairs without
    # keeping 100,000 entities in memory.
    numbers = _qids(plan, run.sizes.count("mewslix", "train", "en", "entities"), qids[-1])

    def training(index: int) -> dict[str, Any]:
        qid = f"Q{numbers[index]}"
        return texts.entity(run.rng("mewslix", "entity", qid), "en", qid)

    pairs = _pairs(run, texts, "train", len(numbers), training)
    count = run.sizes.count("mewslix", "train", "en")
    run.write("mewslix/wikipedia_pairs-train.jsonl", pairs, count)
    for split in ("dev", "test"):
        for language, count in run.sizes.counts("mewslix", split).items():
            labels: dict[str, list[str]] = {}
            gold_ids = [f"Q{qids[p]}" for p in gold[(split, language)]]
            lines = _wikinews(run, texts, split, language, gold_ids, labels)
            run.write(f"mewslix/wikinews_mentions/{split}-{language}.jsonl", lines, count)
            run.write(f"mewslix/wikinews_labels/{split}-{language}.json",
                      [json.dumps(labels, ensure_ascii=False)], count)  # fmt: skip
