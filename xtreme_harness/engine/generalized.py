"""Generalised cross-lingual evaluation (Huang et al. 2021): sentence pairs whose two sentences
come from different languages.

The XNLI and PAWS-X test sets are parallel: example i is the same in every language. Pairing the
first sentence of example i in language L1 with the second sentence of example i in language L2
gives a test set for (L1, L2) with the label of example i. Every ordered pair is evaluated, the
diagonal (L1 = L2) being the standard test set of that language.

MLQA ships the same for extractive QA: every (context language, question language) pair as a file
of its own (G-XLT in the MLQA paper); a task declares such a split as its `pairs_split`, and each
pair is scored with the normalisation of the context language, the language of the answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from xtreme_harness.errors import DataError, UsageError


def pairs(
    first: Sequence[Mapping[str, Any]],
    second: Sequence[Mapping[str, Any]],
    languages: tuple[str, str],
    task: str,
) -> list[dict[str, Any]]:
    """Examples with text_a from `first` (language L1) and text_b from `second` (L2)."""
    l1, l2 = languages
    if len(first) != len(second):
        raise DataError(
            f"{task} test {l1}/{l2}",
            f"the test sets are not parallel: {len(first)} examples in {l1}, {len(second)} in {l2}",
        )
    built = []
    for index, (a, b) in enumerate(zip(first, second, strict=True)):
        if b.get("text_b") is None or a.get("text_b") is None:
            raise UsageError(f"{task}: generalised evaluation needs sentence pairs")
        if a.get("label") != b.get("label"):
            raise DataError(
                f"{task} test {l1}/{l2}",
                f"the test sets are not parallel: example {index + 1} is {a.get('label')!r} in "
                f"{l1} and {b.get('label')!r} in {l2}",
            )
        built.append(
            {"id": f"{a['id']}", "text_a": a["text_a"], "text_b": b["text_b"], "label": a["label"]}
        )
    return built


def summary(
    languages: Sequence[str],
    correct: Mapping[tuple[str, str], int],
    counts: Mapping[tuple[str, str], int],
) -> dict[str, Any]:
    """Accuracy of every (L1, L2) cell, the pooled accuracy over all cells (diagonal included,
    as the reference script reports it), and the means of the diagonal and off-diagonal cells."""
    accuracy = {
        l1: {l2: float(correct[(l1, l2)]) / counts[(l1, l2)] * 100 for l2 in languages}
        for l1 in languages
    }
    off = [accuracy[l1][l2] for l1 in languages for l2 in languages if l1 != l2]
    return {
        "languages": list(languages),
        "accuracy": accuracy,
        "total": float(sum(correct.values())) / sum(counts.values()) * 100,
        "diagonal_mean": sum(accuracy[x][x] for x in languages) / len(languages),
        "off_diagonal_mean": sum(off) / len(off) if off else None,
    }


def pair_summary(
    languages: Sequence[str], scores: Mapping[tuple[str, str], Mapping[str, float]]
) -> dict[str, Any]:
    """Extractive QA over (context language, question language) pairs: exact match and F1 of
    every pair, and the means of the diagonal (same language) and off-diagonal pairs."""
    summary: dict[str, Any] = {"languages": list(languages)}
    diagonal: dict[str, float | None] = {}
    off_diagonal: dict[str, float | None] = {}
    for key in ("exact_match", "f1"):
        summary[key] = {c: {q: scores[(c, q)][key] for q in languages} for c in languages}
        same = [scores[(x, x)][key] for x in languages]
        other = [scores[(c, q)][key] for c in languages for q in languages if c != q]
        diagonal[key] = sum(same) / len(same)
        off_diagonal[key] = sum(other) / len(other) if other else None
    summary["diagonal_mean"] = diagonal
    summary["off_diagonal_mean"] = off_diagonal
    return summary
