"""The baseline regularizer: the model's own loss on the clean batch."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from xtreme_harness.interfaces import Regularizer, TrainingContext

if TYPE_CHECKING:
    import torch


class PlainLoss(Regularizer):
    name = "none"
    description = "Plain fine-tuning: the task loss of the clean batch, nothing added."

    def loss(
        self, model: torch.nn.Module, batch: Mapping[str, Any], ctx: TrainingContext
    ) -> torch.Tensor:
        return ctx.forward(model, batch).loss
