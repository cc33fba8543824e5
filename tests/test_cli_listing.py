"""The listing commands as users run them: tables, JSON, filters and errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from helpers import run_xharness

from xtreme_harness import __version__
from xtreme_harness.cli import cli
from xtreme_harness.registry.languages import default_registry


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_languages_table_for_given_codes():
    result = invoke("languages", "sw", "yor", "qu")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["code", "ISO", "639-3"]
    rows = {line.split()[0]: line for line in lines[2:5]}
    assert set(rows) == {"sw", "yo", "qu"}
    assert "Atlantic-Congo (Niger-Congo)" in rows["sw"]
    assert lines[-1] == "3 languages, 2 families"


def test_languages_json_lists_every_record():
    result = invoke("languages", "--json")
    records = json.loads(result.output)
    assert len(records) == len(default_registry())
    assert {"code", "iso639_3", "glottocode", "family", "script", "resource_class", "tasks"} <= set(
        records[0]
    )


def test_languages_filters_combine():
    result = invoke(
        "languages",
        "--resource-class",
        "0-2",
        "--task",
        "xcopa",
        "--family",
        "Niger-Congo",
        "--json",
    )
    assert [r["code"] for r in json.loads(result.output)] == ["sw"]
    result = invoke("languages", "--script", "Ethi", "--json")
    assert {r["script"] for r in json.loads(result.output)} == {"Ethi"}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["languages", "xx-unknown"], "unknown language code 'xx-unknown'"),
        (["languages", "swahili"], "sw (Swahili)"),
        (["languages", "--family", "Niger Congo"], "Niger-Congo"),
        (["languages", "--task", "pawx"], "pawsx"),
        (["languages", "--script", "Cyrilic"], "Cyrl"),
        (["languages", "--resource-class", "7"], "between 0 and 5"),
        (["langauges"], "Did you mean: languages"),
    ],
)
def test_unknown_names_exit_2_with_suggestions(args, expected):
    result = run_xharness(*args)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("command", ["tasks", "language-sets", "regularizers"])
def test_component_listings_are_json_objects_with_name_and_plugin(command):
    result = invoke(command, "--json")
    assert result.exit_code == 0, result.output
    entries = json.loads(result.output)
    assert isinstance(entries, list)
    for entry in entries:
        assert entry["name"] and entry["plugin"]


def test_builtin_regularizer_is_listed():
    result = invoke("regularizers")
    assert result.exit_code == 0
    assert any(
        line.split()[:1] == ["none"] and line.split()[-1] == "robust"
        for line in result.output.splitlines()
    )


def test_version():
    assert invoke("--version").output.strip() == f"xharness, version {__version__}"
