"""The language registry: codes, genealogy, script, resource class and benchmark coverage.

The data is `registry/languages.json`, generated from Glottolog, WALS and Joshi et al. (2020) by
`scripts/registry/build_languages.py` and validated against `registry/schemas/languages.schema.json`
whenever it is loaded. See docs/languages.md for what each field means.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from xtreme_harness.errors import DataError, UnknownNameError, UsageError
from xtreme_harness.registry.resources import registry_path

MIN_RESOURCE_CLASS = 0
MAX_RESOURCE_CLASS = 5


@dataclass(frozen=True)
class Language:
    """One language of the registry (see docs/languages.md for each field and its source).

    Get one with ``default_registry().get(code)``; `LanguageRegistry.select` filters by family,
    script, resource class, task or dataset.
    """

    code: str
    """The code xharness uses: ISO 639-1 where the language is the usual referent of an ISO
    639-1 code, else its ISO 639-3 code."""
    iso639_1: str | None
    """The ISO 639-1 code used as `code`, or None."""
    iso639_3: str | None
    """ISO 639-3 code of the individual language (never a macrolanguage); None for a group
    without one (``nah``, ``oto``: ISO 639-5 collective codes, recorded as Glottolog groups)."""
    macro_iso639_3: str | None
    """ISO 639-3 code of its macrolanguage, or None."""
    glottocode: str
    """The Glottolog languoid of the language."""
    name: str
    """English name."""
    family: str
    """Name of the top-level Glottolog family (``Indo-European``); an isolate is its own
    family."""
    family_glottocode: str
    """Glottocode of that family (of the language itself for an isolate)."""
    family_conventional: str
    """The family label common in NLP papers (docs/languages.md gives the rules)."""
    is_isolate: bool
    """Glottolog marks the language as an isolate."""
    is_creole: bool
    """WALS puts it in the genus "Creoles and Pidgins", or the curated table says so."""
    genus: str | None
    """WALS genus, or None where WALS has no doculect for the language."""
    wals_code: str | None
    """The WALS doculect the genus was taken from, or None."""
    script: str
    """Main script, an ISO 15924 code (``Latn``, ``Deva``)."""
    resource_class: int | None
    """Joshi et al. (2020) class, 0 (left behind) to 5 (winners), or None where the source has
    no entry."""
    resource_class_source: Mapping[str, str] | None
    """``name``: the exact name matched in Joshi et al.'s list; ``note``: how a duplicate or
    conflicting entry was resolved; None when `resource_class` is None."""
    tasks: Mapping[str, tuple[str, ...]]
    """Benchmark -> the tasks of that benchmark that evaluate the language, in the benchmark
    file's order (``{"xtreme-r": ("xnli", ...)}``); benchmarks without any are left out."""
    datasets: Mapping[str, tuple[str, ...]]
    """Intermediate-task dataset -> this language's codes in it (``{"massive": ("sw-KE",)}``:
    MASSIVE locales, SIB-200 configs); empty lists are left out."""

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Language:
        """A language from its record in ``registry/languages.json``."""
        fields = dict(record)
        fields["tasks"] = {k: tuple(v) for k, v in record["tasks"].items()}
        fields["datasets"] = {k: tuple(v) for k, v in record["datasets"].items()}
        return cls(**fields)

    def to_record(self) -> dict[str, Any]:
        """The record `from_record` reads (lists for tuples), JSON-ready."""
        record = {name: getattr(self, name) for name in self.__dataclass_fields__}
        record["tasks"] = {k: list(v) for k, v in self.tasks.items()}
        record["datasets"] = {k: list(v) for k, v in self.datasets.items()}
        if self.resource_class_source is not None:
            record["resource_class_source"] = dict(self.resource_class_source)
        return record

    @property
    def all_tasks(self) -> frozenset[str]:
        """Every benchmark task that evaluates this language."""
        return frozenset(task for tasks in self.tasks.values() for task in tasks)

    def in_family(self, family: str) -> bool:
        """True if `family` names this language's Glottolog or conventional family."""
        folded = family.casefold()
        return folded in (self.family.casefold(), self.family_conventional.casefold())


class LanguageRegistry:
    """Languages by code. Lookups accept the xharness code, ISO 639-1 and ISO 639-3 codes.

    A macrolanguage code also finds the one member that holds an ISO 639-1 code (``ara`` ->
    ``ar``, Standard Arabic; ``zho`` -> ``zh``); where several members hold one (``hbs``: bs, hr,
    sr), the macrolanguage code is ambiguous and finds nothing.
    """

    def __init__(self, languages: Iterable[Language], *, source: str = "<memory>") -> None:
        self._languages = sorted(languages, key=lambda lang: lang.code)
        self._by_code: dict[str, Language] = {}
        macro_holders: dict[str, list[Language]] = {}
        for lang in self._languages:
            if lang.iso639_1 and lang.macro_iso639_3:
                macro_holders.setdefault(lang.macro_iso639_3, []).append(lang)
        for lang in self._languages:
            aliases = [lang.code, lang.iso639_3, lang.iso639_1]
            if lang.iso639_1 and len(macro_holders.get(lang.macro_iso639_3 or "", [])) == 1:
                aliases.append(lang.macro_iso639_3)
            for alias in dict.fromkeys(a for a in aliases if a):
                other = self._by_code.get(alias)
                if other is not None and other is not lang:
                    raise DataError(
                        source,
                        f"code {alias!r} names both {other.code!r} and {lang.code!r}",
                        field="languages",
                    )
                self._by_code[alias] = lang

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> LanguageRegistry:
        """Read and validate a registry file (by default the one shipped with xharness)."""
        from xtreme_harness.registry.validation import load_json

        path = os.fspath(path) if path is not None else registry_path("languages.json")
        document = load_json(path, "languages")
        return cls((Language.from_record(r) for r in document["languages"]), source=path)

    def __iter__(self) -> Iterator[Language]:
        return iter(self._languages)

    def __len__(self) -> int:
        return len(self._languages)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.casefold() in self._by_code

    @property
    def codes(self) -> list[str]:
        """Every language's `Language.code`, sorted."""
        return [lang.code for lang in self._languages]

    def get(self, code: str) -> Language:
        """The language with this code; `UnknownNameError` with close codes and names if none."""
        try:
            return self._by_code[code.casefold()]
        except KeyError:
            pass
        from xtreme_harness.suggest import closest

        by_name = {lang.name: lang.code for lang in self._languages}
        suggestions = closest(code, self._by_code)
        suggestions += [f"{by_name[n]} ({n})" for n in closest(code, by_name)]
        raise UnknownNameError("language code", code, (), suggestions=suggestions[:4])

    def families(self) -> list[str]:
        """Glottolog and conventional family names, sorted."""
        names = {lang.family for lang in self} | {lang.family_conventional for lang in self}
        return sorted(names, key=str.casefold)

    def scripts(self) -> list[str]:
        """The ISO 15924 scripts of the languages, sorted."""
        return sorted({lang.script for lang in self})

    def tasks(self) -> list[str]:
        """Benchmark tasks recorded for at least one language."""
        return sorted({task for lang in self for task in lang.all_tasks})

    def datasets(self) -> list[str]:
        """Intermediate-task datasets recorded for at least one language."""
        return sorted({name for lang in self for name in lang.datasets})

    def with_dataset_code(self, dataset: str, code: str) -> Language:
        """The language whose `datasets[dataset]` lists `code` (e.g. ``("sib200", "zho_Hans")``)."""
        for lang in self:
            if code in lang.datasets.get(dataset, ()):
                return lang
        known = sorted({c for lang in self for c in lang.datasets.get(dataset, ())})
        raise UnknownNameError(f"{dataset} language code", code, known)

    def select(
        self,
        *,
        family: str | None = None,
        resource_classes: tuple[int, int] | None = None,
        script: str | None = None,
        task: str | None = None,
        dataset: str | None = None,
    ) -> list[Language]:
        """Languages matching every given filter; unknown filter values raise `UnknownNameError`.

        `family` matches the Glottolog or the conventional family, `resource_classes` is an
        inclusive range, `task` a benchmark task recorded in the registry, `dataset` an
        intermediate-task dataset recorded in the registry.
        """
        chosen = list(self)
        if family is not None:
            if not any(lang.in_family(family) for lang in chosen):
                raise UnknownNameError("family", family, self.families())
            chosen = [lang for lang in chosen if lang.in_family(family)]
        if script is not None:
            known = {s.casefold(): s for s in self.scripts()}
            if script.casefold() not in known:
                raise UnknownNameError("script", script, known.values(), "ISO 15924, e.g. Latn")
            chosen = [lang for lang in chosen if lang.script == known[script.casefold()]]
        if resource_classes is not None:
            low, high = resource_classes
            chosen = [
                lang
                for lang in chosen
                if lang.resource_class is not None and low <= lang.resource_class <= high
            ]
        if task is not None:
            if task not in self.tasks():
                raise UnknownNameError("task", task, self.tasks())
            chosen = [lang for lang in chosen if task in lang.all_tasks]
        if dataset is not None:
            if dataset not in self.datasets():
                raise UnknownNameError("dataset", dataset, self.datasets())
            chosen = [lang for lang in chosen if dataset in lang.datasets]
        return chosen


def parse_resource_classes(text: str) -> tuple[int, int]:
    """``"3"`` -> (3, 3); ``"0-2"`` -> (0, 2). Raises `UsageError` on anything else."""
    low_text, sep, high_text = text.strip().partition("-")
    try:
        low = int(low_text)
        high = int(high_text) if sep else low
    except ValueError:
        low = high = -1
    if not (MIN_RESOURCE_CLASS <= low <= high <= MAX_RESOURCE_CLASS):
        raise UsageError(
            f"resource class {text!r} is not a class or an inclusive range of classes "
            f"between {MIN_RESOURCE_CLASS} and {MAX_RESOURCE_CLASS} (e.g. 2 or 0-2)"
        )
    return low, high


@cache
def default_registry() -> LanguageRegistry:
    """The registry shipped with xharness, loaded once per process."""
    return LanguageRegistry.load()
