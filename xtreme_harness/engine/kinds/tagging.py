"""Token tagging (UD-POS, WikiANN-NER): one label per word.

Canonical example: ``{"id": str, "tokens": [str, ...], "tags": [str, ...] | None}``.

As in the official scripts, each word is tokenized on its own, the first sub-token of a word carries
its label and the others are ignored (-100), and a sentence with more sub-tokens than fit in
`max_length` is split into several chunks at word boundaries, so that every word is predicted and
scored. A word that tokenizes to nothing is represented by the unknown token. Predictions are one
tag per line with a blank line after each sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from xtreme_harness.engine.kinds.base import (
    Feature,
    KindImpl,
    check_labelled,
    label_head,
    pad,
    padded_inputs,
    single_layout,
)
from xtreme_harness.errors import UsageError

IGNORE = -100


class Tagging(KindImpl):
    auto_model = "AutoModelForTokenClassification"
    prediction_suffix = "tsv"
    metric = "seqeval"
    text_fields = {"tokens": "words"}  # noqa: RUF012

    def model_kwargs(self) -> dict[str, Any]:
        return label_head(self.spec.labels)

    def encode(
        self, examples: Sequence[dict[str, Any]], tokenizer: Any, max_length: int
    ) -> list[Feature]:
        prefix, suffix = single_layout(tokenizer)
        limit = max_length - len(prefix) - len(suffix)
        if limit < 1:
            raise UsageError(f"max length {max_length} leaves no room for tokens")
        words = [word for example in examples for word in example["tokens"]]
        pieces = tokenizer(words, add_special_tokens=False)["input_ids"] if words else []
        index = {label: i for i, label in enumerate(self.spec.labels)}
        unknown = tokenizer.unk_token_id
        features: list[Feature] = []
        position = 0
        for number, example in enumerate(examples):
            count = len(example["tokens"])
            word_pieces = pieces[position : position + count]
            position += count
            tags = example.get("tags")
            ids: list[int] = []
            labels: list[int] = []
            starts: list[int] = []
            chunk_words: list[int] = []
            for word, piece in enumerate(word_pieces):
                piece = (piece or [unknown])[:limit]
                if ids and len(ids) + len(piece) > limit:
                    features.append(
                        self._feature(
                            number,
                            ids,
                            labels,
                            starts,
                            chunk_words,
                            prefix,
                            suffix,
                            tags is not None,
                        )
                    )
                    ids, labels, starts, chunk_words = [], [], [], []
                starts.append(len(ids))
                chunk_words.append(word)
                ids.extend(piece)
                first = IGNORE if tags is None else index[tags[word]]
                labels.extend([first] + [IGNORE] * (len(piece) - 1))
            if ids or not word_pieces:
                features.append(
                    self._feature(
                        number, ids, labels, starts, chunk_words, prefix, suffix, tags is not None
                    )
                )
        return features

    @staticmethod
    def _feature(
        example: int,
        ids: list[int],
        labels: list[int],
        starts: list[int],
        words: list[int],
        prefix: list[int],
        suffix: list[int],
        labelled: bool,
    ) -> Feature:
        return Feature(
            input_ids=prefix + ids + suffix,
            example=example,
            label=[IGNORE] * len(prefix) + labels + [IGNORE] * len(suffix) if labelled else None,
            extra={"starts": [len(prefix) + s for s in starts], "words": list(words)},
        )

    def collate(self, features: Sequence[Feature], pad_id: int) -> dict[str, Any]:
        import torch

        batch = padded_inputs(features, pad_id)
        if features[0].label is not None:
            batch["labels"] = torch.tensor(pad([f.label for f in features], IGNORE))
        return batch

    def decode(
        self, examples: Sequence[dict[str, Any]], features: Sequence[Feature], logits: Sequence[Any]
    ) -> list[Any]:
        predictions: list[list[Any]] = [[None] * len(e["tokens"]) for e in examples]
        for feature, rows in zip(features, logits, strict=True):
            best = rows.argmax(-1)
            for word, start in zip(feature.extra["words"], feature.extra["starts"], strict=True):
                predictions[feature.example][word] = self.spec.labels[int(best[start])]
        return predictions

    def gold(self, examples: Sequence[dict[str, Any]]) -> list[Any] | None:
        if not check_labelled(examples, "tags", self.spec.name):
            return None
        return [list(e["tags"]) for e in examples]

    def write_predictions(
        self, path: str, predictions: Sequence[Any], examples: Sequence[dict[str, Any]]
    ) -> None:
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            for sentence in predictions:
                handle.writelines(f"{tag}\n" for tag in sentence)
                handle.write("\n")

    def read_predictions(self, path: str, examples: Sequence[dict[str, Any]]) -> list[Any]:
        sentences: list[list[str]] = [[]]
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    sentences[-1].append(line.strip())
                elif sentences[-1]:
                    sentences.append([])
        return [sentence for sentence in sentences if sentence]

    def texts(self, example: dict[str, Any]) -> Iterable[str]:
        yield " ".join(example["tokens"])
