"""From cells to a plan of shared steps with content keys.

A cell (one run configuration) needs these steps:

    translate     translate settings: one task split in one language into another, by the
                  translator (``translate/<lang>``), shared by every cell that reads it
    intermediate  model, intermediate task, language set, budget, seed, ...  -> an encoder
    finetune      the intermediate step (or the base model), target task, regularizer, seed, ...
                  translate-train: one step per evaluation language (``finetune/<lang>``),
                  the training language's being zero-shot's
    shots         few-shot: the finetune step (zero-shot's) continued on the target languages'
                  shots
    embed         the model's step, the task's shared candidate pool (retrieval: LAReQA,
                  Mewsli-X) -> memory-mapped candidate embeddings
    evaluate      the model's step(s) (and embed), evaluation languages, generalised evaluation

A step's key is a digest of exactly what determines its output: its own settings, the keys of the
steps it needs, and the versions of xharness and of the plugins that define it. Cells that agree on
a step's settings share that step: one intermediate model serves every target task and every
regularizer that does not apply to the intermediate stage; one English fine-tuning serves the
zero-shot, translate-test, few-shot and translate-train cells of the same configuration. A step
carries the configuration that makes exactly it: a few-shot cell's finetune step runs as the
zero-shot cell's would.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from xtreme_harness.config import cell as cells
from xtreme_harness.config.combinations import TRANSLATABLE
from xtreme_harness.config.run import RunConfig, config_to_dict
from xtreme_harness.engine.intermediate import check_budget_given
from xtreme_harness.interfaces.executor import Resources, Step
from xtreme_harness.provenance import code_versions

STAGES = ("translate", "intermediate", "finetune", "shots", "embed", "evaluate")
TRANSLATED = ("translate-test", "translate-train", "translate-train-all")

SHARES_ENGLISH = ("zero-shot", "translate-test", "few-shot", "translate-train")
"""Settings whose fine-tuning on the training language is zero-shot's."""


@dataclass(frozen=True)
class Cell:
    """One run configuration of the grid and the keys of its steps."""

    id: str
    config: RunConfig
    steps: dict[str, str]
    """The name of each of the cell's steps (its stage; ``finetune/<lang>``) -> its key."""


@dataclass
class Plan:
    cells: list[Cell]
    steps: dict[str, Step] = field(default_factory=dict)

    def ordered(self) -> list[Step]:
        """Steps in an order where every step comes after the steps it needs."""
        rank = {stage: i for i, stage in enumerate(STAGES)}
        return sorted(self.steps.values(), key=lambda s: (rank[s.stage], s.key))

    def count(self) -> dict[str, int]:
        return {stage: sum(s.stage == stage for s in self.steps.values()) for stage in STAGES}


def digest(document: Any) -> str:
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class PlannedStep:
    """One of a cell's steps before its key is known: its stage, what determines its output,
    the configuration that runs it, the names of the cell's steps it needs, and what else the
    worker reads (translate-train's evaluation: which need is which language's model)."""

    stage: str
    settings: dict[str, Any]
    config: RunConfig
    needs: tuple[str, ...] = ()
    models: dict[str, str] | None = None
    """Evaluation language -> the name of the cell's step whose model predicts it."""


def english(config: RunConfig) -> RunConfig:
    """`config` as the zero-shot cell whose English fine-tuning it shares."""
    return dataclasses.replace(
        config, setting="zero-shot", shots=None, translator=None, translator_options={},
        multi_source=None, multi_source_options={}, multi_source_budget=None,
    )  # fmt: skip


def cell_steps(config: RunConfig, host: Any) -> dict[str, PlannedStep]:
    """The steps of the cell of `config`, by name (a stage, or ``finetune/<lang>``), each after
    the steps it needs."""
    record = config_to_dict(config)
    cell = cells.resolve(config, host)
    cell.check_setting()
    regularizer = cell.regularizer()
    regularizer_print = {"name": regularizer.name, "options": regularizer.fingerprint()}
    base = {
        "model": config.model,
        "model_revision": config.model_revision,
        "data_dir": config.data_dir,
        "data_revision": config.data_revision,
        "seed": config.seed,
        "precision": config.precision,
        "device": config.device,
        "compile": config.compile,
        "protocol": {"name": cell.protocol.name, "sha256": cell.protocol.sha256},
        "versions": code_versions(host),
    }
    spec = host.get("tasks", config.task)
    languages = tuple(config.eval_languages or spec.languages)
    translations = _translation_steps(config, cell, spec, languages, base)
    steps: dict[str, PlannedStep] = dict(translations)
    if config.intermediate is not None:
        settings = config.intermediate
        sampler = host.get("language_sets", settings.language_set)(**dict(settings.options))
        check_budget_given(sampler, settings.budget)
        steps["intermediate"] = PlannedStep("intermediate", {
            **base,
            "task": settings.task,
            "source": settings.source or config.source,
            "language_set": {"name": sampler.name, "options": sampler.fingerprint()},
            "budget": settings.budget,
            "overrides": record["intermediate"]["overrides"],
            "regularizer": regularizer_print if settings.regularize else None,
        }, config)  # fmt: skip
    before = tuple(name for name in steps if name not in translations)
    finetune = {
        **base,
        "task": config.task,
        "source": config.source,
        "regularizer": regularizer_print,
        "overrides": record["overrides"],
        "fine_tune_on": config.fine_tune_on,
        "eval_batch_size": config.eval_batch_size,
        "eval_tokens": config.eval_tokens,
    }
    reads_languages = config.setting == "translate-train-all" or cell.selects_on_targets()
    if reads_languages and config.eval_languages is not None:  # None: all the task's
        finetune["eval_languages"] = record["eval_languages"]
    shared = config.setting in SHARES_ENGLISH
    if not shared:
        finetune["setting"] = cell.setting_record()
    translated = tuple(translations) if config.setting == "translate-train-all" else ()
    steps["finetune"] = PlannedStep(
        "finetune", finetune, english(config) if shared else config, before + translated
    )
    model = "finetune"
    models = None
    if config.setting == "translate-train":  # a model per language, each a step
        trained_english = steps.pop("finetune")
        models = {}
        for language in languages:
            name = models[language] = f"finetune/{language}"
            into = {**finetune, "setting": cell.setting_record(), "into": language}
            translated = tuple(n for n in (f"translate/{language}",) if n in translations)
            steps[name] = (
                trained_english if language == spec.train_language
                else PlannedStep("finetune", into, config, before + translated)
            )  # fmt: skip
    if config.setting == "few-shot":
        shots = {**finetune, "setting": cell.setting_record(), "eval_languages": list(languages)}
        steps["shots"] = PlannedStep("shots", shots, config, ("finetune",))
        model = "shots"
    if spec.pool == "shared":
        steps["embed"] = PlannedStep("embed", {
            "task": config.task,
            "source": config.source,
            "data_dir": config.data_dir,
            "data_revision": config.data_revision,
            "precision": config.precision,
            "compile": config.compile,
            "protocol": base["protocol"],
            "versions": base["versions"],
        }, config, (model,))  # fmt: skip
    evaluate = {
        "task": config.task,
        "source": config.source,
        "eval_languages": record["eval_languages"],
        "generalized": config.generalized,
        "eval_batch_size": config.eval_batch_size,
        "eval_tokens": config.eval_tokens,
        "compile": config.compile,
        "protocol": base["protocol"],
    }
    if config.setting != "zero-shot":  # zero-shot keys stay what they were before settings
        evaluate["setting"] = cell.setting_record()
    if config.perturbation is not None:  # and clean ones what they were before perturbations
        evaluate["perturbation"] = cell.perturbation_record()
    needs = tuple(dict.fromkeys(models.values())) if models else (model,)
    needs += ("embed",) if "embed" in steps else ()
    needs += tuple(translations) if config.setting == "translate-test" else ()
    steps["evaluate"] = PlannedStep("evaluate", evaluate, config, needs, models)
    return steps


def _translation_steps(
    config: RunConfig, cell: Any, spec: Any, languages: tuple[str, ...], base: dict[str, Any]
) -> dict[str, PlannedStep]:
    """translate-test, translate-train(-all) of a task translated text by text: a step per
    evaluation language but the training language (``translate/<lang>``), translating the test
    set into the training language or the training set into the language, once for every cell
    (seeds, regularizers, settings) that reads it. Extractive QA trains on released files: none."""
    if config.setting not in TRANSLATED or spec.kind not in TRANSLATABLE:
        return {}
    test = config.setting == "translate-test"
    perturber = cell.perturber() if test else None
    shown = perturber is not None and not perturber.model_aware  # perturbed, then translated
    found = {}
    for language in languages:
        if language == spec.train_language:
            continue
        found[f"translate/{language}"] = PlannedStep("translate", {
            "translator": cell.setting_record()["translator"],
            "task": spec.name,
            "source": config.source,
            "data_dir": config.data_dir,
            "data_revision": config.data_revision,
            "split": "test" if test else spec.phases[0].train_split,
            "language": language if test else spec.train_language,
            "target": spec.train_language if test else language,
            "perturbation": cell.perturbation_record() if shown else None,
            "versions": base["versions"],
        }, config)  # fmt: skip
    return found


def cell_name(config: RunConfig) -> str:
    """A readable name: task, intermediate set, regularizer, seed."""
    parts = [config.task]
    if config.intermediate is not None:
        parts.append(f"{config.intermediate.task}.{config.intermediate.language_set}")
    parts += [config.regularizer]
    if config.perturbation is not None:
        parts.append(config.perturbation)
    if config.setting != "zero-shot":
        parts.append(config.setting + (f"{config.shots}" if config.shots else "")
                     + (f".{config.multi_source}" if config.multi_source else ""))  # fmt: skip
    parts.append(f"s{config.seed}")
    return "-".join(part.replace("/", "_") for part in parts)


def build(configs: Sequence[RunConfig], host: Any) -> Plan:
    """The plan of `configs`: each cell with its steps, each distinct step once."""
    plan = Plan(cells=[])
    seen_cells: set[str] = set()
    for config in configs:
        keys: dict[str, str] = {}
        for name, planned in cell_steps(config, host).items():
            needs = tuple(keys[other] for other in planned.needs)
            key = digest({"stage": planned.stage, "settings": planned.settings, "needs": needs})
            key = keys[name] = f"{planned.stage[:2]}-{key}"
            if key not in plan.steps:
                extra = {} if planned.models is None else {
                    "models": {language: keys[n] for language, n in planned.models.items()}
                }  # fmt: skip
                plan.steps[key] = Step(
                    key=key,
                    stage=planned.stage,
                    needs=needs,
                    resources=Resources(
                        cpus=1.0, gpus=1.0 if config.device.startswith("cuda") else 0.0
                    ),
                    config={
                        "run": config_to_dict(planned.config),
                        "settings": planned.settings,
                        **extra,
                    },
                )
        cell_id = f"{cell_name(config)}-{digest(keys)[:8]}"
        if cell_id in seen_cells:
            continue
        seen_cells.add(cell_id)
        plan.cells.append(Cell(cell_id, config, keys))
    return plan
