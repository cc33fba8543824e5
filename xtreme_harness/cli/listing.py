"""Listing commands: languages, tasks, language sets, regularizers, plugins.

None of them imports torch, transformers or datasets; a test checks it.
"""

from __future__ import annotations

from typing import Any

import click

from xtreme_harness.cli.output import blank, emit_json, emit_table

JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


@click.command()
@click.argument("codes", nargs=-1, metavar="[CODE]...")
@click.option(
    "--family",
    metavar="NAME",
    help="Glottolog family or conventional label (e.g. Atlantic-Congo or Niger-Congo).",
)
@click.option(
    "--resource-class",
    "resource_class",
    metavar="N|LOW-HIGH",
    help="Joshi et al. (2020) class 0-5, or an inclusive range such as 0-2.",
)
@click.option("--script", metavar="CODE", help="Main script, ISO 15924 (e.g. Latn, Deva).")
@click.option(
    "--task",
    metavar="NAME",
    help="Only languages a task is evaluated on (a benchmark task or a registered task).",
)
@click.option(
    "--dataset",
    metavar="NAME",
    help="Only languages an intermediate-task dataset has data for (massive, sib200).",
)
@JSON_OPTION
def languages(
    codes: tuple[str, ...],
    family: str | None,
    resource_class: str | None,
    script: str | None,
    task: str | None,
    dataset: str | None,
    as_json: bool,
) -> None:
    """List languages with their family, genus, script and resource class.

    CODEs may be ISO 639-1 or ISO 639-3 codes; without them every language of the registry is
    listed. Filters combine. Examples:

    \b
      xharness languages sw yo qu
      xharness languages --resource-class 0-2 --task panx
      xharness languages --family Niger-Congo --json
      xharness languages --dataset massive --resource-class 0-2
    """
    from xtreme_harness.registry.languages import default_registry, parse_resource_classes

    registry = default_registry()
    classes = parse_resource_classes(resource_class) if resource_class is not None else None
    wanted = [registry.get(code) for code in codes]
    benchmark_task = task if task is None or task in registry.tasks() else None
    chosen = registry.select(
        family=family,
        resource_classes=classes,
        script=script,
        task=benchmark_task,
        dataset=dataset,
    )
    if task is not None and benchmark_task is None:
        allowed = set(_registered_task_languages(task, registry))
        chosen = [lang for lang in chosen if lang.code in allowed]
    if wanted:
        keep = {lang.code for lang in chosen}
        chosen = [lang for lang in {w.code: w for w in wanted}.values() if lang.code in keep]
    if as_json:
        emit_json([lang.to_record() for lang in chosen])
        return
    rows = [
        [
            lang.code,
            lang.iso639_3,
            lang.name,
            lang.family
            if lang.family == lang.family_conventional
            else f"{lang.family} ({lang.family_conventional})",
            blank(lang.genus),
            lang.script,
            blank(lang.resource_class),
            len(lang.tasks.get("xtreme-r", ())) or "-",
            blank(sorted(lang.datasets)),
        ]
        for lang in chosen
    ]
    families = len({lang.family for lang in chosen})
    emit_table(
        rows,
        [
            "code",
            "ISO 639-3",
            "name",
            "family",
            "genus",
            "script",
            "class",
            "XTREME-R tasks",
            "datasets",
        ],
        footer=f"{len(chosen)} languages, {families} families",
    )


def _registered_task_languages(task: str, registry: Any) -> list[str]:
    from xtreme_harness.errors import UnknownNameError
    from xtreme_harness.plugin_host import get_host

    registered = get_host().registrations("tasks")
    if task not in registered:
        raise UnknownNameError("task", task, sorted(set(registry.tasks()) | set(registered)))
    spec = registered[task].obj
    return [registry.get(code).code for code in spec.languages if code in registry]


@click.command()
@JSON_OPTION
def tasks(as_json: bool) -> None:
    """List the registered tasks: kind, category, languages and metric."""
    from xtreme_harness.plugin_host import get_host

    registered = get_host().registrations("tasks")
    if as_json:
        emit_json([{**r.obj.describe(), "plugin": r.plugin} for r in _sorted(registered)])
        return
    rows = [
        [
            r.name,
            r.obj.kind.value,
            r.obj.category.value,
            len(r.obj.languages),
            r.obj.metric,
            ",".join(r.obj.roles),
            r.plugin,
        ]
        for r in _sorted(registered)
    ]
    emit_table(
        rows,
        ["name", "kind", "category", "languages", "metric", "roles", "plugin"],
        footer=f"{len(rows)} tasks",
    )


def print_components(kind: str, noun: str, as_json: bool) -> None:
    """List the registered components of `kind` with their parameters and plugin."""
    from xtreme_harness.plugin_host import get_host

    registered = get_host().registrations(kind)
    if as_json:
        emit_json([{**r.obj.describe(), "plugin": r.plugin} for r in _sorted(registered)])
        return
    rows = [
        [r.name, r.obj.description, _params_summary(r.obj.params), r.plugin]
        for r in _sorted(registered)
    ]
    emit_table(
        rows,
        ["name", "description", "parameters", "plugin"],
        footer=f"{len(rows)} {noun}",
        widths=[None, 56, 36, None],
    )


def _params_summary(params: Any) -> str:
    shown = []
    for p in params:
        mark = "" if p.verified else " (unverified)"
        shown.append(f"{p.name}={p.default}{mark}")
    return ", ".join(shown) or "-"


def _sorted(registered: dict[str, Any]) -> list[Any]:
    return [registered[name] for name in sorted(registered)]


@click.command()
@JSON_OPTION
def regularizers(as_json: bool) -> None:
    """List the registered regularizers with their parameters and defaults."""
    print_components("regularizers", "regularizers", as_json)


@click.command()
@JSON_OPTION
def perturbers(as_json: bool) -> None:
    """List the registered perturbers (test-time perturbations) with their parameters."""
    print_components("perturbers", "perturbers", as_json)


@click.command()
@JSON_OPTION
def translators(as_json: bool) -> None:
    """List the registered translators with their parameters and defaults."""
    print_components("translators", "translators", as_json)


@click.command()
@JSON_OPTION
@click.pass_context
def plugins(ctx: click.Context, as_json: bool) -> None:
    """List installed plugins: version, whether built in, hooks implemented and the names each
    registered.

    Plugins that failed to load or were blocked by XHARNESS_DISABLE_PLUGINS are listed with
    their status. A registration skipped because another plugin registered the same name is
    listed under the plugin whose registration was skipped, with the plugin that kept the name
    and why (a built-in plugin wins over a third party; between third parties the first loaded
    wins).
    """
    from xtreme_harness.plugin_host import REGISTRABLES, get_host

    host = get_host()
    root = ctx.find_root().command
    root.list_commands(ctx)
    owners: dict[str, str] = getattr(root, "owners", {})
    conflicts = host.conflicts()
    entries = []
    for info in host.plugins():
        registered = dict(info.registered)
        commands = sorted(name for name, owner in owners.items() if owner == info.name)
        if commands:
            registered["commands"] = commands
        entries.append(
            {
                "name": info.name,
                "status": "loaded",
                "builtin": info.builtin,
                "version": info.version,
                "distribution": info.distribution,
                "module": info.module,
                "hooks": info.hooks,
                "registered": registered,
                "skipped": [c.describe() for c in conflicts if c.skipped == info.name],
            }
        )
    entries += [{"name": f.plugin, "status": "failed", "error": f.error} for f in host.failures]
    entries += [{"name": name, "status": "disabled"} for name in host.blocked]
    if as_json:
        emit_json(entries)
        return
    rows = []
    for entry in entries:
        if entry["status"] != "loaded":
            detail = entry.get("error", "blocked by XHARNESS_DISABLE_PLUGINS")
            rows.append([entry["name"], "-", "-", entry["status"], "-", detail])
            continue
        registered = "; ".join(
            f"{kind.replace('_', ' ')}: {', '.join(names)}"
            for kind, names in entry["registered"].items()
        )
        status = "loaded"
        if entry["skipped"]:
            status += f", {len(entry['skipped'])} skipped"
        rows.append(
            [
                entry["name"],
                blank(entry["version"]),
                "built in" if entry["builtin"] else blank(entry["distribution"]),
                status,
                ", ".join(h.removeprefix("xharness_") for h in entry["hooks"]),
                registered or "-",
            ]
        )
    footer = ""
    if conflicts:
        footer = "Skipped registrations (the name was taken):\n" + "\n".join(
            f"  {c.skipped}: {REGISTRABLES[c.what].label} {c.name!r}, kept by {c.kept} ({c.reason})"
            for c in conflicts
        )
    emit_table(rows, ["plugin", "version", "from", "status", "hooks", "registered"], footer=footer)
