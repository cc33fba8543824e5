"""Loading plugins and collecting what they register.

Plugins are found through the ``xharness`` entry-point group, built-ins exactly like third-party
packages. Each loads on its own: one that fails to import (or whose hooks do not match the hook
specifications, or whose registration hook raises) is reported by name with its error and skipped,
and everything else works. ``XHARNESS_STRICT_PLUGINS=1`` turns such a failure into an error;
``XHARNESS_DISABLE_PLUGINS=a,b`` blocks plugins by name.

Registration hooks run lazily, one registrable at a time, the first time it is asked for.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pluggy

from xtreme_harness import hookspecs
from xtreme_harness.errors import (
    DuplicateNameError,
    PluginError,
    PluginWarning,
    UnknownNameError,
)

if TYPE_CHECKING:
    import click

ENTRY_POINT_GROUP = "xharness"
STRICT_ENV = "XHARNESS_STRICT_PLUGINS"
DISABLE_ENV = "XHARNESS_DISABLE_PLUGINS"


@dataclass(frozen=True)
class Registrable:
    """Something plugins register (tasks, a type of component, protocols): its key, its label
    in messages, its hook, and how a registered object is checked."""

    key: str
    label: str
    hook: str
    check: Callable[[Any], str]
    """Returns the registered object's name, or raises `TypeError` saying what was expected."""
    prepare: Callable[[Any], Any] | None = None
    """Turns what a plugin passes into the object kept (a protocol file's path into a
    `Protocol`)."""


def _check_task(obj: Any) -> str:
    from xtreme_harness.interfaces.task import TaskSpec

    if not isinstance(obj, TaskSpec):
        raise TypeError(f"expected a TaskSpec, got {obj!r}")
    return obj.name


def _load_protocol(obj: Any) -> Any:
    from xtreme_harness.registry.protocols import load_file

    return load_file(obj) if isinstance(obj, (str, os.PathLike)) else obj


def _check_protocol(obj: Any) -> str:
    from xtreme_harness.registry.protocols import Protocol

    if not isinstance(obj, Protocol):
        raise TypeError(f"expected the path of a protocol file or a Protocol, got {obj!r}")
    return obj.name


def _component_check(module: str, base_name: str) -> Callable[[Any], str]:
    def check(obj: Any) -> str:
        import importlib

        from xtreme_harness.interfaces.task import NAME_PATTERN

        base = getattr(importlib.import_module(module), base_name)
        if not (isinstance(obj, type) and issubclass(obj, base)):
            raise TypeError(f"expected a subclass of {module}.{base_name}, got {obj!r}")
        if not isinstance(obj.name, str) or not NAME_PATTERN.match(obj.name):
            raise TypeError(f"{obj.__name__}.name {obj.name!r} must match {NAME_PATTERN.pattern}")
        return obj.name

    return check


REGISTRABLES: dict[str, Registrable] = {
    what.key: what
    for what in (
        Registrable("tasks", "task", "xharness_register_tasks", _check_task),
        Registrable(
            "language_sets",
            "language set",
            "xharness_register_language_sets",
            _component_check("xtreme_harness.interfaces.language_set", "LanguageSet"),
        ),
        Registrable(
            "regularizers",
            "regularizer",
            "xharness_register_regularizers",
            _component_check("xtreme_harness.interfaces.regularizer", "Regularizer"),
        ),
        Registrable(
            "executors",
            "executor",
            "xharness_register_executors",
            _component_check("xtreme_harness.interfaces.executor", "Executor"),
        ),
        Registrable(
            "formats",
            "format",
            "xharness_register_formats",
            _component_check("xtreme_harness.interfaces.table_format", "TableFormat"),
        ),
        Registrable(
            "protocols", "protocol", "xharness_register_protocols", _check_protocol, _load_protocol
        ),
    )
}


@dataclass(frozen=True)
class Registration:
    """A registered object and the plugin that registered it."""

    name: str
    obj: Any
    plugin: str


@dataclass
class PluginInfo:
    name: str
    module: str
    distribution: str | None
    version: str | None
    hooks: list[str]
    registered: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Failure:
    plugin: str
    error: str


class PluginHost:
    """The plugin manager of one process: loaded plugins and their registrations.

    `entry_points=False` skips installed plugins; `plugins` adds ``(name, module_or_object)``
    pairs directly (as tests and embedding applications do).
    """

    def __init__(
        self,
        *,
        entry_points: bool = True,
        plugins: Iterable[tuple[str, object]] = (),
        environ: dict[str, str] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        self.strict = env.get(STRICT_ENV, "").strip().lower() in ("1", "true", "yes", "on")
        self.disabled = frozenset(
            name.strip() for name in env.get(DISABLE_ENV, "").split(",") if name.strip()
        )
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.failures: list[Failure] = []
        self.blocked: list[str] = []
        self._order: list[str] = []
        self._meta: dict[str, tuple[str | None, str | None]] = {}
        self._registrations: dict[str, dict[str, Registration]] = {}
        if entry_points:
            self._load_entry_points()
        for name, plugin in plugins:
            self.add(name, plugin)
        self._warn_unknown_disabled()

    # loading

    def _load_entry_points(self) -> None:
        from importlib.metadata import entry_points

        seen: set[str] = set()
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            if ep.name in seen:
                continue
            seen.add(ep.name)
            if ep.name in self.disabled:
                self.blocked.append(ep.name)
                continue
            dist = getattr(ep, "dist", None)
            meta = (dist.metadata["Name"], dist.version) if dist is not None else (None, None)
            try:
                plugin = ep.load()
            except Exception as exc:
                self._fail(ep.name, f"failed to import {ep.value!r}: {_describe(exc)}", exc)
                continue
            self.add(ep.name, plugin, distribution=meta[0], version=meta[1])

    def add(
        self,
        name: str,
        plugin: object,
        *,
        distribution: str | None = None,
        version: str | None = None,
    ) -> None:
        """Register one plugin object (a module or any object with hook implementations)."""
        if name in self.disabled:
            self.blocked.append(name)
            return
        if self.pm.has_plugin(name):
            raise PluginError(f"two plugins are named {name!r}; plugin names must be unique")
        try:
            self.pm.register(plugin, name=name)
            self.pm.check_pending()
        except Exception as exc:
            if self.pm.has_plugin(name):
                self.pm.unregister(name=name)
            self._fail(name, f"does not fit the hook specifications: {_describe(exc)}", exc)
            return
        self._order.append(name)
        self._meta[name] = (distribution, version)
        self._registrations.clear()

    def _fail(self, plugin: str, message: str, exc: BaseException) -> None:
        text = f"plugin {plugin!r} {message}"
        if self.strict:
            raise PluginError(f"{text} ({STRICT_ENV} is set)") from exc
        self.failures.append(Failure(plugin, message))
        warnings.warn(f"{text}; skipping it", PluginWarning, stacklevel=3)

    def _warn_unknown_disabled(self) -> None:
        known = set(self._order) | set(self.blocked) | {f.plugin for f in self.failures}
        for name in sorted(self.disabled - known):
            warnings.warn(
                f"{DISABLE_ENV} names {name!r}, which is not an installed plugin",
                PluginWarning,
                stacklevel=3,
            )

    # registrations

    def registrations(self, what: str) -> dict[str, Registration]:
        """Everything registered for `what` (a key of `REGISTRABLES`), by name."""
        if what not in self._registrations:
            self._registrations[what] = self._collect(REGISTRABLES[what])
        return self._registrations[what]

    def _impls(self, hook: str) -> Iterator[pluggy.HookImpl]:
        impls = getattr(self.pm.hook, hook).get_hookimpls()
        yield from sorted(impls, key=lambda impl: self._order.index(impl.plugin_name))

    def _collect(self, what: Registrable) -> dict[str, Registration]:
        collected: dict[str, Registration] = {}
        for impl in self._impls(what.hook):
            found: list[Registration] = []
            register = _registrar(what, impl.plugin_name, found)
            try:
                impl.function(**_arguments(impl, register=register))
            except Exception as exc:
                self._fail(impl.plugin_name, f"failed in {what.hook}: {_describe(exc)}", exc)
                continue
            for registration in found:
                earlier = collected.get(registration.name)
                if earlier is not None:
                    raise DuplicateNameError(
                        what.label, registration.name, earlier.plugin, registration.plugin
                    )
                collected[registration.name] = registration
        return collected

    def get(self, what: str, name: str) -> Any:
        """The object registered as `name`; `UnknownNameError` with close names if none."""
        registered = self.registrations(what)
        if name not in registered:
            raise UnknownNameError(REGISTRABLES[what].label, name, registered)
        return registered[name].obj

    def add_commands(self, cli: click.Group, owners: dict[str, str]) -> None:
        """Let each plugin add commands to `cli`; `owners` maps command names to their plugin
        (``"xharness"`` for built-in commands) and is updated."""
        for impl in self._impls("xharness_register_commands"):
            before = dict(cli.commands)
            try:
                impl.function(**_arguments(impl, cli=cli))
            except Exception as exc:
                cli.commands.clear()
                cli.commands.update(before)
                self._fail(
                    impl.plugin_name, f"failed in xharness_register_commands: {_describe(exc)}", exc
                )
                continue
            for name, command in list(cli.commands.items()):
                if before.get(name) is command:
                    continue
                if name in before or name in owners:
                    cli.commands.clear()
                    cli.commands.update(before)
                    raise DuplicateNameError("command", name, owners[name], impl.plugin_name)
                owners[name] = impl.plugin_name

    # listing

    def plugins(self) -> list[PluginInfo]:
        """Every loaded plugin with its hooks and what it registered."""
        infos = {}
        for name in self._order:
            plugin = self.pm.get_plugin(name)
            callers = self.pm.get_hookcallers(plugin) or []
            distribution, version = self._meta[name]
            infos[name] = PluginInfo(
                name=name,
                module=getattr(plugin, "__name__", type(plugin).__name__),
                distribution=distribution,
                version=version,
                hooks=sorted(caller.name for caller in callers),
            )
        for what in REGISTRABLES:
            for registration in self.registrations(what).values():
                infos[registration.plugin].registered.setdefault(what, []).append(registration.name)
        return list(infos.values())


def _registrar(what: Registrable, plugin: str, found: list[Registration]) -> Callable[[Any], None]:
    """The `register` callable handed to one plugin's registration hook."""

    def register(obj: Any) -> None:
        if what.prepare is not None:
            obj = what.prepare(obj)
        try:
            name = what.check(obj)
        except TypeError as exc:
            raise TypeError(f"registered a {what.label} wrongly: {exc}") from None
        found.append(Registration(name, obj, plugin))

    return register


def _arguments(impl: pluggy.HookImpl, **available: Any) -> dict[str, Any]:
    """The hook arguments this implementation asked for (pluggy lets it take a subset)."""
    return {name: available[name] for name in impl.argnames if name in available}


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


_host: PluginHost | None = None


def get_host() -> PluginHost:
    """The process-wide plugin host, created on first use."""
    global _host
    if _host is None:
        _host = PluginHost()
    return _host


def set_host(host: PluginHost | None) -> None:
    """Replace the process-wide host (`None` makes the next `get_host` load plugins afresh)."""
    global _host
    _host = host
