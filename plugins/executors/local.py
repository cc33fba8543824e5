"""The local executor: steps in this process, or in N worker processes."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from typing import Any

from xtreme_harness.interfaces import (
    Event,
    Executor,
    Outcome,
    Param,
    Step,
    XHarnessError,
    dispatch,
)


@dataclasses.dataclass(frozen=True, eq=False)
class _Ran:
    """A step run in this process: what it raised, if anything."""

    error: BaseException | None


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
        def start(step: Step) -> _Ran:
            try:
                run_step(step)
            except Exception as exc:
                return _Ran(exc)
            return _Ran(None)

        return dispatch(steps, report, start=start, finished=lambda ran: ran,
                        error_of=lambda ran: ran.error, fail_fast=fail_fast, limit=1)  # fmt: skip

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
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=self.options["jobs"], mp_context=context,
            initializer=_start_worker, initargs=(gpu_queue, os.getpid()),
        ) as pool:  # fmt: skip
            return dispatch(
                steps, report,
                start=lambda step: pool.submit(run_step, step),
                finished=lambda futures: concurrent.futures.wait(
                    futures, return_when=concurrent.futures.FIRST_COMPLETED
                ).done,
                error_of=_error_of,
                fail_fast=fail_fast, limit=self.options["jobs"],
            )  # fmt: skip


class WorkerDied(XHarnessError):
    """A worker process ended without reporting (killed, or out of memory)."""


def _error_of(future: Any) -> BaseException | None:
    """A step's error; a worker that died takes the pool down, and its steps (and those the
    other workers were running) are not recorded: the next run of the grid runs them."""
    from concurrent.futures.process import BrokenProcessPool

    error = future.exception()
    if isinstance(error, BrokenProcessPool):
        return WorkerDied(
            "a worker process died (killed, or out of memory) and took the other workers' steps "
            "down with it; nothing of these steps was kept: run the grid again to run them"
        )
    return error


PARENT_CHECK_SECONDS = 0.5
"""How often a worker checks that the grid process that started it is alive."""


def _start_worker(queue: Any, parent: int) -> None:
    """Worker initializer: end with the grid process (see `_exit_with_parent`), then claim a
    GPU (see `_take_gpu`)."""
    _exit_with_parent(parent)
    _take_gpu(queue)


def _exit_with_parent(parent: int) -> None:
    """End this worker as soon as `parent` is gone. A grid process killed with SIGKILL (the OOM
    killer's way) runs no clean-up, and its workers would otherwise finish their step and wait
    for work forever, holding memory and a GPU. The step they were running is left to the next
    run of the grid: its lock dies with the worker, its half-built folder is cleared."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="xharness-parent-watch", daemon=True).start()


def _take_gpu(queue: Any) -> None:
    """Claim one GPU id, before torch is imported, or, when none is left, hide every GPU (so
    that two workers never share one)."""
    import queue as queues

    try:
        os.environ["CUDA_VISIBLE_DEVICES"] = queue.get_nowait()
    except queues.Empty:
        os.environ["CUDA_VISIBLE_DEVICES"] = ""
