"""What the engine needs from a task kind: the model head, encoding, batching, decoding, scoring
and the official prediction-file format. Each `TaskKind` is implemented once, here; task plugins
only declare data in the kind's canonical columns.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xtreme_harness.errors import DataError, UsageError

if TYPE_CHECKING:
    import torch

    from xtreme_harness.interfaces.task import Recipe, TaskSpec


@dataclass
class Feature:
    """One model input built from one example (tagging may build several per example).

    `input_ids` is a list of token ids, or one list per choice for multiple choice; `label` is the
    training target (an index, or one index per token with -100 where no label applies).
    """

    input_ids: list[int] | list[list[int]]
    example: int
    label: Any = None
    token_type_ids: list[int] | list[list[int]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def length(self) -> int:
        ids = self.input_ids
        return max(map(len, ids)) if ids and isinstance(ids[0], list) else len(ids)


class KindImpl(ABC):
    """The implementation of one task kind, bound to one task's spec."""

    auto_model: str
    """Name of the `transformers` auto class whose head this kind uses."""
    prediction_suffix: str
    """File extension of the kind's official prediction files."""
    metric: str
    """Default metric (a key of `xtreme_harness.results.metrics.METRICS`)."""
    text_fields: dict[str, str]
    """The fields of an example that hold text, as `Regularizer.augment` describes them."""
    label_keys: tuple[str, ...] = ("labels",)
    """The keys of a batch that hold training targets (dropped at inference)."""
    ranks_candidates: bool = False
    """True for retrieval: decoding ranks a pool of embedded candidates."""

    def __init__(self, spec: TaskSpec, recipe: Recipe | None = None) -> None:
        self.spec = spec
        self.recipe = recipe if recipe is not None else spec.recipe_of(spec.last_phase)
        """The recipe in use (settings such as a QA window's stride come from it)."""

    def model_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for the head (number of labels, label names)."""
        return {}

    def wrap(self, model: Any) -> Any:
        """The model the engine trains, built around the loaded `auto_model` (itself here)."""
        return model

    @abstractmethod
    def encode(
        self, examples: Sequence[dict[str, Any]], tokenizer: Any, max_length: int
    ) -> list[Feature]:
        """Tokenize examples into features (truncating to `max_length` tokens)."""

    @abstractmethod
    def collate(self, features: Sequence[Feature], pad_id: int) -> dict[str, torch.Tensor]:
        """A batch of features, padded to the longest in the batch."""

    def outputs(self, output: Any) -> torch.Tensor:
        """The tensor `decode` reads from the model's output for a batch (batch first)."""
        return output.logits

    @abstractmethod
    def decode(
        self, examples: Sequence[dict[str, Any]], features: Sequence[Feature], logits: Sequence[Any]
    ) -> list[Any]:
        """One prediction per example from the logits of its features (in feature order)."""

    @abstractmethod
    def gold(self, examples: Sequence[dict[str, Any]]) -> list[Any] | None:
        """The gold labels of the examples, or None if the examples carry none."""

    @abstractmethod
    def write_predictions(
        self, path: str, predictions: Sequence[Any], examples: Sequence[dict[str, Any]]
    ) -> None:
        """Write the predictions of `examples` in the official submission format."""

    @abstractmethod
    def read_predictions(self, path: str, examples: Sequence[dict[str, Any]]) -> list[Any]:
        """Read back what `write_predictions` wrote for `examples`, one prediction each."""

    def write_gold(self, path: str, examples: Sequence[dict[str, Any]]) -> None:
        """Write the gold labels of `examples` as the official scorer reads them."""
        labels = self.gold(examples)
        if labels is None:
            raise DataError(path, f"the {self.spec.name} examples carry no gold labels")
        self.write_predictions(path, labels, examples)

    @abstractmethod
    def texts(self, example: dict[str, Any]) -> Iterable[str]:
        """The text of an example (to train a tokenizer on)."""


def label_head(labels: Sequence[str]) -> dict[str, Any]:
    """`model_kwargs` of a head with one output per label name."""
    return {
        "num_labels": len(labels),
        "id2label": dict(enumerate(labels)),
        "label2id": {label: i for i, label in enumerate(labels)},
    }


def check_labelled(examples: Sequence[dict[str, Any]], key: str, where: str) -> bool:
    """True if every example has a value under `key`, False if none has; mixed is an error."""
    present = [example.get(key) is not None for example in examples]
    if all(present):
        return True
    if not any(present):
        return False
    raise DataError(where, f"some examples have a {key!r} and others do not")


def pad(rows: Sequence[Sequence[int]], value: int, width: int | None = None) -> list[list[int]]:
    width = width if width is not None else max(map(len, rows), default=0)
    return [list(row) + [value] * (width - len(row)) for row in rows]


def padded_inputs(rows: Sequence[Feature], pad_id: int) -> dict[str, Any]:
    """``input_ids``, ``attention_mask`` and (when the features have them) ``token_type_ids`` of
    single-sequence features, padded to the longest."""
    import torch

    ids = [f.input_ids for f in rows]
    batch = {
        "input_ids": torch.tensor(pad(ids, pad_id)),
        "attention_mask": torch.tensor(pad([[1] * len(row) for row in ids], 0)),
    }
    if rows and rows[0].token_type_ids is not None:
        batch["token_type_ids"] = torch.tensor(pad([f.token_type_ids for f in rows], 0))
    return batch


def single_layout(tokenizer: Any) -> tuple[list[int], list[int]]:
    """The special tokens the tokenizer puts before and after a single sequence."""
    bare = tokenizer("a", add_special_tokens=False)["input_ids"]
    full = tokenizer("a")["input_ids"]
    for start in range(len(full) - len(bare) + 1):
        if full[start : start + len(bare)] == bare:
            return full[:start], full[start + len(bare) :]
    raise UsageError("cannot tell where this tokenizer puts its special tokens")


@dataclass(frozen=True)
class PairLayout:
    """Where a tokenizer puts its special tokens around a pair ``prefix A middle B suffix``, and
    the token type ids of each part (None when the tokenizer gives none)."""

    prefix: list[int]
    middle: list[int]
    suffix: list[int]
    types: tuple[list[int], int, list[int], int, list[int]] | None

    def build(self, first: list[int], second: list[int]) -> tuple[list[int], list[int] | None]:
        """Input ids and token type ids of a pair whose parts are already token ids."""
        ids = self.prefix + first + self.middle + second + self.suffix
        if self.types is None:
            return ids, None
        before, a, between, b, after = self.types
        return ids, before + [a] * len(first) + between + [b] * len(second) + after


def pair_layout(tokenizer: Any) -> PairLayout:
    """The `PairLayout` of a tokenizer, read off the encoding of a known pair."""
    first = tokenizer("a", add_special_tokens=False)["input_ids"]
    second = tokenizer("b", add_special_tokens=False)["input_ids"]
    encoded = tokenizer("a", "b")
    full = encoded["input_ids"]
    for i in range(len(full) - len(first) + 1):
        if full[i : i + len(first)] != first:
            continue
        for j in range(i + len(first), len(full) - len(second) + 1):
            if full[j : j + len(second)] == second:
                types = encoded.get("token_type_ids")
                end = j + len(second)
                parts = None
                if types is not None:
                    parts = (types[:i], types[i], types[i + len(first) : j], types[j], types[end:])
                return PairLayout(full[:i], full[i + len(first) : j], full[end:], parts)
    raise UsageError("cannot tell where this tokenizer puts its special tokens in a pair")
