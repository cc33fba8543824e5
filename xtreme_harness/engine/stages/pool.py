"""Candidate pools of retrieval tasks: a shared pool (LAReQA, Mewsli-X) embedded once, block by
block, into a memory map that every language's evaluation reads; a language's own pool (Tatoeba)
or development positives embedded in memory."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any, TypedDict

from xtreme_harness.engine.context import Context
from xtreme_harness.engine.device import Placement
from xtreme_harness.engine.embedding_store import load_index, write_index
from xtreme_harness.engine.kinds.base import KindImpl
from xtreme_harness.engine.kinds.retrieval import CandidateIndex, check_pool
from xtreme_harness.engine.stages.common import inference_setup
from xtreme_harness.engine.trainer import predict
from xtreme_harness.interfaces.task import CANDIDATES_SPLIT, SHARED_POOL

EMBED_BLOCK = 65536
"""Candidates encoded and embedded at a time."""


class EmbedOutput(TypedDict):
    candidates: str
    """The memory-mapped embeddings' folder, relative to the stage's folder."""
    count: int
    dimension: int
    seconds: float


def embed_pool(ctx: Context, out: str, model: Any) -> EmbedOutput:
    """Embed the task's shared candidate pool with `model` (a model or a folder) into
    `<out>/candidates` (see `xtreme_harness.engine.embedding_store`)."""
    started = time.perf_counter()
    placement, tokenizer, kind, model = inference_setup(ctx, model)
    written = embed_shared_pool(ctx, out, model, kind, tokenizer, placement)
    return {**written, "seconds": round(time.perf_counter() - started, 3)}


def embed_shared_pool(
    ctx: Context, out: str, model: Any, kind: KindImpl, tokenizer: Any, placement: Placement
) -> dict[str, Any]:
    config = ctx.config
    candidates = ctx.load(ctx.spec, CANDIDATES_SPLIT, SHARED_POOL)
    check_pool(candidates, f"{ctx.spec.name} {config.source} candidates")
    blocks = embedding_blocks(
        ctx, model, kind, tokenizer, placement, candidates, kind.recipe.max_length,
        progress=config.progress,
    )  # fmt: skip
    ids = [c["id"] for c in candidates]
    meta = write_index(os.path.join(out, "candidates"), ids, blocks, pool_settings(ctx, kind))
    return {"candidates": "candidates", "count": meta["count"], "dimension": meta["dimension"]}


def pool_settings(ctx: Context, kind: KindImpl) -> dict[str, Any]:
    """What candidate embeddings depend on besides the model."""
    return {
        "task": ctx.spec.name,
        "source": ctx.config.source,
        "data_dir": ctx.config.data_dir,
        "data_revision": ctx.config.data_revision,
        "pooling": kind.recipe.pooling or "mean",
        "layer": kind.recipe.layer,
        "max_length": kind.recipe.max_length,
    }


def embedding_blocks(
    ctx: Context,
    model: Any,
    kind: KindImpl,
    tokenizer: Any,
    placement: Placement,
    candidates: list[dict],
    max_length: int,
    *,
    progress: bool = False,
) -> Iterator[Any]:
    """The embeddings of a candidate pool, `EMBED_BLOCK` candidates at a time (so that the
    tokens of a pool of a million never sit in memory at once)."""
    import torch

    for begin in range(0, len(candidates), EMBED_BLOCK):
        block = candidates[begin : begin + EMBED_BLOCK]
        features = kind.encode(block, tokenizer, max_length)
        rows = predict(
            model, kind, features, placement=placement, pad_id=tokenizer.pad_token_id,
            batch_size=ctx.config.eval_batch_size, max_tokens=ctx.config.eval_tokens,
            progress=progress,
            label=f"embed candidates {begin + 1}-{begin + len(block)} of {len(candidates)}",
        )  # fmt: skip
        yield torch.stack(rows).numpy()


def embed_small_pool(
    ctx: Context,
    model: Any,
    kind: KindImpl,
    tokenizer: Any,
    placement: Placement,
    candidates: list[dict],
    max_length: int,
) -> CandidateIndex:
    """The embeddings of a small pool (a language's own, or development positives)."""
    import numpy as np

    blocks = embedding_blocks(ctx, model, kind, tokenizer, placement, candidates, max_length)
    return CandidateIndex([c["id"] for c in candidates], np.concatenate(list(blocks)))


def candidate_index(
    ctx: Context,
    out: str,
    model: Any,
    kind: KindImpl,
    tokenizer: Any,
    placement: Placement,
    language: str,
    candidates: str | None,
) -> CandidateIndex:
    """The pool `language`'s queries search: the shared one (embedded once, memory-mapped from
    `candidates` or from `<out>/candidates`) or the language's own."""
    if ctx.spec.pool == "shared":
        if candidates is None:
            embed_shared_pool(ctx, out, model, kind, tokenizer, placement)
            candidates = os.path.join(out, "candidates")
        return load_index(candidates, pool_settings(ctx, kind))
    pool = ctx.load(ctx.spec, CANDIDATES_SPLIT, language)
    check_pool(pool, f"{ctx.spec.name} {ctx.config.source} candidates {language}")
    return embed_small_pool(ctx, model, kind, tokenizer, placement, pool, kind.recipe.max_length)
