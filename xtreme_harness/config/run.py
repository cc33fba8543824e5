"""What one run is: its configuration, built once from a command line, a grid cell or a step
record, and read back from its JSON form (step records and result files hold it)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from xtreme_harness.registry import protocols


@dataclass(frozen=True)
class Overrides:
    """Values that replace a task's reference recipe (None keeps the recipe's value)."""

    learning_rate: float | None = None
    epochs: float | None = None
    max_steps: int | None = None
    batch_size: int | None = None
    gradient_accumulation: int | None = None
    max_length: int | None = None
    doc_stride: int | None = None
    max_answer_length: int | None = None
    pooling: str | None = None
    layer: int | None = None
    warmup_steps: int | None = None
    warmup_ratio: float | None = None
    weight_decay: float | None = None
    max_grad_norm: float | None = None
    selection: str | None = None
    eval_steps: int | None = None
    patience: int | None = None
    average_last: int | None = None
    dev_subset: int | None = None


@dataclass(frozen=True)
class Intermediate:
    """Train on `task` first, on the languages and examples that `language_set` (with its
    `options`) allocates from `budget` examples (None: all the data of the chosen languages)."""

    task: str
    language_set: str = "explicit"
    options: Mapping[str, Any] = field(default_factory=dict)
    budget: int | None = None
    source: str | None = None
    overrides: Overrides = Overrides()
    regularize: bool = False


@dataclass(frozen=True)
class RunConfig:
    model: str
    task: str
    source: str
    out: str
    data_dir: str | None = None
    data_revision: str | None = None
    model_revision: str | None = None
    seed: int = 1
    eval_languages: tuple[str, ...] | None = None
    regularizer: str = "none"
    regularizer_options: Mapping[str, Any] = field(default_factory=dict)
    setting: str = "zero-shot"
    """How the target task is trained and evaluated (`config.options.SETTINGS`)."""
    shots: int | None = None
    """few-shot: labelled examples per target language."""
    translator: str | None = None
    translator_options: Mapping[str, Any] = field(default_factory=dict)
    multi_source: str | None = None
    """multi-source: the language set that picks the training languages besides English."""
    multi_source_options: Mapping[str, Any] = field(default_factory=dict)
    multi_source_budget: int | None = None
    perturbation: str | None = None
    """The perturber the test data goes through before evaluation (None: clean)."""
    perturbation_options: Mapping[str, Any] = field(default_factory=dict)
    overrides: Overrides = Overrides()
    protocol: str = protocols.DEFAULT
    strict_protocol: bool = False
    fine_tune_on: str | None = None
    """A task with no training data of its own is fine-tuned on this task's data first (None:
    the protocol's choice; ``"none"``: not at all)."""
    eval_batch_size: int = 256
    eval_tokens: int = 16384
    precision: str = "auto"
    device: str = "auto"
    intermediate: Intermediate | None = None
    progress: bool = True
    overwrite: bool = False
    save_model: bool = True
    generalized: bool = False
    compile: bool = False
    """torch.compile the model (see `xtreme_harness.engine.models.compiled`)."""


def config_to_dict(config: RunConfig) -> dict[str, Any]:
    """A JSON-ready form of a run configuration (`config_from_dict` reads it back)."""
    record = dataclasses.asdict(config)
    record["eval_languages"] = (
        None if config.eval_languages is None else list(config.eval_languages)
    )
    return record


def config_from_dict(record: Mapping[str, Any]) -> RunConfig:
    fields = dict(record)
    fields["overrides"] = Overrides(**fields.get("overrides") or {})
    stage = fields.get("intermediate")
    if stage is not None:
        stage = dict(stage)
        stage["overrides"] = Overrides(**stage.get("overrides") or {})
        fields["intermediate"] = Intermediate(**stage)
    if fields.get("eval_languages") is not None:
        fields["eval_languages"] = tuple(fields["eval_languages"])
    return RunConfig(**fields)
