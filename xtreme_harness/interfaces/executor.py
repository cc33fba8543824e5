"""The Executor interface: where and how the steps of a plan run.

A plan is a set of steps (intermediate training, fine-tuning, evaluation), each identified by a
content key and needing the steps whose keys it lists. An executor runs them so that no step starts
before the steps it needs have finished, calls `run_step` for each, and reports every start and end.
A failed step does not stop the steps that do not depend on it; the steps that do are skipped.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from xtreme_harness.interfaces.component import Component


@dataclass(frozen=True)
class Resources:
    """What one step needs while it runs."""

    cpus: float = 1.0
    """CPU cores."""
    gpus: float = 0.0
    """GPUs (a fraction shares one)."""


@dataclass(frozen=True)
class Step:
    """One unit of work in a plan."""

    key: str
    """The step's content key: the same work has the same key, so a step already finished in
    the grid's folder (an earlier run of the grid) is reused, never handed to the executor."""
    stage: str
    """What the step does: ``translate``, ``intermediate``, ``finetune``, ``shots``, ``embed``
    or ``evaluate``."""
    needs: tuple[str, ...] = ()
    """The keys of the steps that must finish first."""
    resources: Resources = Resources()
    """What the step needs while it runs."""
    config: Mapping[str, Any] = field(default_factory=dict)
    """What `run_step` needs to carry out the step: the run's configuration and the stage's
    resolved settings."""


class Status(str, Enum):
    """How a step ended."""

    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Outcome:
    """How one step ended, for the run's report and the grid's record."""

    key: str
    """The step's key."""
    status: Status
    error: str | None = None
    """What went wrong (a failed step), or why it was skipped."""
    seconds: float = 0.0
    """How long the step ran."""


@dataclass(frozen=True)
class Event:
    """A step started (`status` None) or ended (`status` set)."""

    step: Step
    status: Status | None
    outcome: Outcome | None = None


class Executor(Component, ABC):
    """Base class of executors (registered with `xharness_register_executors`)."""

    component_type = "executor"

    @abstractmethod
    def run(
        self,
        steps: Sequence[Step],
        run_step: Callable[[Step], Any],
        report: Callable[[Event], None],
        *,
        fail_fast: bool = False,
    ) -> dict[str, Outcome]:
        """Run every step after the steps it needs (needs outside `steps` are already done);
        return each step's outcome by key.

        `run_step` is picklable (a module-level function bound to the run folder), so it can run
        in other processes; it raises if a step fails. An executor that retries failures calls
        ``run_step(step, again=True)``: that runs once more a step that failed in this grid run.
        The executor records the failure, skips the steps that need the failed one, and goes on
        with the rest, unless `fail_fast`: then it starts nothing new after the first failure and
        skips what was not started.
        """


def describe_error(exc: BaseException) -> str:
    """The message of a step's error: xharness errors say what they are already."""
    from xtreme_harness.errors import XHarnessError

    return str(exc) if isinstance(exc, XHarnessError) else f"{type(exc).__name__}: {exc}"


def dispatch(
    steps: Sequence[Step],
    report: Callable[[Event], None],
    *,
    start: Callable[[Step], Any],
    finished: Callable[[list[Any]], Iterable[Any]],
    error_of: Callable[[Any], BaseException | None],
    fail_fast: bool = False,
    limit: int | None = None,
) -> dict[str, Outcome]:
    """The scheduling loop executors share: start each step once the steps it needs are done (at
    most `limit` running at a time), skip the steps that need a failed or skipped one (and, with
    `fail_fast`, everything not started after a failure), and record every outcome.

    `start(step)` returns a handle of the running step; `finished(handles)` waits until at least
    one has ended and returns those; `error_of(handle)` is the exception the step raised, or None.
    """
    import time

    keys = {step.key for step in steps}
    pending = list(steps)
    outcomes: dict[str, Outcome] = {}
    running: dict[Any, tuple[Step, float]] = {}
    stopped = False
    while pending or running:
        for step in list(pending):
            blocker = blocked_by(step, outcomes)
            if stopped or blocker is not None:
                why = "not started after a failure (--fail-fast)" if stopped else f"needs {blocker}"
                outcomes[step.key] = Outcome(step.key, Status.SKIPPED, why)
                report(Event(step, Status.SKIPPED, outcomes[step.key]))
                pending.remove(step)
            elif all(need in outcomes or need not in keys for need in step.needs) and (
                limit is None or len(running) < limit
            ):
                report(Event(step, None))
                began = time.perf_counter()
                running[start(step)] = (step, began)
                pending.remove(step)
        if not running:
            continue
        for handle in finished(list(running)):
            step, began = running.pop(handle)
            error = error_of(handle)
            seconds = time.perf_counter() - began
            if error is None:
                outcome = Outcome(step.key, Status.DONE, None, seconds)
            else:
                outcome = Outcome(step.key, Status.FAILED, describe_error(error), seconds)
                stopped = stopped or fail_fast
            outcomes[step.key] = outcome
            report(Event(step, outcome.status, outcome))
    return outcomes


def blocked_by(step: Step, outcomes: dict[str, Outcome]) -> str | None:
    """The first step `step` needs that failed or was skipped, if any."""
    for need in step.needs:
        outcome = outcomes.get(need)
        if outcome is not None and outcome.status is not Status.DONE:
            return need
    return None
