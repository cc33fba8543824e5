"""Language-set samplers: which languages go into intermediate training, and how many examples of
each. Formulas and the controls for a fair comparison: docs/language-sets.md; the formulas and their
sources: allocate.py."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from xharness_plugins.language_sets.allocate import (
    allocate,
    capacities,
    check_budget,
    largest_remainder,
    temperature_shares,
    unimax,
    unimax_character_budget,
)
from xtreme_harness.interfaces import Allocation, LanguageSet, Param, UsageError, characters_of
from xtreme_harness.registry import Language, default_registry

K = Param(
    "languages", int, None, "number of languages k (default: every eligible language)", minimum=1
)
MAX_EPOCHS = Param(
    "max_epochs", float, 1.0,
    "how many times a language's data may be repeated to fill its share (1: never repeated)",
    minimum=1.0,
)  # fmt: skip
FAMILY = Param(
    "family", str, "glottolog", "family label that counts as a family",
    choices=("glottolog", "conventional"),
)  # fmt: skip


class Sampler(LanguageSet):
    """Shared machinery: eligible candidates, choosing k of them, a capped allocation."""

    def select(self, candidates: Mapping[str, int], budget: int | None, seed: int) -> Allocation:
        available = {lang: n for lang, n in candidates.items() if n > 0}
        if not available:
            raise UsageError(f"{self.name}: the intermediate task has no training data")
        rng = random.Random(f"{self.name}:{seed}")
        chosen = self.choose(sorted(available), rng)
        sizes = {lang: available[lang] for lang in chosen}
        characters = characters_of(candidates)
        chosen_characters = None if characters is None else {c: characters[c] for c in chosen}
        if budget is None:
            if self.requires_budget:
                raise UsageError(self.budget_required(sizes))
            # all the data of the chosen languages, max_epochs times (once by default)
            budget = sum(capacities(sizes, self.options.get("max_epochs", 1.0)).values())
        examples, extra = self.split(chosen, sizes, chosen_characters, budget)
        return Allocation(
            examples=examples,
            sampler=self.name,
            budget=budget,
            seed=seed,
            options=dict(self.options),
            available=sizes,
            available_characters=chosen_characters,
            **extra,
        )

    def split(
        self,
        chosen: list[str],
        available: Mapping[str, int],
        characters: Mapping[str, int] | None,
        budget: int,
    ) -> tuple[dict[str, int], dict[str, Any]]:
        """Examples per chosen language summing to `budget`, and further `Allocation` fields.
        By default: shares proportional to `weights`, each language capped at `max_epochs` passes
        over its data, what a capped language cannot take shared among the others."""
        caps = capacities(available, self.options.get("max_epochs", 1.0))
        return allocate(chosen, self.weights(chosen, available), caps, budget, self.name), {}

    def budget_required(self, available: Mapping[str, int]) -> str:
        """The message for `budget=None` of a sampler that needs a budget."""
        total = sum(available.values())
        return (
            f"{self.name}: give a budget with --budget N (total intermediate examples): "
            f"{self.name} splits a budget by its formula and has no 'all the data' of its own. "
            f"The {len(available)} chosen languages have {total} examples; --budget {total} "
            "trains on as many examples as they have in all (a smaller budget takes part of the "
            "large languages, a larger one repeats more data), and the same --budget for every "
            "language set keeps them comparable"
        )

    def choose(self, candidates: list[str], rng: random.Random) -> list[str]:
        """The chosen languages, in the order they were chosen."""
        eligible = self.eligible(candidates)
        if not eligible:
            raise UsageError(
                f"{self.name}: none of the {len(candidates)} languages with training data "
                f"({', '.join(candidates)}) has {self.rule()}"
            )
        return self.pick(eligible, self._k(len(eligible), eligible), rng)

    def eligible(self, candidates: list[str]) -> list[str]:
        return candidates

    def rule(self) -> str:
        """What makes a language eligible, for messages."""
        return "training data"

    def pick(self, eligible: list[str], k: int, rng: random.Random) -> list[str]:
        picked = list(eligible)
        rng.shuffle(picked)
        return picked[:k]

    def weights(self, chosen: Sequence[str], available: Mapping[str, int]) -> dict[str, float]:
        return dict.fromkeys(chosen, 1.0)

    def _k(self, count: int, eligible: Sequence[str]) -> int:
        k = self.options.get("languages")
        if k is None:
            return count
        if k > count:
            raise UsageError(
                f"{self.name}: {k} languages asked for, but only {count} languages with "
                f"{self.rule()} have training data: {', '.join(eligible)}"
            )
        return k


def _language(code: str) -> Language:
    return default_registry().get(code)


def _family_of(label: str) -> Callable[[str], str]:
    if label == "conventional":
        return lambda code: _language(code).family_conventional
    return lambda code: _language(code).family


def _by_resource_class(candidates: list[str], keep: Callable[[int], bool]) -> list[str]:
    """Candidates whose resource class is known and kept by `keep`."""
    return [
        code
        for code in candidates
        if _language(code).resource_class is not None and keep(_language(code).resource_class)
    ]


class Explicit(Sampler):
    name = "explicit"
    description = "The languages given (CODE or CODE:N), budget split evenly unless counts given."
    params = (
        Param("codes", str, "", "comma-separated language codes, each optionally :N examples"),
        MAX_EPOCHS,
    )

    def parsed(self) -> dict[str, int | None]:
        codes: dict[str, int | None] = {}
        for item in self.options["codes"].split(","):
            code, sep, count = item.strip().partition(":")
            if not code:
                continue
            try:
                codes[code] = int(count) if sep else None
            except ValueError:
                raise UsageError(f"explicit: {item!r}: expected CODE or CODE:N") from None
        if not codes:
            raise UsageError("explicit: give the languages, e.g. codes=en,sw,yo")
        return codes

    def considers(self, languages: Sequence[str]) -> list[str]:
        codes = list(self.parsed())
        unknown = [code for code in codes if code not in languages]
        if unknown:
            raise UsageError(
                f"explicit: the task has no training data in {', '.join(unknown)}; "
                f"it has {', '.join(languages)}"
            )
        return codes

    def select(self, candidates: Mapping[str, int], budget: int | None, seed: int) -> Allocation:
        codes = self.parsed()
        missing = [code for code in codes if candidates.get(code, 0) <= 0]
        if missing:
            raise UsageError(
                f"explicit: no training data in {', '.join(missing)}; the intermediate task has "
                f"data in {', '.join(sorted(c for c, n in candidates.items() if n > 0))}"
            )
        counts = [n for n in codes.values() if n is not None]
        caps = capacities({c: candidates[c] for c in codes}, self.options["max_epochs"])
        if counts and len(counts) != len(codes):
            raise UsageError("explicit: give a count for every language or for none")
        if counts:
            for code, n in codes.items():
                if n > caps[code]:
                    raise UsageError(
                        f"explicit: {n} examples of {code!r} asked for, but it has "
                        f"{candidates[code]} (max_epochs {self.options['max_epochs']})"
                    )
            total = sum(counts)
            if budget is not None and budget != total:
                raise UsageError(f"explicit: the counts add up to {total}, not the budget {budget}")
            examples = {code: int(n) for code, n in codes.items()}
        elif budget is None:
            examples = {code: candidates[code] for code in codes}
        else:
            examples = allocate(list(codes), dict.fromkeys(codes, 1.0), caps, budget, self.name)
        characters = characters_of(candidates)
        return Allocation(
            examples=examples,
            sampler=self.name,
            budget=sum(examples.values()),
            seed=seed,
            options=dict(self.options),
            available={code: candidates[code] for code in codes},
            available_characters=None
            if characters is None
            else {code: characters[code] for code in codes},
        )


class HighResource(Sampler):
    name = "high-resource"
    description = "Languages of resource class >= threshold (Joshi et al. 2020), highest first."
    params = (
        K,
        Param("threshold", int, 4, "lowest resource class taken", minimum=0, maximum=5),
        MAX_EPOCHS,
    )

    def eligible(self, candidates: list[str]) -> list[str]:
        threshold = self.options["threshold"]
        return _by_resource_class(candidates, lambda c: c >= threshold)

    def rule(self) -> str:
        return f"resource class >= {self.options['threshold']}"

    def pick(self, eligible: list[str], k: int, rng: random.Random) -> list[str]:
        shuffled = list(eligible)
        rng.shuffle(shuffled)  # ties within a class are broken by the seed
        return sorted(shuffled, key=lambda c: -(_language(c).resource_class or 0))[:k]


def _spread_over_families(
    eligible: list[str], k: int, rng: random.Random, family_of: Callable[[str], str]
) -> list[str]:
    """One language per family before any family gets a second; among equals, prefer a script
    not chosen yet, then the seed."""
    pool = list(eligible)
    rng.shuffle(pool)
    chosen: list[str] = []
    used: Counter[str] = Counter()
    scripts: set[str] = set()
    while len(chosen) < k:
        fewest = min(used[family_of(code)] for code in pool)
        tier = [code for code in pool if used[family_of(code)] == fewest]
        new_script = [code for code in tier if _language(code).script not in scripts]
        pick = (new_script or tier)[0]
        chosen.append(pick)
        pool.remove(pick)
        used[family_of(pick)] += 1
        scripts.add(_language(pick).script)
    return chosen


class LowResourceDiverse(Sampler):
    name = "low-resource-diverse"
    description = (
        "Languages of resource class <= threshold from as many families as possible "
        "(one per family first, new scripts preferred), budget split evenly."
    )
    params = (
        K,
        Param("threshold", int, 2, "highest resource class taken", minimum=0, maximum=5),
        FAMILY,
        MAX_EPOCHS,
    )

    def eligible(self, candidates: list[str]) -> list[str]:
        threshold = self.options["threshold"]
        return _by_resource_class(candidates, lambda c: c <= threshold)

    def rule(self) -> str:
        return f"resource class <= {self.options['threshold']}"

    def pick(self, eligible: list[str], k: int, rng: random.Random) -> list[str]:
        return _spread_over_families(eligible, k, rng, _family_of(self.options["family"]))


class FamilyBalanced(Sampler):
    name = "family-balanced"
    description = (
        "Languages spread over families as evenly as possible; every family gets the same share "
        "of the budget, split evenly among its languages."
    )
    params = (K, FAMILY, MAX_EPOCHS)

    def pick(self, eligible: list[str], k: int, rng: random.Random) -> list[str]:
        return _spread_over_families(eligible, k, rng, _family_of(self.options["family"]))

    def weights(self, chosen: Sequence[str], available: Mapping[str, int]) -> dict[str, float]:
        family_of = _family_of(self.options["family"])
        sizes = Counter(family_of(code) for code in chosen)
        return {code: 1.0 / (len(sizes) * sizes[family_of(code)]) for code in chosen}


class Temperature(Sampler):
    """Temperature sampling: language i gets q_i * budget examples, q_i = n_i^alpha / sum_j
    n_j^alpha with n_i its examples (alpha = 1/T).

    The formula is XLM's `set_sampling_probs` (facebookresearch/XLM, xlm/utils.py lines 185-210 at
    commit cd281d3), mBERT's exponentially smoothed weighting with S = alpha (google-research/bert
    multilingual.md, "Data Source and Sampling": S = 0.7) and XLM's alpha = 0.7 (Lample & Conneau
    2019, as quoted in facebookresearch/XLM issue #311). Nothing caps a language: where q_i *
    budget exceeds a small language's data, its data is repeated (the allocation's `epochs` and
    `repeated` say how often), as temperature sampling up-samples small languages. The shares are
    rounded by largest remainder (allocate.py), each chosen language at least one example. A
    budget is required: the formula has no "all the data".
    """

    name = "temperature"
    description = (
        "Share of language l is n_l ** alpha / sum n ** alpha (XLM; alpha = 1/T; 1: proportional, "
        "0: even); small languages are repeated when their share exceeds their data. Needs "
        "--budget."
    )
    params = (
        K,
        Param(
            "alpha", float, 0.3, "exponent of the data size (alpha = 1/T; mBERT 0.7, XLM 0.7)",
            minimum=0.0, maximum=1.0,
            source="formula: facebookresearch/XLM xlm/utils.py set_sampling_probs (lines 185-210, "
            "cd281d3); 0.3 is the value reported for XLM-R (Conneau et al. 2020) and mT5 (Xue et "
            "al. 2021), not confirmed from a stored copy of either paper; mBERT's S = 0.7 is "
            "confirmed (google-research/bert multilingual.md)",
            verified=False,
        ),
    )  # fmt: skip
    requires_budget = True

    def split(
        self,
        chosen: list[str],
        available: Mapping[str, int],
        characters: Mapping[str, int] | None,
        budget: int,
    ) -> tuple[dict[str, int], dict[str, Any]]:
        check_budget(chosen, budget, self.name)
        q = temperature_shares({lang: available[lang] for lang in chosen}, self.options["alpha"])
        shares = {lang: q[lang] * budget for lang in chosen}
        return largest_remainder(chosen, shares, budget), {}


class UniMax(Sampler):
    """UniMax (Chung et al., ICLR 2023, Algorithm 1): the budget spread as evenly as possible over
    the languages, in order of increasing size, none taking more than `max_epochs` (N) passes over
    its data; what a capped language cannot take is spread over the ones left.

    With `unit=characters` (the default, as in the paper, because examples differ in length) the
    sizes are the characters of each language's examples and the budget is a character budget B:
    the one whose allocation, converted to examples at each language's mean characters per
    example, is `--budget` examples (`unimax_character_budget`; B is recorded as the allocation's
    `budget_characters`). With `unit=examples` the sizes and the budget are examples. The
    allocation is in examples, rounded by largest remainder within the N-epoch caps. A budget is
    required, at most N epochs of the chosen languages' data.
    """

    name = "unimax"
    description = (
        "UniMax (Chung et al. 2023, Algorithm 1): the budget spread evenly in characters (or "
        "examples, unit=examples), smallest language first, each capped at max_epochs passes; "
        "the rest re-spread over the others. Needs --budget."
    )
    params = (
        K,
        Param(
            "max_epochs", float, 4.0, "N: passes over a language's data at most", minimum=1.0,
            source="Chung et al. 2023 (UniMax), Algorithm 1's N; the default 4 is from the "
            "reference notes and the unimax_sampling package's example, not confirmed in the paper",
            verified=False,
        ),
        Param(
            "unit", str, "characters", "what the budget is spread in",
            choices=("characters", "examples"),
            source="Chung et al. 2023, Algorithm 1 (character count per language, total character "
            "budget); the unimax_sampling package (PyPI) implements it with character counts",
        ),
    )  # fmt: skip
    requires_budget = True

    def budget_required(self, available: Mapping[str, int]) -> str:
        epochs = self.options["max_epochs"]
        capacity = sum(capacities(available, epochs).values())
        return (
            f"{super().budget_required(available)}; unimax takes at most max_epochs "
            f"({epochs:g}) passes over each language's data, so at most --budget {capacity} here"
        )

    def split(
        self,
        chosen: list[str],
        available: Mapping[str, int],
        characters: Mapping[str, int] | None,
        budget: int,
    ) -> tuple[dict[str, int], dict[str, Any]]:
        epochs = self.options["max_epochs"]
        caps = capacities(available, epochs)
        check_budget(chosen, budget, self.name, caps)
        if self.options["unit"] == "examples":
            allocated = unimax(available, budget, epochs)
            return largest_remainder(chosen, allocated, budget, caps), {}
        if characters is None:
            raise UsageError(
                f"{self.name}: the characters of each language's examples are not known (the "
                "caller passed example counts only); pass a Candidates with characters, or "
                "spread examples with unit=examples"
            )
        empty = [lang for lang in chosen if characters[lang] <= 0]
        if empty:
            raise UsageError(
                f"{self.name}: the examples of {', '.join(empty)} have no text characters; "
                "spread examples with unit=examples"
            )
        character_budget = unimax_character_budget(characters, available, budget, epochs)
        allocated = unimax(characters, character_budget, epochs)
        shares = {lang: allocated[lang] * available[lang] / characters[lang] for lang in chosen}
        examples = largest_remainder(chosen, shares, budget, caps)
        return examples, {"budget_characters": round(character_budget)}


class RandomSet(Sampler):
    name = "random"
    description = "k languages drawn at random (by the seed), budget split evenly."
    params = (K, MAX_EPOCHS)


SAMPLERS = (Explicit, HighResource, LowResourceDiverse, FamilyBalanced, Temperature, UniMax,
            RandomSet)  # fmt: skip
