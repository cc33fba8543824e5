"""Experiment trackers as observers of a grid (`xtreme_harness.interfaces.Observer`).

Both record one run per cell when its result file is written: the cell's configuration as
parameters, every language's metrics and the task score as metrics, the result file as an
artifact. MLflow also keeps a parent run for the grid (the cells' runs are nested in it, with
step durations, failures and the leaderboard page); Weights & Biases groups the cells' runs by
the grid's name.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from typing import Any

from xtreme_harness.interfaces import Observer, Param, UsageError


def _library(name: str, extra: str) -> Any:
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        raise UsageError(f"observer {extra} needs the {name} package: pip install "
                         f"'xtreme-harness[{extra}]'") from None  # fmt: skip


def parameters(document: Mapping[str, Any]) -> dict[str, str]:
    """A result's configuration as flat text parameters (what a tracker compares runs by)."""
    config = document["config"]
    found: dict[str, Any] = {
        "model": document["model"]["name_or_path"],
        "task": document["task"]["name"],
        "seed": config["seed"],
        "source": config["source"],
        "regularizer": config["regularizer"]["name"],
        "setting": (config.get("setting") or {}).get("name", "zero-shot"),
        "perturbation": (config.get("perturbation") or {}).get("name", "none"),
        "protocol": document["protocol"].get("name"),
        "precision": config.get("precision"),
    }
    for key, value in config["regularizer"]["options"].items():
        found[f"regularizer.{key}"] = value
    stage = config.get("intermediate")
    if stage:
        found["intermediate.task"] = stage["task"]
        found["intermediate.language_set"] = stage["language_set"]["name"]
        found["intermediate.budget"] = stage.get("budget")
    for key, value in (document["config"].get("overrides") or {}).items():
        found[f"override.{key}"] = value
    return {key: str(value) for key, value in found.items()}


def metrics(document: Mapping[str, Any]) -> dict[str, float]:
    """``<metric>/<language>`` for every score, and ``score`` (the task score, where any)."""
    found = {f"{metric}/{language}": float(value)
             for language, values in document["scores"].items()
             for metric, value in values.items()}  # fmt: skip
    if document.get("score") is not None:
        found["score"] = float(document["score"])
    return found


def _mlflow_key(key: str) -> str:
    """MLflow's keys allow letters, digits, ``_ - . / `` and spaces: ``map@20`` -> ``map_20``."""
    return re.sub(r"[^A-Za-z0-9_\-./ ]", "_", key)


class MLflow(Observer):
    name = "mlflow"
    description = "Record the grid as an MLflow run with a nested run per cell."
    params = (
        Param("tracking_uri", str, None, "Where MLflow keeps runs (default: MLflow's own, "
              "MLFLOW_TRACKING_URI), e.g. sqlite:///mlflow.db or http://host:5000."),
        Param("experiment", str, "xtreme-harness", "The experiment the runs go to."),
        Param("artifact_location", str, None, "Where a new experiment keeps its artifacts."),
    )  # fmt: skip

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        tracking = _library("mlflow.tracking", "mlflow")
        self.client = tracking.MlflowClient(self.options["tracking_uri"])
        self.parent: str | None = None
        self.experiment: str | None = None
        self.steps = 0

    def _experiment(self) -> str:
        if self.experiment is None:
            name = self.options["experiment"]
            found = self.client.get_experiment_by_name(name)
            self.experiment = found.experiment_id if found is not None else (
                self.client.create_experiment(name, self.options["artifact_location"])
            )  # fmt: skip
        return self.experiment

    def grid_started(self, grid: Mapping[str, Any]) -> None:
        name = grid.get("name") or os.path.basename(os.path.normpath(grid["out"]))
        run = self.client.create_run(self._experiment(), run_name=name,
                                     tags={"xharness.out": grid["out"]})  # fmt: skip
        self.parent = run.info.run_id
        self.client.log_param(self.parent, "cells", len(grid["cells"]))
        self.client.log_param(self.parent, "steps", grid["steps"])
        self.client.log_param(self.parent, "reused", grid["reused"])

    def step_finished(self, step: Mapping[str, Any], outputs: Mapping[str, Any]) -> None:
        if self.parent is not None:
            self.steps += 1
            self.client.log_metric(self.parent, _mlflow_key(f"seconds/{step['stage']}"),
                                   float(step["seconds"]), step=self.steps)  # fmt: skip

    def step_failed(self, step: Mapping[str, Any], error: str) -> None:
        if self.parent is not None:
            self.client.set_tag(self.parent, f"failed.{step['key']}", error[:4000])

    def result_written(self, cell: str, path: str, document: Mapping[str, Any]) -> None:
        tags = {"xharness.cell": cell, "xharness.result": path}
        if self.parent is not None:
            tags["mlflow.parentRunId"] = self.parent
        run = self.client.create_run(self._experiment(), run_name=cell, tags=tags)
        run_id = run.info.run_id
        entities = _library("mlflow.entities", "mlflow")
        params = [entities.Param(_mlflow_key(k), v) for k, v in parameters(document).items()]
        values = [entities.Metric(_mlflow_key(k), v, 0, 0) for k, v in metrics(document).items()]
        self.client.log_batch(run_id, metrics=values, params=params)
        self.client.log_artifact(run_id, path)
        self.client.set_terminated(run_id, "FINISHED")

    def grid_finished(self, summary: Mapping[str, Any]) -> None:
        if self.parent is None:
            return
        if summary.get("table_html"):
            with tempfile.TemporaryDirectory() as folder:
                page = os.path.join(folder, "leaderboard.html")
                with open(page, "w", encoding="utf-8") as handle:
                    handle.write(summary["table_html"])
                self.client.log_artifact(self.parent, page)
        self.client.set_terminated(self.parent, "FAILED" if summary["failed"] else "FINISHED")


class WandB(Observer):
    name = "wandb"
    description = "Record each cell as a Weights & Biases run, grouped by grid."
    params = (
        Param("project", str, "xtreme-harness", "The W&B project."),
        Param("entity", str, None, "The W&B entity (default: the account's)."),
        Param("mode", str, None, "online, offline or disabled (default: W&B's own, WANDB_MODE).",
              choices=("online", "offline", "disabled")),
        Param("dir", str, None, "Where W&B writes its files (default: W&B's own, WANDB_DIR)."),
    )  # fmt: skip

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.wandb = _library("wandb", "wandb")
        self.group: str | None = None

    def grid_started(self, grid: Mapping[str, Any]) -> None:
        self.group = grid.get("name") or os.path.basename(os.path.normpath(grid["out"]))

    def result_written(self, cell: str, path: str, document: Mapping[str, Any]) -> None:
        if self.options["dir"]:
            os.makedirs(self.options["dir"], exist_ok=True)
        run = self.wandb.init(
            project=self.options["project"], entity=self.options["entity"],
            mode=self.options["mode"], dir=self.options["dir"], group=self.group, name=cell,
            job_type="cell", config=parameters(document), reinit="create_new",
        )  # fmt: skip
        try:
            values = metrics(document)
            run.log(values)
            run.summary.update(values)
            run.save(path, base_path=os.path.dirname(path), policy="now")
        finally:
            run.finish()
