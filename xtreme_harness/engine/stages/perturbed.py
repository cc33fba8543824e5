"""Test examples perturbed word by word by a `Perturber`, for evaluation under a perturbation.

One walk over the text fields of every task kind (`KindImpl.text_fields`), so that no perturber
handles kinds itself: a text or a list of texts is rewritten word by word; a tagged sentence word
by word, one word for one word, so that its tags stay aligned; an extractive-QA context with
every answer kept a span of it (`rewrite_fields` of the plugin API, which rs-da uses too); a
retrieval task only in its queries (``text``): the candidates it searches are not test inputs of
one language.
"""

from __future__ import annotations

import hashlib
import json
import random
from typing import Any

from xtreme_harness.engine.kinds.base import KindImpl
from xtreme_harness.errors import DataError
from xtreme_harness.interfaces.perturber import Perturber
from xtreme_harness.interfaces.text import rewrite_fields


class _Words:
    """Rewrites words with the perturber, at its rate among eligible words, and counts."""

    def __init__(self, perturber: Perturber, language: str, rng: random.Random) -> None:
        self.perturber, self.language, self.rng = perturber, language, rng
        self.rate = float(perturber.options.get("rate", 1.0))
        self.words = self.eligible = self.changed = 0

    def __call__(self, word: str) -> str:
        self.words += 1
        if not word or not self.perturber.eligible(word, self.language):
            return word
        self.eligible += 1
        if self.rng.random() >= self.rate:
            return word
        found = self.perturber.rewrite(word, self.language, self.rng)
        if not found or any(c.isspace() for c in found):
            raise DataError(f"perturber {self.perturber.name}",
                            f"rewrote {word!r} as {found!r}; expected one word")  # fmt: skip
        self.changed += found != word
        return found


def perturbed(
    perturber: Perturber, kind: KindImpl, examples: list[dict], task: str, language: str
) -> tuple[list[dict], dict[str, Any]]:
    """The examples perturbed, and the record: the perturber, its counts of words (all,
    eligible, changed) and the SHA-256 of the perturbed examples (equal for every model)."""
    perturber.check(language)
    seed = perturber.options.get("seed", 0)
    words = _Words(perturber, language, random.Random(f"{perturber.name}:{seed}:{task}:{language}"))
    fields = {"text": "text"} if kind.ranks_candidates else kind.text_fields
    shown = [rewrite_fields(example, fields, words) for example in examples]
    digest = hashlib.sha256(
        json.dumps(shown, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    ).hexdigest()
    record = {"perturber": perturber.name, "words": words.words, "eligible": words.eligible,
              "changed": words.changed, "sha256": digest}  # fmt: skip
    return shown, record
