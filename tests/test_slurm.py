"""The SLURM executor against a real single-node SLURM (scripts/ci/start-slurm.sh starts one; the
grid tests skip, saying so, where `sinfo` shows no idle node), and its handling of lost jobs on
fixed job states."""

from __future__ import annotations

import json
import pickle
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from xharness_plugins.executors.slurm import ENDED, SlurmJobLost, _Job
from xtreme_harness.cli import cli
from xtreme_harness.interfaces import Step


def _slurm_up() -> bool:
    if shutil.which("sinfo") is None:
        return False
    found = subprocess.run(["sinfo", "-h", "-N", "-o", "%T"], capture_output=True, text=True,
                           check=False)  # fmt: skip
    return found.returncode == 0 and "idle" in found.stdout


needs_slurm = pytest.mark.skipif(
    not _slurm_up(), reason="no idle SLURM node here (scripts/ci/start-slurm.sh starts one)"
)


def _live_jobs() -> set[str]:
    """Ids of the queue's jobs that are pending or running: not those completing (CG), the state
    a job is in for a moment after `scancel` before it leaves the queue."""
    listed = subprocess.run(["squeue", "-h", "-o", "%i %t"], capture_output=True, text=True,
                            check=False).stdout  # fmt: skip
    return {job for job, state in (line.split() for line in listed.splitlines()) if state != "CG"}


def _grid_file(tmp_path, tiny_model, out):
    spec = tmp_path / f"{out.name}.yaml"
    spec.write_text(
        f"model: {tiny_model}\nsource: sample\ntasks: [xnli, pawsx]\nintermediate: massive\n"
        "intermediate_languages: en,sw\nintermediate_max_steps: 1\nseeds: [1]\nmax_steps: 1\n"
        f"out: {out}\nexecutor: {{name: slurm, options: {{poll: 0.5}}}}\n",
        encoding="utf-8",
    )
    return spec


@needs_slurm
def test_a_grid_runs_as_slurm_jobs_and_resumes(tiny_model, tmp_path):
    """Two tasks after one shared intermediate step: five jobs, the shared one once; a re-run
    submits nothing."""
    out = tmp_path / "g"
    made = CliRunner().invoke(cli, ["grid", str(_grid_file(tmp_path, tiny_model, out))])
    assert made.exit_code == 0, made.output
    assert "2/2 cells finished; 5 steps run here" in made.output
    assert len(list((out / "steps").glob("in-*"))) == 1
    submitted = sorted((out / "slurm").glob("*_submitted.pkl"))
    assert len(submitted) == 5
    again = CliRunner().invoke(cli, ["grid", str(_grid_file(tmp_path, tiny_model, out))])
    assert again.exit_code == 0 and "0 steps run here, 0 by another process, 5 reused" in (
        again.output
    )  # fmt: skip
    assert sorted((out / "slurm").glob("*_submitted.pkl")) == submitted


@needs_slurm
def test_stopping_the_grid_cancels_its_jobs_and_it_resumes(tiny_model, tmp_path):
    out = tmp_path / "stopped"
    spec = _grid_file(tmp_path, tiny_model, out)
    command = [sys.executable, "-m", "xtreme_harness", "grid", str(spec)]

    # Ctrl-C reaches the grid even where this test runs in the background (a shell starts
    # background jobs with SIGINT ignored, and Python then installs no handler for it)
    def interruptible() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    grid = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=interruptible)  # fmt: skip
    try:
        for _ in range(120):
            if (out / "slurm").is_dir() and any((out / "slurm").glob("*_submitted.pkl")):
                break
            time.sleep(0.25)
        else:
            pytest.fail("no job was submitted")
        grid.send_signal(signal.SIGINT)
        said, _ = grid.communicate(timeout=60)
    finally:
        grid.kill()
    assert grid.returncode != 0, said  # what the grid printed, should it have gone on
    ours = {p.name.split("_")[0] for p in (out / "slurm").glob("*_submitted.pkl")}
    assert not ours & _live_jobs()
    resumed = CliRunner().invoke(cli, ["grid", str(spec)])
    assert resumed.exit_code == 0, resumed.output
    assert "2/2 cells finished" in resumed.output
    results = list((out / "results").glob("*.json"))
    assert len(results) == 2 and all(json.loads(p.read_text())["score"] is not None
                                     for p in results)  # fmt: skip


def _fake_job(folder: Path, job_id: str) -> SimpleNamespace:
    return SimpleNamespace(
        job_id=job_id,
        paths=SimpleNamespace(
            result_pickle=str(folder / f"{job_id}_result.pkl"), stderr=str(folder / "err")
        ),
    )


def test_a_lost_job_is_submitted_again_then_reported(tmp_path):
    """No result file and SLURM's state ended (CANCELLED): submitted again while retries last,
    then a SlurmJobLost naming the state; a result file says what the step did."""
    ids = iter(["11", "12", "13"])
    job = _Job(Step("k", "finetune"), lambda step, again: _fake_job(tmp_path, next(ids)))
    assert job.settle("RUNNING", retries=1) is False and job.job_id == "11"
    assert job.settle("CANCELLED", retries=1) is False and job.job_id == "12"  # again
    assert job.settle("CANCELLED", retries=1) is True
    assert isinstance(job.error, SlurmJobLost) and "ended CANCELLED" in str(job.error)
    assert "after 2 attempts" in str(job.error)
    failed = _Job(Step("k", "finetune"), lambda step, again: _fake_job(tmp_path, "21"))
    with open(tmp_path / "21_result.pkl", "wb") as handle:
        pickle.dump(("error", "Traceback ...\nStepFailed: DataError: train-en.tsv:3: bad"), handle)
    assert failed.settle("COMPLETED", retries=0) is True
    assert str(failed.error) == "StepFailed: DataError: train-en.tsv:3: bad (after 1 attempts)"
    done = _Job(Step("k", "finetune"), lambda step, again: _fake_job(tmp_path, "31"))
    with open(tmp_path / "31_result.pkl", "wb") as handle:
        pickle.dump(("success", 1.5), handle)
    assert done.settle(None, retries=0) is True and done.error is None
    assert {"CANCELLED", "TIMEOUT", "PREEMPTED", "NODE_FAIL"} <= ENDED


def test_a_failed_step_is_submitted_again_as_a_retry_then_reported(tmp_path):
    """A step that raised is submitted again (asking the worker to replace its failed record)
    while retries last; then its error is the outcome."""
    submitted = []

    def submit(step, again):
        submitted.append(again)
        return _fake_job(tmp_path, str(40 + len(submitted)))

    job = _Job(Step("k", "finetune"), submit)
    for job_id in ("41", "42"):
        with open(tmp_path / f"{job_id}_result.pkl", "wb") as handle:
            pickle.dump(("error", "Traceback ...\nStepFailed: RuntimeError: CUDA error"), handle)
    assert job.settle("COMPLETED", retries=1) is False and job.job_id == "42"
    assert job.settle("COMPLETED", retries=1) is True
    assert str(job.error) == "StepFailed: RuntimeError: CUDA error (after 2 attempts)"
    assert submitted == [False, True]


def test_a_malformed_sbatch_option_is_refused(tmp_path):
    pytest.importorskip("submitit")
    from xharness_plugins.executors.slurm import Slurm
    from xtreme_harness.errors import UsageError

    with pytest.raises(UsageError, match="sbatch option 'qos': expected KEY=VALUE"):
        Slurm(sbatch="qos")._executor(str(tmp_path))
