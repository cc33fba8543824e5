"""Top-20 search: `xtreme_harness.engine.search.top_k` (chunked) against one full similarity matrix.

Both search the same random L2-normalised embeddings (by default 100,000 candidates, 1% of them
copies of others as duplicate sentences are in real pools, and 10,000 queries of dimension 384,
made once and saved to a temporary folder). Each method runs in a fresh
process that loads the embeddings, so that its peak memory is its own, and searches `--repeats`
times: the script prints, for each, the minimum search time (the better statistic for a
compute-bound kernel on a shared machine; the median, statistics.median, beside it) and the peak
resident memory above what the process held before searching (the embeddings themselves), then
the ratio of times (goal: chunked at most 1.25x the full matrix's time) and of memory. It also
measures the machine's matrix-product throughput in the same run (a float32 product, best of
three) and prints which fraction of it the chunked search achieves (its 2 x queries x candidates x
dimension operations over its time).

The two must find the same top 20 for every query, up to ties: the chunked search multiplies one
block of candidates at a time, the full one the whole matrix, so the same score can differ in its
last float32 bits, and two candidates whose scores tie within that rounding may swap places or,
at the 20th place, trade places in the set (`top_k` itself orders exact ties by candidate index,
deterministically, but cannot undo the rounding of a different product; `torch.topk` of the full
matrix orders exact ties arbitrarily). A query row counts as the same when, rank by rank, the two
candidates' scores (recomputed in float64) agree within `--tolerance` (default 1e-5) and every
candidate found by one method only scores within the tolerance of the other method's 20th score
(a tie at the boundary). Any other difference is a real one: the script exits non-zero and names
the query rows.

Run: `python perf/retrieval_search.py [--candidates N] [--queries N] [--dim D] [--threads T]
[--repeats R] [--tolerance X] [--duplicates F] [--smoke]`; `--smoke` (for CI): 20,000
candidates (three blocks of the chunked search), 500 queries, dimension 64, one search each.
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

from _report import goal_text, median

K = 20
TIME_GOAL = 1.25
"""Chunked search time at most this many times the full matrix's."""


def embeddings(count: int, dim: int, seed: int, duplicates: float = 0.0):
    """`count` random L2-normalised vectors; a fraction `duplicates` of them copies of others
    (real pools hold duplicate sentences), so that exact ties occur."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    matrix = torch.randn(count, dim, generator=generator)
    copies = int(count * duplicates)
    if copies:
        chosen = torch.randperm(count, generator=generator)[: 2 * copies]
        matrix[chosen[copies:]] = matrix[chosen[:copies]]
    return torch.nn.functional.normalize(matrix, dim=1).numpy()


def peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def resident_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        line = next(line for line in handle if line.startswith("VmRSS:"))
    return int(line.split()[1])


def child(method: str, folder: str, threads: int, repeats: int) -> None:
    """Search `repeats` times in this process; save the last result, print times and memory."""
    import numpy as np
    import torch

    torch.set_num_threads(threads)
    pool = np.load(os.path.join(folder, "candidates.npy"))
    asked = np.load(os.path.join(folder, "queries.npy"))
    before = resident_kib()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        if method == "chunked":
            from xtreme_harness.engine.search import top_k

            scores, indices = top_k(asked, pool, K)
        else:
            full = torch.from_numpy(asked) @ torch.from_numpy(pool).T
            scores, indices = torch.topk(full, K, dim=1)
            del full
        times.append(time.perf_counter() - started)
    np.save(os.path.join(folder, f"{method}-indices.npy"), indices.numpy())
    np.save(os.path.join(folder, f"{method}-scores.npy"), scores.numpy())
    print(json.dumps({"times": times, "extra_mib": (peak_kib() - before) / 1024}))


def compare(folder: str, tolerance: float) -> dict:
    """Compare the two methods' top K, tie-aware (see the module docstring).

    Returns counts of identical rows and of rows that differ only among ties, and the query rows
    that differ for real (with why)."""
    import numpy as np

    pool = np.load(os.path.join(folder, "candidates.npy"))
    asked = np.load(os.path.join(folder, "queries.npy"))
    got = {
        method: (
            np.load(os.path.join(folder, f"{method}-indices.npy")),
            np.load(os.path.join(folder, f"{method}-scores.npy")),
        )
        for method in ("chunked", "full")
    }
    (a, a_scores), (b, b_scores) = got["chunked"], got["full"]
    identical = np.all(a == b, axis=1)
    real: dict[int, str] = {}
    # the reported scores, rank by rank, on every row
    for row in np.nonzero(np.abs(a_scores - b_scores).max(axis=1) > tolerance)[0]:
        gap = float(np.abs(a_scores[row] - b_scores[row]).max())
        real[int(row)] = f"scores differ by up to {gap:.2e} at the same rank"
    for row in np.nonzero(~identical)[0]:
        row = int(row)
        query = asked[row].astype(np.float64)
        exact_a = pool[a[row]].astype(np.float64) @ query
        exact_b = pool[b[row]].astype(np.float64) @ query
        if np.abs(exact_a - exact_b).max() > tolerance:
            rank = int(np.argmax(np.abs(exact_a - exact_b)))
            real.setdefault(row, f"rank {rank + 1}: candidate {a[row][rank]} ({exact_a[rank]:.7f}) "
                                 f"against {b[row][rank]} ({exact_b[rank]:.7f})")  # fmt: skip
            continue
        only_a = ~np.isin(a[row], b[row])
        only_b = ~np.isin(b[row], a[row])
        for only, exact, other in ((only_a, exact_a, exact_b), (only_b, exact_b, exact_a)):
            if only.any() and np.abs(exact[only] - other.min()).max() > tolerance:
                real.setdefault(row, "a candidate found by one method only does not tie the "
                                     f"other's {K}th score")  # fmt: skip
    differing = set(np.nonzero(~identical)[0].tolist())
    return {
        "identical": len(a) - len(differing | set(real)),
        "ties": len(differing - set(real)),
        "real": real,
    }


def matmul_gflops(threads: int, size: int) -> float:
    import torch

    torch.set_num_threads(threads)
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - started)
    return 2 * size**3 / best / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3, help="searches per method (odd)")
    parser.add_argument("--tolerance", type=float, default=1e-5, help="scores tie within this")
    parser.add_argument(
        "--duplicates", type=float, default=0.01, help="fraction of candidates copying another"
    )
    parser.add_argument("--matmul-size", type=int, default=4096, help=argparse.SUPPRESS)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one search, for CI")
    parser.add_argument("--child", choices=("chunked", "full"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.folder, args.threads, args.repeats)
        return
    if args.smoke:
        args.candidates, args.queries, args.dim, args.repeats = 20_000, 500, 64, 1
        args.matmul_size = 1024
    import numpy as np

    with tempfile.TemporaryDirectory(prefix="xharness-retrieval-") as folder:
        candidates = embeddings(args.candidates, args.dim, 1, args.duplicates)
        np.save(os.path.join(folder, "candidates.npy"), candidates)
        np.save(os.path.join(folder, "queries.npy"), embeddings(args.queries, args.dim, 2))
        runs = {}
        for method in ("chunked", "full"):
            command = [sys.executable, __file__, "--child", method, "--folder", folder,
                       "--threads", str(args.threads), "--repeats", str(args.repeats)]  # fmt: skip
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            runs[method] = json.loads(output.strip().splitlines()[-1])
        same = compare(folder, args.tolerance)
    gflops = matmul_gflops(args.threads, args.matmul_size)
    work = 2 * args.queries * args.candidates * args.dim / 1e9
    best = {name: min(run["times"]) for name, run in runs.items()}
    print(f"{args.queries:,} queries x {args.candidates:,} candidates, dimension {args.dim}, "
          f"top {K}, {args.threads} threads; times: minimum of {args.repeats} searches "
          f"(median beside it)")  # fmt: skip
    for name, run in runs.items():
        print(f"  {name:8} {best[name]:7.2f} s (median {median(run['times']):.2f} s)   "
              f"peak memory +{run['extra_mib']:8.0f} MiB   "
              f"{work / best[name]:6.1f} GFLOP/s")  # fmt: skip
    ratio = best["chunked"] / best["full"]
    print(f"time: chunked / full = {ratio:.2f}x ({goal_text(ratio, TIME_GOAL, at_most=True)})")
    memory = runs["full"]["extra_mib"] / max(runs["chunked"]["extra_mib"], 1)
    print(f"peak memory: full / chunked = {memory:.1f}x")
    print(f"matrix-product throughput of this machine: {gflops:.1f} GFLOP/s "
          f"({args.matmul_size}^3, float32); chunked search achieves "
          f"{work / best['chunked'] / gflops:.0%} of it")  # fmt: skip
    real = same["real"]
    print(
        f"same top-{K} indices, up to ties within {args.tolerance:g}: {not real} "
        f"({same['identical']:,} rows identical, {same['ties']:,} differ only among tied "
        f"candidates, {len(real):,} differ)"
    )
    if real:
        shown = sorted(real)[:10]
        raise SystemExit(
            f"the chunked and the full search differ at query row(s) {', '.join(map(str, shown))}"
            + (f" and {len(real) - len(shown)} more" if len(real) > len(shown) else "")
            + ": "
            + "; ".join(f"row {row}: {real[row]}" for row in shown)
        )


if __name__ == "__main__":
    main()
