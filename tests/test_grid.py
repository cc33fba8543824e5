"""`xharness grid`: specs, plans of shared steps, the run folder, resume, failures, executors."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from helpers import REPO

from xtreme_harness import hookimpl
from xtreme_harness.cli import cli
from xtreme_harness.grid import plan as planning
from xtreme_harness.grid import spec as specs
from xtreme_harness.grid.store import Store
from xtreme_harness.interfaces.regularizer import Regularizer
from xtreme_harness.plugin_host import PluginHost
from xtreme_harness.registry.validation import validate

HOST = PluginHost()
SMALL = [
    "--source", "sample", "--tasks", "xnli,udpos", "--intermediate", "massive",
    "--language-sets", "high-resource,low-resource-diverse", "--languages", "3",
    "--budget", "30", "--intermediate-max-steps", "2", "--regularizers", "none,rs-rp",
    "--max-steps", "2", "--eval-languages", "en,de",
]  # fmt: skip


def grid_args(model, out, *extra):
    return ["grid", "--model", model, *SMALL, "--out", str(out), *extra]


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def write(tmp_path, text, name="grid.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_plan_shares_the_intermediate_step_across_tasks_and_regularizers(tiny_model):
    options = {"model": tiny_model, "source": "sample", "task": "xnli,udpos",
               "intermediate": "massive", "language_set": "high-resource,low-resource-diverse",
               "languages": "3", "budget": "30", "regularizer": "none,rs-rp:scale=0.05",
               "seed": "1,2"}  # fmt: skip
    plan = planning.build(specs.expand(specs.from_flags(options), out="x"), HOST)
    assert len(plan.cells) == 2 * 2 * 2 * 2
    assert plan.count() == {"translate": 0, "intermediate": 4, "finetune": 16, "shots": 0,
                            "embed": 0, "evaluate": 16}  # fmt: skip
    by_set = {}
    for cell in plan.cells:
        by_set.setdefault((cell.config.intermediate.language_set, cell.config.seed), set()).add(
            cell.steps["intermediate"]
        )
    assert all(len(keys) == 1 for keys in by_set.values())  # one per set and seed
    rs_rp = next(c for c in plan.cells if c.config.regularizer == "rs-rp")
    settings = plan.steps[rs_rp.steps["finetune"]].config["settings"]
    assert settings["regularizer"]["options"]["scale"] == 0.05
    again = planning.build(specs.expand(specs.from_flags(options), out="elsewhere"), HOST)
    assert [c.steps for c in again.cells] == [c.steps for c in plan.cells]  # keys are content


def test_a_fine_tuning_that_reads_the_evaluation_languages_is_keyed_by_them(tiny_model):
    """Cells that evaluate other languages share the fine-tuning when it does not read them
    (selection on English) and do not when it does: selection on the targets' development data
    (XGLUE's rule), or translate-train-all's translations into them."""
    from xtreme_harness.config.run import RunConfig

    def key(task, languages, **options):
        config = RunConfig(model=tiny_model, task=task, source="sample", out="x",
                           eval_languages=languages, **options)  # fmt: skip
        return planning.build([config], HOST).cells[0].steps["finetune"]

    assert key("xnli", ("en", "de")) == key("xnli", ("en", "fr"))
    assert key("nc", ("en", "de")) != key("nc", ("en", "fr"))  # target-dev
    translated = {"setting": "translate-train-all", "translator": "dictionary",
                  "translator_options": {"folder": str(REPO / "plugins" / "xtreme_r" / "sample"
                                                       / "lexicons")}}  # fmt: skip
    assert key("xnli", ("en", "de"), **translated) != key("xnli", ("en", "fr"), **translated)


def test_cells_without_intermediate_drop_language_set_settings(tiny_model):
    options = {"model": tiny_model, "source": "sample", "task": "xnli",
               "intermediate": "none,massive", "language_set": "random,high-resource",
               "languages": "2"}  # fmt: skip
    configs = specs.expand(specs.from_flags(options), out="x")
    assert sum(c.intermediate is None for c in configs) == 1
    assert len(configs) == 3


def test_grid_file_and_flags_agree(tiny_model, tmp_path):
    path = write(
        tmp_path,
        f"""
model: {tiny_model}
source: sample
tasks: [xnli, udpos]
intermediate: massive
language_sets: [high-resource, low-resource-diverse]
languages: 3
budget: 30
regularizers:
  - none
  - name: rs-rp
    options: {{scale: 0.05}}
seeds: [1, 2]
eval_languages: [en, de]
""",
    )
    from_file = planning.build(specs.expand(specs.load(path), out="x"), HOST)
    flags = {"model": tiny_model, "source": "sample", "task": "xnli,udpos",
             "intermediate": "massive", "language_set": "high-resource,low-resource-diverse",
             "languages": "3", "budget": "30", "regularizer": "none,rs-rp:scale=0.05",
             "seed": "1,2", "eval_languages": "en,de"}  # fmt: skip
    from_flags = planning.build(specs.expand(specs.from_flags(flags), out="x"), HOST)
    assert sorted(from_file.steps) == sorted(from_flags.steps)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tasks: [xnli]\nregularisers: [none]\n", "grid.yaml:2: regularisers: unknown key "
         "'regularisers'; did you mean: regularizers"),
        ("tasks: [xnli]\nseeds: [1, two]\n", "grid.yaml:2: seeds[1]: expected an integer, found "
         "'two'"),
        ("tasks: [xnli]\nseeds: abc\n", "grid.yaml:2: seeds: expected an integer (or a list of "
         "them), found 'abc'"),
        ("tasks: [xnli]\nepochs: 0\n", "grid.yaml:2: epochs: expected a value greater than 0, "
         "found 0"),
        ("tasks: [xnli]\nepochs: [3, -1]\n", "grid.yaml:2: epochs[1]: expected a value greater "
         "than 0, found -1"),
        ("tasks: [xnli]\nlearning_rate: 0\n", "grid.yaml:2: learning_rate: expected a value "
         "greater than 0, found 0"),
        ("tasks: [xnli]\n\nintermediate_learning_rate: -1e-5\n", "grid.yaml:3: "
         "intermediate_learning_rate: expected a value greater than 0, found -1e-05"),
        ("tasks: [xnli]\nintermediate_epochs: 0\n", "grid.yaml:2: intermediate_epochs: expected "
         "a value greater than 0, found 0"),
        ("tasks: [xnli]\nlearning_rate: [2e-5, .nan]\n", "grid.yaml:2: learning_rate[1]: "
         "expected a finite number, found nan"),
        ("tasks: [xnli]\nwarmup_ratio: 1.5\n", "grid.yaml:2: warmup_ratio: expected at most 1, "
         "found 1.5"),
        ("tasks: [xnli]\nsource: [sample, hubb]\n", "grid.yaml:2: source[1]: expected one of "
         "hub, xtreme, sample, found 'hubb'"),
        ("tasks: [xnli]\nregularizer_options: [scale]\n", "grid.yaml:2: regularizer_options[0]: "
         "expected KEY=VALUE, found 'scale'"),
        ("tasks: [xnli]\nregularizer: {name: rs-rp, option: {}}\n", "grid.yaml:2: regularizer: "
         "unknown key 'option'; expected the keys name, options"),
        ("tasks: [xnli]\nmodel: m\nexecutor: {name: local, options: {jobs: 0}}\n", "grid.yaml:3: "
         "executor.options.jobs: parameter 'jobs' of executor 'local': expected at least 1"),
        ("tasks: [xnli]\nmodel: m\nexecutor:\n  name: local\n  options:\n    jobz: 2\n",
         "grid.yaml:6: executor.options.jobz: unknown parameter of executor 'local' 'jobz'"),
        ("tasks: [xnli]\nmodel: m\nexecutor: lokal\n", "grid.yaml:3: executor: unknown executor "
         "'lokal'; did you mean: local"),
        ("tasks: [xnli, pan-x]\nmodel: m\nsource: sample\n", "grid.yaml:1: tasks[1]: unknown task "
         "'pan-x'; did you mean: panx"),
        ("tasks: xnli\nmodel: m\nregularizers: [none, {name: rs-pr}]\n",
         "grid.yaml:3: regularizers[1]: unknown regularizer 'rs-pr'; did you mean: rs-rp"),
        ("tasks: [xnli]\nbudget: 0\n", "grid.yaml:2: budget: expected at least 1, found 0"),
        ("tasks: [xnli]\nmodel: m\nregularizers:\n  - none\n  - name: rs-rp\n"
         "    options: {scael: 0.01}\n", "grid.yaml:6: regularizers[1].options.scael: unknown "
         "parameter of regularizer 'rs-rp' 'scael'; did you mean: scale?"),
        ("tasks: [xnli]\nmodel: m\nregularizer:\n  name: rs-rp\n  options:\n    scale: -3\n",
         "grid.yaml:6: regularizer.options.scale: parameter 'scale' of regularizer 'rs-rp': "
         "expected a value greater than 0.0, got -3"),
        ("tasks: [xnli]\nmodel: m\nintermediate: massive\nlanguage_set: high-resource\n"
         "language_set_options:\n  - threshold=2\n  - k=3\n", "grid.yaml:7: "
         "language_set_options[1]: unknown parameter of language set 'high-resource' 'k'"),
        ("tasks: [xnli]\nseeds: []\n", "grid.yaml:2: seeds: expected at least 1 value(s), found "
         "an empty list"),
        ("- xnli\n", "expected a mapping"),
        ("tasks: [xnli\n", "not valid YAML"),
    ],
)  # fmt: skip
def test_bad_grid_files_name_line_and_key(tmp_path, text, message):
    path = write(tmp_path, text)
    result = invoke("grid", path, "--validate")
    assert result.exit_code in (1, 2), result.output
    assert message.replace("grid.yaml", path) in result.output or message in result.output


def test_validate_and_dry_run(tiny_model, tmp_path):
    result = invoke(*grid_args(tiny_model, tmp_path / "g", "--validate"))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("valid: 8 cells, 18 steps (2 intermediate, 8 finetune")
    result = invoke(*grid_args(tiny_model, tmp_path / "g", "--dry-run"))
    assert "18 unique steps for 8 cells (6 shared)" in result.output
    assert "to do" in result.output
    assert not (tmp_path / "g").exists()


def test_grid_runs_resumes_and_never_recomputes(tiny_model, tmp_path):
    out = tmp_path / "g"
    result = invoke(*grid_args(tiny_model, out))
    assert result.exit_code == 0, result.output
    assert "8/8 cells finished; 18 steps run here, 0 by another process, 0 reused" in result.output
    store = Store(str(out))
    assert len(store.executions()) == 18
    results = sorted((out / "results").glob("*.json"))
    assert len(results) == 8
    for path in results:
        document = json.loads(path.read_text(encoding="utf-8"))
        validate(document, "result", source=str(path))
        for entry in document["evaluation"].values():
            assert (out / entry["predictions"]).is_file()
    before = {p: p.read_bytes() for p in results}
    again = invoke(*grid_args(tiny_model, out))
    assert "0 steps run here, 0 by another process, 18 reused" in again.output
    assert len(store.executions()) == 18
    assert {p: p.read_bytes() for p in results} == before


class Explode(Regularizer):
    name = "explode"
    description = "Fails on UD-POS."

    def loss(self, model, batch, ctx):
        if batch["input_ids"].dim() == 2 and "labels" in batch and batch["labels"].dim() == 2:
            raise RuntimeError("tagging is not allowed here")
        return ctx.forward(model, batch).loss


class ExplodePlugin:
    @hookimpl
    def xharness_register_regularizers(self, register):
        register(Explode)


def test_failed_step_is_recorded_and_the_rest_goes_on(tiny_model, tmp_path, use_host):
    use_host(("explode", ExplodePlugin()), entry_points=True)
    out = tmp_path / "g"
    args = ["grid", "--model", tiny_model, "--source", "sample", "--tasks", "xnli,udpos",
            "--regularizer", "explode", "--max-steps", "2", "--eval-languages", "en",
            "--out", out]  # fmt: skip
    result = invoke(*args)
    assert result.exit_code == 1
    assert "1/2 cells finished" in result.output
    assert "failed fi-" in result.output and "tagging is not allowed here" in result.output
    assert "skipped ev-" in result.output
    store = Store(str(out))
    failed = [e for e in store.executions() if e["status"] == "failed"]
    assert len(failed) == 1
    (step_dir,) = [d for d in (out / "steps").iterdir() if (d / "error.txt").exists()]
    assert "RuntimeError" in (step_dir / "error.txt").read_text(encoding="utf-8")
    again = invoke(*args)  # the failure is reported again, not retried, saying how to retry
    assert again.exit_code == 1
    assert (
        "tagging is not allowed here (failed in an earlier run; `xharness grid ... --rerun "
        "failed` runs it again)" in again.output
    )
    assert len([e for e in store.executions() if e["status"] == "failed"]) == 1
    invoke(*args, "--rerun", "failed")
    assert len([e for e in store.executions() if e["status"] == "failed"]) == 2


def test_fail_fast_starts_nothing_after_a_failure(tiny_model, tmp_path, use_host):
    use_host(("explode", ExplodePlugin()), entry_points=True)
    result = invoke("grid", "--model", tiny_model, "--source", "sample", "--tasks", "udpos,xnli",
                    "--regularizer", "explode", "--max-steps", "2", "--eval-languages", "en",
                    "--out", tmp_path / "g", "--fail-fast")  # fmt: skip
    assert result.exit_code == 1
    assert "0/2 cells finished" in result.output
    assert "not started after a failure" in result.output


def _killed_then_resumed(tiny_model, tmp_path):
    out = tmp_path / "g"
    command = [sys.executable, "-c", "from xtreme_harness.cli import main; main()",
               *grid_args(tiny_model, out)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)  # fmt: skip
    store = Store(str(out))
    deadline = time.time() + 120
    while len(store.executions()) < 5 and time.time() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return out, store


def test_a_killed_grid_resumes_without_recomputing(tiny_model, tmp_path):
    out, store = _killed_then_resumed(tiny_model, tmp_path)
    finished = {e["key"]: e for e in store.executions()}
    assert 5 <= len(finished) < 18
    records = {key: (out / "steps" / key / "step.json").read_bytes() for key in finished}
    result = subprocess.run(
        [sys.executable, "-c", "from xtreme_harness.cli import main; main()",
         *grid_args(tiny_model, out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    executions = store.executions()
    assert len(executions) == 18  # every step ran exactly once over both runs
    assert len({e["key"] for e in executions}) == 18
    for key, record in records.items():
        assert (out / "steps" / key / "step.json").read_bytes() == record
    assert not [p for p in (out / "steps").iterdir() if p.name.startswith(".tmp-")]
    for path in (out / "results").glob("*"):
        assert path.suffix == ".json"
        validate(json.loads(path.read_text(encoding="utf-8")), "result", source=str(path))
    assert len(list((out / "results").glob("*.json"))) == 8


def test_two_processes_share_a_run_folder(tiny_model, tmp_path):
    out = tmp_path / "g"
    command = [sys.executable, "-c", "from xtreme_harness.cli import main; main()",
               *grid_args(tiny_model, out)]  # fmt: skip
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outputs = [process.communicate()[0] for process in (first, second)]
    assert first.returncode == 0 and second.returncode == 0
    executions = Store(str(out)).executions()
    assert sorted(e["key"] for e in executions) == sorted({e["key"] for e in executions})
    assert len(executions) == 18
    # each process counts its own steps apart from those the other one ran
    counts = [re.search(r"(\d+) steps run here, (\d+) by another process, (\d+) reused", text)
              for text in outputs]  # fmt: skip
    here, elsewhere, reused = zip(*[[int(n) for n in match.groups()] for match in counts],
                                  strict=True)  # fmt: skip
    assert sum(here) == 18
    assert [h + e + r for h, e, r in zip(here, elsewhere, reused, strict=True)] == [18, 18]
    by_invocation = {e["invocation"] for e in executions}
    assert len(by_invocation) == (2 if all(here) else 1)


def _stripped(document):
    if isinstance(document, dict):
        return {k: _stripped(v) for k, v in document.items()
                if k not in ("seconds", "timings", "provenance")}  # fmt: skip
    if isinstance(document, list):
        return [_stripped(v) for v in document]
    return document


def _results(out):
    return {p.name: _stripped(json.loads(p.read_text(encoding="utf-8")))
            for p in sorted((out / "results").glob("*.json"))}  # fmt: skip


def test_worker_processes_and_ray_give_the_same_results(tiny_model, tmp_path):
    pytest.importorskip("ray")
    args = [
        "grid",
        "--model",
        tiny_model,
        "--source",
        "sample",
        "--tasks",
        "xnli,udpos",
        "--intermediate",
        "massive",
        "--language-set",
        "low-resource-diverse",
        "--languages",
        "2",
        "--budget",
        "20",
        "--intermediate-max-steps",
        "2",
        "--regularizers",
        "none,rs-rp",
        "--max-steps",
        "2",
        "--eval-languages",
        "en,hi",
    ]
    base = [sys.executable, "-c", "from xtreme_harness.cli import main; main()", *args]
    env = {**os.environ, "RAY_AUTH_MODE": "disabled"}
    for name, extra in (("jobs", ["--jobs", "2"]), ("ray", ["--executor", "ray"])):
        done = subprocess.run([*base, "--out", str(tmp_path / name), *extra], env=env,
                              capture_output=True, text=True, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
    jobs, ray = _results(tmp_path / "jobs"), _results(tmp_path / "ray")
    assert len(jobs) == 4 and jobs == ray


def test_the_demo_grids_are_valid():
    for name in ("demo.yaml", "tasks.yaml"):
        result = invoke("grid", REPO / "grids" / name, "--validate")
        assert result.exit_code == 0, result.output


def test_the_grid_schema_in_the_registry_is_current():
    shipped = json.loads((REPO / "registry" / "schemas" / "grid.schema.json").read_text("utf-8"))
    assert shipped == specs.grid_schema()


def test_local_workers_take_one_gpu_each(monkeypatch):
    import queue

    import torch

    from xharness_plugins.executors.local import Local, _take_gpu

    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "3,5")
    assert Local(jobs=2)._gpus() == ["3", "5"]
    assert Local(jobs=2, gpus="1")._gpus() == ["1"]
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES")
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert Local(jobs=4)._gpus() == ["0", "1"]
    ids = queue.Queue()
    for gpu in ("0", "1"):
        ids.put(gpu)
    seen = []
    for _ in range(3):  # a third worker finds no GPU left
        _take_gpu(ids)
        seen.append(os.environ["CUDA_VISIBLE_DEVICES"])
    assert seen == ["0", "1", ""]


def test_a_retry_replaces_a_failed_record_of_its_own_grid_run_only(tmp_path):
    """`execute_step(..., again=True)` (an executor retrying) runs a step that failed in the same
    grid run once more; a failure recorded by another grid run is reported, not run."""
    from xtreme_harness.grid.worker import StepFailed, execute_step
    from xtreme_harness.interfaces.executor import Step

    step = Step("k1", "finetune", config={"run": {"no_such_field": 1}, "settings": {}})
    store = Store(str(tmp_path))
    os.makedirs(store.path("steps"))
    with pytest.raises(StepFailed, match="no_such_field"):
        execute_step(str(tmp_path), step, "first")
    with pytest.raises(StepFailed, match="failed in another process"):
        execute_step(str(tmp_path), step, "second", again=True)
    with pytest.raises(StepFailed, match="failed in another process"):
        execute_step(str(tmp_path), step, "first")
    assert len(store.executions()) == 1
    with pytest.raises(StepFailed, match="no_such_field") as retried:
        execute_step(str(tmp_path), step, "first", again=True)
    assert "another process" not in str(retried.value)
    assert [e["status"] for e in store.executions()] == ["failed", "failed"]
    assert store.record("k1")["status"] == "failed"
