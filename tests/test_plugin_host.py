"""Loading plugins one at a time, resilient to broken ones; duplicate names; listing."""

from __future__ import annotations

import json

import pytest
from helpers import REPO, make_installed_plugin, run_xharness

from xtreme_harness import hookimpl
from xtreme_harness.errors import DuplicateNameError, PluginError, PluginWarning
from xtreme_harness.interfaces.regularizer import Regularizer
from xtreme_harness.plugin_host import (
    BUILTIN_WINS,
    FIRST_WINS,
    SHIPPED,
    TWICE,
    Conflict,
    PluginHost,
    is_builtin,
)


class Scaled(Regularizer):
    name = "scaled"
    description = "Test regularizer."

    def loss(self, model, batch, ctx):
        return ctx.forward(model, batch).loss * 2


class ProvidesScaled:
    @hookimpl
    def xharness_register_regularizers(self, register):
        register(Scaled)


class AlsoProvidesScaled:
    @hookimpl
    def xharness_register_regularizers(self, register):
        register(Scaled)


class RaisesInHook:
    @hookimpl
    def xharness_register_regularizers(self, register):
        raise RuntimeError("cannot register today")


class RegistersWrongType:
    @hookimpl
    def xharness_register_regularizers(self, register):
        register(object())


class MisspelledArgument:
    @hookimpl
    def xharness_register_regularizers(self, registr):
        registr(Scaled)


class UnknownHook:
    @hookimpl
    def xharness_register_widgets(self, register):
        pass


def test_between_third_parties_the_first_loaded_wins_with_one_warning():
    with pytest.warns(PluginWarning) as caught:
        host = PluginHost(
            entry_points=False,
            plugins=[("first", ProvidesScaled()), ("second", AlsoProvidesScaled())],
        )
        registered = host.registrations("regularizers")
        host.plugins()  # collecting again warns no more
    assert registered["scaled"].plugin == "first"
    (message,) = [str(w.message) for w in caught]
    assert "'first'" in message and "'second'" in message
    assert "regularizer 'scaled'" in message and "first loaded wins" in message
    assert host.conflicts() == [Conflict("regularizers", "scaled", "first", "second", FIRST_WINS)]


def test_strict_mode_makes_a_name_conflict_an_error():
    host = PluginHost(
        entry_points=False,
        plugins=[("first", ProvidesScaled()), ("second", AlsoProvidesScaled())],
        environ={"XHARNESS_STRICT_PLUGINS": "1"},
    )
    with pytest.raises(DuplicateNameError) as info:
        host.registrations("regularizers")
    message = str(info.value)
    assert "'first'" in message and "'second'" in message and "'scaled'" in message
    assert "XHARNESS_STRICT_PLUGINS" in message


class ShadowsNone:
    """A third party registering the name of a built-in regularizer."""

    @hookimpl
    def xharness_register_regularizers(self, register):
        class Shadow(Scaled):
            name = "none"

        register(Shadow)


@pytest.mark.parametrize("third_party_first", [True, False])
def test_a_builtin_registration_wins_whatever_the_load_order(third_party_first):
    import xharness_plugins.robust

    plugins = [("aaa", ShadowsNone()), ("robust", xharness_plugins.robust)]
    if not third_party_first:
        plugins.reverse()
    with pytest.warns(PluginWarning) as caught:
        host = PluginHost(entry_points=False, plugins=plugins)
        registered = host.registrations("regularizers")
    assert registered["none"].plugin == "robust"
    assert host.is_builtin("robust") and not host.is_builtin("aaa")
    (message,) = [str(w.message) for w in caught]
    assert "regularizer 'none' of plugin 'aaa' is skipped" in message
    assert "built-in plugin 'robust'" in message
    assert "XHARNESS_DISABLE_PLUGINS" not in message  # never suggests disabling the built-in
    assert host.conflicts() == [Conflict("regularizers", "none", "robust", "aaa", BUILTIN_WINS)]
    (aaa,) = [info for info in host.plugins() if info.name == "aaa"]
    assert aaa.registered == {} and not aaa.builtin


def test_two_builtins_registering_one_name_is_an_error():
    host = PluginHost(entry_points=False)
    host.add("first", ProvidesScaled(), builtin=True)
    host.add("second", AlsoProvidesScaled(), builtin=True)
    with pytest.raises(DuplicateNameError, match=r"'first'.*'second'"):
        host.registrations("regularizers")


def test_a_plugin_registering_one_name_twice_keeps_the_first():
    class Twice:
        @hookimpl
        def xharness_register_regularizers(self, register):
            register(Scaled)
            register(Scaled)

    with pytest.warns(PluginWarning, match="registered twice"):
        host = PluginHost(entry_points=False, plugins=[("twice", Twice())])
        assert host.registrations("regularizers")["scaled"].plugin == "twice"
    assert [c.reason for c in host.conflicts()] == [TWICE]


@pytest.mark.parametrize(
    ("distribution", "module", "builtin"),
    [
        ("xtreme-harness", "anything", True),
        ("xtreme_harness", "xharness_plugins.robust", True),
        ("xharness-extra", "xharness_plugins.robust", False),
        (None, "xharness_plugins.robust", True),
        (None, "xharness_plugins", True),
        (None, "xharness_plugins_extra", False),
        (None, "my_plugin", False),
    ],
)
def test_builtins_are_told_apart_by_distribution_then_module(distribution, module, builtin):
    assert is_builtin(distribution, module) is builtin


def test_a_protocol_named_like_a_shipped_one_is_a_conflict_like_any_other(tmp_path):
    from xtreme_harness.registry import protocols

    path = tmp_path / "clash.json"
    document = json.loads(
        (REPO / "registry" / "protocols" / "xtreme-r.json").read_text(encoding="utf-8")
    )
    path.write_text(json.dumps(document), encoding="utf-8")

    class ShipsXtremeR:
        @hookimpl
        def xharness_register_protocols(self, register):
            register(path)

    with pytest.warns(PluginWarning) as caught:
        host = PluginHost(entry_points=False, plugins=[("clash", ShipsXtremeR())])
        found = protocols.available(host)
        host.plugins()
    (message,) = [str(w.message) for w in caught]
    assert "protocol 'xtreme-r' of plugin 'clash'" in message and "already ships" in message
    assert found["xtreme-r"][1] == "xharness"
    assert host.conflicts() == [Conflict("protocols", "xtreme-r", "xharness", "clash", SHIPPED)]


@pytest.mark.parametrize(
    ("plugin", "expected"),
    [
        (RaisesInHook(), "cannot register today"),
        (
            RegistersWrongType(),
            "expected a subclass of xtreme_harness.interfaces.regularizer.Regularizer",
        ),
        (MisspelledArgument(), "does not fit the hook specifications"),
        (UnknownHook(), "does not fit the hook specifications"),
    ],
)
def test_broken_plugin_is_skipped_with_one_warning(plugin, expected):
    with pytest.warns(PluginWarning) as caught:
        host = PluginHost(entry_points=False, plugins=[("good", ProvidesScaled()), ("bad", plugin)])
        registered = host.registrations("regularizers")
    assert list(registered) == ["scaled"]
    assert registered["scaled"].plugin == "good"
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1
    assert "'bad'" in messages[0] and expected in messages[0]
    assert [f.plugin for f in host.failures] == ["bad"]


def test_strict_mode_turns_a_broken_plugin_into_an_error():
    with pytest.raises(PluginError, match="XHARNESS_STRICT_PLUGINS"):
        PluginHost(
            entry_points=False,
            plugins=[("bad", MisspelledArgument())],
            environ={"XHARNESS_STRICT_PLUGINS": "1"},
        )


def test_disabled_plugins_are_not_loaded():
    host = PluginHost(
        entry_points=False,
        plugins=[("first", ProvidesScaled()), ("second", AlsoProvidesScaled())],
        environ={"XHARNESS_DISABLE_PLUGINS": " second ,"},
    )
    assert host.registrations("regularizers")["scaled"].plugin == "first"
    assert host.blocked == ["second"]


def test_disabling_an_unknown_plugin_warns():
    with pytest.warns(PluginWarning, match="'nosuch'"):
        PluginHost(entry_points=False, environ={"XHARNESS_DISABLE_PLUGINS": "nosuch"})


def test_plugin_info_lists_hooks_and_registered_names():
    host = PluginHost(entry_points=False, plugins=[("good", ProvidesScaled())])
    (info,) = host.plugins()
    assert info.name == "good"
    assert info.hooks == ["xharness_register_regularizers"]
    assert info.registered == {"regularizers": ["scaled"]}


def test_builtin_plugins_come_from_entry_points():
    host = PluginHost()
    info = {p.name: p for p in host.plugins()}
    assert info["robust"].module == "xharness_plugins.robust"
    assert info["robust"].distribution == "xtreme-harness"
    assert host.registrations("regularizers")["none"].plugin == "robust"


BROKEN = """
raise ImportError("this plugin needs a library that is not installed")
"""

WORKING = """
from xtreme_harness import hookimpl
from xtreme_harness.interfaces.regularizer import Regularizer


class Doubled(Regularizer):
    name = "doubled"
    description = "Twice the loss."

    def loss(self, model, batch, ctx):
        return 2 * ctx.forward(model, batch).loss


@hookimpl
def xharness_register_regularizers(register):
    register(Doubled)
"""


@pytest.fixture
def site(tmp_path):
    """A folder of installed plugins (a broken one and a working one) for PYTHONPATH."""
    make_installed_plugin(tmp_path / "site", "brokenplugin", BROKEN)
    make_installed_plugin(tmp_path / "site", "extraplugin", WORKING, version="2.5")
    return {"PYTHONPATH": str(tmp_path / "site")}


@pytest.mark.parametrize(
    "command",
    [
        ["languages", "sw"],
        ["tasks"],
        ["language-sets"],
        ["regularizers"],
        ["plugins"],
        ["--help"],
    ],
)
def test_broken_installed_plugin_leaves_every_command_working(site, command):
    result = run_xharness(*command, env=site)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    if command == ["languages", "sw"]:
        assert warnings == []  # this command loads no plugins at all
    else:
        assert len(warnings) == 1
        assert "'brokenplugin'" in warnings[0]
        assert "this plugin needs a library that is not installed" in warnings[0]


def test_installed_third_party_plugin_is_listed_with_version(site):
    result = run_xharness("plugins", "--json", env=site)
    assert result.returncode == 0, result.stderr
    entries = {e["name"]: e for e in json.loads(result.stdout)}
    assert entries["extraplugin"]["version"] == "2.5"
    assert entries["extraplugin"]["registered"] == {"regularizers": ["doubled"]}
    assert entries["brokenplugin"]["status"] == "failed"
    assert "ImportError" in entries["brokenplugin"]["error"]
    assert entries["robust"]["status"] == "loaded"


def test_strict_mode_from_the_environment_fails_the_command(site):
    result = run_xharness("regularizers", env={**site, "XHARNESS_STRICT_PLUGINS": "1"})
    assert result.returncode == 1
    assert "'brokenplugin'" in result.stderr
    assert "Traceback" not in result.stderr


def test_disabled_installed_plugin_is_reported_as_disabled(site):
    result = run_xharness(
        "plugins", "--json", env={**site, "XHARNESS_DISABLE_PLUGINS": "brokenplugin"}
    )
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr
    entries = {e["name"]: e for e in json.loads(result.stdout)}
    assert entries["brokenplugin"] == {"name": "brokenplugin", "status": "disabled"}


CLASHING_TASK = """
from xtreme_harness import hookimpl
from xtreme_harness.interfaces import Category, Recipe, TaskKind, TaskSpec


def spec(name):
    return TaskSpec(
        name=name, title=name, category=Category.CLASSIFICATION, kind=TaskKind.CLASSIFICATION,
        languages=("en",), metric="accuracy", labels=("a", "b"),
        recipe=Recipe(learning_rate=1e-5, epochs=1, max_length=16, batch_size=2),
    )


@hookimpl
def xharness_register_tasks(register):
    register(spec("xnli"))
    register(spec("shared-name"))
"""


@pytest.fixture
def clashing_site(tmp_path):
    """Two installed third-party plugins: each registers a task `xnli` (the built-in xtreme_r
    has one) and a task `shared-name` (aaa_tasks loads first)."""
    make_installed_plugin(tmp_path / "site", "aaa_tasks", CLASHING_TASK)
    make_installed_plugin(tmp_path / "site", "zzz_tasks", CLASHING_TASK)
    return {"PYTHONPATH": str(tmp_path / "site")}


@pytest.mark.parametrize(
    "command", [["tasks"], ["tasks", "--json"], ["plugins"], ["regularizers"], ["--help"]]
)
def test_a_name_clash_never_bricks_the_command_line(clashing_site, command):
    result = run_xharness(*command, env=clashing_site)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    if command in (["tasks"], ["tasks", "--json"], ["plugins"]):
        assert len(warnings) == 3, warnings  # one per conflict
        assert any("task 'xnli' of plugin 'aaa_tasks'" in w and "'xtreme_r'" in w for w in warnings)
        assert any("task 'shared-name' of plugin 'zzz_tasks'" in w and "'aaa_tasks'" in w
                   for w in warnings)  # fmt: skip
    else:
        assert warnings == []  # nothing registers a clashing regularizer or command
    if command == ["tasks", "--json"]:
        tasks = {task["name"]: task["plugin"] for task in json.loads(result.stdout)}
        assert tasks["xnli"] == "xtreme_r" and tasks["shared-name"] == "aaa_tasks"


def test_plugins_lists_the_skipped_registrations(clashing_site):
    result = run_xharness("plugins", "--json", env=clashing_site)
    assert result.returncode == 0, result.stderr
    entries = {e["name"]: e for e in json.loads(result.stdout)}
    assert entries["aaa_tasks"]["registered"] == {"tasks": ["shared-name"]}
    assert entries["aaa_tasks"]["builtin"] is False and entries["xtreme_r"]["builtin"] is True
    assert entries["aaa_tasks"]["skipped"] == [
        {"registrable": "tasks", "name": "xnli", "kept_by": "xtreme_r", "reason": BUILTIN_WINS}
    ]
    assert entries["zzz_tasks"]["skipped"] == [
        {"registrable": "tasks", "name": "xnli", "kept_by": "xtreme_r", "reason": BUILTIN_WINS},
        {"registrable": "tasks", "name": "shared-name", "kept_by": "aaa_tasks",
         "reason": FIRST_WINS},
    ]  # fmt: skip
    assert entries["xtreme_r"]["skipped"] == []
    table = run_xharness("plugins", env=clashing_site).stdout
    assert "loaded, 2 skipped" in table
    assert "zzz_tasks: task 'shared-name', kept by aaa_tasks" in table


def test_strict_mode_makes_a_clash_an_error_without_a_traceback(clashing_site):
    result = run_xharness("tasks", env={**clashing_site, "XHARNESS_STRICT_PLUGINS": "1"})
    assert result.returncode == 1
    assert "Error: task 'xnli' of plugin 'aaa_tasks'" in result.stderr
    assert "Traceback" not in result.stderr


BUGGY_SOURCE = """
from xtreme_harness import hookimpl
from xtreme_harness.interfaces import Category, DataSource, Recipe, TaskKind, TaskSpec


class Buggy(DataSource):
    name = "sample"

    def describe(self):
        return "a source with a bug"

    def load(self, split, language, **options):
        raise ZeroDivisionError("a bug in the plugin")

    read = load


@hookimpl
def xharness_register_tasks(register):
    register(TaskSpec(
        name="aaa-buggy", title="Buggy", category=Category.CLASSIFICATION,
        kind=TaskKind.CLASSIFICATION, languages=("en",), metric="accuracy", labels=("a", "b"),
        sources={"sample": Buggy()},
        recipe=Recipe(learning_rate=1e-5, epochs=1, max_length=16, batch_size=2),
    ))
"""

TINY = ["--vocab-size", "2000", "--hidden-size", "8", "--layers", "1", "--heads", "1"]


def test_the_tiny_model_is_the_same_whatever_plugins_are_installed(tmp_path, clashing_site):
    make_installed_plugin(tmp_path / "site", "buggysource", BUGGY_SOURCE)
    plain = run_xharness("tiny-model", str(tmp_path / "plain"), *TINY)
    assert plain.returncode == 0, plain.stderr
    extra = run_xharness("tiny-model", str(tmp_path / "extra"), *TINY, env=clashing_site)
    assert extra.returncode == 0, extra.stderr
    assert "Traceback" not in extra.stderr and "a bug in the plugin" not in extra.stderr
    files = sorted(p.name for p in (tmp_path / "plain").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "extra").iterdir())
    for name in files:
        assert (tmp_path / "plain" / name).read_bytes() == (tmp_path / "extra" / name).read_bytes()


def test_the_tiny_model_text_comes_from_the_builtin_plugins_only(monkeypatch):
    from xtreme_harness.engine import tiny_model

    tasks = tiny_model.builtin_tasks()
    assert {r.plugin for r in tasks} <= {"xtreme_r", "intermediate", "low_resource", "xglue"}
    assert [r.name for r in tasks] == sorted(r.name for r in tasks)
    first = tiny_model.sample_texts()
    monkeypatch.setenv("XHARNESS_DISABLE_PLUGINS", "xtreme_r")  # ignored: always the same text
    assert tiny_model.sample_texts() == first


def test_a_failing_builtin_source_is_a_clear_error(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from xharness_plugins.xtreme_r.tasks import XNLI
    from xtreme_harness.cli import cli

    def broken(*args, **kwargs):
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")

    monkeypatch.setattr(XNLI.sources["sample"], "read", broken)
    result = CliRunner().invoke(cli, ["tiny-model", str(tmp_path / "model"), *TINY])
    assert result.exit_code == 1
    assert "task 'xnli' of built-in plugin 'xtreme_r'" in result.output
    assert "UnicodeDecodeError" in result.output
    assert not isinstance(result.exception, UnicodeDecodeError)
