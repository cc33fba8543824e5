"""A live view of a grid: steps done, running, failed and left, elapsed time and ETA.

On a terminal one status line is redrawn in place; otherwise (logs, CI) every start and end of a
step is a plain line.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from xtreme_harness.interfaces.executor import Event, Status, Step


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def describe(step: Step) -> str:
    settings = step.config.get("settings", {})
    return f"{step.stage} {settings.get('task', '')} [{step.key}]"


class Progress:
    def __init__(self, total: int, *, stream: TextIO | None = None, live: bool | None = None):
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.total = total
        self.counts = {"done": 0, "failed": 0, "skipped": 0, "running": 0, "reused": 0}
        self.started = time.perf_counter()
        self.durations: list[float] = []

    def reused(self, count: int) -> None:
        """Steps that were finished before this run started."""
        self.counts["reused"] += count
        self.counts["done"] += count

    def report(self, event: Event) -> None:
        if event.status is None:
            self.counts["running"] += 1
            self._show(f"start {describe(event.step)}")
            return
        if event.status is not Status.SKIPPED:
            self.counts["running"] -= 1
        key = {Status.DONE: "done", Status.FAILED: "failed", Status.SKIPPED: "skipped"}[
            event.status
        ]
        self.counts[key] += 1
        outcome = event.outcome
        detail = ""
        if outcome is not None and event.status is Status.DONE:
            self.durations.append(outcome.seconds)
            detail = f" in {outcome.seconds:.1f} s"
        elif outcome is not None and outcome.error:
            detail = f": {outcome.error}"
        self._show(f"{key} {describe(event.step)}{detail}")

    def status(self) -> str:
        c = self.counts
        left = self.total - c["done"] - c["failed"] - c["skipped"] - c["running"]
        elapsed = time.perf_counter() - self.started
        eta = "-"
        if self.durations and left + c["running"]:
            eta = _clock(sum(self.durations) / len(self.durations) * (left + c["running"]))
        return (
            f"{c['done']}/{self.total} done ({c['reused']} reused), {c['running']} running, "
            f"{c['failed']} failed, {c['skipped']} skipped, {left} left; "
            f"elapsed {_clock(elapsed)}, ETA {eta}"
        )

    def _show(self, line: str) -> None:
        if self.live:
            self.stream.write("\r\033[K" + self.status())
        else:
            stamp = time.strftime("%H:%M:%S")
            self.stream.write(f"[{stamp}] {line} | {self.status()}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.stream.write("\r\033[K" + self.status() + "\n")
            self.stream.flush()

    def summary(self) -> dict[str, Any]:
        return dict(self.counts)
