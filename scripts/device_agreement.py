#!/usr/bin/env python3
"""Do two devices (or precisions) give the same scores, and how fast does each train?

    python scripts/device_agreement.py run --model DIR --device cpu --out CPU.json --keep MODELS
    python scripts/device_agreement.py run --model DIR --device cuda --precision bf16 --out A.json
    python scripts/device_agreement.py evaluate --model DIR --models MODELS --out B.json
    python scripts/device_agreement.py compare CPU.json GPU.json

`run` trains and evaluates the tiny model at DIR (built once with `xharness tiny-model` and carried
to both machines, so both start from the same weights and tokenizer) on the sample data of XNLI,
PAWS-X, XCOPA, UD-POS and WikiANN with one fixed recipe, and writes each task's per-language
scores, its task score and its training throughput (examples per second); `--keep` keeps the
fine-tuned models. Training diverges between devices (floating-point sums in another order), so
`evaluate` separates the two: it evaluates models kept by a `run` on another device, which
measures the agreement of inference alone. `compare` prints, per task, both task scores, the
largest per-language difference and how many values agree exactly.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

TASKS = ("xnli", "pawsx", "xcopa", "udpos", "panx")


def run(model: str, device: str, precision: str, out: str, keep: str | None) -> None:
    from xtreme_harness.config.run import Overrides, RunConfig
    from xtreme_harness.engine.run import run as run_pipeline

    recipe = Overrides(learning_rate=1e-3, batch_size=8, gradient_accumulation=1, epochs=15)
    summary = {}
    with tempfile.TemporaryDirectory() as folder:
        for task in TASKS:
            result = run_pipeline(RunConfig(
                model=model, task=task, source="sample",
                out=os.path.join(keep or folder, task), device=device, precision=precision,
                overrides=recipe, progress=False, save_model=keep is not None, overwrite=True,
            ))  # fmt: skip
            phases = result["training"]["phases"]
            seen = sum(phase["examples_seen"] for phase in phases)
            seconds = sum(phase["seconds"] for phase in phases)
            summary[task] = {
                "device": result["provenance"]["device"],
                "precision": result["config"]["precision"],
                "score": result["score"],
                "scores": result["scores"],
                "train_examples_per_second": seen / seconds,
                "evaluate_seconds": result["provenance"]["timings"]["evaluate"],
            }
            print(f"{task}: score {result['score']:.2f}, "
                  f"{seen / seconds:.0f} training examples/s", flush=True)  # fmt: skip
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=1)


def evaluate(model: str, models: str, device: str, precision: str, out: str) -> None:
    from xtreme_harness.config.run import RunConfig
    from xtreme_harness.engine.context import Context
    from xtreme_harness.engine.stages import evaluate as evaluate_stage
    from xtreme_harness.results.document import aggregate

    summary = {}
    with tempfile.TemporaryDirectory() as folder:
        for task in TASKS:
            config = RunConfig(model=model, task=task, source="sample", out=folder,
                               device=device, precision=precision, progress=False)  # fmt: skip
            ctx = Context(config)
            evaluated = evaluate_stage(ctx, folder, os.path.join(models, task, "model"))
            _, score, _ = aggregate(ctx.spec, evaluated["scores"], evaluated["pooled"])
            summary[task] = {"device": device, "precision": precision, "score": score,
                             "scores": evaluated["scores"], "train_examples_per_second": None,
                             "evaluate_seconds": evaluated["timings"]["evaluate"]}  # fmt: skip
            print(f"{task}: score {score:.2f}", flush=True)
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=1)


def _speed(entry: dict) -> str:
    speed = entry["train_examples_per_second"]
    return "" if speed is None else f", {speed:.0f} ex/s"


def compare(first: str, second: str) -> None:
    with open(first, encoding="utf-8") as handle:
        a = json.load(handle)
    with open(second, encoding="utf-8") as handle:
        b = json.load(handle)
    for task in TASKS:
        left, right = a[task], b[task]
        differences = [
            abs(left["scores"][lang][metric] - right["scores"][lang][metric])
            for lang in left["scores"]
            for metric in left["scores"][lang]
        ]
        same = sum(d == 0 for d in differences)
        print(f"{task}: {left['score']:.2f} ({left['device']} {left['precision']}{_speed(left)}) "
              f"vs {right['score']:.2f} ({right['device']} {right['precision']}{_speed(right)}); "
              f"largest per-language difference {max(differences):.2f}, "
              f"{same}/{len(differences)} values identical")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    runner = commands.add_parser("run")
    runner.add_argument("--model", required=True)
    runner.add_argument("--device", default="cuda")
    runner.add_argument("--precision", default="fp32")
    runner.add_argument("--out", required=True)
    runner.add_argument("--keep", help="Keep the fine-tuned models under this folder.")
    evaluator = commands.add_parser("evaluate")
    evaluator.add_argument("--model", required=True, help="The base model (its tokenizer).")
    evaluator.add_argument("--models", required=True, help="A folder of `run --keep`.")
    evaluator.add_argument("--device", default="cuda")
    evaluator.add_argument("--precision", default="fp32")
    evaluator.add_argument("--out", required=True)
    comparer = commands.add_parser("compare")
    comparer.add_argument("first")
    comparer.add_argument("second")
    args = parser.parse_args()
    if args.command == "run":
        run(args.model, args.device, args.precision, args.out, args.keep)
    elif args.command == "evaluate":
        evaluate(args.model, args.models, args.device, args.precision, args.out)
    else:
        compare(args.first, args.second)
    return 0


if __name__ == "__main__":
    sys.exit(main())
