"""Start-up cost of a listing command: `xharness languages --json` against `python -c pass`.

Every command runs in fresh interpreters of the same environment, one run of each command per
round (interleaved, so that a change of load hits all of them), after one warm-up run each. For
every run the script records the wall time and the CPU time of the child (user + sys, from the
`os.wait4` resource usage), and prints per command the median and the minimum wall time and the
median CPU time. CPU time and the minimum wall time resist the load of a shared machine; the median
wall time does not.

Goal: ``xharness languages --json`` at most 2x a bare interpreter (``python -c pass``), by median
CPU time. The script also prints ``python -c 'import click'``, the floor of any click command line,
and splits the listing's CPU time into the bare interpreter, click and the rest (xharness itself).

Bytecode: the children run with Python's bytecode cache on, in a private temporary folder
(``PYTHONPYCACHEPREFIX``), as an installed package has its ``.pyc`` files; the warm-up run fills
it. Where the environment sets ``PYTHONDONTWRITEBYTECODE`` (this project's CI machines do), an
editable install would otherwise recompile xharness's own modules at every start;
``--no-bytecode-cache`` measures that way instead.

Run: `python perf/startup.py [--runs N] [--no-bytecode-cache] [--smoke]`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _report import goal_text, median

GOAL = 2.0
"""At most this many times a bare interpreter's CPU time."""


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run `command` once; its wall time and its CPU time (user + sys), in seconds."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited with {process.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def measure(commands: dict[str, list[str]], runs: int, env: dict[str, str]) -> dict[str, dict]:
    """Per command: the wall and CPU times of `runs` interleaved runs, after a warm-up run."""
    for command in commands.values():
        run_once(command, env)  # warm the file cache and fill the bytecode cache
    times: dict[str, dict[str, list[float]]] = {
        label: {"wall": [], "cpu": []} for label in commands
    }
    for _ in range(runs):
        for label, command in commands.items():
            wall, cpu = run_once(command, env)
            times[label]["wall"].append(wall)
            times[label]["cpu"].append(cpu)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs of each command (odd)")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="keep the environment's bytecode setting (PYTHONDONTWRITEBYTECODE recompiles)",
    )
    parser.add_argument("--smoke", action="store_true", help="a few runs, for CI")
    args = parser.parse_args()
    if args.smoke:
        args.runs = 3
    xharness = Path(sys.executable).with_name("xharness")
    if not xharness.exists():
        xharness = Path(shutil.which("xharness") or "xharness")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import click'": [sys.executable, "-c", "import click"],
        "xharness languages --json": [str(xharness), "languages", "--json"],
    }
    with tempfile.TemporaryDirectory(prefix="xharness-startup-pyc-") as prefix:
        if not args.no_bytecode_cache:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = prefix
        times = measure(commands, args.runs, env)
    cache = "off (environment's setting)" if args.no_bytecode_cache else "on (private folder)"
    print(
        f"{args.runs} interleaved runs of each command after a warm-up run, fresh interpreters of "
        f"{sys.executable}; bytecode cache {cache}; {os.cpu_count()} CPUs, load average "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    base = {kind: median(times["python -c pass"][kind]) for kind in ("wall", "cpu")}
    base_min_wall = min(times["python -c pass"]["wall"])
    print(f"  {'':<27} {'wall median':>11} {'wall min':>9} {'CPU median':>10}   ratios to bare")
    for label, row in times.items():
        wall, low, cpu = median(row["wall"]), min(row["wall"]), median(row["cpu"])
        print(
            f"  {label:<27} {wall * 1000:8.1f} ms {low * 1000:6.1f} ms {cpu * 1000:7.1f} ms   "
            f"CPU {cpu / base['cpu']:4.2f}, wall min {low / base_min_wall:4.2f}, "
            f"wall median {wall / base['wall']:4.2f}"
        )
    listing = times["xharness languages --json"]
    click_cpu = median(times["python -c 'import click'"]["cpu"])
    listing_cpu = median(listing["cpu"])
    print(
        f"  CPU of the listing: bare interpreter {base['cpu'] * 1000:.1f} ms, click "
        f"{(click_cpu - base['cpu']) * 1000:.1f} ms, xharness itself "
        f"{(listing_cpu - click_cpu) * 1000:.1f} ms (imports and the command)"
    )
    ratio = listing_cpu / base["cpu"]
    print(
        f"ratio xharness languages --json / python -c pass, median CPU time: {ratio:.2f}x  "
        f"({goal_text(ratio, GOAL, at_most=True)}; minimum wall time: "
        f"{min(listing['wall']) / base_min_wall:.2f}x)"
    )


if __name__ == "__main__":
    main()
