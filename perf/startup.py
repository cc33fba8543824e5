"""Start-up cost of a listing command: `xharness languages --json` against `python -c pass`.

Both run in fresh interpreters of the same environment; the ratio of their median wall times is
printed (aim: at most 3). Run: `python perf/startup.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def median_seconds(command: list[str], runs: int, env: dict[str, str]) -> float:
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)  # warm caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    xharness = Path(sys.executable).with_name("xharness")
    if not xharness.exists():
        xharness = Path(shutil.which("xharness") or "xharness")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    baseline = median_seconds([sys.executable, "-c", "pass"], args.runs, env)
    click_only = median_seconds([sys.executable, "-c", "import click"], args.runs, env)
    listing = median_seconds([str(xharness), "languages", "--json"], args.runs, env)
    rows = [
        ("python -c pass", baseline),
        ("python -c 'import click'", click_only),
        ("xharness languages --json", listing),
    ]
    print(f"median of {args.runs} runs each, fresh interpreters of {sys.executable}")
    for label, seconds in rows:
        print(f"  {label:<27} {seconds * 1000:7.1f} ms   ratio {seconds / baseline:5.2f}")
    print(f"ratio xharness languages --json / python -c pass: {listing / baseline:.2f} (aim: <= 3)")


if __name__ == "__main__":
    main()
