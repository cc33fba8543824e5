"""Data sources a task plugin declares: files in a folder layout, or a Hugging Face hub dataset.

`FolderSource` serves both the ``xtreme`` source (the official download layout, in the folder the
user gives with ``--data-dir``) and the ``sample`` source (small files shipped with a plugin, in the
same layout). `HubSource` loads a dataset from the Hugging Face hub through `datasets`, pinnable to
a revision. Each returns a `datasets.Dataset` in the canonical columns of the task's kind.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from xtreme_harness.data.readers import Reader
from xtreme_harness.errors import DataError
from xtreme_harness.task import DataSource


def examples_to_dataset(examples: list[dict[str, Any]]) -> Any:
    """A `datasets.Dataset` holding `examples` (all with the same keys)."""
    import datasets

    if not examples:
        return datasets.Dataset.from_dict({})
    return datasets.Dataset.from_list(examples)


class FolderSource(DataSource):
    """Files laid out as ``<root>/<pattern>``, one file per split and language.

    `files` maps a split name to a path pattern relative to the root, with ``{lang}`` for the
    language (``{"train": "xnli/train-{lang}.tsv", ...}``); `readers` maps a split to its reader
    where one split needs another format, else `reader` reads every split. `file_key` turns a
    language code into the name the files use (a MASSIVE locale, a SIB-200 config). With `root`
    unset the root is the ``--data-dir`` of the run (the ``xtreme`` source).
    """

    def __init__(
        self,
        kind: str,
        files: Mapping[str, str],
        reader: Reader,
        *,
        root: str | os.PathLike[str] | None = None,
        readers: Mapping[str, Reader] | None = None,
        languages: Mapping[str, tuple[str, ...]] | None = None,
        file_key: Callable[[str], str] | None = None,
        how_to_get: str = "",
    ) -> None:
        self.kind = kind
        self.files = dict(files)
        self.reader = reader
        self.readers = dict(readers or {})
        self.root = None if root is None else str(root)
        self.languages = dict(languages or {})
        self.file_key = file_key
        self.how_to_get = how_to_get

    def describe(self) -> str:
        where = self.root if self.root is not None else "--data-dir"
        return f"{self.kind}: files {', '.join(sorted(self.files.values()))} under {where}"

    def path(self, split: str, language: str, data_dir: str | os.PathLike[str] | None) -> str:
        if split not in self.files:
            raise DataError(
                self.describe(),
                f"this source has no split {split!r}; it has {', '.join(sorted(self.files))}",
            )
        allowed = self.languages.get(split)
        if allowed is not None and language not in allowed:
            raise DataError(
                self.describe(),
                f"split {split!r} has no language {language!r}; it has {', '.join(allowed)}",
            )
        root = self.root if self.root is not None else data_dir
        if root is None:
            raise DataError(
                self.describe(),
                f"the {self.kind} source reads the official download layout from a folder; "
                f"give it with --data-dir. {self.how_to_get}".strip(),
            )
        key = self.file_key(language) if self.file_key is not None else language
        return os.path.join(os.fspath(root), self.files[split].format(lang=key))

    def load(
        self,
        split: str,
        language: str,
        *,
        data_dir: str | os.PathLike[str] | None = None,
        revision: str | None = None,
    ) -> Any:
        return examples_to_dataset(self.read(split, language, data_dir=data_dir))

    def read(
        self,
        split: str,
        language: str,
        *,
        data_dir: str | os.PathLike[str] | None = None,
        revision: str | None = None,
    ) -> list[dict[str, Any]]:
        """The examples of a split as plain dicts, without going through `datasets`."""
        path = self.path(split, language, data_dir)
        if not os.path.exists(path):
            hint = f" {self.how_to_get}" if self.how_to_get else ""
            raise DataError(
                path, f"missing: the {self.kind} source has no {split} file for {language!r}.{hint}"
            )
        return self.readers.get(split, self.reader)(path)


Locate = Callable[[str, str], tuple[str, str | None, str]]
"""(split, language) -> (dataset id, config or None, hub split name)."""

Convert = Callable[[dict[str, Any], Any], dict[str, Any]]
"""(hub row, hub features) -> canonical example (without `id`)."""


class HubSource(DataSource):
    """A dataset on the Hugging Face hub, loaded with `datasets.load_dataset`.

    `locate` says which dataset, config and split hold a (split, language); `convert` turns a hub
    row into the canonical example of the task's kind. `revision` pins a dataset revision (a run's
    ``--revision`` overrides it).
    """

    kind = "hub"

    def __init__(
        self,
        summary: str,
        locate: Locate,
        convert: Convert,
        revision: str | None = None,
        *,
        keep: Callable[[str, str, dict[str, Any]], bool] | None = None,
        check: Callable[[list[dict[str, Any]], str], None] | None = None,
        arrange: Callable[[str, str, list[dict[str, Any]]], list[dict[str, Any]]] | None = None,
    ):
        self.summary = summary
        self.locate = locate
        self.convert = convert
        self.revision = revision
        self.keep = keep
        """(split, language, hub row) -> whether the row belongs to the language (for a dataset
        that mixes languages in one split)."""
        self.check = check
        """(examples, where) -> None, raising a `DataError` on bad examples (e.g. repeated ids)."""
        self.arrange = arrange
        """(split, language, converted rows) -> examples, for a split whose examples are not one
        per row (Tatoeba's queries and pool come from the same aligned pairs)."""

    def describe(self) -> str:
        pinned = f" @ {self.revision}" if self.revision else ""
        return f"hub: {self.summary}{pinned}"

    def load(
        self,
        split: str,
        language: str,
        *,
        data_dir: str | os.PathLike[str] | None = None,
        revision: str | None = None,
    ) -> Any:
        dataset_id, config, hub_split = self.locate(split, language)
        revision = revision or self.revision
        where = f"hub:{dataset_id}" + (f"/{config}" if config else "") + f"[{hub_split}]"
        try:
            import datasets

            table = datasets.load_dataset(dataset_id, config, split=hub_split, revision=revision)
        except Exception as exc:  # the hub client raises many kinds of errors
            offline = (
                os.environ.get("HF_HUB_OFFLINE") == "1"
                or os.environ.get("HF_DATASETS_OFFLINE") == "1"
            )
            advice = (
                "HF_HUB_OFFLINE/HF_DATASETS_OFFLINE is set, so only datasets already in the "
                "Hugging Face cache can load; run once with network access to fill the cache"
                if offline
                else "check the dataset id, config and your network access"
            )
            raise DataError(
                where,
                f"could not load {language!r} {split} data: {type(exc).__name__}: {exc}. "
                f"{advice}, or use --source xtreme --data-dir DIR with the official download.",
            ) from None
        features = table.features

        def canonical(row: dict[str, Any], index: int) -> dict[str, Any]:
            try:
                return {"id": str(index), **self.convert(row, features)}
            except DataError:
                raise
            except (KeyError, ValueError, TypeError) as exc:
                raise DataError(where, f"row {index}: cannot convert: {exc}") from None

        # converted in Python rather than with `Dataset.map`, which would cast a converted column
        # back to the hub's feature type of the same name (label names back to ClassLabel ids)
        examples = [
            canonical(row, i)
            for i, row in enumerate(table)
            if self.keep is None or self.keep(split, language, row)
        ]
        if self.arrange is not None:
            examples = self.arrange(split, language, examples)
        if self.check is not None:
            self.check(examples, where)
        return examples_to_dataset(examples)
