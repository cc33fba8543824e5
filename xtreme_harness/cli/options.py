"""Click options built from the table of run options (`xtreme_harness.config.options`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from xtreme_harness.config.options import OPTIONS, Option, check_value

PLURALS = {
    "model": "--models", "task": "--tasks", "seed": "--seeds", "source": "--sources",
    "regularizer": "--regularizers", "language_set": "--language-sets", "setting": "--settings",
    "perturbation": "--perturbations", "multi_source": "--multi-sources",
}  # fmt: skip
REQUIRED_FOR_RUN = ("model", "task")


class _Checked(click.ParamType):
    """A number option checked against its bounds in the table of run options (the same rules
    grid files and result files follow; NaN and infinities refused)."""

    def __init__(self, option: Option) -> None:
        self.option = option
        self.name = {int: "integer", float: "float"}[option.type]

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        base = click.INT if self.option.type is int else click.FLOAT
        number = base.convert(value, param, ctx)
        problem = check_value(self.option, number)
        if problem is not None:
            self.fail(problem, param, ctx)
        return number


def _typed(option: Option) -> Any:
    if option.choices:
        return click.Choice(option.choices)
    if option.type in (int, float):
        return _Checked(option)
    return str


def run_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Every run option, typed, one value each (`xharness run`)."""
    for option in reversed(OPTIONS):
        function = click.option(
            option.flag,
            option.name,
            type=None if option.is_flag else _typed(option),
            is_flag=option.is_flag,
            multiple=option.multiple,
            default=option.default if not option.multiple else (),
            show_default=option.default not in (None, False, ()),
            required=option.name in REQUIRED_FOR_RUN,
            metavar=option.metavar,
            help=option.help,
        )(function)
    return function


def grid_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Every run option for `xharness grid`: axis options take a comma-separated list of values
    (plural spellings too: --tasks, --seeds, ...); defaults come from the grid file or the run."""
    for option in reversed(OPTIONS):
        flags = [option.flag] + ([PLURALS[option.name]] if option.name in PLURALS else [])
        if option.is_flag:
            help_text = option.help
            kind: Any = None
        elif option.axis:
            help_text = option.help + (
                " A comma-separated list is an axis of the grid"
                + (" (NAME:KEY=VALUE:... sets options)." if option.component else ".")
            )
            kind = str
        else:
            help_text, kind = option.help, _typed(option)
        function = click.option(
            *flags,
            option.name,
            type=kind,
            is_flag=option.is_flag,
            multiple=option.multiple,
            default=None if not option.multiple else (),
            metavar=option.metavar or ("VALUE[,VALUE...]" if option.axis and kind is str else None),
            help=help_text,
        )(function)
    return function
