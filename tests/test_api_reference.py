"""docs/api.md is generated from the code (scripts/api_reference.py) and must say what the code
says: the plugin API, the registry's public API and the hooks, each name with a docstring."""

from __future__ import annotations

import difflib
import importlib.util
import inspect
import os
import subprocess
import sys

import pytest
from helpers import REPO

from xtreme_harness import hookspecs, interfaces, registry

SCRIPT = REPO / "scripts" / "api_reference.py"
REFERENCE = REPO / "docs" / "api.md"


def _script():
    spec = importlib.util.spec_from_file_location("api_reference", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_api_reference_is_what_the_code_says():
    expected = _script().render()
    committed = REFERENCE.read_text(encoding="utf-8") if REFERENCE.exists() else ""
    if committed != expected:
        diff = "".join(
            list(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    expected.splitlines(keepends=True),
                    "docs/api.md (committed)",
                    "docs/api.md (from the code)",
                )
            )[:60]
        )
        pytest.fail(f"docs/api.md is out of date: run python scripts/api_reference.py\n{diff}")


def test_the_reference_is_deterministic_and_needs_no_torch(tmp_path):
    """Generated twice in fresh interpreters with different hash seeds: the same bytes, and
    neither torch, transformers nor datasets imported on the way."""
    program = (
        "import runpy, sys\n"
        "sys.argv = ['api_reference', '--out', sys.argv[1]]\n"
        "try:\n"
        f"    runpy.run_path({str(SCRIPT)!r}, run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'datasets') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"api-{seed}.md"
        done = subprocess.run(
            [sys.executable, "-c", program, str(out)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=tmp_path,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].decode("utf-8") == _script().render()


def test_check_mode_says_what_to_run(tmp_path):
    stale = tmp_path / "api.md"
    stale.write_text("# API reference\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--out", str(stale)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "run python scripts/api_reference.py" in done.stderr


@pytest.mark.parametrize("module", [interfaces, registry], ids=["interfaces", "registry"])
def test_every_public_name_is_in_the_reference(module):
    reference = REFERENCE.read_text(encoding="utf-8")
    for name in module.__all__:
        assert f"#### `{name}`" in reference, name


def test_every_hook_is_in_the_reference():
    reference = REFERENCE.read_text(encoding="utf-8")
    hooks = [name for name in dir(hookspecs) if name.startswith("xharness_register_")]
    assert len(hooks) == 11
    for hook in hooks:
        assert f"#### `{hook}`" in reference, hook


def _documented(module):
    """(name, has a docstring) for every public name of `module` and the public methods and
    properties its classes define."""
    script = _script()
    constants = script._constants(module.__name__, module.__all__)
    for name in module.__all__:
        obj = getattr(module, name)
        if name in constants:
            yield name, bool(constants[name][3])
            continue
        yield name, bool(script._own_doc(obj))
        if not inspect.isclass(obj):
            continue
        for attribute, member in vars(obj).items():
            if attribute.startswith("_"):
                continue
            function = getattr(member, "fget", None) or getattr(member, "__func__", member)
            if inspect.isfunction(function):
                yield f"{name}.{attribute}", bool(inspect.getdoc(getattr(obj, attribute)))


@pytest.mark.parametrize("module", [interfaces, registry], ids=["interfaces", "registry"])
def test_every_name_of_the_api_has_a_docstring(module):
    undocumented = [name for name, documented in _documented(module) if not documented]
    assert undocumented == []


def test_every_hook_has_a_docstring():
    for name in dir(hookspecs):
        if name.startswith("xharness_register_"):
            assert inspect.getdoc(getattr(hookspecs, name)), name
