"""Which languages the common multilingual encoders were pretrained on.

The data is `registry/pretraining.json`, validated against
`registry/schemas/pretraining.schema.json` when it is loaded; each model's list cites its sources
(a repository file at a commit, or a paper and table). See docs/languages.md, "Pretraining
coverage", for the models, their counts and the mapping decisions.

Codes are the ones `registry/languages.json` uses (ISO 639-1 where the language is its usual
referent, else ISO 639-3), but a model may list languages the language registry lacks: `covered`
answers for any code. A romanized corpus (XLM-R's romanized Hindi...) is kept as an entry with
``variant == "romanized"`` and does not count as the language.

Plugins add models with the ``xharness_register_pretrained_models`` hook (`pretrained_model` builds
what they register); a command that needs them passes the host's registrations to
`use_registered`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from xtreme_harness.errors import DataError, UnknownNameError, UsageError
from xtreme_harness.registry.resources import registry_path

DATA_FILE = "pretraining.json"

NOT_COUNTED = frozenset({"romanized"})
"""Entry variants that do not make a model cover the language."""


@dataclass(frozen=True)
class Entry:
    """One corpus of a model's pretraining list."""

    name: str
    """The source's own name or code (``Hindi Romanize``, ``zh_yue``)."""
    code: str
    """The ISO 639 code xharness uses."""
    variant: str | None = None
    """``simplified``, ``traditional``, ``zawgyi``, ``romanized`` or ``simple``: a second corpus
    of a language also listed; None for the plain entry."""
    note: str | None = None


@dataclass(frozen=True)
class PretrainedModel:
    """A model's pretraining languages and where the list comes from."""

    name: str
    title: str
    aliases: tuple[str, ...]
    entries: tuple[Entry, ...]
    sources: tuple[str, ...]
    """Citations: keys of the data file's `sources`, or free text for a registered model."""
    published_count: int
    """The number of languages the sources state (entries include variants, see `note`)."""
    note: str = ""

    @property
    def languages(self) -> frozenset[str]:
        """Codes of the languages the model was pretrained on (romanized entries left out)."""
        return frozenset(e.code for e in self.entries if e.variant not in NOT_COUNTED)


_registered: dict[str, PretrainedModel] = {}


@cache
def _load() -> tuple[dict[str, Any], dict[str, PretrainedModel]]:
    from xtreme_harness.registry.validation import load_json

    path = registry_path(DATA_FILE)
    document = load_json(path, "pretraining")
    records = {record["name"]: record for record in document["models"]}
    models: dict[str, PretrainedModel] = {}
    for name, record in records.items():
        unknown = [key for key in record["sources"] if key not in document["sources"]]
        if unknown:
            raise DataError(path, f"unknown sources {unknown}", field=f"models ({name}).sources")
        if "languages" in record:
            entries = tuple(Entry(**entry) for entry in record["languages"])
        else:
            base = records.get(record["languages_from"])
            if base is None or "languages" not in base:
                raise DataError(
                    path,
                    f"languages_from {record['languages_from']!r} names no model with a list",
                    field=f"models ({name}).languages_from",
                )
            dropped = set(record.get("except_codes", ()))
            entries = tuple(Entry(**e) for e in base["languages"] if e["code"] not in dropped)
        models[name] = PretrainedModel(
            name=name,
            title=record["title"],
            aliases=tuple(record["aliases"]),
            entries=entries,
            sources=tuple(record["sources"]),
            published_count=record["published_count"],
            note=record["note"],
        )
    return document["sources"], models


def sources() -> dict[str, Any]:
    """The data file's sources by key (title, url, and repository, commit, file, lines or a
    citation)."""
    return dict(_load()[0])


def models() -> dict[str, PretrainedModel]:
    """Every known model by name: the data file's, then those added with `use_registered`."""
    return {**_load()[1], **_registered}


def _index() -> dict[str, PretrainedModel]:
    index: dict[str, PretrainedModel] = {}
    for model in models().values():
        for key in (model.name, *model.aliases):
            index[key.casefold()] = model
    return index


def find(model_name_or_hub_id: str) -> PretrainedModel | None:
    """The model a name, alias or hub id names, or None.

    Matching ignores case. A hub id or path that is not an alias itself is tried by its last part
    (``someone/xlm-roberta-base`` -> XLM-R), so a fine-tuned copy under another owner is found too.
    """
    index = _index()
    key = model_name_or_hub_id.strip().rstrip("/").casefold()
    found = index.get(key)
    if found is None and "/" in key:
        found = index.get(key.rsplit("/", 1)[1])
    return found


def get(model_name_or_hub_id: str) -> PretrainedModel:
    """Like `find`, but `UnknownNameError` with the known names when nothing matches."""
    found = find(model_name_or_hub_id)
    if found is None:
        raise UnknownNameError("pretrained model", model_name_or_hub_id, sorted(models()))
    return found


def pretrained_languages(model_name_or_hub_id: str) -> frozenset[str] | None:
    """Codes of the languages the model was pretrained on; None if the model is unknown."""
    found = find(model_name_or_hub_id)
    return None if found is None else found.languages


def covered(model_name_or_hub_id: str, language: str) -> bool | None:
    """Whether the model was pretrained on `language`; None if the model is unknown.

    `language` is a code as the language registry writes it; an ISO 639-3 or macrolanguage code
    the registry knows (``swh``, ``zho``) is first turned into the registry's code.
    """
    languages = pretrained_languages(model_name_or_hub_id)
    if languages is None:
        return None
    code = language.strip().casefold()
    if code not in languages:
        from xtreme_harness.registry.languages import default_registry

        registry = default_registry()
        if code in registry:
            code = registry.get(code).code
    return code in languages


def pretrained_model(
    name: str,
    languages: Iterable[str],
    source: str,
    *,
    aliases: Iterable[str] = (),
    title: str | None = None,
) -> PretrainedModel:
    """A model's pretraining languages, checked: what a plugin registers with the
    ``xharness_register_pretrained_models`` hook.

    `languages` are codes as `registry/languages.json` writes them; `source` says where the list
    comes from (a repository file at a commit, or a paper and table).
    """
    codes = tuple(dict.fromkeys(code.strip().casefold() for code in languages))
    if not codes:
        raise UsageError(f"pretrained model {name!r}: no languages given")
    bad = [
        code for code in codes if not (2 <= len(code) <= 3 and code.isascii() and code.isalpha())
    ]
    if bad:
        raise UsageError(f"pretrained model {name!r}: not ISO 639-1/3 codes: {bad}")
    if not source.strip():
        raise UsageError(f"pretrained model {name!r}: a source is required")
    return PretrainedModel(
        name=name,
        title=title or name,
        aliases=tuple(aliases),
        entries=tuple(Entry(name=code, code=code) for code in codes),
        sources=(source,),
        published_count=len(codes),
    )


def shipped_names() -> list[str]:
    """The models of the data file: a plugin's registration of one of them is refused."""
    return list(_load()[1])


def use_registered(registered: Iterable[PretrainedModel]) -> None:
    """Make models known to `find` and `covered` (the plugin host's registrations, passed by the
    command that needs them). A model already used is passed over; another one whose name or
    alias is already known (from the data file or an earlier model) is refused."""
    for model in registered:
        if _registered.get(model.name) == model:
            continue
        index = _index()
        taken = [key for key in (model.name, *model.aliases) if key.casefold() in index]
        if taken:
            raise UsageError(f"pretrained model {model.name!r}: already known: {taken}")
        _registered[model.name] = model
