"""The published configurations `xharness random-model` builds with random weights.

`registry/random-models.json` (schema ``random-models``) holds, per model, every value of its
config.json as published on the Hugging Face hub and the shape of its tokenizer (family, length,
special token ids), each value with its sources and whether they confirm it. This module only
reads that file; `xtreme_harness.engine.random_model` builds the models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xtreme_harness.errors import UnknownNameError
from xtreme_harness.registry.resources import registry_path

DATA_FILE = "random-models.json"

NOT_APPLIED = frozenset({"architectures", "transformers_version"})
"""Published keys that are recorded but not given to the config: transformers writes both itself
on saving (the class it saves, its own version)."""


@dataclass(frozen=True)
class Published:
    """A published value with its sources (keys of the model's `sources`)."""

    value: Any
    sources: tuple[str, ...]
    verified: bool
    note: str | None = None

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Published:
        return cls(document["value"], tuple(document["sources"]), document["verified"],
                   document.get("note"))  # fmt: skip


@dataclass(frozen=True)
class TokenizerShape:
    """What the real model's tokenizer looks like from outside: its family, its length, where
    its special tokens sit and how it frames texts."""

    family: str
    """``unigram`` (sentencepiece style, ``▁`` word starts) or ``wordpiece`` (``##`` pieces)."""
    size: int
    special_tokens: dict[str, int]
    roles: dict[str, str]
    """transformers' names (``cls_token``, ``pad_token``...) -> the token."""
    single: str
    pair: str
    model_input_names: tuple[str, ...]
    reserved: tuple[int, int, str] | None = None
    """First id, last id and name pattern (``[unused{n}]``) of ids kept for unused pieces."""


@dataclass(frozen=True)
class RandomModelSpec:
    """One published model's configuration and tokenizer shape."""

    name: str
    title: str
    hub: str
    aliases: tuple[str, ...]
    config: dict[str, Published]
    tokenizer: TokenizerShape
    sources: dict[str, str]
    file: dict[str, Any] = field(default_factory=dict)
    """The published config.json: ``bytes`` and ``keys`` (``sorted`` or ``as listed``)."""
    parameters: Published | None = None
    tokenizer_values: dict[str, Published] = field(default_factory=dict)
    """The tokenizer's published values with their sources (``size``, ``special_tokens``...)."""

    @property
    def model_type(self) -> str:
        return self.config["model_type"].value

    def values(self) -> dict[str, Any]:
        """Every published config value, by key."""
        return {key: published.value for key, published in self.config.items()}

    def applied(self) -> dict[str, Any]:
        """The published values a config is built from (all but those transformers writes)."""
        return {k: v for k, v in self.values().items() if k not in NOT_APPLIED}

    def unverified(self) -> list[str]:
        """The values no source confirms, as ``config.KEY`` and ``tokenizer.KEY``."""
        found = [f"config.{key}" for key, value in self.config.items() if not value.verified]
        found += [f"tokenizer.{key}" for key, value in self.tokenizer_values.items()
                  if not value.verified]  # fmt: skip
        return found


def _spec(name: str, document: dict[str, Any]) -> RandomModelSpec:
    shape = document["tokenizer"]
    values = {key: Published.from_document(shape[key])
              for key in ("size", "special_tokens", "reserved") if key in shape}  # fmt: skip
    reserved = values.get("reserved")
    tokenizer = TokenizerShape(
        family=shape["family"],
        size=values["size"].value,
        special_tokens=dict(values["special_tokens"].value),
        roles=dict(shape["roles"]),
        single=shape["template"]["single"],
        pair=shape["template"]["pair"],
        model_input_names=tuple(shape["model_input_names"]),
        reserved=None
        if reserved is None
        else (reserved.value["first"], reserved.value["last"], reserved.value["pattern"]),
    )
    return RandomModelSpec(
        name=name,
        title=document["title"],
        hub=document["hub"],
        aliases=tuple(document["aliases"]),
        config={key: Published.from_document(value) for key, value in document["config"].items()},
        tokenizer=tokenizer,
        sources=dict(document["sources"]),
        file=dict(document["file"]),
        parameters=Published.from_document(document["parameters"])
        if "parameters" in document
        else None,
        tokenizer_values=values,
    )


_loaded: dict[str, Any] = {}


def document() -> dict[str, Any]:
    """The data file, validated against its schema (once per process)."""
    if "document" not in _loaded:
        from xtreme_harness.registry.validation import load_json

        _loaded["document"] = load_json(registry_path(DATA_FILE), "random-models")
    return _loaded["document"]


def trained_pieces() -> int:
    """How many pieces the tokenizer trainer is asked for on the sample data."""
    return document()["trained_pieces"]


def names() -> list[str]:
    """The names `xharness random-model` knows, in the data file's order."""
    return list(document()["models"])


def get(name: str) -> RandomModelSpec:
    """The model called `name` or one of its aliases (a hub id such as
    ``FacebookAI/xlm-roberta-base``); an `UnknownNameError` listing every known name if none."""
    models = document()["models"]
    by_alias = {
        alias.casefold(): key for key, entry in models.items() for alias in (key, *entry["aliases"])
    }
    key = name if name in models else by_alias.get(name.casefold())
    if key is None:
        raise UnknownNameError(
            "random-model configuration",
            name,
            [*models, *(alias for entry in models.values() for alias in entry["aliases"])],
            f"known: {', '.join(models)}",
        )
    return _spec(key, models[key])
