"""What sharing steps saves, and what re-running a finished grid costs.

Prints, for K target tasks after the same intermediate stage:
  - the intermediate-stage time of one grid whose cells share the intermediate step, as a ratio to
    the same cells run as K independent grids (aim: close to 1/K), and the same ratio for the
    whole wall time;
  - the wall time of re-running the finished grid (aim: under 2 seconds).

Run: `python perf/grid_reuse.py [--tasks xnli,pawsx,udpos] [--steps N]`. It builds a tiny
model and uses the bundled sample data, in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def xharness(*args: str) -> float:
    """Run the command line in a fresh interpreter; return its wall time."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "from xtreme_harness.cli import main; main()", *args],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - started


def intermediate_seconds(run_dir: Path) -> float:
    total = 0.0
    for path in run_dir.glob("steps/*/step.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        if record["kind"] == "intermediate":
            total += record["seconds"]
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default="xnli,pawsx,udpos")
    parser.add_argument("--steps", type=int, default=60, help="intermediate updates")
    args = parser.parse_args()
    tasks = args.tasks.split(",")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        xharness("tiny-model", str(root / "tiny"))
        common = [
            "grid", "--model", str(root / "tiny"), "--source", "sample",
            "--intermediate", "massive", "--language-set", "random", "--languages", "8",
            "--intermediate-max-steps", str(args.steps), "--intermediate-learning-rate", "1e-3",
            "--max-steps", "5", "--eval-languages", "en",
        ]  # fmt: skip
        shared_wall = xharness(*common, "--tasks", ",".join(tasks), "--out", str(root / "shared"))
        shared = intermediate_seconds(root / "shared")
        independent_wall, independent = 0.0, 0.0
        for task in tasks:
            out = root / f"alone-{task}"
            independent_wall += xharness(*common, "--tasks", task, "--out", str(out))
            independent += intermediate_seconds(out)
        rerun = min(
            xharness(*common, "--tasks", ",".join(tasks), "--out", str(root / "shared"))
            for _ in range(3)
        )
    k = len(tasks)
    print(f"{k} target tasks ({', '.join(tasks)}) after one intermediate stage "
          f"({args.steps} updates on MASSIVE sample data)")  # fmt: skip
    print(
        f"  intermediate stage: shared {shared:6.1f} s, independent {independent:6.1f} s, "
        f"ratio {shared / independent:.3f} (aim: close to 1/{k} = {1 / k:.3f})"
    )
    print(
        f"  whole grid (wall):  shared {shared_wall:6.1f} s, independent "
        f"{independent_wall:6.1f} s, ratio {shared_wall / independent_wall:.3f}"
    )
    print(f"  re-running the finished grid: {rerun:.2f} s (best of 3; aim: under 2 s)")


if __name__ == "__main__":
    main()
