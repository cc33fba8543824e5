"""``xharness plugin init``: the package it writes installs, is listed, passes its own tests and
runs."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run_xharness

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

NAME = "demo-sentiment"
MODULE = "xharness_demo_sentiment"


def fake_install(package: Path, site: Path) -> dict[str, str]:
    """What `pip install -e package` does for discovery: a ``.dist-info`` with the package's
    entry points on the path; the environment to run with it."""
    project = tomllib.loads((package / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    info = site / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n",
        encoding="utf-8",
    )
    lines = [f"{name} = {target}" for name, target in project["entry-points"]["xharness"].items()]
    (info / "entry_points.txt").write_text("[xharness]\n" + "\n".join(lines) + "\n", "utf-8")
    return {"PYTHONPATH": f"{site}{os.pathsep}{package}"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A package written by `xharness plugin init`, installed (faked), and its environment."""
    root = tmp_path_factory.mktemp("plugin-init")
    result = run_xharness("plugin", "init", NAME, "--dir", str(root / "package"))
    assert result.returncode == 0, result.stderr
    env = fake_install(root / "package", root / "site")
    return root / "package", {**env, "XHARNESS_STRICT_PLUGINS": "1"}


def test_it_writes_a_package_with_an_entry_point_a_task_a_test_and_ci(generated):
    package, _ = generated
    files = sorted(str(p.relative_to(package)) for p in package.rglob("*") if p.is_file())
    assert files == sorted(
        [
            ".github/workflows/tests.yml",
            "README.md",
            "pyproject.toml",
            f"tests/test_{MODULE}.py",
            f"{MODULE}/__init__.py",
            *(f"{MODULE}/sample/{NAME}/{split}.tsv"
              for split in ("train-en", "dev-en", "test-en", "test-de", "test-sw")),
        ]
    )  # fmt: skip
    project = tomllib.loads((package / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["entry-points"]["xharness"] == {NAME: MODULE}
    assert any(d.startswith("xtreme-harness") for d in project["project"]["dependencies"])
    assert project["tool"]["setuptools"]["package-data"] == {MODULE: ["sample/*/*.tsv"]}
    workflow = (package / ".github" / "workflows" / "tests.yml").read_text(encoding="utf-8")
    assert 'XHARNESS_STRICT_PLUGINS: "1"' in workflow and "pytest" in workflow
    assert "check_task" in (package / "tests" / f"test_{MODULE}.py").read_text(encoding="utf-8")


def test_the_plugin_module_imports_only_the_plugin_api(generated):
    package, _ = generated
    tree = ast.parse((package / MODULE / "__init__.py").read_text(encoding="utf-8"))
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    } | {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
         for alias in node.names}  # fmt: skip
    allowed = {"xtreme_harness", "xtreme_harness.interfaces", "xtreme_harness.registry"}
    outside = {m for m in imported if m.split(".")[0] == "xtreme_harness"} - allowed
    assert not outside
    assert {m for m in imported if m.split(".")[0] != "xtreme_harness"} <= {
        "__future__", "pathlib", "typing",
    }  # fmt: skip


def test_xharness_plugins_lists_it_with_its_task(generated):
    _, env = generated
    result = run_xharness("plugins", "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr
    entries = {entry["name"]: entry for entry in json.loads(result.stdout)}
    entry = entries[NAME]
    assert entry["status"] == "loaded" and entry["builtin"] is False
    assert entry["module"] == MODULE and entry["distribution"] == f"xharness-{NAME}"
    assert entry["registered"] == {"tasks": [NAME]} and entry["skipped"] == []


def test_its_own_tests_pass(generated):
    package, env = generated
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=package,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout, result.stdout


def test_its_task_runs(generated, tiny_model, tmp_path):
    _, env = generated
    out = tmp_path / "run"
    result = run_xharness(
        "run", "--model", tiny_model, "--task", NAME, "--source", "sample",
        "--max-steps", "2", "--out", str(out), env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert document["task"]["name"] == NAME and document["task"]["plugin"] == NAME
    assert set(document["scores"]) >= {"en", "de", "sw"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("xnli", "a built-in plugin registers a task 'xnli'"),
        ("Bad Name", "use lower-case letters"),
        ("plugins", "gives the module name 'xharness_plugins'"),
    ],
)
def test_a_name_it_cannot_use_is_refused(tmp_path, name, expected):
    result = run_xharness("plugin", "init", name, "--dir", str(tmp_path / "out"))
    assert result.returncode == 2
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_existing_folder_is_not_overwritten(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine", encoding="utf-8")
    result = run_xharness("plugin", "init", NAME, "--dir", str(tmp_path / "out"))
    assert result.returncode == 2 and "not an empty folder" in result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["keep.txt"]
