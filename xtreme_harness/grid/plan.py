"""From cells to a plan of shared steps with content keys.

A cell (one run configuration) needs up to four steps:

    intermediate  model, intermediate task, language set, budget, seed, ...  -> an encoder
    finetune      the intermediate step (or the base model), target task, regularizer, seed, ...
    embed         the finetune step, the task's shared candidate pool (retrieval: LAReQA, Mewsli-X)
                  -> memory-mapped candidate embeddings
    evaluate      the finetune (and embed) step, evaluation languages, generalised evaluation

A step's key is a digest of exactly what determines its output: its own settings, the keys of the
steps it needs, and the versions of xharness and of the plugins that define it. Cells that agree on
a step's settings share that step: one intermediate model serves every target task and every
regularizer that does not apply to the intermediate stage.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from xtreme_harness.config import cell as cells
from xtreme_harness.config.run import RunConfig, config_to_dict
from xtreme_harness.engine.intermediate import check_budget_given
from xtreme_harness.interfaces.executor import Resources, Step
from xtreme_harness.provenance import code_versions

STAGES = ("intermediate", "finetune", "embed", "evaluate")


@dataclass(frozen=True)
class Cell:
    """One run configuration of the grid and the keys of its steps."""

    id: str
    config: RunConfig
    steps: dict[str, str]
    """Stage -> the key of the cell's step of that stage."""


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


def stage_settings(config: RunConfig, host: Any) -> dict[str, dict[str, Any] | None]:
    """What determines each stage's output, as JSON-ready dicts (intermediate and embed may be
    None)."""
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
    stage = None
    if config.intermediate is not None:
        settings = config.intermediate
        sampler = host.get("language_sets", settings.language_set)(**dict(settings.options))
        check_budget_given(sampler, settings.budget)
        stage = {
            **base,
            "task": settings.task,
            "source": settings.source or config.source,
            "language_set": {"name": sampler.name, "options": sampler.fingerprint()},
            "budget": settings.budget,
            "overrides": record["intermediate"]["overrides"],
            "regularizer": regularizer_print if settings.regularize else None,
        }
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
    if config.setting in ("translate-train", "translate-train-all", "few-shot", "multi-source"):
        finetune["setting"] = cell.setting_record()
    spec = host.get("tasks", config.task)
    embed = None
    if spec.pool == "shared":
        embed = {
            "task": config.task,
            "source": config.source,
            "data_dir": config.data_dir,
            "data_revision": config.data_revision,
            "precision": config.precision,
            "compile": config.compile,
            "protocol": base["protocol"],
            "versions": base["versions"],
        }
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
    return {"intermediate": stage, "finetune": finetune, "embed": embed, "evaluate": evaluate}


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


def _needs(stage: str, keys: dict[str, str]) -> tuple[str, ...]:
    """The keys of the steps a step of `stage` needs, among the cell's earlier steps."""
    wanted = {
        "intermediate": (),
        "finetune": ("intermediate",),
        "embed": ("finetune",),
        "evaluate": ("finetune", "embed"),
    }[stage]
    return tuple(keys[other] for other in wanted if other in keys)


def build(configs: Sequence[RunConfig], host: Any) -> Plan:
    """The plan of `configs`: each cell with its steps, each distinct step once."""
    plan = Plan(cells=[])
    seen_cells: set[str] = set()
    for config in configs:
        settings = stage_settings(config, host)
        keys: dict[str, str] = {}
        for stage in STAGES:
            own = settings[stage]
            if own is None:
                continue
            needs = _needs(stage, keys)
            key = f"{stage[:2]}-{digest({'stage': stage, 'settings': own, 'needs': needs})}"
            keys[stage] = key
            if key not in plan.steps:
                plan.steps[key] = Step(
                    key=key,
                    stage=stage,
                    needs=needs,
                    resources=Resources(
                        cpus=1.0, gpus=1.0 if config.device.startswith("cuda") else 0.0
                    ),
                    config={"run": config_to_dict(config), "settings": own},
                )
        cell_id = f"{cell_name(config)}-{digest(keys)[:8]}"
        if cell_id in seen_cells:
            continue
        seen_cells.add(cell_id)
        plan.cells.append(Cell(cell_id, config, keys))
    return plan
