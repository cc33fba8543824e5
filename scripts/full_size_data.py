#!/usr/bin/env python3
"""Generate full-size synthetic data in the official XTREME-R download layout.

    python scripts/full_size_data.py --out DIR [--tasks xnli,pawsx,...] [--scale F] [--seed N]
    python scripts/full_size_data.py --table        # the sizes as markdown (docs/performance.md)

Writes, under DIR, the files that ``bash scripts/download_data.sh`` of google-research/xtreme
leaves in its download/ folder (the layout ``xharness run --source xtreme --data-dir DIR``
reads), with every split and language at its real size: the figures of
``scripts/full_size/sizes.json``, each with its source and whether a source confirms it. Texts
are random words of a pseudo-lexicon per language, with lengths drawn to match the real ones
where a source gives them (also in sizes.json). The output depends only on the seed and the
scale: the same arguments give the same bytes. Unlike the official download, test files keep
their gold labels, so that runs on them can be scored.

``--scale`` multiplies every count (rounded up, at least 1) to make proportionally smaller sets
for tests; 1.0 is the real size. ``--tasks`` takes task names (default: all); the SQuAD files
that XQuAD, MLQA, TyDiQA-GoldP and LAReQA use come with any of them (or alone: ``squad``).
Standard library only; the package ``full_size`` beside this script does the work.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from full_size.build import generate  # the package beside this script
from full_size.sizes import Sizes, size_table


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number above 0, got {text!r}")
    return value


def _report(name: str, files: dict[str, tuple[int, int]], seconds: float) -> None:
    examples = sum(n for n, _ in files.values())
    megabytes = sum(b for _, b in files.values()) / 1e6
    print(f"{name:8} {len(files):5} files {examples:11,} examples {megabytes:9.1f} MB "
          f"{seconds:7.1f} s", flush=True)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    names = Sizes().names
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="output folder (created if missing)")
    parser.add_argument(
        "--tasks",
        default=",".join(names),
        help=f"comma-separated names (default: all): {', '.join(names)}",
    )
    parser.add_argument(
        "--scale", type=_scale, default=1.0, help="multiply every count (default: 1.0)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    parser.add_argument(
        "--table", action="store_true", help="print the sizes as markdown tables and exit"
    )
    args = parser.parse_args(argv)
    if args.table:
        sys.stdout.write(size_table())
        return 0
    if args.out is None:
        parser.error("--out is required (the folder to write the data to)")
    if args.out.exists() and not args.out.is_dir():
        parser.error(f"--out {args.out} exists and is not a folder")
    tasks = [name.strip() for name in args.tasks.split(",") if name.strip()]
    unknown = [name for name in tasks if name not in names]
    if unknown or not tasks:
        parser.error(
            f"unknown task(s) {', '.join(map(repr, unknown)) or '(none given)'}; "
            f"choose from {', '.join(names)}"
        )
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        parser.error(f"cannot create --out {args.out}: {exc.strerror}")
    start = time.perf_counter()
    written = generate(args.out, tasks, args.scale, args.seed, report=_report)
    examples = sum(n for n, _ in written.values())
    megabytes = sum(b for _, b in written.values()) / 1e6
    print(f"{'total':8} {len(written):5} files {examples:11,} examples {megabytes:9.1f} MB "
          f"{time.perf_counter() - start:7.1f} s -> {args.out}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
