"""The registry: declarative data shipped with xharness (languages, benchmark definitions,
protocols, JSON Schemas) and the code that loads and validates it. Imports nothing else of
xharness but its errors; plugins may use it (a language's family, script and resource class; a
benchmark's task languages)."""

from xtreme_harness.registry.benchmarks import Benchmark, BenchmarkTask, load_benchmark
from xtreme_harness.registry.languages import Language, LanguageRegistry, default_registry
from xtreme_harness.registry.protocols import Protocol

__all__ = [
    "Benchmark",
    "BenchmarkTask",
    "Language",
    "LanguageRegistry",
    "Protocol",
    "default_registry",
    "load_benchmark",
]
