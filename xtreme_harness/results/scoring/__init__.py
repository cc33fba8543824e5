"""Scoring submissions in the official XTREME / XTREME-R layout, exactly as the official scorer.

`score_folders(predictions, gold, benchmark)` scores a prediction folder against a gold folder
(``<folder>/<task>/test-<lang>.<suffix>``) with the semantics of ``evaluate.py`` of
google-research/xtreme, adds LAReQA and the overall XTREME-R score, and returns a `ScoreReport`
whose `to_json()` has the official document's structure. The metric modules (`squad`, `mlqa`,
`retrieval`, `seqeval_fast`) can be used on their own. Nothing here imports torch, transformers or
datasets; numpy is imported only when tags are scored. See docs/scoring.md.

Which scorer scores a task is data: the task's ``scorer`` field in the benchmark definition names
one of `scorers.SCORERS`. `score_folders` also takes a definition file that is not in the registry
(a `pathlib.Path`, or a `Benchmark` from `xtreme_harness.registry.benchmarks.load_benchmark_file`).
"""

from __future__ import annotations

from xtreme_harness.results.scoring.official import (
    LanguageScore,
    ScoreReport,
    aggregate,
    resolve_benchmark,
    score_folders,
    score_language,
    task_average,
    write_report_json,
)

__all__ = [
    "LanguageScore",
    "ScoreReport",
    "aggregate",
    "resolve_benchmark",
    "score_folders",
    "score_language",
    "task_average",
    "write_report_json",
]
