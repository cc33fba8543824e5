"""Where xharness finds its registry data and keeps its cache.

Paths are plain strings here: this module is on the start-up path of every listing command, and
`pathlib` would cost more to import than the listing itself takes to run.
"""

from __future__ import annotations

import os


def registry_root() -> str:
    """The folder of the installed registry data (`registry/` in a source checkout)."""
    try:
        import xharness_registry
    except ImportError:  # running from a checkout that was not installed
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        return os.path.join(os.path.dirname(package), "registry")
    return os.path.dirname(os.path.abspath(xharness_registry.__file__))


def registry_path(*parts: str) -> str:
    return os.path.join(registry_root(), *parts)


def cache_dir() -> str | None:
    """The cache folder: `XHARNESS_CACHE`, else `$XDG_CACHE_HOME/xharness` or `~/.cache/xharness`.

    `XHARNESS_CACHE=off` disables caching.
    """
    configured = os.environ.get("XHARNESS_CACHE")
    if configured is not None:
        return None if configured.strip().lower() in ("", "0", "off", "none") else configured
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "xharness")
