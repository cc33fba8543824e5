"""Batches on their way to the device.

On CUDA the next batch is collated in a background thread and put in pinned (page-locked) host
memory while the GPU computes the current one, so that the copy to the GPU does not wait for the
host and the host does not wait for the copy. On the CPU the batches are collated in turn: there
is nothing to overlap with, since the model's computation takes every core.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

Batch = dict[str, Any]


def to_device(batch: Mapping[str, Any], device: str) -> Batch:
    """The batch's tensors on `device`; other values (host integers a model reads without a
    device sync, such as the retrieval collate's ``side_widths``) as they are."""
    return {key: _moved(value, device) for key, value in batch.items()}


def _moved(value: Any, device: str) -> Any:
    return value.to(device, non_blocking=True) if hasattr(value, "to") else value


def _pinned(batch: Mapping[str, Any]) -> Batch:
    return {
        key: value.pin_memory() if hasattr(value, "pin_memory") else value
        for key, value in batch.items()
    }


def device_batches(
    batches: Sequence[Sequence[int]],
    collate: Callable[[Sequence[int]], Mapping[str, Any]],
    device: str,
    *,
    prefetch: bool | None = None,
) -> Iterator[tuple[Sequence[int], Batch]]:
    """`(indices, collate(indices) on device)` for every batch, in order. `prefetch` (default:
    on CUDA) collates one batch ahead in a thread, in pinned memory on CUDA."""
    cuda = device.startswith("cuda")
    if not (cuda if prefetch is None else prefetch):
        for indices in batches:
            yield indices, to_device(collate(indices), device)
        return

    def prepare(indices: Sequence[int]) -> Mapping[str, Any]:
        batch = collate(indices)
        return _pinned(batch) if cuda else batch

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="xharness-collate") as pool:
        ahead: Future | None = pool.submit(prepare, batches[0]) if batches else None
        for position, indices in enumerate(batches):
            assert ahead is not None
            batch = ahead.result()
            following = position + 1
            ahead = pool.submit(prepare, batches[following]) if following < len(batches) else None
            yield indices, to_device(batch, device)
