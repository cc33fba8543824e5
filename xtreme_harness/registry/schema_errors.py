"""JSON Schema errors as a person would state them: what was expected, what was found.

jsonschema's own message for a value that may be one item or a list of items (``anyOf``) is "is
not valid under any of the given schemas"; `explain` goes down to the alternative the value was
meant for (a list for the list, a mapping for ``{name, options}``) and words its error.
"""

from __future__ import annotations

from typing import Any

import jsonschema

_JSON_TYPES = {
    "integer": (int,), "number": (int, float), "string": (str,), "boolean": (bool,),
    "array": (list,), "object": (dict,), "null": (type(None),),
}  # fmt: skip
_NAMES = {"integer": "an integer", "number": "a number", "string": "a text", "boolean": "true "
          "or false", "array": "a list", "object": "a mapping", "null": "null"}  # fmt: skip


def _accepts(schema: Any, instance: Any) -> bool:
    """Whether `schema`'s declared type admits `instance` (no declared type: it does)."""
    kinds = schema.get("type") if isinstance(schema, dict) else None
    if kinds is None:
        return True
    kinds = [kinds] if isinstance(kinds, str) else kinds
    is_bool = isinstance(instance, bool)
    return any(isinstance(instance, _JSON_TYPES[kind]) and (kind == "boolean" or not is_bool)
               for kind in kinds)  # fmt: skip


def explain(error: Any) -> tuple[Any, str]:
    """The error a user should see (see `_leaf`) and its message: what was expected, what was
    found (``expected an integer (or a list of them), found 'abc'``)."""
    leaf, listable = _leaf(error)
    return leaf, _explain(leaf, listable)


def _leaf(error: Any) -> tuple[Any, bool]:
    """The error inside an ``anyOf`` that the value was meant for: the branch whose type fits
    the value (a list for the list branch, a mapping for ``{name, options}``), else the first.
    Also whether a list of values was an alternative (for the message)."""
    listable = False
    while error.validator == "anyOf" and error.context:
        branches = error.schema["anyOf"]
        listable = listable or any(b.get("type") == "array" for b in branches)
        fitting = [i for i, branch in enumerate(branches) if _accepts(branch, error.instance)]
        chosen = fitting[0] if fitting else 0
        inside = [e for e in error.context if e.relative_schema_path[0] == chosen]
        if not inside:
            break
        error = jsonschema.exceptions.best_match(inside)
    return error, listable and not isinstance(error.instance, list)


def _explain(error: Any, listable: bool) -> str:
    """A schema error as what was expected and what was found."""
    found = f"found {error.instance!r}"
    either = " (or a list of them)" if listable else ""
    if error.validator == "type":
        kinds = (
            [error.validator_value]
            if isinstance(error.validator_value, str)
            else list(error.validator_value)
        )
        return f"expected {' or '.join(_NAMES[k] for k in kinds)}{either}, {found}"
    if error.validator in ("enum", "const"):
        allowed = error.validator_value if error.validator == "enum" else [error.validator_value]
        return f"expected one of {', '.join(map(str, allowed))}{either}, {found}"
    bounds = {
        "minimum": "at least", "maximum": "at most", "exclusiveMinimum": "a value greater than",
    }  # fmt: skip
    if error.validator in bounds:
        return f"expected {bounds[error.validator]} {error.validator_value}, {found}"
    if error.validator == "minItems":
        return f"expected at least {error.validator_value} value(s), found an empty list"
    if error.validator == "minLength":
        return f"expected a non-empty text, {found}"
    if error.validator == "pattern":
        return f"expected KEY=VALUE, {found}"
    if error.validator == "additionalProperties":
        unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        allowed = ", ".join(error.schema.get("properties", {}))
        return f"unknown key {', '.join(map(repr, unknown))}; expected the keys {allowed}"
    if error.validator == "required":
        return f"{error.message}; expected the keys {', '.join(error.schema.get('properties', {}))}"
    return error.message
