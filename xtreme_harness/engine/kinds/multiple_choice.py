"""Multiple choice (XCOPA, COPA, Social IQa): a context scored against each of n choices.

Canonical example: ``{"id": str, "context": str, "choices": [str, ...], "label": int | None}``.
Each (context, choice) pair is encoded as a sentence pair; the head scores every pair and the
highest-scoring choice is the prediction. Predictions are JSON lines ``{"label": i}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from xtreme_harness.engine.kinds.base import Feature, KindImpl, check_labelled, pad
from xtreme_harness.errors import DataError


class MultipleChoice(KindImpl):
    auto_model = "AutoModelForMultipleChoice"
    prediction_suffix = "jsonl"
    metric = "accuracy"
    text_fields = {"context": "text", "choices": "texts"}  # noqa: RUF012

    def encode(
        self, examples: Sequence[dict[str, Any]], tokenizer: Any, max_length: int
    ) -> list[Feature]:
        if not examples:
            return []
        counts = {len(e["choices"]) for e in examples}
        if len(counts) != 1:
            raise DataError(
                self.spec.name, f"examples have different numbers of choices: {sorted(counts)}"
            )
        (n,) = counts
        first = [e["context"] for e in examples for _ in range(n)]
        second = [choice for e in examples for choice in e["choices"]]
        encoded = tokenizer(first, second, truncation=True, max_length=max_length)
        ids = encoded["input_ids"]
        types = encoded.get("token_type_ids")
        return [
            Feature(
                input_ids=ids[i * n : (i + 1) * n],
                example=i,
                label=example.get("label"),
                token_type_ids=None if types is None else types[i * n : (i + 1) * n],
            )
            for i, example in enumerate(examples)
        ]

    def collate(self, features: Sequence[Feature], pad_id: int) -> dict[str, Any]:
        import torch

        width = max(f.length for f in features)
        n = len(features[0].input_ids)

        def stacked(rows_of: Any, value: int) -> Any:
            rows = [row for f in features for row in rows_of(f)]
            return torch.tensor(pad(rows, value, width)).view(len(features), n, width)

        batch = {
            "input_ids": stacked(lambda f: f.input_ids, pad_id),
            "attention_mask": stacked(lambda f: [[1] * len(r) for r in f.input_ids], 0),
        }
        if features[0].token_type_ids is not None:
            batch["token_type_ids"] = stacked(lambda f: f.token_type_ids, 0)
        if features[0].label is not None:
            batch["labels"] = torch.tensor([f.label for f in features])
        return batch

    def decode(
        self, examples: Sequence[dict[str, Any]], features: Sequence[Feature], logits: Sequence[Any]
    ) -> list[Any]:
        predictions: list[Any] = [None] * len(examples)
        for feature, row in zip(features, logits, strict=True):
            predictions[feature.example] = int(row.argmax())
        return predictions

    def gold(self, examples: Sequence[dict[str, Any]]) -> list[Any] | None:
        if not check_labelled(examples, "label", self.spec.name):
            return None
        return [int(e["label"]) for e in examples]

    def write_predictions(
        self, path: str, predictions: Sequence[Any], examples: Sequence[dict[str, Any]]
    ) -> None:
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.writelines(json.dumps({"label": label}) + "\n" for label in predictions)

    def read_predictions(self, path: str, examples: Sequence[dict[str, Any]]) -> list[Any]:
        with open(path, encoding="utf-8") as handle:
            return [json.loads(line)["label"] for line in handle if line.strip()]

    def texts(self, example: dict[str, Any]) -> Iterable[str]:
        yield example["context"]
        yield from example["choices"]
