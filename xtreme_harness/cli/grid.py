"""``xharness grid``: a grid of runs as a plan of shared steps, resumable, on any executor."""

from __future__ import annotations

import os
from typing import Any

import click

from xtreme_harness.atomic import read_json
from xtreme_harness.cli.options import grid_options
from xtreme_harness.cli.output import blank, emit_table
from xtreme_harness.errors import UsageError


@click.command()
@click.argument("spec_file", required=False, metavar="[SPEC]", type=click.Path(dir_okay=False))
@grid_options
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="Run folder (steps/, results/); default: the grid file's `out`.",
)
@click.option("--validate", is_flag=True, help="Check the grid and show its size; run nothing.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Show the cells, the unique steps, which are done, and the work left.",
)
@click.option(
    "--estimate",
    is_flag=True,
    help="Time a few updates and predictions of every distinct setting on the grid's device, "
    "print the predicted time of the steps left, write it to OUT/estimate.json; run nothing.",
)
@click.option(
    "--report-timing",
    is_flag=True,
    help="Compare OUT/estimate.json with the seconds the finished steps took; run nothing.",
)
@click.option(
    "--executor", help="Where steps run: local (default) or ray (see `xharness plugins`)."
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes of the local executor (one GPU each when available).",
)
@click.option("--ray-address", help="Address of a running Ray cluster (default: a local one).")
@click.option(
    "--observer",
    "observer_names",
    multiple=True,
    metavar="NAME",
    help="Tell this observer what the grid does (an experiment tracker: mlflow, wandb; "
    "see `xharness plugins`); repeatable, added to the grid file's observers.",
)
@click.option("--fail-fast", is_flag=True, help="Start nothing new after the first failure.")
@click.option("--rerun", type=click.Choice(["failed"]),
              help="Run steps that failed in an earlier run again.")  # fmt: skip
def grid(
    spec_file: str | None,
    out: str | None,
    validate: bool,
    dry_run: bool,
    estimate: bool,
    report_timing: bool,
    executor: str | None,
    jobs: int | None,
    ray_address: str | None,
    observer_names: tuple[str, ...],
    fail_fast: bool,
    rerun: str | None,
    **options: Any,
) -> None:
    """Run a grid of cells (model x intermediate task x language set x regularizer x target
    task x seed ...) from a grid file and/or options, sharing every step that cells have in
    common, resuming what a previous run left, and ending with a table of the cells' scores.

    Every option of `xharness run` is accepted, with one value or a comma-separated list (an
    axis). Options given here override the grid file.

    \b
    Examples:
      xharness grid grids/demo.yaml --out runs/demo-grid
      xharness grid --model models/tiny --source sample --tasks xnli,panx \\
          --intermediate massive --language-sets high-resource,low-resource-diverse \\
          --languages 5 --budget 100 --regularizers none,rs-rp --seeds 1,2 --out runs/g
    """
    from xtreme_harness.grid import plan as planning
    from xtreme_harness.grid import spec as specs
    from xtreme_harness.plugin_host import get_host

    host = get_host()
    spec = specs.load(spec_file) if spec_file else specs.GridSpec()
    spec = specs.merge(spec, specs.from_flags(options))
    specs.check_names(spec, host)
    out = out or spec.settings.get("out")
    if out is None and not validate:
        raise UsageError("give the run folder with --out (or `out:` in the grid file)")
    configs = specs.expand(spec, out=out or ".")
    plan = planning.build(configs, host)
    if not validate:  # it reads the models' configs, which --validate never fetches
        from xtreme_harness.config.resolution import check_model_location

        for model in sorted({cell.config.model for cell in plan.cells}):
            check_model_location(model)
        _check_strict(plan, host)
    counts = plan.count()
    axes = specs.describe(spec)
    if validate:
        click.echo(
            f"valid: {len(plan.cells)} cells, {len(plan.steps)} steps ("
            + ", ".join(f"{n} {stage}" for stage, n in counts.items() if n)
            + ")"
            + (f"; axes: {', '.join(f'{k} ({len(v)})' for k, v in axes.items())}" if axes else "")
        )
        return
    from xtreme_harness.grid.store import Store

    store = Store(out)
    if dry_run:
        _dry_run(plan, store, axes)
        return
    if report_timing:
        _report_timing(store, jobs or 1)
        return
    if estimate:
        _estimate(plan, store, host, jobs or 1)
        return
    executor_component = _executor(host, spec, executor, jobs, ray_address)
    from xtreme_harness.grid.progress import Progress
    from xtreme_harness.grid.runner import run_grid

    progress = Progress(len(plan.steps))
    report = run_grid(
        plan, store, executor_component, progress, host=host, fail_fast=fail_fast,
        rerun_failed=rerun == "failed", observers=_observers(host, spec, observer_names),
        name=spec.settings.get("name"),
    )  # fmt: skip
    _summary(plan, report)
    if report.failures:
        click.echo(f"\n{len(report.failures)} steps did not finish:", err=True)
        for outcome in report.failures:
            click.echo(f"  {outcome.status.value} {outcome.key}: {outcome.error}", err=True)
    if report.unassembled:
        click.echo(f"\n{len(report.unassembled)} cells finished but have no result file:", err=True)
        for cell, error in report.unassembled.items():
            click.echo(f"  {cell}: {error}", err=True)
    if report.failures or report.unassembled:
        raise click.exceptions.Exit(1)


def _check_strict(plan: Any, host: Any) -> None:
    """`--strict-protocol`: refuse the grid before any work if a cell departs from its
    protocol, naming the cell and every departure."""
    strict = [cell for cell in plan.cells if cell.config.strict_protocol]
    if not strict:
        return
    from xtreme_harness.config import cell as cells

    problems = []
    for cell in strict:
        departures = cells.resolve(cell.config, host).departures()
        if departures:
            problems.append(f"{cell.id}: " + "; ".join(d.text() for d in departures))
    if problems:
        raise UsageError(
            f"--strict-protocol: {len(problems)} of {len(plan.cells)} cells depart from their "
            "protocol:\n  " + "\n  ".join(problems)
        )


def _observers(host: Any, spec: Any, names: tuple[str, ...]) -> Any:
    """The grid file's observers and those of --observer, each built once."""
    from xtreme_harness.grid.observing import Observers

    chosen = [*spec.settings.get("observers", []), *({"name": n, "options": {}} for n in names)]
    return Observers([host.get("observers", item["name"])(**dict(item["options"]))
                      for item in chosen])  # fmt: skip


def _executor(host: Any, spec: Any, name: str | None, jobs: int | None, address: str | None) -> Any:
    configured = spec.settings.get("executor") or {"name": "local", "options": {}}
    chosen = name or configured["name"]
    options = dict(configured["options"]) if chosen == configured["name"] else {}
    if jobs is not None:
        options["jobs"] = jobs
    if address is not None:
        options["address"] = address
    return host.get("executors", chosen)(**options)


def _dry_run(plan: Any, store: Any, axes: dict[str, Any]) -> None:
    from xtreme_harness.grid.plan import STAGES

    statuses = {key: store.status(key) for key in plan.steps}
    click.echo(f"{len(plan.cells)} cells" + (f" over {', '.join(axes)}" if axes else ""))
    for cell in plan.cells:
        marks = " ".join(f"{stage}:{statuses[key] or 'to do'}" for stage, key in cell.steps.items())
        click.echo(f"  {cell.id}  {marks}")
    rows = []
    for stage in STAGES:
        keys = [key for key, step in plan.steps.items() if step.stage == stage]
        if not keys:
            continue
        done = sum(statuses[k] == "done" for k in keys)
        failed = sum(statuses[k] == "failed" for k in keys)
        seconds = [store.record(k)["seconds"] for k in keys if statuses[k] == "done"]
        estimate = (
            f"~{sum(seconds) / len(seconds) * (len(keys) - done - failed):.0f} s"
            if seconds
            else "-"
        )
        rows.append([stage, len(keys), done, failed, len(keys) - done - failed, estimate])
    emit_table(rows, ["step", "unique", "done", "failed", "to do", "time left (est.)"])
    shared = sum(len(cell.steps) for cell in plan.cells) - len(plan.steps)
    click.echo(f"{len(plan.steps)} unique steps for {len(plan.cells)} cells ({shared} shared)")


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.3f}" if seconds < 36_000 else f"{seconds / 3600:.1f}"


def _estimate(plan: Any, store: Any, host: Any, jobs: int) -> None:
    from xtreme_harness.grid.estimate import estimate, save_estimate

    result = estimate(plan, store, host)
    by_stage: dict[str, list[Any]] = {}
    for step in result.steps:
        by_stage.setdefault(step.stage, []).append(step)
    rows = []
    for stage, steps in by_stage.items():
        seconds = sum(s.seconds for s in steps)
        parts: dict[str, float] = {}
        for s in steps:
            for part, value in s.parts.items():
                parts[part] = parts.get(part, 0.0) + value
        where = ", ".join(f"{part} {value / seconds:.0%}" for part, value in parts.items()
                          if seconds and value / seconds >= 0.01)  # fmt: skip
        rows.append([stage, len(steps), f"{seconds:.0f}", _hours(seconds), where])
    if result.steps:
        startup = result.startup * min(jobs, len(result.steps))
        rows.append(["start-up", jobs, f"{startup:.0f}", _hours(startup),
                     "importing torch, transformers and the engine, once per worker"])  # fmt: skip
    else:
        startup = 0.0
    total = sum(s.seconds for s in result.steps) + startup
    rows.append(["total", len(result.steps), f"{total:.0f}", _hours(total), ""])
    click.echo(f"estimate on {result.device} ({result.done} steps already done, not counted; "
               f"calibration took {result.calibration_seconds:.1f} s)")  # fmt: skip
    emit_table(rows, ["step", "to run", "seconds", "device-hours", "where the time goes"])
    for note in result.notes:
        click.echo(f"note: {note}")
    click.echo(f"wall time with {jobs} worker{'s' if jobs > 1 else ''}: about "
               f"{_hours(total / jobs)} h if the steps spread evenly")  # fmt: skip
    click.echo(f"wrote {save_estimate(store, result)}; after the grid, `xharness grid ... "
               "--report-timing` compares it with the measured time")  # fmt: skip


def _report_timing(store: Any, jobs: int) -> None:
    from xtreme_harness.grid.estimate import compare

    rows, unfinished, startup = compare(store)
    table = []
    for row in rows:
        ratio = "-" if row.ratio is None else f"{row.ratio:.2f}"
        table.append([row.stage, row.steps, f"{row.predicted:.1f}", f"{row.measured:.1f}", ratio])
    startup *= jobs if rows else 0
    if rows:
        table.append(["start-up", jobs, f"{startup:.1f}", "(in the steps)", "-"])
    predicted = sum(r.predicted for r in rows) + startup
    measured = sum(r.measured for r in rows)
    if rows:
        ratio = f"{measured / predicted:.2f}" if predicted else "-"
        table.append(["total", sum(r.steps for r in rows), f"{predicted:.1f}",
                      f"{measured:.1f}", ratio])  # fmt: skip
    emit_table(table, ["step", "steps", "predicted s", "measured s", "measured / predicted"])
    if unfinished:
        click.echo(f"{len(unfinished)} predicted steps have not finished yet and are left out")


def _summary(plan: Any, report: Any) -> None:
    rows = []
    for cell in plan.cells:
        config = cell.config
        stage = config.intermediate
        score, meaningful = None, True
        path = report.results.get(cell.id)
        if path is not None:
            result = read_json(path, "result file")
            score, meaningful = result["score"], result["meaningful"]
        rows.append(
            [
                config.task,
                f"{stage.task} {stage.language_set}" if stage else "-",
                config.regularizer,
                config.seed,
                blank(None if score is None else f"{score:.2f}"),
                os.path.relpath(path) if path else "(not finished)",
            ]
        )
    click.echo()
    emit_table(rows, ["task", "intermediate", "regularizer", "seed", "score", "result"])
    if rows and not meaningful:
        click.echo("note: tiny or random-weight model and/or sample data: the scores mean nothing")
    click.echo(
        f"{len(report.results)}/{len(plan.cells)} cells finished; {report.ran} steps run here, "
        f"{report.elsewhere} by another process, {report.reused} reused"
    )
