"""Batches of similar length: less padding, the same examples.

Training batches are drawn like `transformers`' length-grouped sampler: shuffle, cut the order into
mega-batches of `group` batches, sort each mega-batch by length, cut it into batches, then shuffle
the batches, so that each batch holds examples of similar length while the order stays random.
Evaluation batches are sorted by length outright; predictions are put back in input order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def length_grouped_batches(
    lengths: Sequence[int], batch_size: int, generator: Any, group: int = 50
) -> list[list[int]]:
    """A random order of all indices, in batches of `batch_size` of similar length."""
    import torch

    order = torch.randperm(len(lengths), generator=generator).tolist()
    span = batch_size * group
    batches: list[list[int]] = []
    for start in range(0, len(order), span):
        chunk = sorted(order[start : start + span], key=lambda i: -lengths[i])
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    permutation = torch.randperm(len(batches), generator=generator).tolist()
    return [batches[i] for i in permutation]


def sorted_batches(
    lengths: Sequence[int], batch_size: int, max_tokens: int | None = None
) -> list[list[int]]:
    """All indices, longest first, in batches of at most `batch_size` inputs and, with
    `max_tokens`, at most that many tokens once padded to the batch's first (longest) input; an
    input longer than `max_tokens` is a batch of its own (for inference)."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    batch: list[int] = []
    for index in order:
        full = len(batch) >= batch_size or (
            max_tokens is not None and batch and (len(batch) + 1) * lengths[batch[0]] > max_tokens
        )
        if full:
            batches.append(batch)
            batch = []
        batch.append(index)
    if batch:
        batches.append(batch)
    return batches
