"""Training-step time of each regularizer as a ratio to `none`, on the same model and batches,
and the evaluation time of the embedding-pgd attack as a ratio to clean prediction.

The cost model, in units of one forward pass of the model (what `plugins/robust/adversarial.py` and
`plugins/robust/smoothing.py` compute):

- a forward pass costs 1 unit; a backward pass about 2: about 1 for the gradients with respect to
  the activations (propagating the error down through every layer) and about 1 for the gradients
  with respect to the weights (one more matrix product per linear layer). A plain training step
  (`none`) is forward + full backward = 3 units (the optimizer step is small and left out);
- a PGD ascent step is a forward on embeddings + delta and `torch.autograd.grad(loss, delta)`: a
  backward to the perturbation only, which needs the activation gradients all the way down but no
  weight gradients (autograd computes only what lies on a path to delta): 1 + 1 = 2 units;
- PGD with K ascent steps and `loss=adv`: 2K for the ascent, then forward + full backward on the
  perturbed input, 3: 3 + 2K units, a ratio of **1 + 2K/3** to a plain step (1.67 for K = 1, 3 for
  K = 3, 4.33 for K = 5), not K + 1 (K + 1 would hold if every ascent step were a full step);
- `loss=clean+adv` adds a clean forward whose backward is part of the one full backward of the
  mean: 3 + 2K + 3 units, **2 + 2K/3** (4 for K = 3); FGM is PGD with K = 1 and, by default,
  `clean+adv`: 2 + 2/3 = **2.67**;
- FreeLB with K passes runs K full forward/backward passes (parameter gradients accumulate in every
  pass): **K**;
- randomized smoothing (`rs-rp`) is one forward + backward on noisy embeddings: **1**
  (`clean+noisy`: two forwards and their full backwards, **2**);
- RS-DA changes the data, not the step, so its cost is the augmentation time, printed apart.

Evaluation under the `embedding-pgd` perturbation (docs/robustness.md) is timed against clean
prediction on the same batches: clean prediction is one forward pass (inference mode) per batch;
the attack adds K ascent steps of a forward and a backward to the perturbation (2 units each)
before the final forward: **1 + 2K** (3 for K = 1, 7 for K = 3). Clean inference skips the saved
activations that the attack's forwards keep, so the measured ratio may exceed the model somewhat.

The measured ratios come out somewhat below the model: the fixed per-step costs (optimizer, data
collation, the scheduler) are counted once in each step, and the embedding lookup and the
perturbation's arithmetic are small. Each measured ratio is printed beside the model's, with
"meets goal" where it is at most 1.2x the model (the goal: no regularizer costs much more than its
cost model), "above goal" otherwise. Timings are medians (statistics.median) over interleaved
rounds; nothing is asserted.

Run: `python perf/regularizer_cost.py [--steps N] [--batch-size B] [--device cpu|cuda]
[--rounds R] [--smoke]`; `--smoke` (for CI): 1 step of 4 examples, one round.
The model is a randomly initialised BERT-style encoder (4 layers, hidden 256) with a
classification head, on random token ids of XNLI-like lengths.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from _report import goal_text, median

CONFIGURATIONS: list[tuple[str, dict, float, str]] = [
    ("none", {}, 1.0, "1"),
    ("adversarial", {"steps": 1, "loss": "adv"}, 1 + 2 / 3, "1 + 2K/3"),
    ("adversarial", {"steps": 3, "loss": "adv"}, 1 + 2 * 3 / 3, "1 + 2K/3"),
    ("adversarial", {"steps": 5, "loss": "adv"}, 1 + 2 * 5 / 3, "1 + 2K/3"),
    ("adversarial", {"steps": 3, "loss": "clean+adv"}, 2 + 2 * 3 / 3, "2 + 2K/3"),
    ("adversarial", {"variant": "fgm"}, 2 + 2 / 3, "2 + 2/3"),
    ("adversarial", {"variant": "freelb", "steps": 3}, 3.0, "K"),
    ("rs-rp", {}, 1.0, "1"),
    ("rs-rp", {"loss": "clean+noisy"}, 2.0, "2"),
]
"""(regularizer, options, modelled ratio to `none`, the model's formula): see the docstring."""

GOAL_FACTOR = 1.2
"""Goal: a measured ratio at most this many times its modelled ratio."""


def label(name: str, options: dict) -> str:
    return name + ("" if not options else " " + ",".join(f"{k}={v}" for k, v in options.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (0: torch default)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds (odd); medians over rounds"
    )
    parser.add_argument("--pairs", type=int, default=2000, help="pairs augmented by rs-da")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one round, for CI")
    args = parser.parse_args()
    if args.smoke:
        args.steps, args.batch_size, args.rounds, args.pairs = 1, 4, 1, 100

    import torch

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from train_throughput import setup

    from xtreme_harness.engine.device import place
    from xtreme_harness.engine.trainer import Schedule, train
    from xtreme_harness.plugin_host import PluginHost

    if args.threads:
        torch.set_num_threads(args.threads)
    host = PluginHost()
    placement = place(args.device, "fp32")
    model, kind, recipe, features = setup(
        argparse.Namespace(steps=args.steps, batch_size=args.batch_size)
    )
    initial = {k: v.clone() for k, v in model.state_dict().items()}

    def step_seconds(name: str, options: dict) -> float:
        model.load_state_dict(initial)
        regularizer = host.get("regularizers", name)(**options)
        started = time.perf_counter()
        train(
            model,
            kind,
            features,
            schedule=Schedule(recipe, max_steps=args.steps),
            regularizer=regularizer,
            placement=placement,
            seed=1,
            pad_id=0,
            progress=False,
        )
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        return (time.perf_counter() - started) / args.steps

    step_seconds("none", {})  # warm up allocators and caches
    times: dict[str, list[float]] = {label(n, o): [] for n, o, _, _ in CONFIGURATIONS}
    for _ in range(args.rounds):  # interleaved, so that drifts of the machine hit every one
        for name, options, _, _ in CONFIGURATIONS:
            times[label(name, options)].append(step_seconds(name, options))
    base = median(times["none"])
    print(
        f"{args.steps} steps of {args.batch_size} examples on {args.device}, "
        f"median (statistics.median) of {args.rounds} interleaved rounds; "
        f"plain step {base * 1000:.0f} ms"
    )
    print(f"  {'regularizer':<40} {'ms/step':>8}   ratio to none   cost model (docstring)")
    for name, options, modelled, formula in CONFIGURATIONS:
        seconds = median(times[label(name, options)])
        ratio = seconds / base
        goal = goal_text(ratio / modelled, GOAL_FACTOR, at_most=True)
        print(
            f"  {label(name, options):<40} {seconds * 1000:8.0f}   {ratio:5.2f}x"
            f"          {formula:<9} = {modelled:4.2f}x   measured / model {ratio / modelled:4.2f} "
            f"({goal})"
        )

    from xtreme_harness.engine.trainer import predict

    def predict_seconds(attack: object) -> float:
        started = time.perf_counter()
        predict(model, kind, features, placement=placement, pad_id=0,
                batch_size=args.batch_size, max_tokens=None, attack=attack)  # fmt: skip
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        return time.perf_counter() - started

    attacks = {steps: host.get("perturbers", "embedding-pgd")(steps=steps, epsilon=0.5)
               for steps in (1, 3)}  # fmt: skip
    predict_seconds(None)  # warm up
    timed: dict[object, list[float]] = {key: [] for key in (None, *attacks)}
    for _ in range(args.rounds):
        for key in timed:
            timed[key].append(predict_seconds(None if key is None else attacks[key]))
    clean = median(timed[None])
    print(f"  evaluation of {len(features)} examples: clean prediction {clean * 1000:.0f} ms")
    for steps in attacks:
        ratio = median(timed[steps]) / clean
        modelled = 1 + 2 * steps
        goal = goal_text(ratio / modelled, GOAL_FACTOR, at_most=True)
        name = f"embedding-pgd steps={steps}"
        print(f"  {name:<40} {ratio:5.2f}x clean prediction   1 + 2K = {modelled:4.2f}x   "
              f"measured / model {ratio / modelled:4.2f} ({goal})")  # fmt: skip

    augmenter = host.get("regularizers", "rs-da")(num=10)
    rng = random.Random(0)
    words = ["the", "big", "child", "sees", "old", "house", "in", "city", "new", "book"]
    examples = [{"id": str(i), "text_a": " ".join(rng.choices(words, k=20)),
                 "text_b": " ".join(rng.choices(words, k=10)), "label": "neutral"}
                for i in range(args.pairs)]  # fmt: skip
    started = time.perf_counter()
    augmenter.augment(examples, text_fields={"text_a": "text", "text_b": "text"}, seed=1)
    seconds = time.perf_counter() - started
    print(
        f"  rs-da num=10: augmenting {args.pairs} pairs took {seconds * 1000:.0f} ms "
        f"({args.pairs * 10 / seconds:,.0f} copies/s); its training step is a plain one"
    )


if __name__ == "__main__":
    main()
