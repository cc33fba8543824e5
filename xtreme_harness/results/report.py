"""The research question answered from a grid's result files: the effect of one factor (main
effects) and how another factor changes it (interactions), per task, with intervals and p-values
corrected for every comparison the report makes (`xtreme_harness.results.effects`).

A factor is a part of a configuration (`FACTORS`): the intermediate language set, the regularizer,
the intermediate task or the model. Two results are compared only when they agree on everything
else (the rest of the configuration, task and seed); a comparison whose results are missing is
left out and said to be, never estimated from what happens to exist.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from xtreme_harness.errors import UsageError
from xtreme_harness.results import effects
from xtreme_harness.results.files import Result
from xtreme_harness.results.files import units as units_of
from xtreme_harness.results.tables import identity

NONE = "none"


def _language_set(ident: dict[str, Any]) -> str:
    stage = ident["intermediate"]
    return NONE if stage is None else stage["language_set"]["name"]


def _without_language_set(ident: dict[str, Any]) -> dict[str, Any]:
    if ident["intermediate"] is not None:
        ident["intermediate"] = {k: v for k, v in ident["intermediate"].items()
                                 if k != "language_set"}  # fmt: skip
    return ident


def _drop(*keys: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def drop(ident: dict[str, Any]) -> dict[str, Any]:
        for key in keys:
            ident.pop(key, None)
        return ident

    return drop


FACTORS: dict[str, tuple[Callable[[dict[str, Any]], str], Callable[[dict, Any], dict]]] = {
    "language_set": (_language_set, _without_language_set),
    "regularizer": (lambda ident: ident["regularizer"]["name"], _drop("regularizer")),
    "intermediate": (
        lambda ident: NONE if ident["intermediate"] is None else ident["intermediate"]["task"],
        _drop("intermediate"),
    ),
    "model": (lambda ident: ident["model"], _drop("model", "model_revision")),
}
"""Factor -> (its level in a configuration's identity, the identity without it)."""


@dataclass
class Comparison:
    kind: str
    """``main`` or ``interaction``."""
    task: str
    contrast: str
    context: str
    seeds: list[int]
    examples: effects.Estimate | None
    over_seeds: effects.Estimate | None
    detectable: float | None = None
    """The smallest contrast a paired t-test over these seeds finds with 80% power, from the
    spread of the per-seed contrasts (`effects.detectable_effect`); None below 2 seeds or
    without spread."""
    p_adjusted: float | None = None


@dataclass
class Report:
    factor: str
    baseline: str
    by: str | None
    reference: str | None
    correction: str
    comparisons: list[Comparison] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    results: dict[str, str] = field(default_factory=dict)
    """Every result file read -> the SHA-256 of its content, so each number can be traced."""

    def document(self) -> dict[str, Any]:
        return asdict(self)


def _path(result: Result) -> str:
    return result.path


def _sha256(path: str) -> str:
    import hashlib

    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def _level(factor: str, ident: dict[str, Any]) -> str:
    if factor not in FACTORS:
        raise UsageError(f"factor {factor!r}: expected one of {', '.join(FACTORS)}")
    return FACTORS[factor][0](ident)


def _context(ident: dict[str, Any], *factors: str) -> str:
    stripped = copy.deepcopy(ident)
    for factor in factors:
        stripped = FACTORS[factor][1](stripped)
    return json.dumps(stripped, sort_keys=True)


def _label(ident: dict[str, Any], skip: Sequence[str], varying: Sequence[str]) -> str:
    parts = [f"{f} {_level(f, ident)}" for f in varying if f not in skip]
    return ", ".join(parts) or "-"


class _Pairs:
    """Results by (context, task, levels...) -> {seed: result}, and units read once."""

    def __init__(self, results: Sequence[Result]) -> None:
        self.results = results
        self._units: dict[str, Any] = {}

    def units(self, result: Result) -> Any:
        if result.path not in self._units:
            self._units[result.path] = units_of(result)
        return self._units[result.path]


@dataclass
class _Found:
    seeds: list[int]
    examples: effects.Estimate | None
    over_seeds: effects.Estimate | None
    detectable: float | None


def _detectable(per_seed: list[float]) -> float | None:
    import statistics

    if len(per_seed) < 2 or statistics.stdev(per_seed) == 0:
        return None
    return effects.detectable_effect(statistics.stdev(per_seed), len(per_seed))


def _estimate(pairs: _Pairs, cells: dict[Any, dict[int, Result]], weights: dict[Any, float],
              what: str, missing: list[str]) -> _Found | None:  # fmt: skip
    """The contrast over the seeds every configuration has; None (and a line in `missing`) if a
    configuration lacks results, scores or units."""
    absent = [name for name in weights if not cells.get(name)]
    if absent:
        missing.append(f"{what}: no results for {', '.join(map(str, absent))}")
        return None
    seeds = sorted(set.intersection(*(set(cells[name]) for name in weights)))
    if not seeds:
        missing.append(f"{what}: no seed that every configuration ran")
        return None
    chosen = {name: {s: cells[name][s] for s in seeds} for name in weights}
    if any(r.document["score"] is None for runs in chosen.values() for r in runs.values()):
        missing.append(f"{what}: a result without a task score (evaluated on some languages "
                       "only, or on unlabelled test data)")  # fmt: skip
        return None
    scores = {
        name: {s: r.document["score"] for s, r in runs.items()} for name, runs in chosen.items()
    }
    seeds_estimate = effects.over_seeds(scores, weights) if len(seeds) >= 3 else None
    per_seed = [sum(w * scores[name][s] for name, w in weights.items()) for s in seeds]
    found = _Found(seeds, None, seeds_estimate, _detectable(per_seed))
    units: dict[Any, dict[tuple[str, int], Any]] = {}
    for name, runs in chosen.items():
        units[name] = {}
        for s, result in runs.items():
            per_language = pairs.units(result)
            if per_language is None:
                missing.append(f"{what}: {result.path} recorded no per-example units")
                return found
            units[name].update({(language, s): table for language, table in per_language.items()})
    languages = {frozenset(lang for lang, _ in u) for u in units.values()}
    if len(languages) != 1:
        missing.append(f"{what}: the configurations were evaluated on different languages")
        return found
    metric = next(iter(chosen[next(iter(weights))].values())).document["task"]["metric"]
    found.examples = effects.over_examples(metric, units, weights)
    return found


def build(
    results: Sequence[Result],
    factor: str,
    baseline: str,
    *,
    by: str | None = None,
    reference: str = NONE,
    correction: str = "holm",
) -> Report:
    """Main effects of `factor` (each level against `baseline`) and, with `by`, their
    interaction with `by` (each level of it against `reference`), per task."""
    if correction not in effects.CORRECTIONS:
        raise UsageError(f"correction {correction!r}: expected one of "
                         f"{', '.join(effects.CORRECTIONS)}")  # fmt: skip
    if by == factor:
        raise UsageError("--by must name another factor than --factor")
    hashes = {r.path: _sha256(r.path) for r in sorted(results, key=_path)}
    report = Report(factor, baseline, by, reference if by else None, correction, results=hashes)
    idents = {r.path: identity(r.document) for r in results}
    levels = {_level(factor, i) for i in idents.values()}
    if baseline not in levels:
        raise UsageError(f"baseline {baseline!r} is not a level of {factor} in these results; "
                         f"they have {', '.join(sorted(levels))}")  # fmt: skip
    varying = [f for f in FACTORS if len({_level(f, i) for i in idents.values()}) > 1]
    pairs = _Pairs(results)

    # main effects: within each context (everything but the factor equal), per task
    groups: dict[tuple[str, str], dict[str, dict[int, Result]]] = {}
    labels: dict[str, str] = {}
    for result in results:
        ident = idents[result.path]
        key = _context(ident, factor)
        labels[key] = _label(ident, (factor,), varying)
        groups.setdefault((key, result.task), {}).setdefault(_level(factor, ident), {})[
            result.seed
        ] = result
    for (key, task), cells in sorted(
        groups.items(), key=lambda item: (item[0][1], labels[item[0][0]])
    ):
        for level in sorted(cells):
            if level == baseline:
                continue
            what = f"{task}, {labels[key]}: {level} - {baseline}"
            found = _estimate(pairs, cells, effects.main_effect(level, baseline), what,
                              report.missing)  # fmt: skip
            if found is not None:
                contrast = f"{level} - {baseline}"
                report.comparisons.append(Comparison(
                    "main", task, contrast, labels[key], found.seeds, found.examples,
                    found.over_seeds, found.detectable,
                ))  # fmt: skip

    # interactions: the factor's effect under each level of `by` minus under the reference
    if by is not None:
        quads: dict[tuple[str, str], dict[tuple[str, str], dict[int, Result]]] = {}
        for result in results:
            ident = idents[result.path]
            key = _context(ident, factor, by)
            labels[key] = _label(ident, (factor, by), varying)
            level = (_level(factor, ident), _level(by, ident))
            quads.setdefault((key, result.task), {}).setdefault(level, {})[result.seed] = result
        for (key, task), cells in sorted(
            quads.items(), key=lambda item: (item[0][1], labels[item[0][0]])
        ):
            factor_levels = sorted({a for a, _ in cells} - {baseline})
            conditions = sorted({b for _, b in cells} - {reference})
            for level in factor_levels:
                for condition in conditions:
                    contrast = f"({level} - {baseline}) under {condition} minus under {reference}"
                    what = f"{task}, {labels[key]}: {contrast}"
                    weights = effects.interaction(level, baseline, condition, reference)
                    found = _estimate(pairs, cells, weights, what, report.missing)
                    if found is not None:
                        report.comparisons.append(Comparison(
                            "interaction", task, contrast, labels[key], found.seeds,
                            found.examples, found.over_seeds, found.detectable,
                        ))  # fmt: skip

    tested = [c for c in report.comparisons if c.examples is not None]
    adjusted = effects.adjust([c.examples.p for c in tested], correction)
    for comparison, p in zip(tested, adjusted, strict=True):
        comparison.p_adjusted = p
    return report


def summary(report: Report) -> str:
    """One paragraph from the numbers: which contrasts exclude zero after the correction."""
    tested = [c for c in report.comparisons if c.p_adjusted is not None]
    name = {"holm": "Holm's correction", "bh": "the Benjamini-Hochberg correction"}[
        report.correction
    ]
    if not tested:
        return "No comparison could be made from these results."
    found = [c for c in tested if c.p_adjusted < 0.05 and c.examples.excludes_zero]
    parts = [f"Of {len(tested)} comparisons, {len(found)} differ from zero at the 5% level "
             f"after {name} across all of them"]  # fmt: skip
    if found:
        listed = "; ".join(
            f"{c.task} ({c.context}): {c.contrast} = {c.examples.value:+.2f} "
            f"[{c.examples.low:+.2f}, {c.examples.high:+.2f}]"
            for c in found
        )
        parts.append(f": {listed}")
    text = "".join(parts) + "."
    nulls = [c for c in tested if c not in found and c.detectable is not None]
    if nulls:
        text += (
            f" Where no difference was found, the seeds could have detected a contrast of "
            f"{min(c.detectable for c in nulls):.2f} to {max(c.detectable for c in nulls):.2f} "
            "points with 80% power; smaller effects are not ruled out."
        )
    if report.missing:
        text += f" {len(report.missing)} comparisons were left out for missing results."
    text += (
        " Intervals are 95% paired bootstraps over test examples; they do not cover seed-to-seed"
        " variation (see the intervals over seeds)."
    )
    return text
