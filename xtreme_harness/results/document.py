"""The result document of one run, built by one plain function from its stages' outputs.

`xharness run` calls `build` after its stages; a grid calls it when a cell's steps are all
done, from their step records, with no training code imported. The document is validated
against `registry/schemas/result.schema.json` by whoever writes it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from xtreme_harness.config import cell as cells
from xtreme_harness.config.resolution import Departure, is_tiny, random_model
from xtreme_harness.config.run import RunConfig
from xtreme_harness.interfaces.task import TaskSpec
from xtreme_harness.provenance import provenance
from xtreme_harness.registry.languages import LanguageRegistry, default_registry
from xtreme_harness.results import metrics

FORMAT_VERSION = 2


def build(
    config: RunConfig,
    host: Any,
    *,
    intermediate: Mapping[str, Any] | None,
    finetune: Mapping[str, Any],
    evaluate: Mapping[str, Any],
    embed: Mapping[str, Any] | None = None,
    started_at: str,
    seconds: float,
    prefix: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The result document from the outputs of a run's stages. `prefix` maps a stage to the
    folder its relative paths start from (a grid's step folders; empty for `xharness run`)."""
    prefix = prefix or {}
    cell = cells.resolve(config, host)
    spec = cell.spec
    regularizer = cell.regularizer()
    tiny = is_tiny(config.model)
    random = random_model(config.model)
    notes: list[str] = list(cell.notes())
    for part in (intermediate, finetune, evaluate):
        for note in (part or {}).get("notes", []):
            if note not in notes:
                notes.append(note)
    average, score, missing_note = aggregate(spec, evaluate["scores"], evaluate.get("pooled"))
    if missing_note:
        notes.append(missing_note)
    stages = {"intermediate": intermediate, "finetune": finetune, "evaluation": evaluate}
    departures = cells.unique(
        [Departure(**d) for part in stages.values() if part
         for d in part.get("protocol", {}).get("departures", [])]
        + cell.cell_departures(tiny=tiny, regularizer=regularizer, random_model=random)
    )  # fmt: skip
    if tiny:
        notes.append("tiny random-initialised model: the scores mean nothing")
    if random is not None:
        notes.append(f"random-initialised {random}: the scores mean nothing")
    if config.source == "sample":
        notes.append("sample data is small and synthetic: the scores mean nothing")
    timings = {"intermediate": intermediate["seconds"]} if intermediate else {}
    timings.update(finetune["timings"])
    if embed is not None:
        timings["embed"] = embed["seconds"]
    timings.update(evaluate["timings"])
    timings["total"] = seconds
    evaluated = prefix.get("evaluate", "")
    evaluation = {
        language: {
            **entry,
            **{
                key: evaluated + entry[key]
                for key in ("predictions", "units", "certificates")
                if key in entry
            },
        }
        for language, entry in evaluate["evaluation"].items()
    }
    trained = (("intermediate", intermediate), ("finetune", finetune))
    return {
        "format": "xharness-result",
        "version": FORMAT_VERSION,
        "status": "complete",
        "task": {
            "name": spec.name,
            "kind": spec.kind.value,
            "category": spec.category.value,
            "benchmark": spec.benchmark,
            "metric": spec.metric,
            "languages": list(spec.languages),
            "plugin": host.registrations("tasks")[spec.name].plugin,
        },
        "model": {
            "name_or_path": config.model,
            "revision": config.model_revision,
            "tiny": tiny,
            "parameters": finetune["parameters"],
        },
        "config": {
            "source": config.source,
            "data_dir": config.data_dir,
            "data_revision": config.data_revision,
            "seed": config.seed,
            "phases": finetune["phase_configs"],
            "overrides": {
                key: value
                for key, value in dataclasses.asdict(config.overrides).items()
                if value is not None
            },
            "regularizer": {"name": regularizer.name, "options": regularizer.fingerprint()},
            "setting": cell.setting_record(),
            "perturbation": cell.perturbation_record(),
            "intermediate": intermediate["config"] if intermediate else None,
            "precision": finetune["precision"],
            "device": finetune["device"],
            "eval_languages": list(evaluate["evaluation"]),
            "fine_tune_on": finetune.get("fine_tune_on"),
            "eval_batch_size": config.eval_batch_size,
            "eval_tokens": config.eval_tokens,
            "compile": config.compile,
            "attention": finetune.get("attention"),
            "retrieval": evaluate.get("retrieval"),
        },
        "training": {
            "intermediate": intermediate["record"] if intermediate else None,
            "phases": finetune["phases"],
            "initialised": {
                name: part["initialised"]
                for name, part in trained
                if part and "initialised" in part
            },
            "augmentation": {name: part.get("augmentation") for name, part in trained if part},
            "translation": finetune.get("translation"),
            "multi_source": finetune.get("multi_source"),
        },
        "intermediate": None
        if intermediate is None
        else {
            "allocation": intermediate["allocation"],
            "targets": relations(
                [row["language"] for row in intermediate["allocation"]["languages"]],
                spec.languages,
                default_registry(),
            ),
        },
        "evaluation": evaluation,
        "scores": evaluate["scores"],
        "generalized": evaluate["generalized"],
        "average": average,
        "score": score,
        "meaningful": not tiny and random is None and config.source != "sample",
        "protocol": {
            **cell.record(),
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
            plugins={p.name: p.version for p in host.plugins()},
            device=finetune["device_name"],
            started_at=started_at,
            timings=timings,
        ),
    }


def merge_training(parts: Sequence[tuple[str | None, Mapping[str, Any]]]) -> dict[str, Any]:
    """One fine-tuning output from the outputs of the steps that trained a cell's model(s), in
    order: few-shot's English fine-tuning, then its shots phase (no label); translate-train's
    model of each language (labelled by the language, which its phases' names end with). Phases
    follow each other, notes are kept once, translations merged, seconds added; the first part
    gives everything else."""
    (_, first), *_ = parts
    merged = {**first, "phases": [], "phase_configs": [], "notes": [], "timings": {}}
    translations: dict[str, Any] = {}
    for label, part in parts:
        suffix = "" if label is None else f"/{label}"
        merged["phases"] += [{**p, "name": p["name"] + suffix} for p in part["phases"]]
        merged["phase_configs"] += [{**p, "name": p["name"] + suffix}
                                    for p in part["phase_configs"]]  # fmt: skip
        merged["notes"] += [note for note in part.get("notes", []) if note not in merged["notes"]]
        for key, seconds in part["timings"].items():
            merged["timings"][key] = round(merged["timings"].get(key, 0.0) + seconds, 3)
        translations.update(part.get("translation") or {})
    merged["translation"] = translations or None
    if all(label is not None for label, _ in parts):
        merged["model"], merged["models"] = None, {label: p["model"] for label, p in parts}
    else:
        merged["model"] = parts[-1][1].get("model")
    return merged


def aggregate(
    spec: TaskSpec, scores: Mapping[str, Mapping[str, float]], pooled: Mapping[str, float] | None
) -> tuple[dict[str, float] | None, float | None, str]:
    """The task average over all its languages (or, for a pooled metric, `pooled`: the metric
    over the examples of all languages together), its score, and a note if some languages are
    missing: nothing is averaged over what happens to exist."""
    missing = [lang for lang in spec.languages if lang not in scores]
    if missing:
        return None, None, (
            f"no task average: {len(missing)} of {len(spec.languages)} languages not scored "
            f"({', '.join(missing)})"
        )  # fmt: skip
    if pooled is not None:
        return dict(pooled), metrics.task_score(spec.metric, pooled), ""
    keys = next(iter(scores.values())).keys()
    average = {
        key: sum(scores[lang][key] for lang in spec.languages) / len(spec.languages) for key in keys
    }
    return average, metrics.task_score(spec.metric, average), ""


def relations(
    languages: Sequence[str], targets: Sequence[str], registry: LanguageRegistry
) -> dict[str, dict[str, Any]]:
    """For each target language: was it in the intermediate set `languages` (seen), and is a
    language of its family (Glottolog, and conventional label) in the set?"""
    chosen = [registry.get(code) for code in languages]
    families = {lang.family for lang in chosen}
    conventional = {lang.family_conventional for lang in chosen}
    codes = {lang.code for lang in chosen}
    described: dict[str, dict[str, Any]] = {}
    for code in targets:
        if code not in registry:
            described[code] = {"seen": False, "family": None, "family_in_set": None,
                               "conventional_family_in_set": None}  # fmt: skip
            continue
        lang = registry.get(code)
        described[code] = {
            "seen": lang.code in codes,
            "family": lang.family,
            "family_in_set": lang.family in families,
            "conventional_family_in_set": lang.family_conventional in conventional,
        }
    return described


def _unverified(stages: Mapping[str, Mapping[str, Any] | None]) -> list[str]:
    """The protocol values the stages used that their source does not confirm."""
    return sorted(
        f"{name}.{key}"
        for name, part in stages.items()
        if part
        for key, value in part.get("protocol", {}).get("settings", {}).items()
        if not value["verified"]
    )
