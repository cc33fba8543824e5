"""The core never imports the built-in plugins: they reach it only through entry points."""

from __future__ import annotations

import ast

from helpers import REPO


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    yield arg.value


def test_core_never_imports_plugins():
    offenders = []
    for path in sorted((REPO / "xtreme_harness").rglob("*.py")):
        for module in imported_modules(path):
            if module.split(".")[0] in ("xharness_plugins", "plugins"):
                offenders.append(f"{path.relative_to(REPO)} imports {module}")
    assert offenders == []


def test_the_boundary_check_sees_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import xharness_plugins.robust\n"
        "from plugins import robust\n"
        "import importlib\nimportlib.import_module('xharness_plugins.x')\n",
        encoding="utf-8",
    )
    assert list(imported_modules(sample)) == [
        "xharness_plugins.robust",
        "plugins",
        "importlib",
        "xharness_plugins.x",
    ]
