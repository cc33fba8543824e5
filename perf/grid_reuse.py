"""What sharing steps saves, and what re-running a finished grid costs.

For K target tasks after the same intermediate stage, two configurations of the same cells:

  - shared: one grid whose cells share the intermediate step;
  - independent: the same cells as K grids of one task each, each in its own run folder.

Each round runs both, in fresh run folders, the order alternating from round to round (shared
first in odd rounds, independent first in even ones), so that a drift of the machine's load hits
both; one 60-update stage took anywhere from 14.5 to 79.7 s on a loaded 2-core machine, so single
shots mean little. The script prints, over `--repeats` rounds (default 3, odd), the median
(statistics.median) and the spread (min, max) of:

  - the intermediate-stage time (the sum of the `seconds` of the intermediate steps' records,
    `steps/*/step.json`) and its ratio shared / independent (goal: at most 1.25/K, "close to
    1/K"; the ratio is taken per round, then the median of the ratios);
  - the whole wall time of each configuration and its ratio.

It also prints the number of intermediate steps each configuration actually executed (the step
records of stage ``intermediate`` in its run folders; 1 and K expected) and the total of steps run,
from the grids' closing summary lines (``N steps run here``). Finally the wall time of re-running
the finished shared grid, all its steps reused: the minimum of three runs (the better statistic
for a short command on a loaded machine; goal: under 2 s).

Nothing is asserted about times; a configuration that runs a different number of intermediate
steps than expected ends the script with a non-zero status.

Run: `python perf/grid_reuse.py [--tasks xnli,pawsx,udpos] [--steps N] [--repeats R] [--smoke]`.
It builds a tiny model and uses the bundled sample data, in a temporary folder. `--smoke` (for CI)
runs two tasks, 1 intermediate update and 1 fine-tuning update, one round, one re-run, and runs
every command in this process, so that torch is imported once rather than once per grid: its
figures then leave out the start-up of each grid, which the full mode counts.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _report import goal_text, median, spread

RERUN_GOAL = 2.0
"""Seconds: re-running a finished grid should take under this."""
SHARING_SLACK = 1.25
"""Goal for the intermediate stage, shared / independent: at most this times 1/K."""
SUMMARY = re.compile(r"(\d+) steps run here, (\d+) by another process, (\d+) reused")


@dataclass
class Outcome:
    """One configuration in one round."""

    wall: float
    """Seconds of the whole configuration (every grid command of it)."""
    intermediate: float
    """Seconds of its intermediate steps, from their step records."""
    intermediate_steps: int
    """Intermediate steps it ran (step records of stage ``intermediate``)."""
    steps_run: int
    """Steps run, from the grids' closing summary lines."""


IN_PROCESS = False
"""Run the command line in this process (`--smoke`: torch is imported once, not per grid)."""


def xharness(*args: str) -> tuple[float, str]:
    """Run the command line in a fresh interpreter (in this one with `IN_PROCESS`); return its
    wall time and its output."""
    started = time.perf_counter()
    if IN_PROCESS:
        from xtreme_harness.cli import main

        output, errors = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(errors):
            try:
                main(list(args))
                code = 0
            except SystemExit as exc:
                code = exc.code or 0
        if code != 0:
            raise SystemExit(f"xharness {' '.join(args)} failed:\n{output.getvalue()}\n"
                             f"{errors.getvalue()}")  # fmt: skip
        return time.perf_counter() - started, output.getvalue()
    done = subprocess.run(
        [sys.executable, "-c", "from xtreme_harness.cli import main; main()", *args],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"xharness {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def steps_run(output: str) -> int:
    """The number of steps a grid ran, from its closing summary line."""
    found = SUMMARY.findall(output)
    if not found:
        raise SystemExit(f"no closing summary line in the grid's output:\n{output}")
    return int(found[-1][0])


def intermediate_records(run_dir: Path) -> list[dict]:
    """The records of the finished intermediate steps of a run folder."""
    records = []
    for path in run_dir.glob("steps/*/step.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        if record["stage"] == "intermediate" and record["status"] == "done":
            records.append(record)
    return records


def run_configuration(common: list[str], groups: list[list[str]], root: Path) -> Outcome:
    """Run one grid per group of tasks, each in a fresh run folder under `root`."""
    outcome = Outcome(0.0, 0.0, 0, 0)
    for number, tasks in enumerate(groups):
        out = root / f"grid-{number}"
        seconds, output = xharness(*common, "--tasks", ",".join(tasks), "--out", str(out))
        records = intermediate_records(out)
        outcome.wall += seconds
        outcome.intermediate += sum(record["seconds"] for record in records)
        outcome.intermediate_steps += len(records)
        outcome.steps_run += steps_run(output)
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default="xnli,pawsx,udpos")
    parser.add_argument("--steps", type=int, default=60, help="intermediate updates")
    parser.add_argument("--finetune-steps", type=int, default=5, help="fine-tuning updates")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved rounds (odd)")
    parser.add_argument("--reruns", type=int, default=3, help="re-runs of the finished grid")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one round, for CI")
    args = parser.parse_args()
    if args.smoke:
        global IN_PROCESS
        IN_PROCESS = True
        args.tasks, args.steps, args.finetune_steps = "xnli,pawsx", 1, 1
        args.repeats, args.reruns = 1, 1
    tasks = args.tasks.split(",")
    k = len(tasks)
    configurations = {"shared": [tasks], "independent": [[task] for task in tasks]}
    results: dict[str, list[Outcome]] = {name: [] for name in configurations}
    with tempfile.TemporaryDirectory(prefix="xharness-grid-reuse-") as folder:
        root = Path(folder)
        xharness("tiny-model", str(root / "tiny"))
        common = [
            "grid", "--model", str(root / "tiny"), "--source", "sample",
            "--intermediate", "massive", "--language-set", "random", "--languages", "8",
            "--intermediate-max-steps", str(args.steps), "--intermediate-learning-rate", "1e-3",
            "--max-steps", str(args.finetune_steps), "--eval-languages", "en",
        ]  # fmt: skip
        for round_number in range(args.repeats):
            order = list(configurations)
            if round_number % 2:
                order.reverse()
            for name in order:
                where = root / f"round-{round_number}-{name}"
                results[name].append(run_configuration(common, configurations[name], where))
        finished = root / "round-0-shared" / "grid-0"
        reruns = [
            xharness(*common, "--tasks", ",".join(tasks), "--out", str(finished))[0]
            for _ in range(args.reruns)
        ]
    shared, independent = results["shared"], results["independent"]
    print(f"{k} target tasks ({', '.join(tasks)}) after one intermediate stage ({args.steps} "
          f"updates on MASSIVE sample data), {args.finetune_steps} fine-tuning updates; "
          f"{args.repeats} interleaved rounds: medians (statistics.median), spreads")  # fmt: skip
    for name, outcomes in results.items():
        intermediate = [o.intermediate for o in outcomes]
        wall = [o.wall for o in outcomes]
        steps = ", ".join(map(str, sorted({o.intermediate_steps for o in outcomes})))
        ran = ", ".join(map(str, sorted({o.steps_run for o in outcomes})))
        print(f"  {name:<11} intermediate {median(intermediate):6.1f} s "
              f"({spread(intermediate, '{:.1f}')}), whole {median(wall):6.1f} s "
              f"({spread(wall, '{:.1f}')}); intermediate steps executed: {steps}; "
              f"steps run in all: {ran}")  # fmt: skip
    pairs = list(zip(shared, independent, strict=True))
    intermediate_ratios = [s.intermediate / i.intermediate for s, i in pairs]
    wall_ratios = [s.wall / i.wall for s, i in pairs]
    ratio = median(intermediate_ratios)
    goal = round(SHARING_SLACK / k, 3)
    print(f"  intermediate stage, shared / independent: {ratio:.3f}x "
          f"({spread(intermediate_ratios, '{:.3f}')}); 1/K = {1 / k:.3f} "
          f"({goal_text(ratio, goal, at_most=True)})")  # fmt: skip
    print(
        f"  whole grid (wall), shared / independent: {median(wall_ratios):.3f}x "
        f"({spread(wall_ratios, '{:.3f}')})"
    )
    rerun = min(reruns)
    print(
        f"  re-running the finished grid: {rerun:.2f} s (minimum of {len(reruns)}; median "
        f"{median(reruns):.2f} s; {goal_text(rerun, RERUN_GOAL, at_most=True, unit=' s')})"
    )
    expected = {"shared": 1, "independent": k}
    wrong = [
        f"{name}: {o.intermediate_steps} intermediate steps executed, {expected[name]} expected"
        for name, outcomes in results.items()
        for o in outcomes
        if o.intermediate_steps != expected[name]
    ]
    if wrong:
        raise SystemExit("; ".join(wrong))


if __name__ == "__main__":
    main()
