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
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xtreme_harness.errors import DataError, UsageError
from xtreme_harness.registry.benchmarks import Benchmark, BenchmarkTask, load_benchmark

__all__ = [
    "COUNT_EXEMPT",
    "LanguageScore",
    "ScoreReport",
    "aggregate",
    "read_json",
    "read_jsonl_labels",
    "read_label",
    "read_tags",
    "score_folders",
    "score_language",
    "task_average",
    "task_order",
    "write_report_json",
]

COUNT_EXEMPT = frozenset({"bucc2018", "mewslix", "mlqa", "tydiqa", "xquad", "lareqa"})
"""Tasks whose numbers of items need not match (the official exemptions, plus LAReQA)."""

QA_TASKS = frozenset({"xquad", "mlqa", "tydiqa"})

_OFFICIAL_ORDER = {
    "xtreme": ("pawsx", "xnli", "panx", "udpos", "bucc2018", "tatoeba", "xquad", "mlqa", "tydiqa"),
}
"""The order of the official ``TASK2LANGS`` where the registry lists tasks in another order: the
document lists tasks in it (other benchmarks: the registry's order)."""


def task_order(benchmark: Benchmark) -> list[str]:
    """The benchmark's tasks in the official scorer's order."""
    official = [t for t in _OFFICIAL_ORDER.get(benchmark.name, ()) if t in benchmark.tasks]
    return official + [t for t in benchmark.tasks if t not in official]


@dataclass
class LanguageScore:
    """The metrics of one language (percent), notes for people, and LAReQA's per-question APs."""

    metrics: dict[str, float]
    notes: list[str] = field(default_factory=list)
    average_precisions: list[float] | None = None


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
# readers


def _read_text(path: str | os.PathLike[str]) -> str:
    """The whole file as text with universal newlines, as Python's ``open(file, 'r')`` reads it."""
    try:
        with open(path, encoding="utf-8") as stream:
            return stream.read()
    except FileNotFoundError:
        raise DataError(str(path), "no such file") from None
    except UnicodeDecodeError as exc:
        raise DataError(str(path), f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise DataError(str(path), f"cannot be read: {exc.strerror or exc}") from None


def _lines(text: str) -> list[str]:
    """The lines that iterating over the open file gives, without their newline."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def read_label(path: str | os.PathLike[str]) -> list[str]:
    """The official ``read_label``: every line, stripped (blank lines included)."""
    return list(map(str.strip, _lines(_read_text(path))))


def read_jsonl_labels(path: str | os.PathLike[str], field_name: str = "label") -> list[Any]:
    """The `field_name` value of every JSON line (XCOPA); blank lines are skipped."""
    labels = []
    for number, line in enumerate(_lines(_read_text(path)), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(
                str(path), f"not valid JSON: {exc.msg} (column {exc.colno})", line=number
            ) from None
        if not isinstance(item, dict) or field_name not in item:
            raise DataError(
                str(path), f"expected a JSON object with a {field_name!r} field", line=number
            )
        labels.append(item[field_name])
    return labels


def read_json(path: str | os.PathLike[str]) -> Any:
    """A JSON document; malformed JSON is an error naming the file, line and column."""
    text = _read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(
            str(path), f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno
        ) from None


@dataclass
class TagFile:
    """A tag file (one tag per line, a blank line after each sentence) as seqeval will see it.

    `flat` holds label ids, flattened as seqeval flattens the official ``read_tag`` sentences:
    an ``O`` after every sentence and one more at the end. `lengths` and `first_lines` (1-based)
    describe the sentences, including the empty ones that consecutive blank lines make.
    """

    path: str
    flat: Any
    lengths: Any
    first_lines: Any


def read_tags(path: str | os.PathLike[str], index: Any) -> TagFile:
    """Read a tag file with ids from `index` (a `seqeval_fast.LabelIndex` made with
    ``extra=("",)``, shared with the file it will be compared with)."""
    import numpy as np

    lines = read_label(path)
    blank_id = index.ids[""]
    ids = index.encode(lines)
    blank = ids == blank_id
    ids[blank] = 1  # the sentence separator "O"
    positions = np.flatnonzero(blank)
    starts = np.concatenate(([0], positions + 1))
    ends = np.concatenate((positions, [len(lines)]))
    lengths = ends - starts
    tail = len(lines) > 0 and not blank[-1]
    if not tail:  # the last example is appended only when it is not empty
        starts, lengths = starts[:-1], lengths[:-1]
    extra = 2 if tail else 1
    flat = np.concatenate((ids, np.ones(extra, dtype=ids.dtype)))
    return TagFile(str(path), flat, lengths, starts + 1)


# --------------------------------------------------------------------------------------------
# per-language scorers


def _count_error(task: str, lang: str, pred: Path, gold: Path, n_pred: int, n_gold: int, unit: str):
    return DataError(
        str(pred),
        f"{n_pred} {unit} but the gold file {gold} has {n_gold}; the numbers must match "
        f"(task {task}, language {lang})",
    )


def _score_labels(task: str, lang: str, pred: Path, gold: Path) -> LanguageScore:
    from xtreme_harness.results.scoring.retrieval import accuracy

    predictions = read_label(pred)
    labels = read_label(gold)
    if len(predictions) != len(labels):
        raise _count_error(task, lang, pred, gold, len(predictions), len(labels), "lines")
    if not labels:
        raise DataError(str(gold), "has no lines to score")
    return LanguageScore(accuracy(labels, predictions))


def _score_jsonl(task: str, lang: str, pred: Path, gold: Path) -> LanguageScore:
    from xtreme_harness.results.scoring.retrieval import accuracy

    predictions = read_jsonl_labels(pred)
    labels = read_jsonl_labels(gold)
    if len(predictions) != len(labels):
        raise _count_error(task, lang, pred, gold, len(predictions), len(labels), "JSON lines")
    if not labels:
        raise DataError(str(gold), "has no JSON lines to score")
    return LanguageScore(accuracy(labels, predictions))


def _score_tags(task: str, lang: str, pred: Path, gold: Path) -> LanguageScore:
    import numpy as np

    from xtreme_harness.results.scoring.seqeval_fast import (
        LabelIndex,
        chunk_counts,
        scores_from_counts,
    )

    index = LabelIndex(extra=("",))
    predicted = read_tags(pred, index)
    labels = read_tags(gold, index)
    n_pred, n_gold = len(predicted.lengths), len(labels.lengths)
    if n_pred != n_gold:
        raise _count_error(task, lang, pred, gold, n_pred, n_gold, "sentences")
    if n_gold == 0:
        raise DataError(str(gold), "has no sentences to score")
    differ = np.flatnonzero(predicted.lengths != labels.lengths)
    if len(differ):
        k = int(differ[0])
        raise DataError(
            str(pred),
            f"sentence {k + 1} has {int(predicted.lengths[k])} tags but sentence {k + 1} of the "
            f"gold file {gold} (line {int(labels.first_lines[k])}) has "
            f"{int(labels.lengths[k])} tags (task {task}, language {lang})",
            line=int(predicted.first_lines[k]),
        )
    precision, recall, f1 = scores_from_counts(*chunk_counts(labels.flat, predicted.flat, index))
    return LanguageScore({"f1": f1 * 100, "precision": precision * 100, "recall": recall * 100})


def _score_bucc(task: str, lang: str, pred: Path, gold: Path) -> LanguageScore:
    from xtreme_harness.results.scoring.retrieval import bucc_f1

    return LanguageScore(bucc_f1(read_label(gold), read_label(pred)))


def _qa_predictions(path: Path) -> dict[str, str]:
    document = read_json(path)
    if not isinstance(document, dict):
        raise DataError(str(path), "expected a JSON object {question id: answer text}")
    for qid, answer in document.items():
        if not isinstance(answer, str):
            raise DataError(
                str(path), f"the answer to question {qid!r} is {type(answer).__name__}, not text"
            )
    return document


def _qa_questions(path: Path) -> list[tuple[str, list[str]]]:
    from xtreme_harness.results.scoring.squad import iter_questions

    document = read_json(path)
    data = document["data"] if isinstance(document, dict) and "data" in document else document
    try:
        questions = list(iter_questions(data))
    except (KeyError, TypeError, IndexError) as exc:
        raise DataError(
            str(path),
            f"not SQuAD-format gold data (data > paragraphs > qas > id, answers > text): {exc!r}",
        ) from None
    for qid, answers in questions:
        if not answers:
            raise DataError(str(path), f"question {qid!r} has no gold answer")
        if not isinstance(qid, str) or not all(isinstance(a, str) for a in answers):
            raise DataError(str(path), f"question {qid!r}: ids and answer texts must be text")
    if not questions:
        raise DataError(str(path), "has no questions to score")
    return questions


def _score_qa(task: str, lang: str, pred: Path, gold: Path) -> LanguageScore:
    from xtreme_harness.results.scoring import mlqa, squad

    predictions = _qa_predictions(pred)
    questions = _qa_questions(gold)
    if task == "mlqa":
        result = squad.evaluate_normalized(
            questions, predictions, lambda text: mlqa.normalize_answer(text, lang)
        )
    else:
        result = squad.evaluate_normalized(questions, predictions, squad.normalize_answer)
    notes = []
    if result.unanswered:
        notes.append(
            f"{task}/{lang}: {len(result.unanswered)} of {result.questions} gold questions have "
            f"no prediction and score 0 (first: {result.unanswered[0]})"
        )
    return LanguageScore(result.metrics(), notes)


def _id_lists(path: Path, *, what: str, non_empty: bool) -> dict[str, list[str]]:
    document = read_json(path)
    if not isinstance(document, dict):
        raise DataError(str(path), f"expected a JSON object {{id: [{what}]}}")
    for key, value in document.items():
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise DataError(str(path), f"the value of {key!r} is not a list of {what}")
        if non_empty and not value:
            raise DataError(str(path), f"the value of {key!r} is an empty list")
    return document


def _coverage_notes(task, lang, gold: Mapping[str, Any], predictions: Mapping[str, Any]):
    notes = []
    missing = sum(1 for key in gold if key not in predictions)
    extra = sum(1 for key in predictions if key not in gold)
    if missing:
        notes.append(f"{task}/{lang}: {missing} of {len(gold)} gold ids have no prediction")
    if extra:
        notes.append(f"{task}/{lang}: {extra} predicted ids are not in the gold file (ignored)")
    return notes


def _score_mewslix(task: str, lang: str, pred: Path, gold: Path) -> LanguageScore:
    from xtreme_harness.results.scoring.retrieval import mrr_at_k

    predictions = _id_lists(pred, what="entity ids", non_empty=False)
    labels = _id_lists(gold, what="entity ids", non_empty=True)
    notes = _coverage_notes(task, lang, labels, predictions)
    return LanguageScore({"map@20": mrr_at_k(labels, predictions) * 100}, notes)


def _score_lareqa(task: str, lang: str, pred: Path, gold: Path) -> LanguageScore:
    from xtreme_harness.results.scoring.retrieval import average_precision_at_k

    predictions = _id_lists(pred, what="candidate ids", non_empty=False)
    labels = _id_lists(gold, what="candidate ids", non_empty=True)
    if not labels:
        raise DataError(str(gold), "has no questions to score")
    aps = [
        average_precision_at_k(relevant, predictions.get(qid, []))
        for qid, relevant in labels.items()
    ]
    notes = _coverage_notes(task, lang, labels, predictions)
    return LanguageScore({"map@20": sum(aps) / len(aps) * 100}, notes, aps)


_SCORERS: dict[str, Callable[[str, str, Path, Path], LanguageScore]] = {
    "xnli": _score_labels,
    "pawsx": _score_labels,
    "tatoeba": _score_labels,
    "xcopa": _score_jsonl,
    "udpos": _score_tags,
    "panx": _score_tags,
    "bucc2018": _score_bucc,
    "xquad": _score_qa,
    "tydiqa": _score_qa,
    "mlqa": _score_qa,
    "mewslix": _score_mewslix,
    "lareqa": _score_lareqa,
}


def score_language(
    task: str, lang: str, prediction_file: str | os.PathLike[str], gold_file: str | os.PathLike[str]
) -> LanguageScore:
    """Score one language of one task (both files must exist)."""
    if task not in _SCORERS:
        raise UsageError(f"xharness has no scorer for task {task!r}; known: {sorted(_SCORERS)}")
    return _SCORERS[task](task, lang, Path(prediction_file), Path(gold_file))


# --------------------------------------------------------------------------------------------
# tasks, groups, overall


def task_average(task: BenchmarkTask, results: Mapping[str, LanguageScore]) -> dict[str, Any]:
    """One task's entry of the official document from its per-language results (in the task's
    language order): ``{metric: {lang: value}}``, ``avg_<metric>``, ``avg_metric``."""
    score: dict[str, Any] = {}
    for lang in task.languages:
        for metric, value in results[lang].metrics.items():
            score.setdefault(metric, {})[lang] = value
    averages = {f"avg_{m}": sum(values.values()) / len(values) for m, values in score.items()}
    score.update(averages)
    if task.name in QA_TASKS or task.category == "question-answering":
        score["avg_metric"] = (score["avg_exact_match"] + score["avg_f1"]) / 2
    elif "avg_f1" in score:
        score["avg_metric"] = score["avg_f1"]
    elif "avg_accuracy" in score:
        score["avg_metric"] = score["avg_accuracy"]
    elif task.name == "lareqa":
        pooled = [ap for lang in task.languages for ap in results[lang].average_precisions or []]
        score["avg_metric"] = sum(pooled) / len(pooled) * 100
    elif "avg_map@20" in score:
        score["avg_metric"] = score["avg_map@20"]
    return score


def _aggregate_value(benchmark: Benchmark, task: str, scores: Mapping[str, Any], f1_only: bool):
    spec = benchmark.tasks[task]
    if f1_only and (task in QA_TASKS or spec.category == "question-answering"):
        return scores["avg_f1"]
    return scores["avg_metric"]


def aggregate(
    benchmark: Benchmark, detailed: Mapping[str, Mapping[str, Any]], *, qa_f1_only: bool = False
) -> dict[str, float]:
    """``all_task`` (only when every task was scored) and each group whose tasks all were.

    Tasks are summed in the official ``TASK2LANGS`` order (the official code sums over a
    ``set``, whose order can change between runs, so its ``all_task`` can differ in the last
    bit)."""
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
    benchmark: str = "xtreme-r",
    *,
    qa_f1_only: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ScoreReport:
    """Score the prediction folder against the gold folder for `benchmark` (a registry name)."""
    spec = load_benchmark(benchmark)
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
                task.name, lang, _file(pred_root, task, lang), _file(gold_root, task, lang)
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
