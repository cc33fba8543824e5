"""Randomized smoothing by data augmentation (RS-DA, Huang et al. 2021), as the released code
(`perturb.py` of uclanlp/Robust-XLT) does it, but seeded:

- a text is split on single spaces and joined back the same way; a word is looked up
  case-sensitively, so "Movie" and "movie," are not substituted;
- a word with a non-empty entry in the synonym table is replaced by a uniform choice among itself
  and its synonyms (so it stays unchanged with probability 1/(k+1) for k synonyms);
- every training example is replaced by `num` perturbed copies (the clean example is not kept);
- only training data is augmented; development and test data are left alone.

For tagging, every word of an example is looked up on its own (words are never split, so tags
stay aligned). For extractive QA, question and context are perturbed and the answer offsets move
with the context's words; a word that an answer starts or ends inside of is kept. The draws come
from a generator seeded from the run's seed: the same seed gives the same augmented data, byte for
byte.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from xtreme_harness.interfaces import DataError, Param, Regularizer, TrainingContext, rewrite_fields

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
TABLES = {
    "counterfitted": os.path.join(DATA, "counterfitted-neighbors.json"),
    "toy": os.path.join(DATA, "toy-synonyms.json"),
}
"""The tables shipped with xharness. ``counterfitted`` is `counterfitted_neighbors.json` of
uclanlp/Robust-XLT (commit 175cddb, Apache-2.0), unchanged: 49,975 words, 25,591 of them with 1 to
8 neighbours in counter-fitted embeddings; the table `perturb.py` reads by default (line 10).
``toy`` is a small table written for the tiny model and the sample data only."""
ALIASES = {"builtin": "toy"}
"""Earlier name of the toy table (it was the default before the paper's table shipped)."""
FORMAT = (
    "expected a JSON object mapping each word to a list of synonyms (strings), as the "
    "counter-fitted neighbour table of Huang et al. 2021"
)


@cache
def load_synonyms(path: str) -> dict[str, tuple[str, ...]]:
    """The synonym table at `path` (checked: an object of string lists)."""
    where = f"{path} (parameter 'synonyms' of rs-da, --synonyms)"
    try:
        with open(path, encoding="utf-8") as handle:
            table = json.load(handle)
    except FileNotFoundError:
        raise DataError(where, "file not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(where, f"not valid JSON ({exc}); {FORMAT}") from None
    if not isinstance(table, dict):
        raise DataError(where, f"found a JSON {type(table).__name__}; {FORMAT}")
    for word, synonyms in table.items():
        if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
            raise DataError(where, f"{FORMAT}; found {synonyms!r}", field=word)
    return {word: tuple(synonyms) for word, synonyms in table.items() if synonyms}


class SynonymAugmentation(Regularizer):
    name = "rs-da"
    description = (
        "Randomized smoothing by data augmentation: each training example replaced by num copies "
        "with words swapped for random synonyms."
    )
    params = (
        Param("num", int, 10, "perturbed copies per training example (they replace it)",
              minimum=1,
              source="uclanlp/Robust-XLT README: 10 for PAWS-X, 3 for XNLI"),
        Param("synonyms", str, "counterfitted", "synonym table: counterfitted (the paper's "
              "counter-fitted neighbours), toy (a small table for the tiny model and sample "
              "data only), or a JSON file: word -> list of synonyms",
              source="uclanlp/Robust-XLT perturb.py:10 (counterfitted_neighbors.json)"),
    )  # fmt: skip

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        name = ALIASES.get(self.options["synonyms"], self.options["synonyms"])
        self.options["synonyms"] = name
        self.path = TABLES[name] if name in TABLES else os.path.abspath(name)
        self.table = load_synonyms(self.path)

    def fingerprint(self) -> dict[str, Any]:
        import hashlib

        with open(self.path, "rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()
        return {**self.options, "synonyms_sha256": digest}

    def substitute(self, word: str, rng: random.Random) -> str:
        synonyms = self.table.get(word)
        if not synonyms:
            return word
        choice = rng.randrange(len(synonyms) + 1)
        return word if choice == 0 else synonyms[choice - 1]

    def augment(
        self, examples: Sequence[Mapping[str, Any]], *, text_fields: Mapping[str, str], seed: int
    ) -> list[Mapping[str, Any]]:
        rng = random.Random(f"rs-da:{seed}")
        augmented: list[Mapping[str, Any]] = []
        for example in examples:
            for _ in range(self.options["num"]):
                augmented.append(rewrite_fields(
                    example, text_fields, lambda word: self.substitute(word, rng)
                ))  # fmt: skip
        return augmented

    def loss(self, model: Any, batch: Mapping[str, Any], ctx: TrainingContext) -> Any:
        return ctx.forward(model, batch).loss
