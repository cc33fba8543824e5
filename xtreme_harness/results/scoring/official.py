"""Score a submission folder against a gold folder as the official ``evaluate.py`` does.

The layout is the official one: ``<folder>/<task>/test-<lang>.<suffix>``. A task is scored when
its folder exists in both the prediction and the gold folder; then every language of the task
must have both files. Per language, each task's metrics (x 100); per task, ``avg_<metric>`` (the
unweighted mean over languages, summed in the benchmark's language order with the built-in
``sum`` as the official code does) and ``avg_metric``; group scores when all of a group's tasks
were scored; ``all_task`` when every task of the benchmark was.

What ``evaluate.py`` of google-research/xtreme cannot do and this module adds: LAReQA (the format
is defined in docs/scoring.md), hence the overall XTREME-R score, and an optional F1-only QA
formula for the aggregates. See docs/scoring.md for the exact semantics of every task.

Nothing here names a task: which scorer scores a task (`scorers.SCORERS`, by the task's
``scorer`` field), whether its item counts are checked, its score metrics and the official task
order all come from the benchmark definition (``registry/benchmarks/<name>.json``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xtreme_harness.errors import DataError, UsageError
from xtreme_harness.registry.benchmarks import (
    Benchmark,
    BenchmarkTask,
    benchmark_names,
    load_benchmark,
    load_benchmark_file,
)
from xtreme_harness.results.scoring.scorers import (
    SCORERS,
    LanguageScore,
    TagFile,
    check_benchmark,
    read_json,
    read_jsonl_labels,
    read_label,
    read_tags,
)

__all__ = [
    "LanguageScore",
    "ScoreReport",
    "TagFile",
    "aggregate",
    "read_json",
    "read_jsonl_labels",
    "read_label",
    "read_tags",
    "resolve_benchmark",
    "score_folders",
    "score_language",
    "task_average",
    "task_order",
    "write_report_json",
]


def task_order(benchmark: Benchmark) -> list[str]:
    """The benchmark's tasks in the official scorer's order (its definition's ``task_order``)."""
    return list(benchmark.task_order)


def resolve_benchmark(benchmark: str | os.PathLike[str] | Benchmark) -> Benchmark:
    """A `Benchmark` from a registry name (``"xtreme-r"``), a path to a definition file (any
    ``os.PathLike``, e.g. a `pathlib.Path`; see `load_benchmark_file`) or a `Benchmark`, its
    scorer fields checked against the scorers xharness implements."""
    if isinstance(benchmark, Benchmark):
        return check_benchmark(benchmark)
    if isinstance(benchmark, os.PathLike):
        return check_benchmark(load_benchmark_file(benchmark))
    return check_benchmark(load_benchmark(benchmark))


@dataclass
class ScoreReport:
    """The result of scoring a folder: the official document plus what was (not) scored."""

    benchmark: str
    qa_f1_only: bool
    overall: dict[str, float]
    tasks: dict[str, dict[str, Any]]
    not_scored: dict[str, str]
    ignored: list[str]
    notes: list[str]

    def to_json(self) -> dict[str, Any]:
        """The document ``evaluate.py`` writes: group scores and ``all_task`` first, then one
        entry per scored task."""
        return {**self.overall, **self.tasks}


# --------------------------------------------------------------------------------------------
# one language


def _find_task(name: str, benchmark: str | os.PathLike[str] | Benchmark | None) -> BenchmarkTask:
    """The task `name` of `benchmark`, or, when `benchmark` is None, of the registry's benchmarks
    (which must agree on how it is scored)."""
    if benchmark is not None:
        spec = resolve_benchmark(benchmark)
        if name not in spec.tasks:
            raise UsageError(
                f"benchmark {spec.name!r} has no task {name!r}; its tasks: {', '.join(spec.tasks)}"
            )
        return spec.tasks[name]
    registry = [check_benchmark(load_benchmark(b)) for b in benchmark_names()]
    found = [spec.tasks[name] for spec in registry if name in spec.tasks]
    if not found:
        known = sorted({t for spec in registry for t in spec.tasks})
        raise UsageError(
            f"no benchmark in the registry has a task {name!r}, so xharness does not know how "
            f"to score it; known tasks: {', '.join(known)}"
        )
    if len({(task.scorer, task.count_check) for task in found}) > 1:
        raise UsageError(
            f"the registry's benchmarks score task {name!r} differently; name the benchmark"
        )
    return found[0]


def score_language(
    task: str | BenchmarkTask,
    lang: str,
    prediction_file: str | os.PathLike[str],
    gold_file: str | os.PathLike[str],
    *,
    benchmark: str | os.PathLike[str] | Benchmark | None = None,
) -> LanguageScore:
    """Score one language of one task (both files must exist) with the task's scorer.

    `task` is a `BenchmarkTask` or a task name, looked up in `benchmark` (a registry name, a
    definition file or a `Benchmark`) or, by default, in the registry's benchmarks."""
    spec = task if isinstance(task, BenchmarkTask) else _find_task(task, benchmark)
    scorer = SCORERS.get(spec.scorer)
    if scorer is None:
        raise UsageError(
            f"task {spec.name!r} names scorer {spec.scorer!r}, which xharness does not have; "
            f"known: {', '.join(SCORERS)}"
        )
    return scorer.function(spec.name, lang, Path(prediction_file), Path(gold_file))


# --------------------------------------------------------------------------------------------
# tasks, groups, overall


def task_average(task: BenchmarkTask, results: Mapping[str, LanguageScore]) -> dict[str, Any]:
    """One task's entry of the official document from its per-language results (in the task's
    language order): ``{metric: {lang: value}}``, ``avg_<metric>``, ``avg_metric``.

    ``avg_metric`` is the mean of the ``avg_<metric>`` of the task's ``score`` metrics (QA:
    ``(avg_exact_match + avg_f1) / 2``), except for a pooled scorer, whose languages report
    per-question values (`LanguageScore.average_precisions`): then it is their mean over all
    questions of all languages, x 100."""
    score: dict[str, Any] = {}
    for lang in task.languages:
        for metric, value in results[lang].metrics.items():
            score.setdefault(metric, {})[lang] = value
    averages = {f"avg_{m}": sum(values.values()) / len(values) for m, values in score.items()}
    score.update(averages)
    if all(results[lang].average_precisions is not None for lang in task.languages):
        pooled = [ap for lang in task.languages for ap in results[lang].average_precisions or []]
        score["avg_metric"] = sum(pooled) / len(pooled) * 100
    else:
        parts = [score[f"avg_{metric}"] for metric in task.score]
        total = parts[0]
        for part in parts[1:]:  # left to right: QA gives (avg_exact_match + avg_f1) / 2 exactly
            total += part
        score["avg_metric"] = total / len(parts)
    return score


def _aggregate_value(benchmark: Benchmark, task: str, scores: Mapping[str, Any], f1_only: bool):
    if f1_only and benchmark.tasks[task].category == "question-answering":
        return scores["avg_f1"]
    return scores["avg_metric"]


def aggregate(
    benchmark: Benchmark, detailed: Mapping[str, Mapping[str, Any]], *, qa_f1_only: bool = False
) -> dict[str, float]:
    """``all_task`` (only when every task was scored) and each group whose tasks all were.

    Tasks are summed in the definition's ``task_order``, the official ``TASK2LANGS`` order (the
    official code sums over a ``set``, whose order can change between runs, so its ``all_task``
    can differ in the last bit). With `qa_f1_only`, tasks of category ``question-answering``
    count as their ``avg_f1``."""
    overall: dict[str, float] = {}

    def value(task: str) -> float:
        return _aggregate_value(benchmark, task, detailed[task], qa_f1_only)

    if all(task in detailed for task in benchmark.tasks):
        tasks = task_order(benchmark)
        overall["all_task"] = sum(value(t) for t in tasks) / len(tasks)
    for group, members in benchmark.groups.items():
        if all(task in detailed for task in members):
            overall[group] = sum(value(t) for t in members) / len(members)
    return overall


def _file(root: Path, task: BenchmarkTask, lang: str) -> Path:
    return root / task.name / f"test-{lang}.{task.file_suffix}"


def score_folders(
    predictions: str | os.PathLike[str],
    gold: str | os.PathLike[str],
    benchmark: str | os.PathLike[str] | Benchmark = "xtreme-r",
    *,
    qa_f1_only: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ScoreReport:
    """Score the prediction folder against the gold folder for `benchmark`: a registry name, a
    path to a benchmark definition file (an ``os.PathLike``; see `load_benchmark_file`) or a
    `Benchmark`. Each task is scored by the scorer its definition names."""
    spec = resolve_benchmark(benchmark)
    pred_root, gold_root = Path(predictions), Path(gold)
    for root, what in ((pred_root, "prediction"), (gold_root, "gold")):
        if not root.is_dir():
            raise UsageError(f"the {what} folder {str(root)!r} does not exist or is not a folder")

    scored: list[BenchmarkTask] = []
    not_scored: dict[str, str] = {}
    for name in task_order(spec):
        task = spec.tasks[name]
        in_pred, in_gold = (pred_root / name).is_dir(), (gold_root / name).is_dir()
        if in_pred and in_gold:
            scored.append(task)
        else:
            where = [w for w, ok in (("predictions", in_pred), ("gold", in_gold)) if not ok]
            not_scored[name] = f"no {name}/ folder in the " + " or the ".join(where)
    ignored = sorted(
        {
            entry.name
            for root in (pred_root, gold_root)
            for entry in root.iterdir()
            if entry.is_dir() and entry.name not in spec.tasks
        }
    )

    for task in scored:
        missing = [
            str(path)
            for lang in task.languages
            for path in (_file(pred_root, task, lang), _file(gold_root, task, lang))
            if not path.is_file()
        ]
        if missing:
            listed = ", ".join(missing[1:6]) + (
                f" and {len(missing) - 6} more" if len(missing) > 6 else ""
            )
            raise DataError(
                missing[0],
                f"missing. Task {task.name} is scored (its folder is in both the prediction and "
                f"the gold folder), so each of its {len(task.languages)} languages needs "
                f"test-<lang>.{task.file_suffix} in both folders"
                + (f"; also missing: {listed}" if listed else ""),
            )

    detailed: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    for task in scored:
        if progress:
            progress(task.name)
        results = {
            lang: score_language(
                task, lang, _file(pred_root, task, lang), _file(gold_root, task, lang)
            )
            for lang in task.languages
        }
        for result in results.values():
            notes.extend(result.notes)
        detailed[task.name] = task_average(task, results)
    return ScoreReport(
        benchmark=spec.name,
        qa_f1_only=qa_f1_only,
        overall=aggregate(spec, detailed, qa_f1_only=qa_f1_only),
        tasks=detailed,
        not_scored=not_scored,
        ignored=ignored,
        notes=notes,
    )


def write_report_json(report: ScoreReport, path: str | os.PathLike[str]) -> None:
    from xtreme_harness.atomic import write_json

    write_json(path, report.to_json())
