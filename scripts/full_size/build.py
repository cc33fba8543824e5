"""Which generator writes which dataset, and a run over the chosen ones."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from . import choice, pairs, qa, retrieval, tagging
from .output import Run
from .sizes import Sizes

GENERATORS: dict[str, Callable[[Run], None]] = {
    "xnli": pairs.xnli,
    "pawsx": pairs.pawsx,
    "xcopa": choice.xcopa,
    "udpos": tagging.udpos,
    "panx": tagging.panx,
    "xquad": qa.xquad,
    "mlqa": qa.mlqa,
    "tydiqa": qa.tydiqa,
    "tatoeba": retrieval.tatoeba,
    "lareqa": qa.lareqa,
    "mewslix": retrieval.mewslix,
    "squad": qa.squad,
}


def generate(
    out: Path, names: list[str], scale: float, seed: int,
    report: Callable[[str, dict[str, tuple[int, int]], float], None] | None = None,
) -> dict[str, tuple[int, int]]:  # fmt: skip
    """Write the datasets `names` (and the shared ones they use) under `out`; return every file
    written (relative path -> examples, bytes). `report` is called after each dataset with its
    name, its files and the seconds it took."""
    sizes = Sizes(scale)
    run = Run(out, sizes, seed)
    for name in sizes.expand(names):
        before, start = set(run.written), time.perf_counter()
        GENERATORS[name](run)
        if report is not None:
            files = {path: run.written[path] for path in run.written.keys() - before}
            report(name, files, time.perf_counter() - start)
    return run.written
