"""xtreme-harness: zero-shot cross-lingual transfer experiments on XTREME-R, extensible by plugins.

A plugin needs `hookimpl` and the plugin API, both importable from here (`from xtreme_harness
import TaskSpec, hookimpl`) or from `xtreme_harness.interfaces`. They are imported on first use,
so that commands which need no plugins start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

INTERFACES = frozenset(
    (
        "CANDIDATES_SPLIT",
        "PARQUET_BRANCH",
        "POOLS",
        "ROLES",
        "SELECTIONS",
        "SHARED_POOL",
        "SPLITS",
        "Allocation",
        "Candidates",
        "Category",
        "Cell",
        "Component",
        "DataError",
        "DataSource",
        "Event",
        "Executor",
        "FolderSource",
        "HubLocation",
        "HubPin",
        "HubSource",
        "LanguageSet",
        "Outcome",
        "Param",
        "Phase",
        "Reader",
        "Recipe",
        "Regularizer",
        "Resources",
        "Status",
        "Step",
        "Table",
        "TableFormat",
        "TaskKind",
        "TaskSpec",
        "TrainingContext",
        "UnknownNameError",
        "UsageError",
        "XHarnessError",
        "XHarnessWarning",
        "blocked_by",
        "characters_of",
        "check_examples",
        "conll_tags",
        "copa_jsonl",
        "dispatch",
        "json_document",
        "json_lines",
        "rewrite_words",
        "siqa_jsonl",
        "squad_json",
        "tsv_pairs",
    )
)
"""The names of `xtreme_harness.interfaces`, re-exported here (a test keeps the two equal)."""

if TYPE_CHECKING:
    from xtreme_harness.hookspecs import hookimpl as hookimpl
    from xtreme_harness.interfaces import *  # noqa: F403


def __getattr__(name: str) -> Any:
    if name == "hookimpl":
        from xtreme_harness.hookspecs import hookimpl

        return hookimpl
    if name in INTERFACES:
        import importlib

        return getattr(importlib.import_module("xtreme_harness.interfaces"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({"__version__", "hookimpl", *INTERFACES, *globals()})
