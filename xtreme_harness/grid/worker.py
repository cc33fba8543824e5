"""Running one step of a grid: the function every executor calls, in whatever process it runs.

`execute_step` takes only picklable arguments (the run folder, the step and the grid
invocation's id), so that worker processes and Ray tasks can call it; it imports the engine only
when it has work to do. The invocation id in each step record says which `xharness grid` ran it,
so that a grid that shares its run folder with another tells its own steps from the other's.
"""

from __future__ import annotations

import os
import socket
import time
import traceback
from typing import Any

from xtreme_harness.errors import XHarnessError
from xtreme_harness.grid.store import Store
from xtreme_harness.interfaces.executor import Step
from xtreme_harness.provenance import now


class StepFailed(XHarnessError):
    """A step raised; its record holds the error."""


RETRY = "`xharness grid ... --rerun failed` runs it again"


def execute_step(run_dir: str, step: Step, invocation: str = "", *, again: bool = False) -> str:
    """Run `step` unless it is done (or failed: another process failed it meanwhile); return
    ``"done"``. `invocation` identifies the grid run that asked for it; `again` runs once more a
    step that failed in that same grid run (an executor retrying it), replacing its record."""
    store = Store(run_dir)
    with store.lock(step.key):
        record = store.record(step.key)
        if record is not None and record["status"] == "done":
            return "done"
        if record is not None and not (again and record.get("invocation") == invocation):
            raise StepFailed(f"{record['error']} (failed in another process; {RETRY})")
        workspace = store.workspace(step.key)
        started_at, started = now(), time.perf_counter()
        record: dict[str, Any] = {
            "format": "xharness-step",
            "version": 1,
            "key": step.key,
            "stage": step.stage,
            "needs": list(step.needs),
            "settings": step.config["settings"],
            "started_at": started_at,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "invocation": invocation,
        }

        def finish(status: str, error: str | None, outputs: dict[str, Any] | None) -> None:
            seconds = round(time.perf_counter() - started, 3)
            final = {**record, "status": status, "error": error, "outputs": outputs,
                     "finished_at": now(), "seconds": seconds}  # fmt: skip
            store.commit(step.key, workspace, final)
            store.log_execution(final)

        try:
            outputs = _run(store, step, workspace)
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            with open(os.path.join(workspace, "error.txt"), "w", encoding="utf-8") as handle:
                handle.write(traceback.format_exc())
            finish("failed", message, None)
            raise StepFailed(message) from exc
        finish("done", None, outputs)
        return "done"


def _run(store: Store, step: Step, workspace: str) -> dict[str, Any]:
    from xtreme_harness.config.run import config_from_dict
    from xtreme_harness.engine import stages
    from xtreme_harness.engine.context import Context

    config = config_from_dict({**step.config["run"], "progress": False})
    ctx = Context(config)
    settings = step.config["settings"]
    needed: dict[str, list[str]] = {}
    for key in step.needs:
        record = store.record(key)
        needed.setdefault(record["stage"], []).append(key)
        if record["stage"] == "translate":  # read by the stage instead of translating again
            made = record["outputs"]["record"]
            ctx.translations[(made["source"], made["target"])] = (
                store.output_path(key, "translations"), made
            )  # fmt: skip
    if step.stage == "translate":
        return dict(stages.translate_data(ctx, workspace, settings["split"],
                                          settings["language"], settings["target"]))  # fmt: skip
    if step.stage == "intermediate":
        return dict(stages.train_intermediate(ctx, workspace))
    if step.stage == "finetune":
        encoder = config.model
        if needed.get("intermediate"):
            (stage,) = needed["intermediate"]
            encoder = store.output_path(stage, "encoder")
        into = settings.get("into")  # translate-train: one language's model
        _, outputs = stages.fine_tune(ctx, workspace, encoder, save_model=True, into=into)
        return dict(outputs)
    (tuned, *_) = needed.get("shots") or needed["finetune"]
    if step.stage == "shots":
        _, outputs = stages.continue_on_shots(ctx, workspace, store.output_path(tuned, "model"))
        return dict(outputs)
    languages = step.config.get("models")  # translate-train: each language's model step
    model: Any = (
        store.output_path(tuned, "model") if languages is None
        else {language: store.output_path(key, "model") for language, key in languages.items()}
    )  # fmt: skip
    if step.stage == "embed":
        return dict(stages.embed_pool(ctx, workspace, model))
    embedded = needed.get("embed")
    candidates = store.output_path(embedded[0], "candidates") if embedded else None
    return dict(stages.evaluate(ctx, workspace, model, candidates))
