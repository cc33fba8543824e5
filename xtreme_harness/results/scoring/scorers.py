"""The per-language scorers: one implementation per scorer name, looked up by name.

A benchmark definition (``registry/benchmarks/<name>.json``) names, for each task, the scorer that
scores one language of it (its ``scorer`` field). This module implements each scorer once and
says, for each, which metrics it reports and whether it pairs prediction and gold items in file
order (and so checks that their numbers match). Nothing here names a task: the task name is only
passed through into messages.

| scorer | files | metrics | items counted |
|---|---|---|---|
| ``accuracy`` | one label per line | accuracy | lines |
| ``jsonl-accuracy`` | the ``label`` of every JSON line | accuracy | JSON lines |
| ``seqeval-f1`` | tags, a blank line after each sentence | f1, precision, recall | sentences |
| ``bucc-f1`` | ``source-id<TAB>target-id`` per line | f1, precision, recall | — |
| ``squad-em-f1`` | ``{id: answer}`` / SQuAD v1.1 gold | exact_match, f1 | — |
| ``mlqa-em-f1`` | as ``squad-em-f1``, MLQA normalisation | exact_match, f1 | — |
| ``mrr@20`` | ``{id: [ids, best first]}`` / ``{id: [gold id]}`` | map@20 | — |
| ``pooled-map@20`` | ``{id: [ids, best first]}`` / ``{id: [relevant ids]}`` | map@20 | — |

``pooled-map@20`` also returns every question's AP@20, and the task score pools them over all
languages (see `official.task_average`). Importing this module is cheap; numpy and the metric
modules are imported when used. `check_benchmark` checks a definition's scorer fields against the
scorers implemented here, naming the file and field of a mismatch.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from xtreme_harness.errors import DataError
from xtreme_harness.registry.benchmarks import Benchmark, BenchmarkTask

__all__ = [
    "SCORERS",
    "LanguageScore",
    "Scorer",
    "TagFile",
    "read_json",
    "read_jsonl_labels",
    "read_label",
    "read_tags",
]

PathLike = str | os.PathLike[str]


@dataclass
class LanguageScore:
    """The metrics of one language (percent), notes for people, and the per-question APs of a
    pooled scorer (``pooled-map@20``), which the task score pools over all languages."""

    metrics: dict[str, float]
    notes: list[str] = field(default_factory=list)
    average_precisions: list[float] | None = None


@dataclass(frozen=True)
class Scorer:
    """One scoring function of the core, as a benchmark definition names it.

    `metrics`: the per-language metric keys it reports, in the document's order. `unit`: what it
    counts when it pairs prediction and gold items in file order (then the numbers must match,
    the official assertion), or None when it matches them by id or as sets (no count check).
    `pooled`: the task score pools per-question values over all languages instead of averaging
    the languages' values."""

    name: str
    metrics: tuple[str, ...]
    unit: str | None
    function: Callable[[str, str, PathLike, PathLike], LanguageScore]
    description: str
    pooled: bool = False


# --------------------------------------------------------------------------------------------
# readers


def _read_text(path: PathLike) -> str:
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


def read_label(path: PathLike) -> list[str]:
    """The official ``read_label``: every line, stripped (blank lines included)."""
    return list(map(str.strip, _lines(_read_text(path))))


def read_jsonl_labels(path: PathLike, field_name: str = "label") -> list[Any]:
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


def read_json(path: PathLike) -> Any:
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


def read_tags(path: PathLike, index: Any) -> TagFile:
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
# the scorers: (task name, language, prediction file, gold file) -> LanguageScore


def _count_error(task: str, lang: str, pred, gold, n_pred: int, n_gold: int, unit: str):
    return DataError(
        str(pred),
        f"{n_pred} {unit} but the gold file {gold} has {n_gold}; the numbers must match "
        f"(task {task}, language {lang})",
    )


def _score_labels(task: str, lang: str, pred: PathLike, gold: PathLike) -> LanguageScore:
    from xtreme_harness.results.scoring.retrieval import accuracy

    predictions = read_label(pred)
    labels = read_label(gold)
    if len(predictions) != len(labels):
        raise _count_error(task, lang, pred, gold, len(predictions), len(labels), "lines")
    if not labels:
        raise DataError(str(gold), "has no lines to score")
    return LanguageScore(accuracy(labels, predictions))


def _score_jsonl(task: str, lang: str, pred: PathLike, gold: PathLike) -> LanguageScore:
    from xtreme_harness.results.scoring.retrieval import accuracy

    predictions = read_jsonl_labels(pred)
    labels = read_jsonl_labels(gold)
    if len(predictions) != len(labels):
        raise _count_error(task, lang, pred, gold, len(predictions), len(labels), "JSON lines")
    if not labels:
        raise DataError(str(gold), "has no JSON lines to score")
    return LanguageScore(accuracy(labels, predictions))


def _score_tags(task: str, lang: str, pred: PathLike, gold: PathLike) -> LanguageScore:
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


def _score_ndcg(task: str, lang: str, pred: PathLike, gold: PathLike) -> LanguageScore:
    """Web page ranking (XGLUE's ``simple_ndcg``): a score per line of the prediction file; the
    gold file's lines hold the query in the first tab-separated column and the grade in the
    last (XGLUE's release files, or ``query<TAB>grade``)."""
    from xtreme_harness.results.scoring.ndcg import per_query

    scores, rows = read_label(pred), read_label(gold)
    if len(scores) != len(rows):
        raise _count_error(task, lang, pred, gold, len(scores), len(rows), "lines")
    queries, grades, values = [], [], []
    for number, (score, row) in enumerate(zip(scores, rows, strict=True), start=1):
        fields = row.split("\t")
        try:
            grades.append(float(fields[-1]))
        except ValueError:
            raise DataError(str(gold), f"expected a numeric grade in the last tab-separated "
                            f"column, found {fields[-1]!r}", line=number) from None  # fmt: skip
        try:
            values.append(float(score))
        except ValueError:
            raise DataError(str(pred), f"expected a numeric score, found {score!r}",
                            line=number) from None  # fmt: skip
        queries.append(fields[0])
    found = per_query(queries, grades, values)
    if not found:
        raise DataError(str(gold), "has no query of two documents or more to score")
    return LanguageScore({"ndcg": 100.0 * sum(found) / len(found)})


def _score_bucc(task: str, lang: str, pred: PathLike, gold: PathLike) -> LanguageScore:
    from xtreme_harness.results.scoring.retrieval import bucc_f1

    return LanguageScore(bucc_f1(read_label(gold), read_label(pred)))


def _qa_predictions(path: PathLike) -> dict[str, str]:
    document = read_json(path)
    if not isinstance(document, dict):
        raise DataError(str(path), "expected a JSON object {question id: answer text}")
    for qid, answer in document.items():
        if not isinstance(answer, str):
            raise DataError(
                str(path), f"the answer to question {qid!r} is {type(answer).__name__}, not text"
            )
    return document


def _qa_questions(path: PathLike) -> list[tuple[str, list[str]]]:
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


def _score_qa(
    task: str, lang: str, pred: PathLike, gold: PathLike, normalize: Callable[[str], str]
) -> LanguageScore:
    from xtreme_harness.results.scoring import squad

    predictions = _qa_predictions(pred)
    questions = _qa_questions(gold)
    result = squad.evaluate_normalized(questions, predictions, normalize)
    notes = []
    if result.unanswered:
        notes.append(
            f"{task}/{lang}: {len(result.unanswered)} of {result.questions} gold questions have "
            f"no prediction and score 0 (first: {result.unanswered[0]})"
        )
    return LanguageScore(result.metrics(), notes)


def _score_squad(task: str, lang: str, pred: PathLike, gold: PathLike) -> LanguageScore:
    from xtreme_harness.results.scoring import squad

    return _score_qa(task, lang, pred, gold, squad.normalize_answer)


def _score_mlqa(task: str, lang: str, pred: PathLike, gold: PathLike) -> LanguageScore:
    from xtreme_harness.results.scoring import mlqa

    return _score_qa(task, lang, pred, gold, lambda text: mlqa.normalize_answer(text, lang))


def _id_lists(path: PathLike, *, what: str, non_empty: bool) -> dict[str, list[str]]:
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


def _score_mrr(task: str, lang: str, pred: PathLike, gold: PathLike) -> LanguageScore:
    from xtreme_harness.results.scoring.retrieval import mrr_at_k

    predictions = _id_lists(pred, what="entity ids", non_empty=False)
    labels = _id_lists(gold, what="entity ids", non_empty=True)
    notes = _coverage_notes(task, lang, labels, predictions)
    return LanguageScore({"map@20": mrr_at_k(labels, predictions) * 100}, notes)


def _score_pooled_map(task: str, lang: str, pred: PathLike, gold: PathLike) -> LanguageScore:
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


SCORERS: dict[str, Scorer] = {
    scorer.name: scorer
    for scorer in (
        Scorer(
            "accuracy",
            ("accuracy",),
            "lines",
            _score_labels,
            "accuracy over label files, one label per line, lines compared as stripped strings "
            "(the official read_label and accuracy)",
        ),
        Scorer(
            "jsonl-accuracy",
            ("accuracy",),
            "JSON lines",
            _score_jsonl,
            "accuracy over the 'label' value of every JSON line (blank lines skipped)",
        ),
        Scorer(
            "seqeval-f1",
            ("f1", "precision", "recall"),
            "sentences",
            _score_tags,
            "seqeval 1.2.2 F1, precision and recall (default mode, micro average) over tag "
            "files, one tag per line and a blank line after each sentence (the official read_tag)",
        ),
        Scorer(
            "bucc-f1",
            ("f1", "precision", "recall"),
            None,
            _score_bucc,
            "BUCC F1, precision and recall over the sets of source<TAB>target lines",
        ),
        Scorer(
            "squad-em-f1",
            ("exact_match", "f1"),
            None,
            _score_squad,
            "SQuAD v1.1 exact match and F1 with the English normalisation, over all gold "
            "questions; predictions {question id: answer text}",
        ),
        Scorer(
            "mlqa-em-f1",
            ("exact_match", "f1"),
            None,
            _score_mlqa,
            "exact match and F1 as squad-em-f1 with MLQA's normalisation of the answer "
            "language (third_party/evaluate_mlqa.py)",
        ),
        Scorer(
            "mrr@20",
            ("map@20",),
            None,
            _score_mrr,
            "the reciprocal rank of the gold id among the first 20 predicted ids, averaged "
            "over the gold ids (utils_mewslix.evaluate; reported as map@20)",
        ),
        Scorer(
            "ndcg",
            ("ndcg",),
            "lines",
            _score_ndcg,
            "nDCG per query, averaged over the queries (XGLUE's simple_ndcg: scikit-learn's "
            "ndcg_score, ties averaged); a score per prediction line, gold lines "
            "query<TAB>...<TAB>grade, a query is a run of equal consecutive queries",
        ),
        Scorer(
            "pooled-map@20",
            ("map@20",),
            None,
            _score_pooled_map,
            "AP@20 per question, averaged per language; the task score pools all questions "
            "of all languages",
            pooled=True,
        ),
    )
}
"""Every scorer of the core by name; a benchmark task's ``scorer`` field must be one of these."""


def check_benchmark(benchmark: Benchmark) -> Benchmark:
    """`benchmark` if every task's scorer exists here and agrees with the task's ``metrics``,
    ``score`` and ``count_check``; else a `DataError` naming the definition's file and field."""
    for task in benchmark.tasks.values():
        _check_scorer(task, benchmark.path or benchmark.name)
    return benchmark


def _check_scorer(task: BenchmarkTask, source: str) -> None:
    """The task's scorer must be one the core implements, report the task's `metrics` (in that
    order), have its `score` metrics, and count items exactly when `count_check` is set."""
    where = f"tasks.{task.name}"
    scorer = SCORERS.get(task.scorer)
    if scorer is None:
        raise DataError(
            source,
            f"unknown scorer {task.scorer!r}; xharness implements: {', '.join(SCORERS)}",
            field=f"{where}.scorer",
        )
    if task.metrics != scorer.metrics:
        raise DataError(
            source,
            f"scorer {scorer.name!r} reports {list(scorer.metrics)}, not {list(task.metrics)}",
            field=f"{where}.metrics",
        )
    extra = [m for m in task.score if m not in scorer.metrics]
    if extra:
        raise DataError(
            source,
            f"{extra} are not metrics of scorer {scorer.name!r} ({list(scorer.metrics)})",
            field=f"{where}.score",
        )
    if task.count_check and scorer.unit is None:
        raise DataError(
            source,
            f"scorer {scorer.name!r} matches predictions to gold by id or as sets, so it has no "
            "item count to check; set it to false",
            field=f"{where}.count_check",
        )
    if not task.count_check and scorer.unit is not None:
        raise DataError(
            source,
            f"scorer {scorer.name!r} pairs prediction and gold {scorer.unit} in file order, so "
            "their numbers must match; set it to true",
            field=f"{where}.count_check",
        )
