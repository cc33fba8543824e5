"""Sentence and sentence-pair classification (XNLI, PAWS-X, intent and topic classification).

Canonical example: ``{"id": str, "text_a": str, "text_b": str | None, "label": str | None}``,
with `label` one of the task's `labels`. Predictions are label names, one per line.

A task that declares a `query_field` ranks documents with the classifier: its labels are grades
("0" ... "4"), the predicted grade of each document is its score, and the gold labels are
(query, grade) pairs for a per-query metric (nDCG), as XGLUE's web page ranking is trained and
scored (Unicoder's `WprProcessor` classifies the five grades; `xglue_evaluate.py` ranks by them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from xtreme_harness.engine.kinds.base import (
    Feature,
    KindImpl,
    check_labelled,
    label_head,
    padded_inputs,
)
from xtreme_harness.errors import DataError


class Classification(KindImpl):
    auto_model = "AutoModelForSequenceClassification"
    prediction_suffix = "tsv"
    metric = "accuracy"
    text_fields = {"text_a": "text", "text_b": "text"}  # noqa: RUF012

    def model_kwargs(self) -> dict[str, Any]:
        """The label head; `problem_type` given, as transformers would infer it from integer
        labels at the first forward pass, where setting it would make a compiled model
        (`--compile`) compile a second time."""
        return {**label_head(self.spec.labels), "problem_type": "single_label_classification"}

    def encode(
        self, examples: Sequence[dict[str, Any]], tokenizer: Any, max_length: int
    ) -> list[Feature]:
        if not examples:
            return []
        first = [e["text_a"] for e in examples]
        pairs = [e.get("text_b") for e in examples]
        second = pairs if all(p is not None for p in pairs) else None
        encoded = tokenizer(first, second, truncation=True, max_length=max_length)
        types = encoded.get("token_type_ids")
        index = {label: i for i, label in enumerate(self.spec.labels)}
        return [
            Feature(
                input_ids=ids,
                example=i,
                label=None if examples[i].get("label") is None else index[examples[i]["label"]],
                token_type_ids=None if types is None else types[i],
            )
            for i, ids in enumerate(encoded["input_ids"])
        ]

    def collate(self, features: Sequence[Feature], pad_id: int) -> dict[str, Any]:
        import torch

        batch = padded_inputs(features, pad_id)
        if features[0].label is not None:
            batch["labels"] = torch.tensor([f.label for f in features])
        return batch

    def decode(
        self, examples: Sequence[dict[str, Any]], features: Sequence[Feature], logits: Sequence[Any]
    ) -> list[Any]:
        predictions: list[Any] = [None] * len(examples)
        for feature, row in zip(features, logits, strict=True):
            predictions[feature.example] = self.spec.labels[int(row.argmax())]
        return predictions

    def gold(self, examples: Sequence[dict[str, Any]]) -> list[Any] | None:
        if not check_labelled(examples, "label", self.spec.name):
            return None
        if self.spec.query_field is not None:  # ranking: the query of each document too
            return [(e[self.spec.query_field], e["label"]) for e in examples]
        return [e["label"] for e in examples]

    def write_predictions(
        self, path: str, predictions: Sequence[Any], examples: Sequence[dict[str, Any]]
    ) -> None:
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.writelines(f"{label}\n" for label in predictions)

    def write_gold(self, path: str, examples: Sequence[dict[str, Any]]) -> None:
        """The labels, one per line; for ranking, ``query<TAB>grade`` lines (the first and the
        last column that XGLUE's scorer reads)."""
        if self.spec.query_field is None:
            return super().write_gold(path, examples)
        pairs = self.gold(examples)
        if pairs is None:
            raise DataError(path, f"the {self.spec.name} examples carry no gold labels")
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            for query, grade in pairs:
                handle.write(f"{' '.join(str(query).split())}\t{grade}\n")

    def read_predictions(self, path: str, examples: Sequence[dict[str, Any]]) -> list[Any]:
        with open(path, encoding="utf-8") as handle:
            return [line.strip() for line in handle if line.strip()]

    def texts(self, example: dict[str, Any]) -> Iterable[str]:
        yield example["text_a"]
        if example.get("text_b"):
            yield example["text_b"]
