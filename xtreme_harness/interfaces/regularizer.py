"""The Regularizer interface: the training loss of one batch.

The engine hands every batch to the run's regularizer, so a robustness method can do more than add
a term: adversarial training runs extra forward and backward passes on perturbed input embeddings,
randomized smoothing adds noise to them. A regularizer may also rewrite the training data before
training (`augment`, e.g. synonym substitution). The plain baseline is a regularizer too (`none`).

Regularizers work for every `TaskKind` through `TrainingContext`, which knows how to run the model
of the current task kind on a batch, with or without replaced input embeddings.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from xtreme_harness.interfaces.component import Component

if TYPE_CHECKING:
    import torch

    from xtreme_harness.interfaces.task import TaskKind


class TrainingContext(Protocol):
    """What the engine lends a regularizer for one batch."""

    task_kind: TaskKind
    generator: torch.Generator
    """A CPU generator seeded from the run's seed, for the regularizer's own draws (kept apart
    from the one that orders batches, so that every regularizer sees the same batches)."""

    def forward(
        self, model: torch.nn.Module, batch: Mapping[str, Any], inputs_embeds: Any = None
    ) -> Any:
        """Run the model on `batch` and return its output (with `.loss`); if `inputs_embeds` is
        given it replaces the batch's token embeddings."""

    def embed(self, model: torch.nn.Module, batch: Mapping[str, Any]) -> torch.Tensor:
        """The input (token) embeddings of `batch`, as the model would compute them."""

    def backward(self, loss: torch.Tensor) -> None:
        """Back-propagate `loss` scaled for gradient accumulation and mixed precision. For methods
        that accumulate parameter gradients over several passes themselves (FreeLB)."""


class Regularizer(Component, ABC):
    """Base class of regularizers (registered with `xharness_register_regularizers`)."""

    component_type = "regularizer"

    def augment(
        self, examples: Sequence[Mapping[str, Any]], *, text_fields: Mapping[str, str], seed: int
    ) -> list[Mapping[str, Any]]:
        """The training examples to train on; by default the given ones, unchanged.

        Called on training data only. `text_fields` says which fields of an example hold text and
        how: ``"text"`` (a string of words), ``"texts"`` (a list of such strings, e.g. the
        choices of a multiple-choice example), ``"words"`` (a list of words that labels are
        aligned with, for tagging: words may change, never their number) or ``"context"`` (a text
        whose answer spans are in the example's ``answers``, ``{"text": [...], "answer_start":
        [...]}``: change it with `xtreme_harness.interfaces.rewrite_words`, which moves the answers
        along).
        """
        return list(examples)

    @abstractmethod
    def loss(
        self, model: torch.nn.Module, batch: Mapping[str, Any], ctx: TrainingContext
    ) -> torch.Tensor:
        """The loss of `batch`. The engine back-propagates the returned tensor unless it is
        detached (`requires_grad` false), which signals that the regularizer already called
        `ctx.backward` itself."""

    def noise(self, embeddings: Any, batch: Mapping[str, Any], ctx: TrainingContext) -> Any:
        """One draw of the regularizer's random noise for `embeddings` (randomized smoothing);
        certified prediction predicts by majority vote over copies of the input embeddings plus
        such draws. Regularizers without noise need not implement it."""
        raise NotImplementedError(f"regularizer {self.name} adds no noise")

    def certified_radius(self, p_lower: float) -> float | None:
        """The L2 radius, in the input-embedding space, within which the smoothed classifier's
        prediction cannot change when its top class has probability at least `p_lower` (at
        least 1/2) under `noise`: what certified prediction reports. None (the default) when the
        regularizer's noise certifies nothing."""
        return None
