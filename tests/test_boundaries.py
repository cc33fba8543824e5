"""The parts and the arrows between them (docs/architecture.md): each folder of xtreme_harness is
one part, and imports run one way, CLI -> grid -> engine -> config/interfaces -> registry, with
results beside the engine and never importing it. Plugins reach the core only through the plugin
API. Checked on the source, imports inside functions included (type-checking-only imports left
out: they never run)."""

from __future__ import annotations

import ast

import pytest
from helpers import REPO

PACKAGE = REPO / "xtreme_harness"
HEAVY = ("torch", "transformers")


def imported_modules(path):
    """Every module `path` imports, at any depth, except under ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "xtreme_harness":  # `from xtreme_harness import engine` and the like
                for alias in node.names:
                    candidate = PACKAGE / alias.name
                    is_part = candidate.is_dir() or candidate.with_suffix(".py").is_file()
                    yield f"xtreme_harness.{alias.name}" if is_part else node.module
            else:
                yield node.module
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    yield arg.value


def _part(module: str) -> str | None:
    """The part of xtreme_harness a module belongs to (``engine``, ``results``...), or its name
    for a top-level module (``errors``)."""
    parts = module.split(".")
    if parts[0] != "xtreme_harness":
        return None
    return parts[1] if len(parts) > 1 else ""


def _offenders(folder, forbidden):
    found = []
    for path in sorted(folder.rglob("*.py")):
        for module in imported_modules(path):
            if forbidden(module):
                found.append(f"{path.relative_to(REPO)} imports {module}")
    return found


def test_core_never_imports_plugins():
    offenders = _offenders(PACKAGE, lambda m: m.split(".")[0] in ("xharness_plugins", "plugins"))
    assert offenders == []


@pytest.mark.parametrize("part", ["results", "interfaces", "registry", "config"])
def test_torch_free_parts_import_neither_torch_transformers_nor_the_engine(part):
    def forbidden(module):
        if module.split(".")[0] in HEAVY:
            return part != "config" or module != "transformers"  # config reads a model's config
        return _part(module) == "engine"

    assert _offenders(PACKAGE / part, forbidden) == []


ALLOWED = {
    # part -> the parts of xtreme_harness it may import (top-level modules: "" is the package)
    "registry": {"", "errors", "suggest", "atomic", "registry"},
    "interfaces": {"", "errors", "suggest", "interfaces", "registry"},
    "config": {"", "errors", "suggest", "interfaces", "registry", "config", "plugin_host"},
    "engine": {"", "errors", "suggest", "atomic", "provenance", "interfaces", "registry", "config",
               "engine", "plugin_host", "results"},
    "results": {"", "errors", "suggest", "atomic", "provenance", "interfaces", "registry", "config",
                "results", "plugin_host"},
    "grid": {"", "errors", "suggest", "atomic", "provenance", "interfaces", "registry", "config",
             "engine", "results", "grid", "plugin_host"},
}  # fmt: skip


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_arrows_run_one_way(part):
    def forbidden(module):
        name = _part(module)
        return name is not None and name not in ALLOWED[part]

    assert _offenders(PACKAGE / part, forbidden) == []


def test_plugins_import_only_the_plugin_api_the_registry_and_hookimpl():
    allowed = {"xtreme_harness", "xtreme_harness.interfaces", "xtreme_harness.registry"}
    offenders = []
    for path in sorted((REPO / "plugins").rglob("*.py")):
        for module in imported_modules(path):
            if module.startswith("xtreme_harness") and module not in allowed:
                offenders.append(f"{path.relative_to(REPO)} imports {module}")
    assert offenders == []


def test_only_the_command_line_imports_click():
    offenders = [
        entry
        for entry in _offenders(PACKAGE, lambda m: m.split(".")[0] == "click")
        if not entry.startswith("xtreme_harness/cli/")
    ]
    assert offenders == []


def test_the_boundary_check_sees_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import xharness_plugins.robust\n"
        "from plugins import robust\n"
        "from xtreme_harness import engine, hookimpl\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import torch\n"
        "def f():\n    import transformers\n"
        "import importlib\nimportlib.import_module('xharness_plugins.x')\n",
        encoding="utf-8",
    )
    assert list(imported_modules(sample)) == [
        "xharness_plugins.robust",
        "plugins",
        "xtreme_harness.engine",
        "xtreme_harness",
        "typing",
        "importlib",
        "transformers",
        "xharness_plugins.x",
    ]


def test_the_package_re_exports_the_plugin_api():
    import xtreme_harness
    from xtreme_harness import interfaces

    for name in interfaces.__all__:
        assert getattr(xtreme_harness, name) is getattr(interfaces, name), name
    with pytest.raises(AttributeError):
        xtreme_harness.NotAnInterface  # noqa: B018
