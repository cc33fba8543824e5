"""Votes of a model on noisy copies of its inputs: what certified prediction under randomized
smoothing counts (`xtreme_harness.results.certification` turns the counts into certificates).

Each batch is embedded once; each copy adds one draw of the regularizer's noise
(`Regularizer.noise`, from a generator seeded by the perturber's seed) to the input embeddings,
and the model's predicted class is counted. Several copies go through the model at once, as
many as fit the batch size, so a small batch does not cost one forward pass per copy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from xtreme_harness.engine.batching import sorted_batches
from xtreme_harness.engine.device import Placement
from xtreme_harness.engine.kinds.base import Feature, KindImpl
from xtreme_harness.engine.loader import device_batches
from xtreme_harness.engine.trainer import EngineContext
from xtreme_harness.interfaces.regularizer import Regularizer


def vote_counts(
    model: Any,
    kind: KindImpl,
    features: Sequence[Feature],
    regularizer: Regularizer,
    *,
    copies: Sequence[int],
    placement: Placement,
    pad_id: int,
    seed: int,
    batch_size: int = 256,
    max_tokens: int | None = 16384,
) -> list[np.ndarray]:
    """For each number in `copies` (e.g. the selection and the estimation samples), a
    (features, classes) array: how often the model chose each class on that many noisy copies
    of each feature, drawn one after the other from one seeded stream."""
    import torch

    model.to(placement.device)
    model.eval()
    ctx = EngineContext(kind.spec.kind, placement, torch.Generator().manual_seed(seed))
    found: list[list[Any]] = [[None] * len(features) for _ in copies]
    batches = sorted_batches([f.length for f in features], batch_size, max_tokens)

    def collate(indices: Sequence[int]) -> Mapping[str, Any]:
        batch = kind.collate([features[i] for i in indices], pad_id)
        for key in kind.label_keys:
            batch.pop(key, None)
        return batch

    with torch.inference_mode():
        for indices, batch in device_batches(batches, collate, placement.device):
            embeddings = ctx.embed(model, batch)
            for part, total in enumerate(copies):
                counts = _votes(model, kind, batch, embeddings, regularizer, ctx, total,
                                per_pass=max(1, batch_size // len(indices)))  # fmt: skip
                for position, index in enumerate(indices):
                    found[part][index] = counts[position]
    return [np.stack(rows) if rows else np.zeros((0, 0), dtype=np.int64) for rows in found]


def _votes(
    model: Any,
    kind: KindImpl,
    batch: Mapping[str, Any],
    embeddings: Any,
    regularizer: Regularizer,
    ctx: EngineContext,
    total: int,
    per_pass: int,
) -> np.ndarray:
    """(batch, classes) counts of the predicted class over `total` noisy copies of `batch`."""
    import torch

    size = embeddings.shape[0]
    counts = None
    done = 0
    while done < total:
        repeat = min(per_pass, total - done)
        stacked = {key: torch.cat([value] * repeat) for key, value in batch.items()}
        noisy = torch.cat(
            [embeddings + regularizer.noise(embeddings, batch, ctx) for _ in range(repeat)]
        )
        logits = kind.outputs(ctx.forward(model, stacked, inputs_embeds=noisy)).float()
        chosen = logits.argmax(dim=-1).view(repeat, size)
        if counts is None:
            counts = torch.zeros((size, logits.shape[-1]), dtype=torch.int64)
        counts += torch.nn.functional.one_hot(chosen.cpu(), logits.shape[-1]).sum(dim=0)
        done += repeat
    return counts.numpy()
