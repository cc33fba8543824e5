"""Translations, kept: every text is translated once per translator and direction, whatever the
cell, step or command that asks again.

Translations are stored under the cache folder (``XHARNESS_CACHE``; see
`xtreme_harness.registry.resources.cache_dir`) in ``translations/<key>.json``, one file per
translator and direction, where the key is a digest of the translator's name, its fingerprint
(its options and anything they point to, e.g. a model revision or a lexicon's digest) and the
direction. A file maps the SHA-256 of each source text to its translation; files are written
atomically, so an interrupted run keeps what it finished.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from xtreme_harness.atomic import write_text
from xtreme_harness.errors import DataError, UsageError
from xtreme_harness.interfaces.translator import Translator
from xtreme_harness.registry.resources import cache_dir

FORMAT = 1
BATCH = 64
"""Texts per call of `Translator.translate`."""


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def text_key(text: str) -> str:
    """A text's key in a store file."""
    return _digest(text)


def store_key(translator: Translator, source: str, target: str) -> str:
    identity = {"translator": translator.name, "fingerprint": translator.fingerprint(),
                "source": source, "target": target, "format": FORMAT}  # fmt: skip
    return _digest(json.dumps(identity, sort_keys=True, default=str))[:32]


@dataclass
class Outcome:
    """Translations of a call: how many distinct texts went to the translator now, and how many
    texts did not (already in the store, or repeated in the call)."""

    texts: list[str]
    translated: int
    reused: int
    path: str | None = None
    calls: list[int] = field(default_factory=list)
    """The batch sizes the translator was called with."""


def translate(
    translator: Translator,
    texts: Sequence[str],
    source: str,
    target: str,
    *,
    folder: str | None = None,
    batch: int = BATCH,
) -> Outcome:
    """`texts` translated from `source` to `target`: the ones already in the store are read, the
    others (each distinct text once) are given to the translator in batches and stored. `folder`:
    where the store is (default: the cache folder's ``translations``; no store when caching is
    off)."""
    if source == target:
        raise UsageError(f"translation from {source} to itself")
    if folder is None:
        base = cache_dir()
        folder = None if base is None else os.path.join(base, "translations")
    path = None if folder is None else os.path.join(
        folder, f"{store_key(translator, source, target)}.json"
    )  # fmt: skip
    known: dict[str, str] = _read(path) if path is not None else {}
    wanted = list(dict.fromkeys(text for text in texts if _digest(text) not in known))
    calls = []
    for start in range(0, len(wanted), batch):
        chunk = wanted[start : start + batch]
        found = translator.translate(chunk, source, target)
        if len(found) != len(chunk) or not all(isinstance(t, str) for t in found):
            raise DataError(
                f"translator {translator.name}",
                f"returned {len(found)} texts for {len(chunk)} (expected one string per text)",
            )
        calls.append(len(chunk))
        known.update({_digest(text): out for text, out in zip(chunk, found, strict=True)})
        if path is not None:  # stored batch by batch: an interruption keeps what is done
            _write(path, translator, source, target, known)
    return Outcome(
        [known[_digest(text)] for text in texts], len(wanted), len(texts) - len(wanted),
        path, calls,
    )  # fmt: skip


def read_store(path: str) -> dict[str, str]:
    """A store file's translations: the SHA-256 of each source text -> its translation."""
    return _read(path)


def write_store(
    path: str, translator: Translator, source: str, target: str, texts: Sequence[str],
    translations: Sequence[str],
) -> None:  # fmt: skip
    """A store file of `texts` and their `translations` (a grid's translation step keeps the
    translations of its data in its folder so)."""
    known = {_digest(text): out for text, out in zip(texts, translations, strict=True)}
    _write(path, translator, source, target, known)


def _read(path: str) -> dict[str, str]:
    if not os.path.isfile(path):
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        translations = document["translations"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise DataError(path, f"not a translation store ({error}); delete it to start again") \
            from None  # fmt: skip
    return dict(translations)


def _write(path: str, translator: Translator, source: str, target: str,
           known: dict[str, str]) -> None:  # fmt: skip
    os.makedirs(os.path.dirname(path), exist_ok=True)
    document = {"format": FORMAT, "translator": translator.name,
                "fingerprint": translator.fingerprint(), "source": source, "target": target,
                "translations": known}  # fmt: skip
    write_text(path, json.dumps(document, ensure_ascii=False, default=str, sort_keys=True))
