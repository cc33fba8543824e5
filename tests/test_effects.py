"""The report's statistics: contrasts of configurations (main effects, interactions) with
bootstrap intervals and p-values, and corrections for many comparisons, on constructed data whose
answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from xtreme_harness.results import effects

LANGUAGES = ("de", "sw")
SEEDS = (1, 2, 3)
# true accuracies of (language set, regularizer): the language-set effect is 4 points without
# robust training and 10 points with it, so the planted interaction is 6 points
TRUE = {("lrd", "rs"): 0.62, ("hr", "rs"): 0.52, ("lrd", "none"): 0.58, ("hr", "none"): 0.54}
PLANTED = 100 * ((0.62 - 0.52) - (0.58 - 0.54))


def _units(rng, examples=400):
    """Accuracy units of every configuration: each test example answered correctly with the
    configuration's probability, independently per configuration and seed."""
    return {
        config: {
            (language, run_seed): np.column_stack(
                [(rng.random(examples) < p).astype(float), np.ones(examples)]
            )
            for language in LANGUAGES
            for run_seed in SEEDS
        }
        for config, p in TRUE.items()
    }


def test_a_planted_interaction_is_recovered_and_covered_about_95_percent_of_the_time():
    weights = effects.interaction("lrd", "hr", "rs", "none")
    rng = np.random.default_rng(7)
    covered, values = 0, []
    replications = 150
    for replication in range(replications):
        estimate = effects.example_draws("accuracy", _units(rng), weights, seed=replication,
                                         resamples=300).estimate()  # fmt: skip
        values.append(estimate.value)
        covered += estimate.low <= PLANTED <= estimate.high
    assert abs(np.mean(values) - PLANTED) < 0.5  # unbiased: 6 points planted
    assert 0.90 <= covered / replications <= 0.99


def test_no_interaction_is_found_where_none_is_planted():
    rng = np.random.default_rng(3)
    units = _units(rng)
    units[("lrd", "rs")] = units[("lrd", "none")]
    units[("hr", "rs")] = units[("hr", "none")]
    weights = effects.interaction("lrd", "hr", "rs", "none")
    estimate = effects.example_draws("accuracy", units, weights).estimate()
    assert estimate.value == 0.0 and estimate.low == 0.0 and estimate.high == 0.0
    assert estimate.p == 1.0 and not estimate.excludes_zero


def test_a_main_effect_over_seeds():
    scores = {"lrd": {1: 50.0, 2: 52.0, 3: 54.0, 4: 40.0}, "hr": {1: 48.0, 2: 49.0, 3: 50.0}}
    estimate = effects.over_seeds(scores, effects.main_effect("lrd", "hr"), resamples=2000)
    assert estimate.value == pytest.approx(3.0)  # seeds 1-3 only: differences 2, 3, 4
    assert 2.0 <= estimate.low <= estimate.high <= 4.0
    assert estimate.p == pytest.approx(1 / 2000)  # every resample above zero
    assert estimate.excludes_zero


def test_holm_and_benjamini_hochberg_on_values_worked_by_hand():
    p = [0.01, 0.04, 0.03, 0.005]
    # Holm: sorted 0.005 x 4, 0.01 x 3, 0.03 x 2, 0.04 x 1, made monotone
    assert effects.adjust(p, "holm") == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # BH: sorted p x 4 / rank = 0.02, 0.02, 0.04, 0.04, made monotone from the top
    assert effects.adjust(p, "bh") == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert effects.adjust([], "bh") == []


def test_contrasts_name_what_is_missing_and_refuse_unknown_corrections():
    with pytest.raises(KeyError, match=r"missing: \[\('lrd', 'rs'\)"):
        effects.over_seeds({("hr", "rs"): {1: 1.0}}, effects.interaction("lrd", "hr", "rs", "n"))
    with pytest.raises(KeyError, match="share no seed"):
        effects.over_seeds({"a": {1: 1.0}, "b": {2: 1.0}}, effects.main_effect("a", "b"))
    with pytest.raises(ValueError, match="expected one of holm, bh"):
        effects.adjust([0.5], "bonferroni")


def _paired_t_power(effect_size, seeds, alpha=0.05):
    """The power of the two-sided one-sample t-test, from the noncentral t distribution."""
    from scipy import stats

    df = seeds - 1
    critical = stats.t.ppf(1 - alpha / 2, df)
    shift = effect_size * seeds**0.5
    return stats.nct.sf(critical, df, shift) + stats.nct.cdf(-critical, df, shift)


@pytest.mark.parametrize("seeds", [3, 5, 10])
def test_the_detectable_effect_has_the_asked_power(seeds):
    effect = effects.detectable_effect(sd=2.0, seeds=seeds)
    assert _paired_t_power(effect / 2.0, seeds) == pytest.approx(0.8, abs=1e-4)


def test_seeds_needed_is_the_fewest_with_enough_power():
    needed = effects.seeds_needed(effect=1.0, sd=2.0)
    assert _paired_t_power(0.5, needed) >= 0.8 > _paired_t_power(0.5, needed - 1)
    assert needed == 34  # d = 0.5: 34 pairs for 80% power (two-sided, alpha 0.05)
    with pytest.raises(ValueError, match="at least 2 seeds"):
        effects.detectable_effect(sd=1.0, seeds=1)


def test_a_subset_of_languages_is_the_contrast_of_those_languages_only():
    rng = np.random.default_rng(3)
    units = _units(rng)
    weights = effects.main_effect(("lrd", "none"), ("hr", "none"))
    kept = {name: {key: table for key, table in found.items() if key[0] == "sw"}
            for name, found in units.items()}  # fmt: skip
    subset = effects.example_draws("accuracy", units, weights, languages=["sw"], seed=4)
    alone = effects.example_draws("accuracy", kept, weights, seed=4)
    assert subset.value == pytest.approx(alone.value)
    with pytest.raises(KeyError, match="no examples of"):
        effects.example_draws("accuracy", units, weights, languages=["xx"])


def test_a_pooled_metric_sums_the_units_of_every_language_first():
    """map@20 is the mean over the queries of all languages (LAReQA), not the mean of the
    languages' values: 3 queries at 1.0 in one language and 1 at 0.0 in another pool to 75."""
    units = {
        "a": {("ar", 1): np.array([[1.0, 1.0]] * 3), ("de", 1): np.array([[0.0, 1.0]])},
        "b": {("ar", 1): np.array([[0.0, 1.0]] * 3), ("de", 1): np.array([[0.0, 1.0]])},
    }
    found = effects.example_draws("map@20", units, effects.main_effect("a", "b"))
    assert found.value == pytest.approx(75.0)
    averaged = effects.example_draws("mrr@20", units, effects.main_effect("a", "b"))
    assert averaged.value == pytest.approx(50.0)  # (100 + 0) / 2 - 0


def test_the_contrast_of_an_average_of_tasks_averages_resample_by_resample():
    """Two independent tasks with the same spread: their mean has the mean value and an
    interval about 1/sqrt(2) as wide as each one's."""
    rng = np.random.default_rng(5)
    weights = effects.main_effect(("lrd", "none"), ("hr", "none"))
    parts = [effects.example_draws("accuracy", _units(rng), weights, seed=task)
             for task in (11, 12)]  # fmt: skip
    mean = effects.mean_of(parts)
    assert mean.value == pytest.approx((parts[0].value + parts[1].value) / 2)
    width = [np.subtract(*np.percentile(p.draws, [97.5, 2.5])) for p in (*parts, mean)]
    assert width[2] == pytest.approx(np.mean(width[:2]) / np.sqrt(2), rel=0.2)
    with pytest.raises(ValueError):
        effects.mean_of([])
