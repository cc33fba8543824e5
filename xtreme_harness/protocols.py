"""Protocols: published experimental settings as data, and what a run takes from them.

A protocol (`registry/protocols/<name>.json`, schema `protocol`; or shipped by a plugin through
`xharness_register_protocols`) names, per task, the values of the recipe, the model-selection rule,
the augmentation settings and any protocol step, each with its source and a `verified` flag. A run
takes its settings from its protocol (default ``xtreme-r``) where the protocol covers its task, from
the task's declared recipe where it does not, and from the run's options above both. Every value the
protocol fixes that the run does not use is a *departure*, recorded in the result with the
protocol's value and the used one; so are a tiny model and sample data, whose scores mean nothing
under any protocol.

This module reads protocols and resolves settings; it imports neither torch nor transformers.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xtreme_harness.errors import DataError, PluginError, PluginWarning, UnknownNameError
from xtreme_harness.resources import registry_path
from xtreme_harness.task import Phase, Recipe

DEFAULT = "xtreme-r"
"""The protocol a run follows unless it names another."""

RECIPE_SETTINGS = tuple(f.name for f in dataclasses.fields(Recipe) if f.name != "source")
"""Settings a protocol may fix per phase: the fields of a `Recipe`."""
TASK_SETTINGS = ("precision", "fine_tune_on")
"""Settings a protocol may fix for a whole cell."""


@dataclass(frozen=True)
class ModelShape:
    """What protocol variants depend on: the model's type and depth (from its config)."""

    model_type: str | None = None
    layers: int | None = None


@dataclass(frozen=True)
class Value:
    """A protocol's value for one setting, with where it comes from."""

    value: Any
    source: str
    verified: bool
    note: str = ""
    variants: tuple[dict[str, Any], ...] = ()

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> Value:
        return cls(
            value=document["value"],
            source=document["source"],
            verified=document["verified"],
            note=document.get("note", ""),
            variants=tuple(document.get("variants", ())),
        )

    def resolve(self, shape: ModelShape) -> Value:
        """The value for a model of `shape`: the first variant whose conditions all hold, else
        the general value."""
        for variant in self.variants:
            when = variant["when"]
            if all(getattr(shape, key) == wanted for key, wanted in when.items()):
                return Value(variant["value"], variant["source"], self.verified, self.note)
        return Value(self.value, self.source, self.verified, self.note)

    def describe(self) -> dict[str, Any]:
        record: dict[str, Any] = {"value": self.value, "source": self.source,
                                  "verified": self.verified}  # fmt: skip
        if self.note:
            record["note"] = self.note
        if self.variants:
            record["variants"] = [dict(v) for v in self.variants]
        return record


Settings = dict[str, Value]


def _settings(document: Mapping[str, Any] | None) -> Settings:
    return {name: Value.from_document(value) for name, value in (document or {}).items()}


@dataclass(frozen=True)
class TaskEntry:
    """What a protocol fixes for one task."""

    settings: Settings = field(default_factory=dict)
    phases: dict[str, Settings] = field(default_factory=dict)
    regularizers: dict[str, Settings] = field(default_factory=dict)
    note: str = ""

    @classmethod
    def from_document(cls, document: Mapping[str, Any] | None) -> TaskEntry:
        document = document or {}
        return cls(
            settings=_settings(document.get("settings")),
            phases={name: _settings(s) for name, s in document.get("phases", {}).items()},
            regularizers={
                name: _settings(s) for name, s in document.get("regularizers", {}).items()
            },
            note=document.get("note", ""),
        )

    def merged(self, defaults: TaskEntry) -> TaskEntry:
        """This entry over the protocol's defaults."""
        regularizers = {name: dict(s) for name, s in defaults.regularizers.items()}
        for name, settings in self.regularizers.items():
            regularizers.setdefault(name, {}).update(settings)
        return TaskEntry(
            settings={**defaults.settings, **self.settings},
            phases=self.phases,
            regularizers=regularizers,
            note=self.note,
        )


@dataclass(frozen=True)
class Protocol:
    name: str
    title: str
    description: str
    references: tuple[str, ...]
    tasks: dict[str, TaskEntry]
    defaults: TaskEntry
    intermediate: Settings
    unsupported: tuple[str, ...]
    document: dict[str, Any]
    """The validated document, as read."""
    path: str | None = None

    @classmethod
    def from_document(
        cls, document: dict[str, Any], *, source: str, validated: bool = False
    ) -> Protocol:
        """A protocol from its JSON document, validated against the schema unless it was."""
        if not validated:
            from xtreme_harness.validation import validate

            validate(document, "protocol", source=source)
        protocol = cls(
            name=document["name"],
            title=document["title"],
            description=document["description"],
            references=tuple(document["references"]),
            tasks={name: TaskEntry.from_document(e) for name, e in document["tasks"].items()},
            defaults=TaskEntry.from_document(document.get("defaults")),
            intermediate=_settings(document.get("intermediate")),
            unsupported=tuple(document.get("unsupported", ())),
            document=document,
            path=source,
        )
        protocol._check(source)
        return protocol

    def _check(self, source: str) -> None:
        """Values of the right kind for the settings they fix (the schema cannot say)."""
        from xtreme_harness.task import SELECTIONS

        def check(where: str, name: str, value: Value) -> None:
            for candidate in (value.value, *(v["value"] for v in value.variants)):
                if name == "selection" and candidate not in SELECTIONS:
                    raise DataError(source, f"expected one of {', '.join(SELECTIONS)}, "
                                            f"found {candidate!r}", field=where)  # fmt: skip
                if name == "precision" and candidate not in ("fp32", "bf16", "fp16"):
                    raise DataError(source, f"expected fp32, bf16 or fp16, found {candidate!r}",
                                    field=where)  # fmt: skip

        entries = {"defaults": self.defaults, **{f"tasks.{n}": e for n, e in self.tasks.items()}}
        for label, entry in entries.items():
            for name, value in entry.settings.items():
                check(f"{label}.settings.{name}", name, value)
            for phase, settings in entry.phases.items():
                for name, value in settings.items():
                    check(f"{label}.phases.{phase}.{name}", name, value)

    @property
    def sha256(self) -> str:
        """A digest of the protocol's content: part of every step key that depends on it."""
        text = json.dumps(self.document, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def entry(self, task: str) -> TaskEntry | None:
        """What the protocol fixes for `task` (None: the protocol does not cover it)."""
        entry = self.tasks.get(task)
        return None if entry is None else entry.merged(self.defaults)

    def describe(self) -> dict[str, Any]:
        """A JSON-ready summary for listings."""
        unverified = sum(
            not value.verified
            for entry in (self.defaults, *self.tasks.values())
            for settings in (entry.settings, *entry.phases.values(), *entry.regularizers.values())
            for value in settings.values()
        ) + sum(not value.verified for value in self.intermediate.values())
        return {
            "name": self.name,
            "title": self.title,
            "tasks": sorted(self.tasks),
            "unverified": unverified,
            "path": self.path,
        }


# ----------------------------------------------------------------------------- finding protocols


def builtin_names() -> list[str]:
    return sorted(p.stem for p in Path(registry_path("protocols")).glob("*.json"))


def load_file(path: str | os.PathLike[str]) -> Protocol:
    """A protocol from a JSON file (validated; errors name the file and field)."""
    from xtreme_harness.validation import load_json

    path = os.fspath(path)
    return Protocol.from_document(load_json(path, "protocol"), source=path, validated=True)


def _builtin(name: str) -> Protocol:
    protocol = load_file(registry_path("protocols", f"{name}.json"))
    if protocol.name != name:
        raise DataError(protocol.path or name, f"expected name {name!r}, found {protocol.name!r}",
                        field="name")  # fmt: skip
    return protocol


_cache: dict[int, dict[str, tuple[Protocol, str]]] = {}


def available(host: Any) -> dict[str, tuple[Protocol, str]]:
    """Every protocol by name, with who provides it (``xharness`` for the registry's own, else
    the plugin). A plugin's protocol named like a built-in one is skipped with a warning naming
    both (strict plugin mode: an error)."""
    found = _cache.get(id(host))
    if found is not None:
        return found
    found = {name: (_builtin(name), "xharness") for name in builtin_names()}
    for name, registration in host.registrations("protocols").items():
        if name in found:
            message = (
                f"plugin {registration.plugin!r} registers a protocol {name!r}, which xharness "
                "already ships; the plugin's is skipped"
            )
            if getattr(host, "strict", False):
                raise PluginError(message)
            warnings.warn(message, PluginWarning, stacklevel=2)
            continue
        found[name] = (registration.obj, registration.plugin)
    _cache[id(host)] = found
    return found


def get(name: str, host: Any) -> Protocol:
    """The protocol called `name`; `UnknownNameError` with close names if none."""
    protocols = available(host)
    if name not in protocols:
        raise UnknownNameError("protocol", name, protocols)
    return protocols[name][0]


# ----------------------------------------------------------------------------- resolving a cell


@dataclass(frozen=True)
class Departure:
    """A value the protocol fixes that the run does not use, or another reason its numbers are
    not the protocol's (a tiny model, sample data)."""

    setting: str
    protocol: Any
    used: Any
    reason: str
    verified: bool = True
    """Whether the protocol's value is confirmed by its source."""

    def describe(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def text(self) -> str:
        """As messages and table footnotes say it."""
        mark = ", protocol value unverified" if not self.verified else ""
        return (
            f"{self.setting} {_shown(self.used)} instead of {_shown(self.protocol)} "
            f"({self.reason}{mark})"
        )


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass
class Resolution:
    """The settings of one stage as a protocol and the run's options decide them."""

    recipe: Recipe
    fixed: dict[str, Value]
    """Setting -> the protocol's value for it (resolved for the model), for what it fixes."""
    departures: list[Departure]


def resolve_recipe(
    declared: Recipe,
    fixed: Mapping[str, Value],
    overrides: Mapping[str, Any],
    *,
    shape: ModelShape,
    label: str,
    option_names: Callable[[str], str] = lambda name: f"option {name}",
) -> Resolution:
    """`declared` with the protocol's values (`fixed`, resolved for `shape`) and then the run's
    `overrides` (setting -> value, None meaning not given) applied; a departure for each fixed
    value an override changes. `label` prefixes the settings' names in departures (the phase)."""
    resolved = {name: value.resolve(shape) for name, value in fixed.items()}
    changes = {name: value.value for name, value in resolved.items() if name in RECIPE_SETTINGS}
    departures = []
    for name, given in overrides.items():
        if given is None or name not in RECIPE_SETTINGS:
            continue
        if name in resolved and given != resolved[name].value:
            departures.append(
                Departure(
                    f"{label}{name}",
                    resolved[name].value,
                    given,
                    option_names(name),
                    resolved[name].verified,
                )
            )
        changes[name] = given
    if overrides.get("warmup_steps") is not None and overrides.get("warmup_ratio") is None:
        changes["warmup_ratio"] = None  # warm-up given in updates replaces a proportion
        ratio = resolved.get("warmup_ratio")
        if ratio is not None and ratio.value is not None:
            departures.append(Departure(f"{label}warmup_ratio", ratio.value, None,
                                        option_names("warmup_steps"), ratio.verified))  # fmt: skip
    recipe = dataclasses.replace(declared, **changes)
    return Resolution(recipe, resolved, departures)


def phase_settings(entry: TaskEntry | None, phase: Phase | None) -> dict[str, Value]:
    """What a protocol entry fixes for one phase of its task."""
    if entry is None:
        return {}
    settings = dict(entry.settings)
    if phase is not None:
        settings.update(entry.phases.get(phase.name, {}))
    return {name: value for name, value in settings.items() if name in RECIPE_SETTINGS}


def task_setting(entry: TaskEntry | None, name: str, shape: ModelShape) -> Value | None:
    """A cell-wide setting (`TASK_SETTINGS`) the protocol fixes for the task, or None."""
    if entry is None or name not in entry.settings:
        return None
    return entry.settings[name].resolve(shape)


def regularizer_settings(entry: TaskEntry | None, name: str) -> dict[str, Value]:
    """The parameters the protocol fixes for regularizer `name` on this task."""
    if entry is None:
        return {}
    return dict(entry.regularizers.get(name, {}))


def record(fixed: Mapping[str, Value]) -> dict[str, Any]:
    """JSON-ready: the protocol's values a stage used, with their sources."""
    return {name: value.describe() for name, value in sorted(fixed.items())}


def unverified(fixed: Iterable[tuple[str, Value]]) -> list[str]:
    return sorted(name for name, value in fixed if not value.verified)


# ----------------------------------------------------------------------------- model shapes


def model_shape(name_or_path: str, revision: str | None = None) -> ModelShape:
    """The type and depth of a model, from its config: read from a local folder directly, else
    through `transformers.AutoConfig` (the Hugging Face cache or the hub)."""
    config_path = os.path.join(name_or_path, "config.json")
    if os.path.isfile(config_path):
        try:
            with open(config_path, encoding="utf-8") as handle:
                config = json.load(handle)
        except (OSError, json.JSONDecodeError) as exc:
            raise DataError(config_path, f"cannot read the model's config: {exc}") from None
        return ModelShape(config.get("model_type"), config.get("num_hidden_layers"))
    from xtreme_harness.models import quiet_transformers

    try:
        from transformers import AutoConfig

        with quiet_transformers():
            config = AutoConfig.from_pretrained(name_or_path, revision=revision)
    except (OSError, ValueError) as exc:
        raise DataError(name_or_path, f"cannot read the model's config: {exc}") from None
    return ModelShape(getattr(config, "model_type", None),
                      getattr(config, "num_hidden_layers", None))  # fmt: skip
