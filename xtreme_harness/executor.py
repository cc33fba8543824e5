"""The Executor interface: where and how the steps of a plan run.

A plan is a set of steps (intermediate training, fine-tuning, evaluation), each identified by a
content key and needing the steps whose keys it lists. An executor runs them so that no step starts
before the steps it needs have finished, calls `run_step` for each, and reports every start and end.
A failed step does not stop the steps that do not depend on it; the steps that do are skipped.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from xtreme_harness.component import Component


@dataclass(frozen=True)
class Resources:
    """What one step needs while it runs."""

    cpus: float = 1.0
    gpus: float = 0.0


@dataclass(frozen=True)
class Step:
    """One unit of work in a plan."""

    key: str
    kind: str
    needs: tuple[str, ...] = ()
    resources: Resources = Resources()
    config: Mapping[str, Any] = field(default_factory=dict)


class Status(str, Enum):
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Outcome:
    key: str
    status: Status
    error: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class Event:
    """A step started (`status` None) or ended (`status` set)."""

    step: Step
    status: Status | None
    outcome: Outcome | None = None


class Executor(Component, ABC):
    """Base class of executors (registered with `xharness_register_executors`)."""

    kind = "executor"

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
        in other processes; it raises if a step fails. The executor records the failure, skips
        the steps that need the failed one, and goes on with the rest, unless `fail_fast`: then
        it starts nothing new after the first failure and skips what was not started.
        """


def blocked_by(step: Step, outcomes: dict[str, Outcome]) -> str | None:
    """The first step `step` needs that failed or was skipped, if any."""
    for need in step.needs:
        outcome = outcomes.get(need)
        if outcome is not None and outcome.status is not Status.DONE:
            return need
    return None
