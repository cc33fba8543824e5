"""Data sources a task plugin declares: files in a folder layout, or a Hugging Face hub dataset.

`FolderSource` serves both the ``xtreme`` source (the official download layout, in the folder the
user gives with ``--data-dir``) and the ``sample`` source (small files shipped with a plugin, in the
same layout). `HubSource` loads a dataset from the Hugging Face hub through `datasets`, each
repository it reads pinned to a commit (`HubPin`). Each returns a `datasets.Dataset` in the
canonical columns of the task's kind.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from xtreme_harness.errors import DataError
from xtreme_harness.interfaces.readers import Reader
from xtreme_harness.interfaces.task import DataSource


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
        name: str,
        files: Mapping[str, str],
        reader: Reader,
        *,
        root: str | os.PathLike[str] | None = None,
        readers: Mapping[str, Reader] | None = None,
        languages: Mapping[str, tuple[str, ...]] | None = None,
        file_key: Callable[[str], str] | None = None,
        how_to_get: str = "",
    ) -> None:
        self.name = name
        self.files = dict(files)
        self.reader = reader
        self.readers = dict(readers or {})
        self.root = None if root is None else str(root)
        self.languages = dict(languages or {})
        self.file_key = file_key
        self.how_to_get = how_to_get

    def describe(self) -> str:
        """``<name>: files <patterns> under <root or --data-dir>``."""
        where = self.root if self.root is not None else "--data-dir"
        return f"{self.name}: files {', '.join(sorted(self.files.values()))} under {where}"

    def path(self, split: str, language: str, data_dir: str | os.PathLike[str] | None) -> str:
        """The file of `split` in `language` (`data_dir` is the root when `root` is unset); a
        `DataError` for a split the source lacks, a language not in `languages` for that split,
        or no root at all."""
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
                f"the {self.name} source reads the official download layout from a folder; "
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
                path, f"missing: the {self.name} source has no {split} file for {language!r}.{hint}"
            )
        return self.readers.get(split, self.reader)(path)


Locate = Callable[[str, str], tuple[str, str | None, str]]
"""(split, language) -> (dataset id, config or None, hub split name)."""

Convert = Callable[[dict[str, Any], Any], dict[str, Any]]
"""(hub row, hub features) -> canonical example (without `id`)."""

COMMIT = re.compile(r"^[0-9a-f]{40}$")
PARQUET_BRANCH = "refs/convert/parquet"
"""The branch where the Hub's converter writes the Parquet export of a dataset (no loading
script, no README): ``<config>/<split>/NNNN.parquet``, ``<config>/partial-<split>/...`` for a
split too large to convert whole, ``<config>/<name>-<split>.parquet`` in its early layout."""


@dataclass(frozen=True)
class HubPin:
    """Which revision of one hub repository a source reads, and how.

    `commit` is a full 40-hex commit sha; None leaves the repository unpinned (it then reads the
    head of `branch`) and `reason` must say why. With `data_files` (a path pattern with
    ``{config}`` and ``{split}``, relative to the repository root) the split is read as Parquet
    files from that revision, which is how a data-only revision such as the Hub's Parquet
    conversion (`PARQUET_BRANCH`) of a script-only dataset is read; without it the repository is
    loaded by config, and `layout` says where a config's split lies at `commit` (checked against
    recorded file lists in the tests, not used for loading).
    """

    commit: str | None
    """The full 40-hex commit sha read, or None (unpinned: `reason` says why)."""
    data_files: str | None = None
    """Parquet files read at the revision, a pattern with ``{config}`` and ``{split}``."""
    layout: str | None = None
    """Where a config's split lies at `commit` when loading by config (for checks only)."""
    branch: str = "main"
    """The branch `commit` is on (`PARQUET_BRANCH` for the Hub's Parquet conversion)."""
    reason: str = ""
    """Why the repository is unpinned, or anything to know about the pin."""
    default_config: str = "default"
    """The folder ``{config}`` stands for when the dataset has no named config."""

    def __post_init__(self) -> None:
        if self.commit is not None and not COMMIT.match(self.commit):
            raise ValueError(f"a pinned commit is a full 40-hex sha, got {self.commit!r}")
        if self.commit is None and not self.reason:
            raise ValueError("an unpinned repository needs a reason")

    @property
    def pattern(self) -> str | None:
        """Where a config's split lies at the pinned revision (`data_files` or `layout`)."""
        return self.data_files or self.layout

    def files_of(self, config: str | None, split: str) -> str | None:
        """`pattern` for one config and split."""
        if self.pattern is None:
            return None
        return self.pattern.format(config=config or self.default_config, split=split)

    def describe(self, dataset_id: str) -> str:
        """``<dataset_id>@<commit>`` (and the files read), or that it is unpinned."""
        if self.commit is None:
            return f"{dataset_id} unpinned ({self.branch})"
        text = f"{dataset_id}@{self.commit}"
        if self.data_files:
            text += f" ({self.branch}: {self.data_files})"
        return text


@dataclass(frozen=True)
class HubLocation:
    """Where one (split, language) of a hub source is read: what `HubSource.load` asks for."""

    dataset_id: str
    """The hub repository."""
    config: str | None
    """The dataset config (None: the dataset has no named configs)."""
    split: str
    """The hub's split name."""
    revision: str | None
    """The commit (or branch) read; None for the repository's default branch."""
    data_files: str | None
    """The Parquet files read (relative to the repository root); None for a load by config."""
    pin: HubPin | None
    """The repository's pin (None for a source without pins)."""

    @property
    def url(self) -> str | None:
        """The ``hf://`` address of `data_files` at `revision`."""
        if self.data_files is None:
            return None
        revision = quote(self.revision or "main", safe="")
        return f"hf://datasets/{self.dataset_id}@{revision}/{self.data_files}"

    def describe(self) -> str:
        """``<dataset_id>@<revision>/<data_files>``, the parts known."""
        at = f"@{self.revision}" if self.revision else ""
        files = f"/{self.data_files}" if self.data_files else ""
        return f"{self.dataset_id}{at}{files}"


class HubSource(DataSource):
    """A dataset on the Hugging Face hub, loaded with `datasets.load_dataset`.

    `locate` says which dataset, config and split hold a (split, language); `convert` turns a hub
    row into the canonical example of the task's kind. `pins` says, for every repository `locate`
    can name, which commit is read and how (a `HubPin`). A run's ``--data-revision`` replaces the
    commit of a source that reads one repository; for a source that reads several it is an error,
    since one revision cannot name a commit of each. A source without pins reads `revision` (or
    the default branch) of whatever repository `locate` names.
    """

    name = "hub"

    def __init__(
        self,
        summary: str,
        locate: Locate,
        convert: Convert,
        revision: str | None = None,
        *,
        pins: Mapping[str, HubPin] | None = None,
        keep: Callable[[str, str, dict[str, Any]], bool] | None = None,
        check: Callable[[list[dict[str, Any]], str], None] | None = None,
        arrange: Callable[[str, str, list[dict[str, Any]]], list[dict[str, Any]]] | None = None,
        differs: Callable[[str, str], str | None] | None = None,
    ):
        if pins and revision is not None:
            raise ValueError("give either pins (one per repository) or a revision, not both")
        self.summary = summary
        self.locate = locate
        self.convert = convert
        self.revision = revision
        self.pins = dict(pins or {})
        self.keep = keep
        """(split, language, hub row) -> whether the row belongs to the language (for a dataset
        that mixes languages in one split)."""
        self.check = check
        """(examples, where) -> None, raising a `DataError` on bad examples (e.g. repeated ids)."""
        self.arrange = arrange
        """(split, language, converted rows) -> examples, for a split whose examples are not one
        per row (Tatoeba's queries and pool come from the same aligned pairs)."""
        self.differs = differs
        """(split, language) -> how the hub's data differs from the benchmark's, or None
        (`DataSource.differences`)."""

    @property
    def repositories(self) -> tuple[str, ...]:
        """The repositories this source declares pins for."""
        return tuple(self.pins)

    def describe(self) -> str:
        if self.pins:
            pins = "; ".join(pin.describe(repo) for repo, pin in self.pins.items())
            return f"hub: {self.summary} [{pins}]"
        pinned = f" @ {self.revision}" if self.revision else ""
        return f"hub: {self.summary}{pinned}"

    def differences(self, split: str, language: str) -> str | None:
        return None if self.differs is None else self.differs(split, language)

    def resolve(self, split: str, language: str, revision: str | None = None) -> HubLocation:
        """Where (split, language) is read, with a run's ``--data-revision`` as `revision`.

        Raises `DataError` when `locate` does (no hub data for that split or language), when the
        repository has no declared pin, or when `revision` is given to a source that reads
        several repositories.
        """
        dataset_id, config, hub_split = self.locate(split, language)
        if not self.pins:
            return HubLocation(dataset_id, config, hub_split, revision or self.revision, None, None)
        where = f"hub:{dataset_id}"
        pin = self.pins.get(dataset_id)
        if pin is None:
            raise DataError(
                where,
                f"no pin is declared for {dataset_id}; this source pins "
                f"{', '.join(self.repositories)}",
            )
        if revision is not None and len(self.pins) > 1:
            raise DataError(
                where,
                f"--data-revision {revision} is ambiguous: this source reads "
                f"{len(self.pins)} repositories ({', '.join(self.repositories)}), each pinned "
                "to its own commit (see `xharness tasks --json`). Drop --data-revision to read "
                "the pinned commits, or change the task's pins.",
            )
        branch = None if pin.branch == "main" else pin.branch  # None: the default branch
        read = revision or pin.commit or branch
        data_files = pin.files_of(config, hub_split) if pin.data_files else None
        return HubLocation(dataset_id, config, hub_split, read, data_files, pin)

    def load(
        self,
        split: str,
        language: str,
        *,
        data_dir: str | os.PathLike[str] | None = None,
        revision: str | None = None,
    ) -> Any:
        location = self.resolve(split, language, revision)
        dataset_id, config, hub_split = location.dataset_id, location.config, location.split
        where = f"hub:{dataset_id}" + (f"/{config}" if config else "") + f"[{hub_split}]"
        try:
            import datasets

            if location.data_files is not None:
                table = datasets.load_dataset(
                    "parquet", data_files={hub_split: location.url}, split=hub_split
                )
            else:
                table = datasets.load_dataset(
                    dataset_id, config, split=hub_split, revision=location.revision
                )
        except Exception as exc:  # the hub client raises many kinds of errors
            offline = (
                os.environ.get("HF_HUB_OFFLINE") == "1"
                or os.environ.get("HF_DATASETS_OFFLINE") == "1"
            )
            advice = (
                "HF_HUB_OFFLINE/HF_DATASETS_OFFLINE is set, so only datasets already in the "
                f"Hugging Face cache can load; run once with network access to fill the cache "
                f"with {location.describe()}"
                if offline
                else "check the dataset id, config, revision and your network access"
            )
            raise DataError(
                where,
                f"could not load {language!r} {split} data from {location.describe()}: "
                f"{type(exc).__name__}: {exc}. "
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
