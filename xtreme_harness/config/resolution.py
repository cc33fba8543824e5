"""What a run takes from its protocol: resolving recipes, and the departures from it.

A run takes its settings from its protocol where the protocol covers its task, from the task's
declared recipe where it does not, and from the run's options above both. Every value the protocol
fixes that the run does not use is a `Departure`, recorded in the result with the protocol's value
and the used one. Torch-free; the model's config is read (`model_shape`) only where a protocol
value depends on the model's type or depth.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from xtreme_harness.errors import DataError
from xtreme_harness.interfaces.task import Phase, Recipe
from xtreme_harness.registry.protocols import ModelShape, TaskEntry, Value

TINY_MARKER = "xharness_tiny_model"
"""Set in the config of models made by `xharness tiny-model`: their scores mean nothing."""
RANDOM_MARKER = "xharness_random_model"
"""Set in the config of models made by `xharness random-model` (a published configuration with
random weights) to what it is: ``configuration`` (its name) and, where it was made smaller than
published, ``reduced`` (the values changed). Their scores mean nothing; their cost is the real
model's unless reduced."""
RECIPE_SETTINGS = tuple(f.name for f in dataclasses.fields(Recipe) if f.name != "source")
"""Settings a protocol may fix per phase: the fields of a `Recipe`."""
TASK_SETTINGS = ("precision", "fine_tune_on")
"""Settings a protocol may fix for a whole cell."""


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


def declared_settings(recipe: Recipe) -> dict[str, Value]:
    """A task's declared recipe as the values a protocol would fix, with the recipe's source:
    what a run departs from on a task its protocol does not cover."""
    source = recipe.source or "the task's declared recipe (it names no source)"
    return {
        name: Value(getattr(recipe, name), source, bool(recipe.source))
        for name in RECIPE_SETTINGS
        if getattr(recipe, name) is not None
    }


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


def check_model_location(name_or_path: str) -> None:
    """Refuse a model that is meant as a local folder but is not one, saying so (rather than
    letting the hub client complain about repository ids). A name is meant as a folder when it
    starts with ``/``, ``.`` or ``~``, has more than one ``/``, or its first part is a local
    folder; otherwise it is a hub id (``xlm-roberta-base``, ``FacebookAI/xlm-roberta-large``)."""
    if os.path.isdir(name_or_path):
        if not os.path.isfile(os.path.join(name_or_path, "config.json")):
            raise DataError(
                name_or_path,
                "this folder holds no config.json, so it is not a model folder (a model saved "
                "with save_pretrained, or made by `xharness tiny-model`)",
            )
        return
    first = name_or_path.split("/", 1)[0]
    meant_as_folder = (
        name_or_path.startswith(("/", ".", "~"))
        or name_or_path.count("/") > 1
        or ("/" in name_or_path and os.path.isdir(first))
        or (os.sep != "/" and os.sep in name_or_path)
    )
    if meant_as_folder:
        raise DataError(name_or_path, "the model folder does not exist")


def model_shape(name_or_path: str, revision: str | None = None) -> ModelShape:
    """The type and depth of a model, from its config: read from a local folder directly, else
    through `transformers.AutoConfig` (the Hugging Face cache or the hub)."""
    check_model_location(name_or_path)
    config_path = os.path.join(name_or_path, "config.json")
    if os.path.isfile(config_path):
        try:
            with open(config_path, encoding="utf-8") as handle:
                config = json.load(handle)
        except (OSError, json.JSONDecodeError) as exc:
            raise DataError(config_path, f"cannot read the model's config: {exc}") from None
        return ModelShape(config.get("model_type"), config.get("num_hidden_layers"))
    try:
        from transformers import AutoConfig

        config = AutoConfig.from_pretrained(name_or_path, revision=revision)
    except (OSError, ValueError) as exc:
        raise DataError(name_or_path, f"cannot read the model's config: {exc}") from None
    return ModelShape(getattr(config, "model_type", None),
                      getattr(config, "num_hidden_layers", None))  # fmt: skip


def _local_config(name_or_path: str) -> dict[str, Any]:
    """The config of a local model folder ({} for a hub id or a folder without one)."""
    config = os.path.join(name_or_path, "config.json")
    if not os.path.isfile(config):
        return {}
    with open(config, encoding="utf-8") as handle:
        return json.load(handle)


def is_tiny(name_or_path: str) -> bool:
    """True for a model made by `xharness tiny-model` (read from a local config only)."""
    return bool(_local_config(name_or_path).get(TINY_MARKER, False))


def random_model(name_or_path: str) -> str | None:
    """What a model made by `xharness random-model` is, as departures and notes say it
    (``xlm-roberta-base configuration``, or ``... reduced to 2 layers, hidden size 64``);
    None for any other model (read from a local config only)."""
    marker = _local_config(name_or_path).get(RANDOM_MARKER)
    if not marker:
        return None
    if not isinstance(marker, dict):
        return f"{marker} configuration"
    text = f"{marker.get('configuration', 'unknown')} configuration"
    reduced = marker.get("reduced") or {}
    parts = []
    if reduced.get("num_hidden_layers"):
        layers = reduced["num_hidden_layers"]
        parts.append(f"{layers} layer{'' if layers == 1 else 's'}")
    if reduced.get("hidden_size"):
        parts.append(f"hidden size {reduced['hidden_size']}")
    return f"{text} reduced to {', '.join(parts)}" if parts else text
