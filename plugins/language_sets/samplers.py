"""Language-set samplers: which languages go into intermediate training, and how many examples of
each. Formulas and the controls for a fair comparison: docs/language-sets.md."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from xharness_plugins.language_sets.allocate import allocate, capacities
from xtreme_harness.component import Param
from xtreme_harness.errors import UsageError
from xtreme_harness.language_set import Allocation, LanguageSet
from xtreme_harness.languages import Language, default_registry

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
        caps = capacities(available, self.options.get("max_epochs", 1.0))
        if budget is None:  # all the data of the chosen languages
            budget = sum(caps[lang] for lang in chosen)
        weights = self.weights(chosen, available)
        examples = allocate(chosen, weights, caps, budget, self.name)
        return Allocation(
            examples=examples,
            sampler=self.name,
            budget=budget,
            seed=seed,
            options=dict(self.options),
            available={lang: available[lang] for lang in chosen},
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
                f"explicit: the intermediate task has no training data in {', '.join(unknown)}; "
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
        return Allocation(
            examples=examples,
            sampler=self.name,
            budget=sum(examples.values()),
            seed=seed,
            options=dict(self.options),
            available={code: candidates[code] for code in codes},
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
    name = "temperature"
    description = (
        "Share of language l proportional to n_l ** alpha (alpha 1: proportional, 0: even)."
    )
    params = (
        K,
        Param(
            "alpha", float, 0.3, "exponent of the data size", minimum=0.0, maximum=1.0,
            source="XLM-R and mT5 (as cited in the reference notes)", verified=False,
        ),
        MAX_EPOCHS,
    )  # fmt: skip

    def weights(self, chosen: Sequence[str], available: Mapping[str, int]) -> dict[str, float]:
        alpha = self.options["alpha"]
        return {code: float(available[code]) ** alpha for code in chosen}


class UniMax(Sampler):
    name = "unimax"
    description = (
        "An even split, each language capped at max_epochs passes over its data; what a small "
        "language cannot take goes to the others (Chung et al. 2023)."
    )
    params = (
        K,
        Param(
            "max_epochs", float, 4.0, "passes over a language's data at most", minimum=1.0,
            source="Chung et al. 2023 (UniMax); the reference notes suggest at most 4",
        ),
    )  # fmt: skip


class RandomSet(Sampler):
    name = "random"
    description = "k languages drawn at random (by the seed), budget split evenly."
    params = (K, MAX_EPOCHS)


SAMPLERS = (Explicit, HighResource, LowResourceDiverse, FamilyBalanced, Temperature, UniMax,
            RandomSet)  # fmt: skip
