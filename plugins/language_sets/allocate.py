"""Splitting a budget of examples over chosen languages, under per-language caps.

`allocate` gives each language a share proportional to its weight; a language whose share exceeds
its cap (the examples it has, times the epochs it may be repeated) gets its cap and the rest is
shared again among the others (water-filling). With equal weights this is UniMax (Chung et al.
2023): small languages are capped, the leftover budget flows to the larger ones. Shares are rounded
to whole examples by largest remainder, so that they sum to the budget exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from xtreme_harness.errors import UsageError


def capacities(available: Mapping[str, int], max_epochs: float) -> dict[str, int]:
    """The most examples each language may contribute when repeated up to `max_epochs` times."""
    return {lang: math.floor(n * max_epochs) for lang, n in available.items()}


def allocate(
    languages: Sequence[str],
    weights: Mapping[str, float],
    caps: Mapping[str, int],
    budget: int,
    sampler: str,
) -> dict[str, int]:
    """Examples per language, in the order of `languages`, summing to `budget`."""
    if not languages:
        raise UsageError(f"{sampler}: no language to allocate the budget to")
    if budget < len(languages):
        raise UsageError(
            f"{sampler}: a budget of {budget} examples is smaller than the {len(languages)} "
            "languages chosen; every language needs at least one example"
        )
    capacity = sum(caps[lang] for lang in languages)
    if capacity < budget:
        raise UsageError(
            f"{sampler}: a budget of {budget} examples exceeds the {capacity} the chosen languages "
            f"can give ({', '.join(f'{lang}: {caps[lang]}' for lang in languages)}); lower "
            "--budget, choose more languages, or allow repeats with max_epochs"
        )
    shares: dict[str, float] = {}
    open_languages = list(languages)
    remaining = float(budget)
    while open_languages:
        total_weight = sum(weights[lang] for lang in open_languages)
        capped = [
            lang
            for lang in open_languages
            if remaining * weights[lang] / total_weight >= caps[lang]
        ]
        if not capped:
            for lang in open_languages:
                shares[lang] = remaining * weights[lang] / total_weight
            break
        for lang in capped:
            shares[lang] = float(caps[lang])
            remaining -= caps[lang]
            open_languages.remove(lang)
    return _round(languages, shares, caps, budget)


def _round(
    languages: Sequence[str], shares: Mapping[str, float], caps: Mapping[str, int], budget: int
) -> dict[str, int]:
    counts = {lang: min(caps[lang], max(1, math.floor(shares[lang]))) for lang in languages}
    order = sorted(
        languages,
        key=lambda lang: (-(shares[lang] - math.floor(shares[lang])), languages.index(lang)),
    )
    missing = budget - sum(counts.values())
    while missing > 0:
        progressed = False
        for lang in order:
            if missing and counts[lang] < caps[lang]:
                counts[lang] += 1
                missing -= 1
                progressed = True
        if not progressed:  # cannot happen when the capacity covers the budget
            raise UsageError("cannot allocate the budget within the caps")
    while missing < 0:  # raising shares below 1 to 1 can overshoot; take back from the largest
        largest = max(languages, key=lambda lang: (counts[lang], -languages.index(lang)))
        counts[largest] -= 1
        missing += 1
    return {lang: counts[lang] for lang in languages}
