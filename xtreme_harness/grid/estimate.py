"""What a grid will cost, measured before it runs, and how the measurement compared afterwards.

`estimate` calibrates on the device the grid's cells ask for: for every distinct training setting
(model, trained task and phase, recipe, regularizer, precision) it times a few updates of the
engine's own training loop on a sample of the real training data, for every distinct inference
setting it times predictions on a sample of the evaluation data, and it times what every step
does besides (reading and tokenizing the data, loading and saving the model). Each step still to
run is then predicted from the work it will do (updates, evaluation points, examples to predict),
which it counts the way the stages do. Nothing is assumed about the model or the device.

The prediction is written to ``estimate.json`` in the run folder; ``xharness grid
--report-timing`` compares it with the seconds each step's record measured.
"""

from __future__ import annotations

import json
import math
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from xtreme_harness.atomic import read_json, write_json
from xtreme_harness.errors import UsageError

ESTIMATE_FILE = "estimate.json"
CALIBRATION_UPDATES = 3
"""Updates per timed training run (after one update that warms up)."""
STEADY_RUNS = (3, 10)
"""Timed runs per measurement: at least the first, and more until `STEADY_SECONDS` have been
timed or the second is reached; the median rate counts (one run of a small model is a few
milliseconds, which a pause of the machine would multiply)."""
STEADY_SECONDS = 0.5
SAMPLE = 256
"""Examples drawn (seeded) from a split to measure lengths, tokenizing and prediction."""


@dataclass
class StepEstimate:
    key: str
    stage: str
    task: str
    seconds: float
    parts: dict[str, float] = field(default_factory=dict)
    """Where the seconds go: data, load, train, select, predict, save."""
    work: dict[str, int] = field(default_factory=dict)
    """Updates, evaluation points and predicted examples counted."""


@dataclass
class Estimate:
    device: str
    steps: list[StepEstimate]
    done: int
    calibration_seconds: float
    startup: float = 0.0
    """Seconds a worker process spends once before its first step: importing torch,
    transformers and the engine (each of `--jobs` processes pays it; with one job, once)."""
    notes: list[str] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        from xtreme_harness.provenance import now

        return {
            "format": "xharness-estimate",
            "version": 1,
            "created": now(),
            "device": self.device,
            "done_before": self.done,
            "calibration_seconds": round(self.calibration_seconds, 3),
            "startup_per_process": round(self.startup, 3),
            "notes": self.notes,
            "steps": {
                s.key: {
                    "stage": s.stage,
                    "task": s.task,
                    "seconds": round(s.seconds, 3),
                    "parts": {k: round(v, 3) for k, v in s.parts.items()},
                    "work": s.work,
                }
                for s in self.steps
            },
        }


def _timed(action: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = action()
    return value, time.perf_counter() - started


def _steady(run: Callable[[], tuple[float, int]]) -> float:
    """Seconds per unit: `run()` gives (seconds, units); repeated as `STEADY_RUNS` says, the
    median rate."""
    rates: list[float] = []
    spent = 0.0
    least, most = STEADY_RUNS
    while len(rates) < least or (spent < STEADY_SECONDS and len(rates) < most):
        seconds, units = run()
        rates.append(seconds / max(1, units))
        spent += seconds
    return statistics.median(rates)


class Calibrator:
    """Measurements shared by the steps that have the same setting, each taken once."""

    def __init__(self, seed: int = 0) -> None:
        self.cache: dict[Any, Any] = {}
        self.seed = seed
        self.seconds = 0.0

    def once(self, key: Any, measure: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key], spent = _timed(measure)
            self.seconds += spent
        return self.cache[key]

    def read(self, ctx: Any, spec: Any, split: str, language: str, source: str | None = None):
        """The examples of a split and the seconds reading them took."""
        key = ("read", spec.name, split, language, source or ctx.config.source,
               ctx.config.data_dir)  # fmt: skip
        return self.once(key, lambda: _timed(lambda: ctx.load(spec, split, language, source)))

    def sample(self, examples: list[dict]) -> list[dict]:
        if len(examples) <= SAMPLE:
            return list(examples)
        return random.Random(self.seed).sample(examples, SAMPLE)

    def encoding(self, kind: Any, tokenizer: Any, examples: list[dict], max_length: int, key: Any):
        """Features per example and seconds per example of tokenizing, on a sample."""

        def measure() -> tuple[list[Any], float, float]:
            sample = self.sample(examples)
            features, spent = _timed(lambda: kind.encode(sample, tokenizer, max_length))
            return features, len(features) / max(1, len(sample)), spent / max(1, len(sample))

        return self.once(("encode", key, max_length), measure)


def _update_seconds(calibrator: Calibrator, ctx: Any, spec: Any, recipe: Any, examples: list,
                    regularizer: Any, placement: Any, tokenizer: Any) -> float:  # fmt: skip
    """Seconds per update of the engine's training loop in this setting."""
    from xtreme_harness.engine.kinds import implementation
    from xtreme_harness.engine.models import compiled, load_model_with_report
    from xtreme_harness.engine.trainer import Schedule, train

    config = ctx.config
    options = json.dumps(regularizer.fingerprint(), sort_keys=True, default=str)
    key = ("train", config.model, spec.name, recipe, regularizer.name, options, placement,
           config.compile)  # fmt: skip

    def measure() -> float:
        kind = implementation(spec, recipe)
        wanted = recipe.batch_size * recipe.gradient_accumulation * (CALIBRATION_UPDATES + 1)
        pool = calibrator.sample(examples) if len(examples) > wanted else examples
        features = kind.encode(pool, tokenizer, recipe.max_length)
        model = load_model_with_report(kind, config.model, config.model_revision).model
        compiled(model, config.compile)  # the warm-up update pays the compilation
        common = dict(regularizer=regularizer, placement=placement, seed=config.seed,
                      pad_id=tokenizer.pad_token_id, progress=False)  # fmt: skip
        train(model, kind, features, schedule=Schedule(recipe, max_steps=1), **common)

        def run() -> tuple[float, int]:
            report = train(model, kind, features, schedule=Schedule(recipe, CALIBRATION_UPDATES),
                           **common)  # fmt: skip
            return report.seconds, report.updates

        return _steady(run)

    return calibrator.once(key, measure)


def _predict_seconds(calibrator: Calibrator, ctx: Any, spec: Any, recipe: Any,
                     examples: list, placement: Any, tokenizer: Any) -> float:  # fmt: skip
    """Seconds per predicted feature, with the run's inference batches."""
    from xtreme_harness.engine.kinds import implementation
    from xtreme_harness.engine.models import compiled, load_model_with_report
    from xtreme_harness.engine.trainer import predict

    config = ctx.config
    key = ("predict", config.model, spec.name, recipe.max_length, placement,
           config.eval_batch_size, config.eval_tokens, config.compile)  # fmt: skip

    def measure() -> float:
        kind = implementation(spec, recipe)
        if kind.ranks_candidates:
            kind.device = placement.device
        features = kind.encode(calibrator.sample(examples), tokenizer, recipe.max_length)
        model = load_model_with_report(kind, config.model, config.model_revision).model
        compiled(model, config.compile)
        arguments = dict(
            placement=placement, pad_id=tokenizer.pad_token_id,
            batch_size=config.eval_batch_size, max_tokens=config.eval_tokens,
        )  # fmt: skip
        predict(model, kind, features[:8], **arguments)  # warm-up
        return _steady(lambda: (_timed(lambda: predict(model, kind, features, **arguments))[1],
                                len(features)))  # fmt: skip

    return calibrator.once(key, measure)


def _load_and_save(calibrator: Calibrator, ctx: Any, spec: Any, recipe: Any, tokenizer: Any):
    """Seconds to load the model with the task's head, and to save it."""
    from xtreme_harness.engine.kinds import implementation
    from xtreme_harness.engine.models import load_model_with_report, save

    config = ctx.config

    def measure() -> tuple[float, float]:
        kind = implementation(spec, recipe)
        model, load = _timed(
            lambda: load_model_with_report(kind, config.model, config.model_revision).model
        )
        with tempfile.TemporaryDirectory(prefix="xharness-estimate-") as folder:
            _, written = _timed(lambda: save(model, tokenizer, os.path.join(folder, "model")))
        return load, written

    return calibrator.once(("load", config.model, spec.name), measure)


def _updates(recipe: Any, features: int, max_steps: int | None) -> int:
    from xtreme_harness.engine.trainer import Schedule

    return Schedule(recipe, max_steps).updates(math.ceil(max(1, features) / recipe.batch_size))


def _evaluation_points(recipe: Any, updates: int) -> int:
    if recipe.selection not in ("en-dev", "target-dev"):
        return 0
    if recipe.eval_steps:
        return updates // recipe.eval_steps + (updates % recipe.eval_steps != 0)
    return max(1, math.ceil(recipe.epochs))


class StepCosts:
    """The predicted seconds of one step, from calibrated rates and counted work."""

    def __init__(self, calibrator: Calibrator, ctx: Any, placement: Any, tokenizer: Any) -> None:
        self.calibrator, self.ctx, self.placement, self.tokenizer = (
            calibrator, ctx, placement, tokenizer,
        )  # fmt: skip

    def training(self, spec: Any, phase: Any, recipe: Any, examples: list[dict],
                 regularizer: Any, max_steps: int | None, estimate: StepEstimate,
                 seconds_read: float) -> None:  # fmt: skip
        """Add reading, tokenizing, training (with its evaluation points) and the model's load
        and save for one phase on `examples`."""
        from xtreme_harness.engine.kinds import implementation
        from xtreme_harness.engine.stages import augmentation

        c, ctx = self.calibrator, self.ctx
        kind = implementation(spec, recipe)
        augmented, _ = augmentation.augment(regularizer, c.sample(examples), kind.text_fields,
                                            ctx.config.seed)  # fmt: skip
        copies = len(augmented) / max(1, min(len(examples), SAMPLE))
        _, per_example, encode = c.encoding(kind, self.tokenizer, examples, recipe.max_length,
                                            (spec.name, "train", regularizer.name))  # fmt: skip
        count = round(len(examples) * copies)
        features = round(count * per_example)
        updates = _updates(recipe, features, max_steps)
        update = _update_seconds(c, ctx, spec, recipe, augmented, regularizer, self.placement,
                                 self.tokenizer)  # fmt: skip
        add(estimate, "data", seconds_read + encode * count)
        add(estimate, "train", updates * update)
        estimate.work["updates"] = estimate.work.get("updates", 0) + updates
        points = _evaluation_points(recipe, updates)
        if points:
            dev = self.development(spec, phase, recipe)
            estimate.work["evaluation_points"] = estimate.work.get("evaluation_points", 0) + points
            add(estimate, "select", points * dev)

    def development(self, spec: Any, phase: Any, recipe: Any) -> float:
        """Seconds to score one evaluation point on the development data."""
        ctx = self.ctx
        split = phase.dev_split
        languages = [spec.train_language] if recipe.selection == "en-dev" else list(ctx.languages)
        total = 0.0
        for language in languages:
            try:
                examples, _ = self.calibrator.read(ctx, spec, split, language)
            except Exception:  # a language without development data: the stage skips it
                continue
            if recipe.dev_subset:
                examples = examples[: recipe.dev_subset]
            total += self.prediction(spec, recipe, examples)
        return total

    def prediction(self, spec: Any, recipe: Any, examples: list[dict]) -> float:
        """Seconds to tokenize and predict `examples`."""
        from xtreme_harness.engine.kinds import implementation

        if not examples:
            return 0.0
        kind = implementation(spec, recipe)
        _, per_example, encode = self.calibrator.encoding(
            kind, self.tokenizer, examples, recipe.max_length, (spec.name, "predict")
        )
        rate = _predict_seconds(self.calibrator, self.ctx, spec, recipe, examples,
                                self.placement, self.tokenizer)  # fmt: skip
        return len(examples) * (encode + per_example * rate)


def add(estimate: StepEstimate, part: str, seconds: float) -> None:
    estimate.parts[part] = estimate.parts.get(part, 0.0) + seconds
    estimate.seconds += seconds


def _intermediate(costs: StepCosts, estimate: StepEstimate) -> None:
    from xtreme_harness.engine import intermediate
    from xtreme_harness.engine.stages.intermediate import setup

    ctx = costs.ctx
    config, stage = ctx.config, ctx.config.intermediate
    spec, source, sampler, settings = setup(ctx)
    recipe = settings.recipes[0][1]
    (allocation, loaded, _), seconds_read = _timed(lambda: intermediate.select(
        sampler, spec, source, stage.budget, config.seed, data_dir=config.data_dir,
        revision=config.data_revision,
    ))  # fmt: skip
    chosen = intermediate.materialize(allocation, loaded, config.seed, spec.name)
    examples = [example for language in chosen for example in chosen[language]]
    regularizer = ctx.regularizer if stage.regularize else ctx.host.get("regularizers", "none")()
    costs.training(spec, settings.recipes[0][0], recipe, examples, regularizer,
                   stage.overrides.max_steps, estimate, seconds_read)  # fmt: skip
    load, save = _load_and_save(costs.calibrator, ctx, spec, recipe, costs.tokenizer)
    add(estimate, "load", load)
    add(estimate, "save", save)


def _finetune(costs: StepCosts, estimate: StepEstimate) -> None:
    ctx = costs.ctx
    settings = ctx.cell.finetune()
    trained = ctx.cell.trained_task() or ctx.spec
    config = ctx.config
    for phase, recipe in settings.recipes:
        assert phase is not None
        examples, seconds_read = costs.calibrator.read(ctx, trained, phase.train_split,
                                                       trained.train_language)  # fmt: skip
        if config.setting == "translate-train-all":  # each translation about as long
            examples = examples * len(ctx.languages)
        elif config.setting == "multi-source":  # the same examples the stage will add
            from xtreme_harness.engine.stages.multi_source import with_sources

            examples = with_sources(ctx, trained, list(examples))[0]
        costs.training(trained, phase, recipe, examples, ctx.regularizer,
                       config.overrides.max_steps, estimate, seconds_read)  # fmt: skip
    if settings.recipes:
        load, save = _load_and_save(costs.calibrator, ctx, trained, settings.recipes[0][1],
                                    costs.tokenizer)  # fmt: skip
        add(estimate, "load", load)
        add(estimate, "save", save)  # a grid's fine-tuning step always saves its model


def _shots(costs: StepCosts, estimate: StepEstimate) -> None:
    """few-shot's phase on k examples of every evaluation language but the training language
    (the English training examples stand in for them)."""
    ctx = costs.ctx
    config = ctx.config
    trained = ctx.cell.trained_task() or ctx.spec
    phase, recipe = ctx.cell.finetune().recipes[-1]
    assert phase is not None
    examples, seconds_read = costs.calibrator.read(ctx, trained, phase.train_split,
                                                   trained.train_language)  # fmt: skip
    others = sum(language != trained.train_language for language in ctx.languages)
    costs.training(trained, phase, recipe, examples[: config.shots] * others, ctx.regularizer,
                   config.overrides.max_steps, estimate, seconds_read)  # fmt: skip
    load, save = _load_and_save(costs.calibrator, ctx, trained, recipe, costs.tokenizer)
    add(estimate, "load", load)
    add(estimate, "save", save)


def _translate(costs: StepCosts, estimate: StepEstimate) -> None:
    """A translation step: its seconds are the translator's, which no calibration of the model
    measures; predicted as none, and the estimate's notes say so."""


def _evaluate(costs: StepCosts, estimate: StepEstimate) -> None:
    ctx = costs.ctx
    recipe = ctx.evaluation_recipe
    split = "test"
    load, _ = _load_and_save(costs.calibrator, ctx, ctx.spec, recipe, costs.tokenizer)
    add(estimate, "load", load)
    predicted = 0
    for language in ctx.languages:
        examples, seconds_read = costs.calibrator.read(ctx, ctx.spec, split, language)
        add(estimate, "data", seconds_read)
        add(estimate, "predict", costs.prediction(ctx.spec, recipe, examples))
        predicted += len(examples)
    estimate.work["predicted"] = predicted


def _embed(costs: StepCosts, estimate: StepEstimate) -> None:
    from xtreme_harness.interfaces.task import CANDIDATES_SPLIT, SHARED_POOL

    ctx = costs.ctx
    pool, seconds_read = costs.calibrator.read(ctx, ctx.spec, CANDIDATES_SPLIT, SHARED_POOL)
    add(estimate, "data", seconds_read)
    add(estimate, "predict", costs.prediction(ctx.spec, ctx.evaluation_recipe, pool))
    estimate.work["predicted"] = len(pool)


STAGE_COSTS = {"translate": _translate, "intermediate": _intermediate, "finetune": _finetune,
               "shots": _shots, "embed": _embed, "evaluate": _evaluate}  # fmt: skip


def estimate(plan: Any, store: Any, host: Any) -> Estimate:
    """Calibrate on the grid's device and predict every step that is not done."""
    _, startup = _timed(_import_engine)
    from xtreme_harness.config.run import config_from_dict
    from xtreme_harness.engine.context import Context
    from xtreme_harness.engine.device import place
    from xtreme_harness.engine.models import load_tokenizer

    calibrator = Calibrator()
    steps, done, device = [], 0, ""
    tokenizers: dict[Any, Any] = {}
    for step in plan.ordered():
        if store.status(step.key) == "done":
            done += 1
            continue
        config = config_from_dict({**step.config["run"], "progress": False})
        ctx = Context(config, host)
        placement = place(config.device, ctx.cell.precision(step.stage == "intermediate"))
        device = placement.describe()
        tokenizer = tokenizers.setdefault(
            (config.model, config.model_revision),
            load_tokenizer(config.model, config.model_revision),
        )
        task = config.intermediate.task if step.stage == "intermediate" else config.task
        predicted = StepEstimate(step.key, step.stage, task, 0.0)
        STAGE_COSTS[step.stage](StepCosts(calibrator, ctx, placement, tokenizer), predicted)
        steps.append(predicted)
    notes = []
    if any(cell.config.compile for cell in plan.cells):
        notes.append(
            "--compile: the updates are timed compiled, but each step's compilation (a minute "
            "or more per process and shape family) is not predicted"
        )
    if any(cell.config.translator is not None for cell in plan.cells):
        notes.append(
            "translate settings: fine-tuning on translations is predicted, translating is not "
            "(the translate steps are counted as no time: a translator's speed is its own; the "
            "store keeps every translation for the next steps)"
        )
    return Estimate(device, steps, done, calibrator.seconds, startup, notes)


WORKER_IMPORTS = (
    "import torch, transformers; import xtreme_harness.engine.stages, xtreme_harness.engine.trainer"
)


def _import_engine() -> None:
    """What a worker imports before its first step, in a fresh interpreter (this process may
    have imported part of it already)."""
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", WORKER_IMPORTS], check=False, capture_output=True)


def save_estimate(store: Any, result: Estimate) -> str:
    path = store.path(ESTIMATE_FILE)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_json(path, result.document())
    return path


@dataclass
class TimingRow:
    stage: str
    steps: int
    predicted: float
    measured: float

    @property
    def ratio(self) -> float | None:
        return self.measured / self.predicted if self.predicted else None


def compare(store: Any) -> tuple[list[TimingRow], list[str], float]:
    """Predicted against measured seconds per stage, for the steps the estimate predicted and
    that finished since; the keys it predicted that have not finished; and the start-up it
    predicted per worker process (which the measured seconds of a process's first step hold)."""
    path = store.path(ESTIMATE_FILE)
    if not os.path.exists(path):
        raise UsageError(
            f"{path}: no estimate in this run folder; `xharness grid FILE --estimate` writes "
            "one before the grid runs"
        )
    document = read_json(path, "estimate file")
    rows: dict[str, TimingRow] = {}
    unfinished = []
    for key, predicted in document["steps"].items():
        record = store.record(key)
        if record is None or record.get("status") != "done":
            unfinished.append(key)
            continue
        row = rows.setdefault(predicted["stage"], TimingRow(predicted["stage"], 0, 0.0, 0.0))
        row.steps += 1
        row.predicted += predicted["seconds"]
        row.measured += record["seconds"]
    return list(rows.values()), unfinished, float(document.get("startup_per_process", 0.0))
