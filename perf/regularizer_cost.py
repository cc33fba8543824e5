"""Training-step time of each regularizer as a ratio to `none`, on the same model and batches.

A PGD attack with K ascent steps trains on the adversarial loss after K extra forward/backward
passes, so it should cost about K + 1 times a plain step (K + 2 with the clean loss added); FreeLB
with K steps about K; randomized smoothing about 1 (2 with the clean loss); RS-DA changes the data,
not the step, so its cost is the augmentation time, printed apart.

Run: `python perf/regularizer_cost.py [--steps N] [--batch-size B] [--device cpu|cuda]`.
The model is a randomly initialised BERT-style encoder (4 layers, hidden 256) with a
classification head, on random token ids of XNLI-like lengths.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

CONFIGURATIONS = [
    ("none", {}),
    ("adversarial", {"steps": 1, "loss": "adv"}),
    ("adversarial", {"steps": 3, "loss": "adv"}),
    ("adversarial", {"steps": 5, "loss": "adv"}),
    ("adversarial", {"steps": 3, "loss": "clean+adv"}),
    ("adversarial", {"variant": "fgm"}),
    ("adversarial", {"variant": "freelb", "steps": 3}),
    ("rs-rp", {}),
    ("rs-rp", {"loss": "clean+noisy"}),
]


def label(name: str, options: dict) -> str:
    return name + ("" if not options else " " + ",".join(f"{k}={v}" for k, v in options.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (0: torch default)")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds; medians")
    args = parser.parse_args()

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
    times: dict[str, list[float]] = {label(n, o): [] for n, o in CONFIGURATIONS}
    for _ in range(args.rounds):
        for name, options in CONFIGURATIONS:
            times[label(name, options)].append(step_seconds(name, options))
    base = statistics.median(times["none"])
    print(
        f"{args.steps} steps of {args.batch_size} examples on {args.device}, "
        f"median of {args.rounds} rounds; plain step {base * 1000:.0f} ms"
    )
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:<40} {median * 1000:8.0f} ms/step   ratio to none {median / base:5.2f}")

    augmenter = host.get("regularizers", "rs-da")(num=10)
    rng = random.Random(0)
    words = ["the", "big", "child", "sees", "old", "house", "in", "city", "new", "book"]
    examples = [{"id": str(i), "text_a": " ".join(rng.choices(words, k=20)),
                 "text_b": " ".join(rng.choices(words, k=10)), "label": "neutral"}
                for i in range(2000)]  # fmt: skip
    started = time.perf_counter()
    augmenter.augment(examples, text_fields={"text_a": "text", "text_b": "text"}, seed=1)
    seconds = time.perf_counter() - started
    print(
        f"  rs-da num=10: augmenting 2000 pairs took {seconds * 1000:.0f} ms "
        f"({2000 * 10 / seconds:,.0f} copies/s); its training step is a plain one"
    )


if __name__ == "__main__":
    main()
