"""One run: optional intermediate training, fine-tuning on the target task, zero-shot evaluation.

    intermediate (optional): train on another task in the given languages, keep the encoder,
                             drop the head
    fine-tuning:             the target task's phases on its training language (English), each
                             keeping the weights that score best on the development set
    evaluation:              every evaluation language's test set -> official prediction files,
                             per-language scores where gold labels exist

The outcome is `<out>/result.json` (schema `result`), written last and atomically, with the
predictions under `<out>/predictions/<task>/` and the fine-tuned model under `<out>/model/`.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from xtreme_harness import generalized, intermediate, metrics
from xtreme_harness.atomic import write_json
from xtreme_harness.engine.device import Placement, place
from xtreme_harness.engine.seeding import seed_everything
from xtreme_harness.engine.trainer import Schedule, TrainingReport, predict, train
from xtreme_harness.errors import DataError, UnknownNameError, UsageError, XHarnessWarning
from xtreme_harness.kinds import implementation
from xtreme_harness.kinds.base import KindImpl
from xtreme_harness.languages import default_registry
from xtreme_harness.models import count_parameters, is_tiny, load_model, load_tokenizer, save
from xtreme_harness.plugin_host import PluginHost, get_host
from xtreme_harness.provenance import now, provenance
from xtreme_harness.task import Recipe, TaskKind, TaskSpec
from xtreme_harness.validation import validate

RESULT_FILE = "result.json"


@dataclass(frozen=True)
class Overrides:
    """Values that replace a task's reference recipe (None keeps the recipe's value)."""

    learning_rate: float | None = None
    epochs: float | None = None
    max_steps: int | None = None
    batch_size: int | None = None
    gradient_accumulation: int | None = None
    max_length: int | None = None
    warmup_steps: int | None = None
    weight_decay: float | None = None
    max_grad_norm: float | None = None

    def apply(self, recipe: Recipe) -> Recipe:
        changes = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(Recipe)
            if hasattr(self, f.name) and getattr(self, f.name) is not None
        }
        return dataclasses.replace(recipe, **changes)


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
    overrides: Overrides = Overrides()
    eval_steps: int | None = None
    eval_batch_size: int = 32
    precision: str = "fp32"
    device: str = "auto"
    intermediate: Intermediate | None = None
    progress: bool = True
    overwrite: bool = False
    save_model: bool = True
    generalized: bool = False


def _recipe_record(recipe: Recipe) -> dict[str, Any]:
    record = dataclasses.asdict(recipe)
    if not record.get("source"):
        record.pop("source", None)
    return record


def _source(spec: TaskSpec, name: str) -> Any:
    if name not in spec.sources:
        raise UnknownNameError(f"data source of task {spec.name!r}", name, spec.sources)
    return spec.sources[name]


def _load(spec: TaskSpec, source: str, split: str, language: str, config: RunConfig) -> list[dict]:
    return _source(spec, source).read(
        split, language, data_dir=config.data_dir, revision=config.data_revision
    )


def _report_record(
    name: str, report: TrainingReport, train_counts: dict[str, int], dev: int, select: bool
) -> dict[str, Any]:
    return {
        "name": name,
        "train_examples": train_counts,
        "dev_examples": dev,
        "updates": report.updates,
        "examples_seen": report.examples_seen,
        "seconds": round(report.seconds, 3),
        "losses": [round(loss, 6) for loss in report.losses],
        "evaluations": [
            {"step": e.step, "epoch": e.epoch, "score": round(e.score, 6), "loss": round(e.loss, 6)}
            for e in report.evaluations
        ],
        "best": report.best.step if select and report.best is not None else None,
    }


class Run:
    """Carries out one `RunConfig`; `execute()` returns the result document."""

    def __init__(self, config: RunConfig, host: PluginHost | None = None) -> None:
        self.config = config
        self.host = host or get_host()
        self.spec: TaskSpec = self.host.get("tasks", config.task)
        regularizer_class = self.host.get("regularizers", config.regularizer)
        self.regularizer = regularizer_class(**dict(config.regularizer_options))
        _source(self.spec, config.source)
        self.languages = self._evaluation_languages()
        if config.intermediate is not None:  # check the stage's settings before any work
            stage = config.intermediate
            stage_spec = self.host.get("tasks", stage.task)
            _source(stage_spec, stage.source or config.source)
            self.host.get("language_sets", stage.language_set)(**dict(stage.options))
        self.notes: list[str] = []
        self.timings: dict[str, float] = {}
        self.test_examples: dict[str, list[dict]] = {}
        if config.generalized and not (
            self.spec.kind is TaskKind.CLASSIFICATION and self.spec.metric == "accuracy"
        ):
            raise UsageError(
                f"generalised evaluation is for sentence-pair classification (xnli, pawsx); "
                f"{self.spec.name} is {self.spec.kind.value}"
            )

    def _evaluation_languages(self) -> tuple[str, ...]:
        wanted = self.config.eval_languages or self.spec.languages
        for language in wanted:
            if language not in self.spec.languages:
                raise UnknownNameError(
                    f"evaluation language of task {self.spec.name!r}", language, self.spec.languages
                )
        return tuple(dict.fromkeys(wanted))

    def execute(self) -> dict[str, Any]:
        config = self.config
        result_path = os.path.join(config.out, RESULT_FILE)
        if os.path.exists(result_path):
            if not config.overwrite:
                raise UsageError(
                    f"{result_path} exists; choose another --out or pass --overwrite to replace it"
                )
            os.remove(result_path)  # a failed re-run must not leave the old result behind
        started_at, started = now(), time.perf_counter()
        placement = place(config.device, config.precision)
        if placement.note:
            self.notes.append(placement.note)
        seed_everything(config.seed)
        tokenizer = load_tokenizer(config.model, config.model_revision)
        encoder = config.model
        intermediate_record = None
        intermediate_config = None
        intermediate_section = None
        if config.intermediate is not None:
            encoder, intermediate_record, intermediate_config, intermediate_section = (
                self._intermediate(tokenizer, placement)
            )
        kind = implementation(self.spec)
        model = load_model(
            kind, encoder, config.model_revision if encoder == config.model else None
        )
        phases, phase_configs = self._fine_tune(model, kind, tokenizer, placement)
        if config.save_model:
            save(model, tokenizer, os.path.join(config.out, "model"))
        evaluation, scores = self._evaluate(model, kind, tokenizer, placement)
        generalized_scores = (
            self._generalized(model, kind, tokenizer, placement) if config.generalized else None
        )
        average, score = self._aggregate(scores)
        tiny = is_tiny(config.model)
        if tiny:
            self.notes.append("tiny random-initialised model: the scores mean nothing")
        if config.source == "sample":
            self.notes.append("sample data is small and synthetic: the scores mean nothing")
        self.timings["total"] = time.perf_counter() - started
        result = {
            "format": "xharness-result",
            "version": 1,
            "status": "complete",
            "task": {
                "name": self.spec.name,
                "kind": self.spec.kind.value,
                "category": self.spec.category.value,
                "benchmark": self.spec.benchmark,
                "metric": self.spec.metric,
                "languages": list(self.spec.languages),
                "plugin": self.host.registrations("tasks")[self.spec.name].plugin,
            },
            "model": {
                "name_or_path": config.model,
                "revision": config.model_revision,
                "tiny": tiny,
                "parameters": count_parameters(model),
            },
            "config": {
                "source": config.source,
                "data_dir": config.data_dir,
                "data_revision": config.data_revision,
                "seed": config.seed,
                "phases": phase_configs,
                "regularizer": {
                    "name": self.regularizer.name,
                    "options": self.regularizer.fingerprint(),
                },
                "intermediate": intermediate_config,
                "precision": placement.precision,
                "device": placement.device,
                "eval_languages": list(self.languages),
                "eval_steps": config.eval_steps,
                "eval_batch_size": config.eval_batch_size,
            },
            "training": {"intermediate": intermediate_record, "phases": phases},
            "intermediate": intermediate_section,
            "evaluation": evaluation,
            "scores": scores,
            "generalized": generalized_scores,
            "average": average,
            "score": score,
            "meaningful": not tiny and config.source != "sample",
            "notes": self.notes,
            "provenance": provenance(
                plugins={p.name: p.version for p in self.host.plugins()},
                device=placement.describe(),
                started_at=started_at,
                timings=self.timings,
            ),
        }
        validate(result, "result", source=result_path)
        write_json(result_path, result)
        return result

    # stages

    def _intermediate(
        self, tokenizer: Any, placement: Placement
    ) -> tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]:
        config = self.config
        stage = config.intermediate
        assert stage is not None
        spec: TaskSpec = self.host.get("tasks", stage.task)
        self._check_leakage(spec)
        source = stage.source or config.source
        _source(spec, source)
        sampler = self.host.get("language_sets", stage.language_set)(**dict(stage.options))
        phase = spec.phases[-1]
        recipe = stage.overrides.apply(spec.recipe_of(phase))
        kind = implementation(spec)
        started = time.perf_counter()
        allocation, loaded, missing = intermediate.select(
            sampler, spec, source, stage.budget, config.seed,
            data_dir=config.data_dir, revision=config.data_revision,
        )  # fmt: skip
        if missing:
            self.notes.append(
                f"the {source} source of {spec.name} has no training data in "
                f"{len(missing)} languages the language set could have chosen: {', '.join(missing)}"
            )
        chosen = intermediate.materialize(allocation, loaded, config.seed, spec.name)
        features, tokens = intermediate.encode(kind, chosen, tokenizer, recipe.max_length)
        allocation = intermediate.with_tokens(allocation, tokens)
        model = load_model(kind, config.model, config.model_revision)
        regularizer = (
            self.regularizer if stage.regularize else self.host.get("regularizers", "none")()
        )
        report = train(
            model, kind, features,
            schedule=Schedule(recipe, max_steps=stage.overrides.max_steps),
            regularizer=regularizer, placement=placement, seed=config.seed,
            pad_id=tokenizer.pad_token_id, progress=config.progress,
            label=f"intermediate {spec.name}",
        )  # fmt: skip
        folder = os.path.join(config.out, "intermediate")
        save(model.base_model, tokenizer, folder)
        del model
        gc.collect()
        self.timings["intermediate"] = time.perf_counter() - started
        counts = {language: len(items) for language, items in chosen.items()}
        record = _report_record(spec.name, report, counts, 0, select=False)
        stage_config = {
            "task": spec.name,
            "source": source,
            "language_set": {"name": sampler.name, "options": sampler.fingerprint()},
            "budget": stage.budget,
            "recipe": _recipe_record(recipe),
            "max_steps": stage.overrides.max_steps,
            "regularized": stage.regularize,
        }
        registry = default_registry()
        section = {
            "allocation": allocation.describe(registry),
            "targets": intermediate.relations(allocation, self.spec.languages, registry),
        }
        return folder, record, stage_config, section

    def _check_leakage(self, spec: TaskSpec) -> None:
        """Warn (and note in the result) when the intermediate task's data reaches the target's
        evaluation: the same task, or a task of the target's benchmark."""
        if "intermediate" not in spec.roles:
            self.notes.append(f"{spec.name} is not declared as an intermediate task")
        message = None
        if spec.name == self.spec.name:
            message = (
                f"the intermediate task is the target task {spec.name!r}: its data leaks into "
                "the evaluation"
            )
        elif spec.benchmark is not None and spec.benchmark == self.spec.benchmark:
            message = (
                f"the intermediate task {spec.name!r} is itself a task of the {spec.benchmark} "
                "benchmark: report its benchmark average without it"
            )
        if message:
            warnings.warn(message, XHarnessWarning, stacklevel=3)
            self.notes.append(message)

    def _fine_tune(
        self, model: Any, kind: KindImpl, tokenizer: Any, placement: Placement
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        config = self.config
        spec = self.spec
        records, phase_configs = [], []
        started = time.perf_counter()
        for phase in spec.phases:
            recipe = config.overrides.apply(spec.recipe_of(phase))
            language = spec.train_language
            train_examples = self.regularizer.augment(
                _load(spec, config.source, phase.train_split, language, config),
                text_fields=kind.text_fields,
                seed=config.seed,
            )
            dev_examples = _load(spec, config.source, phase.dev_split, language, config)
            gold = kind.gold(dev_examples)
            if gold is None:
                raise DataError(
                    f"{spec.name} {phase.dev_split} {language}",
                    "the development set has no labels, so no model can be selected on it",
                )
            features = kind.encode(train_examples, tokenizer, recipe.max_length)
            dev_features = kind.encode(dev_examples, tokenizer, recipe.max_length)

            def score_dev(current: Any, dev_examples=dev_examples, dev_features=dev_features,
                          gold=gold) -> float:  # fmt: skip
                logits = predict(
                    current, kind, dev_features, placement=placement,
                    pad_id=tokenizer.pad_token_id, batch_size=config.eval_batch_size,
                )  # fmt: skip
                predicted = kind.decode(dev_examples, dev_features, logits)
                return metrics.task_score(
                    spec.metric, metrics.compute(spec.metric, gold, predicted)
                )

            report = train(
                model, kind, features,
                schedule=Schedule(recipe, config.overrides.max_steps, config.eval_steps),
                regularizer=self.regularizer, placement=placement, seed=config.seed,
                pad_id=tokenizer.pad_token_id, evaluate=score_dev, progress=config.progress,
                label=f"{spec.name} {phase.name}",
            )  # fmt: skip
            records.append(
                _report_record(
                    phase.name, report, {language: len(train_examples)}, len(dev_examples), True
                )
            )
            phase_configs.append(
                {
                    "name": phase.name,
                    "train_split": phase.train_split,
                    "dev_split": phase.dev_split,
                    "recipe": _recipe_record(recipe),
                    "max_steps": config.overrides.max_steps,
                }
            )
        self.timings["fine_tune"] = time.perf_counter() - started
        return records, phase_configs

    def _evaluate(
        self, model: Any, kind: KindImpl, tokenizer: Any, placement: Placement
    ) -> tuple[dict[str, Any], dict[str, dict[str, float]]]:
        config = self.config
        spec = self.spec
        folder = os.path.join(config.out, "predictions", spec.name)
        os.makedirs(folder, exist_ok=True)
        evaluation: dict[str, Any] = {}
        scores: dict[str, dict[str, float]] = {}
        started = time.perf_counter()
        for language in self.languages:
            began = time.perf_counter()
            examples = _load(spec, config.source, "test", language, config)
            self.test_examples[language] = examples
            predicted = self._predict(model, kind, tokenizer, placement, examples, language)
            name = f"test-{language}.{kind.prediction_suffix}"
            kind.write_predictions(os.path.join(folder, name), predicted)
            gold = kind.gold(examples)
            if gold is not None:
                scores[language] = {
                    key: round(value, 6)
                    for key, value in metrics.compute(spec.metric, gold, predicted).items()
                }
            evaluation[language] = {
                "examples": len(examples),
                "predictions": f"predictions/{spec.name}/{name}",
                "labelled": gold is not None,
                "seconds": round(time.perf_counter() - began, 3),
            }
        unlabelled = [lang for lang, e in evaluation.items() if not e["labelled"]]
        if unlabelled:
            self.notes.append(
                "no gold labels in the test data of "
                + ", ".join(unlabelled)
                + " (the official download strips them): predictions written, not scored"
            )
        self.timings["evaluate"] = time.perf_counter() - started
        return evaluation, scores

    def _predict(
        self,
        model: Any,
        kind: KindImpl,
        tokenizer: Any,
        placement: Placement,
        examples: list[dict],
        label: str,
    ) -> list[Any]:
        max_length = self.config.overrides.apply(
            self.spec.recipe_of(self.spec.phases[-1])
        ).max_length
        features = kind.encode(examples, tokenizer, max_length)
        logits = predict(
            model, kind, features, placement=placement, pad_id=tokenizer.pad_token_id,
            batch_size=self.config.eval_batch_size, progress=self.config.progress,
            label=f"evaluate {label}",
        )  # fmt: skip
        return kind.decode(examples, features, logits)

    def _generalized(
        self, model: Any, kind: KindImpl, tokenizer: Any, placement: Placement
    ) -> dict[str, Any]:
        """Every ordered pair of evaluation languages (see `xtreme_harness.generalized`)."""
        started = time.perf_counter()
        correct: dict[tuple[str, str], int] = {}
        counts: dict[tuple[str, str], int] = {}
        for l1 in self.languages:
            for l2 in self.languages:
                examples = generalized.pairs(
                    self.test_examples[l1], self.test_examples[l2], (l1, l2), self.spec.name
                )
                if kind.gold(examples) is None:
                    raise DataError(
                        f"{self.spec.name} test {l1}", "generalised evaluation needs gold labels"
                    )
                predicted = self._predict(model, kind, tokenizer, placement, examples,
                                          f"{l1}-{l2}")  # fmt: skip
                correct[(l1, l2)] = sum(
                    int(p == e["label"]) for p, e in zip(predicted, examples, strict=True)
                )
                counts[(l1, l2)] = len(examples)
        self.timings["generalized"] = time.perf_counter() - started
        return generalized.summary(self.languages, correct, counts)

    def _aggregate(
        self, scores: dict[str, dict[str, float]]
    ) -> tuple[dict[str, float] | None, float | None]:
        missing = [lang for lang in self.spec.languages if lang not in scores]
        if missing:
            self.notes.append(
                f"no task average: {len(missing)} of {len(self.spec.languages)} languages not "
                f"scored ({', '.join(missing)})"
            )
            return None, None
        keys = next(iter(scores.values())).keys()
        average = {
            key: round(sum(scores[lang][key] for lang in self.spec.languages)
                       / len(self.spec.languages), 6)
            for key in keys
        }  # fmt: skip
        return average, round(metrics.task_score(self.spec.metric, average), 6)


def run(config: RunConfig, host: PluginHost | None = None) -> dict[str, Any]:
    """Carry out one run and return its result (also written to `<out>/result.json`)."""
    return Run(config, host).execute()
