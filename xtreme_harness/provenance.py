"""What produced a result: versions, code revision, device, command and time."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
from typing import Any

PACKAGES = ("torch", "transformers", "datasets", "tokenizers", "numpy", "evaluate")


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def package_versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return versions


def git_commit() -> str | None:
    """The commit of the xharness source tree if it is a git checkout (``+dirty`` if modified)."""
    folder = os.path.dirname(os.path.abspath(__file__))

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", folder, *args], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if not commit:
        return None
    return commit + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def code_versions(host: Any) -> dict[str, Any]:
    """The versions of xharness and of every plugin the host loaded: what a step key or a cache
    key holds, so that outputs made by other code are never reused."""
    from xtreme_harness import __version__

    return {"xharness": __version__, "plugins": {p.name: p.version for p in host.plugins()}}


def provenance(
    *,
    plugins: dict[str, str | None],
    device: str,
    started_at: str,
    timings: dict[str, float],
) -> dict[str, Any]:
    from xtreme_harness import __version__

    return {
        "xharness": __version__,
        "plugins": plugins,
        "python": platform.python_version(),
        "packages": package_versions(),
        "git_commit": git_commit(),
        "device": device,
        "command": list(sys.argv),
        "started_at": started_at,
        "finished_at": now(),
        "timings": {key: round(value, 3) for key, value in timings.items()},
    }
