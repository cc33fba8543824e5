"""The registry: declarative data shipped with xharness (languages, benchmark definitions,
protocols, JSON Schemas) and the code that loads and validates it. Imports nothing else of
xharness but its errors; plugins may use it (a language's family, script and resource class; a
benchmark's task languages).

The names below are imported on first use: a listing command that reads languages does not pay
for loading the benchmark or protocol code."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xtreme_harness.registry.benchmarks import Benchmark, BenchmarkTask, load_benchmark
    from xtreme_harness.registry.languages import Language, LanguageRegistry, default_registry
    from xtreme_harness.registry.pretraining import pretrained_model
    from xtreme_harness.registry.protocols import Protocol

_WHERE = {
    "Benchmark": "benchmarks",
    "BenchmarkTask": "benchmarks",
    "load_benchmark": "benchmarks",
    "Language": "languages",
    "LanguageRegistry": "languages",
    "default_registry": "languages",
    "Protocol": "protocols",
    "pretrained_model": "pretraining",
}

__all__ = [
    "Benchmark",
    "BenchmarkTask",
    "Language",
    "LanguageRegistry",
    "Protocol",
    "default_registry",
    "load_benchmark",
    "pretrained_model",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
