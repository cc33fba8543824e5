"""Benchmark definitions (XTREME, XTREME-R): tasks, their languages, metrics and groups.

They are data, `registry/benchmarks/<name>.json`, validated against
`registry/schemas/benchmark.schema.json`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from typing import Any

from xtreme_harness.errors import DataError, UnknownNameError
from xtreme_harness.registry.resources import registry_path


@dataclass(frozen=True)
class BenchmarkTask:
    name: str
    category: str
    file_suffix: str
    metrics: tuple[str, ...]
    score: tuple[str, ...]
    languages: tuple[str, ...]


@dataclass(frozen=True)
class Benchmark:
    name: str
    title: str
    reference: str
    tasks: dict[str, BenchmarkTask]
    groups: dict[str, tuple[str, ...]]

    @classmethod
    def from_document(cls, document: dict[str, Any], *, source: str) -> Benchmark:
        tasks = {
            name: BenchmarkTask(
                name=name,
                category=spec["category"],
                file_suffix=spec["file_suffix"],
                metrics=tuple(spec["metrics"]),
                score=tuple(spec["score"]),
                languages=tuple(spec["languages"]),
            )
            for name, spec in document["tasks"].items()
        }
        groups = {name: tuple(members) for name, members in document["groups"].items()}
        for group, members in groups.items():
            for member in members:
                if member not in tasks:
                    raise DataError(
                        source, f"group {group!r} names task {member!r}, which is not defined"
                    )
        return cls(document["name"], document["title"], document["reference"], tasks, groups)

    def languages(self) -> list[str]:
        """Every language some task of the benchmark is scored on, sorted."""
        return sorted({lang for task in self.tasks.values() for lang in task.languages})


def benchmark_names() -> list[str]:
    from pathlib import Path

    return sorted(p.stem for p in Path(registry_path("benchmarks")).glob("*.json"))


@cache
def load_benchmark(name: str) -> Benchmark:
    from xtreme_harness.registry.validation import load_json

    path = registry_path("benchmarks", f"{name}.json")
    if not os.path.isfile(path):
        raise UnknownNameError("benchmark", name, benchmark_names())
    document = load_json(path, "benchmark")
    if document["name"] != name:
        raise DataError(
            str(path), f"expected name {name!r}, found {document['name']!r}", field="name"
        )
    return Benchmark.from_document(document, source=path)
