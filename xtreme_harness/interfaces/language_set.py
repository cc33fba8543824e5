"""The LanguageSet interface: which languages, and how many examples of each, go into training.

A sampler is given the languages an intermediate task has training data for (`Candidates`: how
many examples each, and how many characters those examples hold), a total budget in examples and a
seed, and returns an `Allocation`. The same inputs and seed must give the same allocation. Options
that shape the choice (number of languages, a resource-class threshold, a temperature) are declared
as `params`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from xtreme_harness.interfaces.component import Component

if TYPE_CHECKING:
    from xtreme_harness.registry.languages import LanguageRegistry


class Candidates(Mapping[str, int]):
    """Language -> examples available, with the characters of those examples.

    It is a `Mapping[str, int]` of example counts, so a sampler that only needs counts uses it as
    one; `characters` maps the same languages to the characters of their examples' text fields
    (None where the caller does not know them, e.g. a plain dict of counts passed instead).
    """

    def __init__(
        self, examples: Mapping[str, int], characters: Mapping[str, int] | None = None
    ) -> None:
        self._examples = dict(examples)
        if characters is not None:
            missing = sorted(set(self._examples) - set(characters))
            if missing:
                raise ValueError(f"candidates without a character count: {', '.join(missing)}")
            characters = {lang: int(characters[lang]) for lang in self._examples}
        self.characters: Mapping[str, int] | None = characters
        """Language -> characters of its examples' text fields, or None when not known."""

    def __getitem__(self, language: str) -> int:
        return self._examples[language]

    def __iter__(self) -> Iterator[str]:
        return iter(self._examples)

    def __len__(self) -> int:
        return len(self._examples)

    def __repr__(self) -> str:
        return f"Candidates({self._examples!r}, characters={self.characters!r})"


def characters_of(candidates: Mapping[str, int]) -> Mapping[str, int] | None:
    """The characters of each candidate language's examples, or None when they are not known."""
    return getattr(candidates, "characters", None)


@dataclass(frozen=True)
class Allocation:
    """Language -> number of training examples, in the order the sampler chose them.

    A language may get more examples than it has (`available`): its data is then repeated, whole
    passes over it plus a partial one (`epochs` says how many). `characters` is what the allocated
    examples hold at the language's mean characters per example (examples x available_characters
    / available, rounded); `budget_characters` is the character budget a sampler that spreads
    characters (unimax) spread, None for the others.
    """

    examples: Mapping[str, int]
    """Language -> examples to train on, in the order chosen; only candidate languages. A
    language with 0 is not allocated (see `languages`). The engine draws that many of the
    language's examples with the run's seed, without repeats up to what it has."""
    sampler: str
    """The sampler's `name`."""
    budget: int
    """The budget in examples that was spread; for ``budget=None``, the examples the sampler
    chose to allocate (its default, e.g. all the data of the chosen languages)."""
    seed: int
    """The seed `select` was given."""
    options: Mapping[str, Any] = field(default_factory=dict)
    """The sampler's resolved options (its `options`), recorded in results."""
    available: Mapping[str, int] | None = None
    """Examples each language has; more examples than that means its data is repeated."""
    tokens: Mapping[str, int] | None = None
    """Tokens of each language's allocated examples, filled in by the engine once it has
    encoded them; a sampler leaves it None."""
    available_characters: Mapping[str, int] | None = None
    """Characters of each language's examples (all of them, before the allocation)."""
    budget_characters: int | None = None
    """The character budget a sampler that spreads characters (unimax) spread; None for the
    others."""

    def __post_init__(self) -> None:
        negative = {lang: n for lang, n in self.examples.items() if n < 0}
        if negative:
            raise ValueError(f"allocation of {self.sampler!r} has negative counts: {negative}")

    @property
    def languages(self) -> list[str]:
        """The allocated languages (more than 0 examples), in order."""
        return [lang for lang, n in self.examples.items() if n > 0]

    @property
    def total(self) -> int:
        """Examples allocated in all."""
        return sum(self.examples.values())

    @property
    def epochs(self) -> dict[str, float | None]:
        """Passes over each allocated language's data (examples / available; above 1: repeated);
        None where the examples available are not known."""
        return {
            lang: None
            if not self.available or not self.available.get(lang)
            else self.examples[lang] / self.available[lang]
            for lang in self.languages
        }

    @property
    def repeated(self) -> list[str]:
        """The allocated languages whose data is repeated (more examples than they have)."""
        return [lang for lang, epochs in self.epochs.items() if epochs is not None and epochs > 1]

    @property
    def characters(self) -> dict[str, int] | None:
        """Characters of each allocated language's examples, at its mean characters per example."""
        if self.available_characters is None or self.available is None:
            return None
        return {
            lang: round(
                self.examples[lang] * self.available_characters[lang] / self.available[lang]
            )
            for lang in self.languages
            if lang in self.available_characters and self.available.get(lang)
        }

    def describe(self, registry: LanguageRegistry) -> dict[str, Any]:
        """The allocation with each language's family, script and resource class, for results."""
        epochs = self.epochs
        characters = self.characters
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
                    "epochs": None if epochs[code] is None else round(epochs[code], 4),
                    "tokens": None if self.tokens is None else self.tokens.get(code),
                    "characters": None if characters is None else characters.get(code),
                    "available_characters": None
                    if self.available_characters is None
                    else self.available_characters.get(code),
                }
            )
        return {
            "sampler": self.sampler,
            "options": dict(self.options),
            "budget": self.budget,
            "seed": self.seed,
            "total_examples": self.total,
            "total_tokens": None if self.tokens is None else sum(self.tokens.values()),
            "total_characters": None if characters is None else sum(characters.values()),
            "budget_characters": self.budget_characters,
            "repeated": self.repeated,
            "families": sorted({row["family"] for row in rows}),
            "scripts": sorted({row["script"] for row in rows}),
            "languages": rows,
        }


class LanguageSet(Component, ABC):
    """Base class of language-set samplers (registered with `xharness_register_language_sets`)."""

    component_type = "language set"
    requires_budget: ClassVar[bool] = False
    """True for a sampler that refuses `budget=None` (its formula has no "all the data")."""

    def considers(self, languages: Sequence[str]) -> list[str]:
        """Which of the task's training languages need their examples counted before `select`
        (by default all of them; a sampler given a fixed list needs only those)."""
        return list(languages)

    @abstractmethod
    def select(self, candidates: Mapping[str, int], budget: int | None, seed: int) -> Allocation:
        """Choose languages among `candidates` for `budget` examples in total; deterministic for
        a given `seed`.

        `candidates` maps each language the intermediate task has data for to its number of
        examples. `intermediate.select` passes a `Candidates`, which also carries the characters
        of each language's examples (`candidates.characters`, or `characters_of(candidates)`,
        which also accepts a plain dict and then gives None); a sampler that only needs counts
        treats it as any mapping. `budget` is in examples; None asks for the sampler's documented
        default (for most samplers all the data of the chosen languages), and a sampler without
        one (`requires_budget`) raises a `UsageError` naming `--budget`. Only candidate
        languages may be chosen, and no language may get more examples than it has unless the
        sampler's formula or options allow repeating data."""
