"""Task kinds, each implemented once. `implementation(spec)` gives the one a task uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xtreme_harness.errors import UsageError
from xtreme_harness.interfaces.task import TaskKind

if TYPE_CHECKING:
    from xtreme_harness.engine.kinds.base import KindImpl
    from xtreme_harness.interfaces.task import Recipe, TaskSpec


def implementation(spec: TaskSpec, recipe: Recipe | None = None) -> KindImpl:
    """The implementation of `spec.kind`, bound to `spec` and the recipe in use (by default the
    recipe of the task's last phase)."""
    if spec.kind is TaskKind.CLASSIFICATION:
        from xtreme_harness.engine.kinds.classification import Classification

        return Classification(spec, recipe)
    if spec.kind is TaskKind.MULTIPLE_CHOICE:
        from xtreme_harness.engine.kinds.multiple_choice import MultipleChoice

        return MultipleChoice(spec, recipe)
    if spec.kind is TaskKind.TOKEN_TAGGING:
        from xtreme_harness.engine.kinds.tagging import Tagging

        return Tagging(spec, recipe)
    if spec.kind is TaskKind.EXTRACTIVE_QA:
        from xtreme_harness.engine.kinds.extractive_qa import ExtractiveQA

        return ExtractiveQA(spec, recipe)
    if spec.kind is TaskKind.RETRIEVAL:
        from xtreme_harness.engine.kinds.retrieval import Retrieval

        return Retrieval(spec, recipe)
    raise UsageError(
        f"task {spec.name!r} is of kind {spec.kind.value!r}, which this version of xharness "
        "cannot train yet"
    )
