"""Splitting a budget over chosen languages: the formulas, and rounding to whole examples.

Three ways to split a budget `B`, each returning real-valued shares that `largest_remainder` then
rounds to whole examples:

- `water_fill`: shares proportional to weights under per-language caps (the examples a language has,
  times the passes over its data it may take); a language whose share exceeds its cap gets its cap
  and the rest is shared again among the others. The even-split samplers use it.
- `temperature_shares`: q_i = n_i^alpha / sum_j n_j^alpha, no cap (a small language's data is
  repeated when q_i * B exceeds it). This is XLM's `set_sampling_probs` (facebookresearch/XLM,
  xlm/utils.py lines 185-210 at commit cd281d3: ``probs = counts / sum; probs = probs ** coeff;
  probs /= sum``); normalising the counts first changes nothing, since (n_i / N)^alpha is
  n_i^alpha / N^alpha and N^alpha cancels. mBERT calls the exponent S (S = 0.7, google-research/
  bert multilingual.md, "Data Source and Sampling"); alpha = 1/T for a temperature T.
- `unimax`: Algorithm 1 of Chung et al., "UniMax: Fairer and More Effective Language Sampling for
  Large-Scale Multilingual Pretraining" (ICLR 2023), literally: languages in order of increasing
  size, each given the remaining budget divided by the number of languages left, or N epochs of
  its data if that is less. `unimax_character_budget` finds the character budget whose allocation
  is a given number of examples.

Rounding (`largest_remainder`, Hamilton's method): every share is floored, then the examples still
missing go one each to the largest fractional parts (ties: the order of the languages), within the
caps. A chosen language whose share floors to 0 is raised to 1 example (a sampler that chose a
language trains on it), and the overshoot is taken back one example at a time from the language
with most examples. The total is always the budget.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from xtreme_harness.interfaces import UsageError


def capacities(available: Mapping[str, int], max_epochs: float) -> dict[str, int]:
    """The most examples each language may contribute when repeated up to `max_epochs` times."""
    return {lang: math.floor(n * max_epochs) for lang, n in available.items()}


def check_budget(
    languages: Sequence[str], budget: int, sampler: str, caps: Mapping[str, int] | None = None
) -> None:
    """Refuse a budget that cannot give every language one example, or that exceeds the caps."""
    if not languages:
        raise UsageError(f"{sampler}: no language to allocate the budget to")
    if budget < len(languages):
        raise UsageError(
            f"{sampler}: a budget of {budget} examples is smaller than the {len(languages)} "
            "languages chosen; every language needs at least one example"
        )
    if caps is None:
        return
    capacity = sum(caps[lang] for lang in languages)
    if capacity < budget:
        raise UsageError(
            f"{sampler}: a budget of {budget} examples exceeds the {capacity} the chosen languages "
            f"can give ({', '.join(f'{lang}: {caps[lang]}' for lang in languages)}); lower "
            "--budget, choose more languages, or allow repeats with max_epochs"
        )


def water_fill(
    languages: Sequence[str], weights: Mapping[str, float], caps: Mapping[str, int], budget: int
) -> dict[str, float]:
    """Shares proportional to `weights`, none above its cap, summing to `budget` (which the caps
    must cover)."""
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
    return shares


def allocate(
    languages: Sequence[str],
    weights: Mapping[str, float],
    caps: Mapping[str, int],
    budget: int,
    sampler: str,
) -> dict[str, int]:
    """Examples per language, in the order of `languages`, summing to `budget`: `water_fill`
    rounded by `largest_remainder`."""
    check_budget(languages, budget, sampler, caps)
    return largest_remainder(languages, water_fill(languages, weights, caps, budget), budget, caps)


def temperature_shares(sizes: Mapping[str, float], alpha: float) -> dict[str, float]:
    """q_i = n_i^alpha / sum_j n_j^alpha (XLM `set_sampling_probs`; alpha 1: proportional to the
    size, 0: uniform)."""
    powered = {lang: float(n) ** alpha for lang, n in sizes.items()}
    total = sum(powered.values())
    return {lang: value / total for lang, value in powered.items()}


def _increasing(sizes: Mapping[str, float]) -> list[str]:
    """Languages in order of increasing size; equal sizes in order of their codes."""
    return sorted(sizes, key=lambda lang: (sizes[lang], lang))


def unimax(sizes: Mapping[str, float], budget: float, max_epochs: float) -> dict[str, float]:
    """UniMax, Algorithm 1 of Chung et al. (ICLR 2023), step by step.

    Inputs: the size c_l of each language (characters in the paper), the total budget B (in the
    same unit), the number of epochs N a language may take. For each language l, in order of
    increasing size: b_l = B / (languages left, l included); U_l = c_l * N if b_l > c_l * N else
    b_l; B = B - U_l. Returns U (the paper then normalises it into sampling probabilities). If the
    budget exceeds N epochs of everything, the U_l add up to less than the budget.
    """
    remaining = float(budget)
    order = _increasing(sizes)
    allocated: dict[str, float] = {}
    for index, lang in enumerate(order):
        share = remaining / (len(order) - index)
        cap = sizes[lang] * max_epochs
        allocated[lang] = cap if share > cap else share
        remaining -= allocated[lang]
    return allocated


def unimax_character_budget(
    characters: Mapping[str, int], examples: Mapping[str, int], budget: int, max_epochs: float
) -> float:
    """The character budget B whose UniMax allocation (`unimax(characters, B, N)`), converted to
    examples at each language's mean characters per example (U_l * n_l / c_l), adds up to `budget`
    examples. Callers check first that `budget` is at most N epochs of every language's examples.

    Algorithm 1 caps a prefix of the languages in order of increasing size and gives the others one
    share b each, so B = sum of the capped N * c_l + b * (languages left), with b the share at which
    the uncapped languages' examples sum to what the capped ones leave. Going through the languages
    in Algorithm 1's order, the smallest one left is capped whenever the b that would be needed
    with it uncapped exceeds its N * c_l (b only grows as languages are capped, so the prefix
    found is the one Algorithm 1 caps for that B).
    """
    order = _increasing(characters)
    remaining_examples = float(budget)
    capped_characters = 0.0
    for index, lang in enumerate(order):
        rest = order[index:]
        share = remaining_examples / sum(examples[other] / characters[other] for other in rest)
        if share <= characters[lang] * max_epochs:
            return capped_characters + share * len(rest)
        remaining_examples -= examples[lang] * max_epochs
        capped_characters += characters[lang] * max_epochs
    return capped_characters


def largest_remainder(
    languages: Sequence[str],
    shares: Mapping[str, float],
    budget: int,
    caps: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """Whole examples summing to `budget`: shares floored (at least 1, at most the cap), the rest
    given one by one to the largest fractional parts (ties: the order of `languages`)."""
    limit = caps if caps is not None else dict.fromkeys(languages, budget)
    counts = {lang: min(limit[lang], max(1, math.floor(shares[lang]))) for lang in languages}
    order = sorted(
        languages,
        key=lambda lang: (-(shares[lang] - math.floor(shares[lang])), languages.index(lang)),
    )
    missing = budget - sum(counts.values())
    while missing > 0:
        progressed = False
        for lang in order:
            if missing and counts[lang] < limit[lang]:
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
