"""The fine-tuning stage: the target task's phases on its training language (or, for a task with
no training data of its own, the protocol's fine-tuning task's), each keeping the weights its
selection rule chooses."""

from __future__ import annotations

import dataclasses
import functools
import os
import time
from dataclasses import dataclass
from typing import Any, TypedDict, cast

from xtreme_harness.engine.context import Context
from xtreme_harness.engine.device import Placement
from xtreme_harness.engine.kinds import implementation
from xtreme_harness.engine.kinds.retrieval import pairs_as_search
from xtreme_harness.engine.models import (
    attention_of,
    check_length,
    compiled,
    count_parameters,
    load_model_with_report,
    save,
    save_encoder,
)
from xtreme_harness.engine.stages import augmentation, released, translated
from xtreme_harness.engine.stages.common import recipe_record, report_record, start
from xtreme_harness.engine.stages.multi_source import with_sources
from xtreme_harness.engine.stages.pool import embed_small_pool
from xtreme_harness.engine.trainer import Schedule, predict, train
from xtreme_harness.errors import DataError, UsageError
from xtreme_harness.interfaces.task import Phase, Recipe, TaskKind, TaskSpec
from xtreme_harness.results import metrics


class FinetuneOutput(TypedDict):
    model: str | None
    """The model's folder, relative to the stage's folder (None: not saved)."""
    models: dict[str, str] | None
    """translate-train: each evaluation language's model folder (relative); None otherwise."""
    phases: list[dict[str, Any]]
    phase_configs: list[dict[str, Any]]
    fine_tune_on: str | None
    parameters: int
    precision: str
    attention: str | None
    device: str
    device_name: str
    initialised: list[str]
    augmentation: dict[str, Any] | None
    translation: dict[str, Any] | None
    """translate-train-all: per language, what translating the training examples into it did."""
    multi_source: dict[str, Any] | None
    """multi-source: the language set, its allocation and the examples per language."""
    protocol: dict[str, Any]
    notes: list[str]
    timings: dict[str, float]


@dataclass
class Scorer:
    """A phase's model selection: its rule, the scoring of an evaluation point (None when the
    rule scores nothing), the development examples and languages it reads, notes."""

    rule: str
    score: Any
    examples: int
    languages: list[str]
    notes: list[str]


def fine_tune(
    ctx: Context, out: str, encoder: str, *, save_model: bool = True, into: str | None = None
) -> tuple[Any, FinetuneOutput]:
    """Fine-tune `encoder` (a model id or folder) and save the model under `<out>/model` if
    asked. Returns the model (or, when another task's training made it, the folder of its
    encoder) and the stage's output. translate-train fine-tunes one model per evaluation
    language (`per_language`); `into` is the language one of them trains on the translations
    into (its model is saved under `<out>/model-<into>`)."""
    config = ctx.config
    if config.setting == "translate-train" and into is None:
        return per_language(ctx, out, encoder)
    started = time.perf_counter()
    tokenizing = ctx.tokenized.seconds
    placement, tokenizer = start(ctx)
    settings = ctx.cell.finetune()
    trained = ctx.cell.trained_task() or ctx.spec
    first = settings.recipes[0][1] if settings.recipes else ctx.evaluation_recipe
    kind = implementation(trained, first)
    revision = config.model_revision if encoder == config.model else None
    loading = load_model_with_report(kind, encoder, revision)
    model = compiled(loading.model, config.compile)
    records, phase_configs, notes = [], [], list(loading.notes)
    augmented: dict[str, Any] = {}
    translations: dict[str, Any] = {}
    multi_source: dict[str, Any] | None = None
    for position, (phase, recipe) in enumerate(settings.recipes):
        assert phase is not None
        check_length(model, recipe.max_length, config.model)
        kind = implementation(trained, recipe)
        language = trained.train_language
        examples = ctx.load(trained, phase.train_split, language)
        into_all: dict[str, Any] = {}
        sources: dict[str, int] = {}
        qa = trained.kind is TaskKind.EXTRACTIVE_QA  # trains on released, projected files
        original = len(examples)
        if config.setting == "translate-train-all":
            into_one = (
                functools.partial(released.released, ctx, phase.train_split, language)
                if qa else functools.partial(translated.translated, ctx, kind, examples, language)
            )  # fmt: skip
            examples, into_all = translated.with_translations(ctx, examples, language, into_one)
            translations.update(into_all)
        elif into is not None and into != language:  # translate-train: this language only
            examples, translations[into] = (
                released.released(ctx, phase.train_split, language, into) if qa
                else translated.translated(ctx, kind, examples, language, into)
            )  # fmt: skip
        elif config.setting == "multi-source":
            examples, sources, multi_source, found = with_sources(ctx, trained, examples)
            notes.extend(found)
        train_examples, stats = augmentation.augment(
            ctx.regularizer, examples, kind.text_fields, config.seed
        )
        counts = {language: len(train_examples)}
        if into_all:  # the English examples and their translations, before any augmentation
            counts = {language: original, **{target: record.get("kept", original)
                                             for target, record in into_all.items()}}  # fmt: skip
        elif into is not None and into != language:
            counts = {into: translations[into].get("kept", original)}
        if sources:  # the examples of each language, before any augmentation
            counts = dict(sources)
        augmented[f"{phase.name}/{language}"] = stats
        last = position == len(settings.recipes) - 1
        scorer = selection_scorer(ctx, trained, phase, recipe, tokenizer, placement, last)
        notes.extend(scorer.notes)
        if scorer.rule != recipe.selection:
            recipe = dataclasses.replace(recipe, selection=scorer.rule)
        report = train(
            model, kind, ctx.tokenized.encode(kind, train_examples, tokenizer, recipe.max_length),
            schedule=Schedule(recipe, config.overrides.max_steps),
            regularizer=ctx.regularizer, placement=placement, seed=config.seed,
            pad_id=tokenizer.pad_token_id, evaluate=scorer.score, progress=config.progress,
            label=f"{trained.name} {phase.name}",
        )  # fmt: skip
        record = report_record(phase.name, report, counts, scorer.examples,
                               scorer.score is not None)  # fmt: skip
        record["selection"] = {"rule": scorer.rule, "languages": scorer.languages,
                               "averaged": report.averaged,
                               "stopped_early": report.stopped_early}  # fmt: skip
        records.append(record)
        phase_configs.append(
            {
                "name": phase.name if trained is ctx.spec else f"{trained.name}.{phase.name}",
                "train_split": phase.train_split,
                "dev_split": phase.dev_split,
                "recipe": recipe_record(settings.recipes[position][1]),
                "max_steps": config.overrides.max_steps,
            }
        )
    notes.extend(augmentation.unchanged_notes(augmented))
    result_model: Any = model
    folder = "model" if into is None else f"model-{into}"
    if trained is not ctx.spec:  # another task's training: its encoder is the model
        save_encoder(model, encoder, revision, tokenizer, os.path.join(out, folder))
        result_model, save_model = os.path.join(out, folder), True
    elif save_model:
        save(model, tokenizer, os.path.join(out, folder))
    return result_model, {
        "model": folder if save_model else None,
        "models": None,
        "phases": records,
        "phase_configs": phase_configs,
        "fine_tune_on": None if trained is ctx.spec else trained.name,
        "parameters": count_parameters(model),
        "precision": placement.precision,
        "attention": attention_of(model),
        "device": placement.device,
        "device_name": placement.describe(),
        "initialised": loading.initialised,
        "augmentation": augmentation.record(augmented),
        "translation": translations or None,
        "multi_source": multi_source,
        "protocol": ctx.with_data(settings.record()),
        "notes": notes + ([placement.note] if placement.note else []),
        "timings": {
            "fine_tune": round(time.perf_counter() - started, 3),
            "fine_tune.tokenize": round(ctx.tokenized.seconds - tokenizing, 3),
        },
    }


def per_language(ctx: Context, out: str, encoder: str) -> tuple[Any, FinetuneOutput]:
    """translate-train: one model per evaluation language, each fine-tuned from `encoder` on the
    training data translated into its language (the training language's on the original), saved
    under `<out>/model-<lang>`. Returns the language -> model folder mapping and one output: the
    phases of every model (named ``<phase>/<lang>``), the translations, summed timings."""
    import gc

    from xtreme_harness.results.document import merge_training

    outputs = []
    for language in ctx.languages:
        _, output = fine_tune(ctx, out, encoder, save_model=True, into=language)
        gc.collect()
        outputs.append((language, output))
    merged = merge_training(outputs)
    models = {language: os.path.join(out, folder) for language, folder in merged["models"].items()}
    return models, cast(FinetuneOutput, merged)


def selection_scorer(
    ctx: Context,
    trained: TaskSpec,
    phase: Phase,
    recipe: Recipe,
    tokenizer: Any,
    placement: Placement,
    last: bool,
) -> Scorer:
    """How a phase's evaluation points are scored under its selection rule: on the training
    language's development set (``en-dev``), on the mean over the target languages' (
    ``target-dev``, the last phase only: an earlier phase's development data is not the target
    task's), or not at all (``last``, ``average``)."""
    config = ctx.config
    rule = recipe.selection
    notes = []
    if rule == "target-dev" and not (last and trained is ctx.spec):
        notes.append(f"{trained.name} {phase.name}: target-dev selection applies to the "
                     "target task's last phase; this phase selects on English")  # fmt: skip
        rule = "en-dev"
    if rule not in ("en-dev", "target-dev"):
        return Scorer(rule, None, 0, [], notes)
    kind = implementation(trained, recipe)
    languages = [trained.train_language] if rule == "en-dev" else list(ctx.languages)
    sets: dict[str, tuple[list[dict], list[Any], Any, Any]] = {}
    for language in languages:
        where = f"{trained.name} {phase.dev_split} {language}"
        try:
            examples = ctx.load(trained, phase.dev_split, language)
        except DataError:
            if rule == "en-dev":
                raise
            continue
        if recipe.dev_subset:
            examples = examples[: recipe.dev_subset]
        pool = None
        if kind.ranks_candidates:  # development pairs: each query searches all positives
            examples, pool = pairs_as_search(examples)
        gold = kind.gold(examples)
        if gold is None:
            if rule == "target-dev":
                continue
            raise DataError(where, "the development set has no labels, so no model can be "
                                   "selected on it (use --selection last)")  # fmt: skip
        features = ctx.tokenized.encode(kind, examples, tokenizer, recipe.max_length)
        sets[language] = (examples, gold, features, pool)
    if not sets:
        raise UsageError(
            f"--selection target-dev needs labelled {phase.dev_split} data in the target "
            f"languages; the {config.source} source of {trained.name} has none"
        )
    used = sorted(sets)
    if rule == "target-dev" and len(used) < len(languages):
        missing = [lang for lang in languages if lang not in sets]
        notes.append(f"target-dev selection: no labelled development data in "
                     f"{', '.join(missing)}; selected on {', '.join(used)}")  # fmt: skip

    def score(current: Any) -> float:
        values = []
        for language, (examples, gold, features, pool) in sets.items():
            if pool is not None:
                kind.device = placement.device
                kind.index = embed_small_pool(ctx, current, kind, tokenizer, placement, pool,
                                              recipe.max_length)  # fmt: skip
            logits = predict(
                current, kind, features, placement=placement,
                pad_id=tokenizer.pad_token_id, batch_size=config.eval_batch_size,
                max_tokens=config.eval_tokens,
            )  # fmt: skip
            predicted = kind.decode(examples, features, logits)
            values.append(metrics.task_score(
                trained.metric, metrics.compute(trained.metric, gold, predicted, language)
            ))  # fmt: skip
        return sum(values) / len(values)

    count = sum(len(examples) for examples, *_ in sets.values())
    return Scorer(rule, score, count, used, notes)
