"""The Ray executor: every step a Ray task with its declared CPU and GPU needs, on a running Ray
cluster (`address`) or on a local instance started for the grid. Needs `pip install
xtreme-harness[ray]`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from xtreme_harness.interfaces import Event, Executor, Outcome, Param, Step, UsageError, dispatch


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

        def start(step: Step) -> Any:
            cpus = self.options["cpus"] or step.resources.cpus
            gpus = self.options["gpus"]
            if gpus < 0:  # the step's own need; device auto takes a GPU if there is one
                auto = step.config.get("run", {}).get("device") == "auto"
                gpus = 1.0 if auto and cluster_gpus else step.resources.gpus
            return remote.options(num_cpus=cpus, num_gpus=gpus).remote(run_step, step)

        def error_of(reference: Any) -> BaseException | None:
            try:
                ray.get(reference)
            except Exception as exc:
                return getattr(exc, "cause", None) or exc
            return None

        return dispatch(
            steps, report, start=start,
            finished=lambda references: ray.wait(references, num_returns=1)[0],
            error_of=error_of, fail_fast=fail_fast,
        )  # fmt: skip


def _call(run_step: Callable[[Step], Any], step: Step) -> Any:
    """The Ray task: `ray.remote` takes functions, not the partial the runner passes."""
    return run_step(step)
