"""The local executor: steps in this process, or in N worker processes."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from xtreme_harness.component import Param
from xtreme_harness.errors import XHarnessError
from xtreme_harness.executor import Event, Executor, Outcome, Status, Step, blocked_by


def describe_error(exc: BaseException) -> str:
    """The message of an error: xharness errors say what they are already."""
    return str(exc) if isinstance(exc, XHarnessError) else f"{type(exc).__name__}: {exc}"


class Local(Executor):
    name = "local"
    description = (
        "Steps on this machine: in this process (jobs=1), or in N worker processes, one GPU "
        "each when GPUs are listed or visible."
    )
    params = (
        Param("jobs", int, 1, "worker processes (1: run in this process)", minimum=1),
        Param("gpus", str, "", "GPU ids to hand out to workers, comma-separated (default: "
              "CUDA_VISIBLE_DEVICES, else every GPU torch sees)"),
    )  # fmt: skip

    def run(
        self,
        steps: Sequence[Step],
        run_step: Callable[[Step], Any],
        report: Callable[[Event], None],
        *,
        fail_fast: bool = False,
    ) -> dict[str, Outcome]:
        if self.options["jobs"] == 1:
            return self._in_process(steps, run_step, report, fail_fast)
        return self._in_workers(steps, run_step, report, fail_fast)

    def _in_process(self, steps, run_step, report, fail_fast) -> dict[str, Outcome]:
        outcomes: dict[str, Outcome] = {}
        stopped = False
        for step in steps:
            blocker = blocked_by(step, outcomes)
            if stopped or blocker is not None:
                why = "not started after a failure (--fail-fast)" if stopped else f"needs {blocker}"
                outcomes[step.key] = Outcome(step.key, Status.SKIPPED, why)
                report(Event(step, Status.SKIPPED, outcomes[step.key]))
                continue
            report(Event(step, None))
            started = time.perf_counter()
            try:
                run_step(step)
            except Exception as exc:
                outcomes[step.key] = Outcome(
                    step.key, Status.FAILED, describe_error(exc), time.perf_counter() - started
                )
                stopped = fail_fast
            else:
                outcomes[step.key] = Outcome(
                    step.key, Status.DONE, None, time.perf_counter() - started
                )
            report(Event(step, outcomes[step.key].status, outcomes[step.key]))
        return outcomes

    def _gpus(self) -> list[str]:
        """The GPU ids workers take one each: listed, visible, or every device torch counts.
        Workers beyond the number of GPUs get none (they run on the CPU)."""
        listed = self.options["gpus"] or os.environ.get("CUDA_VISIBLE_DEVICES")
        if listed is None:
            import torch

            return [str(index) for index in range(torch.cuda.device_count())]
        return [gpu.strip() for gpu in listed.split(",") if gpu.strip()]

    def _in_workers(self, steps, run_step, report, fail_fast) -> dict[str, Outcome]:
        import concurrent.futures
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        gpu_queue = context.Queue()
        for gpu in self._gpus():
            gpu_queue.put(gpu)
        pending = list(steps)
        outcomes: dict[str, Outcome] = {}
        running: dict[Any, tuple[Step, float]] = {}
        stopped = False
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=self.options["jobs"], mp_context=context,
            initializer=_take_gpu, initargs=(gpu_queue,),
        ) as pool:  # fmt: skip
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
                        continue
                    ready = all(need in outcomes or need not in {s.key for s in steps}
                                for need in step.needs)  # fmt: skip
                    if ready and len(running) < self.options["jobs"]:
                        report(Event(step, None))
                        running[pool.submit(run_step, step)] = (step, time.perf_counter())
                        pending.remove(step)
                if not running:
                    continue
                done, _ = concurrent.futures.wait(
                    running, return_when=concurrent.futures.FIRST_COMPLETED
                )
                for future in done:
                    step, started = running.pop(future)
                    error = future.exception()
                    if error is None:
                        outcome = Outcome(
                            step.key, Status.DONE, None, time.perf_counter() - started
                        )
                    else:
                        outcome = Outcome(
                            step.key, Status.FAILED, describe_error(error),
                            time.perf_counter() - started,
                        )  # fmt: skip
                        stopped = stopped or fail_fast
                    outcomes[step.key] = outcome
                    report(Event(step, outcome.status, outcome))
        return outcomes


def _take_gpu(queue: Any) -> None:
    """Worker initializer, before torch is imported: claim one GPU id, or, when none is left,
    hide every GPU (so that two workers never share one)."""
    import queue as queues

    try:
        os.environ["CUDA_VISIBLE_DEVICES"] = queue.get_nowait()
    except queues.Empty:
        os.environ["CUDA_VISIBLE_DEVICES"] = ""
