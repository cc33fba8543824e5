"""The grid's observers, told every event; one that fails is warned about once and told nothing
more, and never fails the grid (`xtreme_harness.interfaces.Observer`)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from xtreme_harness.errors import XHarnessWarning
from xtreme_harness.interfaces.executor import Event, Status


class Observers:
    """Fans each event out to every observer still working."""

    def __init__(self, observers: Sequence[Any] = ()) -> None:
        self.observers = list(observers)
        self.failed: dict[str, str] = {}
        """Observer name -> the error that stopped it."""

    def __bool__(self) -> bool:
        return bool(self.observers)

    def tell(self, method: str, *args: Any) -> None:
        for observer in self.observers:
            if observer.name in self.failed:
                continue
            try:
                getattr(observer, method)(*args)
            except Exception as error:  # an observer never fails the grid
                message = f"{type(error).__name__}: {error}"
                self.failed[observer.name] = message
                warnings.warn(
                    f"observer {observer.name} failed in {method} and is told nothing more of "
                    f"this grid: {message}", XHarnessWarning, stacklevel=2,
                )  # fmt: skip

    def step_event(self, event: Event, outputs: Any) -> None:
        """An executor's event as the observers' `step_*` calls (`outputs`: key -> the outputs
        of a finished step)."""
        step = event.step
        about = {"key": step.key, "stage": step.stage,
                 "task": step.config.get("settings", {}).get("task")}  # fmt: skip
        if event.status is None:
            self.tell("step_started", about)
        elif event.status is Status.DONE:
            seconds = event.outcome.seconds if event.outcome is not None else 0.0
            self.tell("step_finished", {**about, "seconds": seconds}, outputs(step.key))
        else:
            error = event.outcome.error if event.outcome is not None else event.status.value
            self.tell("step_failed", about, error or event.status.value)
