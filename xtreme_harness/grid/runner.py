"""Running a plan: reuse finished steps, hand the rest to an executor, assemble cell results.

Finished steps are never run again. A step that failed before stays failed (with its recorded
error) unless `rerun_failed`; the steps that need a failed one are skipped and everything else
goes on. Once a cell's steps are all done, its result file is assembled from their outputs: no
training code is imported for that, so re-running a finished grid takes about a second. A cell
whose result cannot be assembled is reported and does not keep the other cells' results from
being written.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import uuid
import warnings
from dataclasses import dataclass, field
from typing import Any

from xtreme_harness.atomic import read_json, write_json
from xtreme_harness.config.run import config_to_dict
from xtreme_harness.errors import DataError, XHarnessError, XHarnessWarning
from xtreme_harness.grid.observing import Observers
from xtreme_harness.grid.plan import Cell, Plan
from xtreme_harness.grid.progress import Progress
from xtreme_harness.grid.store import Store, result_lock
from xtreme_harness.grid.worker import RETRY, execute_step
from xtreme_harness.interfaces.executor import Event, Executor, Outcome, Status, blocked_by
from xtreme_harness.registry.validation import validate


@dataclass
class GridReport:
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    results: dict[str, str] = field(default_factory=dict)
    """Cell id -> result file, for the cells whose steps all finished."""
    unassembled: dict[str, str] = field(default_factory=dict)
    """Cell id -> why its result file could not be written, though its steps finished."""
    reused: int = 0
    """Steps finished before this run began."""
    ran: int = 0
    """Steps this run carried out."""
    elsewhere: int = 0
    """Steps another process sharing the run folder finished while this run went on."""

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes.values() if o.status is not Status.DONE]


def run_grid(
    plan: Plan,
    store: Store,
    executor: Executor,
    progress: Progress,
    *,
    host: Any,
    fail_fast: bool = False,
    rerun_failed: bool = False,
    observers: Observers | None = None,
    name: str | None = None,
) -> GridReport:
    """Run what is left of `plan` in `store` and assemble the results of finished cells,
    telling `observers` what happens (`xtreme_harness.grid.observing`)."""
    observers = observers or Observers()
    store.clean()
    os.makedirs(store.path("steps"), exist_ok=True)
    report = GridReport()
    todo = []
    for step in plan.ordered():
        record = store.record(step.key)
        if record is not None and record["status"] == "failed" and rerun_failed:
            store.forget(step.key)
            record = None
        if record is None:
            todo.append(step)
        elif record["status"] == "done":
            report.outcomes[step.key] = Outcome(step.key, Status.DONE, None, 0.0)
            report.reused += 1
        else:
            error = f"{record['error']} (failed in an earlier run; {RETRY})"
            report.outcomes[step.key] = Outcome(step.key, Status.FAILED, error)
    progress.reused(report.reused)
    if observers:
        observers.tell("grid_started", {
            "name": name, "out": store.root, "steps": len(plan.steps), "reused": report.reused,
            "cells": {cell.id: config_to_dict(cell.config) for cell in plan.cells},
        })  # fmt: skip
    if todo:
        store.check_writable()
    runnable = []
    for step in todo:
        blocker = blocked_by(step, report.outcomes)
        if blocker is None:
            runnable.append(step)
        else:
            report.outcomes[step.key] = Outcome(step.key, Status.SKIPPED, f"needs {blocker}")
    invocation = uuid.uuid4().hex
    run_step = functools.partial(execute_step, store.root, invocation=invocation)

    def told(event: Event) -> None:
        progress.report(event)
        if observers:
            observers.step_event(event, lambda key: (store.record(key) or {}).get("outputs", {}))

    report.outcomes.update(executor.run(runnable, run_step, told, fail_fast=fail_fast))
    for step in runnable:
        if report.outcomes[step.key].status is Status.DONE:
            if store.record(step.key).get("invocation") == invocation:
                report.ran += 1
            else:
                report.elsewhere += 1
    progress.close()
    for cell in plan.cells:
        if all(report.outcomes[key].status is Status.DONE for key in cell.steps.values()):
            fresh = not _current(store.result_path(cell.id), cell, quiet=True)
            try:
                report.results[cell.id] = assemble(cell, store, host)
            except XHarnessError as exc:
                report.unassembled[cell.id] = str(exc)
                continue
            if observers and fresh:  # a result an earlier run wrote was told then
                path = report.results[cell.id]
                observers.tell("result_written", cell.id, path, read_json(path))
    store.clean()
    if observers:
        observers.tell("grid_finished", {
            "out": store.root, "results": dict(report.results),
            "failed": [o.key for o in report.failures], "table_html": _table_html(report, host),
        })  # fmt: skip
    return report


def _table_html(report: GridReport, host: Any) -> str | None:
    """The leaderboard of the grid's results as one HTML page (None without results)."""
    if not report.results:
        return None
    from xtreme_harness.results import tables
    from xtreme_harness.results.files import find

    configs = tables.configurations(find(*report.results.values()))
    return host.get("formats", "html")().render_many([tables.task_table(configs)])


def assemble(cell: Cell, store: Store, host: Any) -> str:
    """Write the cell's result file from its steps' outputs (unless it is already there, made
    from the same steps) and return its path. Imports no training code. A result file that
    cannot be read is derived data: it is written anew from the steps, with a warning."""
    from xtreme_harness.results import document

    path = store.result_path(cell.id)
    if _current(path, cell, quiet=True):  # no lock needed to read (a read-only folder too)
        return path
    with store.lock(result_lock(cell.id)):
        if _current(path, cell):
            return path
        records = {name: store.record(key) for name, key in cell.steps.items()}
        outputs = {name: record["outputs"] for name, record in records.items()}
        result = document.build(
            dataclasses.replace(cell.config, out=store.root), host,
            intermediate=outputs.get("intermediate"), finetune=_training(outputs),
            evaluate=outputs["evaluate"], embed=outputs.get("embed"),
            started_at=min(record["started_at"] for record in records.values()),
            seconds=sum(record["seconds"] for record in records.values()),
            prefix={"evaluate": f"steps/{cell.steps['evaluate']}/"},
        )  # fmt: skip
        result["provenance"]["steps"] = dict(cell.steps)
        validate(result, "result", source=path)
        write_json(path, result)
    return path


def _training(outputs: dict[str, Any]) -> Any:
    """The cell's fine-tuning output from its steps': one step's, few-shot's English step and
    shots step together, or translate-train's step of each language (`finetune/<lang>`)."""
    from xtreme_harness.results.document import merge_training

    if "shots" in outputs:
        return merge_training([(None, outputs["finetune"]), (None, outputs["shots"])])
    if "finetune" in outputs:
        return outputs["finetune"]
    languages = [name.split("/", 1)[1] for name in outputs if name.startswith("finetune/")]
    return merge_training([(language, outputs[f"finetune/{language}"]) for language in languages])


def _current(path: str, cell: Cell, *, quiet: bool = False) -> bool:
    """Whether `path` is the cell's result, made from the cell's steps (a file that cannot be
    read is not, with a warning unless `quiet`)."""
    try:
        existing = read_json(path, "result file")
    except FileNotFoundError:
        return False
    except DataError as exc:
        if quiet:
            return False
        warnings.warn(f"{exc}; writing it again from the finished steps", XHarnessWarning,
                      stacklevel=3)  # fmt: skip
        return False
    provenance = existing.get("provenance") if isinstance(existing, dict) else None
    return isinstance(provenance, dict) and provenance.get("steps") == cell.steps
