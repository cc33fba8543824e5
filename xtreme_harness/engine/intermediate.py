"""The intermediate stage's data: which languages and how many examples of each (a language set
applied to an intermediate task), and how the target languages relate to that set."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Mapping, Sequence
from typing import Any

from xtreme_harness.errors import DataError, UsageError
from xtreme_harness.interfaces.language_set import Allocation, Candidates
from xtreme_harness.interfaces.task import TaskSpec


def check_budget_given(sampler: Any, budget: int | None) -> None:
    """A `UsageError` before any work when the language set spreads a budget and none is given
    (temperature, unimax: without one their formulas say nothing)."""
    if budget is None and getattr(sampler, "requires_budget", False):
        raise UsageError(
            f"language set {sampler.name} spreads a budget over its languages: give --budget N "
            "(the total number of intermediate training examples; docs/language-sets.md)"
        )


def load_candidates(
    spec: TaskSpec,
    source: str,
    languages: Sequence[str],
    *,
    data_dir: str | None = None,
    revision: str | None = None,
) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """The training examples of each language the source has, and the languages it lacks."""
    split = spec.phases[-1].train_split
    loaded: dict[str, list[dict[str, Any]]] = {}
    missing: list[str] = []
    for language in languages:
        try:
            table = spec.sources[source].load(split, language, data_dir=data_dir, revision=revision)
        except DataError:
            missing.append(language)
            continue
        loaded[language] = table.to_list()
    return loaded, missing


def select(
    sampler: Any,
    spec: TaskSpec,
    source: str,
    budget: int | None,
    seed: int,
    *,
    data_dir: str | None = None,
    revision: str | None = None,
) -> tuple[Allocation, dict[str, list[dict[str, Any]]], list[str]]:
    """Apply a language set to an intermediate task: the allocation, the loaded examples of the
    languages considered, and the considered languages the source has no data for.

    The sampler is given `Candidates`: per language the number of examples and the characters of
    their text fields (`count_characters`), so that a sampler can spread a budget of characters
    (unimax) while one that only needs counts reads it as a plain mapping."""
    considered = sampler.considers(spec.training_languages)
    loaded, missing = load_candidates(
        spec, source, considered, data_dir=data_dir, revision=revision
    )
    counts = {language: len(examples) for language, examples in loaded.items()}
    candidates = Candidates(counts, count_characters(spec, loaded))
    return sampler.select(candidates, budget, seed), loaded, missing


def count_characters(
    spec: TaskSpec, loaded: Mapping[str, list[dict[str, Any]]]
) -> dict[str, int] | None:
    """The characters of each language's examples: the lengths of the texts the task's kind reads
    from an example (`KindImpl.texts`: a sentence pair, a question and its context, a tagged
    sentence's tokens joined by spaces, ...). None for a task of a kind xharness cannot train."""
    from xtreme_harness.engine.kinds import implementation

    try:
        kind = implementation(spec)
    except UsageError:
        return None
    return {
        language: sum(len(text) for example in examples for text in kind.texts(example))
        for language, examples in loaded.items()
    }


def materialize(
    allocation: Allocation, loaded: Mapping[str, list[dict[str, Any]]], seed: int, task: str
) -> dict[str, list[dict[str, Any]]]:
    """The examples of each allocated language: a seeded draw without repeats, or, where a
    language is allocated more than it has, whole passes over its data plus a partial one."""
    chosen: dict[str, list[dict[str, Any]]] = {}
    for language in allocation.languages:
        examples = loaded[language]
        wanted = allocation.examples[language]
        order = list(range(len(examples)))
        random.Random(f"{seed}-{task}-{language}").shuffle(order)
        passes, rest = divmod(wanted, len(examples))
        picked = order * passes + sorted(order[:rest])
        chosen[language] = [examples[i] for i in picked]
    return chosen


def encode(
    kind: Any, chosen: Mapping[str, list[dict[str, Any]]], tokenizer: Any, max_length: int
) -> tuple[list[Any], dict[str, int]]:
    """Features of all chosen examples (languages in order) and the tokens of each language."""
    examples = [example for language in chosen for example in chosen[language]]
    owners = [language for language in chosen for _ in chosen[language]]
    features = kind.encode(examples, tokenizer, max_length)
    tokens = dict.fromkeys(chosen, 0)
    for feature in features:
        tokens[owners[feature.example]] += feature.length
    return features, tokens


def with_tokens(allocation: Allocation, tokens: Mapping[str, int]) -> Allocation:
    return dataclasses.replace(allocation, tokens=dict(tokens))
