"""Candidate embeddings on disk: written once per model and pool, memory-mapped when read.

A folder holds ``embeddings.npy`` (float32, one row per candidate), ``ids.json`` (the candidate
ids in row order) and ``meta.json`` (what produced them: task, source, pooling, layer, maximum
length). Every file is written to a temporary name and renamed, ``meta.json`` last, so a folder
with ``meta.json`` is complete. Reading checks that the settings match the caller's, so embeddings
of one pooling are never ranked against queries of another.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from xtreme_harness.atomic import write_json
from xtreme_harness.engine.kinds.retrieval import CandidateIndex
from xtreme_harness.errors import DataError

META = "meta.json"


def write_index(
    folder: str, ids: Sequence[str], blocks: Iterable[Any], meta: Mapping[str, Any]
) -> dict[str, Any]:
    """Write the embeddings of `ids`, given as consecutive blocks of rows, under `folder`
    (straight into a memory-mapped file: the pool never has to fit in memory); returns the meta
    record written."""
    import numpy as np

    os.makedirs(folder, exist_ok=True)
    temporary = os.path.join(folder, f".embeddings.{os.getpid()}.npy")
    array, filled = None, 0
    try:
        for block in blocks:
            if array is None:
                shape = (len(ids), int(block.shape[1]))
                array = np.lib.format.open_memmap(temporary, mode="w+", dtype=np.float32,
                                                  shape=shape)  # fmt: skip
            array[filled : filled + len(block)] = block
            filled += len(block)
        if array is None or filled != len(ids):
            raise ValueError(f"{filled} embeddings written for {len(ids)} candidates")
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    dimension = int(array.shape[1])
    array.flush()
    del array
    os.replace(temporary, os.path.join(folder, "embeddings.npy"))
    write_json(os.path.join(folder, "ids.json"), list(ids))
    record = {**meta, "count": len(ids), "dimension": dimension}
    write_json(os.path.join(folder, META), record)
    return record


def save_index(folder: str, index: CandidateIndex, meta: Mapping[str, Any]) -> dict[str, Any]:
    """Write `index` under `folder`; returns the meta record written."""
    return write_index(folder, index.ids, [index.embeddings], meta)


def load_index(folder: str, expected: Mapping[str, Any]) -> CandidateIndex:
    """The index saved under `folder`, its embeddings memory-mapped; a `DataError` if it is
    incomplete or was made with other settings than `expected`."""
    import numpy as np

    meta_path = os.path.join(folder, META)
    if not os.path.isfile(meta_path):
        raise DataError(folder, "no candidate embeddings here (meta.json is missing)")
    with open(meta_path, encoding="utf-8") as handle:
        meta = json.load(handle)
    different = {
        key: (meta.get(key), value) for key, value in expected.items() if meta.get(key) != value
    }
    if different:
        detail = ", ".join(f"{k} {a!r} here, {b!r} wanted" for k, (a, b) in different.items())
        raise DataError(folder, f"candidate embeddings made with other settings: {detail}")
    with open(os.path.join(folder, "ids.json"), encoding="utf-8") as handle:
        ids = json.load(handle)
    embeddings = np.load(os.path.join(folder, "embeddings.npy"), mmap_mode="r")
    if embeddings.shape != (meta["count"], meta["dimension"]) or len(ids) != meta["count"]:
        raise DataError(
            folder,
            f"embeddings.npy has shape {embeddings.shape} and ids.json {len(ids)} ids; "
            f"meta.json says {meta['count']} x {meta['dimension']}",
        )
    return CandidateIndex(ids, embeddings)
