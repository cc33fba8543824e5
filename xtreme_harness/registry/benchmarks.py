"""Benchmark definitions (XTREME, XTREME-R): tasks, their languages, metrics, scorers and groups.

They are data, `registry/benchmarks/<name>.json`, validated against
`registry/schemas/benchmark.schema.json`. Everything that tells the official-equivalent scorer
(`xtreme_harness.results.scoring`) how to score a task is here, not in code: which scorer scores
it (``scorer``, a name of `xtreme_harness.results.scoring.scorers.SCORERS`), whether prediction
and gold item counts are checked (``count_check``), the metrics averaged into the task score
(``score``) and the official order of the tasks (``task_order``).

`load_benchmark(name)` reads the registry's file; `load_benchmark_file(path)` reads a definition
from any path, with the same validation, so that a new benchmark can be scored as data alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from xtreme_harness.errors import DataError, UnknownNameError
from xtreme_harness.registry.resources import registry_path


@dataclass(frozen=True)
class BenchmarkTask:
    """One task. `scorer` names the core's scoring function for one language of it;
    `count_check`: prediction and gold files must have the same number of items."""

    name: str
    category: str
    file_suffix: str
    metrics: tuple[str, ...]
    score: tuple[str, ...]
    languages: tuple[str, ...]
    scorer: str = ""
    count_check: bool = True


@dataclass(frozen=True)
class Benchmark:
    """A benchmark. `task_order`: its tasks in the official scorer's order (the overall score
    is summed and the score document lists tasks in it); empty means the order of `tasks`."""

    name: str
    title: str
    reference: str
    tasks: dict[str, BenchmarkTask]
    groups: dict[str, tuple[str, ...]]
    task_order: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)
    path: str = ""
    """The definition's file, for messages."""

    def __post_init__(self) -> None:
        if not self.task_order:
            object.__setattr__(self, "task_order", tuple(self.tasks))

    @classmethod
    def from_document(cls, document: dict[str, Any], *, source: str) -> Benchmark:
        """A benchmark from a schema-valid definition, checked for consistency: groups and
        ``task_order`` name defined tasks. `source` names the file in errors (it is kept, so
        that the scorer checks of `xtreme_harness.results.scoring.scorers.check_benchmark` can
        name it too)."""
        tasks = {
            name: BenchmarkTask(
                name=name,
                category=spec["category"],
                file_suffix=spec["file_suffix"],
                metrics=tuple(spec["metrics"]),
                score=tuple(spec["score"]),
                languages=tuple(spec["languages"]),
                scorer=spec["scorer"],
                count_check=spec["count_check"],
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
        order = tuple(document.get("task_order", tasks))
        if sorted(order) != sorted(tasks):
            unknown = [t for t in order if t not in tasks]
            absent = [t for t in tasks if t not in order]
            raise DataError(
                source,
                "must list every task of 'tasks' once"
                + (f"; not defined: {', '.join(unknown)}" if unknown else "")
                + (f"; not listed: {', '.join(absent)}" if absent else ""),
                field="task_order",
            )
        return cls(
            document["name"],
            document["title"],
            document["reference"],
            tasks,
            groups,
            order,
            dict(document.get("sources", {})),
            source,
        )

    def languages(self) -> list[str]:
        """Every language some task of the benchmark is scored on, sorted."""
        return sorted({lang for task in self.tasks.values() for lang in task.languages})


def benchmark_names() -> list[str]:
    from pathlib import Path

    return sorted(p.stem for p in Path(registry_path("benchmarks")).glob("*.json"))


@cache
def load_benchmark(name: str) -> Benchmark:
    """The registry's benchmark `name` (``registry/benchmarks/<name>.json``)."""
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


def load_benchmark_file(path: str | os.PathLike[str]) -> Benchmark:
    """A benchmark definition from any file, validated as the registry's are (schema, then the
    checks of `Benchmark.from_document`); its ``name`` need not match the file name. Pass the
    result, or the path itself, to `score_folders` to score a benchmark that is not in the
    registry."""
    from xtreme_harness.registry.validation import load_json

    path = os.path.abspath(os.fspath(path))
    document = load_json(path, "benchmark")
    return Benchmark.from_document(document, source=path)
