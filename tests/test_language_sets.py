"""Language-set samplers: properties over random candidates (hypothesis), and their errors."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xharness_plugins.language_sets.allocate import temperature_shares, unimax
from xtreme_harness.errors import UnknownNameError, UsageError
from xtreme_harness.interfaces.language_set import Candidates
from xtreme_harness.plugin_host import PluginHost
from xtreme_harness.registry.languages import default_registry

HOST = PluginHost()
REGISTRY = default_registry()
CODES = sorted(REGISTRY.codes)
SAMPLERS = ["high-resource", "low-resource-diverse", "family-balanced", "temperature", "unimax",
            "random"]  # fmt: skip


def sampler(name, **options):
    return HOST.get("language_sets", name)(**options)


candidates_strategy = st.dictionaries(
    st.sampled_from(CODES), st.integers(min_value=0, max_value=400), min_size=1, max_size=40
)


sized_candidates_strategy = st.dictionaries(
    st.sampled_from(CODES),
    st.tuples(st.integers(min_value=0, max_value=400), st.integers(min_value=1, max_value=200)),
    min_size=1,
    max_size=40,
)


def sized(drawn):
    """Candidates from {code: (examples, mean characters per example)}."""
    return Candidates(
        {code: n for code, (n, _) in drawn.items()},
        {code: n * length for code, (n, length) in drawn.items()},
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(SAMPLERS),
    drawn=sized_candidates_strategy,
    k=st.one_of(st.none(), st.integers(min_value=1, max_value=12)),
    budget_share=st.floats(min_value=0.0, max_value=1.0),
    seed=st.integers(min_value=0, max_value=10**6),
)
def test_allocations_sum_to_the_budget_within_caps_and_repeat_per_seed(
    name, drawn, k, budget_share, seed
):
    candidates = sized(drawn)
    options = {} if k is None else {"languages": k}
    chosen_sampler = sampler(name, **options)
    max_epochs = chosen_sampler.options.get("max_epochs", 1.0)
    capacity = sum(int(n * max_epochs) for n in candidates.values())
    budget = max(1, int(budget_share * capacity))
    try:
        allocation = chosen_sampler.select(candidates, budget, seed)
    except UsageError as exc:
        assert str(exc).startswith(name)  # every refusal says which sampler refused and why
        return
    assert allocation.total == budget
    for language, count in allocation.examples.items():
        assert candidates.get(language, 0) > 0  # never a language without data
        assert count >= 1
        if name != "temperature":  # temperature repeats small languages' data without a cap
            assert count <= int(candidates[language] * max_epochs)
        assert allocation.available[language] == candidates[language]
        assert allocation.available_characters[language] == candidates.characters[language]
    if name == "temperature":  # q_i * budget, rounded: off by less than one example, plus the
        # examples taken back from the largest for languages raised from 0 to 1
        q = temperature_shares(allocation.available, chosen_sampler.options["alpha"])
        raised = sum(1 for lang in q if q[lang] * budget < 1)
        for language, count in allocation.examples.items():
            assert abs(count - q[language] * budget) < 1 + raised
    if k is not None:
        assert len(allocation.languages) == k
    reordered = Candidates(dict(list(candidates.items())[::-1]), candidates.characters)
    again = sampler(name, **options).select(reordered, budget, seed)
    assert again.examples == allocation.examples


LOW = [c for c in CODES if REGISTRY.get(c).resource_class is not None
       and REGISTRY.get(c).resource_class <= 2]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    candidates=st.dictionaries(st.sampled_from(CODES), st.integers(0, 50), max_size=10),
    low=st.dictionaries(st.sampled_from(LOW), st.integers(1, 50), min_size=1, max_size=30),
    data=st.data(),
)
def test_low_resource_diverse_covers_as_many_families_as_it_can(candidates, low, data):
    candidates = {**candidates, **low}
    eligible = [c for c in candidates if c in LOW and candidates[c] > 0]
    k = data.draw(st.integers(1, len(eligible)), label="k")
    seed = data.draw(st.integers(0, 10**6), label="seed")
    allocation = sampler("low-resource-diverse", languages=k).select(candidates, None, seed)
    families = {REGISTRY.get(c).family for c in allocation.languages}
    available = {REGISTRY.get(c).family for c in eligible}
    assert len(families) == min(k, len(available))
    assert all(REGISTRY.get(c).resource_class <= 2 for c in allocation.languages)


@settings(max_examples=150, deadline=None)
@given(candidates=candidates_strategy, threshold=st.integers(0, 5), seed=st.integers(0, 10**6))
def test_high_resource_never_picks_below_its_threshold(candidates, threshold, seed):
    try:
        allocation = sampler("high-resource", threshold=threshold).select(candidates, None, seed)
    except UsageError:
        return
    assert all(REGISTRY.get(c).resource_class >= threshold for c in allocation.languages)


def test_temperature_shares_follow_data_size():
    allocation = sampler("temperature", alpha=1.0).select({"en": 300, "sw": 100}, 200, seed=1)
    assert allocation.examples == {"en": 150, "sw": 50}
    even = sampler("temperature", alpha=0.0).select({"en": 300, "sw": 100}, 200, seed=1)
    assert even.examples == {"en": 100, "sw": 100}


# Temperature sampling, q_i = n_i^alpha / sum_j n_j^alpha: XLM `set_sampling_probs`
# (facebookresearch/XLM, xlm/utils.py lines 185-210: probs = counts / sum; probs = probs ** coeff;
# probs /= sum; dividing by the sum first cancels out), mBERT's S = alpha (google-research/bert
# multilingual.md, S = 0.7), alpha 0.3 as used by XLM-R and mT5. Counts en 10000, sw 100, yo 10;
# budget 2000 examples; shares rounded by largest remainder.
#
# alpha = 0.3: 10000^0.3 = 10^1.2 = 15.848932, 100^0.3 = 10^0.6 = 3.981072,
#   10^0.3 = 1.995262; sum 21.825266.
#   q = en 0.726174, sw 0.182407, yo 0.091420; q * 2000 = en 1452.347, sw 364.813, yo 182.840.
#   Floors 1452 + 364 + 182 = 1998; the 2 missing go to the largest remainders, yo (.840) and
#   sw (.813): en 1452, sw 365, yo 183. yo has 10 examples: 18.3 epochs (18 whole passes and 3
#   more examples); sw 3.65 epochs; en 0.1452.
# alpha = 0.7: 10000^0.7 = 10^2.8 = 630.957344, 100^0.7 = 10^1.4 = 25.118864,
#   10^0.7 = 5.011872; sum 661.088080.
#   q = en 0.954423, sw 0.037996, yo 0.007581; q * 2000 = en 1908.845, sw 75.993, yo 15.162.
#   Floors 1908 + 75 + 15 = 1998; the 2 missing go to sw (.993) and en (.845):
#   en 1909, sw 76, yo 15. yo: 1.5 epochs; sw 0.76; en 0.1909.
TEMPERATURE_CASES = [
    (0.3, {"en": 0.726174, "sw": 0.182407, "yo": 0.091420},
     {"en": 1452, "sw": 365, "yo": 183}, {"en": 0.1452, "sw": 3.65, "yo": 18.3}, ["sw", "yo"]),
    (0.7, {"en": 0.954423, "sw": 0.037996, "yo": 0.007581},
     {"en": 1909, "sw": 76, "yo": 15}, {"en": 0.1909, "sw": 0.76, "yo": 1.5}, ["yo"]),
]  # fmt: skip


@pytest.mark.parametrize(("alpha", "q", "examples", "epochs", "repeated"), TEMPERATURE_CASES)
def test_temperature_follows_the_formula_and_repeats_small_languages(
    alpha, q, examples, epochs, repeated
):
    counts = {"en": 10000, "sw": 100, "yo": 10}
    shares = temperature_shares(counts, alpha)
    assert shares == pytest.approx(q, abs=1e-6)
    allocation = sampler("temperature", alpha=alpha).select(counts, 2000, seed=1)
    assert dict(allocation.examples) == examples
    assert allocation.epochs == pytest.approx(epochs)
    assert sorted(allocation.repeated) == repeated
    described = allocation.describe(REGISTRY)
    assert sorted(described["repeated"]) == repeated
    assert {row["language"]: row["epochs"] for row in described["languages"]} == epochs


# UniMax, Algorithm 1 of Chung et al. (ICLR 2023): languages in order of increasing size c_l; for
# each, b_l = B / (languages left), U_l = c_l * N if b_l > c_l * N else b_l, B = B - U_l.
#
# Characters (the paper's unit): yo 10 examples of 30 characters (300), sw 100 of 50 (5000),
# en 200 of 100 (20000); N = 2 epochs; budget 101 examples.
#   The character budget B whose allocation is 101 examples: with all three uncapped, one share b
#   would need b * (10/300 + 100/5000 + 200/20000) = b * 19/300 = 101, b = 1594.7 characters,
#   more than yo's N epochs (2 * 300 = 600): yo is capped at 600 characters = 20 examples; the 81
#   examples left need b * (100/5000 + 200/20000) = b * 3/100 = 81, b = 2700 <= sw's 2 * 5000:
#   B = 600 + 2 * 2700 = 6000 characters.
#   Algorithm 1 with B = 6000: yo: b = 6000/3 = 2000 > 600, U = 600 (2 epochs), B = 5400;
#   sw: b = 5400/2 = 2700 <= 10000, U = 2700, B = 2700; en: b = 2700 <= 40000, U = 2700.
#   In examples: yo 600/30 = 20, sw 2700/50 = 54, en 2700/100 = 27; 101 in all.
# Examples (unit=examples), same data and budget: yo: b = 101/3 = 33.67 > 2 * 10 = 20, U = 20,
#   B = 81; sw: b = 81/2 = 40.5 <= 200, U = 40.5; en: b = 40.5 <= 400, U = 40.5. Largest remainder:
#   floors 20 + 40 + 40 = 100, the one missing goes to the tie (.5, .5) broken by the order the
#   sampler chose the languages in.
UNIMAX_CANDIDATES = Candidates(
    {"en": 200, "sw": 100, "yo": 10}, {"en": 20000, "sw": 5000, "yo": 300}
)


def test_unimax_algorithm_1_caps_the_smallest_language_and_respreads_the_rest():
    assert unimax({"yo": 300, "sw": 5000, "en": 20000}, 6000, 2) == {
        "yo": 600, "sw": 2700, "en": 2700,
    }  # fmt: skip
    allocation = sampler("unimax", max_epochs=2).select(UNIMAX_CANDIDATES, 101, seed=1)
    assert dict(allocation.examples) == {"yo": 20, "sw": 54, "en": 27}
    assert allocation.budget_characters == 6000
    assert allocation.characters == {"yo": 600, "sw": 2700, "en": 2700}
    assert allocation.epochs == {"yo": 2.0, "sw": 0.54, "en": 0.135}
    assert allocation.repeated == ["yo"]
    described = allocation.describe(REGISTRY)
    assert described["budget_characters"] == 6000 and described["total_characters"] == 6000


def test_unimax_in_examples_spreads_examples():
    allocation = sampler("unimax", max_epochs=2, unit="examples").select(
        UNIMAX_CANDIDATES, 101, seed=1
    )
    assert allocation.examples["yo"] == 20
    assert sorted([allocation.examples["sw"], allocation.examples["en"]]) == [40, 41]
    assert allocation.budget_characters is None
    assert unimax({"yo": 10, "sw": 100, "en": 200}, 101, 2) == {"yo": 20, "sw": 40.5, "en": 40.5}


def test_unimax_matches_the_unimax_sampling_package_example():
    # The worked example of the unimax_sampling package (PyPI), an implementation of Chung et al.:
    # 250e9 characters over five languages, at most 4 epochs. fao (4 * 549707867) and isl
    # (4 * 10027573389) are capped; the other three share the rest: (250e9 - 2198831468 -
    # 40110293556) / 3 = 69230291658.67 each.
    sizes = {"swe": 179955884499, "fas": 184595788282, "ekk": 42541080893, "isl": 10027573389,
             "fao": 549707867}  # fmt: skip
    allocated = unimax(sizes, 250_000_000_000, 4)
    assert allocated["fao"] == 2198831468 and allocated["isl"] == 40110293556
    for lang in ("ekk", "swe", "fas"):
        assert allocated[lang] == pytest.approx(69230291658.66667)


def test_unimax_caps_small_languages_and_gives_the_rest_to_large_ones():
    # unit=examples: the old behaviour (an even split of examples) is now this option; the
    # default spreads characters, which a plain dict of counts does not give
    allocation = sampler("unimax", max_epochs=2, unit="examples").select(
        {"en": 1000, "sw": 20, "yo": 5}, 300, 1
    )
    assert allocation.examples == {"en": 250, "sw": 40, "yo": 10}


@pytest.mark.parametrize("name", ["temperature", "unimax"])
def test_temperature_and_unimax_need_a_budget(name):
    with pytest.raises(UsageError) as info:
        sampler(name).select(UNIMAX_CANDIDATES, None, seed=1)
    message = str(info.value)
    assert message.startswith(f"{name}: give a budget with --budget N")
    assert "The 3 chosen languages have 310 examples; --budget 310" in message
    if name == "unimax":
        assert "at most --budget 1240 here" in message


def test_unimax_in_characters_needs_the_characters():
    with pytest.raises(UsageError, match="unimax: the characters of each language's examples"):
        sampler("unimax").select({"en": 10, "sw": 5}, 10, seed=1)


@pytest.mark.parametrize(
    "name", ["explicit", "high-resource", "low-resource-diverse", "family-balanced", "random"]
)
def test_other_samplers_take_all_the_data_without_a_budget(name):
    options = {"codes": "sw,am"} if name == "explicit" else {}
    candidates = {"sw": 7, "am": 5, "en": 9} if name != "high-resource" else {"en": 9, "fr": 4}
    allocation = sampler(name, **options).select(candidates, None, seed=1)
    assert all(allocation.epochs[lang] == 1 for lang in allocation.languages)
    assert allocation.budget == allocation.total


def test_family_balanced_gives_each_family_the_same_share():
    candidates = {"sw": 100, "yo": 100, "wo": 100, "am": 100}  # three Atlantic-Congo, one not
    allocation = sampler("family-balanced").select(candidates, 120, seed=3)
    assert allocation.examples["am"] == 60
    assert sum(n for c, n in allocation.examples.items() if c != "am") == 60


def test_explicit_lists_counts_and_all_data():
    assert sampler("explicit", codes="en:3,sw:2").select({"en": 10, "sw": 5}, None, 1).examples == {
        "en": 3, "sw": 2,
    }  # fmt: skip
    assert sampler("explicit", codes="en,sw").select({"en": 10, "sw": 5}, None, 1).examples == {
        "en": 10, "sw": 5,
    }  # fmt: skip
    assert sampler("explicit", codes="en,sw").select({"en": 10, "sw": 5}, 8, 1).examples == {
        "en": 4, "sw": 4,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("name", "options", "candidates", "budget", "message"),
    [
        ("low-resource-diverse", {"languages": 9}, {"sw": 5, "yo": 5, "en": 5}, 10,
         "9 languages asked for, but only 2 languages with resource class <= 2"),
        ("random", {"languages": 3}, {"sw": 5, "yo": 5, "en": 5}, 2,
         "a budget of 2 examples is smaller than the 3 languages"),
        ("random", {}, {"sw": 5, "yo": 5}, 11, "exceeds the 10 the chosen languages can give"),
        ("high-resource", {}, {"sw": 5}, 3, "none of the 1 languages with training data (sw)"),
        ("explicit", {"codes": "sw:9"}, {"sw": 5}, None, "9 examples of 'sw' asked for"),
        ("explicit", {"codes": "sw:2,yo"}, {"sw": 5, "yo": 5}, None, "for every language or"),
        ("explicit", {"codes": "am"}, {"sw": 5}, None, "no training data in am"),
        ("explicit", {"codes": "sw:2,yo:2"}, {"sw": 5, "yo": 5}, 5, "not the budget 5"),
        ("temperature", {}, {"sw": 0}, 5, "has no training data"),
        ("temperature", {"languages": 3}, {"sw": 5, "yo": 5, "en": 5}, 2,
         "a budget of 2 examples is smaller than the 3 languages"),
        ("unimax", {"max_epochs": 2, "unit": "examples"}, {"sw": 5, "yo": 5}, 21,
         "exceeds the 20 the chosen languages can give"),
        ("unimax", {}, Candidates({"sw": 5, "yo": 5}, {"sw": 50, "yo": 0}), 5,
         "the examples of yo have no text characters"),
    ],
)  # fmt: skip
def test_bad_requests_say_what_is_available(name, options, candidates, budget, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        sampler(name, **options).select(candidates, budget, seed=1)


@pytest.mark.parametrize(
    ("options", "message"),
    [({"threshold": "6"}, "expected at most 5"), ({"threshold": "-1"}, "expected at least 0"),
     ({"languages": "0"}, "expected at least 1"), ({"family": "wals"}, "expected one of")],
)  # fmt: skip
def test_bad_parameters(options, message):
    with pytest.raises(UsageError, match=message):
        sampler("low-resource-diverse", **options)


def test_unknown_sampler_suggests_names():
    with pytest.raises(UnknownNameError) as info:
        HOST.get("language_sets", "low-resource")
    assert "low-resource-diverse" in info.value.suggestions
