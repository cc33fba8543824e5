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

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xtreme_harness.errors import DataError, UnknownNameError
from xtreme_harness.registry.resources import registry_path

DEFAULT = "xtreme-r"
"""The protocol a run follows unless it names another."""


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
    """A published setting as data (a validated `registry/schemas/protocol.schema.json`
    document): per task, the values it fixes (`entry(task)`), with the protocol's defaults and
    the values of the intermediate stage; `sha256` is part of every step key that depends on
    it. Build one with `load_file(path)` or `Protocol.from_document(document, source=...)`."""

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
            from xtreme_harness.registry.validation import validate

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
        return protocol

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
    from xtreme_harness.registry.validation import load_json

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
    the plugin). A plugin's protocol named like a built-in one is a name conflict, which the
    plugin host resolves as for every registrable (`xtreme_harness.plugin_host`): the registry's
    protocol wins and the plugin's is skipped with one warning naming both (strict plugin mode:
    an error)."""
    found = _cache.get(id(host))
    if found is not None:
        return found
    found = {name: (_builtin(name), "xharness") for name in builtin_names()}
    for name, registration in host.registrations("protocols").items():
        found.setdefault(name, (registration.obj, registration.plugin))
    _cache[id(host)] = found
    return found


def get(name: str, host: Any) -> Protocol:
    """The protocol called `name`; `UnknownNameError` with close names if none."""
    protocols = available(host)
    if name not in protocols:
        raise UnknownNameError("protocol", name, protocols)
    return protocols[name][0]
