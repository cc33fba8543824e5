"""``xharness tables``, ``xharness export`` and ``xharness schema``."""

from __future__ import annotations

import json
import os
import re
import shutil

import click

from xtreme_harness.errors import DataError, UsageError
from xtreme_harness.registry.benchmarks import benchmark_names

SCHEMAS = ("result", "grid", "languages", "benchmark")


@click.command()
@click.argument("run_dirs", nargs=-1, required=True, metavar="RUN_DIR...")
@click.option(
    "--format",
    "format_name",
    default="md",
    show_default=True,
    help="Table format (a plugin, see `xharness plugins`): md, latex, html, csv, json.",
)
@click.option(
    "--format-option",
    "format_options",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter of the format (see docs/formats.md), e.g. n=always; repeatable.",
)
@click.option(
    "--by",
    type=click.Choice(["task", "language", "family", "resource-class", "seen"]),
    default="task",
    show_default=True,
    help="Columns: tasks (with category averages and the benchmark's score), or, per "
    "task, languages, language families, resource classes, or the languages' relation "
    "to the intermediate set.",
)
@click.option("--task", help="Only this task (for --by language|family|resource-class|seen).")
@click.option(
    "--benchmark",
    type=click.Choice(benchmark_names()),
    default="xtreme-r",
    show_default=True,
    help="The benchmark whose tasks (on its languages, with its metrics), categories and score "
    "the task table shows.",
)
@click.option(
    "--baseline",
    metavar="CONFIGURATION",
    help="Also show differences from this configuration (its label in the table), "
    "with 95% intervals from a paired bootstrap over examples and over seeds.",
)
@click.option(
    "--perturbation",
    metavar="NAME",
    help="Also show the robustness drop under this perturbation: each configuration on perturbed "
    "test data minus the same configuration on clean data, with 95% intervals.",
)
@click.option("--digits", type=click.IntRange(min=0, max=6), default=1, show_default=True)
@click.option("--out", "out_file", type=click.Path(dir_okay=False), help="Write to this file.")
def tables(run_dirs: tuple[str, ...], format_name: str, format_options: tuple[str, ...], by: str,
           task: str | None, benchmark: str, baseline: str | None, perturbation: str | None,
           digits: int, out_file: str | None) -> None:  # fmt: skip
    """Leaderboard tables from the result files of runs and grids.

    Rows are configurations (everything but seed and target task); numbers are means over
    seeds with standard deviations. Task scores need every language of the task, category
    averages every task of the category, the benchmark's score (--benchmark: XTREME-R by
    default, or XGLUE, ...) all its tasks: a missing part is a blank with a footnote, never an
    average over what happens to exist.
    """
    from xtreme_harness.plugin_host import get_host
    from xtreme_harness.results import tables as leaderboard
    from xtreme_harness.results.files import find

    host = get_host()
    from xtreme_harness.config.options import parse_pairs

    renderer = host.get("formats", format_name)(**parse_pairs(format_options, "--format-option"))
    configs = leaderboard.configurations(find(*run_dirs))
    if by == "task":
        built = [leaderboard.task_table(configs, digits, benchmark)]
    else:
        built = leaderboard.breakdown_tables(configs, by, digits, task)
    if baseline is not None:
        built += leaderboard.difference_tables(configs, baseline, digits)
    if perturbation is not None:
        built += leaderboard.robustness_tables(configs, perturbation, digits)
    text = renderer.render_many(built)
    if out_file:
        from xtreme_harness.atomic import write_text

        write_text(out_file, text if text.endswith("\n") else text + "\n")
        click.echo(f"wrote {out_file}")
    else:
        click.echo(text)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "run"


@click.command()
@click.argument("run_dirs", nargs=-1, required=True, metavar="RUN_DIR...")
@click.option(
    "--out", required=True, type=click.Path(file_okay=False), help="Folder for the submission(s)."
)
@click.option(
    "--gold",
    type=click.Path(file_okay=False),
    help="Also write the gold labels of the same test sets, in the official label layout, to "
    "this folder (where the data has them).",
)
def export(run_dirs: tuple[str, ...], out: str, gold: str | None) -> None:
    """Copy the test predictions of runs into the official submission layout,
    OUT/<task>/test-<lang>.<ext>, ready for the official scorer or `xharness score`.

    Results of several configurations or seeds go to one submission folder each,
    OUT/<configuration>-s<seed>/.
    """
    from xtreme_harness.results.files import find, path_in_run
    from xtreme_harness.results.tables import configurations

    configs = configurations(find(*run_dirs))
    if gold is not None:
        _export_gold(configs, gold)
    groups = {(c.label, seed): {task: r for (task, s), r in c.runs.items() if s == seed}
              for c in configs for (_, seed) in c.runs}  # fmt: skip
    copies: list[tuple[str, str]] = []
    for (label, seed), by_task in sorted(groups.items()):
        folder = "" if len(groups) == 1 else f"{_slug(label)}-s{seed}"
        for task, result in by_task.items():
            if os.path.exists(os.path.join(out, folder, task)):
                raise UsageError(f"{os.path.join(out, folder, task)} exists; export into an "
                                 "empty folder")  # fmt: skip
            for language, entry in result.document["evaluation"].items():
                field = f"evaluation.{language}.predictions"
                source = path_in_run(result, entry["predictions"], field)
                if not os.path.isfile(source):
                    raise DataError(result.path, f"the prediction file {entry['predictions']} is "
                                    "missing (the run folder lost it; run the cell again)",
                                    field=field)  # fmt: skip
                target = os.path.join(folder, task, os.path.basename(source))
                copies.append((source, target))
    copy_into_place(copies, out)
    click.echo(f"{len(copies)} prediction files in {len(groups)} submission folder(s) under {out}")


def copy_into_place(copies: list[tuple[str, str]], out: str) -> None:
    """Copy each (source, relative target) under `out`, all or nothing: the copies are made in
    a temporary folder beside `out`, and its top folders are then renamed into place, so an
    interrupted export leaves no partial folder that would block the next one."""
    from xtreme_harness.atomic import temporary_name

    staging = temporary_name(out)
    try:
        for source, target in copies:
            os.makedirs(os.path.dirname(os.path.join(staging, target)), exist_ok=True)
            shutil.copy2(source, os.path.join(staging, target))
        os.makedirs(out, exist_ok=True)
        for name in sorted(os.listdir(staging)):
            os.replace(os.path.join(staging, name), os.path.join(out, name))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _export_gold(configs: list, folder: str) -> None:
    """Gold labels of every (task, language) the results were evaluated on."""
    from xtreme_harness.engine.kinds import implementation
    from xtreme_harness.plugin_host import get_host

    host = get_host()
    done: set[tuple[str, str]] = set()
    written = 0
    for config in configs:
        for result in config.runs.values():
            document = result.document
            spec = host.get("tasks", document["task"]["name"])
            kind = implementation(spec)
            settings = document["config"]
            for language in document["evaluation"]:
                if (spec.name, language) in done:
                    continue
                done.add((spec.name, language))
                examples = spec.sources[settings["source"]].read(
                    "test", language, data_dir=settings["data_dir"],
                    revision=settings["data_revision"],
                )  # fmt: skip
                if kind.gold(examples) is None:
                    continue
                target = os.path.join(folder, spec.name)
                os.makedirs(target, exist_ok=True)
                kind.write_gold(
                    os.path.join(target, f"test-{language}.{kind.prediction_suffix}"), examples
                )
                written += 1
    click.echo(f"{written} gold files under {folder}")


@click.command()
@click.argument("run_dirs", nargs=-1, required=True, metavar="RUN_DIR...")
@click.option(
    "--figure",
    "--kind",
    "figure",
    type=click.Choice(["heatmap", "families", "generalised"]),
    default="heatmap",
    show_default=True,
    help="heatmap: languages x configurations; families: scores by language family and "
    "resource class; generalised: the language x language accuracies (sentence pairs) or "
    "F1 (QA). (--kind: its former name.)",
)
@click.option("--task", help="The task to plot (needed when the results cover several).")
@click.option("--configuration", help="For --figure generalised: the configuration to plot.")
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False), help="Image file, .png or .svg."
)
def plot(run_dirs: tuple[str, ...], figure: str, task: str | None, configuration: str | None,
         out: str) -> None:  # fmt: skip
    """Plot results: a language x configuration heat map, scores by family and resource class,
    or the language x language table of the generalised setting."""
    if not out.endswith((".png", ".svg")):
        raise UsageError(f"--out {out!r}: expected a .png or .svg file")
    from xtreme_harness.results import plots
    from xtreme_harness.results.files import find
    from xtreme_harness.results.tables import configurations

    configs = configurations(find(*run_dirs))
    if figure == "generalised":
        plots.generalised(configs, configuration, task, out)
    else:
        getattr(plots, figure)(configs, task, out)
    click.echo(f"wrote {out}")


@click.command()
@click.argument("name", type=click.Choice(SCHEMAS), default="result")
def schema(name: str) -> None:
    """Print a JSON Schema of xharness: the result file (default), grid files, the language
    registry, benchmark definitions."""
    from xtreme_harness.registry.validation import load_schema

    click.echo(json.dumps(load_schema(name), indent=2, ensure_ascii=False))
