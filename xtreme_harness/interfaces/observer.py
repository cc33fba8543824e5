"""The Observer interface: what a grid does, told as it happens, to an experiment tracker
(MLflow, Weights & Biases) or anything else that records runs.

A grid tells each of its observers, in order: `grid_started`; for every step it runs,
`step_started` then `step_finished` (with the step's outputs, its metrics among them) or
`step_failed`; for every cell whose result file it writes, `result_written` (with the result
document); and `grid_finished`. Every method does nothing by default, so an observer implements
only what it records. What an earlier run of the grid did (steps it finished, results it wrote)
is not told again, so a tracker records each cell once however often the grid is resumed.

An observer must never fail the grid: the grid catches whatever it raises, warns once for that
observer and tells it nothing more (docs/observers.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xtreme_harness.interfaces.component import Component


class Observer(Component):
    """Base class of observers (registered with `xharness_register_observers`)."""

    component_type = "observer"

    def grid_started(self, grid: Mapping[str, Any]) -> None:
        """The grid begins: its ``name``, run folder (``out``), ``cells`` (id -> the cell's
        configuration, as in its result file), ``steps`` (how many) and ``reused`` (how many
        were finished before)."""

    def step_started(self, step: Mapping[str, Any]) -> None:
        """A step begins: its ``key``, ``stage`` and ``task``."""

    def step_finished(self, step: Mapping[str, Any], outputs: Mapping[str, Any]) -> None:
        """A step ended well: `step` as for `step_started` plus its ``seconds``; `outputs` is
        what the step recorded (an evaluation step's per-language ``scores`` among them)."""

    def step_failed(self, step: Mapping[str, Any], error: str) -> None:
        """A step failed (or was skipped because a step it needs failed), with the reason."""

    def result_written(self, cell: str, path: str, document: Mapping[str, Any]) -> None:
        """A cell's result file was written by this run of the grid: its id, path and
        document."""

    def grid_finished(self, summary: Mapping[str, Any]) -> None:
        """The grid ends: ``results`` (cell id -> result file), ``failed`` (step keys), the
        run folder (``out``) and the leaderboard as HTML (``table_html``) where any result
        exists."""
