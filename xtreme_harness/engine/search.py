"""Exact top-k search by inner product, in chunks whose memory does not grow with the pool.

`top_k(queries, candidates, k)` scores one block of candidates at a time against one block of
queries (one matrix product each), keeps the k best per query, and merges them with the best so
far. Peak extra memory is one `query_chunk x candidate_chunk` block of scores plus the running
k best, whatever the numbers of queries and candidates; `candidates` may be a memory-mapped array
that never fits in memory. Ties are broken towards the lower candidate index, so results are
deterministic and equal to a full stable sort.

On L2-normalised embeddings the inner product is the cosine similarity.
"""

from __future__ import annotations

from typing import Any

DEFAULT_QUERY_CHUNK = 2048
DEFAULT_CANDIDATE_CHUNK = 8192


def _as_tensor(block: Any, device: str) -> Any:
    import numpy as np
    import torch

    if isinstance(block, torch.Tensor):
        return block.to(device=device, dtype=torch.float32)
    # a copy: memory-mapped pools are read-only, and a chunk is small
    return torch.from_numpy(np.array(block, dtype=np.float32)).to(device)


def _block_top_k(scores: Any, k: int) -> tuple[Any, Any]:
    """The k best columns of every row of `scores` as (values, indices), best first, ties
    towards the lower index (unlike `torch.topk`, whose choice among equal values is arbitrary)."""
    import torch

    width = scores.shape[1]
    values, indices = torch.topk(scores, min(k + 1, width), dim=1)
    # rows where torch.topk may have chosen among several equal k-th values (the (k+1)-th equals
    # the k-th), or ordered equal values by something other than their index
    unsure = (values[:, :-1] == values[:, 1:]).any(dim=1)
    values, indices = values[:, :k], indices[:, :k]
    if bool(unsure.any()):
        rows = unsure.nonzero().squeeze(1)
        part = scores[rows]
        threshold = values[rows, -1:]
        above, equal = part > threshold, part == threshold
        room = k - above.sum(dim=1, keepdim=True)
        chosen = above | (equal & (equal.cumsum(dim=1) <= room))
        picked = chosen.nonzero()[:, 1].view(len(rows), k)  # ascending index in each row
        picked_values = part.gather(1, picked)
        order = torch.sort(picked_values, dim=1, descending=True, stable=True).indices
        values[rows] = picked_values.gather(1, order)
        indices[rows] = picked.gather(1, order)
    return values, indices


def top_k(
    queries: Any,
    candidates: Any,
    k: int,
    *,
    query_chunk: int = DEFAULT_QUERY_CHUNK,
    candidate_chunk: int = DEFAULT_CANDIDATE_CHUNK,
    device: str = "cpu",
) -> tuple[Any, Any]:
    """The `k` candidates with the highest inner product for every query.

    `queries` is (n, d) and `candidates` (m, d), numpy arrays (memory-mapped ones included) or
    tensors. Returns (scores, indices), each an (n, min(k, m)) CPU tensor, best first.
    """
    import torch

    n, m = len(queries), len(candidates)
    if m == 0:
        raise ValueError("cannot search an empty candidate pool")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    k = min(k, m)
    best_values = torch.full((n, 0), float("-inf"))
    best_indices = torch.zeros((n, 0), dtype=torch.long)
    best_values, best_indices = best_values.to(device), best_indices.to(device)
    query_blocks = [
        _as_tensor(queries[start : start + query_chunk], device)
        for start in range(0, n, query_chunk)
    ]
    with torch.inference_mode():
        for offset in range(0, m, candidate_chunk):
            block = _as_tensor(candidates[offset : offset + candidate_chunk], device)
            width = min(k, len(block))
            values, indices = [], []
            for query_block in query_blocks:
                v, i = _block_top_k(query_block @ block.T, width)
                values.append(v)
                indices.append(i + offset)
            merged_values = torch.cat([best_values, torch.cat(values)], dim=1)
            merged_indices = torch.cat([best_indices, torch.cat(indices)], dim=1)
            # the running best come first and have lower indices, so a stable sort keeps ties
            # in index order
            order = torch.sort(merged_values, dim=1, descending=True, stable=True).indices[:, :k]
            best_values = merged_values.gather(1, order)
            best_indices = merged_indices.gather(1, order)
    return best_values.cpu(), best_indices.cpu()
