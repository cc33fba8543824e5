"""UD-POS and WikiANN-NER: ``<task>/{train,dev,test}-<lang>.tsv``, ``token<TAB>tag`` per line, a
blank line between sentences, one line end after the last token (as the official conversion
writes them; test files keep their tags, which the official download drops)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence

from .output import Run, batches
from .text import Length, Lexicon

FILES = {"train": "train", "validation": "dev", "test": "test"}
_PUNCTUATION = (",", ".", "(", ")", ":", '"')


def _blocks(sentences: Sequence[tuple[list[str], list[str]]], first: bool) -> str:
    blocks = ["".join(f"{t}\t{g}\n" for t, g in zip(tokens, tags, strict=True))
              for tokens, tags in sentences]  # fmt: skip
    return ("" if first else "\n") + "\n".join(blocks)


def _upos(run: Run, language: str, split: str, count: int) -> Iterator[str]:
    rng = run.rng("udpos", split, language)
    lexicon = run.lexicon(language)
    length = run.length("udpos.sentence", language)
    weights = run.sizes.weights("upos")
    tags, cumulative = list(weights), list(itertools.accumulate(weights.values()))
    punctuation = (lexicon.punct, *_PUNCTUATION) if lexicon.punct else _PUNCTUATION
    for number, size in enumerate(batches(count)):
        lengths = [length.draw(rng) for _ in range(size)]
        words = lexicon.words(rng, sum(lengths))
        drawn = rng.choices(tags, cum_weights=cumulative, k=len(words))
        for index, tag in enumerate(drawn):
            if tag == "PUNCT":
                words[index] = rng.choice(punctuation)
            elif tag == "NUM":
                words[index] = str(rng.randrange(1, 2030))
        sentences, at = [], 0
        for n in lengths:
            sentences.append((words[at : at + n], drawn[at : at + n]))
            at += n
        yield _blocks(sentences, number == 0)


def _entities(
    rng: random.Random, n: int, many: Length, long: Length, types: list[str]
) -> list[str]:
    """IOB2 tags of a sentence of `n` tokens with a few entities that do not overlap."""
    tags = ["O"] * n
    for _ in range(many.draw(rng)):
        size = min(n, long.draw(rng))
        start = rng.randrange(n - size + 1)
        if all(tag == "O" for tag in tags[start : start + size]):
            kind = rng.choice(types)
            tags[start] = f"B-{kind}"
            tags[start + 1 : start + size] = [f"I-{kind}"] * (size - 1)
    return tags


def _ner(run: Run, language: str, split: str, count: int) -> Iterator[str]:
    rng = run.rng("panx", split, language)
    lexicon: Lexicon = run.lexicon(language)
    length = run.length("panx.sentence", language)
    many, long = run.length("panx.entities", language), run.length("panx.entity", language)
    types = list(run.sizes.weights("ner"))
    for number, size in enumerate(batches(count)):
        lengths = [length.draw(rng) for _ in range(size)]
        words = lexicon.words(rng, sum(lengths))
        sentences, at = [], 0
        for n in lengths:
            tokens = words[at : at + n]
            tags = _entities(rng, n, many, long, types)
            for index, tag in enumerate(tags):
                if tag != "O":  # names are capitalised where the script has case
                    tokens[index] = lexicon.name(rng, 1)
            sentences.append((tokens, tags))
            at += n
        yield _blocks(sentences, number == 0)


def udpos(run: Run) -> None:
    """Tags drawn with the shares of ``tags.upos``; punctuation and numbers look like them."""
    for split, name in FILES.items():
        for language, count in run.sizes.counts("udpos", split).items():
            lines = _upos(run, language, split, count)
            run.write(f"udpos/{name}-{language}.tsv", lines, count)


def panx(run: Run) -> None:
    for split, name in FILES.items():
        for language, count in run.sizes.counts("panx", split).items():
            run.write(f"panx/{name}-{language}.tsv", _ner(run, language, split, count), count)
