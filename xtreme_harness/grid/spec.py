"""Grid specifications: a YAML file and/or command-line options -> the cells of a grid.

Every option of `xharness run` may appear in a grid file (spelled with underscores: ``task``,
``learning_rate``...) or on the `xharness grid` command line. Most take a list of values: the grid
is the cartesian product of those lists (its axes). Plural spellings are accepted for the main
axes (``tasks``, ``seeds``, ``regularizers``, ``language_sets``, ``models``, ``sources``).
Regularizers and language sets may carry options: ``{name: rs-rp, options: {scale: 0.01}}`` in a
file, ``rs-rp:scale=0.01`` on the command line. ``intermediate: [null, massive]`` puts cells
without an intermediate stage next to cells with one (their language-set settings are dropped).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from xtreme_harness.config.options import (
    BY_NAME,
    INTERMEDIATE_ONLY,
    OPTIONS,
    Option,
    check_value,
)
from xtreme_harness.errors import DataError, UsageError

ALIASES = {
    "models": "model", "tasks": "task", "seeds": "seed", "sources": "source",
    "regularizers": "regularizer", "language_sets": "language_set", "settings": "setting",
    "perturbations": "perturbation", "multi_sources": "multi_source",
}  # fmt: skip
GRID_KEYS = ("name", "description", "out", "executor", "observers")
TRANSLATE_ONLY = ("translator", "translator_options")
MULTI_SOURCE_ONLY = ("multi_source", "multi_source_options", "multi_source_budget")
"""Options the cells of a grid drop unless their setting translates (the grid's translator
serves its translate settings); few-shot cells alone keep ``shots``, multi-source cells alone
the multi-source language set (`MULTI_SOURCE_ONLY`)."""
"""Keys of a grid file that are not run options."""


class SpecError(UsageError):
    """A grid specification is wrong; the message names the file, line and key."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")


@dataclass
class GridSpec:
    """Option name -> list of values (an axis) or one value; grid settings apart."""

    values: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    source: str = "command line"
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def where(self, *path: Any) -> str:
        """``file:line: key path`` for messages."""
        line = None
        for end in range(len(path), 0, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                break
        location = self.source if line is None else f"{self.source}:{line}"
        rendered = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p)
                           for i, p in enumerate(path))  # fmt: skip
        return f"{location}: {rendered}" if rendered else location


def _line_map(node: Any, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], int]:
    import yaml

    lines = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines.update(_line_map(value, (*path, key.value)))
            lines[(*path, key.value)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.update(_line_map(item, (*path, index)))
    return lines


def load(path: str) -> GridSpec:
    """Read and check a grid file (structure and value types; names are checked by `check`)."""
    import yaml

    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise DataError(path, "grid file not found") from None
    try:
        document = yaml.load(text, Loader=_loader())
        lines = _line_map(yaml.compose(text)) if document is not None else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = None if mark is None else mark.line + 1
        raise DataError(
            path, f"not valid YAML: {getattr(exc, 'problem', exc)}", line=line
        ) from None
    spec = GridSpec(source=path, lines=lines)
    if not isinstance(document, dict):
        raise SpecError(spec.where(), "expected a mapping of run options to values or lists")
    for key in document:
        name = ALIASES.get(key, key)
        if name not in BY_NAME and name not in GRID_KEYS:
            from xtreme_harness.suggest import closest

            hint = closest(str(key), [*BY_NAME, *ALIASES, *GRID_KEYS])
            suggestion = f"; did you mean: {', '.join(hint)}?" if hint else ""
            raise SpecError(spec.where(key), f"unknown key {key!r}{suggestion}")
    _validate(document, spec)
    for key, value in document.items():
        name = ALIASES.get(key, key)
        if name in GRID_KEYS:
            if name == "observers":
                items = value if isinstance(value, list) else [value]
                value = [_normalise(Option(name, "", str, "", component="x"), v) for v in items]
            elif name == "executor":
                value = _normalise(Option(name, "", str, "", component="x"), value)
            spec.settings[name] = value
            continue
        if name in spec.values:
            raise SpecError(spec.where(key), f"{key!r} repeats {name!r}")
        spec.values[name] = _normalise(BY_NAME[name], value)
    return spec


def _loader() -> Any:
    """YAML's safe loader, reading ``1e-5`` as the number it is meant to be (YAML 1.1, which
    PyYAML follows, needs a dot: ``1.0e-5``; learning rates are written both ways)."""
    import re

    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
        list("-+0123456789"),
    )
    return Loader


def grid_schema() -> dict[str, Any]:
    """The JSON Schema of grid files, built from the table of run options (shipped as
    registry/schemas/grid.schema.json; a test keeps the two equal)."""

    def scalar(option: Option) -> dict[str, Any]:
        if option.component:
            return {
                "anyOf": [
                    {"type": "string", "minLength": 1},
                    {
                        "type": "object",
                        "required": ["name"],
                        "additionalProperties": False,
                        "properties": {
                            "name": {"type": "string", "minLength": 1},
                            "options": {"type": "object"},
                        },
                    },
                ]
            }
        kind = {int: "integer", float: "number", bool: "boolean", str: "string"}[option.type]
        schema: dict[str, Any] = {"type": [kind, "null"] if option.name == "intermediate" else kind}
        if option.choices:
            schema["enum"] = list(option.choices) + (
                [None] if option.name == "intermediate" else []
            )
        if option.minimum is not None:
            schema["minimum"] = option.minimum
        if option.above is not None:
            schema["exclusiveMinimum"] = option.above
        if option.maximum is not None:
            schema["maximum"] = option.maximum
        return schema

    properties: dict[str, Any] = {}
    for option in OPTIONS:
        one = scalar(option)
        if option.multiple:
            one = {"type": "string", "pattern": "^[^=]+=.*$"}
            schema = {"anyOf": [one, {"type": "array", "items": one}]}
        elif option.axis or option.name == "eval_languages":
            schema = {"anyOf": [one, {"type": "array", "items": one, "minItems": 1}]}
        else:
            schema = one
        properties[option.name] = {"description": option.help, **schema}
    for alias, name in ALIASES.items():
        properties[alias] = {"$ref": f"#/properties/{name}"}
    properties.update(
        {
            "name": {"type": "string"},
            "description": {"type": "string"},
            "out": {"description": "Run folder (--out overrides it).", "type": "string"},
            "executor": {
                "description": "Executor name, or {name, options} (--executor overrides it).",
                **scalar(Option("executor", "--executor", str, "", component="executors")),
            },
            "observers": {
                "description": "Observers told what the grid does (experiment trackers): names, "
                "or {name, options}, a list (--observer adds to it).",
                "anyOf": [
                    scalar(Option("observers", "--observer", str, "", component="observers")),
                    {
                        "type": "array",
                        "items": scalar(
                            Option("observers", "--observer", str, "", component="observers")
                        ),
                    },
                ],
            },
        }
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://xtreme-harness.invalid/schemas/grid.schema.json",
        "title": "xharness grid",
        "description": "A grid of runs: every option of `xharness run`, each with one value or a "
        "list of values (an axis of the grid).",
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }


def _normalise(option: Option, value: Any) -> Any:
    """A validated value in the form `expand` uses."""
    if option.multiple:
        return [str(v) for v in (value if isinstance(value, list) else [value])]
    if option.name == "eval_languages" and isinstance(value, list):
        return ",".join(str(v) for v in value)
    items = value if isinstance(value, list) else [value]
    if option.component:
        items = [component(v) if isinstance(v, str) else {"name": v["name"],
                 "options": dict(v.get("options", {}))} for v in items]  # fmt: skip
    elif option.type is float:
        items = [float(v) for v in items]
    return items if isinstance(value, list) else items[0]


def _validate(document: Any, spec: GridSpec) -> None:
    """Check a grid document against the grid schema and every number against its option's
    bounds; errors name the line and key, and say what was expected."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(grid_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        from xtreme_harness.registry.schema_errors import explain

        leaf, message = explain(error)
        raise SpecError(spec.where(*leaf.absolute_path), message)
    for key, value in document.items():
        option = BY_NAME.get(ALIASES.get(key, key))
        if option is None or option.type not in (int, float):
            continue
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            problem = check_value(option, item)
            if problem is not None:
                path = (key,) if index is None else (key, index)
                raise SpecError(spec.where(*path), problem)


def _check_range(option: Option, item: Any, where: str) -> None:
    problem = check_value(option, item)
    if problem is not None:
        raise SpecError(where, problem)


def component(text: str) -> dict[str, Any]:
    """``"rs-rp:scale=0.01:distribution=gaussian"`` -> ``{name, options}``."""
    name, *pairs = text.split(":")
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"{text!r}: expected NAME or NAME:KEY=VALUE[:KEY=VALUE...]")
        options[key] = value
    return {"name": name, "options": options}


def from_flags(options: Mapping[str, Any]) -> GridSpec:
    """A spec from `xharness grid` options (None and empty mean: not given)."""
    spec = GridSpec()
    for option in OPTIONS:
        value = options.get(option.name)
        if value is None or value == () or value is False:
            continue
        if option.multiple:
            spec.values[option.name] = list(value)
        elif option.axis and isinstance(value, str) and not option.is_flag:
            items = [item.strip() for item in value.split(",") if item.strip()]
            if not items:
                raise SpecError(option.flag, "expected at least one value")
            typed = [_flag_value(option, item) for item in items]
            spec.values[option.name] = typed if len(typed) > 1 else typed[0]
        else:
            spec.values[option.name] = value
    return spec


def _flag_value(option: Option, text: str) -> Any:
    if option.component:
        return component(text)
    if option.name == "intermediate" and text.lower() in ("none", "null"):
        return None
    try:
        value = option.type(text)
    except ValueError:
        kinds = {int: "an integer", float: "a number"}
        raise SpecError(option.flag, f"{text!r} is not {kinds.get(option.type, 'valid')}") from None
    _check_range(option, value, option.flag)
    return value


def merge(base: GridSpec, flags: GridSpec) -> GridSpec:
    """`base` (a file) with the command line's values taking precedence."""
    return GridSpec(
        values={**base.values, **flags.values},
        settings=dict(base.settings),
        source=base.source,
        lines=base.lines,
    )


def check_names(spec: GridSpec, host: Any) -> None:
    """Every task, intermediate task, regularizer, language set and executor named exists, and
    the components' parameters fit them."""
    kinds = {"task": "tasks", "intermediate": "tasks", "regularizer": "regularizers",
             "language_set": "language_sets", "translator": "translators",
             "perturbation": "perturbers", "multi_source": "language_sets"}  # fmt: skip
    for name, kind in kinds.items():
        if name not in spec.values:
            continue
        value = spec.values[name]
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            key = _spelling(spec, name)
            path = (key,) if not isinstance(value, list) else (key, index)
            _check_named(spec, name, kind, item, path, host)
    if "executor" in spec.settings:
        _check_named(spec, "executor", "executors", spec.settings["executor"], ("executor",), host)
    for index, item in enumerate(spec.settings.get("observers", [])):
        _check_named(spec, "observer", "observers", item, ("observers", index), host)


def _check_named(
    spec: GridSpec, name: str, kind: str, item: Any, path: tuple[Any, ...], host: Any
) -> None:
    label = item["name"] if isinstance(item, dict) else item
    if label is None or (name == "perturbation" and label == "none"):  # clean test data
        return
    registered = host.registrations(kind)
    if label in registered:
        if name in COMPONENT_OPTIONS or name in ("executor", "observer"):
            _check_component(spec, name, registered[label].obj, item, path)
        return
    from xtreme_harness.suggest import closest

    hint = closest(str(label), registered)
    suggestion = f"; did you mean: {', '.join(hint)}?" if hint else ""
    raise SpecError(spec.where(*path), f"unknown {kind[:-1].replace('_', ' ')} "
                                       f"{label!r}{suggestion}")  # fmt: skip


COMPONENT_OPTIONS = {"regularizer": "regularizer_options", "language_set": "language_set_options",
                     "translator": "translator_options",
                     "perturbation": "perturbation_options",
                     "multi_source": "multi_source_options"}  # fmt: skip
"""Component options of a grid and the option that adds ``KEY=VALUE`` parameters to them."""


def _check_component(
    spec: GridSpec, name: str, component_class: Any, item: Any, path: tuple[Any, ...]
) -> None:
    """A component's parameters in a grid file: a wrong name or value names the file, the line
    and the key of the parameter."""
    import re

    from xtreme_harness.config.options import parse_pairs

    options = dict(item.get("options", {})) if isinstance(item, dict) else {}
    where: dict[str, tuple[Any, ...]] = {key: (*path, "options", key) for key in options}
    extra = COMPONENT_OPTIONS.get(name)
    pairs = spec.values.get(extra, []) if extra else []
    for index, pair in enumerate(pairs):
        for key, text in parse_pairs([pair], _spelling(spec, extra)).items():
            options[key] = text
            where[key] = (_spelling(spec, extra), index)
    if name == "language_set" and spec.values.get("intermediate_languages"):
        return  # the explicit set, whose codes come from intermediate_languages
    try:
        component_class(**options)
    except UsageError as exc:
        message = str(exc)
        match = re.search(r"parameter (?:of [^']+'[^']+' )?'([^']+)'", message)
        key = match.group(1) if match else None
        raise SpecError(spec.where(*where.get(key, path)), message) from None


def _spelling(spec: GridSpec, name: str) -> str:
    """The key the file used for option `name` (for line numbers)."""
    for key, target in ALIASES.items():
        if target == name and (key,) in spec.lines:
            return key
    return name


def expand(spec: GridSpec, *, out: str) -> list[Any]:
    """The run configurations of the grid, without duplicates, in a stable order."""
    from xtreme_harness.config.options import config_from_options
    from xtreme_harness.config.run import config_to_dict

    axes = [name for name, value in spec.values.items() if isinstance(value, list)
            and not BY_NAME[name].multiple]  # fmt: skip
    fixed = {name: value for name, value in spec.values.items() if name not in axes}
    configs, seen = [], set()
    for combination in itertools.product(*(spec.values[name] for name in axes)):
        values = {**fixed, **dict(zip(axes, combination, strict=True))}
        if values.get("intermediate") is None:
            values = {k: v for k, v in values.items() if k not in INTERMEDIATE_ONLY}
        setting = values.get("setting", "zero-shot")
        if not setting.startswith("translate-"):  # a grid's translator is for those settings
            values = {k: v for k, v in values.items() if k not in TRANSLATE_ONLY}
        if setting != "few-shot":  # and its shots for few-shot
            values = {k: v for k, v in values.items() if k != "shots"}
        if setting != "multi-source":  # and its source languages for multi-source
            values = {k: v for k, v in values.items() if k not in MULTI_SOURCE_ONLY}
        config = config_from_options(values, out=out, progress=False, save_model=True)
        identity = repr(sorted(config_to_dict(config).items()))
        if identity not in seen:
            seen.add(identity)
            configs.append(config)
    return configs


def describe(spec: GridSpec) -> dict[str, Sequence[Any]]:
    """The axes of the grid (options with several values) and their values."""
    return {name: value for name, value in spec.values.items()
            if isinstance(value, list) and not BY_NAME[name].multiple}  # fmt: skip
