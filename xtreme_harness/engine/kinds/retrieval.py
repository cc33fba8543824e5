"""Retrieval (Tatoeba, LAReQA, Mewsli-X): queries ranked against a pool of candidates by the
cosine similarity of their embeddings.

Canonical examples, by role:

- training pair: ``{"id", "text": query, "positive": candidate text, "positive_context": str |
  None}``; a context makes the candidate a text pair (LAReQA's answer sentence and paragraph);
- query: ``{"id", "text", "targets": [candidate id, ...] | None}``, the relevant candidates
  (None when the test set carries no gold);
- candidate: ``{"id", "text"}``.

One encoder embeds both sides (`xtreme_harness.engine.dual_encoder`): a pooled layer, L2-normalised.
Training is an in-batch softmax over (query, positive) pairs. Evaluation embeds the pool once, then
ranks it for every query with `xtreme_harness.engine.search.top_k` and keeps the first 20. A task
scored
by accuracy (Tatoeba) predicts the best candidate's id, written one per line; the others predict
the ranked ids, written as ``{query id: [candidate ids]}``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from xtreme_harness.engine.kinds.base import Feature, KindImpl, check_labelled, pad, padded_inputs
from xtreme_harness.errors import DataError

TOP_K = 20


@dataclass
class CandidateIndex:
    """The embedded candidates of a pool: ids in pool order and an (n, d) float32 array (often
    memory-mapped)."""

    ids: list[str]
    embeddings: Any

    def __post_init__(self) -> None:
        if len(self.ids) != len(self.embeddings):
            raise ValueError(f"{len(self.ids)} ids but {len(self.embeddings)} embeddings")

    @functools.cached_property
    def id_set(self) -> frozenset[str]:
        return frozenset(self.ids)


def check_pool(candidates: Sequence[dict[str, Any]], where: str) -> None:
    """A `DataError` for an empty pool or a candidate id listed twice."""
    if not candidates:
        raise DataError(where, "the candidate pool is empty")
    seen: dict[str, int] = {}
    for position, candidate in enumerate(candidates):
        key = candidate["id"]
        if key in seen:
            raise DataError(
                where,
                f"candidate id {key!r} appears twice (candidates {seen[key] + 1} and "
                f"{position + 1}); every candidate of a pool needs its own id",
            )
        seen[key] = position


def pairs_as_search(
    pairs: Sequence[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Queries and a pool from training pairs (to select a model on development pairs): the pool
    is the distinct positives; each query's target is its own positive."""
    pool: dict[tuple[str, str | None], str] = {}
    queries = []
    for pair in pairs:
        key = (pair["positive"], pair.get("positive_context"))
        if key not in pool:
            pool[key] = f"c{len(pool)}"
        queries.append({"id": pair["id"], "text": pair["text"], "targets": [pool[key]]})
    candidates = [
        {"id": ident, "text": text if context is None else f"{text}{context}"}
        for (text, context), ident in pool.items()
    ]
    return queries, candidates


class Retrieval(KindImpl):
    auto_model = "AutoModel"
    metric = "mrr@20"
    text_fields = {"text": "text", "positive": "text", "positive_context": "text"}  # noqa: RUF012
    label_keys = ("labels",)
    ranks_candidates = True

    def __init__(self, spec: Any, recipe: Any = None) -> None:
        super().__init__(spec, recipe)
        self.prediction_suffix = "tsv" if spec.metric == "accuracy" else "json"
        self.index: CandidateIndex | None = None
        """The pool the queries are ranked against (set before `decode`)."""
        self.device = "cpu"
        """Where the search runs (the run's device: a GPU searches a large pool much faster)."""

    # the model

    def wrap(self, model: Any) -> Any:
        from xtreme_harness.engine.dual_encoder import DualEncoder

        try:
            return DualEncoder(model, self.recipe.pooling or "mean", self.recipe.layer)
        except ValueError as exc:
            from xtreme_harness.errors import UsageError

            raise UsageError(f"{self.spec.name}: {exc} (see --pooling and --layer)") from None

    # encoding

    def query_length(self, max_length: int) -> int:
        return min(self.recipe.max_query_length or max_length, max_length)

    def encode(
        self, examples: Sequence[dict[str, Any]], tokenizer: Any, max_length: int
    ) -> list[Feature]:
        if not examples:
            return []
        if "positive" in examples[0]:
            return self._encode_pairs(examples, tokenizer, max_length)
        limit = self.query_length(max_length) if "targets" in examples[0] else max_length
        encoded = tokenizer(
            [e["text"] for e in examples], truncation=True, max_length=limit, verbose=False
        )
        types = encoded.get("token_type_ids")
        return [
            Feature(input_ids=ids, example=i, token_type_ids=None if types is None else types[i])
            for i, ids in enumerate(encoded["input_ids"])
        ]

    def _encode_pairs(
        self, examples: Sequence[dict[str, Any]], tokenizer: Any, max_length: int
    ) -> list[Feature]:
        queries = tokenizer(
            [e["text"] for e in examples],
            truncation=True,
            max_length=self.query_length(max_length),
            verbose=False,
        )
        features = []
        for i, example in enumerate(examples):
            context = example.get("positive_context")
            if context is None:
                positive = tokenizer(example["positive"], truncation=True, max_length=max_length)
            else:
                positive = tokenizer(
                    example["positive"], context, truncation=True, max_length=max_length
                )
            types = queries.get("token_type_ids")
            features.append(
                Feature(
                    input_ids=[queries["input_ids"][i], positive["input_ids"]],
                    example=i,
                    label=0,
                    token_type_ids=None
                    if types is None
                    else [
                        types[i],
                        positive.get("token_type_ids") or [0] * len(positive["input_ids"]),
                    ],
                )
            )
        return features

    def collate(self, features: Sequence[Feature], pad_id: int) -> dict[str, Any]:
        import torch

        if not isinstance(features[0].input_ids[0], list):
            return padded_inputs(features, pad_id)
        # queries first, then their positives: one tensor of 2B rows (see DualEncoder)
        rows = [f.input_ids[side] for side in (0, 1) for f in features]
        batch = {
            "input_ids": torch.tensor(pad(rows, pad_id)),
            "attention_mask": torch.tensor(pad([[1] * len(row) for row in rows], 0)),
            "labels": torch.arange(len(features)),
            # each side's own width, for DualEncoder.forward to cut the other side's padding
            "side_widths": tuple(max(len(f.input_ids[side]) for f in features) for side in (0, 1)),
        }
        if features[0].token_type_ids is not None:
            types = [f.token_type_ids[0] for f in features] + [
                f.token_type_ids[1] for f in features
            ]
            batch["token_type_ids"] = torch.tensor(pad(types, 0))
        return batch

    # ranking and scoring

    def rank(self, embeddings: Any) -> list[list[str]]:
        """The ids of the `TOP_K` best candidates of the index for each query embedding."""
        from xtreme_harness.engine.search import top_k

        if self.index is None:
            raise RuntimeError("no candidate index set: embed the pool before decoding")
        _, positions = top_k(embeddings, self.index.embeddings, TOP_K, device=self.device)
        ids = self.index.ids
        return [[ids[p] for p in row] for row in positions.tolist()]

    def decode(
        self, examples: Sequence[dict[str, Any]], features: Sequence[Feature], logits: Sequence[Any]
    ) -> list[Any]:
        import torch

        if not examples:
            return []
        ranked = self.rank(torch.stack(list(logits)))
        if self.spec.metric == "accuracy":
            return [row[0] for row in ranked]
        return ranked

    def gold(self, examples: Sequence[dict[str, Any]]) -> list[Any] | None:
        if not check_labelled(examples, "targets", self.spec.name):
            return None
        if self.spec.metric == "accuracy":
            return [e["targets"][0] for e in examples]
        return [list(e["targets"]) for e in examples]

    def missing_targets(self, examples: Sequence[dict[str, Any]]) -> int:
        """How many queries have a target that is not in the index (they can never be found)."""
        assert self.index is not None
        pool = self.index.id_set
        return sum(1 for e in examples if e.get("targets") and not set(e["targets"]) <= pool)

    # files

    def write_predictions(
        self, path: str, predictions: Sequence[Any], examples: Sequence[dict[str, Any]]
    ) -> None:
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            if self.prediction_suffix == "tsv":
                handle.writelines(f"{ident}\n" for ident in predictions)
            else:
                document = {e["id"]: list(p) for e, p in zip(examples, predictions, strict=True)}
                json.dump(document, handle, ensure_ascii=False)

    def read_predictions(self, path: str, examples: Sequence[dict[str, Any]]) -> list[Any]:
        with open(path, encoding="utf-8") as handle:
            if self.prediction_suffix == "tsv":
                return [line.strip() for line in handle if line.strip()]
            document = json.load(handle)
        return [document.get(e["id"], []) for e in examples]

    def texts(self, example: dict[str, Any]) -> Iterable[str]:
        for key in ("text", "positive", "positive_context"):
            if example.get(key):
                yield example[key]
