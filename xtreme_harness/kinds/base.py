"""What the engine needs from a task kind: the model head, encoding, batching, decoding, scoring
and the official prediction-file format. Each `TaskKind` is implemented once, here; task plugins
only declare data in the kind's canonical columns.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xtreme_harness.errors import DataError

if TYPE_CHECKING:
    import torch

    from xtreme_harness.task import TaskSpec


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
    """Default metric (a key of `xtreme_harness.metrics.METRICS`)."""
    text_fields: dict[str, str]
    """The fields of an example that hold text, as `Regularizer.augment` describes them."""

    def __init__(self, spec: TaskSpec) -> None:
        self.spec = spec

    def model_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for the head (number of labels, label names)."""
        return {}

    @abstractmethod
    def encode(
        self, examples: Sequence[dict[str, Any]], tokenizer: Any, max_length: int
    ) -> list[Feature]:
        """Tokenize examples into features (truncating to `max_length` tokens)."""

    @abstractmethod
    def collate(self, features: Sequence[Feature], pad_id: int) -> dict[str, torch.Tensor]:
        """A batch of features, padded to the longest in the batch."""

    @abstractmethod
    def decode(
        self, examples: Sequence[dict[str, Any]], features: Sequence[Feature], logits: Sequence[Any]
    ) -> list[Any]:
        """One prediction per example from the logits of its features (in feature order)."""

    @abstractmethod
    def gold(self, examples: Sequence[dict[str, Any]]) -> list[Any] | None:
        """The gold labels of the examples, or None if the examples carry none."""

    @abstractmethod
    def write_predictions(self, path: str, predictions: Sequence[Any]) -> None:
        """Write predictions in the official submission format."""

    @abstractmethod
    def read_predictions(self, path: str) -> list[Any]:
        """Read back what `write_predictions` wrote."""

    @abstractmethod
    def texts(self, example: dict[str, Any]) -> Iterable[str]:
        """The text of an example (to train a tokenizer on)."""


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
