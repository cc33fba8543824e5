"""The reproduction grids of grids/reproduce/ cannot rot.

Every file there must validate unchanged (offline: `--validate` reads neither models nor data),
and, with the tiny model and the bundled sample data swapped in, its whole plan must build and a
few of its cells must run end to end and write result files that record the grid's protocol. The
cells run are the ones that exercise what each grid is for (a protocol step, a shared candidate
pool, a leak, both language sets, generalised evaluation); one or two per grid keep this fast.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import REPO

from xtreme_harness.cli import cli
from xtreme_harness.grid import plan as planning
from xtreme_harness.grid import spec as specs
from xtreme_harness.grid.plan import Plan
from xtreme_harness.grid.progress import Progress
from xtreme_harness.grid.runner import run_grid
from xtreme_harness.grid.store import Store
from xtreme_harness.plugin_host import PluginHost
from xtreme_harness.registry.validation import validate

GRIDS = REPO / "grids" / "reproduce"
FILES = sorted(GRIDS.glob("*.yaml"))

SHRINK = {"source": "sample", "max_steps": 2}
"""What every grid gets for the test: sample data and two updates per stage; everything else
(batches, lengths, selection, regularizer options) stays the protocol's."""
TINY_LAYER = 2
"""Tatoeba's layer for the 2-layer tiny model (the protocols give 8 for 12 layers, 14 for 24).
Set on Tatoeba's cells only: LAReQA and Mewsli-X embed with the pooler, which takes no layer."""
SAMPLE_PER_LANGUAGE = 4
"""Intermediate examples per language (the sample data has 32 per MASSIVE locale, 28 per SIB-200
language)."""

CELLS = {
    # Tatoeba's SQuAD fine-tuning step under xtreme-r, and a shared candidate pool (embed step)
    "xtreme-r-baselines": [{"task": "tatoeba"}, {"task": "lareqa"}],
    # RS-DA with the protocol's copies, the paper's seed, generalised evaluation
    "robust-xlt-rsda": [{"task": "pawsx", "regularizer": "rs-da"}],
    # the intermediate encoder embeds Tatoeba itself; the MNLI -> XNLI cell notes its leak
    "phang2020": [
        {"task": "tatoeba", "intermediate": "xquad"},
        {"task": "xnli", "intermediate": "xnli"},
    ],
    # both language sets; Tatoeba's SQuAD step after the intermediate stage, RS-DA on QA data
    "research-question": [
        {"task": "panx", "language_set": "low-resource-diverse", "regularizer": "adversarial"},
        {"task": "tatoeba", "language_set": "high-resource", "regularizer": "rs-da"},
    ],
    "research-question-sib200": [
        {"task": "xnli", "language_set": "high-resource", "regularizer": "rs-rp"}
    ],
}
"""Grid file stem -> the cells run end to end (each: the settings the cell must have)."""


@pytest.fixture
def one_thread():
    """Torch on one thread while cells run: the tiny model gains nothing from more, and on a busy
    two-core machine torch's spinning worker threads make a cell many times slower."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def first(value):
    return value[0] if isinstance(value, list) else value


def shrunk(path: Path, model: str, host: PluginHost) -> specs.GridSpec:
    """The grid of `path` with the tiny model, sample data, one seed and two updates per stage."""
    spec = specs.load(str(path))
    values = spec.values
    for key in ("data_dir", "model_revision", "data_revision"):
        values.pop(key, None)
    values.update(SHRINK, model=model, seed=first(values.get("seed", 1)))
    if "intermediate" in values:
        values["intermediate_source"] = "sample"
        values["intermediate_max_steps"] = 2
        if "budget" in values:
            values["budget"] = SAMPLE_PER_LANGUAGE * first(values.get("languages", 1))
    tasks = values["task"] if isinstance(values["task"], list) else [values["task"]]
    for name in tasks:  # every task of a reproduction grid must have sample data
        assert "sample" in host.get("tasks", name).sources, name
    return spec


def configs(spec: specs.GridSpec, out: Path) -> list:
    """The grid's run configurations, Tatoeba's with the tiny model's layer."""
    expanded = []
    for config in specs.expand(spec, out=str(out)):
        if config.task == "tatoeba":
            overrides = dataclasses.replace(config.overrides, layer=TINY_LAYER)
            config = dataclasses.replace(config, overrides=overrides)
        expanded.append(config)
    return expanded


def matches(cell, wanted: dict) -> bool:
    config = cell.config
    stage = config.intermediate
    have = {
        "task": config.task,
        "regularizer": config.regularizer,
        "intermediate": stage.task if stage else None,
        "language_set": stage.language_set if stage else None,
    }
    return all(have[key] == value for key, value in wanted.items())


def subset(plan: Plan, wanted: list[dict]) -> Plan:
    """The first cell of `plan` matching each of `wanted`, with the steps those cells need."""
    cells = []
    for selector in wanted:
        found = [cell for cell in plan.cells if matches(cell, selector)]
        assert found, f"no cell of the grid matches {selector}"
        cells.append(found[0])
    steps = {key: plan.steps[key] for cell in cells for key in cell.steps.values()}
    return Plan(cells=cells, steps=steps)


def test_every_grid_file_is_tested():
    assert FILES, "grids/reproduce/ has no grid files"
    assert sorted(path.stem for path in FILES) == sorted(CELLS)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_grid_validates_unchanged(path):
    result = invoke("grid", path, "--validate")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("valid: ")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_grid_header_says_what_protocol_and_how_to_run(path):
    header = path.read_text(encoding="utf-8").split("\nname:")[0]
    assert header.startswith("# ")
    assert all(line.startswith("#") for line in header.splitlines())
    protocol = specs.load(str(path)).values["protocol"]
    assert f"# Protocol: {protocol}" in header
    assert f"xharness grid grids/reproduce/{path.name}" in header
    assert f"--out runs/{path.stem}" in header


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_grid_runs_end_to_end_on_the_tiny_model(path, tiny_model, tmp_path, one_thread):
    host = PluginHost()
    spec = shrunk(path, tiny_model, host)
    protocol = spec.values["protocol"]
    out = tmp_path / path.stem
    plan = planning.build(configs(spec, out), host)
    chosen = subset(plan, CELLS[path.stem])
    executor = host.get("executors", "local")()
    progress = Progress(len(chosen.steps), live=False)
    report = run_grid(chosen, Store(str(out)), executor, progress, host=host)
    assert not report.failures, [(o.key, o.error) for o in report.failures]
    assert len(report.results) == len(chosen.cells)
    for cell in chosen.cells:
        result_path = Path(report.results[cell.id])
        assert result_path.parent == out / "results"
        result = json.loads(result_path.read_text(encoding="utf-8"))
        validate(result, "result", source=str(result_path))
        assert result["protocol"]["name"] == protocol
        assert result["task"]["name"] == cell.config.task
        assert result["evaluation"], "no language was evaluated"
        for entry in result["evaluation"].values():
            assert (out / entry["predictions"]).is_file()
        departed = {departure["setting"] for departure in result["departures"]}
        assert {"model", "data"} <= departed  # the tiny model and sample data are departures
        check_cell(path.stem, cell, result, spec)


def check_cell(grid: str, cell, result: dict, spec: specs.GridSpec) -> None:
    """What each grid's cells are there for."""
    config = cell.config
    if config.task == "tatoeba":  # xtreme-r fine-tunes on SQuAD first; phang2020 does not
        tuned = {"xtreme-r": "xquad", "phang2020": None}[spec.values["protocol"]]
        assert result["config"]["fine_tune_on"] == tuned
        assert bool(result["training"]["phases"]) == (tuned is not None)
    if grid == "robust-xlt-rsda":
        assert config.seed == 7  # the released scripts' seed
        assert result["config"]["regularizer"]["name"] == "rs-da"
        assert result["config"]["regularizer"]["options"]["num"] == 10  # PAWS-X's copies
        assert result["generalized"]["accuracy"]  # every ordered pair of languages
    if grid == "phang2020" and config.task == config.intermediate.task:
        assert any("leaks into the evaluation" in note for note in result["notes"])
    if grid.startswith("research-question"):
        allocation = result["intermediate"]["allocation"]
        assert allocation["total_examples"] == allocation["budget"] == spec.values["budget"]
        assert len(allocation["languages"]) == spec.values["languages"]
