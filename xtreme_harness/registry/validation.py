"""JSON Schema validation of every file that crosses a boundary.

Schemas live in the registry (`registry/schemas/<name>.schema.json`). Validating the registry's own
files on every start would cost more than the rest of a listing command (importing `jsonschema`
alone takes about 0.1 s), so, like Python's bytecode cache, a verdict is remembered: a stamp in
the cache folder (`XHARNESS_CACHE`, default `~/.cache/xharness`) records that the file at this
path, with this size and modification time, passed this schema at this size and modification time.
Any change to the file or the schema validates it in full again.
"""

from __future__ import annotations

import json
import os
import zlib
from typing import Any

from xtreme_harness.errors import DataError, SchemaError
from xtreme_harness.registry.resources import cache_dir, registry_path


def schema_path(name: str) -> str:
    return registry_path("schemas", f"{name}.schema.json")


def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema called `name` (e.g. ``"languages"``)."""
    path = schema_path(name)
    if not os.path.isfile(path):
        raise DataError(path, f"no JSON Schema named {name!r} in the registry")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def validate(document: Any, schema_name: str, *, source: str) -> None:
    """Raise `SchemaError` naming `source` and the failing field if `document` is invalid."""
    import jsonschema

    schema = load_schema(schema_name)
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is None:
        return
    raise SchemaError(
        source,
        f"{error.message} (schema {schema_name!r}, rule {'/'.join(map(str, error.schema_path))})",
        field=_describe_location(document, list(error.absolute_path)) or "(top level)",
    )


def load_json(path: str | os.PathLike[str], schema_name: str) -> Any:
    """Read a JSON file and validate it against a registry schema, reusing a remembered verdict."""
    path = os.path.abspath(os.fspath(path))
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
            identity = _identity(path, os.fstat(handle.fileno()), schema_name)
    except FileNotFoundError:
        raise DataError(path, "file not found") from None
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(path, f"not valid JSON: {exc}", line=getattr(exc, "lineno", None)) from None
    stamp = _stamp_path(identity, schema_name)
    if stamp is not None and _read(stamp) == identity:
        return document
    validate(document, schema_name, source=path)
    if stamp is not None:
        _write(stamp, identity)
    return document


def _describe_location(document: Any, path: list[Any]) -> str:
    """A readable location such as ``languages[12] (code 'sw').script``."""
    parts: list[str] = []
    node = document
    for key in path:
        if isinstance(key, int):
            parts.append(f"[{key}]")
            node = node[key] if isinstance(node, list) and key < len(node) else None
            label = _label(node)
            if label:
                parts.append(f" ({label})")
        else:
            parts.append(f".{key}" if parts else str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts)


def _label(node: Any) -> str:
    if isinstance(node, dict):
        for key in ("code", "name", "id"):
            if isinstance(node.get(key), str):
                return f"{key} {node[key]!r}"
    return ""


def _identity(path: str, stat: os.stat_result, schema_name: str) -> str:
    schema = os.stat(schema_path(schema_name))
    return "\n".join(
        map(str, (path, stat.st_size, stat.st_mtime_ns, schema.st_size, schema.st_mtime_ns))
    )


def _stamp_path(identity: str, schema_name: str) -> str | None:
    folder = cache_dir()
    if folder is None:
        return None
    key = f"{zlib.crc32(identity.encode('utf-8')):08x}"
    return os.path.join(folder, "validated", f"{schema_name}-{key}")


def _read(stamp: str) -> str | None:
    try:
        with open(stamp, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return None


def _write(stamp: str, identity: str) -> None:
    try:
        os.makedirs(os.path.dirname(stamp), exist_ok=True)
        temporary = f"{stamp}.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(identity)
        os.replace(temporary, stamp)
    except OSError:
        pass
