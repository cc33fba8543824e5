"""Observers: the events a grid tells (a third party's observer), one that fails, and the
built-in trackers against their real libraries (MLflow on a SQLite store read back with its own
client; Weights & Biases in offline mode, the files it writes)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from xtreme_harness import hookimpl
from xtreme_harness.cli import cli
from xtreme_harness.errors import XHarnessWarning
from xtreme_harness.interfaces import Observer
from xtreme_harness.plugin_host import get_host
from xtreme_harness.results.files import find


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _grid(tmp_path, tiny_model, observers=""):
    spec = tmp_path / "grid.yaml"
    spec.write_text(
        f"name: observed\nmodel: {tiny_model}\nsource: sample\ntasks: [xnli, pawsx]\n"
        f"seeds: [1]\nmax_steps: 1\nout: {tmp_path / 'g'}\n{observers}",
        encoding="utf-8",
    )
    return spec


EVENTS: list[tuple] = []


class Recorder(Observer):
    name = "recorder"
    description = "Records every event (a test)."

    def grid_started(self, grid):
        EVENTS.append(("grid_started", grid["name"], sorted(grid["cells"]), grid["steps"]))

    def step_started(self, step):
        EVENTS.append(("step_started", step["key"]))

    def step_finished(self, step, outputs):
        EVENTS.append(("step_finished", step["key"], step["stage"], sorted(outputs)))

    def result_written(self, cell, path, document):
        EVENTS.append(("result_written", cell, document["task"]["name"]))

    def grid_finished(self, summary):
        EVENTS.append(("grid_finished", sorted(summary["results"]), summary["failed"],
                       "<table" in (summary["table_html"] or "")))  # fmt: skip


class Broken(Observer):
    name = "broken"
    description = "Fails at its first finished step (a test)."
    calls = 0

    def step_finished(self, step, outputs):
        Broken.calls += 1
        raise RuntimeError("the tracker is down")


class ThirdParty:
    @hookimpl
    def xharness_register_observers(self, register):
        register(Recorder)
        register(Broken)


def test_xharness_register_observers(tiny_model, tmp_path, use_host):
    """A third party's observer hears every step of the grid and every result, in order; an
    observer that fails is warned about once, told nothing more, and the grid finishes."""
    use_host(("thirdparty", ThirdParty()), entry_points=True)
    EVENTS.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        made = invoke("grid", _grid(tmp_path, tiny_model, "observers: [recorder]\n"),
                      "--observer", "broken")  # fmt: skip
    assert made.exit_code == 0, made.output
    assert Broken.calls == 1
    failures = [w for w in caught if issubclass(w.category, XHarnessWarning)
                and "observer broken failed" in str(w.message)]  # fmt: skip
    assert len(failures) == 1 and "the tracker is down" in str(failures[0].message)
    results = {r.path.rsplit("/", 1)[-1][:-5]: r for r in find(str(tmp_path / "g"))}
    assert EVENTS[0] == ("grid_started", "observed", sorted(results), 4)
    started = [e[1] for e in EVENTS if e[0] == "step_started"]
    finished = [e for e in EVENTS if e[0] == "step_finished"]
    assert len(started) == 4 and sorted(started) == sorted(e[1] for e in finished)
    assert all("scores" in e[3] for e in finished if e[2] == "evaluate")
    assert sorted(e[1] for e in EVENTS if e[0] == "result_written") == sorted(results)
    assert EVENTS[-1] == ("grid_finished", sorted(results), [], True)
    EVENTS.clear()  # a re-run reuses every step and result: nothing is told again
    again = invoke("grid", _grid(tmp_path, tiny_model, "observers: [recorder]\n"))
    assert again.exit_code == 0, again.output
    assert [e[0] for e in EVENTS] == ["grid_started", "grid_finished"]


def test_an_unknown_observer_is_named_with_its_line(tmp_path, tiny_model):
    bad = invoke("grid", _grid(tmp_path, tiny_model, "observers: [mlfow]\n"), "--validate")
    assert bad.exit_code == 2 and "grid.yaml:8" in bad.output
    assert "did you mean: mlflow" in bad.output


def test_mlflow_records_each_cell_as_the_result_file_says(tiny_model, tmp_path):
    pytest.importorskip("mlflow")
    from mlflow.tracking import MlflowClient

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    observers = ("observers:\n  - {name: mlflow, options: {tracking_uri: '" + uri + "', "
                 f"artifact_location: '{tmp_path / 'artifacts'}'}}}}\n")  # fmt: skip
    made = invoke("grid", _grid(tmp_path, tiny_model, observers))
    assert made.exit_code == 0, made.output
    client = MlflowClient(uri)
    experiment = client.get_experiment_by_name("xtreme-harness")
    runs = {r.info.run_name: r for r in client.search_runs([experiment.experiment_id])}
    parent = runs.pop("observed")
    assert [a.path for a in client.list_artifacts(parent.info.run_id)] == ["leaderboard.html"]
    results = find(str(tmp_path / "g"))
    assert len(runs) == len(results) == 2
    for result in results:
        name = Path(result.path).stem
        run = runs[name]
        document = result.document
        assert run.data.tags["mlflow.parentRunId"] == parent.info.run_id
        assert run.data.params["task"] == document["task"]["name"]
        assert run.data.params["seed"] == str(document["config"]["seed"])
        assert run.data.params["regularizer"] == document["config"]["regularizer"]["name"]
        expected = {f"{m}/{lang}": v for lang, values in document["scores"].items()
                    for m, v in values.items()}  # fmt: skip
        expected["score"] = document["score"]
        assert run.data.metrics == pytest.approx(expected)
        assert [a.path for a in client.list_artifacts(run.info.run_id)] == [f"{name}.json"]


def test_wandb_writes_an_offline_run_per_cell(tiny_model, tmp_path, monkeypatch):
    pytest.importorskip("wandb")
    monkeypatch.setenv("WANDB_SILENT", "true")
    folder = tmp_path / "wandb"
    observers = f"observers:\n  - {{name: wandb, options: {{mode: offline, dir: '{folder}'}}}}\n"
    made = invoke("grid", _grid(tmp_path, tiny_model, observers))
    assert made.exit_code == 0, made.output
    runs = sorted(folder.glob("wandb/offline-run-*"))
    results = find(str(tmp_path / "g"))
    assert len(runs) == len(results) == 2
    for result in results:
        name = Path(result.path).stem
        (run,) = [r for r in runs if (r / "files" / f"{name}.json").is_file()]
        saved = json.loads((run / "files" / f"{name}.json").read_text("utf-8"))
        assert saved == result.document
        (log,) = run.glob("run-*.wandb")
        data = log.read_bytes()
        for text in (name, "observed", result.document["task"]["name"], "accuracy/en", "score"):
            assert text.encode() in data, text


def test_a_missing_tracker_library_is_a_clear_error(monkeypatch):
    """Built-in observers are registered without their libraries (listing imports neither:
    tests/test_listing_imports.py); building one without its library says what to install."""
    import builtins

    from xtreme_harness.errors import UsageError

    assert {"mlflow", "wandb"} <= set(get_host().registrations("observers"))
    real = builtins.__import__

    def without_wandb(name, *args, **kwargs):
        if name == "wandb" or name.startswith("wandb."):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_wandb)
    monkeypatch.delitem(__import__("sys").modules, "wandb", raising=False)
    with pytest.raises(UsageError, match=r"pip install 'xtreme-harness\[wandb\]'"):
        get_host().get("observers", "wandb")()
