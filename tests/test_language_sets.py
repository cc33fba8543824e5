"""Language-set samplers: properties over random candidates (hypothesis), and their errors."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xtreme_harness.errors import UnknownNameError, UsageError
from xtreme_harness.languages import default_registry
from xtreme_harness.plugin_host import PluginHost

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


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(SAMPLERS),
    candidates=candidates_strategy,
    k=st.one_of(st.none(), st.integers(min_value=1, max_value=12)),
    budget_share=st.floats(min_value=0.0, max_value=1.0),
    seed=st.integers(min_value=0, max_value=10**6),
)
def test_allocations_sum_to_the_budget_within_caps_and_repeat_per_seed(
    name, candidates, k, budget_share, seed
):
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
        assert 1 <= count <= int(candidates[language] * max_epochs)
        assert allocation.available[language] == candidates[language]
    if k is not None:
        assert len(allocation.languages) == k
    again = sampler(name, **options).select(dict(reversed(candidates.items())), budget, seed)
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


def test_unimax_caps_small_languages_and_gives_the_rest_to_large_ones():
    allocation = sampler("unimax", max_epochs=2).select({"en": 1000, "sw": 20, "yo": 5}, 300, 1)
    assert allocation.examples == {"en": 250, "sw": 40, "yo": 10}


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
