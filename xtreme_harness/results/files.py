"""Reading result files: validation, the versions of the format, and finding them in run folders.

Every result file read is validated against `registry/schemas/result.schema.json`. The format
carries a version; a reader for each older version upgrades it to the current one, so that result
files of earlier runs stay usable (tests keep a file of every version as a fixture).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from xtreme_harness.errors import DataError

CURRENT_VERSION = 2


def _version_1_to_2(document: dict[str, Any]) -> dict[str, Any]:
    """Version 2 records the protocol a run followed and its departures; a version-1 run
    recorded neither (null: not recorded), and its selection interval moved into the recipes."""
    upgraded = {**document, "version": 2, "protocol": None, "departures": None}
    config = dict(document["config"])
    config.pop("eval_steps", None)
    config["fine_tune_on"] = None
    upgraded["config"] = config
    return upgraded


UPGRADES: dict[int, Any] = {1: _version_1_to_2}
"""Version -> function upgrading a document of that version to the next one."""


@dataclass(frozen=True)
class Result:
    path: str
    document: dict[str, Any]

    @property
    def task(self) -> str:
        return self.document["task"]["name"]

    @property
    def seed(self) -> int:
        return self.document["config"]["seed"]


def read(path: str) -> dict[str, Any]:
    """A result file, upgraded to the current version and validated."""
    from xtreme_harness.atomic import read_json
    from xtreme_harness.registry.validation import validate

    try:
        document = read_json(path, "result file")
    except FileNotFoundError:
        raise DataError(path, "result file not found") from None
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(version, int) or version > CURRENT_VERSION:
        raise DataError(
            path,
            f"unknown result format version {version!r}; this xharness reads versions 1 to "
            f"{CURRENT_VERSION}",
            field="version",
        )
    while version < CURRENT_VERSION:
        document = UPGRADES[version](document)
        version = document["version"]
    validate(document, "result", source=path)
    return document


def find(*folders: str) -> list[Result]:
    """Every result file under the given run folders (a run's `result.json`, a grid's
    `results/*.json`), or the given files themselves, sorted by path."""
    paths: list[str] = []
    for folder in folders:
        if os.path.isfile(folder):
            paths.append(folder)
            continue
        if not os.path.isdir(folder):
            raise DataError(folder, "no such run folder or result file")
        paths.extend(_walk(folder))
    if not paths:
        raise DataError(", ".join(folders), "no result files (result.json or results/*.json)")
    return [Result(path, read(path)) for path in sorted(set(paths))]


def _walk(folder: str) -> Iterator[str]:
    for root, directories, files in os.walk(folder):
        directories[:] = sorted(d for d in directories if d not in ("steps", "locks", "model"))
        for name in sorted(files):
            in_results = os.path.basename(root) == "results" and name.endswith(".json")
            if name == "result.json" or in_results:
                yield os.path.join(root, name)


def run_root(result: Result) -> str:
    """The folder a result's relative paths (predictions, units) start from: its run folder, or
    the grid's run folder for a grid's `results/<cell>.json`."""
    folder = os.path.dirname(os.path.abspath(result.path))
    return os.path.dirname(folder) if os.path.basename(folder) == "results" else folder


def path_in_run(result: Result, relative: str, field: str) -> str:
    """The file a result names at `field`, which must lie inside its run folder: a result file
    is data, and a path in it that leads elsewhere is refused, naming the file and field."""
    root = os.path.realpath(run_root(result))
    path = os.path.realpath(os.path.join(root, relative))
    if os.path.isabs(relative) or os.path.commonpath([root, path]) != root:
        raise DataError(result.path, f"{relative!r} is outside the run folder {root}", field=field)
    return path


def units(result: Result) -> dict[str, Any] | None:
    """Per scored language, the per-example units its evaluation wrote (what a paired bootstrap
    over examples resamples), as arrays; None for a result that recorded none (runs before the
    units were written)."""
    import numpy as np

    from xtreme_harness.atomic import read_json

    evaluation = result.document["evaluation"]
    found = {}
    for language in result.document["scores"]:
        relative = evaluation[language].get("units")
        if relative is None:
            return None
        path = path_in_run(result, relative, f"evaluation.{language}.units")
        try:
            document = read_json(path, "units file")
        except FileNotFoundError:
            raise DataError(path, "the per-example units of this result are missing") from None
        rows = document.get("units") if isinstance(document, dict) else None
        if not isinstance(rows, list) or len(rows) != evaluation[language]["examples"]:
            raise DataError(
                path,
                f"expected {evaluation[language]['examples']} rows of units, one per example",
                field="units",
            )
        found[language] = np.array(rows, dtype=float)
    return found
