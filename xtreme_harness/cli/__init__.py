"""The ``xharness`` command line.

Commands are imported only when invoked, and plugins are loaded only by the commands that need
them, so that listing languages does not pay for importing torch, datasets or every plugin.
"""

from __future__ import annotations

import errno
import sys
import warnings
from collections.abc import Sequence

import click

from xtreme_harness import __version__
from xtreme_harness.cli.group import XHarnessGroup
from xtreme_harness.errors import XHarnessError, XHarnessWarning

BUILTIN_COMMANDS = {
    "languages": "xtreme_harness.cli.listing:languages",
    "tasks": "xtreme_harness.cli.listing:tasks",
    "language-sets": "xtreme_harness.cli.language_sets:language_sets",
    "regularizers": "xtreme_harness.cli.listing:regularizers",
    "translators": "xtreme_harness.cli.listing:translators",
    "perturbers": "xtreme_harness.cli.listing:perturbers",
    "translate": "xtreme_harness.cli.translate:translate",
    "plugins": "xtreme_harness.cli.listing:plugins",
    "plugin": "xtreme_harness.cli.plugin_init:plugin",
    "protocols": "xtreme_harness.cli.protocols:protocols",
    "run": "xtreme_harness.cli.run:run",
    "tiny-model": "xtreme_harness.cli.run:tiny_model",
    "random-model": "xtreme_harness.cli.random_model:random_model",
    "grid": "xtreme_harness.cli.grid:grid",
    "tables": "xtreme_harness.cli.results:tables",
    "report": "xtreme_harness.cli.report:report",
    "export": "xtreme_harness.cli.results:export",
    "schema": "xtreme_harness.cli.results:schema",
    "plot": "xtreme_harness.cli.results:plot",
    "score": "xtreme_harness.cli.score:score",
    "publish": "xtreme_harness.cli.publish:publish",
}


@click.group(cls=XHarnessGroup, lazy_commands=BUILTIN_COMMANDS)
@click.version_option(__version__, prog_name="xharness")
def cli() -> None:
    """Zero-shot cross-lingual transfer experiments on XTREME-R.

    Grids of model x intermediate task x language set x regularizer x target task x seed, with
    tasks, language-set samplers and robustness methods supplied by plugins.

    \b
    Environment:
      XHARNESS_DISABLE_PLUGINS=a,b   do not load these plugins
      XHARNESS_STRICT_PLUGINS=1      a plugin that fails to load, or a registration skipped
                                     because its name is taken, is an error, not a warning
      XHARNESS_CACHE=DIR             cache folder (default ~/.cache/xharness; "off" disables)
    """


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: run the command line, report xharness errors without a traceback."""
    warnings.showwarning = _show_warning
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="xharness")
    except XHarnessError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:
        if exc.filename is None or exc.errno not in MACHINE_ERRORS:
            raise
        click.echo(f"Error: {describe_os_error(exc)}", err=True)
        sys.exit(1)


MACHINE_ERRORS = frozenset(
    {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.ENOENT,
     errno.ENOTDIR, errno.EISDIR, errno.EEXIST, errno.ENAMETOOLONG, errno.EMFILE, errno.EIO}
)  # fmt: skip
"""Errors of the machine rather than of xharness (a read-only or full disk, a permission, a file
removed under a run): the command says which file and why, without a traceback."""


def describe_os_error(exc: OSError) -> str:
    """``cannot write runs/g/steps: Read-only file system`` (what the machine said, and where)."""
    where = exc.filename if exc.filename2 is None else f"{exc.filename} -> {exc.filename2}"
    advice = {
        errno.EROFS: "the folder is on a read-only file system; choose another with --out",
        errno.EACCES: "this user may not write or read there; check the folder's permissions",
        errno.EPERM: "this user may not write or read there; check the folder's permissions",
        errno.ENOSPC: "the disk is full; free space and run the command again (finished work "
        "is kept)",
        errno.EDQUOT: "the disk quota is used up; free space and run the command again "
        "(finished work is kept)",
    }.get(exc.errno)
    return f"{where}: {exc.strerror}" + (f" ({advice})" if advice else "")


_default_showwarning = warnings.showwarning


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    if issubclass(category, XHarnessWarning):
        click.echo(f"Warning: {message}", err=True)
    else:
        _default_showwarning(message, category, filename, lineno, file, line)
