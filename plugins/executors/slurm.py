"""The SLURM executor: each step a SLURM job, submitted with submitit once the steps it needs are
done, in the same run folder, so that resuming works as with the local executor.

A job's end is read from SLURM itself (`squeue` while it is queued or running, `scontrol show
job` after), not from accounting: a cluster without slurmdbd has no `sacct`, through which
submitit would otherwise learn a job's final state (and on which its `result()` can wait forever
for a cancelled job). What the step did is read from the result file submitit's job writes (its
return value, or the error it raised). A step that raised, or whose job ended without that file
(cancelled, timed out, pre-empted, its node lost), is submitted again up to ``retries`` times
(each attempt is a line of the run's execution log), then reported failed with its error or
SLURM's state. Every wait is bounded: each poll is a short command with a timeout. Stopping the
grid (Ctrl-C) cancels every job it submitted (`scancel`) before it stops.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from collections.abc import Callable, Sequence
from typing import Any

from xtreme_harness.interfaces import (
    Event,
    Executor,
    Outcome,
    Param,
    Step,
    UsageError,
    XHarnessError,
    dispatch,
)

ENDED = {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "PREEMPTED", "NODE_FAIL", "OUT_OF_MEMORY",
         "BOOT_FAIL", "DEADLINE", "REVOKED"}  # fmt: skip
"""SLURM job states a job does not leave."""
COMMAND_SECONDS = 30
"""The longest a SLURM command may take before the executor gives up on it."""


class SlurmJobLost(XHarnessError):
    """A job ended without its step's outcome (cancelled, timed out, pre-empted, node failure)."""


def run_and_time(run_step: Callable[..., Any], step: Step, again: bool = False) -> float:
    """What a job runs: the step (`again`: once more after it failed), and how long it took
    (raises what the step raised)."""
    began = time.perf_counter()
    run_step(step, again=again)
    return time.perf_counter() - began


def _slurm(*command: str) -> str:
    """A SLURM command's output; a `UsageError` naming it if it cannot run or fails."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=COMMAND_SECONDS,
                              check=False)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as error:
        raise UsageError(f"{command[0]}: {error} (is SLURM installed and running here?)") from None
    if done.returncode != 0:
        raise UsageError(f"{shlex.join(command)}: {done.stderr.strip() or done.returncode}")
    return done.stdout


def job_state(job_id: str) -> str | None:
    """SLURM's state of a job (``RUNNING``, ``COMPLETED`` ...), None where SLURM no longer knows
    it (purged after MinJobAge)."""
    try:
        line = _slurm("scontrol", "-o", "show", "job", job_id)
    except UsageError:
        return None
    for field in line.split():
        if field.startswith("JobState="):
            return field.split("=", 1)[1]
    return None


class _Job:
    """One step's job, submitted again after a failure or a loss while retries last."""

    def __init__(self, step: Step, submit: Callable[[Step, bool], Any]) -> None:
        self.step, self.submit = step, submit
        self.attempts, self.error = 0, None
        self.job = self._start()

    def _start(self) -> Any:
        self.attempts += 1
        return self.submit(self.step, self.attempts > 1)

    @property
    def job_id(self) -> str:
        return str(self.job.job_id)

    def settle(self, state: str | None, retries: int) -> bool:
        """Whether the job has ended for good (its outcome or error known); submits the step
        again after a failure or a loss with attempts left."""
        from submitit.core.utils import pickle_load

        path = self.job.paths.result_pickle
        if os.path.exists(path):
            kind, value = pickle_load(path)
            if kind == "success":
                return True
            error = str(value).strip().splitlines()[-1]
        elif state is not None and state not in ENDED:
            return False
        else:
            error = None
        if self.attempts <= retries:
            self.job = self._start()
            return False
        if error is not None:
            self.error = XHarnessError(f"{error} (after {self.attempts} attempts)")
            return True
        self.error = SlurmJobLost(
            f"job {self.job_id} ended {state or 'unknown to SLURM'} without the step's outcome, "
            f"after {self.attempts} attempts; its log: {self.job.paths.stderr}"
        )
        return True


class Slurm(Executor):
    name = "slurm"
    description = "Each step a SLURM job (submitit), dependencies kept, failed steps retried."
    params = (
        Param("partition", str, None, "The partition (default: the cluster's)."),
        Param("time", int, 240, "Time limit of a job, minutes.", minimum=1),
        Param("mem_gb", float, None, "Memory of a job, GB (default: the partition's).",
              above=0),
        Param("cpus", int, None, "CPUs of a job (default: the partition's).", minimum=1),
        Param("gpus", int, 0, "GPUs of a job.", minimum=0),
        Param("account", str, None, "The account jobs are charged to."),
        Param("sbatch", str, "", "More sbatch options, KEY=VALUE separated by ';' (e.g. "
              "qos=high;constraint=a100)."),
        Param("retries", int, 1, "Times a step is submitted again after it failed or its job "
              "was lost (cancelled, timed out, pre-empted, node failure).", minimum=0),
        Param("poll", float, 2.0, "Seconds between looks at the queue.", above=0),
        Param("folder", str, None, "Where submitit keeps jobs and logs (default: the run "
              "folder's slurm/)."),
    )  # fmt: skip

    def _executor(self, folder: str) -> Any:
        try:
            import submitit
        except ImportError:
            raise UsageError("the slurm executor needs submitit: pip install "
                             "'xtreme-harness[slurm]'") from None  # fmt: skip
        executor = submitit.SlurmExecutor(folder=folder)
        extra = {}
        for pair in filter(None, (p.strip() for p in self.options["sbatch"].split(";"))):
            key, sep, value = pair.partition("=")
            if not sep:
                raise UsageError(f"executor slurm: sbatch option {pair!r}: expected KEY=VALUE")
            extra[key.strip()] = value.strip()
        wanted = {"time": self.options["time"], "partition": self.options["partition"],
                  "account": self.options["account"], "cpus_per_task": self.options["cpus"],
                  "gpus_per_node": self.options["gpus"] or None,
                  "mem": f"{int(self.options['mem_gb'] * 1024)}M" if self.options["mem_gb"]
                  else None}  # fmt: skip
        executor.update_parameters(
            **{key: value for key, value in wanted.items() if value is not None},
            job_name="xharness", additional_parameters=extra,
        )  # fmt: skip
        return executor

    def run(
        self,
        steps: Sequence[Step],
        run_step: Callable[[Step], Any],
        report: Callable[[Event], None],
        *,
        fail_fast: bool = False,
    ) -> dict[str, Outcome]:
        if not steps:
            return {}
        out = steps[0].config.get("run", {}).get("out", ".")
        folder = self.options["folder"] or os.path.join(out, "slurm")
        executor = self._executor(folder)
        submitted: list[_Job] = []

        def start(step: Step) -> _Job:
            job = _Job(step, lambda s, again: executor.submit(run_and_time, run_step, s, again))
            submitted.append(job)
            return job

        def finished(jobs: list[_Job]) -> list[_Job]:
            while True:
                queued = _queued([job.job_id for job in jobs])
                ended = [job for job in jobs
                         if job.settle(queued.get(job.job_id) or job_state(job.job_id),
                                       self.options["retries"])]  # fmt: skip
                if ended:
                    return ended
                time.sleep(self.options["poll"])

        try:
            return dispatch(steps, report, start=start, finished=finished,
                            error_of=lambda job: job.error, fail_fast=fail_fast)  # fmt: skip
        except BaseException:  # Ctrl-C, or anything else: no job of this grid is left behind
            ids = [job.job_id for job in submitted]
            if ids:
                subprocess.run(["scancel", *ids], capture_output=True, timeout=COMMAND_SECONDS,
                               check=False)  # fmt: skip
            raise


def _queued(job_ids: Sequence[str]) -> dict[str, str]:
    """The state of each of these jobs that is still in the queue (pending or running)."""
    if not job_ids:
        return {}
    try:
        lines = _slurm("squeue", "-h", "-o", "%i %T", "-j", ",".join(job_ids)).splitlines()
    except UsageError:  # a job id SLURM has purged: ask for each job on its own instead
        return {}
    return dict(line.split(None, 1) for line in lines if line.strip())
