"""Top-20 search: `xtreme_harness.engine.search.top_k` (chunked) against one full similarity matrix.

Both search the same random L2-normalised embeddings (by default 100,000 candidates and 10,000
queries of dimension 384, made once and saved to a temporary folder) and must return the same
top-20 indices. Each method runs in a fresh process that loads the embeddings, so that its peak
memory is its own: the script prints, for each, the search time and the peak resident memory above
what the process held before searching (the embeddings themselves), then the ratio of times and of
memory. It also measures the machine's matrix-product throughput
in the same run (a large float32 product, best of three) and prints which fraction of it the
chunked search achieves (its 2 x queries x candidates x dimension operations over its time).

Run: `python perf/retrieval_search.py [--candidates N] [--queries N] [--dim D]
[--threads T]`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time


def embeddings(count: int, dim: int, seed: int):
    import torch

    generator = torch.Generator().manual_seed(seed)
    matrix = torch.randn(count, dim, generator=generator)
    return torch.nn.functional.normalize(matrix, dim=1).numpy()


def peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def resident_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        line = next(line for line in handle if line.startswith("VmRSS:"))
    return int(line.split()[1])


def child(method: str, folder: str, threads: int) -> None:
    import numpy as np
    import torch

    torch.set_num_threads(threads)
    pool = np.load(os.path.join(folder, "candidates.npy"))
    asked = np.load(os.path.join(folder, "queries.npy"))
    before = resident_kib()
    started = time.perf_counter()
    if method == "chunked":
        from xtreme_harness.engine.search import top_k

        _, indices = top_k(asked, pool, 20)
    else:
        scores = torch.from_numpy(asked) @ torch.from_numpy(pool).T
        indices = torch.topk(scores, 20, dim=1).indices
    seconds = time.perf_counter() - started
    np.save(os.path.join(folder, f"{method}.npy"), indices.numpy())
    print(json.dumps({"seconds": seconds, "extra_mib": (peak_kib() - before) / 1024}))


def matmul_gflops(threads: int) -> float:
    import torch

    torch.set_num_threads(threads)
    a, b = torch.randn(4096, 4096), torch.randn(4096, 4096)
    a @ b
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - started)
    return 2 * 4096**3 / best / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--child", choices=("chunked", "full"))
    parser.add_argument("--folder")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.folder, args.threads)
        return
    import numpy as np

    with tempfile.TemporaryDirectory() as folder:
        np.save(os.path.join(folder, "candidates.npy"), embeddings(args.candidates, args.dim, 1))
        np.save(os.path.join(folder, "queries.npy"), embeddings(args.queries, args.dim, 2))
        runs = {}
        for method in ("chunked", "full"):
            command = [sys.executable, __file__, "--child", method, "--folder", folder,
                       "--threads", str(args.threads)]  # fmt: skip
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            runs[method] = json.loads(output.strip().splitlines()[-1])
        same = np.array_equal(
            np.load(os.path.join(folder, "chunked.npy")), np.load(os.path.join(folder, "full.npy"))
        )
    gflops = matmul_gflops(args.threads)
    work = 2 * args.queries * args.candidates * args.dim / 1e9
    chunked, full = runs["chunked"], runs["full"]
    print(f"{args.queries:,} queries x {args.candidates:,} candidates, dimension {args.dim}, "
          f"top 20, {args.threads} threads; same top-20 indices: {same}")  # fmt: skip
    for name, run in runs.items():
        print(f"  {name:8} {run['seconds']:7.2f} s   peak memory +{run['extra_mib']:8.0f} MiB   "
              f"{work / run['seconds']:6.1f} GFLOP/s")  # fmt: skip
    print(f"time: chunked / full = {chunked['seconds'] / full['seconds']:.2f}")
    print(f"peak memory: full / chunked = {full['extra_mib'] / max(chunked['extra_mib'], 1):.1f}")
    print(f"matrix-product throughput of this machine: {gflops:.1f} GFLOP/s (4096^3, float32)")
    print(f"chunked search achieves {work / chunked['seconds'] / gflops:.0%} of it")


if __name__ == "__main__":
    main()
