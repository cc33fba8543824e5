"""The local executor: steps in this process, or in N worker processes."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from typing import Any

from xtreme_harness.interfaces import Event, Executor, Outcome, Param, Step, dispatch


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
            initializer=_take_gpu, initargs=(gpu_queue,),
        ) as pool:  # fmt: skip
            return dispatch(
                steps, report,
                start=lambda step: pool.submit(run_step, step),
                finished=lambda futures: concurrent.futures.wait(
                    futures, return_when=concurrent.futures.FIRST_COMPLETED
                ).done,
                error_of=lambda future: future.exception(),
                fail_fast=fail_fast, limit=self.options["jobs"],
            )  # fmt: skip


def _take_gpu(queue: Any) -> None:
    """Worker initializer, before torch is imported: claim one GPU id, or, when none is left,
    hide every GPU (so that two workers never share one)."""
    import queue as queues

    try:
        os.environ["CUDA_VISIBLE_DEVICES"] = queue.get_nowait()
    except queues.Empty:
        os.environ["CUDA_VISIBLE_DEVICES"] = ""
