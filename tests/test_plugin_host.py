"""Loading plugins one at a time, resilient to broken ones; duplicate names; listing."""

from __future__ import annotations

import json

import pytest
from helpers import make_installed_plugin, run_xharness

from xtreme_harness import hookimpl
from xtreme_harness.errors import DuplicateNameError, PluginError, PluginWarning
from xtreme_harness.interfaces.regularizer import Regularizer
from xtreme_harness.plugin_host import PluginHost


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


def test_duplicate_name_names_both_plugins():
    host = PluginHost(
        entry_points=False, plugins=[("first", ProvidesScaled()), ("second", AlsoProvidesScaled())]
    )
    with pytest.raises(DuplicateNameError) as info:
        host.registrations("regularizers")
    message = str(info.value)
    assert "'first'" in message and "'second'" in message and "'scaled'" in message
    assert "XHARNESS_DISABLE_PLUGINS=second" in message


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
