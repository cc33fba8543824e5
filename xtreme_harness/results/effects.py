"""Effects of a grid's factors as contrasts between configurations, with intervals and p-values
corrected for many comparisons: the statistics of the research report.

A *contrast* is a signed combination of configurations that agree on everything but the factors
it compares, paired by seed and by test example:

- a main effect of a factor, level L against baseline level B, everything else equal:
  ``{L: +1, B: -1}``;
- an interaction, the difference in differences of the language-set effect under regularizer R
  and under none: ``{(L, R): +1, (B, R): -1, (L, none): -1, (B, none): +1}``.

Its value is the weighted sum of the configurations' task scores (each the mean over seeds of the
mean over languages, as the leaderboard has it). Intervals and p-values come from a bootstrap:

- over examples (`example_draws`, then `Draws.estimate`): every resample draws the test
  examples of each language with replacement, the same draw for every configuration and every
  seed (the configurations were evaluated on the same examples), and recomputes the contrast
  from the per-example units the evaluate step wrote (`xtreme_harness.results.significance.units`);
- over seeds (`over_seeds`): the per-seed contrasts, resampled with replacement.

The interval is the percentile interval (2.5th and 97.5th percentiles of the resampled contrasts;
Efron and Tibshirani 1993, ch. 13). The p-value of "the contrast is zero" is the two-sided
bootstrap p-value, twice the smaller share of resampled contrasts on either side of zero (at least
1 / resamples). `adjust` corrects a family of p-values with Holm's step-down method (Holm 1979,
family-wise error) or the Benjamini-Hochberg step-up procedure (Benjamini and Hochberg 1995, false
discovery rate), as statsmodels' `multipletests` computes them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from xtreme_harness.results.significance import RESAMPLES, score

CORRECTIONS = {"holm": "holm", "bh": "fdr_bh"}
"""Names accepted by `adjust`, and statsmodels' names for them."""

Units = Mapping[tuple[str, int], Any]
"""(language, seed) -> an (examples, k) array of per-example units."""


@dataclass(frozen=True)
class Estimate:
    """A contrast's value, its 95% interval and the two-sided bootstrap p-value of zero."""

    value: float
    low: float
    high: float
    p: float

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


def _estimate(observed: float, draws: Any) -> Estimate:
    import numpy as np

    low, high = np.percentile(draws, [2.5, 97.5])
    below, above = float(np.mean(draws <= 0)), float(np.mean(draws >= 0))
    p = min(1.0, max(2 * min(below, above), 1 / len(draws)))
    return Estimate(float(observed), float(low), float(high), p)


def _check(weights: Mapping[Any, float], available: Mapping[Any, Any]) -> None:
    missing = [name for name in weights if name not in available]
    if missing:
        raise KeyError(f"the contrast needs configurations that are missing: {missing}")


@dataclass(frozen=True)
class Draws:
    """A contrast's observed value and its bootstrap resamples, before they become an interval:
    contrasts of several tasks are averaged resample by resample (`mean_of`)."""

    value: float
    draws: Any
    """(resamples,) array of resampled contrasts."""

    def estimate(self) -> Estimate:
        return _estimate(self.value, self.draws)


def example_draws(
    metric: str,
    units: Mapping[Any, Units],
    weights: Mapping[Any, float],
    *,
    languages: Sequence[str] | None = None,
    seed: int = 0,
    resamples: int = RESAMPLES,
) -> Draws:
    """The contrast `weights` (configuration -> weight) of task scores over `languages` (default:
    all), resampled by a paired bootstrap over the test examples of each language. `units` maps
    each configuration to its per-example units; all configurations hold the same (language,
    seed) keys, with the same examples. A pooled metric (`metrics.POOLED`) is computed over the
    examples of all languages together, as its task score is; any other is the mean of the
    languages' values."""
    import numpy as np

    from xtreme_harness.results.metrics import POOLED

    _check(weights, units)
    names = list(weights)
    keys = units[names[0]]
    chosen = sorted({language for language, _ in keys})
    if languages is not None:
        absent = sorted(set(languages) - set(chosen))
        if absent:
            raise KeyError(f"the units hold no examples of {absent}")
        chosen = sorted(languages)
    seeds = sorted({run_seed for _, run_seed in keys})
    rng = np.random.default_rng(seed)
    observed = np.zeros(len(seeds))
    draws = np.zeros((resamples, len(seeds)))
    pooled = metric in POOLED
    width = next(iter(keys.values())).shape[1]
    sums = {name: np.zeros((len(seeds), width)) for name in names}
    resampled = {name: np.zeros((resamples, len(seeds), width)) for name in names}
    for language in chosen:
        size = len(keys[(language, seeds[0])])
        picks = rng.integers(0, size, size=(resamples, size))  # one draw for all
        for column, run_seed in enumerate(seeds):
            for name in names:
                table = units[name][(language, run_seed)]
                if pooled:
                    sums[name][column] += table.sum(0)
                    resampled[name][:, column] += table[picks].sum(1)
                else:
                    observed[column] += weights[name] * score(metric, table.sum(0))
                    draws[:, column] += weights[name] * score(metric, table[picks].sum(1))
    if pooled:
        for name in names:
            observed += weights[name] * score(metric, sums[name])
            draws += weights[name] * score(metric, resampled[name])
    else:
        observed /= len(chosen)
        draws /= len(chosen)
    return Draws(float(observed.mean()), draws.mean(axis=1))


def mean_of(parts: Sequence[Draws]) -> Draws:
    """The contrast of an average of task scores (a category's score, a benchmark's score) from
    the contrasts of its tasks: their mean, resample by resample. The tasks' test sets are
    independent, so each task must be resampled with its own random stream (pass each a
    different `seed`)."""
    import numpy as np

    if not parts:
        raise ValueError("mean_of needs at least one contrast")
    return Draws(
        float(np.mean([part.value for part in parts])),
        np.mean([part.draws for part in parts], axis=0),
    )


def over_seeds(
    scores: Mapping[Any, Mapping[int, float]],
    weights: Mapping[Any, float],
    *,
    seed: int = 0,
    resamples: int = RESAMPLES,
) -> Estimate:
    """The contrast `weights` of task scores, with a bootstrap over seeds: `scores` maps each
    configuration to its task score per seed; only seeds every configuration has are paired."""
    import numpy as np

    _check(weights, scores)
    shared = sorted(set.intersection(*(set(scores[name]) for name in weights)))
    if not shared:
        raise KeyError("the configurations of the contrast share no seed")
    per_seed = np.array(
        [sum(w * scores[name][s] for name, w in weights.items()) for s in shared], dtype=float
    )
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(per_seed), size=(resamples, len(per_seed)))
    return _estimate(per_seed.mean(), per_seed[picks].mean(axis=1))


def main_effect(level: Any, baseline: Any) -> dict[Any, float]:
    """The weights of level minus baseline."""
    return {level: 1.0, baseline: -1.0}


def interaction(
    level: Any, baseline: Any, condition: Any, reference: Any
) -> dict[tuple[Any, Any], float]:
    """The weights of (level - baseline | condition) - (level - baseline | reference), over
    configurations named (factor level, condition)."""
    return {
        (level, condition): 1.0,
        (baseline, condition): -1.0,
        (level, reference): -1.0,
        (baseline, reference): 1.0,
    }


def adjust(p_values: Sequence[float], method: str = "holm") -> list[float]:
    """`p_values` corrected for their number: ``holm`` (family-wise) or ``bh`` (false discovery
    rate), by statsmodels."""
    if method not in CORRECTIONS:
        raise ValueError(f"correction {method!r}: expected one of {', '.join(CORRECTIONS)}")
    if not p_values:
        return []
    from statsmodels.stats.multitest import multipletests

    return [float(p) for p in multipletests(list(p_values), method=CORRECTIONS[method])[1]]


def detectable_effect(sd: float, seeds: int, *, power: float = 0.8, alpha: float = 0.05) -> float:
    """The smallest mean per-seed difference a two-sided paired t-test over `seeds` seeds finds
    with probability `power` at level `alpha`, given the standard deviation `sd` of the per-seed
    differences (statsmodels' `TTestPower`, the power of the one-sample t-test on differences)."""
    if seeds < 2:
        raise ValueError("a paired t-test needs at least 2 seeds")
    from statsmodels.stats.power import TTestPower

    size = TTestPower().solve_power(nobs=seeds, alpha=alpha, power=power,
                                    alternative="two-sided")  # fmt: skip
    return float(size) * sd


def seeds_needed(effect: float, sd: float, *, power: float = 0.8, alpha: float = 0.05) -> int:
    """The fewest seeds with which a two-sided paired t-test finds a mean per-seed difference of
    `effect` with probability `power`, given the standard deviation `sd` of the differences."""
    import math

    if effect == 0 or sd <= 0:
        raise ValueError("seeds_needed: the effect must be non-zero and the deviation positive")
    from statsmodels.stats.power import TTestPower

    found = TTestPower().solve_power(effect_size=abs(effect) / sd, alpha=alpha, power=power,
                                     alternative="two-sided")  # fmt: skip
    return max(2, math.ceil(float(found)))
