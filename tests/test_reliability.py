"""Reliability: what a hostile user or a failing machine does to a grid, and what it must not
cost (docs/grid.md, "What survives what"). The chaos test itself is scripts/chaos.py."""

from __future__ import annotations

import csv
import errno
import importlib.util
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import REPO, make_installed_plugin, run_xharness

from xtreme_harness.atomic import read_json, write_text
from xtreme_harness.cli import cli, main
from xtreme_harness.config.options import OPTIONS
from xtreme_harness.errors import DataError, XHarnessWarning
from xtreme_harness.grid.store import Store
from xtreme_harness.interfaces.table_format import Cell, Table
from xtreme_harness.registry.validation import load_schema

GRID = ["--source", "sample", "--tasks", "xnli,panx", "--max-steps", "2",
        "--eval-languages", "en,de"]  # fmt: skip


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _chaos():
    """scripts/chaos.py as a module (its helpers that read /proc)."""
    spec = importlib.util.spec_from_file_location("chaos", REPO / "scripts" / "chaos.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("chaos", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def finished(tiny_model, tmp_path_factory):
    """A finished grid of two cells (xnli, panx), kept pristine: tests work on copies."""
    out = tmp_path_factory.mktemp("finished") / "g"
    result = invoke("grid", "--model", tiny_model, *GRID, "--out", out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def grid_copy(finished, tmp_path):
    copy = tmp_path / "g"
    shutil.copytree(finished, copy)
    return copy


def _results(out: Path) -> list[Path]:
    return sorted((out / "results").glob("*.json"))


# -- 1. workers end with the grid process ------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_exit_when_the_grid_process_is_killed(tiny_model, tmp_path):
    """SIGKILL (the OOM killer's way) of `xharness grid --jobs 2` ends its workers too: they
    neither finish their step nor wait for work, holding memory and a GPU."""
    chaos = _chaos()
    out = tmp_path / "g"
    command = [sys.executable, "-m", "xtreme_harness", "grid", "--model", tiny_model, *GRID,
               "--max-steps", "200", "--jobs", "2", "--out", str(out)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        workers = []
        while time.monotonic() < deadline and not (workers and chaos.workspaces(out)):
            time.sleep(0.1)
            workers = chaos.workers(process.pid)
        assert workers and chaos.workspaces(out), "no worker started a step"
        started = {pid: chaos._stat(pid)[1] for pid in workers}
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(chaos.alive(*item) for item in started.items()):
            time.sleep(0.1)
        assert not [pid for pid, began in started.items() if chaos.alive(pid, began)]
    finally:
        for pid in chaos.descendants(process.pid):
            os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    # the steps the workers had started were not recorded: the next run does them
    assert not [e for e in Store(str(out)).executions() if e["stage"] == "finetune"]


def test_a_dead_worker_is_reported_as_such():
    """A worker killed on its own breaks the local executor's pool; its steps (and the other
    workers') are reported as not finished, saying why, not as a BrokenProcessPool."""
    import concurrent.futures
    from concurrent.futures.process import BrokenProcessPool

    from xharness_plugins.executors.local import WorkerDied, _error_of

    future = concurrent.futures.Future()
    future.set_exception(BrokenProcessPool("A process in the process pool was terminated"))
    error = _error_of(future)
    assert isinstance(error, WorkerDied) and "a worker process died" in str(error)
    assert "run the grid again" in str(error)
    plain = concurrent.futures.Future()
    plain.set_exception(ValueError("x"))
    assert isinstance(_error_of(plain), ValueError)


def test_finishing_a_step_removes_copies_that_dead_processes_left(tmp_path):
    """Only the holder of a step's lock builds it, so when it commits, every other workspace of
    that step was left by a process that died; workspaces of other steps stay."""
    store = Store(str(tmp_path))
    os.makedirs(store.path("steps"))
    stale = Path(store.path("steps", ".tmp-fi-0123-4242"))
    other = Path(store.path("steps", ".tmp-fi-9999-4242"))
    for folder in (stale, other):
        folder.mkdir()
        (folder / "half.bin").write_bytes(b"x")
    with store.lock("fi-0123"):
        workspace = store.workspace("fi-0123")
        store.commit("fi-0123", workspace, {"status": "done"})
    assert not stale.exists() and other.exists()
    assert store.record("fi-0123") == {"status": "done"}
    assert store.clean() == [other.name] and not other.exists()


# -- 2. invalid values are refused where they are written --------------------------------------


@pytest.mark.parametrize(
    ("flag", "value", "expected"),
    [
        ("--learning-rate", "-1", "expected a value greater than 0, found -1.0"),
        ("--learning-rate", "0", "expected a value greater than 0, found 0.0"),
        ("--epochs", "0", "expected a value greater than 0, found 0.0"),
        ("--epochs", "nan", "expected a finite number, found nan"),
        ("--intermediate-learning-rate", "-2e-5", "expected a value greater than 0"),
        ("--intermediate-epochs", "-1", "expected a value greater than 0"),
        ("--warmup-ratio", "inf", "expected a finite number"),
    ],
)  # fmt: skip
def test_run_refuses_invalid_numbers_before_any_work(tmp_path, flag, value, expected):
    result = run_xharness("run", "--model", "m", "--task", "xnli", "--source", "sample", flag,
                          value, "--out", str(tmp_path / "r"))  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert f"Invalid value for '{flag}'" in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "r").exists()


RECIPE_NAMES = {"grad_accum": "gradient_accumulation", "intermediate_epochs": "epochs",
                "intermediate_learning_rate": "learning_rate"}  # fmt: skip


def test_every_option_is_at_least_as_strict_as_the_result_schema():
    """A value that passes the command line or a grid file never fails the result schema when
    the cell's result is assembled, after all its training."""
    recipe = load_schema("result")["$defs"]["recipe"]["properties"]
    checked = 0
    for option in OPTIONS:
        rule = recipe.get(RECIPE_NAMES.get(option.name, option.name))
        if rule is None or option.type not in (int, float):
            continue
        checked += 1
        if "minimum" in rule:
            lowest = option.minimum if option.minimum is not None else option.above
            assert lowest is not None and lowest >= rule["minimum"], option.name
        if "exclusiveMinimum" in rule:
            assert (option.above is not None and option.above >= rule["exclusiveMinimum"]) or (
                option.minimum is not None and option.minimum > rule["exclusiveMinimum"]
            ), option.name
    assert checked >= 15


def test_a_cell_whose_result_cannot_be_written_does_not_block_the_others(tiny_model, grid_copy):
    """Its steps are done; assembling its result fails (here: a step record edited to hold a
    value the result schema refuses). The other cell's result is written, the failure named,
    and the command exits 1."""
    for path in _results(grid_copy):
        path.unlink()
    store = Store(str(grid_copy))
    (broken,) = [e["key"] for e in store.executions() if e["stage"] == "evaluate"
                 and store.record(e["key"])["settings"]["task"] == "xnli"]  # fmt: skip
    record_path = grid_copy / "steps" / broken / "step.json"
    record = json.loads(record_path.read_text(encoding="utf-8"))
    record["outputs"]["evaluation"]["en"]["examples"] = -1
    record_path.write_text(json.dumps(record), encoding="utf-8")
    result = invoke("grid", "--model", tiny_model, *GRID, "--out", grid_copy)
    assert result.exit_code == 1
    assert "1 cells finished but have no result file" in result.output
    assert "xnli-none-s1" in result.output and "-1 is less than the minimum of 0" in result.output
    assert [p.name.split("-")[0] for p in _results(grid_copy)] == ["panx"]


def test_yaml_exponents_without_a_dot_are_numbers(tmp_path):
    """PyYAML reads ``1e-5`` as text (YAML 1.1 wants ``1.0e-5``); grid files take it as the
    number it is meant to be."""
    from xtreme_harness.grid import spec as specs

    path = tmp_path / "g.yaml"
    path.write_text("tasks: [xnli]\nlearning_rate: [1e-5, 3E-5, 2.0e-5]\n", encoding="utf-8")
    assert specs.load(str(path)).values["learning_rate"] == [1e-5, 3e-5, 2e-5]


# -- 3. paths in step records stay in the step's folder -----------------------------------------


def test_a_step_record_that_points_elsewhere_is_refused(tiny_model, grid_copy):
    store = Store(str(grid_copy))
    tuned = [e["key"] for e in store.executions() if e["stage"] == "finetune"]
    for key in tuned:
        path = grid_copy / "steps" / key / "step.json"
        record = json.loads(path.read_text(encoding="utf-8"))
        record["outputs"]["model"] = "../../../../../etc"
        path.write_text(json.dumps(record), encoding="utf-8")
    for path in grid_copy.glob("steps/ev-*"):
        shutil.rmtree(path)
    for path in _results(grid_copy):
        path.unlink()
    result = invoke("grid", "--model", tiny_model, *GRID, "--out", grid_copy)
    assert result.exit_code == 1
    assert (
        "field 'outputs.model': '../../../../../etc' is outside the step's folder" in result.output
    )


# -- 4. clear errors where tracebacks were --------------------------------------------------------


def test_a_read_only_run_folder_is_a_clear_error(tiny_model, tmp_path, monkeypatch, capsys):
    """Writing into the run folder fails (a read-only file system; as root, permissions do
    not stop writes, so the file system's answer is simulated)."""
    out = tmp_path / "g"
    out.mkdir()
    makedirs = os.makedirs

    def read_only(path, *args, **kwargs):
        if str(path).startswith(str(out)):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return makedirs(path, *args, **kwargs)

    monkeypatch.setattr(os, "makedirs", read_only)
    with pytest.raises(SystemExit) as ended:
        main(["grid", "--model", tiny_model, *GRID, "--out", str(out)])
    assert ended.value.code == 1
    error = capsys.readouterr().err
    assert f"Error: {out}/steps: Read-only file system (the folder is on a read-only file" in error
    assert "Traceback" not in error


def test_a_finished_grid_on_a_read_only_folder_still_shows_its_table(
    tiny_model, grid_copy, monkeypatch
):
    """Re-running a finished grid writes nothing, so it needs no lock and no write access."""

    def no_writes(self, key):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), self.path("locks", f"{key}.lock"))

    monkeypatch.setattr(Store, "lock", no_writes)
    monkeypatch.setattr(Store, "check_writable", lambda self: no_writes(self, "probe"))
    result = invoke("grid", "--model", tiny_model, *GRID, "--out", grid_copy)
    assert result.exit_code == 0, result.output
    assert "2/2 cells finished; 0 steps run here, 0 by another process, 4 reused" in result.output


def test_a_corrupt_result_file_is_written_again_from_the_steps(tiny_model, grid_copy):
    path = _results(grid_copy)[0]
    original = json.loads(path.read_text(encoding="utf-8"))
    path.write_text('{"broken', encoding="utf-8")
    with pytest.warns(XHarnessWarning) as warned:
        result = invoke("grid", "--model", tiny_model, *GRID, "--out", grid_copy)
    assert result.exit_code == 0, result.output
    (warning,) = [str(w.message) for w in warned]
    assert warning.startswith(f"{path}:1: not valid JSON (result file)")
    assert warning.endswith("writing it again from the finished steps")
    assert "0 steps run here, 0 by another process, 4 reused" in result.output
    rebuilt = json.loads(path.read_text(encoding="utf-8"))
    assert rebuilt["provenance"]["steps"] == original["provenance"]["steps"]
    assert {**rebuilt, "provenance": None} == {**original, "provenance": None}


def test_export_of_results_whose_predictions_are_gone(grid_copy, tmp_path):
    """A clear error naming the result and the field; nothing is written, so once the file is
    back the same export works."""
    result_path = _results(grid_copy)[0]
    document = json.loads(result_path.read_text(encoding="utf-8"))
    gone = grid_copy / document["evaluation"]["de"]["predictions"]
    kept = gone.read_bytes()
    gone.unlink()
    out = tmp_path / "submission"
    result = invoke("export", grid_copy, "--out", out)
    assert result.exit_code == 1
    assert f"{result_path}: field 'evaluation.de.predictions'" in result.output
    assert "is missing" in result.output
    assert not out.exists() and not list(tmp_path.glob(".tmp-*"))
    gone.write_bytes(kept)
    result = invoke("export", grid_copy, "--out", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.rglob("*.*")) == sorted(
        ["test-en.tsv", "test-de.tsv", "test-en.tsv", "test-de.tsv"]
    )


@pytest.mark.parametrize("command", ["run", "grid"])
def test_a_model_folder_that_does_not_exist_is_named(tmp_path, command):
    model = str(tmp_path / "no-such-model")
    task = ["--task", "xnli"] if command == "run" else ["--tasks", "xnli"]
    result = run_xharness(command, "--model", model, *task, "--source", "sample",
                          "--out", str(tmp_path / "out"))  # fmt: skip
    assert result.returncode == 1
    assert f"Error: {model}: the model folder does not exist" in result.stderr
    assert "Repo id" not in result.stderr and "Traceback" not in result.stderr


# -- 5. the reader is as strict as the writer ----------------------------------------------------


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_in_a_result_file_are_refused(grid_copy, constant):
    path = _results(grid_copy)[0]
    text = path.read_text(encoding="utf-8")
    metric = next(iter(json.loads(text)["scores"]["en"]))
    number = json.dumps(json.loads(text)["scores"]["en"][metric])
    path.write_text(text.replace(f'"{metric}": {number}', f'"{metric}": {constant}', 1), "utf-8")
    result = invoke("tables", grid_copy)
    assert result.exit_code == 1
    assert f"{path}: field 'scores.en.{metric}': {constant} is not a number" in result.output


def test_non_finite_numbers_in_a_step_record_are_refused(tmp_path):
    path = tmp_path / "step.json"
    path.write_text('{"outputs": {"seconds": [1.5, NaN]}}', encoding="utf-8")
    with pytest.raises(DataError, match=r"field 'outputs.seconds.1': NaN is not a number"):
        read_json(path, "step record")


# -- 6. shared run folders ------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_follow_the_umask(tiny_model, tmp_path):
    previous = os.umask(0o002)
    try:
        out = tmp_path / "g"
        result = invoke("grid", "--model", tiny_model, "--source", "sample", "--tasks", "xnli",
                        "--max-steps", "1", "--eval-languages", "en", "--out", out)  # fmt: skip
        assert result.exit_code == 0, result.output
        os.umask(0o077)
        write_text(tmp_path / "private.txt", "x")
    finally:
        os.umask(previous)
    kept = [*_results(out), *out.glob("steps/*/step.json"), *out.glob("steps/*/predictions/*/*")]
    assert len(kept) >= 5
    assert {path.name: _mode(path) for path in kept} == {path.name: 0o664 for path in kept}
    assert _mode(tmp_path / "private.txt") == 0o600


# -- 7. CSV that a spreadsheet will not run ------------------------------------------------------


def test_csv_neutralises_formulas_but_not_numbers():
    from xharness_plugins.formats.csv_file import Csv

    labels = ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx", "plain"]
    table = Table(
        title="t",
        columns=("=model", "xnli"),
        rows=tuple((Cell(text=label), Cell(mean=-1.25, n=1)) for label in labels),
        digits=2,
    )
    rows = list(csv.reader(io.StringIO(Csv(std="false").render(table), newline="")))
    assert rows[0] == ["'=model", "xnli", "xnli n"]
    neutral = ["'" + label.replace("\r", "\n") for label in labels[:-1]]
    assert [row[0] for row in rows[1:]] == [*neutral, "plain"]
    assert {row[1] for row in rows[1:]} == {"-1.25"}


# -- 8. grid-file errors: tests/test_grid.py::test_bad_grid_files_name_line_and_key ---------------

# -- 9. a plugin that calls sys.exit() ------------------------------------------------------------

EXITS_AT_IMPORT = "import sys\nsys.exit(3)\n"
EXITS_IN_A_HOOK = """
import sys
from xtreme_harness import hookimpl


@hookimpl
def xharness_register_regularizers(register):
    sys.exit("leaving")
"""


def test_a_plugin_calling_sys_exit_is_skipped(tmp_path):
    site = tmp_path / "site"
    make_installed_plugin(site, "exitsatimport", EXITS_AT_IMPORT)
    make_installed_plugin(site, "exitsinahook", EXITS_IN_A_HOOK)
    env = {"PYTHONPATH": str(site)}
    result = run_xharness("regularizers", env=env)
    assert result.returncode == 0, result.stderr
    assert "rs-rp" in result.stdout
    assert "plugin 'exitsatimport' failed to import" in result.stderr
    assert "it called sys.exit(3)" in result.stderr
    assert "plugin 'exitsinahook' failed in xharness_register_regularizers" in result.stderr
    assert "it called sys.exit('leaving')" in result.stderr
    strict = run_xharness("regularizers", env={**env, "XHARNESS_STRICT_PLUGINS": "1"})
    assert strict.returncode == 1 and "Traceback" not in strict.stderr


def test_an_interrupt_while_loading_plugins_stays_an_interrupt(tmp_path):
    """Ctrl-C while a plugin loads ends the command (click's "Aborted!"), not just the plugin."""
    site = tmp_path / "site"
    make_installed_plugin(site, "interrupts", "raise KeyboardInterrupt\n")
    result = run_xharness("regularizers", env={"PYTHONPATH": str(site)})
    assert result.returncode == 1 and result.stderr.strip() == "Aborted!"
    assert not result.stdout


# -- 10. failed steps and shared folders ------------------------------------------------------
# (tests/test_grid.py: test_failed_step_is_recorded_and_the_rest_goes_on, and
# test_two_processes_share_a_run_folder)


def test_the_chaos_script_documents_what_docs_grid_promises():
    """docs/grid.md states the guarantees in the words scripts/chaos.py checks them with."""
    guide = (REPO / "docs" / "grid.md").read_text(encoding="utf-8")
    section = guide.split("## What survives what")[1].split("\n## ")[0]
    for invariant in _chaos().INVARIANTS:
        assert f"**{invariant}**" in section, invariant
