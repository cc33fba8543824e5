"""What every generator gets (`Run`): the sizes at the chosen scale, seeded random generators,
the pseudo-lexicons, and the output folder, written one streamed file at a time."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .sizes import Sizes
from .text import Length, Lexicon

CHUNK = 4096
"""Examples drawn and written at a time: big enough for few calls, small enough to stream."""


class Run:
    """One generation: `sizes` (scaled), `seed`, the folder `root`, and what was written."""

    def __init__(self, root: Path, sizes: Sizes, seed: int) -> None:
        self.root = root
        self.sizes = sizes
        self.seed = seed
        self.written: dict[str, tuple[int, int]] = {}
        """Relative path -> (examples, bytes) of every file written."""
        self._lexicons: dict[str, Lexicon] = {}
        self._lengths: dict[tuple[str, str | None], Length] = {}

    def rng(self, *parts: str) -> random.Random:
        """A generator of its own for each file (or plan), so that each file depends only on
        the seed and its name, not on what else is generated."""
        return random.Random(":".join((str(self.seed), *parts)))

    def lexicon(self, language: str) -> Lexicon:
        if language not in self._lexicons:
            self._lexicons[language] = Lexicon(language, self.seed)
        return self._lexicons[language]

    def length(self, name: str, language: str | None = None) -> Length:
        key = (name, language)
        if key not in self._lengths:
            self._lengths[key] = Length(self.sizes.length(name, language))
        return self._lengths[key]

    def write(self, relative: str, chunks: Iterable[str], examples: int) -> None:
        """Write `chunks` to ``root/relative`` (UTF-8, ``\\n`` line ends) as they come."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="", buffering=1 << 20) as handle:
            for chunk in chunks:
                handle.write(chunk)
        self.written[relative] = (examples, path.stat().st_size)


def json_line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def squad_document(version: str, articles: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A SQuAD-format JSON document (``{"version", "data": [articles]}``), one article at a
    time."""
    yield '{"version": ' + json.dumps(version) + ', "data": ['
    for number, article in enumerate(articles):
        yield (", " if number else "") + json.dumps(article, ensure_ascii=False)
    yield "]}\n"


def batches(total: int, size: int = CHUNK) -> Iterator[int]:
    """Sizes of the batches `total` examples are made in."""
    for start in range(0, total, size):
        yield min(size, total - start)
