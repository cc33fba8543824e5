"""The click group behind ``xharness``: lazy built-in commands, plugin commands, clean errors."""

from __future__ import annotations

import importlib
from typing import Any

import click

from xtreme_harness.errors import XHarnessError


class CommandError(click.ClickException):
    """An `XHarnessError` shown the click way: ``Error: message``, its own exit code."""

    def __init__(self, error: XHarnessError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code


class XHarnessGroup(click.Group):
    """Built-in commands are imported when first used; plugin commands (from
    `xharness_register_commands`) are loaded only for a name that is not built in, or to list all
    commands in ``--help``. Errors of xharness end the command with their message, no traceback."""

    def __init__(self, *args: Any, lazy_commands: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands)
        self.owners = {name: "xharness" for name in lazy_commands}
        self._commands_from: object | None = None

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands()
        return sorted(set(self.lazy_commands) | set(self.commands))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy_commands and name not in self.commands:
            module_name, attribute = self.lazy_commands[name].split(":")
            self.commands[name] = getattr(importlib.import_module(module_name), attribute)
        if name not in self.commands:
            self._load_plugin_commands()
        return self.commands.get(name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = click.utils.make_str(args[0])
        if self.get_command(ctx, name) is None and not name.startswith("-"):
            from xtreme_harness.suggest import closest

            suggestions = closest(name, self.list_commands(ctx))
            hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
            ctx.fail(f"No such command {name!r}.{hint}")
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except XHarnessError as exc:
            raise CommandError(exc) from exc

    def _load_plugin_commands(self) -> None:
        """Add the commands of the current plugin host's plugins (once per host)."""
        from xtreme_harness.plugin_host import get_host

        host = get_host()
        if host is self._commands_from:
            return
        for name, owner in list(self.owners.items()):
            if owner != "xharness":
                del self.owners[name]
                self.commands.pop(name, None)
        self._commands_from = host
        try:
            host.add_commands(self, self.owners)
        except XHarnessError as exc:
            raise CommandError(exc) from exc
