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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from xtreme_harness.atomic import write_json
from xtreme_harness.config import cell as cells
from xtreme_harness.config.resolution import Departure
from xtreme_harness.engine import generalized, intermediate
from xtreme_harness.engine.device import Placement, place
from xtreme_harness.engine.embedding_store import load_index, write_index
from xtreme_harness.engine.kinds import implementation
from xtreme_harness.engine.kinds.base import KindImpl
from xtreme_harness.engine.kinds.retrieval import CandidateIndex, check_pool, pairs_as_search
from xtreme_harness.engine.models import (
    check_length,
    count_parameters,
    is_tiny,
    load_model_with_report,
    load_tokenizer,
    save,
    save_encoder,
)
from xtreme_harness.engine.seeding import seed_everything
from xtreme_harness.engine.trainer import Schedule, TrainingReport, predict, train
from xtreme_harness.errors import DataError, UnknownNameError, UsageError, XHarnessWarning
from xtreme_harness.interfaces.task import (
    CANDIDATES_SPLIT,
    SHARED_POOL,
    Phase,
    Recipe,
    TaskKind,
    TaskSpec,
)
from xtreme_harness.plugin_host import PluginHost, get_host
from xtreme_harness.provenance import now, provenance
from xtreme_harness.registry import protocols
from xtreme_harness.registry.languages import default_registry
from xtreme_harness.registry.validation import validate
from xtreme_harness.results import metrics

RESULT_FILE = "result.json"
EMBED_BLOCK = 65536
"""Candidates encoded and embedded at a time."""


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
    overrides: Overrides = Overrides()
    protocol: str = protocols.DEFAULT
    strict_protocol: bool = False
    fine_tune_on: str | None = None
    """A task with no training data of its own is fine-tuned on this task's data first (None:
    the protocol's choice; ``"none"``: not at all)."""
    eval_batch_size: int = 32
    precision: str = "fp32"
    device: str = "auto"
    intermediate: Intermediate | None = None
    progress: bool = True
    overwrite: bool = False
    save_model: bool = True
    generalized: bool = False


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


def _recipe_record(recipe: Recipe) -> dict[str, Any]:
    """The recipe without the settings it leaves unset (QA's window settings on other tasks)."""
    record = dataclasses.asdict(recipe)
    if not record.get("source"):
        record.pop("source", None)
    return {key: value for key, value in record.items() if value is not None}


@dataclass
class Scorer:
    """A phase's model selection: its rule, the scoring of an evaluation point (None when the
    rule scores nothing), the development examples and languages it reads, notes."""

    rule: str
    score: Any
    examples: int
    languages: list[str]
    notes: list[str]


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
        self.cell = cells.resolve(config, self.host, self.spec)
        self.regularizer = self.cell.regularizer()
        self._evaluation: cells.StageSettings | None = None
        _source(self.spec, config.source)
        self.languages = self._evaluation_languages()
        self.leak: str | None = None
        self.role_notes: list[str] = []
        if config.intermediate is not None:  # check the stage's settings before any work
            stage = config.intermediate
            stage_spec = self.host.get("tasks", stage.task)
            _source(stage_spec, stage.source or config.source)
            sampler = self.host.get("language_sets", stage.language_set)(**dict(stage.options))
            intermediate.check_budget_given(sampler, stage.budget)
            self.leak = intermediate.leak(stage_spec, self.spec)
            if "intermediate" not in stage_spec.roles:
                self.role_notes.append(f"{stage_spec.name} is not declared as an intermediate task")
        spec = self.spec
        sentence_pairs = spec.kind is TaskKind.CLASSIFICATION and spec.metric == "accuracy"
        if config.generalized and not (sentence_pairs or self.spec.pairs_split):
            raise UsageError(
                f"generalised evaluation is for sentence-pair classification (xnli, pawsx) and "
                f"for QA tasks with a split of language pairs (mlqa); {self.spec.name} is "
                f"{self.spec.kind.value} without one"
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
        """All stages in one folder (`xharness run`); returns the result, also written to
        `<out>/result.json`."""
        config = self.config
        result_path = os.path.join(config.out, RESULT_FILE)
        if os.path.exists(result_path):
            if not config.overwrite:
                raise UsageError(
                    f"{result_path} exists; choose another --out or pass --overwrite to replace it"
                )
            os.remove(result_path)  # a failed re-run must not leave the old result behind
        started_at, started = now(), time.perf_counter()
        if config.strict_protocol:
            self.check_strict()
        if self.leak:
            warnings.warn(self.leak, XHarnessWarning, stacklevel=3)
        stage = None
        encoder = config.model
        if config.intermediate is not None:
            stage = self.stage_intermediate(config.out)
            encoder = os.path.join(config.out, stage["encoder"])
        model, tuned = self.stage_finetune(config.out, encoder, save_model=config.save_model)
        evaluated = self.stage_evaluate(config.out, model)
        result = self.assemble(stage, tuned, evaluated, started_at=started_at,
                               seconds=time.perf_counter() - started)  # fmt: skip
        validate(result, "result", source=result_path)
        write_json(result_path, result)
        return result

    def departures(self) -> list[Departure]:
        """Every departure of this cell from its protocol, before any work (reads the model's
        config where a protocol value depends on the model)."""
        found = [*self.cell.finetune().departures, *self.cell.evaluation().departures]
        if self.config.intermediate is not None:
            stage = self.config.intermediate
            found += self.cell.intermediate(self.host.get("tasks", stage.task),
                                            stage.overrides).departures  # fmt: skip
        found += self.cell.cell_departures(tiny=is_tiny(self.config.model),
                                           regularizer=self.regularizer)  # fmt: skip
        return _unique(found)

    def check_strict(self) -> None:
        """`--strict-protocol`: a `UsageError` naming every departure, if there is one."""
        found = self.departures()
        if found:
            raise UsageError(
                f"--strict-protocol: this run departs from protocol {self.cell.protocol.name} "
                f"in {len(found)} values: " + "; ".join(d.text() for d in found)
            )

    def assemble(
        self,
        stage: dict[str, Any] | None,
        tuned: dict[str, Any],
        evaluated: dict[str, Any],
        *,
        started_at: str,
        seconds: float,
        predictions_prefix: str = "",
    ) -> dict[str, Any]:
        """The result document from the outputs of the three stages."""
        config = self.config
        notes: list[str] = ([self.leak] if self.leak else []) + self.role_notes
        for part in (stage, tuned, evaluated):
            for note in (part or {}).get("notes", []):
                if note not in notes:
                    notes.append(note)
        average, score, missing_note = self._aggregate(evaluated["scores"], evaluated.get("pooled"))
        if missing_note:
            notes.append(missing_note)
        tiny = is_tiny(config.model)
        notes.extend(self.cell.notes())
        stages = {"intermediate": stage, "finetune": tuned, "evaluation": evaluated}
        departures = _unique(
            [Departure(**d) for part in stages.values() if part
             for d in part.get("protocol", {}).get("departures", [])]
            + self.cell.cell_departures(tiny=tiny, regularizer=self.regularizer)
        )  # fmt: skip
        if tiny:
            notes.append("tiny random-initialised model: the scores mean nothing")
        if config.source == "sample":
            notes.append("sample data is small and synthetic: the scores mean nothing")
        timings = {"intermediate": stage["seconds"]} if stage else {}
        timings.update(tuned["timings"])
        timings.update(evaluated["timings"])
        timings["total"] = seconds
        evaluation = {
            language: {**entry, "predictions": predictions_prefix + entry["predictions"]}
            for language, entry in evaluated["evaluation"].items()
        }
        return {
            "format": "xharness-result",
            "version": 2,
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
                "parameters": tuned["parameters"],
            },
            "config": {
                "source": config.source,
                "data_dir": config.data_dir,
                "data_revision": config.data_revision,
                "seed": config.seed,
                "phases": tuned["phase_configs"],
                "overrides": {
                    key: value
                    for key, value in dataclasses.asdict(config.overrides).items()
                    if value is not None
                },
                "regularizer": {
                    "name": self.regularizer.name,
                    "options": self.regularizer.fingerprint(),
                },
                "intermediate": stage["config"] if stage else None,
                "precision": tuned["precision"],
                "device": tuned["device"],
                "eval_languages": list(self.languages),
                "fine_tune_on": tuned.get("fine_tune_on"),
                "eval_batch_size": config.eval_batch_size,
                "retrieval": self._retrieval_record(),
            },
            "training": {
                "intermediate": stage["record"] if stage else None,
                "phases": tuned["phases"],
                "initialised": {
                    name: part["initialised"]
                    for name, part in (("intermediate", stage), ("finetune", tuned))
                    if part and "initialised" in part
                },
                "augmentation": {
                    name: part.get("augmentation")
                    for name, part in (("intermediate", stage), ("finetune", tuned))
                    if part
                },
            },
            "intermediate": None
            if stage is None
            else {
                "allocation": stage["allocation"],
                "targets": intermediate.relations(
                    [row["language"] for row in stage["allocation"]["languages"]],
                    self.spec.languages,
                    default_registry(),
                ),
            },
            "evaluation": evaluation,
            "scores": evaluated["scores"],
            "generalized": evaluated["generalized"],
            "average": average,
            "score": score,
            "meaningful": not tiny and config.source != "sample",
            "protocol": {
                **self.cell.record(),
                "stages": {
                    name: part["protocol"]
                    for name, part in stages.items()
                    if part and "protocol" in part
                },
                "unverified": _unverified(stages),
            },
            "departures": [d.describe() for d in departures],
            "notes": notes,
            "provenance": provenance(
                plugins={p.name: p.version for p in self.host.plugins()},
                device=tuned["device_name"],
                started_at=started_at,
                timings=timings,
            ),
        }

    # stages

    def stage_intermediate(self, out: str) -> dict[str, Any]:
        """Train on the intermediate task's allocation; save the encoder (no head) under
        `<out>/intermediate`. Returns the stage's record (JSON-ready)."""
        config = self.config
        stage = config.intermediate
        assert stage is not None
        started = time.perf_counter()
        notes: list[str] = []
        seed_everything(config.seed)
        placement = place(config.device, config.precision)
        tokenizer = load_tokenizer(config.model, config.model_revision)
        spec: TaskSpec = self.host.get("tasks", stage.task)
        source = stage.source or config.source
        _source(spec, source)
        sampler = self.host.get("language_sets", stage.language_set)(**dict(stage.options))
        settings = self.cell.intermediate(spec, stage.overrides)
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
        regularizer = (
            self.regularizer if stage.regularize else self.host.get("regularizers", "none")()
        )
        augmentation = {}
        for language, examples in chosen.items():
            chosen[language], augmentation[language] = augment(
                regularizer, examples, kind.text_fields, config.seed
            )
        notes.extend(augmentation_notes(augmentation))
        features, tokens = intermediate.encode(kind, chosen, tokenizer, recipe.max_length)
        allocation = intermediate.with_tokens(allocation, tokens)
        loading = load_model_with_report(kind, config.model, config.model_revision)
        model = loading.model
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
        registry = default_registry()
        return {
            "encoder": "intermediate",
            "record": _report_record(spec.name, report, counts, 0, select=False),
            "config": {
                "task": spec.name,
                "source": source,
                "language_set": {"name": sampler.name, "options": sampler.fingerprint()},
                "budget": stage.budget,
                "recipe": _recipe_record(recipe),
                "max_steps": stage.overrides.max_steps,
                "regularized": stage.regularize,
            },
            "allocation": allocation.describe(registry),
            "augmentation": _changed_only(augmentation),
            "protocol": settings.record(),
            "initialised": loading.initialised,
            "notes": notes + loading.notes + ([placement.note] if placement.note else []),
            "seconds": round(time.perf_counter() - started, 3),
        }

    def stage_finetune(
        self, out: str, encoder: str, *, save_model: bool = True
    ) -> tuple[Any, dict[str, Any]]:
        """Fine-tune `encoder` (a model id or folder) on the target task's phases (or, for a task
        with no training data of its own, on the protocol's fine-tuning task), keeping the weights
        its selection rule chooses; save the model under `<out>/model` if asked. Returns the model
        (or, when another task's training made it, the folder of its encoder) and the stage's
        record."""
        config = self.config
        started = time.perf_counter()
        seed_everything(config.seed)
        placement = place(config.device, config.precision)
        tokenizer = load_tokenizer(config.model, config.model_revision)
        settings = self.cell.finetune()
        trained = self.cell.trained_task() or self.spec
        first = settings.recipes[0][1] if settings.recipes else self._evaluation_recipe()
        kind = implementation(trained, first)
        revision = config.model_revision if encoder == config.model else None
        loading = load_model_with_report(kind, encoder, revision)
        model = loading.model
        records, phase_configs, notes = [], [], list(loading.notes)
        augmentation: dict[str, Any] = {}
        for position, (phase, recipe) in enumerate(settings.recipes):
            assert phase is not None
            check_length(model, recipe.max_length, config.model)
            kind = implementation(trained, recipe)
            language = trained.train_language
            train_examples, stats = augment(
                self.regularizer,
                _load(trained, config.source, phase.train_split, language, config),
                kind.text_fields,
                config.seed,
            )
            augmentation[phase.name] = {language: stats}
            last = position == len(settings.recipes) - 1
            scorer = self._selection_scorer(trained, phase, recipe, tokenizer, placement, last)
            notes.extend(scorer.notes)
            report = train(
                model, kind, kind.encode(train_examples, tokenizer, recipe.max_length),
                schedule=Schedule(recipe if scorer.rule == recipe.selection
                                  else dataclasses.replace(recipe, selection=scorer.rule),
                                  config.overrides.max_steps),
                regularizer=self.regularizer, placement=placement, seed=config.seed,
                pad_id=tokenizer.pad_token_id, evaluate=scorer.score, progress=config.progress,
                label=f"{trained.name} {phase.name}",
            )  # fmt: skip
            record = _report_record(phase.name, report, {language: len(train_examples)},
                                    scorer.examples, scorer.score is not None)  # fmt: skip
            record["selection"] = {"rule": scorer.rule, "languages": scorer.languages,
                                   "averaged": report.averaged,
                                   "stopped_early": report.stopped_early}  # fmt: skip
            records.append(record)
            phase_configs.append(
                {
                    "name": phase.name if trained is self.spec else f"{trained.name}.{phase.name}",
                    "train_split": phase.train_split,
                    "dev_split": phase.dev_split,
                    "recipe": _recipe_record(recipe),
                    "max_steps": config.overrides.max_steps,
                }
            )
        notes.extend(augmentation_notes(
            {f"{name} {lang}": e for name, by in augmentation.items() for lang, e in by.items()}
        ))  # fmt: skip
        result_model: Any = model
        if trained is not self.spec:  # another task's training: its encoder is the model
            save_encoder(model, encoder, revision, tokenizer, os.path.join(out, "model"))
            result_model, save_model = os.path.join(out, "model"), True
        elif save_model:
            save(model, tokenizer, os.path.join(out, "model"))
        return result_model, {
            "model": "model" if save_model else None,
            "phases": records,
            "phase_configs": phase_configs,
            "fine_tune_on": None if trained is self.spec else trained.name,
            "parameters": count_parameters(model),
            "precision": placement.precision,
            "device": placement.device,
            "device_name": placement.describe(),
            "initialised": loading.initialised,
            "augmentation": _changed_only(
                {f"{name}/{lang}": e for name, by in augmentation.items() for lang, e in by.items()}
            ),
            "protocol": settings.record(),
            "notes": notes + ([placement.note] if placement.note else []),
            "timings": {"fine_tune": round(time.perf_counter() - started, 3)},
        }

    def _selection_scorer(
        self,
        trained: TaskSpec,
        phase: Phase,
        recipe: Recipe,
        tokenizer: Any,
        placement: Placement,
        last: bool,
    ) -> Scorer:
        """How a phase's evaluation points are scored under its selection rule: on the training
        language's development set (``en-dev``), on the mean over the target languages' (
        ``target-dev``, the last phase only: an earlier phase's development data is not the
        target task's), or not at all (``last``, ``average``)."""
        config = self.config
        rule = recipe.selection
        notes = []
        if rule == "target-dev" and not (last and trained is self.spec):
            notes.append(f"{trained.name} {phase.name}: target-dev selection applies to the "
                         "target task's last phase; this phase selects on English")  # fmt: skip
            rule = "en-dev"
        if rule not in ("en-dev", "target-dev"):
            return Scorer(rule, None, 0, [], notes)
        kind = implementation(trained, recipe)
        languages = [trained.train_language] if rule == "en-dev" else list(self.languages)
        sets: dict[str, tuple[list[dict], list[Any], Any, Any]] = {}
        for language in languages:
            where = f"{trained.name} {phase.dev_split} {language}"
            try:
                examples = _load(trained, config.source, phase.dev_split, language, config)
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
            features = kind.encode(examples, tokenizer, recipe.max_length)
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
                    kind.index = self._embed(current, kind, tokenizer, placement, pool,
                                             recipe.max_length)  # fmt: skip
                logits = predict(
                    current, kind, features, placement=placement,
                    pad_id=tokenizer.pad_token_id, batch_size=config.eval_batch_size,
                )  # fmt: skip
                predicted = kind.decode(examples, features, logits)
                values.append(metrics.task_score(
                    trained.metric, metrics.compute(trained.metric, gold, predicted, language)
                ))  # fmt: skip
            return sum(values) / len(values)

        count = sum(len(examples) for examples, *_ in sets.values())
        return Scorer(rule, score, count, used, notes)

    def stage_embed(self, out: str, model: Any) -> dict[str, Any]:
        """Embed the task's shared candidate pool with `model` (a model or a folder) into
        `<out>/candidates` (see `xtreme_harness.engine.embedding_store`). Returns the stage's
        record."""
        started = time.perf_counter()
        placement, tokenizer, kind, model = self._inference_setup(model)
        return {
            **self._embed_shared_pool(out, model, kind, tokenizer, placement),
            "seconds": round(time.perf_counter() - started, 3),
        }

    def _inference_setup(self, model: Any) -> tuple[Placement, Any, KindImpl, Any]:
        """Seeds, the device, the tokenizer, the task kind with the evaluation recipe, and
        `model` loaded if it is a folder: what embedding and evaluation start from."""
        config = self.config
        seed_everything(config.seed)
        placement = place(config.device, config.precision)
        tokenizer = load_tokenizer(config.model, config.model_revision)
        kind = implementation(self.spec, self._evaluation_recipe())
        if isinstance(model, str):
            model = load_model_with_report(kind, model, complete=True).model
        return placement, tokenizer, kind, model

    def _embed_shared_pool(
        self, out: str, model: Any, kind: KindImpl, tokenizer: Any, placement: Placement
    ) -> dict[str, Any]:
        config = self.config
        candidates = _load(self.spec, config.source, CANDIDATES_SPLIT, SHARED_POOL, config)
        check_pool(candidates, f"{self.spec.name} {config.source} candidates")
        blocks = self._embedding_blocks(
            model, kind, tokenizer, placement, candidates, kind.recipe.max_length,
            progress=config.progress,
        )  # fmt: skip
        ids = [c["id"] for c in candidates]
        meta = write_index(os.path.join(out, "candidates"), ids, blocks, self._pool_settings(kind))
        return {"candidates": "candidates", "count": meta["count"], "dimension": meta["dimension"]}

    def _pool_settings(self, kind: KindImpl) -> dict[str, Any]:
        """What candidate embeddings depend on besides the model."""
        return {
            "task": self.spec.name,
            "source": self.config.source,
            "data_dir": self.config.data_dir,
            "data_revision": self.config.data_revision,
            "pooling": kind.recipe.pooling or "mean",
            "layer": kind.recipe.layer,
            "max_length": kind.recipe.max_length,
        }

    def _embedding_blocks(
        self,
        model: Any,
        kind: KindImpl,
        tokenizer: Any,
        placement: Placement,
        candidates: list[dict],
        max_length: int,
        *,
        progress: bool = False,
    ) -> Iterator[Any]:
        """The embeddings of a candidate pool, `EMBED_BLOCK` candidates at a time (so that the
        tokens of a pool of a million never sit in memory at once)."""
        import torch

        for start in range(0, len(candidates), EMBED_BLOCK):
            block = candidates[start : start + EMBED_BLOCK]
            features = kind.encode(block, tokenizer, max_length)
            rows = predict(
                model, kind, features, placement=placement, pad_id=tokenizer.pad_token_id,
                batch_size=self.config.eval_batch_size, progress=progress,
                label=f"embed candidates {start + 1}-{start + len(block)} of {len(candidates)}",
            )  # fmt: skip
            yield torch.stack(rows).numpy()

    def _embed(
        self,
        model: Any,
        kind: KindImpl,
        tokenizer: Any,
        placement: Placement,
        candidates: list[dict],
        max_length: int,
    ) -> CandidateIndex:
        """The embeddings of a small pool (a language's own, or development positives)."""
        import numpy as np

        blocks = self._embedding_blocks(model, kind, tokenizer, placement, candidates, max_length)
        return CandidateIndex([c["id"] for c in candidates], np.concatenate(list(blocks)))

    def _candidate_index(
        self,
        out: str,
        model: Any,
        kind: KindImpl,
        tokenizer: Any,
        placement: Placement,
        language: str,
        candidates: str | None,
    ) -> CandidateIndex:
        """The pool `language`'s queries search: the shared one (embedded once, memory-mapped
        from `candidates` or from `<out>/candidates`) or the language's own."""
        config = self.config
        if self.spec.pool == "shared":
            if candidates is None:
                self._embed_shared_pool(out, model, kind, tokenizer, placement)
                candidates = os.path.join(out, "candidates")
            return load_index(candidates, self._pool_settings(kind))
        pool = _load(self.spec, config.source, CANDIDATES_SPLIT, language, config)
        check_pool(pool, f"{self.spec.name} {config.source} candidates {language}")
        return self._embed(model, kind, tokenizer, placement, pool, kind.recipe.max_length)

    def stage_evaluate(self, out: str, model: Any, candidates: str | None = None) -> dict[str, Any]:
        """Predict every evaluation language's test set with `model` (a model or a folder),
        write the official prediction files under `<out>/predictions/<task>/`, score them where
        gold labels exist, and run the generalised evaluation if asked. A retrieval task ranks
        its pool: a shared pool is read from the `candidates` folder of an embedding step, or
        embedded into `<out>/candidates` first."""
        config = self.config
        spec = self.spec
        started = time.perf_counter()
        placement, tokenizer, kind, model = self._inference_setup(model)
        folder = os.path.join(out, "predictions", spec.name)
        os.makedirs(folder, exist_ok=True)
        evaluation: dict[str, Any] = {}
        scores: dict[str, dict[str, float]] = {}
        test_examples: dict[str, list[dict]] = {}
        outcomes: dict[str, tuple[list, list]] = {}
        notes = []
        for language in self.languages:
            began = time.perf_counter()
            examples = _load(spec, config.source, "test", language, config)
            test_examples[language] = examples
            if kind.ranks_candidates and (spec.pool != "shared" or kind.index is None):
                kind.index = self._candidate_index(
                    out, model, kind, tokenizer, placement, language, candidates
                )
            predicted = self._predict(model, kind, tokenizer, placement, examples, language)
            name = f"test-{language}.{kind.prediction_suffix}"
            kind.write_predictions(os.path.join(folder, name), predicted, examples)
            gold = kind.gold(examples)
            if gold is not None:
                scores[language] = metrics.compute(spec.metric, gold, predicted, language)
                outcomes[language] = (gold, predicted)
            evaluation[language] = {
                "examples": len(examples),
                "predictions": f"predictions/{spec.name}/{name}",
                "labelled": gold is not None,
                "seconds": round(time.perf_counter() - began, 3),
            }
            if kind.ranks_candidates:
                unreachable = kind.missing_targets(examples)
                evaluation[language].update(candidates=len(kind.index.ids), unreachable=unreachable)
                if unreachable:
                    notes.append(
                        f"{language}: {unreachable} of {len(examples)} queries have a gold "
                        "candidate that is not in the pool; they count (0 where none is found)"
                    )
        pooled = None
        if spec.metric in metrics.POOLED and all(lang in outcomes for lang in spec.languages):
            pooled = metrics.pooled(spec.metric, [outcomes[lang] for lang in spec.languages])
        unlabelled = [lang for lang, e in evaluation.items() if not e["labelled"]]
        if unlabelled:
            notes.append(
                "no gold labels in the test data of "
                + ", ".join(unlabelled)
                + " (the official download strips them): predictions written, not scored"
            )
        timings = {"evaluate": round(time.perf_counter() - started, 3)}
        generalized_scores = None
        if config.generalized:
            began = time.perf_counter()
            generalized_scores = self._generalized(model, kind, tokenizer, placement, test_examples)
            timings["generalized"] = round(time.perf_counter() - began, 3)
        return {
            "evaluation": evaluation,
            "protocol": self.cell.evaluation().record(),
            "scores": scores,
            "generalized": generalized_scores,
            "pooled": pooled,
            "notes": notes,
            "timings": timings,
        }

    def _predict(
        self,
        model: Any,
        kind: KindImpl,
        tokenizer: Any,
        placement: Placement,
        examples: list[dict],
        label: str,
    ) -> list[Any]:
        if kind.ranks_candidates:
            kind.device = placement.device
        features = kind.encode(examples, tokenizer, self._evaluation_recipe().max_length)
        logits = predict(
            model, kind, features, placement=placement, pad_id=tokenizer.pad_token_id,
            batch_size=self.config.eval_batch_size, progress=self.config.progress,
            label=f"evaluate {label}",
        )  # fmt: skip
        return kind.decode(examples, features, logits)

    def _retrieval_record(self) -> dict[str, Any] | None:
        """How a retrieval task embeds and searches (None for other kinds)."""
        if self.spec.kind is not TaskKind.RETRIEVAL:
            return None
        from xtreme_harness.engine.kinds.retrieval import TOP_K

        recipe = self._evaluation_recipe()
        return {
            "pool": self.spec.pool,
            "pooling": recipe.pooling or "mean",
            "layer": recipe.layer,
            "max_length": recipe.max_length,
            "max_query_length": recipe.max_query_length,
            "top_k": TOP_K,
        }

    def _evaluation_recipe(self) -> Recipe:
        """The recipe inference uses: the task's last phase's (a task without phases: its own)
        under the protocol and the run's options."""
        if self._evaluation is None:
            self._evaluation = self.cell.evaluation()
        return self._evaluation.recipes[0][1]

    def _generalized(
        self,
        model: Any,
        kind: KindImpl,
        tokenizer: Any,
        placement: Placement,
        test_examples: dict[str, list[dict]],
    ) -> dict[str, Any]:
        """Every ordered pair of evaluation languages (see `xtreme_harness.engine.generalized`)."""
        if self.spec.pairs_split:
            return self._generalized_pairs(model, kind, tokenizer, placement)
        correct: dict[tuple[str, str], int] = {}
        counts: dict[tuple[str, str], int] = {}
        for l1 in self.languages:
            for l2 in self.languages:
                examples = generalized.pairs(
                    test_examples[l1], test_examples[l2], (l1, l2), self.spec.name
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
        return generalized.summary(self.languages, correct, counts)

    def _generalized_pairs(
        self, model: Any, kind: KindImpl, tokenizer: Any, placement: Placement
    ) -> dict[str, Any]:
        """Every (context language, question language) pair of the task's pairs split, scored
        with the normalisation of the context language (the answers' language)."""
        config = self.config
        scores: dict[tuple[str, str], dict[str, float]] = {}
        for context in self.languages:
            for question in self.languages:
                pair = f"{context}-{question}"
                examples = _load(self.spec, config.source, self.spec.pairs_split, pair, config)
                gold = kind.gold(examples)
                if gold is None:
                    raise DataError(f"{self.spec.name} {self.spec.pairs_split} {pair}",
                                    "generalised evaluation needs gold answers")  # fmt: skip
                predicted = self._predict(model, kind, tokenizer, placement, examples, pair)
                scores[(context, question)] = metrics.compute(
                    self.spec.metric, gold, predicted, context
                )
        return generalized.pair_summary(self.languages, scores)

    def _aggregate(
        self, scores: dict[str, dict[str, float]], pooled: dict[str, float] | None = None
    ) -> tuple[dict[str, float] | None, float | None, str]:
        """The task average over all its languages (or, for a pooled metric, `pooled`: the
        metric over the examples of all languages together), its score, and a note if some
        languages are missing."""
        missing = [lang for lang in self.spec.languages if lang not in scores]
        if missing:
            return (
                None,
                None,
                (
                    f"no task average: {len(missing)} of {len(self.spec.languages)} languages not "
                    f"scored ({', '.join(missing)})"
                ),
            )
        if pooled is not None:
            return dict(pooled), metrics.task_score(self.spec.metric, pooled), ""
        keys = next(iter(scores.values())).keys()
        average = {
            key: sum(scores[lang][key] for lang in self.spec.languages) / len(self.spec.languages)
            for key in keys
        }
        return average, metrics.task_score(self.spec.metric, average), ""


def augment(
    regularizer: Any, examples: list[dict], text_fields: Mapping[str, str], seed: int
) -> tuple[list[dict], dict[str, int]]:
    """The regularizer's training data for `examples` (RS-DA's perturbed copies; unchanged for
    most regularizers), with how many examples went in and came out, and how many that came out
    are not among those that went in (the "perturb n/N" Robust-XLT's perturb.py logs)."""
    import json

    augmented = list(regularizer.augment(examples, text_fields=text_fields, seed=seed))
    if augmented == examples:
        return examples, {"examples": len(examples), "augmented": len(examples), "changed": 0}
    originals = {json.dumps(e, sort_keys=True, ensure_ascii=False) for e in examples}
    changed = sum(json.dumps(e, sort_keys=True, ensure_ascii=False) not in originals
                  for e in augmented)  # fmt: skip
    return augmented, {"examples": len(examples), "augmented": len(augmented), "changed": changed}


def augmentation_notes(stats: Mapping[str, Mapping[str, int]]) -> list[str]:
    """A note for each language whose augmented copies are all unchanged (a synonym table
    without its words: RS-DA with an English table on another language's data)."""
    return [
        f"{language}: the regularizer's augmentation changed none of its {entry['augmented']} "
        "training examples (no word of the data is in its table)"
        for language, entry in stats.items()
        if entry["augmented"] != entry["examples"] and entry["changed"] == 0
    ]


def _changed_only(stats: Mapping[str, Mapping[str, int]]) -> dict[str, Any] | None:
    """The augmentation record, or None where the regularizer augments nothing."""
    if all(e["augmented"] == e["examples"] and not e["changed"] for e in stats.values()):
        return None
    return {language: dict(entry) for language, entry in stats.items()}


def _unverified(stages: Mapping[str, Mapping[str, Any] | None]) -> list[str]:
    """The protocol values the stages used that their source does not confirm."""
    return sorted(
        f"{name}.{key}"
        for name, part in stages.items()
        if part
        for key, value in part.get("protocol", {}).get("settings", {}).items()
        if not value["verified"]
    )


def _unique(departures: list[Departure]) -> list[Departure]:
    """Departures without repeats, in order."""
    return list(dict.fromkeys(departures))


def run(config: RunConfig, host: PluginHost | None = None) -> dict[str, Any]:
    """Carry out one run and return its result (also written to `<out>/result.json`)."""
    return Run(config, host).execute()
