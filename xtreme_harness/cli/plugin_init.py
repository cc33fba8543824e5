"""``xharness plugin init NAME``: write a working third-party plugin package to start from.

The package (templates in ``templates/plugin/``) has one sentence-classification task with its
own sample data, registered through the ``xharness`` entry-point group; a test that checks the
task with `xtreme_harness.testing.check_task`; and a CI workflow that runs the tests with
``XHARNESS_STRICT_PLUGINS=1``.
"""

from __future__ import annotations

import keyword
from pathlib import Path

import click

TEMPLATES = Path(__file__).resolve().parent / "templates" / "plugin"

FILES = (
    ("pyproject.toml.tmpl", "pyproject.toml"),
    ("README.md.tmpl", "README.md"),
    ("package/__init__.py.tmpl", "{module}/__init__.py"),
    ("tests/test_plugin.py.tmpl", "tests/test_{module}.py"),
    ("github/workflows/tests.yml.tmpl", ".github/workflows/tests.yml"),
)
"""(template, output path) pairs; the sample files of ``package/sample/`` are copied to
``{module}/sample/{name}/``."""

RESERVED_MODULES = ("xharness_plugins", "xharness_registry")


@click.group()
def plugin() -> None:
    """Start a plugin package of your own (`xharness plugins` lists the installed ones).

    \b
      xharness plugin init my-task
    """


@plugin.command()
@click.argument("name")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False),
    help="Folder to write the package to (default: ./xharness-NAME); must be new or empty.",
)
@click.option("--title", help="The task's title (default: NAME in words).")
def init(name: str, directory: str | None, title: str | None) -> None:
    """Write a new third-party plugin package with one task called NAME.

    The package has a pyproject.toml with the `xharness` entry point and a dependency on
    xtreme-harness; a module with one sentence-classification task (its sample data in the
    official TSV layout, shipped as package data, a `sample` FolderSource, a Recipe), registered
    with `xharness_register_tasks`; a test that checks the task's data with
    `xtreme_harness.testing.check_task`; and a CI workflow (.github/workflows/tests.yml) that
    runs the tests with XHARNESS_STRICT_PLUGINS=1. Then:

    \b
      cd xharness-NAME && pip install -e ".[test]" && pytest
      xharness run --model MODEL --task NAME --source sample --out runs/NAME
    """
    from xtreme_harness import __version__

    module = _check_name(name)
    if title is not None and (not title.strip() or any(c in title for c in '"\\\n\r')):
        from xtreme_harness.errors import UsageError

        raise UsageError(f"title {title!r}: use one line of text without quotes or backslashes")
    out = Path(directory if directory is not None else f"xharness-{name}")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        from xtreme_harness.errors import UsageError

        raise UsageError(f"{out} already exists and is not an empty folder; choose another --dir")
    values = {
        "name": name,
        "module": module,
        "distribution": f"xharness-{name}",
        "title": title or name.replace("-", " ").replace("_", " ").replace(".", " ").title(),
        "xharness_version": __version__,
    }
    written = []
    for template, target in FILES:
        text = (TEMPLATES / template).read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        written.append(_write(out / target.format(**values), text))
    for sample in sorted((TEMPLATES / "package" / "sample").glob("*.tsv")):
        path = out / module / "sample" / name / sample.name
        written.append(_write(path, sample.read_text(encoding="utf-8")))
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(
        f"\nPlugin {name!r} (module {module}, task {name!r}) is in {out}. Next:\n"
        f'  cd {out} && pip install -e ".[test]" && pytest\n'
        f"  xharness plugins\n"
        f"  xharness run --model MODEL --task {name} --source sample --out runs/{name}"
    )


def _check_name(name: str) -> str:
    """The module name of plugin `name`; a `UsageError` for a name that cannot be one, or that
    a built-in plugin registers as a task already."""
    from xtreme_harness.errors import UsageError
    from xtreme_harness.interfaces.task import NAME_PATTERN

    if not NAME_PATTERN.match(name):
        raise UsageError(
            f"plugin name {name!r}: use lower-case letters, digits, '.', '_' and '-', starting "
            "with a letter or digit"
        )
    module = "xharness_" + name.replace("-", "_").replace(".", "_")
    if not module.isidentifier() or keyword.iskeyword(module) or module in RESERVED_MODULES:
        raise UsageError(f"plugin name {name!r} gives the module name {module!r}; choose another")
    taken = _builtin_task_names()
    if name in taken:
        raise UsageError(
            f"a built-in plugin registers a task {name!r} already (a built-in's registration "
            "wins a name conflict, so yours would be skipped); choose another name"
        )
    return module


def _builtin_task_names() -> set[str]:
    import warnings

    from xtreme_harness.errors import PluginWarning
    from xtreme_harness.plugin_host import PluginHost

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginWarning)
        return set(PluginHost(builtin_only=True, environ={}).registrations("tasks"))


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return path
