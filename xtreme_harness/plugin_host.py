"""Loading plugins and collecting what they register.

Plugins are found through the ``xharness`` entry-point group, built-ins exactly like third-party
packages. Each loads on its own: one that fails to import (or whose hooks do not match the hook
specifications, or whose registration hook raises) is reported by name with its error and skipped,
and everything else works. ``XHARNESS_STRICT_PLUGINS=1`` turns such a failure into an error;
``XHARNESS_DISABLE_PLUGINS=a,b`` blocks plugins by name.

Registration hooks run lazily, one registrable at a time, the first time it is asked for.

Name conflicts never stop the command line. A plugin is *built in* when its entry point belongs to
the ``xtreme-harness`` distribution (a plugin added to a host directly, without a distribution, is
built in when its module is in the ``xharness_plugins`` package). When two plugins register the
same name for the same registrable, one registration is used and the other is skipped with one
`PluginWarning` naming both plugins, the registrable and the name (listed by `PluginHost.conflicts`
and ``xharness plugins``): a built-in plugin's registration wins over a third party's whatever the
load order, and between third parties the first loaded wins (entry points load in the order of
their names, then plugins added directly, in the order added). A name xharness ships itself (a
protocol of the registry) wins over any plugin's. In strict mode a conflict is an error; two
built-in plugins registering one name is always an error (a broken installation of xharness).
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
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
PLUGIN_FAILURES = (Exception, SystemExit)
"""What a plugin may raise while it loads or registers without ending the command: a plugin
that calls `sys.exit()` is skipped like one that raises. `KeyboardInterrupt` stays an
interrupt."""
STRICT_ENV = "XHARNESS_STRICT_PLUGINS"
DISABLE_ENV = "XHARNESS_DISABLE_PLUGINS"
BUILTIN_DISTRIBUTION = "xtreme-harness"
"""The distribution whose entry points are the built-in plugins."""
BUILTIN_PACKAGE = "xharness_plugins"
"""The package of the built-in plugins' modules."""
CORE = "xharness"
"""Who provides what xharness ships itself rather than through a plugin (the registry's
protocols); it wins any name conflict."""


def is_builtin(distribution: str | None, module: str) -> bool:
    """Whether a plugin is built in: its entry point belongs to the ``xtreme-harness``
    distribution, or, for a plugin without a distribution (added to a `PluginHost` directly),
    its module is in the ``xharness_plugins`` package."""
    if distribution is not None:
        return re.sub(r"[-_.]+", "-", distribution).lower() == BUILTIN_DISTRIBUTION
    return module == BUILTIN_PACKAGE or module.startswith(BUILTIN_PACKAGE + ".")


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
    shipped: Callable[[], Iterable[str]] | None = None
    """The names xharness ships itself for this registrable (provided by `CORE`, not by a
    plugin): a plugin's registration of one is a conflict that xharness wins."""


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


def _shipped_protocols() -> list[str]:
    from xtreme_harness.registry.protocols import builtin_names

    return builtin_names()


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


def _check_pretrained(obj: Any) -> str:
    from xtreme_harness.registry.pretraining import PretrainedModel

    if not isinstance(obj, PretrainedModel):
        raise TypeError(f"expected xtreme_harness.registry.pretrained_model(...), got {obj!r}")
    return obj.name


def _shipped_pretrained() -> list[str]:
    from xtreme_harness.registry.pretraining import shipped_names

    return shipped_names()


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
            "protocols",
            "protocol",
            "xharness_register_protocols",
            _check_protocol,
            _load_protocol,
            _shipped_protocols,
        ),
        Registrable(
            "translators",
            "translator",
            "xharness_register_translators",
            _component_check("xtreme_harness.interfaces.translator", "Translator"),
        ),
        Registrable(
            "perturbers",
            "perturber",
            "xharness_register_perturbers",
            _component_check("xtreme_harness.interfaces.perturber", "Perturber"),
        ),
        Registrable(
            "observers",
            "observer",
            "xharness_register_observers",
            _component_check("xtreme_harness.interfaces.observer", "Observer"),
        ),
        Registrable(
            "pretrained_models",
            "pretrained model",
            "xharness_register_pretrained_models",
            _check_pretrained,
            shipped=_shipped_pretrained,
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
    builtin: bool = False


@dataclass(frozen=True)
class Failure:
    plugin: str
    error: str


SHIPPED = "xharness ships it"
BUILTIN_WINS = "a built-in plugin's registration wins over a third party's"
FIRST_WINS = "between third-party plugins the first loaded wins"
TWICE = "the plugin registers it twice; its first registration is used"


@dataclass(frozen=True)
class Conflict:
    """A registration skipped because its name was taken: plugin `skipped`'s registration of
    `name` (a `what`, a key of `REGISTRABLES`) is not used, `kept`'s is (`CORE` for a name
    xharness ships itself), for `reason`."""

    what: str
    name: str
    kept: str
    skipped: str
    reason: str

    def message(self) -> str:
        """The warning (or, in strict mode, the error) that reports the conflict."""
        label = REGISTRABLES[self.what].label
        head = f"{label} {self.name!r} of plugin {self.skipped!r}"
        if self.reason == SHIPPED:
            return f"{head} is skipped: xharness already ships a {label} {self.name!r} (rename it)"
        if self.reason == TWICE:
            return f"{head} is registered twice; the second registration is skipped"
        if self.reason == BUILTIN_WINS:
            return (
                f"{head} is skipped: built-in plugin {self.kept!r} registers a {label} "
                f"{self.name!r} too, and {BUILTIN_WINS} (rename it to use it)"
            )
        return (
            f"{head} is skipped: plugin {self.kept!r}, loaded first, registers a {label} "
            f"{self.name!r} too, and {FIRST_WINS} (rename one of them, or block {self.kept!r} "
            f"with {DISABLE_ENV}={self.kept} to use the one of {self.skipped!r})"
        )

    def describe(self) -> dict[str, str]:
        """A JSON-ready record, as ``xharness plugins --json`` lists it."""
        return {"registrable": self.what, "name": self.name, "kept_by": self.kept,
                "reason": self.reason}  # fmt: skip


class PluginHost:
    """The plugin manager of one process: loaded plugins and their registrations.

    `entry_points=False` skips installed plugins; `builtin_only=True` loads only the built-in
    ones among them; `plugins` adds ``(name, module_or_object)`` pairs directly (as tests and
    embedding applications do).
    """

    def __init__(
        self,
        *,
        entry_points: bool = True,
        plugins: Iterable[tuple[str, object]] = (),
        environ: dict[str, str] | None = None,
        builtin_only: bool = False,
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
        self._builtin: set[str] = set()
        self._registrations: dict[str, dict[str, Registration]] = {}
        self._conflicts: dict[str, list[Conflict]] = {}
        self._warned: set[Conflict] = set()
        if entry_points:
            self._load_entry_points(builtin_only)
        for name, plugin in plugins:
            self.add(name, plugin)
        self._warn_unknown_disabled()

    # loading

    def _load_entry_points(self, builtin_only: bool = False) -> None:
        from importlib.metadata import entry_points

        seen: set[str] = set()
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            if ep.name in seen:
                continue
            seen.add(ep.name)
            dist = getattr(ep, "dist", None)
            meta = (dist.metadata["Name"], dist.version) if dist is not None else (None, None)
            builtin = is_builtin(meta[0], ep.module)
            if builtin_only and not builtin:
                continue
            if ep.name in self.disabled:
                self.blocked.append(ep.name)
                continue
            try:
                plugin = ep.load()
            except PLUGIN_FAILURES as exc:
                self._fail(ep.name, f"failed to import {ep.value!r}: {_describe(exc)}", exc)
                continue
            self.add(ep.name, plugin, distribution=meta[0], version=meta[1], builtin=builtin)

    def add(
        self,
        name: str,
        plugin: object,
        *,
        distribution: str | None = None,
        version: str | None = None,
        builtin: bool | None = None,
    ) -> None:
        """Register one plugin object (a module or any object with hook implementations).
        `builtin` defaults to what `is_builtin` says of its distribution and module."""
        if name in self.disabled:
            self.blocked.append(name)
            return
        if self.pm.has_plugin(name):
            raise PluginError(f"two plugins are named {name!r}; plugin names must be unique")
        try:
            self.pm.register(plugin, name=name)
            self.pm.check_pending()
        except PLUGIN_FAILURES as exc:
            if self.pm.has_plugin(name):
                self.pm.unregister(name=name)
            self._fail(name, f"does not fit the hook specifications: {_describe(exc)}", exc)
            return
        self._order.append(name)
        self._meta[name] = (distribution, version)
        if builtin is None:
            builtin = is_builtin(distribution, _module_name(plugin))
        if builtin:
            self._builtin.add(name)
        self._registrations.clear()
        self._conflicts.clear()

    def is_builtin(self, plugin: str) -> bool:
        """Whether the loaded plugin called `plugin` is built in (see `is_builtin`)."""
        return plugin in self._builtin

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
        conflicts: list[Conflict] = []
        shipped = frozenset(what.shipped()) if what.shipped is not None else frozenset()
        for impl in self._impls(what.hook):
            found: list[Registration] = []
            register = _registrar(what, impl.plugin_name, found)
            try:
                impl.function(**_arguments(impl, register=register))
            except PLUGIN_FAILURES as exc:
                self._fail(impl.plugin_name, f"failed in {what.hook}: {_describe(exc)}", exc)
                continue
            for registration in found:
                conflict = self._place(what, registration, collected, shipped)
                if conflict is not None:
                    self._skip(conflict)
                    conflicts.append(conflict)
        self._conflicts[what.key] = conflicts
        return collected

    def _place(
        self,
        what: Registrable,
        registration: Registration,
        collected: dict[str, Registration],
        shipped: frozenset[str],
    ) -> Conflict | None:
        """Add `registration` to `collected` unless its name is taken by a registration that
        wins; the conflict, if there is one."""
        name, new = registration.name, registration.plugin
        if name in shipped:
            return Conflict(what.key, name, CORE, new, SHIPPED)
        earlier = collected.get(name)
        if earlier is None:
            collected[name] = registration
            return None
        old = earlier.plugin
        if self.is_builtin(old) and self.is_builtin(new):
            raise DuplicateNameError(what.label, name, old, new)
        if self.is_builtin(new):
            collected[name] = registration
            return Conflict(what.key, name, new, old, BUILTIN_WINS)
        reason = BUILTIN_WINS if self.is_builtin(old) else TWICE if old == new else FIRST_WINS
        return Conflict(what.key, name, old, new, reason)

    def _skip(self, conflict: Conflict) -> None:
        """Report a skipped registration: one warning per conflict, an error in strict mode."""
        message = conflict.message()
        if self.strict:
            raise DuplicateNameError(
                REGISTRABLES[conflict.what].label, conflict.name, conflict.kept, conflict.skipped,
                message=f"{message} ({STRICT_ENV} is set: a skipped registration is an error)",
            )  # fmt: skip
        if conflict not in self._warned:
            self._warned.add(conflict)
            warnings.warn(message, PluginWarning, stacklevel=5)

    def conflicts(self) -> list[Conflict]:
        """Every registration skipped because its name was taken, over all registrables (each
        collected if it was not yet)."""
        for what in REGISTRABLES:
            self.registrations(what)
        return [conflict for what in REGISTRABLES for conflict in self._conflicts.get(what, ())]

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
            except PLUGIN_FAILURES as exc:
                cli.commands.clear()
                cli.commands.update(before)
                self._fail(
                    impl.plugin_name, f"failed in xharness_register_commands: {_describe(exc)}", exc
                )
                continue
            for name, command in list(cli.commands.items()):
                if before.get(name) is command:
                    continue
                if name in before or name in owners:  # taken: the first owner keeps it
                    if name in before:
                        cli.commands[name] = before[name]
                    else:
                        del cli.commands[name]
                    self._skip_command(name, owners[name], impl.plugin_name)
                    continue
                owners[name] = impl.plugin_name

    def _skip_command(self, name: str, kept: str, skipped: str) -> None:
        """A plugin's command whose name is taken (by xharness or a plugin loaded earlier) is
        skipped with one warning; in strict mode it is an error."""
        owner = "xharness" if kept == "xharness" else f"plugin {kept!r}"
        message = (
            f"command {name!r} of plugin {skipped!r} is skipped: {owner} has a command "
            f"{name!r} (rename it)"
        )
        if self.strict:
            raise DuplicateNameError(
                "command", name, kept, skipped,
                message=f"{message} ({STRICT_ENV} is set: a skipped registration is an error)",
            )  # fmt: skip
        warnings.warn(message, PluginWarning, stacklevel=4)

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
                builtin=self.is_builtin(name),
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
    if isinstance(exc, SystemExit):
        return f"it called sys.exit({exc.code!r})"
    return f"{type(exc).__name__}: {exc}"


def _module_name(plugin: object) -> str:
    """The module a plugin object is or was defined in."""
    if isinstance(plugin, ModuleType):
        return plugin.__name__
    return getattr(plugin, "__module__", None) or type(plugin).__module__


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
