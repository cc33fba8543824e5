"""Scoring submissions in the official XTREME / XTREME-R layout, exactly as the official scorer.

`score_folders(predictions, gold, benchmark)` scores a prediction folder against a gold folder
(``<folder>/<task>/test-<lang>.<suffix>``) with the semantics of ``evaluate.py`` of
google-research/xtreme, adds LAReQA and the overall XTREME-R score, and returns a `ScoreReport`
whose `to_json()` has the official document's structure. The metric modules (`squad`, `mlqa`,
`retrieval`, `seqeval_fast`) can be used on their own. Nothing here imports torch, transformers or
datasets; numpy is imported only when tags are scored. See docs/scoring.md.
"""

from __future__ import annotations

from xtreme_harness.results.scoring.official import (
    LanguageScore,
    ScoreReport,
    aggregate,
    score_folders,
    score_language,
    task_average,
    write_report_json,
)

__all__ = [
    "LanguageScore",
    "ScoreReport",
    "aggregate",
    "score_folders",
    "score_language",
    "task_average",
    "write_report_json",
]
