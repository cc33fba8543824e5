"""multi-source: the target task's English training data plus its training data in the languages
a language set picks, the same samplers and the same draw as the intermediate stage
(`xtreme_harness.engine.intermediate`), so that "which languages" can be asked of the target
stage as of the intermediate one."""

from __future__ import annotations

from typing import Any

from xtreme_harness.engine import intermediate
from xtreme_harness.engine.context import Context
from xtreme_harness.interfaces.task import TaskSpec
from xtreme_harness.registry.languages import default_registry


def with_sources(
    ctx: Context, spec: TaskSpec, english: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, int], dict[str, Any], list[str]]:
    """The English examples followed by those the language set allocates in other languages;
    the examples per language, the record (allocation, budget) and notes."""
    config = ctx.config
    sampler = ctx.cell.multi_source_sampler()
    allocation, loaded, missing = intermediate.select(
        sampler, spec, config.source, config.multi_source_budget, config.seed,
        data_dir=config.data_dir, revision=config.data_revision,
    )  # fmt: skip
    notes = []
    if missing:
        shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10
                                            else "")  # fmt: skip
        notes.append(f"multi-source: the {config.source} source of {spec.name} has no training "
                     f"data in {len(missing)} languages the language set could have chosen: "
                     f"{shown}")  # fmt: skip
    chosen = intermediate.materialize(allocation, loaded, config.seed, spec.name)
    if spec.train_language in chosen:
        del chosen[spec.train_language]
        notes.append(f"multi-source: the language set chose {spec.train_language}, whose "
                     "training data is there in full already")  # fmt: skip
    counts = {spec.train_language: len(english)}
    counts.update({language: len(examples) for language, examples in chosen.items()})
    examples = english + [example for language in chosen for example in chosen[language]]
    record = {
        "language_set": {"name": sampler.name, "options": sampler.fingerprint()},
        "budget": config.multi_source_budget,
        "allocation": allocation.describe(default_registry()),
        "examples": counts,
    }
    return examples, counts, record, notes
