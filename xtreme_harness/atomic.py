"""Writing files so that a reader never sees half of one: a temporary file, then a rename."""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` to `path` atomically (same folder, fsync, rename)."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=folder)
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
