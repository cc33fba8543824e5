"""Leaderboard tables from result files.

A *configuration* is everything a result's run was given except its seed and its target task
(model, intermediate stage and language set, regularizer, recipe overrides, source): the rows of
a table. Numbers are means over seeds with their standard deviation and the number of seeds.

Averages are never taken over whatever happens to exist: a task score needs every language of the
task, a category average every task of the category, the XTREME-R score all ten tasks; a missing
part leaves the cell blank with a footnote that says what is missing.
"""

from __future__ import annotations

import json
import os
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from xtreme_harness.errors import UnknownNameError, UsageError
from xtreme_harness.interfaces.table_format import Cell, Table
from xtreme_harness.results import files as result_files
from xtreme_harness.results import metrics
from xtreme_harness.results.files import Result

BREAKDOWNS = ("task", "language", "family", "resource-class", "seen")
CATEGORY_LABELS = {
    "classification": "Classification",
    "structured-prediction": "Structured prediction",
    "question-answering": "QA",
    "retrieval": "Retrieval",
}


ZERO_SHOT = {"name": "zero-shot", "translator": None}
"""The setting of a result written before settings existed."""


def setting_of(document: dict[str, Any]) -> dict[str, Any]:
    return document["config"].get("setting") or ZERO_SHOT


def setting_label(setting: dict[str, Any]) -> str:
    """``zero-shot``, ``few-shot (k=10)``, ``translate-test (xtreme-translations)``."""
    shots = f" (k={setting['shots']})" if setting.get("shots") else ""
    translator = setting["translator"]
    sources = setting.get("multi_source")
    where = f" ({sources['language_set']['name']})" if sources else ""
    return setting["name"] + shots + where + (f" ({translator['name']})" if translator else "")


def identity(document: dict[str, Any]) -> dict[str, Any]:
    """What makes a configuration: the run's settings without seed, task and evaluation."""
    config = document["config"]
    protocol = document.get("protocol")
    return {
        "setting": setting_of(document),
        "perturbation": config.get("perturbation"),
        "model": document["model"]["name_or_path"],
        "model_revision": document["model"]["revision"],
        "source": config["source"],
        "regularizer": config["regularizer"],
        "intermediate": config["intermediate"],
        "overrides": config["overrides"],
        "precision": config["precision"],
        "protocol": None if protocol is None else protocol["name"],
    }


UPPER_BOUND = "target-dev"
"""A selection rule that looks at target-language data: its scores are an upper bound."""


def departure_text(departure: dict[str, Any]) -> str:
    """One departure of a result file as a table footnote says it."""
    from xtreme_harness.config.resolution import Departure

    return Departure(**departure).text()


def row_label(config: Configuration, notes: Footnotes) -> Cell:
    """A configuration's label cell: marked as an upper bound when it selects on target-language
    data, with a footnote listing its departures from its protocol."""
    oracle = sorted({
        task
        for (task, _), result in config.runs.items()
        for phase in result.document["config"]["phases"]
        if phase["recipe"].get("selection") == UPPER_BOUND
    })  # fmt: skip
    tasks = {task for task, _ in config.runs}
    which = "" if set(oracle) == tasks else f" [{', '.join(oracle)}]"
    text = config.label + (f" (upper bound: target-dev selection{which})" if oracle else "")
    tasks_by_text: dict[str, set[str]] = defaultdict(set)
    unrecorded = False
    for (task, _), result in config.runs.items():
        departures = result.document.get("departures")
        if departures is None:
            unrecorded = True
            continue
        for departure in departures:
            tasks_by_text[departure_text(departure)].add(task)
    all_tasks = {task for task, _ in config.runs}
    parts = [
        text_ if tasks == all_tasks else f"{text_} [{', '.join(sorted(tasks))}]"
        for text_, tasks in tasks_by_text.items()
    ]
    if unrecorded:
        parts.append("protocol and departures not recorded (result format 1)")
    if not parts:
        return Cell(text=text)
    protocol = config.identity.get("protocol") or "its protocol"
    return Cell(text=text, footnote=notes(f"departs from {protocol}: " + "; ".join(parts)))


def _options_shown(found: Sequence[Any], part: str, name_of: Any, options_of: Any) -> Any:
    """Per component name, the option keys whose values differ between configurations (only
    those are worth showing in a label)."""
    values: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for config in found:
        value = config.identity[part]
        if value is None:
            continue
        for key, option in options_of(value).items():
            if not key.endswith("_sha256"):
                values[name_of(value)][key].add(json.dumps(option, sort_keys=True))
    return {name: [k for k, v in keys.items() if len(v) > 1] for name, keys in values.items()}


def _render(part: str, value: Any, shown: dict[str, list[str]]) -> str:
    if part == "model":
        return _model_label(str(value))
    if part == "perturbation" and value is None:
        return "clean"
    if part in ("regularizer", "perturbation"):
        keys = shown.get(value["name"], [])
        options = ",".join(f"{k}={value['options'][k]}" for k in keys)
        return value["name"] + (f"({options})" if options else "")
    if part == "intermediate":
        if value is None:
            return "no intermediate"
        sampler = value["language_set"]
        keys = shown.get(f"{value['task']}/{sampler['name']}", [])
        options = ",".join(f"{k}={_flat(value, k)}" for k in keys)
        return f"{value['task']}/{sampler['name']}" + (f"({options})" if options else "")
    if part == "overrides":
        return ",".join(f"{k}={v}" for k, v in sorted(value.items())) or "reference recipe"
    if part == "setting":
        return setting_label(value)
    return str(value)


def _model_label(name: str) -> str:
    """A hub id as it is (``FacebookAI/xlm-roberta-large``), a local folder by its last part."""
    if name.startswith((os.sep, ".", "~")) or name.count("/") > 1:
        return os.path.basename(name.rstrip("/")) or name
    return name


def _intermediate_options(value: dict[str, Any]) -> dict[str, Any]:
    return {**value["language_set"]["options"], "budget": value["budget"],
            "max_steps": value["max_steps"], "regularized": value["regularized"]}  # fmt: skip


def _flat(value: dict[str, Any], key: str) -> Any:
    return _intermediate_options(value)[key]


@dataclass
class Configuration:
    label: str
    identity: dict[str, Any]
    runs: dict[tuple[str, int], Result] = field(default_factory=dict)
    """(task, seed) -> result."""


def configurations(results: Iterable[Result]) -> list[Configuration]:
    """Results grouped by configuration, each with a short label naming what distinguishes it."""
    groups: dict[str, Configuration] = {}
    for result in results:
        ident = identity(result.document)
        key = json.dumps(ident, sort_keys=True)
        configuration = groups.setdefault(key, Configuration("", ident))
        slot = (result.task, result.seed)
        if slot in configuration.runs:
            raise UsageError(
                f"two results for the same configuration, task {result.task} and seed "
                f"{result.seed}: {configuration.runs[slot].path} and {result.path}"
            )
        configuration.runs[slot] = result
    found = list(groups.values())
    parts = ("setting", "intermediate", "regularizer", "perturbation", "overrides", "model",
             "source", "precision", "protocol", "model_revision")  # fmt: skip
    varying = [
        p for p in parts if len({json.dumps(c.identity[p], sort_keys=True) for c in found}) > 1
    ]
    shown = {
        "regularizer": _options_shown(found, "regularizer", lambda v: v["name"],
                                      lambda v: v["options"]),
        "perturbation": _options_shown(found, "perturbation", lambda v: v["name"],
                                       lambda v: v["options"]),
        "intermediate": _options_shown(
            found, "intermediate", lambda v: f"{v['task']}/{v['language_set']['name']}",
            _intermediate_options,
        ),
    }  # fmt: skip
    for configuration in found:
        parts_shown = varying or ["regularizer"]
        configuration.label = " · ".join(
            _render(p, configuration.identity[p], shown.get(p, {})) for p in parts_shown
        )
    labels = [c.label for c in found]
    for index, configuration in enumerate(found):
        if labels.count(configuration.label) > 1:
            configuration.label += f" #{index + 1}"
    return found


class Footnotes:
    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, text: str) -> int:
        if text not in self.texts:
            self.texts.append(text)
        return self.texts.index(text)


def _cell(values: Sequence[float | None], notes: Footnotes, missing: str) -> Cell:
    """Mean and std over seeds; blank with a footnote if any seed lacks the value."""
    if not values or any(v is None for v in values):
        return Cell(footnote=notes(missing))
    numbers = [float(v) for v in values]
    std = statistics.stdev(numbers) if len(numbers) > 1 else None
    return Cell(mean=statistics.fmean(numbers), std=std, n=len(numbers))


def _benchmark(name: str = "xtreme-r") -> Any:
    from xtreme_harness.registry.benchmarks import load_benchmark

    return load_benchmark(name)


def tasks_in(configs: Sequence[Configuration], benchmark: str = "xtreme-r") -> list[str]:
    present = {task for c in configs for task, _ in c.runs}
    order = list(_benchmark(benchmark).tasks)
    return [t for t in order if t in present] + sorted(present - set(order))


def benchmark_value(result: Result, task: Any) -> float | None:
    """A result's task score as benchmark task `task` defines it: the mean over the benchmark's
    languages of the mean of its score metrics (XGLUE scores PAWS-X on 4 of its 7 languages and
    MLQA by F1 alone); the result's own score where the definitions agree (a pooled score
    included); None when a language the benchmark needs was not scored."""
    document = result.document
    own = document["task"]
    if tuple(task.languages) == tuple(own["languages"]) and tuple(task.score) == tuple(
        metrics.SCORE_KEYS[own["metric"]]
    ):
        return document["score"]
    scores = document["scores"]
    if any(lang not in scores or any(k not in scores[lang] for k in task.score)
           for lang in task.languages):  # fmt: skip
        return None
    return statistics.fmean(
        statistics.fmean(scores[lang][key] for key in task.score) for lang in task.languages
    )


def _seeds(config: Configuration) -> list[int]:
    return sorted({seed for _, seed in config.runs})


def task_table(
    configs: Sequence[Configuration], digits: int = 1, benchmark_name: str = "xtreme-r"
) -> Table:
    """Rows: configurations; columns: tasks, category averages and the score of the benchmark
    (its tasks scored as it defines them, `benchmark_value`; other tasks as themselves)."""
    benchmark = _benchmark(benchmark_name)
    tasks = tasks_in(configs, benchmark_name)
    categories: dict[str, list[str]] = defaultdict(list)
    for name, task in benchmark.tasks.items():
        categories[task.category].append(name)
    shown_categories = [c for c in CATEGORY_LABELS if any(t in tasks for t in categories[c])]
    notes = Footnotes()
    rows = []
    for config in configs:
        seeds = _seeds(config)
        per_seed: dict[str, list[float | None]] = {}
        row = [row_label(config, notes)]
        for task in tasks:
            values = []
            for seed in seeds:
                result = config.runs.get((task, seed))
                if result is None:
                    values.append(None)
                elif task in benchmark.tasks:
                    values.append(benchmark_value(result, benchmark.tasks[task]))
                else:
                    values.append(result.document["score"])
            per_seed[task] = values
            if all((task, seed) not in config.runs for seed in seeds):
                row.append(Cell(footnote=notes("not run")))
            else:
                row.append(_cell(values, notes, "not every language (or seed) was scored"))
        for category in shown_categories:
            members = categories[category]
            values = [
                None if any(per_seed.get(t, [None] * len(seeds))[i] is None for t in members)
                else statistics.fmean(per_seed[t][i] for t in members)
                for i in range(len(seeds))
            ]  # fmt: skip
            missing = [t for t in members if t not in tasks]
            row.append(_cell(values, notes, f"{CATEGORY_LABELS[category]} needs "
                             f"{', '.join(members)}" + (f"; missing {', '.join(missing)}" if
                                                        missing else "")))  # fmt: skip
        overall = [
            None if any(per_seed.get(t, [None] * len(seeds))[i] is None for t in benchmark.tasks)
            else statistics.fmean(per_seed[t][i] for t in benchmark.tasks)
            for i in range(len(seeds))
        ]  # fmt: skip
        absent = [t for t in benchmark.tasks if t not in tasks]
        row.append(_cell(overall, notes, f"the {benchmark.title} score needs all "
                         f"{len(benchmark.tasks)} tasks"
                         + (f"; missing {', '.join(absent)}" if absent else "")))  # fmt: skip
        rows.append(tuple(row))
    outside = _categories_of_others(configs, benchmark)
    columns = ("configuration", *tasks,
               *(_category_column(c, categories[c], outside.get(c, [])) for c in shown_categories),
               benchmark.title)  # fmt: skip
    return Table("Scores by task (mean ± std over seeds)", columns, tuple(rows),
                 tuple(notes.texts), digits)  # fmt: skip


def _category_column(category: str, members: Sequence[str], others: Sequence[str]) -> str:
    """A category average's column name, saying what it averages (the benchmark's tasks of the
    category) and which other tasks of the category in the table it leaves out."""
    left_out = f"; not {', '.join(others)}" if others else ""
    return f"{CATEGORY_LABELS[category]} ({', '.join(members)}{left_out})"


def _categories_of_others(configs: Sequence[Configuration], benchmark: Any) -> dict[str, list]:
    """Category -> the tasks in the results that are of that category but not the benchmark's
    (a plugin's task): a category average never includes them."""
    found: dict[str, set[str]] = defaultdict(set)
    for config in configs:
        for (task, _), result in config.runs.items():
            if task not in benchmark.tasks:
                found[result.document["task"]["category"]].add(task)
    return {category: sorted(tasks) for category, tasks in found.items()}


def language_scores(result: Result) -> dict[str, float]:
    metric = result.document["task"]["metric"]
    return {lang: metrics.task_score(metric, values)
            for lang, values in result.document["scores"].items()}  # fmt: skip


def breakdown_tables(
    configs: Sequence[Configuration], by: str, digits: int = 1, task: str | None = None
) -> list[Table]:
    """One table per task: rows configurations; columns languages, families, resource classes
    or seen/unseen groups; each cell the mean over the group's languages (per seed, then mean and
    std over seeds)."""
    from xtreme_harness.registry.languages import default_registry

    registry = default_registry()
    tasks = tasks_in(configs)
    if task is not None:
        if task not in tasks:
            raise UnknownNameError("task of these results", task, tasks)
        tasks = [task]
    tables = []
    for name in tasks:
        languages = next(r.document["task"]["languages"] for c in configs for (t, _), r in
                         c.runs.items() if t == name)  # fmt: skip
        groups = language_groups(by, languages, registry)
        notes = Footnotes()
        rows = []
        for config in configs:
            seeds = [s for s in _seeds(config) if (name, s) in config.runs]
            if not seeds:
                continue
            row = [row_label(config, notes)]
            for group, members in groups.items():
                values: list[float | None] = []
                blank = None
                for seed in seeds:
                    result = config.runs[(name, seed)]
                    scores = language_scores(result)
                    chosen = members if by != "seen" else seen_members(result, group, languages)
                    if chosen is None:
                        blank = "no intermediate stage"
                    elif not chosen:
                        blank = "no language of the task is in this group"
                    elif any(lang not in scores for lang in chosen):
                        values.append(None)
                    else:
                        values.append(statistics.fmean(scores[lang] for lang in chosen))
                if blank is not None:
                    row.append(Cell(footnote=notes(blank)))
                else:
                    row.append(_cell(values, notes, "a language of the group was not scored"))
            rows.append(tuple(row))
        title = {"language": "by language", "family": "by language family (Glottolog)",
                 "resource-class": "by resource class (Joshi et al. 2020)",
                 "seen": "by relation to the intermediate languages"}[by]  # fmt: skip
        tables.append(Table(f"{name}: scores {title}", ("configuration", *groups), tuple(rows),
                            tuple(notes.texts), digits))  # fmt: skip
    return tables


SEEN_GROUPS = ("seen", "unseen, family in set", "unseen, family not in set")


def language_groups(by: str, languages: Sequence[str], registry: Any) -> dict[str, list[str]]:
    if by == "language":
        return {lang: [lang] for lang in languages}
    if by == "seen":
        return {group: [] for group in SEEN_GROUPS}
    groups: dict[str, list[str]] = defaultdict(list)
    for lang in languages:
        record = registry.get(lang) if lang in registry else None
        if by == "family":
            groups[record.family if record else "unknown"].append(lang)
        elif by == "script":
            groups[record.script if record else "unknown"].append(lang)
        else:
            value = None if record is None else record.resource_class
            groups[f"class {value}" if value is not None else "class unknown"].append(lang)
    return dict(sorted(groups.items()))


def seen_members(result: Result, group: str, languages: Sequence[str]) -> list[str] | None:
    """The `languages` of a seen/unseen `group` (`SEEN_GROUPS`) by the intermediate languages of
    `result`; None without an intermediate stage."""
    section = result.document.get("intermediate")
    if section is None:
        return None
    targets = section["targets"]
    if group == "seen":
        return [lang for lang in languages if targets[lang]["seen"]]
    in_set = group == "unseen, family in set"
    return [
        lang
        for lang in languages
        if not targets[lang]["seen"] and bool(targets[lang]["family_in_set"]) == in_set
    ]


def difference_tables(
    configs: Sequence[Configuration], baseline: str, digits: int = 1
) -> list[Table]:
    """Task-score differences of every configuration against `baseline`, with 95% intervals
    from a paired bootstrap over examples (first table) and over seeds (second table); `*`
    marks an interval that excludes zero."""
    by_label = {c.label: c for c in configs}
    if baseline not in by_label:
        raise UnknownNameError("baseline configuration", baseline, by_label)
    base = by_label[baseline]
    pairs = [(config, base) for config in configs if config is not base]
    return _paired_tables(pairs, tasks_in(configs), f"Difference from {baseline}", digits)


def robustness_tables(
    configs: Sequence[Configuration], perturbation: str, digits: int = 1
) -> list[Table]:
    """The robustness drop under `perturbation`: every configuration evaluated on perturbed test
    data minus the same configuration on clean data (paired by seed and test example), with the
    intervals of `difference_tables`."""
    clean = {json.dumps({**c.identity, "perturbation": None}, sort_keys=True): c
             for c in configs if c.identity["perturbation"] is None}  # fmt: skip
    found = sorted({c.identity["perturbation"]["name"] for c in configs
                    if c.identity["perturbation"] is not None})  # fmt: skip
    if perturbation not in found:
        have = ", ".join(found) or "no perturbed results"
        raise UnknownNameError("perturbation of these results", perturbation, found,
                               f"they have {have}")  # fmt: skip
    pairs = []
    for config in configs:
        value = config.identity["perturbation"]
        if value is None or value["name"] != perturbation:
            continue
        twin = clean.get(json.dumps({**config.identity, "perturbation": None}, sort_keys=True))
        if twin is None:
            raise UsageError(f"{config.label}: no results of the same configuration on clean "
                             "test data to compare with (evaluate it with --perturbation "
                             "none)")  # fmt: skip
        pairs.append((config, twin))
    title = f"Robustness drop under {perturbation}: perturbed minus clean"
    return _paired_tables(pairs, tasks_in(configs), title, digits)


def _paired_tables(pairs: Sequence[tuple[Configuration, Configuration]], tasks: Sequence[str],
                   title: str, digits: int) -> list[Table]:  # fmt: skip
    """Rows: each (configuration, its baseline) pair; cells: the task-score difference with its
    95% interval over examples (first table) and over seeds (second)."""
    from xtreme_harness.results import significance

    cache: dict[str, dict[str, Any] | None] = {}

    def units_of(result: Result) -> dict[str, Any] | None:
        if result.path not in cache:
            cache[result.path] = result_files.units(result)
        return cache[result.path]

    tables = []
    for method in ("examples", "seeds"):
        notes = Footnotes()
        rows = []
        for config, base in pairs:
            row = [row_label(config, notes)]
            for task in tasks:
                seeds = [s for s in _seeds(config) if (task, s) in config.runs
                         and (task, s) in base.runs]  # fmt: skip
                matched = [(base.runs[(task, s)], config.runs[(task, s)]) for s in seeds]
                if not matched or any(b.document["score"] is None or c.document["score"] is None
                                    for b, c in matched):  # fmt: skip
                    row.append(Cell(footnote=notes("no paired task scores (same task and seed "
                                                   "in both configurations)")))  # fmt: skip
                    continue
                if method == "seeds":
                    differences = [c.document["score"] - b.document["score"] for b, c in matched]
                    if len(matched) < 3:
                        row.append(
                            Cell(
                                mean=statistics.fmean(differences),
                                n=len(matched),
                                footnote=notes("no interval: fewer than 3 seeds"),
                            )
                        )
                        continue
                    diff, low, high = significance.over_seeds(differences)
                else:
                    if any(units_of(r) is None for pair in matched for r in pair):
                        row.append(Cell(footnote=notes(
                            "no per-example units recorded (a result written before they were)"
                            ": run its evaluation again"
                        )))  # fmt: skip
                        continue
                    metric = matched[0][0].document["task"]["metric"]
                    baseline_units = {(lang, s): units_of(b)[lang]
                                      for s, (b, _) in zip(seeds, matched, strict=True)
                                      for lang in units_of(b)}  # fmt: skip
                    candidate_units = {(lang, s): units_of(c)[lang]
                                       for s, (_, c) in zip(seeds, matched, strict=True)
                                       for lang in units_of(c)}  # fmt: skip
                    diff, low, high = significance.over_examples(
                        metric, baseline_units, candidate_units
                    )
                marker = "*" if low > 0 or high < 0 else ""
                row.append(Cell(mean=diff, n=len(matched), low=low, high=high, marker=marker))
            rows.append(tuple(row))
        what = "examples (paired bootstrap)" if method == "examples" else "seeds (bootstrap)"
        tables.append(Table(
            f"{title}, 95% interval over {what}; * excludes 0",
            ("configuration", *tasks), tuple(rows), tuple(notes.texts), digits,
        ))  # fmt: skip
    return tables
