"""The Ray executor: every step a Ray task with its declared CPU and GPU needs, on a running Ray
cluster (`address`) or on a local instance started for the grid. Needs `pip install
xtreme-harness[ray]`."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from xharness_plugins.executors.local import describe_error
from xtreme_harness.component import Param
from xtreme_harness.errors import UsageError
from xtreme_harness.executor import Event, Executor, Outcome, Status, Step, blocked_by


class RayExecutor(Executor):
    name = "ray"
    description = "Steps as Ray tasks with their CPU/GPU needs, on a cluster or a local instance."
    params = (
        Param("address", str, "", "Ray cluster address (default: start a local instance)"),
        Param("cpus", float, 0.0, "CPUs per step (default: each step's own need)", minimum=0.0),
        Param("gpus", float, -1.0, "GPUs per step (default: each step's own need; device auto "
              "takes one when the cluster has GPUs)", minimum=-1.0),
    )  # fmt: skip

    def run(
        self,
        steps: Sequence[Step],
        run_step: Callable[[Step], Any],
        report: Callable[[Event], None],
        *,
        fail_fast: bool = False,
    ) -> dict[str, Outcome]:
        try:
            import ray
        except ImportError:
            raise UsageError(
                "the ray executor needs Ray: pip install 'xtreme-harness[ray]'"
            ) from None
        started_here = not ray.is_initialized()
        if started_here:
            ray.init(
                address=self.options["address"] or None,
                include_dashboard=False,
                log_to_driver=False,
                ignore_reinit_error=True,
            )
        try:
            return self._schedule(ray, steps, run_step, report, fail_fast)
        finally:
            if started_here:
                ray.shutdown()

    def _schedule(self, ray, steps, run_step, report, fail_fast) -> dict[str, Outcome]:
        remote = ray.remote(max_retries=0)(_call)
        cluster_gpus = ray.cluster_resources().get("GPU", 0)
        keys = {step.key for step in steps}
        pending = list(steps)
        outcomes: dict[str, Outcome] = {}
        running: dict[Any, tuple[Step, float]] = {}
        stopped = False
        while pending or running:
            for step in list(pending):
                blocker = blocked_by(step, outcomes)
                if stopped or blocker is not None:
                    why = (
                        "not started after a failure (--fail-fast)"
                        if stopped
                        else f"needs {blocker}"
                    )
                    outcomes[step.key] = Outcome(step.key, Status.SKIPPED, why)
                    report(Event(step, Status.SKIPPED, outcomes[step.key]))
                    pending.remove(step)
                elif all(need in outcomes or need not in keys for need in step.needs):
                    cpus = self.options["cpus"] or step.resources.cpus
                    gpus = self.options["gpus"]
                    if gpus < 0:  # the step's own need; device auto takes a GPU if there is one
                        auto = step.config.get("run", {}).get("device") == "auto"
                        gpus = 1.0 if auto and cluster_gpus else step.resources.gpus
                    report(Event(step, None))
                    reference = remote.options(num_cpus=cpus, num_gpus=gpus).remote(run_step, step)
                    running[reference] = (step, time.perf_counter())
                    pending.remove(step)
            if not running:
                continue
            done, _ = ray.wait(list(running), num_returns=1)
            for reference in done:
                step, started = running.pop(reference)
                try:
                    ray.get(reference)
                except Exception as exc:
                    cause = getattr(exc, "cause", None) or exc
                    outcome = Outcome(
                        step.key,
                        Status.FAILED,
                        describe_error(cause),
                        time.perf_counter() - started,
                    )
                    stopped = stopped or fail_fast
                else:
                    outcome = Outcome(step.key, Status.DONE, None, time.perf_counter() - started)
                outcomes[step.key] = outcome
                report(Event(step, outcome.status, outcome))
        return outcomes


def _call(run_step: Callable[[Step], Any], step: Step) -> Any:
    """The Ray task: `ray.remote` takes functions, not the partial the runner passes."""
    return run_step(step)
