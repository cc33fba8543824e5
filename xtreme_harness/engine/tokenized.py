"""Tokenized data, kept: a task's examples are tokenized once per tokenizer and recipe, whatever
the regularizer, seed or stage that asks again.

A grid of R regularizers and S seeds fine-tunes and evaluates each task R x S times on the same
examples; without a cache each of those steps tokenizes them anew (392,702 XNLI pairs take about a
minute on one core while the GPU waits). The features of `KindImpl.encode` are stored under the
cache folder (``XHARNESS_CACHE``, default ``~/.cache/xharness``; ``off`` disables it) in
``tokenized/<key>.json``, where the key is a digest of everything `encode` reads: the task kind's
class and task, the recipe, the maximum length, the tokenizer (its whole serialised form, not its
name), the examples themselves (so edited data never meets stale features), and the versions of
xharness and the plugins that define the task. Files are JSON (nothing is unpickled), written
atomically, with tuples tagged so that the features read back are equal to those written.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from collections.abc import Sequence
from typing import Any

from xtreme_harness.atomic import write_text
from xtreme_harness.engine.kinds.base import Feature, KindImpl
from xtreme_harness.registry.resources import cache_dir

FORMAT = 1
TUPLE = "__tuple__"


def _tagged(value: Any) -> Any:
    if isinstance(value, tuple):
        return {TUPLE: [_tagged(v) for v in value]}
    if isinstance(value, list):
        return [_tagged(v) for v in value]
    if isinstance(value, dict):
        return {key: _tagged(v) for key, v in value.items()}
    return value


def _untagged(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and TUPLE in value:
            return tuple(_untagged(v) for v in value[TUPLE])
        return {key: _untagged(v) for key, v in value.items()}
    if isinstance(value, list):
        return [_untagged(v) for v in value]
    return value


def features_to_json(features: Sequence[Feature]) -> list[Any]:
    return [
        [f.input_ids, f.example, _tagged(f.label), f.token_type_ids, _tagged(f.extra)]
        for f in features
    ]


def features_from_json(rows: Sequence[Any]) -> list[Feature]:
    return [
        Feature(
            input_ids=ids,
            example=example,
            label=_untagged(label),
            token_type_ids=types,
            extra=_untagged(extra),
        )
        for ids, example, label, types, extra in rows
    ]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Tokenized:
    """`KindImpl.encode` with its features kept in the cache folder; counts what it did."""

    def __init__(self, folder: str | None = None, versions: Any = None) -> None:
        base = cache_dir() if folder is None else folder
        self.folder = None if base is None else os.path.join(base, "tokenized")
        self.versions = versions
        self.seconds = 0.0
        self.cached = 0
        self.encoded = 0
        self._tokenizers: dict[int, str] = {}

    def _tokenizer_digest(self, tokenizer: Any) -> str:
        known = self._tokenizers.get(id(tokenizer))
        if known is None:
            backend = getattr(tokenizer, "backend_tokenizer", None)
            form = backend.to_str() if backend is not None else repr(tokenizer.get_vocab())
            special = json.dumps(tokenizer.special_tokens_map, sort_keys=True, default=str)
            known = _digest(f"{type(tokenizer).__name__}\n{special}\n{form}")
            self._tokenizers[id(tokenizer)] = known
        return known

    def key(self, kind: KindImpl, examples: Sequence[dict], tokenizer: Any, max_length: int) -> str:
        settings = {
            "format": FORMAT,
            "kind": f"{type(kind).__module__}.{type(kind).__qualname__}",
            "task": kind.spec.name,
            "recipe": dataclasses.asdict(kind.recipe),
            "max_length": max_length,
            "tokenizer": self._tokenizer_digest(tokenizer),
            "versions": self.versions,
        }
        head = json.dumps(settings, sort_keys=True, default=str)
        body = json.dumps(list(examples), sort_keys=True, ensure_ascii=False, default=str)
        return _digest(head + "\n" + _digest(body))[:32]

    def encode(
        self, kind: KindImpl, examples: Sequence[dict], tokenizer: Any, max_length: int
    ) -> list[Feature]:
        """The features of `examples`, from the cache when they were made before."""
        started = time.perf_counter()
        try:
            if self.folder is None or not examples:
                self.encoded += 1
                return kind.encode(examples, tokenizer, max_length)
            path = os.path.join(
                self.folder, self.key(kind, examples, tokenizer, max_length) + ".json"
            )
            if os.path.exists(path):
                try:  # plain json: checking every number as atomic.read_json does would
                    # double the time of reading back what this class wrote itself
                    with open(path, encoding="utf-8") as handle:
                        document = json.load(handle)
                    features = features_from_json(document["features"])
                except Exception:  # a damaged cache file is made again
                    pass
                else:
                    self.cached += 1
                    return features
            features = kind.encode(examples, tokenizer, max_length)
            self.encoded += 1
            os.makedirs(self.folder, exist_ok=True)
            text = json.dumps({"format": FORMAT, "features": features_to_json(features)},
                              ensure_ascii=False, separators=(",", ":"))  # fmt: skip
            write_text(path, text)
            return features
        finally:
            self.seconds += time.perf_counter() - started

    def record(self) -> dict[str, Any]:
        """What the stage's record keeps of its tokenizing."""
        return {"seconds": round(self.seconds, 3), "from_cache": self.cached,
                "tokenized": self.encoded}  # fmt: skip
