"""xtreme-harness: zero-shot cross-lingual transfer experiments on XTREME-R, extensible by plugins.

A plugin needs `hookimpl` and the plugin API, both importable from here (`from xtreme_harness
import TaskSpec, hookimpl`) or from `xtreme_harness.interfaces`. They are imported on first use,
so that commands which need no plugins start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from xtreme_harness.hookspecs import hookimpl as hookimpl
    from xtreme_harness.interfaces import *  # noqa: F403


def __getattr__(name: str) -> Any:
    import importlib
    import importlib.util

    if name == "hookimpl":
        return importlib.import_module("xtreme_harness.hookspecs").hookimpl
    # a submodule not imported yet (`from xtreme_harness import hookspecs`) is not looked up in
    # the plugin API: the import system imports it once this says there is no such attribute
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is None:
        interfaces = importlib.import_module("xtreme_harness.interfaces")
        if name in interfaces.__all__:
            return getattr(interfaces, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
