"""The run folder of a grid: finished steps, their outputs, and the results of the cells.

    RUN_DIR/steps/<key>/step.json     written last: status (done or failed), settings, outputs
    RUN_DIR/steps/<key>/...           the step's outputs (encoder, model, predictions)
    RUN_DIR/results/<cell>.json       one result file per cell (schema `result`)
    RUN_DIR/locks/<key>.lock          held while a process works on a step
    RUN_DIR/locks/result-<cell>.lock  held while a process writes a cell's result file
    RUN_DIR/executions.jsonl          one line per step execution (which step, when, by whom)

A step is built in a temporary folder next to its final place and renamed into place once
complete, so a step folder is never half-written. A step's lock (an advisory file lock, released by
the operating system when its holder dies) keeps two processes sharing a run folder from running
the same step twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from typing import Any

from xtreme_harness.atomic import TEMPORARY, read_json, temporary_name, write_json
from xtreme_harness.errors import DataError

STEP_FILE = "step.json"


class Store:
    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)

    def path(self, *parts: str) -> str:
        return os.path.join(self.root, *parts)

    def step_dir(self, key: str) -> str:
        return self.path("steps", key)

    def record(self, key: str) -> dict[str, Any] | None:
        """The step's `step.json`, or None if the step has not finished (or failed) yet."""
        path = os.path.join(self.step_dir(key), STEP_FILE)
        try:
            return read_json(path, "step record")
        except FileNotFoundError:
            return None

    def output_path(self, key: str, name: str, item: str | None = None) -> str:
        """The file or folder a finished step's record names as its output `name` (or as entry
        `item` of that output, a mapping). A step record is data: a path in it that leads out of
        the step's folder is refused, naming the record and the field."""
        relative = self.record(key)["outputs"][name]
        if item is not None:
            relative, name = relative[item], f"{name}.{item}"
        folder = os.path.realpath(self.step_dir(key))
        path = os.path.realpath(os.path.join(folder, relative))
        if os.path.isabs(relative) or os.path.commonpath([folder, path]) != folder:
            raise DataError(
                os.path.join(self.step_dir(key), STEP_FILE),
                f"{relative!r} is outside the step's folder {folder}",
                field=f"outputs.{name}",
            )
        return path

    def status(self, key: str) -> str | None:
        record = self.record(key)
        return None if record is None else record["status"]

    @contextlib.contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Hold the step's lock (waiting for another process that holds it)."""
        os.makedirs(self.path("locks"), exist_ok=True)
        with open(self.path("locks", f"{key}.lock"), "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def is_locked(self, key: str) -> bool:
        path = self.path("locks", f"{key}.lock")
        if not os.path.exists(path):
            return False
        with open(path, "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False

    def check_writable(self) -> None:
        """Raise the machine's `OSError` now if the run folder cannot be written (a read-only
        file system, no permission), before any step starts and fails for that reason."""
        os.makedirs(self.path("locks"), exist_ok=True)
        probe = temporary_name(self.path("locks", "probe"))
        with open(probe, "w", encoding="utf-8"):
            pass
        os.unlink(probe)

    def workspace(self, key: str) -> str:
        """A fresh temporary folder for building the step (call with the lock held)."""
        folder = self.path("steps", f"{TEMPORARY}{key}-{os.getpid()}")
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        return folder

    def commit(self, key: str, workspace: str, record: dict[str, Any]) -> None:
        """Write `step.json` into the workspace, then move it into place (lock held). Other
        workspaces of the step are left by processes that died building it (only the lock's
        holder builds a step): they go too."""
        write_json(os.path.join(workspace, STEP_FILE), record)
        final = self.step_dir(key)
        if os.path.exists(final):  # a failed attempt being replaced
            shutil.rmtree(final)
        os.replace(workspace, final)
        prefix = f"{TEMPORARY}{key}-"
        for name in os.listdir(self.path("steps")):
            if name.startswith(prefix):
                shutil.rmtree(self.path("steps", name), ignore_errors=True)

    def log_execution(self, record: dict[str, Any]) -> None:
        """Append one line to the run's log of step executions (one write: lines from
        concurrent processes do not interleave)."""
        line = json.dumps(
            {
                key: record[key]
                for key in (
                    "key",
                    "stage",
                    "status",
                    "pid",
                    "host",
                    "invocation",
                    "started_at",
                    "seconds",
                )
                if key in record
            }
        )
        with open(self.path("executions.jsonl"), "a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    def executions(self) -> list[dict[str, Any]]:
        """Every logged step execution, oldest first."""
        path = self.path("executions.jsonl")
        try:
            with open(path, encoding="utf-8") as handle:
                lines = handle.readlines()
        except FileNotFoundError:
            return []
        executions = []
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                executions.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise DataError(path, f"not valid JSON: {exc.msg}", line=number) from None
        return executions

    def forget(self, key: str) -> None:
        """Remove a step's record and outputs (to run it again)."""
        shutil.rmtree(self.step_dir(key), ignore_errors=True)

    def clean(self) -> list[str]:
        """Remove what processes that died left half-built: step workspaces, and temporary
        result files, whose lock nobody holds (a live process holds the lock of what it builds).
        A grid cleans when it starts and when it ends (by then, workers of a killed grid that
        still held a lock at the start have exited)."""
        removed = []
        steps = self.path("steps")
        if os.path.isdir(steps):
            for name in sorted(os.listdir(steps)):
                if not name.startswith(TEMPORARY):
                    continue
                key = name[len(TEMPORARY) :].rsplit("-", 1)[0]
                if not self.is_locked(key):
                    shutil.rmtree(os.path.join(steps, name), ignore_errors=True)
                    removed.append(name)
        results = self.path("results")
        if os.path.isdir(results):
            for name in sorted(os.listdir(results)):
                if not name.startswith(TEMPORARY):
                    continue
                cell = name[len(TEMPORARY) :].rsplit("-", 2)[0].removesuffix(".json")
                if not self.is_locked(result_lock(cell)):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(os.path.join(results, name))
                    removed.append(os.path.join("results", name))
        return removed

    def result_path(self, cell: str) -> str:
        return self.path("results", f"{cell}.json")


def result_lock(cell: str) -> str:
    """The lock held while a cell's result file is written."""
    return f"result-{cell}"
