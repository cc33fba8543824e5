#!/usr/bin/env python3
"""Checks of the CUDA paths on a machine with a GPU (the test suite runs on the CPU).

    python scripts/cuda_check.py [--out DIR]

On a tiny model and the bundled sample data, it runs a few training steps and the evaluation of
every task kind on the GPU in fp32, tf32, bf16 and fp16; every regularizer with gradient
accumulation in fp16 and bf16; the retrieval search on the GPU against the CPU (exact indices,
ties included); and the same seed twice on the GPU. Each check prints one line, PASS or FAIL with
its reason and timing; the exit status is 1 if any failed. Without CUDA it says so and exits 2.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


def main() -> int:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=None, help="Folder for the runs (default: temporary).")
    parser.add_argument("--device", default="cuda", help="cpu: try the script itself here.")
    args = parser.parse_args()
    device = args.device
    if device == "cuda" and not torch.cuda.is_available():
        print("no CUDA device: nothing to check")
        return 2
    out = args.out or tempfile.mkdtemp(prefix="xharness-cuda-")
    name = torch.cuda.get_device_name(0) if device == "cuda" else "cpu"
    print(f"device: {name}; torch {torch.__version__}; runs in {out}")

    from xtreme_harness.config.run import Overrides, RunConfig
    from xtreme_harness.engine.run import run
    from xtreme_harness.engine.tiny_model import build_tiny_model, sample_texts

    model = os.path.join(out, "tiny")
    build_tiny_model(model, sample_texts(), vocab_size=2000, hidden_size=64,
                     layers=2, heads=2)  # fmt: skip
    failures = []

    def check(name: str, body: Callable[[], str]) -> None:
        started = time.perf_counter()
        try:
            detail = body()
            print(f"PASS {name}: {detail} ({time.perf_counter() - started:.1f} s)", flush=True)
        except Exception as exc:  # a check reports, the next one runs
            failures.append(name)
            print(f"FAIL {name}: {type(exc).__name__}: {exc}", flush=True)
            traceback.print_exc(limit=3)

    def one(task: str, precision: str, languages: tuple[str, ...], tag: str, **changes) -> dict:
        overrides = changes.pop("overrides", Overrides(max_steps=3, batch_size=4))
        config = RunConfig(
            model=model, task=task, source="sample", out=os.path.join(out, f"{task}-{tag}"),
            device=device, precision=precision, eval_languages=languages, overrides=overrides,
            progress=False, overwrite=True, **changes,
        )  # fmt: skip
        result = run(config)
        recorded = result["config"]
        if device == "cuda" and (
            recorded["device"] != "cuda" or recorded["precision"] != precision
        ):
            raise AssertionError(f"ran on {recorded['device']} in {recorded['precision']}")
        for language, values in result["scores"].items():
            if not all(value == value for value in values.values()):  # NaN
                raise AssertionError(f"{language}: {values}")
        return result

    kinds = {
        "xnli": ("en", "sw"), "xcopa": ("et",), "udpos": ("en", "hi"), "xquad": ("en", "zh"),
        "mewslix": ("en", "ja"), "lareqa": ("en",),
    }  # fmt: skip
    for task, languages in kinds.items():
        retrieval = task in ("mewslix", "lareqa")
        for precision in ("fp32", "tf32", "bf16", "fp16"):
            overrides = Overrides(max_steps=3, batch_size=4, pooling="mean" if retrieval else None)

            def kind_run(t=task, p=precision, langs=languages, v=overrides) -> str:
                return str(one(t, p, langs, p, overrides=v)["scores"])

            check(f"{task} {precision}", kind_run)
    check(
        "tatoeba bf16 (no training)",
        lambda: str(
            one("tatoeba", "bf16", ("de", "ja"), "bf16", overrides=Overrides(layer=1))["scores"]
        ),
    )

    regularizers = [("adversarial", {"steps": 2}), ("adversarial", {"variant": "freelb"}),
                    ("adversarial", {"variant": "fgm", "norm": "linf"}), ("rs-rp", {}),
                    ("rs-da", {"num": 2})]  # fmt: skip
    for task in ("xnli", "xquad", "mewslix"):
        for precision in ("fp16", "bf16"):
            for name, options in regularizers:
                label = f"{task} {name} {options} {precision} accumulation 2"
                overrides = Overrides(max_steps=2, batch_size=4, gradient_accumulation=2)
                check(label, lambda t=task, n=name, o=options, p=precision, v=overrides: str(one(
                    t, p, ("en",), f"{n}-{p}", regularizer=n, regularizer_options=o,
                    overrides=v)["training"]["phases"][-1]["losses"]))  # fmt: skip

    def same_seed_twice() -> str:
        first = one("xnli", "fp32", ("en", "de"), "seed-a")["scores"]
        second = one("xnli", "fp32", ("en", "de"), "seed-b")["scores"]
        if first != second:
            raise AssertionError(f"{first} != {second}")
        return str(first)

    check("same seed twice on the GPU", same_seed_twice)

    def search_on_gpu() -> str:
        from xtreme_harness.engine.search import top_k

        generator = torch.Generator().manual_seed(0)
        queries = torch.randint(-2, 3, (500, 8), generator=generator).float()
        pool = torch.randint(-2, 3, (20000, 8), generator=generator).float()
        _, cpu = top_k(queries, pool, 20, candidate_chunk=3000)
        _, gpu = top_k(queries, pool, 20, candidate_chunk=3000, device=device)
        if not torch.equal(cpu, gpu):
            raise AssertionError("GPU and CPU rankings differ")
        big_q = torch.nn.functional.normalize(torch.randn(10000, 384), dim=1)
        big_c = torch.nn.functional.normalize(torch.randn(100000, 384), dim=1)
        if device != "cuda":
            return "identical with ties"
        top_k(big_q[:10], big_c[:1000], 20, device=device)
        torch.cuda.synchronize()
        started = time.perf_counter()
        top_k(big_q, big_c, 20, device=device)
        torch.cuda.synchronize()
        return (
            f"identical with ties; 10k x 100k x 384 top-20 in {time.perf_counter() - started:.2f} s"
        )

    check("retrieval search on the GPU", search_on_gpu)
    print(f"{len(failures)} failed" + (": " + "; ".join(failures) if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
