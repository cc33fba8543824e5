"""The LanguageSet interface: which languages, and how many examples of each, go into training.

A sampler is given the languages an intermediate task has training data for (with how many
examples each), a total budget and a seed, and returns an `Allocation`. The same inputs and seed
must give the same allocation. Options that shape the choice (number of languages, a resource-class
threshold, a temperature) are declared as `params`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xtreme_harness.component import Component

if TYPE_CHECKING:
    from xtreme_harness.languages import LanguageRegistry


@dataclass(frozen=True)
class Allocation:
    """Language -> number of training examples, in the order the sampler chose them."""

    examples: Mapping[str, int]
    sampler: str
    budget: int
    seed: int
    options: Mapping[str, Any] = field(default_factory=dict)
    available: Mapping[str, int] | None = None
    """Examples each language has; more examples than that means its data is repeated."""
    tokens: Mapping[str, int] | None = None

    def __post_init__(self) -> None:
        negative = {lang: n for lang, n in self.examples.items() if n < 0}
        if negative:
            raise ValueError(f"allocation of {self.sampler!r} has negative counts: {negative}")

    @property
    def languages(self) -> list[str]:
        return [lang for lang, n in self.examples.items() if n > 0]

    @property
    def total(self) -> int:
        return sum(self.examples.values())

    def describe(self, registry: LanguageRegistry) -> dict[str, Any]:
        """The allocation with each language's family, script and resource class, for results."""
        rows = []
        for code in self.languages:
            lang = registry.get(code)
            rows.append(
                {
                    "language": lang.code,
                    "name": lang.name,
                    "family": lang.family,
                    "family_conventional": lang.family_conventional,
                    "script": lang.script,
                    "resource_class": lang.resource_class,
                    "examples": self.examples[code],
                    "available": None if self.available is None else self.available.get(code),
                    "epochs": None
                    if not self.available or not self.available.get(code)
                    else round(self.examples[code] / self.available[code], 4),
                    "tokens": None if self.tokens is None else self.tokens.get(code),
                }
            )
        return {
            "sampler": self.sampler,
            "options": dict(self.options),
            "budget": self.budget,
            "seed": self.seed,
            "total_examples": self.total,
            "total_tokens": None if self.tokens is None else sum(self.tokens.values()),
            "families": sorted({row["family"] for row in rows}),
            "scripts": sorted({row["script"] for row in rows}),
            "languages": rows,
        }


class LanguageSet(Component, ABC):
    """Base class of language-set samplers (registered with `xharness_register_language_sets`)."""

    kind = "language set"

    def considers(self, languages: Sequence[str]) -> list[str]:
        """Which of the task's training languages need their examples counted before `select`
        (by default all of them; a sampler given a fixed list needs only those)."""
        return list(languages)

    @abstractmethod
    def select(self, candidates: Mapping[str, int], budget: int | None, seed: int) -> Allocation:
        """Choose languages among `candidates` (language -> examples available) for `budget`
        examples in total (None: all the data of the chosen languages); deterministic for a
        given `seed`. Only candidate languages may be chosen, and no language may get more
        examples than it has unless the sampler's options allow repeating data."""
