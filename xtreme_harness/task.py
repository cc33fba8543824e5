"""The Task interface: a declarative spec that a task plugin registers.

A task plugin says *what* a task is (its kind, languages, labels, metric, data sources and the
reference training recipe); the engine implements each `TaskKind` once (heads, encoding, batching,
prediction, post-processing). A plugin declares data and may override a step, never re-implements a
kind. Building a `TaskSpec` imports no heavy library, so listing tasks stays fast.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
SPLITS = ("train", "validation", "test")
ROLES = ("target", "intermediate")


class TaskKind(str, Enum):
    """The kinds of task the engine implements, each once."""

    CLASSIFICATION = "classification"
    """One sentence or a sentence pair -> one label (XNLI, PAWS-X, MASSIVE intents)."""
    MULTIPLE_CHOICE = "multiple-choice"
    """A context and n choices -> the index of the right choice (XCOPA, SIQA)."""
    TOKEN_TAGGING = "token-tagging"
    """A word sequence -> one label per word (UD-POS, WikiANN)."""
    EXTRACTIVE_QA = "extractive-qa"
    """A question and a context -> an answer span of the context (XQuAD, MLQA, TyDiQA)."""
    RETRIEVAL = "retrieval"
    """A query -> a ranking of candidates by embedding similarity (Tatoeba, LAReQA, Mewsli-X)."""


class Category(str, Enum):
    """The categories XTREME-R reports averages for."""

    CLASSIFICATION = "classification"
    STRUCTURED_PREDICTION = "structured-prediction"
    QUESTION_ANSWERING = "question-answering"
    RETRIEVAL = "retrieval"


@dataclass(frozen=True)
class Recipe:
    """The reference fine-tuning recipe of a task: its defaults, overridable per run.

    `batch_size` is the per-device batch; the effective batch is
    `batch_size * gradient_accumulation`. `source` names where the values come from.
    """

    learning_rate: float
    epochs: float
    max_length: int
    batch_size: int
    gradient_accumulation: int = 1
    warmup_steps: int = 0
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    source: str = ""


class DataSource(ABC):
    """Where the examples of a task come from.

    Built-in kinds are ``hub`` (a Hugging Face dataset, revision pinnable), ``xtreme`` (a folder in
    the official XTREME download layout) and ``sample`` (small files shipped with xharness). `load`
    imports what it needs when called, never at construction.
    """

    kind: str = ""

    @abstractmethod
    def describe(self) -> str:
        """One line saying where the data is (dataset id and revision, or file layout)."""

    @abstractmethod
    def load(
        self,
        split: str,
        language: str,
        *,
        data_dir: Path | None = None,
        revision: str | None = None,
    ) -> Any:
        """The examples of `split` in `language`, as a `datasets.Dataset`.

        A missing file or split is a `DataError` that names the path, the source and how to get
        the data; a malformed line names the file, the line and what was expected.
        """


@dataclass(frozen=True)
class TaskSpec:
    """A task as a plugin declares it. `languages` are the evaluation languages."""

    name: str
    title: str
    category: Category
    kind: TaskKind
    languages: tuple[str, ...]
    metric: str
    train_language: str = "en"
    train_data: str = ""
    labels: tuple[str, ...] = ()
    sources: Mapping[str, DataSource] = field(default_factory=dict)
    recipe: Recipe | None = None
    roles: tuple[str, ...] = ("target",)
    benchmark: str | None = None
    description: str = ""
    reference: str = ""

    def __post_init__(self) -> None:
        problems = []
        if not NAME_PATTERN.match(self.name):
            problems.append(f"name {self.name!r} must match {NAME_PATTERN.pattern}")
        if not isinstance(self.kind, TaskKind):
            problems.append(f"kind must be a TaskKind, got {self.kind!r}")
        if not isinstance(self.category, Category):
            problems.append(f"category must be a Category, got {self.category!r}")
        if not self.languages or len(set(self.languages)) != len(self.languages):
            problems.append("languages must be a non-empty tuple without repeats")
        if len(set(self.labels)) != len(self.labels):
            problems.append("labels must not repeat")
        unknown_roles = set(self.roles) - set(ROLES)
        if not self.roles or unknown_roles:
            problems.append(f"roles must be a non-empty subset of {ROLES}, got {self.roles!r}")
        for key, source in self.sources.items():
            if not isinstance(source, DataSource):
                problems.append(f"source {key!r} must be a DataSource, got {type(source).__name__}")
        if problems:
            raise ValueError(f"invalid TaskSpec {self.name!r}: " + "; ".join(problems))

    def describe(self) -> dict[str, Any]:
        """A JSON-ready summary for listings."""
        return {
            "name": self.name,
            "title": self.title,
            "category": self.category.value,
            "kind": self.kind.value,
            "roles": list(self.roles),
            "benchmark": self.benchmark,
            "train_language": self.train_language,
            "train_data": self.train_data,
            "languages": list(self.languages),
            "metric": self.metric,
            "labels": list(self.labels),
            "sources": {key: source.describe() for key, source in self.sources.items()},
            "recipe": None if self.recipe is None else dict(self.recipe.__dict__),
            "description": self.description,
            "reference": self.reference,
        }
