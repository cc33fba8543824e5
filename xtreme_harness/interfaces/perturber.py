"""The Perturber interface: test-time perturbations, to measure what robust training buys.

Three kinds. A *text* perturber rewrites words (below). A *model-aware* one (`model_aware = True`)
attacks the model instead: for each evaluation batch it returns a perturbation of the input
embeddings (`perturbation(model, batch, ctx)`, with the gold labels in the batch and the
`TrainingContext` of regularizers), and the batch is predicted from the perturbed embeddings.
A *certifying* one (`certifies = True`) changes how the model predicts rather than its inputs:
majority vote over noisy copies of the input embeddings, with the noise of the cell's regularizer
(`Regularizer.noise`), and the certified radius of each prediction
(`Regularizer.certified_radius`; randomized smoothing, Cohen et al. 2019). The engine does the
voting once for every certifying perturber; the perturber declares the samples (``n0``, ``n``),
the confidence (``alpha``) and the radii reported (``radii``).

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
from abc import ABC
from collections.abc import Mapping
from typing import Any

from xtreme_harness.interfaces.component import Component


class Perturber(Component, ABC):
    """Base class of perturbers (registered with `xharness_register_perturbers`). Declare
    ``rate`` (the share of eligible words rewritten) and ``seed`` among the `params`; the core
    reads both (1.0 and 0 when a perturber has none)."""

    component_type = "perturber"
    model_aware: bool = False
    """True for an attack on the model (`perturbation`), False for a text perturber
    (`rewrite`)."""
    certifies: bool = False
    """True for certified prediction under randomized smoothing (the engine votes; see the
    module's docstring). A certifying perturber is model-aware too."""

    def check(self, language: str) -> None:
        """Raise `UsageError` for a language the perturber cannot perturb (a synonym table for
        another language), before any word is asked."""

    def eligible(self, word: str, language: str) -> bool:
        """Whether `rewrite` can change `word` (a word without a synonym cannot be)."""
        return True

    def rewrite(self, word: str, language: str, rng: random.Random) -> str:
        """`word` perturbed: one word, without spaces, in the language's script (text
        perturbers)."""
        raise NotImplementedError(f"perturber {self.name} rewrites no words")

    def perturbation(self, model: Any, batch: Mapping[str, Any], ctx: Any) -> Any:
        """A perturbation of the batch's input embeddings, detached (model-aware perturbers);
        `ctx` is a `TrainingContext` (forward, embed, generator)."""
        raise NotImplementedError(f"perturber {self.name} attacks no model")
