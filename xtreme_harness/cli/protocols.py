"""``xharness protocols``: the published settings runs follow, every value with its source."""

from __future__ import annotations

from typing import Any

import click

from xtreme_harness.cli.output import blank, emit_json, emit_table

JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


@click.group(invoke_without_command=True)
@JSON_OPTION
@click.pass_context
def protocols(ctx: click.Context, as_json: bool) -> None:
    """List the protocols: published experimental settings as data (registry/protocols/ and
    plugins). A run follows one (--protocol, default xtreme-r): its values are the defaults of the
    tasks it covers, and every value a run changes is recorded as a departure.

    \b
      xharness protocols
      xharness protocols show robust-xlt
      xharness protocols show xtreme-r --task tatoeba
    """
    if ctx.invoked_subcommand is not None:
        return
    from xtreme_harness.plugin_host import get_host
    from xtreme_harness.registry.protocols import DEFAULT, available

    found = available(get_host())
    rows = []
    for name, (protocol, owner) in sorted(found.items()):
        described = protocol.describe()
        rows.append({**described, "plugin": owner, "default": name == DEFAULT})
    if as_json:
        emit_json(rows)
        return
    emit_table(
        [
            [r["name"] + (" (default)" if r["default"] else ""), r["title"], blank(r["tasks"]),
             r["unverified"], r["plugin"]]
            for r in rows
        ],
        ["protocol", "title", "tasks", "unverified values", "plugin"],
        widths=[None, 48, 40, None, None],
    )  # fmt: skip


@protocols.command()
@click.argument("name")
@click.option("--task", metavar="NAME", help="Only this task's values.")
@JSON_OPTION
def show(name: str, task: str | None, as_json: bool) -> None:
    """Every value of protocol NAME with its source and whether the source confirms it."""
    from xtreme_harness.errors import UnknownNameError
    from xtreme_harness.plugin_host import get_host
    from xtreme_harness.registry.protocols import get

    protocol = get(name, get_host())
    if task is not None and task not in protocol.tasks:
        raise UnknownNameError(f"task of protocol {name!r}", task, protocol.tasks)
    if as_json:
        document = dict(protocol.document)
        if task is not None:
            document["tasks"] = {task: document["tasks"][task]}
        emit_json(document)
        return
    click.echo(f"{protocol.name}: {protocol.title}\n")
    click.echo(protocol.description + "\n")
    for reference in protocol.references:
        click.echo(f"  - {reference}")
    rows = list(_rows(protocol, task))
    click.echo("")
    emit_table(rows, ["where", "setting", "value", "verified", "source"],
               widths=[None, None, 24, None, 70])  # fmt: skip
    for item in protocol.unsupported:
        click.echo(f"not run by xharness: {item}")


def _rows(protocol: Any, task: str | None) -> Any:
    def value_rows(where: str, settings: dict[str, Any]) -> Any:
        for setting, value in sorted(settings.items()):
            yield [where, setting, blank(value.value), "yes" if value.verified else "NO",
                   value.source + (f" [{value.note}]" if value.note else "")]  # fmt: skip
            for variant in value.variants:
                when = ", ".join(f"{k}={v}" for k, v in variant["when"].items())
                yield [where, f"  ({when})", blank(variant["value"]), "", variant["source"]]

    def entry_rows(where: str, entry: Any) -> Any:
        yield from value_rows(where, entry.settings)
        for phase, settings in sorted(entry.phases.items()):
            yield from value_rows(f"{where}/{phase}", settings)
        for regularizer, settings in sorted(entry.regularizers.items()):
            yield from value_rows(f"{where} {regularizer}", settings)

    if task is None:
        yield from entry_rows("every task", protocol.defaults)
        yield from value_rows("intermediate", protocol.intermediate)
    for name, entry in sorted(protocol.tasks.items()):
        if task is None or name == task:
            yield from entry_rows(name, entry)
