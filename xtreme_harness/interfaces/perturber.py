"""The Perturber interface: test-time text perturbations, to measure what robust training buys.

A perturber rewrites one word at a time (`rewrite`): the core walks every text field of every
test example of a task kind and asks it, word by word, so that each kind keeps what its labels
need (a tagged sentence keeps one word per tag; an extractive-QA context keeps every answer a
span of it, through `rewrite_words`; a retrieval task has its queries perturbed, not its
candidates). Each word is offered with probability ``rate`` among the words the perturber can
change (`eligible`), from a random generator seeded by the perturber's ``seed``, the task and the
language, never by the model: every model of a grid is evaluated on the same perturbed inputs.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod

from xtreme_harness.interfaces.component import Component


class Perturber(Component, ABC):
    """Base class of perturbers (registered with `xharness_register_perturbers`). Declare
    ``rate`` (the share of eligible words rewritten) and ``seed`` among the `params`; the core
    reads both (1.0 and 0 when a perturber has none)."""

    component_type = "perturber"

    def check(self, language: str) -> None:
        """Raise `UsageError` for a language the perturber cannot perturb (a synonym table for
        another language), before any word is asked."""

    def eligible(self, word: str, language: str) -> bool:
        """Whether `rewrite` can change `word` (a word without a synonym cannot be)."""
        return True

    @abstractmethod
    def rewrite(self, word: str, language: str, rng: random.Random) -> str:
        """`word` perturbed: one word, without spaces, in the language's script."""
