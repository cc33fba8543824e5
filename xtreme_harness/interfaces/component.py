"""What language sets, regularizers, executors and formats have in common.

Each is a class with a `name`, a one-line `description` and declared parameters (`params`). The
declaration is what lets the command line, grid files and result files treat every plugin's options
the same way: parse them from text, check them, list them with their defaults, and put the resolved
values into step keys and result files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from xtreme_harness.errors import UnknownNameError, UsageError

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Param:
    """One parameter of a component.

    `source` says where the default comes from (a paper, a reference implementation); set
    `verified=False` where that source does not confirm the value, so listings and docs can say so.
    """

    name: str
    type: type
    default: Any
    help: str
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None
    """A strict lower bound (the value must be greater)."""
    source: str = ""
    verified: bool = True

    def convert(self, value: Any, owner: str) -> Any:
        """`value` (possibly text from a command line or a grid file) as this parameter's type."""
        where = f"parameter {self.name!r} of {owner}"
        try:
            converted = self._convert(value)
        except (TypeError, ValueError):
            raise UsageError(f"{where}: expected {self.type.__name__}, got {value!r}") from None
        if self.choices is not None and converted not in self.choices:
            raise UsageError(
                f"{where}: expected one of {', '.join(map(str, self.choices))}, got {value!r}"
            )
        if self.minimum is not None and converted < self.minimum:
            raise UsageError(f"{where}: expected at least {self.minimum}, got {value!r}")
        if self.above is not None and converted <= self.above:
            raise UsageError(f"{where}: expected a value greater than {self.above}, got {value!r}")
        if self.maximum is not None and converted > self.maximum:
            raise UsageError(f"{where}: expected at most {self.maximum}, got {value!r}")
        return converted

    def _convert(self, value: Any) -> Any:
        if value is None:
            if self.default is None:
                return None
            raise ValueError(value)
        if self.type is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise ValueError(value)
        if self.type is int and isinstance(value, float) and not value.is_integer():
            raise ValueError(value)
        if self.type in (int, float) and isinstance(value, bool):
            raise ValueError(value)
        return self.type(value)

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {
            "name": self.name,
            "type": self.type.__name__,
            "default": self.default,
            "help": self.help,
        }
        if self.choices is not None:
            described["choices"] = list(self.choices)
        bounds = {"minimum": self.minimum, "maximum": self.maximum, "above": self.above}
        described.update({key: value for key, value in bounds.items() if value is not None})
        if self.source:
            described["source"] = self.source
        described["verified"] = self.verified
        return described


class Component:
    """Base of configurable plugin components. Subclasses set `name`, `description`, `params`.

    `component_type` is set once per interface ("regularizer", "language set", ...) for
    messages.
    """

    component_type: ClassVar[str] = "component"
    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    params: ClassVar[Sequence[Param]] = ()

    def __init__(self, **options: Any) -> None:
        self.options: dict[str, Any] = resolve_params(
            f"{self.component_type} {self.name!r}", self.params, options
        )

    def fingerprint(self) -> dict[str, Any]:
        """What determines this component's behaviour, for step keys and result files: its
        resolved options, plus anything they point to (a component reading a file adds a digest
        of its content)."""
        return dict(self.options)

    @classmethod
    def describe(cls) -> dict[str, Any]:
        return {
            "name": cls.name,
            "description": cls.description,
            "params": [p.describe() for p in cls.params],
        }


def resolve_params(owner: str, params: Sequence[Param], given: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults overlaid with `given`, each value converted and checked; unknown names rejected."""
    by_name = {p.name: p for p in params}
    for key in given:
        if key not in by_name:
            hint = f"{owner} takes {', '.join(by_name) or 'no parameters'}"
            raise UnknownNameError(f"parameter of {owner}", key, by_name, hint)
    return {
        p.name: p.convert(given[p.name], owner) if p.name in given else p.default for p in params
    }
