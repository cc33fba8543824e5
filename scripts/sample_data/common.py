"""Paths, seeds and errors shared by every dataset family, and the writers of the files: TSV,
JSON lines and `sync`, which writes an output folder (or, with ``--check``, compares it).
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

SEED = 20250101
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
LEXICON = HERE / "lexicon.json"
DEFAULT_OUT = REPO / "plugins" / "xtreme_r" / "sample"
INTERMEDIATE_OUT = REPO / "plugins" / "intermediate" / "sample"
LOW_RESOURCE_OUT = REPO / "plugins" / "low_resource" / "sample"
REGISTRY = REPO / "registry" / "benchmarks"
LANGUAGE_REGISTRY = REPO / "registry" / "languages.json"

Span = tuple[int, int]  # [start, end) character offsets


class SampleDataError(Exception):
    """A check failed; the message names the file, language and field."""


def benchmark_languages(benchmark: str, tasks: Iterable[str]) -> dict[str, list[str]]:
    """The languages of `tasks` in ``registry/benchmarks/<benchmark>.json``, sorted."""
    data = json.loads((REGISTRY / f"{benchmark}.json").read_text(encoding="utf-8"))["tasks"]
    return {task: sorted(data[task]["languages"]) for task in tasks}


def file_rng(task: str, lang: str, split: str) -> random.Random:
    return random.Random(f"{SEED}:{task}:{lang}:{split}")


def unique(make: Callable[[], tuple[Any, Any]], seen: set[Any], what: str) -> Any:
    """Call `make` until it returns an example whose key is new."""
    for _ in range(2000):
        key, example = make()
        if key not in seen:
            seen.add(key)
            return example
    raise SampleDataError(f"{what}: could not draw a new example (the lexicon is too small)")


def tsv(rows: list[tuple[str, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buffer.getvalue()


def jsonl(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def sync(
    out: Path, files: dict[str, str], check: bool, folders: Iterable[str]
) -> tuple[list[str], list[str]]:
    """Write changed files (unless `check`) and remove stale ones of `folders`; return
    (changed or new, stale) relative paths."""
    changed, stale = [], []
    for rel in sorted(files):
        path = out / rel
        data = files[rel].encode("utf-8")
        if not path.is_file() or path.read_bytes() != data:
            changed.append(rel)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
    for folder in folders:
        directory = out / folder
        if not directory.is_dir():
            continue
        for path in sorted(directory.rglob("*")):
            rel = path.relative_to(out).as_posix()
            if path.is_file() and rel not in files:
                stale.append(rel)
                if not check:
                    path.unlink()
        if not check:  # folders left empty (a config no longer generated)
            for path in sorted(directory.rglob("*"), reverse=True):
                if path.is_dir() and not any(path.iterdir()):
                    path.rmdir()
    return changed, stale
