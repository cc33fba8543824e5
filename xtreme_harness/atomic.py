"""The files xharness keeps: written so that a reader never sees half of one (a temporary file in
the same folder, then a rename), and, for JSON, read as strictly as they are written.

Temporary files are named ``.tmp-<final name>-<pid>-<random>``: a run folder's clean-up tells
them apart from finished files, and which file each was for. They are created with mode 0666
less the process's umask, as `open` would, so that a group can share a run folder.
"""

from __future__ import annotations

import json
import os
import secrets
from typing import Any

from xtreme_harness.errors import DataError

TEMPORARY = ".tmp-"
"""The prefix of every temporary file and folder xharness writes."""


def temporary_name(path: str) -> str:
    """A fresh temporary path next to `path`, for building it."""
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(folder, f"{TEMPORARY}{name}-{os.getpid()}-{secrets.token_hex(4)}")


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` to `path` atomically (same folder, fsync, rename)."""
    path = os.fspath(path)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    temporary = temporary_name(path)
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def write_json(path: str | os.PathLike[str], document: Any) -> None:
    write_text(path, json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


class _NotFinite(float):
    """A NaN or infinity met while reading: remembered, so that the error names its field."""


def read_json(path: str | os.PathLike[str], what: str = "file") -> Any:
    """A JSON file xharness wrote, read as strictly as it was written: invalid JSON, and NaN or
    infinite numbers (which the writer refuses), are a `DataError` naming the file and the line
    or field. A missing file raises `FileNotFoundError` (callers say what it means)."""
    path = os.fspath(path)
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    try:
        document = json.loads(text, parse_constant=lambda name: _NotFinite(name))
    except json.JSONDecodeError as exc:
        raise DataError(path, f"not valid JSON ({what}): {exc.msg}", line=exc.lineno) from None
    found = _first_not_finite(document, ())
    if found is not None:
        field, value = found
        raise DataError(
            path,
            f"{value} is not a number a {what} may hold (xharness writes only finite numbers; "
            "the file was changed by hand or by another program)",
            field=".".join(str(part) for part in field) or None,
        )
    return document


def _first_not_finite(node: Any, path: tuple[Any, ...]) -> tuple[tuple[Any, ...], str] | None:
    if isinstance(node, _NotFinite):
        return path, repr(float(node)).replace("inf", "Infinity").replace("nan", "NaN")
    if isinstance(node, dict):
        items: Any = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return None
    for key, value in items:
        found = _first_not_finite(value, (*path, key))
        if found is not None:
            return found
    return None
