"""Shared by the perf scripts: a measured figure set beside its goal, with a pass/fail word; and
the tokens a set of batches runs once each is padded.

The scripts print, they never assert a timing: a slow or loaded machine gives "below goal" (or
"above goal" for a goal that is an upper bound), not a failure. Only correctness checks (the same
answers from the two methods compared) end a script with a non-zero status.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def verdict(value: float, goal: float, *, at_most: bool = False) -> str:
    """``meets goal``, or ``below goal`` (``above goal`` when the goal is an upper bound)."""
    if at_most:
        return "meets goal" if value <= goal else "above goal"
    return "meets goal" if value >= goal else "below goal"


def goal_text(value: float, goal: float, *, at_most: bool = False, unit: str = "x") -> str:
    """``goal >= 3x: below goal``: the goal beside a ratio, and whether the ratio meets it."""
    sign = "<=" if at_most else ">="
    return f"goal {sign} {goal:g}{unit}: {verdict(value, goal, at_most=at_most)}"


def median(values: Sequence[float]) -> float:
    """The true median (the mean of the two middle values for an even count)."""
    return statistics.median(values)


def batch_tokens(lengths: Sequence[int], batches: Sequence[Sequence[int]]) -> int:
    """Tokens of `batches` (lists of indices into `lengths`) once each is padded to its longest
    input."""
    return sum(len(batch) * max(lengths[i] for i in batch) for batch in batches)


def spread(values: Sequence[float], fmt: str = "{:.2f}") -> str:
    """``min 1.20, max 1.45 (n = 3)``: the range of repeated measurements."""
    return f"min {fmt.format(min(values))}, max {fmt.format(max(values))} (n = {len(values)})"
