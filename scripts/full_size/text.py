"""Random text: a pseudo-lexicon per language, lengths drawn from sizes.json, sentences and
passages that know where each word is.

A language's pseudo-lexicon starts from the words of ``sample_data/lexicon.json`` (so each
language keeps its script, diacritics and word separator) and adds made-up words, each glued
from 2 to 4 pieces (1 or 2 characters in Chinese and Japanese) of those words, up to
`VOCABULARY` words. Words are drawn with Zipf frequencies: the lexicon's function and content
words most often, its names least; from a table in which each word appears in proportion to its
weight, so that a draw is one index into a list.
"""

from __future__ import annotations

import functools
import math
import random
import unicodedata
from dataclasses import dataclass
from typing import Any

from sample_data.grammar import capitalise, load_lexicon

VOCABULARY = 5000
TABLE = 1 << 16
"""Entries of the frequency table a word is drawn from; word r (from 1) has about TABLE / (r *
H) entries, H the harmonic number of VOCABULARY, and at least one."""
_FUNCTION = (
    "determiner",
    "adposition",
    "pronoun",
    "aux",
    "conj",
    "not",
    "perhaps",
    "because",
    "so",
)
_CONTENT = ("nouns", "verbs", "adjectives")
_NAMES = ("persons", "locations", "organizations")
_MARKS = ("Mn", "Mc", "Me")
_JOINERS = ("\u200c", "\u200d")
_IDEOGRAPHIC = ("zh", "ja")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _letters(word: str) -> str:
    """A lexicon token without its ``/TAG`` and anything but letters, marks and joiners."""
    head, slash, _ = word.rpartition("/")
    if slash and head:
        word = head
    return "".join(
        c for c in word if c.isalpha() or unicodedata.category(c) in _MARKS or c in _JOINERS
    )


def _graphemes(word: str) -> list[str]:
    """Letters with the combining marks (and joiners) that follow them."""
    out: list[str] = []
    for c in word:
        if out and (unicodedata.category(c) in _MARKS or c in _JOINERS or out[-1][-1] in _JOINERS):
            out[-1] += c
        else:
            out.append(c)
    return out


class Lexicon:
    """The pseudo-lexicon of one language: `words` draws words, `sentence` writes them as a
    sentence (first letter capitalised where the script has case, the lexicon's full stop)."""

    def __init__(self, code: str, seed: int) -> None:
        entry = _languages()[code]
        self.code = code
        self.sep: str = entry.sep
        self.punct: str = entry.e["punct"]
        self.between = " " if self.sep or not self.punct else ""
        """What separates two sentences: a space, except where the script has neither word
        spaces nor a space after its full stop (Chinese, Japanese)."""

        def field_words(fields: tuple[str, ...]) -> list[str]:
            words = (
                _letters(w) for f in fields for s in _strings(entry.e.get(f)) for w in s.split()
            )
            return [w for w in dict.fromkeys(words) if w]

        common = field_words(_FUNCTION + _CONTENT)
        names = field_words(_NAMES)
        width = 1 if code in _IDEOGRAPHIC else 2
        pieces = sorted(
            {
                "".join(g[i : i + size])
                for g in (_graphemes(w.lower()) for w in common + names)
                for size in range(1, width + 1)
                for i in range(len(g) - size + 1)
            }
        )
        rng = random.Random(f"{seed}:lexicon:{code}")
        vocabulary = dict.fromkeys(common)
        sizes = (1, 2) if code in _IDEOGRAPHIC else (2, 3, 4)
        target = VOCABULARY - len(names)
        while len(vocabulary) < target:  # rounds of made-up words, drawn in bulk
            before = len(vocabulary)
            lengths = rng.choices(sizes, k=2 * (target - before))
            drawn = rng.choices(pieces, k=sum(lengths))
            at = 0
            for length in lengths:
                vocabulary.setdefault("".join(drawn[at : at + length]))
                at += length
                if len(vocabulary) >= target:
                    break
            if len(vocabulary) - before <= (target - before) // 10:
                break  # few pieces (Chinese, Japanese): about all their words are there
        vocabulary.update(dict.fromkeys(names))  # names are rare words
        self.vocabulary = list(vocabulary)
        harmonic = sum(1 / rank for rank in range(1, len(self.vocabulary) + 1))
        self.table = [
            word
            for rank, word in enumerate(self.vocabulary, start=1)
            for _ in range(max(1, round(TABLE / (rank * harmonic))))
        ]

    def words(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.table, k=count)

    def sentence(self, words: list[str]) -> str:
        """`words` (at least one) as a sentence."""
        return self.sep.join([capitalise(words[0], self.code), *words[1:]]) + self.punct

    def question(self, words: list[str]) -> str:
        """`words` (at least one) as a question."""
        return self.sep.join([capitalise(words[0], self.code), *words[1:]]) + "?"

    def name(self, rng: random.Random, count: int) -> str:
        """A capitalised name (a title, a named entity) of `count` words."""
        return self.sep.join(capitalise(w, self.code) for w in self.words(rng, count))


@functools.cache
def _languages() -> dict[str, Any]:
    return load_lexicon()[0]


class Length:
    """Draws integers from a log-normal distribution with a figure's mean and sd, rounded and
    clamped to its min..max (see ``lengths`` in sizes.json)."""

    def __init__(self, figure: dict[str, Any]) -> None:
        mean, sd = float(figure["mean"]), float(figure["sd"])
        variance = math.log(1 + (sd / mean) ** 2)
        self.mu = math.log(mean) - variance / 2
        self.sigma = math.sqrt(variance)
        self.low, self.high = int(figure["min"]), int(figure["max"])

    def draw(self, rng: random.Random) -> int:
        value = round(rng.lognormvariate(self.mu, self.sigma))
        return self.low if value < self.low else self.high if value > self.high else value


Span = tuple[int, int]


@dataclass
class Passage:
    """Sentences joined into one text, with the character spans of each sentence and word."""

    text: str
    sentences: list[Span]
    words: list[list[Span]]

    def span(self, rng: random.Random, length: int) -> Span:
        """A random run of up to `length` words inside one sentence."""
        words = self.words[rng.randrange(len(self.words))]
        first = rng.randrange(len(words))
        last = min(len(words), first + max(1, length)) - 1
        return words[first][0], words[last][1]


def passage(lexicon: Lexicon, rng: random.Random, lengths: list[int]) -> Passage:
    """A passage of ``len(lengths)`` sentences of those numbers of words (each at least one)."""
    parts: list[str] = []
    sentences: list[Span] = []
    words: list[list[Span]] = []
    position = 0
    sep, sep_width = lexicon.sep, len(lexicon.sep)
    for number, length in enumerate(lengths):
        if number:
            parts.append(lexicon.between)
            position += len(lexicon.between)
        drawn = lexicon.words(rng, max(1, length))
        drawn[0] = capitalise(drawn[0], lexicon.code)
        start, spans = position, []
        for index, word in enumerate(drawn):
            if index:
                position += sep_width
            spans.append((position, position + len(word)))
            position += len(word)
        text = sep.join(drawn) + lexicon.punct
        position = start + len(text)
        parts.append(text)
        sentences.append((start, position))
        words.append(spans)
    return Passage("".join(parts), sentences, words)


def split_words(rng: random.Random, total: int, length: Length) -> list[int]:
    """Sentence lengths that add up to `total` words: drawn from `length`, the last one cut."""
    lengths: list[int] = []
    left = max(1, total)
    while left > 0:
        lengths.append(min(left, max(1, length.draw(rng))))
        left -= lengths[-1]
    return lengths


def allocate(rng: random.Random, total: int, bins: int) -> list[int]:
    """`total` items over `bins` bins (``total >= bins >= 1``), one each, the rest at random."""
    counts = [1] * bins
    for index in rng.choices(range(bins), k=total - bins):
        counts[index] += 1
    return counts


def hex_id(rng: random.Random, number: int, digits: int = 24) -> str:
    """A hexadecimal id of `digits` digits, unique for each `number` below 16**8."""
    return f"{number:08x}{rng.getrandbits(4 * (digits - 8)):0{digits - 8}x}"
