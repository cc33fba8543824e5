"""xtreme-harness: zero-shot cross-lingual transfer experiments on XTREME-R, extensible by plugins.

`from xtreme_harness import hookimpl` is all a plugin needs to implement hooks; the interfaces it
implements live in `xtreme_harness.task`, `.language_set`, `.regularizer`, `.executor` and
`.table_format`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "hookimpl"]

if TYPE_CHECKING:
    from xtreme_harness.hookspecs import hookimpl


def __getattr__(name: str) -> Any:
    # Importing pluggy is deferred so that commands which need no plugins start faster.
    if name == "hookimpl":
        from xtreme_harness.hookspecs import hookimpl

        return hookimpl
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
