"""The research question answered from a grid's result files: the effect of one factor (main
effects) and how another factor changes it (interactions), per task, per category and on the
benchmark score, and per subgroup of target languages, with intervals and p-values corrected for
every comparison the report makes (`xtreme_harness.results.effects`).

A factor is a part of a configuration (`FACTORS`): the intermediate language set, the regularizer,
the intermediate task or the model. Two results are compared only when they agree on everything
else (the rest of the configuration, task and seed); a comparison whose results are missing is
left out and said to be, never estimated from what happens to exist.
"""

from __future__ import annotations

import copy
import json
import statistics
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from xtreme_harness.errors import UsageError
from xtreme_harness.results import effects
from xtreme_harness.results.files import Result
from xtreme_harness.results.files import units as units_of
from xtreme_harness.results.metrics import POOLED
from xtreme_harness.results.significance import score
from xtreme_harness.results.subgroups import SUBGROUPS, note
from xtreme_harness.results.subgroups import subgroups as subgroups_of
from xtreme_harness.results.tables import (
    CATEGORY_LABELS,
    identity,
    language_scores,
    setting_label,
)

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


SELECTION_OPTIONS = ("selection", "average_last")
"""Overrides that belong to the model-selection rule."""


def _without_selection(ident: dict[str, Any]) -> dict[str, Any]:
    ident.pop("selection", None)
    ident["overrides"] = {k: v for k, v in (ident["overrides"] or {}).items()
                          if k not in SELECTION_OPTIONS}  # fmt: skip
    return ident


def report_identity(document: dict[str, Any]) -> dict[str, Any]:
    """`tables.identity` plus the model-selection rule of the fine-tuning phases (``en-dev``,
    ``last``...; joined by ``+`` for several phases), so that it can be a factor."""
    ident = identity(document)
    rules = [phase["recipe"].get("selection") or "?" for phase in document["config"]["phases"]]
    ident["selection"] = "+".join(rules)
    return ident


FACTORS: dict[str, tuple[Callable[[dict[str, Any]], str], Callable[[dict, Any], dict]]] = {
    "language_set": (_language_set, _without_language_set),
    "regularizer": (lambda ident: ident["regularizer"]["name"], _drop("regularizer")),
    "intermediate": (
        lambda ident: NONE if ident["intermediate"] is None else ident["intermediate"]["task"],
        _drop("intermediate"),
    ),
    "model": (lambda ident: ident["model"], _drop("model", "model_revision")),
    "selection": (lambda ident: ident["selection"], _without_selection),
    "setting": (lambda ident: setting_label(ident["setting"]), _drop("setting")),
    "perturbation": (
        lambda ident: NONE if ident["perturbation"] is None else ident["perturbation"]["name"],
        _drop("perturbation"),
    ),
}
"""Factor -> (its level in a configuration's identity, the identity without it)."""


@dataclass
class Comparison:
    kind: str
    """``main`` or ``interaction``."""
    task: str
    """A task, a category of the benchmark's tasks (``Classification (xnli, xcopa)``) or the
    benchmark's score (``XTREME-R score``)."""
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
    seeds_needed: int | None = None
    """The seeds a paired t-test needs to find a contrast of this comparison's observed size
    with 80% power, given the spread of its per-seed contrasts (`effects.seeds_needed`); None
    below 2 seeds, without spread or for a zero contrast. Capped at `SEEDS_CAP`."""
    subgroup: str | None = None
    """The subgroup of target languages (``resource: class 1``); None for all of them."""
    languages: list[str] = field(default_factory=list)
    """The target languages of a subgroup (empty for all of the task's)."""
    selection: str | None = None
    """The model-selection rule of the context where the grid ran several (else None)."""
    context_across_selection: str | None = None
    """The context without its selection rule: comparisons that share it, one per rule, are
    the same conclusion under each rule (`sensitivity`)."""


@dataclass
class Report:
    factor: str
    baseline: str
    by: str | None
    reference: str | None
    correction: str
    benchmark: str = "xtreme-r"
    subgroups: list[str] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Subgroups that could not be formed, and why."""
    distances: list[Any] = field(default_factory=list)
    """`distance_model.Fit`s: each main effect's per-language gain against typological
    distance to the intermediate languages and resource class."""
    typology: str | None = None
    """The package and version the distances come from (``lang2vec 1.1.2``)."""
    results: dict[str, str] = field(default_factory=dict)
    """Every result file read -> the SHA-256 of its content, so each number can be traced."""

    def document(self) -> dict[str, Any]:
        return asdict(self)


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


def _scopes(benchmark: Any, results: Sequence[Result], notes: list[str]) -> dict[str, list]:
    """Task -> the languages the benchmark scores it on, where they are some of the task's own
    (XGLUE's PAWS-X: 4 of 7); a note where the benchmark scores a task by other metrics than
    the task's own, which the comparison keeps (XGLUE's MLQA: F1 alone)."""
    from xtreme_harness.results.metrics import SCORE_KEYS

    found: dict[str, list] = {}
    for result in results:
        task = result.document["task"]
        entry = benchmark.tasks.get(task["name"])
        if entry is None or task["name"] in found:
            continue
        if set(entry.languages) < set(task["languages"]):  # some of the task's languages
            found[task["name"]] = list(entry.languages)
        if tuple(entry.score) != tuple(SCORE_KEYS[task["metric"]]):
            note(notes, f"{task['name']}: compared by its own score "
                 f"({', '.join(SCORE_KEYS[task['metric']])}); {benchmark.title} scores it by "
                 f"{', '.join(entry.score)} (xharness tables --benchmark shows that)")  # fmt: skip
    return found


class _Reader:
    """Per-example units of results, read once; `scopes`: the languages a task is compared on
    where the benchmark does not score it on all of its own."""

    def __init__(self, scopes: Mapping[str, Sequence[str]] | None = None) -> None:
        self._units: dict[str, Any] = {}
        self.scopes = dict(scopes or {})

    def units(self, result: Result) -> Any:
        if result.path not in self._units:
            self._units[result.path] = units_of(result)
        return self._units[result.path]

    def score(self, result: Result, languages: Sequence[str] | None) -> float | None:
        """The task score of `result`, or over `languages` only (the mean of their values, or
        their pooled value for a pooled metric); None where a value is missing."""
        if languages is None:
            return result.document["score"]
        metric = result.document["task"]["metric"]
        if metric in POOLED:
            found = self.units(result)
            if found is None or any(lang not in found for lang in languages):
                return None
            return float(score(metric, sum(found[lang].sum(0) for lang in languages)))
        values = language_scores(result)
        if any(lang not in values for lang in languages):
            return None
        return statistics.fmean(values[lang] for lang in languages)


@dataclass
class _Contrast:
    """One quantity's contrast in one context: per seed, and resampled over test examples."""

    seeds: list[int]
    per_seed: list[float]
    draws: effects.Draws | None


Cells = dict[Any, dict[int, Result]]
"""A contrast's configurations (a factor level, or a pair of them) -> seed -> result."""


def _contrast(reader: _Reader, cells: Cells, weights: dict[Any, float], what: str,
              missing: list[str], *, task: str, languages: Sequence[str] | None = None,
              seeds: Sequence[int] | None = None) -> _Contrast | None:  # fmt: skip
    """The contrast over the seeds every configuration has (of `seeds`, if given); None, and a
    line in `missing`, if a configuration lacks results or scores."""
    absent = [name for name in weights if not cells.get(name)]
    if absent:
        missing.append(f"{what}: no results for {', '.join(map(str, absent))}")
        return None
    shared = sorted(set.intersection(*(set(cells[name]) for name in weights)))
    if seeds is not None:
        shared = [s for s in shared if s in seeds]
    if not shared:
        missing.append(f"{what}: no seed that every configuration ran")
        return None
    chosen = {name: {s: cells[name][s] for s in shared} for name in weights}
    scores = {name: {s: reader.score(r, languages) for s, r in runs.items()}
              for name, runs in chosen.items()}  # fmt: skip
    if any(value is None for runs in scores.values() for value in runs.values()):
        missing.append(f"{what}: a result without a task score (evaluated on some languages "
                       "only, or on unlabelled test data)")  # fmt: skip
        return None
    per_seed = [sum(w * scores[name][s] for name, w in weights.items()) for s in shared]
    found = _Contrast(shared, per_seed, None)
    units: dict[Any, dict[tuple[str, int], Any]] = {}
    for name, runs in chosen.items():
        units[name] = {}
        for s, result in runs.items():
            per_language = reader.units(result)
            if per_language is None:
                missing.append(f"{what}: {result.path} recorded no per-example units")
                return found
            units[name].update({(language, s): table for language, table in per_language.items()})
    if len({frozenset(lang for lang, _ in u) for u in units.values()}) != 1:
        missing.append(f"{what}: the configurations were evaluated on different languages")
        return found
    metric = next(iter(chosen[next(iter(weights))].values())).document["task"]["metric"]
    # each task resamples its own examples with its own stream: tasks' test sets are independent
    found.draws = effects.example_draws(metric, units, weights, languages=languages,
                                        seed=zlib.crc32(task.encode()))  # fmt: skip
    return found


def _mean_of(parts: Sequence[_Contrast]) -> _Contrast:
    """The contrast of an average of tasks from the tasks' contrasts over the same seeds."""
    draws = [part.draws for part in parts]
    return _Contrast(
        parts[0].seeds,
        [statistics.fmean(p.per_seed[i] for p in parts) for i in range(len(parts[0].seeds))],
        None if any(d is None for d in draws) else effects.mean_of(draws),
    )


SEEDS_CAP = 1000
"""`Comparison.seeds_needed` above this is reported as the cap: no grid runs that many."""


def _seeds_needed(per_seed: list[float]) -> int | None:
    if len(per_seed) < 2 or statistics.stdev(per_seed) == 0:
        return None
    observed = statistics.fmean(per_seed)
    if observed == 0:
        return None
    try:
        return min(SEEDS_CAP, effects.seeds_needed(observed, statistics.stdev(per_seed)))
    except (ValueError, ArithmeticError):  # the solver finds no n below its bound
        return SEEDS_CAP


def _detectable(per_seed: list[float]) -> float | None:
    if len(per_seed) < 2 or statistics.stdev(per_seed) == 0:
        return None
    return effects.detectable_effect(statistics.stdev(per_seed), len(per_seed))


def _comparison(
    kind: str,
    quantity: str,
    contrast: str,
    context: str,
    found: _Contrast,
    subgroup: str | None = None,
    languages: Sequence[str] = (),
) -> Comparison:
    seeds_estimate = None
    if len(found.seeds) >= 3:
        seeds_estimate = effects.over_seeds(
            {0: dict(zip(found.seeds, found.per_seed, strict=True))}, {0: 1.0}
        )
    return Comparison(
        kind, quantity, contrast, context, found.seeds,
        None if found.draws is None else found.draws.estimate(), seeds_estimate,
        _detectable(found.per_seed), seeds_needed=_seeds_needed(found.per_seed),
        subgroup=subgroup, languages=list(languages),
    )  # fmt: skip


@dataclass
class _Plan:
    """One contrast in one context, over every task of the context."""

    kind: str
    contrast: str
    context: str
    weights: dict[Any, float]
    tasks: dict[str, Cells]
    selection: str | None = None
    across: str | None = None
    """The context's label without its selection rule (where the grid ran several)."""


def _aggregates(benchmark: Any, present: set[str], missing: list[str]) -> list[tuple[str, list]]:
    """(name, tasks) of the benchmark's categories and its score that the results touch; one line
    in `missing` for each that lacks a task in every configuration."""
    categories: dict[str, list[str]] = {}
    for name in benchmark.task_order:
        categories.setdefault(benchmark.tasks[name].category, []).append(name)
    found = []
    wholes = [(f"{CATEGORY_LABELS.get(c, c)} ({', '.join(m)})", m) for c, m in categories.items()]
    wholes.append((f"{benchmark.title} score", list(benchmark.task_order)))
    for name, members in wholes:
        if not present & set(members):
            continue
        absent = [t for t in members if t not in present]
        if absent:
            missing.append(f"{name}: not compared, the results have no {', '.join(absent)}")
        elif len(members) > 1:
            found.append((name, members))
    return found


def _compare(plan: _Plan, reader: _Reader, aggregates: Sequence[tuple[str, list]],
             schemes: Sequence[str], report: Report) -> None:  # fmt: skip
    start = len(report.comparisons)
    _compare_tasks(plan, reader, aggregates, schemes, report)
    for comparison in report.comparisons[start:]:
        comparison.selection = plan.selection
        comparison.context_across_selection = plan.across


def _compare_tasks(plan: _Plan, reader: _Reader, aggregates: Sequence[tuple[str, list]],
                   schemes: Sequence[str], report: Report) -> None:  # fmt: skip
    found: dict[str, _Contrast] = {}
    positive = next(name for name, weight in plan.weights.items() if weight > 0)
    for task, cells in plan.tasks.items():
        what = f"{task}, {plan.context}: {plan.contrast}"
        whole = _contrast(reader, cells, plan.weights, what, report.missing, task=task,
                          languages=reader.scopes.get(task))  # fmt: skip
        if whole is None:
            continue
        found[task] = whole
        report.comparisons.append(_comparison(plan.kind, task, plan.contrast, plan.context,
                                              whole))  # fmt: skip
        level = cells[positive][whole.seeds[0]]
        for subgroup, members in subgroups_of(schemes, level, report.notes):
            part = _contrast(reader, cells, plan.weights, f"{what} ({subgroup})", report.missing,
                             task=task, languages=members, seeds=whole.seeds)  # fmt: skip
            if part is not None:
                report.comparisons.append(_comparison(
                    plan.kind, task, plan.contrast, plan.context, part, subgroup, members
                ))  # fmt: skip
    for name, members in aggregates:
        what = f"{name}, {plan.context}: {plan.contrast}"
        if any(t not in found for t in members):
            absent = [t for t in members if t not in found]
            report.missing.append(f"{what}: no contrast for {', '.join(absent)}")
            continue
        seeds = sorted(set.intersection(*(set(found[t].seeds) for t in members)))
        if not seeds:
            report.missing.append(f"{what}: no seed that every task ran")
            continue
        parts = [
            found[t] if found[t].seeds == seeds else _contrast(
                reader, plan.tasks[t], plan.weights, what, report.missing, task=t, seeds=seeds
            )
            for t in members
        ]  # fmt: skip
        if all(part is not None for part in parts):
            report.comparisons.append(_comparison(plan.kind, name, plan.contrast, plan.context,
                                                  _mean_of(parts)))  # fmt: skip


def _task_order(benchmark: Any) -> Callable[[str], tuple[int, str]]:
    order = list(benchmark.task_order)
    return lambda task: (order.index(task) if task in order else len(order), task)


def build(
    results: Sequence[Result],
    factor: str,
    baseline: str,
    *,
    by: str | None = None,
    reference: str = NONE,
    correction: str = "holm",
    subgroups: Sequence[str] = SUBGROUPS,
    benchmark: str = "xtreme-r",
    distances: bool = True,
) -> Report:
    """Main effects of `factor` (each level against `baseline`) and, with `by`, their
    interaction with `by` (each level of it against `reference`): per task, per category and
    on the score of `benchmark`, and per subgroup of each task's target languages."""
    from xtreme_harness.registry.benchmarks import load_benchmark

    if correction not in effects.CORRECTIONS:
        raise UsageError(f"correction {correction!r}: expected one of "
                         f"{', '.join(effects.CORRECTIONS)}")  # fmt: skip
    if by == factor:
        raise UsageError("--by must name another factor than --factor")
    unknown = [s for s in subgroups if s not in SUBGROUPS]
    if unknown:
        raise UsageError(f"subgroups {', '.join(unknown)}: expected any of {', '.join(SUBGROUPS)}")
    definition = load_benchmark(benchmark)
    hashes = {r.path: _sha256(r.path) for r in sorted(results, key=lambda r: r.path)}
    report = Report(factor, baseline, by, reference if by else None, correction, benchmark,
                    list(subgroups), results=hashes)  # fmt: skip
    idents = {id(r): report_identity(r.document) for r in results}
    levels = {_level(factor, i) for i in idents.values()}
    if baseline not in levels:
        raise UsageError(f"baseline {baseline!r} is not a level of {factor} in these results; "
                         f"they have {', '.join(sorted(levels))}")  # fmt: skip
    varying = [f for f in FACTORS if len({_level(f, i) for i in idents.values()}) > 1]
    order = _task_order(definition)

    selections = "selection" in varying and "selection" not in (factor, by)
    where: dict[str, tuple[str | None, str | None]] = {}
    """context key -> (its selection rule, its label without it) where selections vary."""

    def grouped(*factors: str) -> dict[str, dict[str, dict[Any, dict[int, Result]]]]:
        """context label -> task -> level(s) of `factors` -> seed -> result."""
        found: dict[str, dict[str, dict[Any, dict[int, Result]]]] = {}
        for result in results:
            ident = idents[id(result)]
            label = _label(ident, factors, varying)
            key = f"{label}\0{_context(ident, *factors)}"
            if selections:
                where[key] = (ident["selection"],
                              _label(ident, (*factors, "selection"), varying))  # fmt: skip
            level = tuple(_level(f, ident) for f in factors)
            found.setdefault(key, {}).setdefault(result.task, {}).setdefault(
                level[0] if len(level) == 1 else level, {}
            )[result.seed] = result
        return {k: {t: v[t] for t in sorted(v, key=order)} for k, v in sorted(found.items())}

    plans = []
    for key, tasks in grouped(factor).items():
        context = key.split("\0")[0]
        for level in sorted({lv for cells in tasks.values() for lv in cells} - {baseline}):
            plans.append(_Plan("main", f"{level} - {baseline}", context,
                               effects.main_effect(level, baseline), tasks,
                               *where.get(key, (None, None))))  # fmt: skip
    if by is not None:
        for key, tasks in grouped(factor, by).items():
            context = key.split("\0")[0]
            pairs = {pair for cells in tasks.values() for pair in cells}
            for level in sorted({a for a, _ in pairs} - {baseline}):
                for condition in sorted({b for _, b in pairs} - {reference}):
                    contrast = f"({level} - {baseline}) under {condition} minus under {reference}"
                    weights = effects.interaction(level, baseline, condition, reference)
                    plans.append(_Plan("interaction", contrast, context, weights, tasks,
                                       *where.get(key, (None, None))))  # fmt: skip
    reader = _Reader(_scopes(definition, results, report.notes))
    aggregates = _aggregates(definition, {r.task for r in results}, report.missing)
    for plan in plans:
        _compare(plan, reader, aggregates, subgroups, report)
    if distances:
        _fit_distances(plans, report)

    tested: list[Any] = [c for c in report.comparisons if c.examples is not None]
    p_values = [c.examples.p for c in tested] + [f.p for f in report.distances]
    adjusted = effects.adjust(p_values, correction)
    for item, p in zip(tested + report.distances, adjusted, strict=True):
        item.p_adjusted = p
    return report


def _fit_distances(plans: Sequence[_Plan], report: Report) -> None:
    """Per-language gains of every main effect against typological distance (`distance_model`);
    a note instead where the distances cannot be had."""
    from xtreme_harness.registry import typology
    from xtreme_harness.results import distance_model

    try:
        report.typology = f"{typology.PACKAGE} {typology.version()}"
    except UsageError as error:
        note(report.notes, f"typological distance: {error}")
        return
    for plan in plans:
        if plan.kind != "main":
            continue
        level, baseline = (name for name, _ in sorted(plan.weights.items(), key=lambda i: -i[1]))
        for task, cells in plan.tasks.items():
            seeds = sorted(set(cells.get(level, {})) & set(cells.get(baseline, {})))
            if not seeds:
                continue
            mine = {s: cells[level][s] for s in seeds}
            rows = distance_model.rows(mine, {s: cells[baseline][s] for s in seeds},
                                       report.notes)  # fmt: skip
            theirs = distance_model.intermediate_languages(cells[baseline][seeds[0]])
            changed = bool(theirs) and sorted(theirs) != sorted(
                distance_model.intermediate_languages(mine[seeds[0]]) or []
            )
            report.distances += distance_model.fit(task, plan.context, plan.contrast, rows,
                                                   changed)  # fmt: skip
