"""Task kinds, each implemented once. `implementation(spec)` gives the one a task uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xtreme_harness.errors import UsageError
from xtreme_harness.task import TaskKind

if TYPE_CHECKING:
    from xtreme_harness.kinds.base import KindImpl
    from xtreme_harness.task import TaskSpec


def implementation(spec: TaskSpec) -> KindImpl:
    """The implementation of `spec.kind`, bound to `spec`."""
    if spec.kind is TaskKind.CLASSIFICATION:
        from xtreme_harness.kinds.classification import Classification

        return Classification(spec)
    if spec.kind is TaskKind.MULTIPLE_CHOICE:
        from xtreme_harness.kinds.multiple_choice import MultipleChoice

        return MultipleChoice(spec)
    if spec.kind is TaskKind.TOKEN_TAGGING:
        from xtreme_harness.kinds.tagging import Tagging

        return Tagging(spec)
    raise UsageError(
        f"task {spec.name!r} is of kind {spec.kind.value!r}, which this version of xharness "
        "cannot train yet"
    )
