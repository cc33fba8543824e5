"""What language sets, regularizers, executors and formats have in common.

Each is a class with a `name`, a one-line `description` and declared parameters (`params`). The
declaration is what lets the command line, grid files and result files treat every plugin's options
the same way: parse them from text, check them, list them with their defaults, and put the resolved
values into step keys and result files.
"""

from __future__ import annotations

import math
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
    """The option's name (``epsilon``; ``--regularizer-option epsilon=0.2``, a keyword argument
    of the component's constructor)."""
    type: type
    """The value's type (``int``, ``float``, ``str``, ``bool``...): values given as text are
    converted with it (``bool`` accepts 1/0, true/false, yes/no, on/off)."""
    default: Any
    """The value when none is given (None allowed: then None is accepted as a value)."""
    help: str
    """One line for listings (``xharness regularizers``) and ``--help``."""
    choices: tuple[Any, ...] | None = None
    """The only values accepted, if given."""
    minimum: float | None = None
    """The smallest value accepted."""
    maximum: float | None = None
    """The largest value accepted."""
    above: float | None = None
    """A strict lower bound (the value must be greater)."""
    source: str = ""
    """Where the default comes from (a paper's section, a reference implementation)."""
    verified: bool = True
    """False where `source` does not confirm the default; listings and docs say so."""

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
        problem = out_of_bounds(
            converted, minimum=self.minimum, maximum=self.maximum, above=self.above
        )
        if problem is not None:
            raise UsageError(f"{where}: {problem}, got {value!r}")
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
        """A JSON-ready summary for listings (bounds and source only where set)."""
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


def out_of_bounds(
    value: Any,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    above: float | None = None,
) -> str | None:
    """What is wrong with a number given these bounds (``"expected at least 1"``), or None.
    NaN and infinities are never accepted: no setting of a run is meant to be one."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    if not math.isfinite(value):
        return "expected a finite number"
    if minimum is not None and value < minimum:
        return f"expected at least {minimum}"
    if above is not None and value <= above:
        return f"expected a value greater than {above}"
    if maximum is not None and value > maximum:
        return f"expected at most {maximum}"
    return None


class Component:
    """Base of configurable plugin components. Subclasses set `name`, `description`, `params`.

    `component_type` is set once per interface ("regularizer", "language set", ...) for
    messages.
    """

    component_type: ClassVar[str] = "component"
    """What kind of component this is, in messages; set by each interface, not by plugins."""
    name: ClassVar[str] = ""
    """The name it is registered and chosen by (lower case: letters, digits, ``.``, ``_``,
    ``-``)."""
    description: ClassVar[str] = ""
    """One line for listings."""
    params: ClassVar[Sequence[Param]] = ()
    """The options it takes; the constructor's keyword arguments are checked against them."""

    def __init__(self, **options: Any) -> None:
        self.options: dict[str, Any] = resolve_params(
            f"{self.component_type} {self.name!r}", self.params, options
        )
        """Every parameter's value: the defaults overlaid with `options`, each converted to its
        `Param.type` and checked (an unknown name or a bad value is a `UsageError`)."""

    def fingerprint(self) -> dict[str, Any]:
        """What determines this component's behaviour, for step keys and result files: its
        resolved options, plus anything they point to (a component reading a file adds a digest
        of its content)."""
        return dict(self.options)

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """Name, description and parameters, JSON-ready, for listings."""
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
