"""The chaos test: a grid killed with SIGKILL again and again, then checked.

Each round starts `xharness grid` on one run folder (the local executor with two worker
processes, or Ray), in some rounds two processes at once, and kills one of them, or one of its
workers, with SIGKILL at a random point of the moment the round aims at: the rounds take the
stages in turn (a step of intermediate training, fine-tuning, evaluation while it runs), now and
then start-up, and last the writing of the result files. After the rounds, once the
killed grids' processes have let go of the folder's locks, one uninterrupted run finishes the
grid, and the script checks what docs/grid.md promises:

- every step ran once: no step appears twice among the executions in `executions.jsonl`, every
  step of the plan is done, and no step is recorded as failed;
- no temporary or partial file is left in the run folder (no ``.tmp-`` file or folder, every
  step folder has its record, every result file is valid);
- no process of the grid is alive (every process seen during the rounds, workers included, has
  exited; Ray's node agents get up to --grace seconds, their own watch on the raylet);
- every prediction file is byte-identical to that of an uninterrupted run of the same grid.

It prints the number of kills survived and the invariants checked, and exits 1 if one failed.

    python scripts/chaos.py                      # CI: 12 rounds on a small grid
    python scripts/chaos.py --rounds 50 --long   # a longer run: a bigger grid, more kills

Linux only (it reads /proc to find each grid's processes).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

INVARIANTS = (
    "every step ran once",
    "no step recorded as failed",
    "no temporary or partial file",
    "every result file valid",
    "no process of the grid alive",
    "predictions byte-identical to an uninterrupted run",
)
"""What the final check verifies, in the words docs/grid.md uses (a test keeps them there)."""

ENV = {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "RAY_AUTH_MODE": "disabled"}

SMALL = """\
source: sample
tasks: [xnli, panx]
intermediate: massive
language_sets: [high-resource, low-resource-diverse]
languages: 2
budget: 40
intermediate_max_steps: 16
intermediate_learning_rate: 1.0e-3
regularizers: [none, rs-rp]
max_steps: 16
learning_rate: 1.0e-3
eval_languages: [en, de]
"""

LONG = """\
source: sample
tasks: [xnli, panx, udpos]
intermediate: massive
language_sets: [high-resource, low-resource-diverse]
languages: 3
budget: 60
intermediate_max_steps: 20
intermediate_learning_rate: 1.0e-3
regularizers: [none, rs-rp]
seeds: [1, 2]
max_steps: 20
learning_rate: 1.0e-3
eval_languages: [en, de, hi]
"""


@dataclass
class Tally:
    kills: list[str] = field(default_factory=list)
    """One entry per SIGKILL sent: what was killed."""
    seen: dict[int, int] = field(default_factory=dict)
    """Every process of a grid seen, by pid: its start time (to tell a reused pid apart)."""
    moments: list[str] = field(default_factory=list)
    """For each kill, what the run folder showed going on."""
    concurrent_rounds: int = 0


# --- processes -------------------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, int, str] | None:
    """(parent pid, start time, state) of a process, from /proc, or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[19]), fields[0]


def _command(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="ignore")


def descendants(root: int) -> list[int]:
    """Every living descendant of `root`."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None:
                children.setdefault(stat[0], []).append(int(entry))
    found, frontier = [], [root]
    while frontier:
        for child in children.get(frontier.pop(), []):
            found.append(child)
            frontier.append(child)
    return found


def alive(pid: int, started: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[1] == started and stat[2] not in ("Z", "X")


def remember(tally: Tally, pids: Iterable[int]) -> None:
    for pid in pids:
        stat = _stat(pid)
        if stat is not None:
            tally.seen.setdefault(pid, stat[1])


def workers(main: int) -> list[int]:
    """The processes of a grid that run steps: local worker processes, Ray tasks."""
    return [pid for pid in descendants(main) if "multiprocessing.spawn" in _command(pid)
            or _command(pid).startswith(("ray::_call", "ray::IDLE"))]  # fmt: skip


# --- the rounds ------------------------------------------------------------------------------


def start(grid_file: Path, out: Path, executor: str, log: Path) -> subprocess.Popen:
    extra = ["--jobs", "2"] if executor == "local" else ["--executor", executor]
    command = [sys.executable, "-m", "xtreme_harness", "grid", str(grid_file), "--out", str(out),
               *extra]  # fmt: skip
    with open(log, "ab") as handle:
        return subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT,
                                env={**os.environ, **ENV}, start_new_session=True)  # fmt: skip


def workspaces(out: Path) -> set[str]:
    steps = out / "steps"
    if not steps.is_dir():
        return set()
    return {p.name for p in steps.iterdir() if p.name.startswith(".tmp-")}


def done_steps(out: Path, stage: str | None = None) -> int:
    """Steps finished (of one stage, or of all)."""
    steps = out / "steps"
    if not steps.is_dir():
        return 0
    prefix = "" if stage is None else PREFIXES[stage]
    return sum((p / "step.json").is_file() for p in steps.iterdir()
               if not p.name.startswith(".") and p.name.startswith(prefix))  # fmt: skip


def watch(tally: Tally, processes: list[subprocess.Popen], seconds: float) -> None:
    """Wait `seconds`, noting every process of the grids."""
    deadline = time.monotonic() + seconds
    while True:
        for process in processes:
            if process.poll() is None:
                remember(tally, [process.pid, *descendants(process.pid)])
        if time.monotonic() >= deadline:
            return
        time.sleep(0.05)


def until_running(tally: Tally, out: Path, processes: list[subprocess.Popen], stage: str,
                  limit: float) -> None:  # fmt: skip
    """Wait until a step of `stage` is being built (its workspace's lock held), or `limit`
    seconds, or the grids end. The grid advances meanwhile: waiting for a later stage lets the
    steps it needs finish."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and any(p.poll() is None for p in processes):
        watch(tally, processes, 0.05)
        if stage in running_stages(out):
            return


def until_results_written(tally: Tally, out: Path, processes: list[subprocess.Popen],
                          limit: float) -> None:  # fmt: skip
    """Wait until the grid starts writing result files (a new one, or a temporary one)."""
    folder = out / "results"
    before = set(os.listdir(folder)) if folder.is_dir() else set()
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and any(p.poll() is None for p in processes):
        watch(tally, processes, 0.02)
        if folder.is_dir() and set(os.listdir(folder)) - before:
            return


STAGES = {"in": "intermediate", "fi": "finetune", "em": "embed", "ev": "evaluate"}
PREFIXES = {stage: f"{prefix}-" for prefix, stage in STAGES.items()}


def running_stages(out: Path) -> list[str]:
    """The stages of the steps being built: a workspace whose lock a live process holds."""
    from xtreme_harness.grid.store import Store

    store = Store(str(out))
    keys = {name[len(".tmp-") :].rsplit("-", 1)[0] for name in workspaces(out)}
    return sorted({STAGES.get(key[:2], "?") for key in keys if store.is_locked(key)})


def moment(out: Path) -> str:
    """What the run folder shows going on: the stages of the steps being built, else no step
    (start-up, planning, or the assembly of results)."""
    return " + ".join(running_stages(out)) or "no step running"


def kill(tally: Tally, process: subprocess.Popen, rng: random.Random, executor: str,
         out: Path, *, worker_chance: float = 0.35) -> None:  # fmt: skip
    """SIGKILL the grid process, or (with `worker_chance`) one of its workers."""
    if process.poll() is not None:
        return
    remember(tally, [process.pid, *descendants(process.pid)])
    running = workers(process.pid)
    if running and rng.random() < worker_chance:
        victim = rng.choice(running)
        what = f"{executor} worker"
    else:
        victim, what = process.pid, f"{executor} grid process"
    during = moment(out)
    try:
        os.kill(victim, signal.SIGKILL)
    except ProcessLookupError:
        return
    tally.kills.append(what)
    tally.moments.append(during)


def one_round(tally: Tally, rng: random.Random, grid_file: Path, out: Path, executors: list[str],
              target: str, stages: dict[str, int], quiet_run: float,
              log: Path) -> str:  # fmt: skip
    """Start the grid (sometimes twice), wait for the moment `target` names (a stage's step
    running, results being written, or start-up), and kill a grid process or a worker. A stage
    whose steps are all done gives way to the next one, and with every step done, results are
    the target: their files are removed first (they are derived: the grid writes them again
    from the steps). Returns what the round aimed at."""
    if target in stages and done_steps(out, target) == stages[target]:
        pending = [stage for stage, n in stages.items() if done_steps(out, stage) < n]
        target = pending[0] if pending else "results"
    if target == "results" and done_steps(out) == sum(stages.values()):
        shutil.rmtree(out / "results", ignore_errors=True)
    executor = rng.choice(executors)
    processes = [start(grid_file, out, executor, log)]
    if rng.random() < 0.33:  # two processes on the same folder
        tally.concurrent_rounds += 1
        watch(tally, processes, rng.uniform(0.0, 1.5))
        processes.append(start(grid_file, out, "local", log))
    if target == "results":
        until_results_written(tally, out, processes, limit=120)
    elif target == "start-up":
        watch(tally, processes, rng.uniform(0.2, quiet_run))
    else:
        until_running(tally, out, processes, target, limit=120)
        watch(tally, processes, rng.uniform(0.0, 0.5))
    victim = rng.choice(processes)
    kill(tally, victim, rng, executor if victim is processes[0] else "local", out)
    for process in processes:  # the others are killed in turn, soon: a round lets the grid
        deadline = time.monotonic() + rng.uniform(0.0, 1.0)  # advance a step or two at most
        while process.poll() is None and time.monotonic() < deadline:
            watch(tally, processes, 0.1)
        if process.poll() is None:
            kill(tally, process, rng, executor if process is processes[0] else "local", out,
                 worker_chance=0.0)  # fmt: skip
        while process.poll() is None:
            watch(tally, processes, 0.1)
    return target


def targets(rounds: int, stages: dict[str, int], rng: random.Random) -> list[str]:
    """What each round aims its kill at: the stages in turn (so each is hit while it runs), a
    start-up now and then, and the writing of results last."""
    chosen = []
    for number in range(rounds - 1):
        chosen.append("start-up" if rng.random() < 0.15 else list(stages)[number % len(stages)])
    return [*chosen, "results"][-rounds:]


# --- the checks ------------------------------------------------------------------------------


def until_unlocked(out: Path, limit: float) -> float:
    """Wait until no process holds a lock in the run folder (the workers of a killed grid take
    a moment to notice), at most `limit` seconds; return the seconds waited."""
    from xtreme_harness.grid.store import Store

    store, began = Store(str(out)), time.monotonic()
    locks = out / "locks"
    while time.monotonic() - began < limit:
        held = (
            [p.stem for p in locks.glob("*.lock") if store.is_locked(p.stem)]
            if locks.is_dir()
            else []
        )
        if not held:
            break
        time.sleep(0.2)
    return time.monotonic() - began


def run_to_end(grid_file: Path, out: Path, log: Path) -> float:
    began = time.monotonic()
    process = start(grid_file, out, "local", log)
    if process.wait() != 0:
        raise SystemExit(f"chaos: an uninterrupted run of the grid failed; see {log}")
    return time.monotonic() - began


def plan_size(grid_file: Path) -> tuple[int, dict[str, int]]:
    """The grid's number of steps, and the steps of each stage, in order (``--validate``)."""
    done = subprocess.run([sys.executable, "-m", "xtreme_harness", "grid", str(grid_file),
                           "--validate"], capture_output=True, text=True, check=True,
                          env={**os.environ, **ENV})  # fmt: skip
    total = int(done.stdout.split(" cells, ")[1].split(" steps")[0])
    counts = done.stdout.split("(", 1)[1].split(")", 1)[0]
    return total, {part.split()[1]: int(part.split()[0]) for part in counts.split(", ")}


def predictions(out: Path) -> dict[str, bytes]:
    steps = out / "steps"
    return {str(path.relative_to(steps)): path.read_bytes()
            for path in sorted(steps.glob("*/predictions/**/*")) if path.is_file()}  # fmt: skip


def check(
    tally: Tally, out: Path, reference: Path, total: int, grace: float
) -> list[tuple[bool, str]]:
    from xtreme_harness.registry.validation import validate

    checks: list[tuple[bool, str]] = []
    executions = [json.loads(line) for line in (out / "executions.jsonl").read_text().splitlines()
                  if line.strip()]  # fmt: skip
    done = [e["key"] for e in executions if e["status"] == "done"]
    twice = sorted({key for key in done if done.count(key) > 1})
    records = {p.name: json.loads((p / "step.json").read_text()) for p in (out / "steps").iterdir()
               if (p / "step.json").is_file()}  # fmt: skip
    once, no_failure, no_leftovers, results_valid, no_process, identical = INVARIANTS
    checks.append((not twice and len(records) == total,
                   f"{once}: {len(records)} of {total} steps done, {len(done)} "
                   f"completed executions logged, repeated: {twice or 'none'}"))  # fmt: skip
    failed = sorted(key for key, record in records.items() if record["status"] != "done")
    checks.append((not failed, f"{no_failure}: {failed or 'none'}"))
    leftovers = sorted(
        str(p.relative_to(out)) for p in out.rglob("*") if p.name.startswith(".tmp-")
    )
    partial = sorted(p.name for p in (out / "steps").iterdir() if not (p / "step.json").is_file())
    checks.append((not leftovers and not partial,
                   f"{no_leftovers}: temporary {leftovers or 'none'}, step folders "
                   f"without a record {partial or 'none'}"))  # fmt: skip
    results = sorted((out / "results").glob("*.json"))
    invalid = []
    for path in results:
        try:
            validate(json.loads(path.read_text()), "result", source=str(path))
        except Exception as exc:  # reported as a failed invariant
            invalid.append(f"{path.name}: {exc}")
    expected = len(list((reference / "results").glob("*.json")))
    checks.append((not invalid and len(results) == expected,
                   f"{results_valid}: {len(results)} of {expected}; invalid: "
                   f"{invalid or 'none'}"))  # fmt: skip
    deadline = time.monotonic() + grace
    while True:
        living = sorted(pid for pid, started in tally.seen.items() if alive(pid, started))
        if not living or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    checks.append(
        (
            not living,
            f"{no_process}: {len(tally.seen)} processes seen; alive: "
            + (", ".join(f"{pid} {_command(pid)[:60]}" for pid in living) or "none"),
        )
    )
    ours, theirs = predictions(out), predictions(reference)
    different = sorted(name for name in theirs if ours.get(name) != theirs[name])
    checks.append((bool(theirs) and not different and set(ours) == set(theirs),
                   f"{identical}: {len(theirs)} files; "
                   f"different or missing: {different or 'none'}"))  # fmt: skip
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=12, help="rounds of kills (default 12)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument("--executors", default="local,ray",
                        help="executors the rounds use, comma-separated (ray is skipped where "
                        "it is not installed)")  # fmt: skip
    parser.add_argument("--long", action="store_true", help="a bigger grid (24 cells)")
    parser.add_argument("--model", help="model folder (default: a tiny model built here)")
    parser.add_argument("--work", help="folder to work in (default: a temporary one, removed)")
    parser.add_argument(
        "--grace",
        type=float,
        default=150.0,
        help="seconds Ray's node agents get to exit after their raylet died",
    )
    args = parser.parse_args(argv)
    if not sys.platform.startswith("linux"):
        parser.error("the chaos test reads /proc: Linux only")
    seed = args.seed if args.seed is not None else random.randrange(2**31)
    rng = random.Random(seed)
    executors = [name.strip() for name in args.executors.split(",") if name.strip()]
    if "ray" in executors:
        try:
            import ray  # noqa: F401
        except ImportError:
            executors.remove("ray")
            print("chaos: ray is not installed; rounds use the local executor only")
    work = Path(args.work or tempfile.mkdtemp(prefix="xharness-chaos-"))
    work.mkdir(parents=True, exist_ok=True)
    log = work / "grid.log"
    model = args.model
    if model is None:
        model = str(work / "tiny-model")
        subprocess.run([sys.executable, "-m", "xtreme_harness", "tiny-model", model],
                       check=True, capture_output=True, env={**os.environ, **ENV})  # fmt: skip
    grid_file = work / "chaos.yaml"
    grid_file.write_text(f"model: {model}\n" + (LONG if args.long else SMALL), encoding="utf-8")
    total, stages = plan_size(grid_file)
    reference, out = work / "reference", work / "chaos"
    shutil.rmtree(reference, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    print(f"chaos: seed {seed}, {args.rounds} rounds, executors {', '.join(executors)}, "
          f"{total} steps per grid; work folder {work}")  # fmt: skip
    full = run_to_end(grid_file, reference, log)
    quiet = run_to_end(grid_file, reference, log)  # every step reused: start-up and assembly
    print(f"chaos: uninterrupted run {full:.1f} s, a run with nothing left {quiet:.1f} s")
    tally = Tally()
    for number, target in enumerate(targets(args.rounds, stages, rng), 1):
        before = len(tally.kills)
        target = one_round(tally, rng, grid_file, out, executors, target, stages, quiet, log)
        kills = [f"{what} during {when}" for what, when in
                 zip(tally.kills[before:], tally.moments[before:], strict=True)]  # fmt: skip
        print(f"chaos: round {number} (aimed at {target}): {len(kills)} kill(s) "
              f"({'; '.join(kills) or 'the grid finished first'}); "
              f"{done_steps(out)}/{total} steps done, "
              f"{len(list((out / 'results').glob('*.json')))} result files")  # fmt: skip
    waited = until_unlocked(out, args.grace)
    print(f"chaos: the killed grids' processes released the run folder's locks in {waited:.1f} s")
    run_to_end(grid_file, out, log)
    checks = check(tally, out, reference, total, args.grace)
    kinds = {kind: tally.kills.count(kind) for kind in sorted(set(tally.kills))}
    moments = {when: tally.moments.count(when) for when in sorted(set(tally.moments))}
    print(
        f"\nchaos: {len(tally.kills)} kills survived ("
        + ", ".join(f"{n} {kind}" for kind, n in kinds.items())
        + "; during: "
        + ", ".join(f"{when} {n}" for when, n in moments.items())
        + f"); {tally.concurrent_rounds} rounds with two processes on the folder"
    )
    print(f"invariants checked ({len(checks)}):")
    for ok, text in checks:
        print(f"  {'ok  ' if ok else 'FAIL'} {text}")
    failed = [text for ok, text in checks if not ok]
    if not failed and args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    elif failed:
        print(f"chaos: seed {seed}; the run folders and the grids' log are kept in {work}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
