"""The intermediate stage: train on another task in the languages a language set picks, keep the
encoder (every weight of the start it did not train, the pooler included), drop the head."""

from __future__ import annotations

import gc
import os
import time
from typing import Any, TypedDict

from xtreme_harness.config.cell import StageSettings
from xtreme_harness.engine import intermediate
from xtreme_harness.engine.context import Context, source_of
from xtreme_harness.engine.kinds import implementation
from xtreme_harness.engine.models import (
    check_length,
    compiled,
    load_model_with_report,
    save_encoder,
)
from xtreme_harness.engine.stages import augmentation
from xtreme_harness.engine.stages.common import recipe_record, report_record, start
from xtreme_harness.engine.trainer import Schedule, train
from xtreme_harness.interfaces.task import TaskSpec
from xtreme_harness.registry.languages import default_registry


class IntermediateOutput(TypedDict):
    encoder: str
    """The encoder's folder, relative to the stage's folder."""
    record: dict[str, Any]
    config: dict[str, Any]
    allocation: dict[str, Any]
    augmentation: dict[str, Any] | None
    protocol: dict[str, Any]
    initialised: list[str]
    notes: list[str]
    seconds: float


def setup(ctx: Context) -> tuple[TaskSpec, str, Any, StageSettings]:
    """The intermediate stage's task, data source, language set and settings (recipes)."""
    stage = ctx.config.intermediate
    assert stage is not None
    spec = ctx.host.get("tasks", stage.task)
    source = stage.source or ctx.config.source
    source_of(spec, source)
    sampler = ctx.host.get("language_sets", stage.language_set)(**dict(stage.options))
    return spec, source, sampler, ctx.cell.intermediate(spec, stage.overrides)


def train_intermediate(ctx: Context, out: str) -> IntermediateOutput:
    """Train on the intermediate task's allocation; save the encoder under
    `<out>/intermediate`."""
    config = ctx.config
    stage = config.intermediate
    assert stage is not None
    started = time.perf_counter()
    notes: list[str] = []
    placement, tokenizer = start(ctx, intermediate=True)
    spec, source, sampler, settings = setup(ctx)
    recipe = settings.recipes[0][1]
    kind = implementation(spec, recipe)
    allocation, loaded, missing = intermediate.select(
        sampler, spec, source, stage.budget, config.seed,
        data_dir=config.data_dir, revision=config.data_revision,
    )  # fmt: skip
    if missing:
        notes.append(
            f"the {source} source of {spec.name} has no training data in "
            f"{len(missing)} languages the language set could have chosen: {', '.join(missing)}"
        )
    chosen = intermediate.materialize(allocation, loaded, config.seed, spec.name)
    for language in chosen:
        ctx.noted(spec, spec.last_phase.train_split, language, source)
    regularizer = ctx.regularizer if stage.regularize else ctx.host.get("regularizers", "none")()
    augmented = {}
    for language, examples in chosen.items():
        chosen[language], augmented[language] = augmentation.augment(
            regularizer, examples, kind.text_fields, config.seed
        )
    notes.extend(augmentation.unchanged_notes(augmented))
    features, tokens = intermediate.encode(kind, chosen, tokenizer, recipe.max_length)
    allocation = intermediate.with_tokens(allocation, tokens)
    loading = load_model_with_report(kind, config.model, config.model_revision)
    model = compiled(loading.model, config.compile)
    check_length(model, recipe.max_length, config.model)
    report = train(
        model, kind, features,
        schedule=Schedule(recipe, max_steps=stage.overrides.max_steps),
        regularizer=regularizer, placement=placement, seed=config.seed,
        pad_id=tokenizer.pad_token_id, progress=config.progress,
        label=f"intermediate {spec.name}",
    )  # fmt: skip
    save_encoder(model, config.model, config.model_revision, tokenizer,
                 os.path.join(out, "intermediate"))  # fmt: skip
    del model
    gc.collect()
    counts = {language: len(items) for language, items in chosen.items()}
    return {
        "encoder": "intermediate",
        "record": report_record(spec.name, report, counts, 0, select=False),
        "config": {
            "task": spec.name,
            "source": source,
            "language_set": {"name": sampler.name, "options": sampler.fingerprint()},
            "budget": stage.budget,
            "recipe": recipe_record(recipe),
            "max_steps": stage.overrides.max_steps,
            "regularized": stage.regularize,
            "precision": placement.precision,
        },
        "allocation": allocation.describe(default_registry()),
        "augmentation": augmentation.record(augmented),
        "protocol": ctx.with_data(settings.record()),
        "initialised": loading.initialised,
        "notes": notes + loading.notes + ([placement.note] if placement.note else []),
        "seconds": round(time.perf_counter() - started, 3),
    }
