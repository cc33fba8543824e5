"""Extractive-QA decoding: the tensor n-best decoder against the plain loop over start/end pairs.

Both decode the same logits of the same windows (`best_spans` against `best_spans_loop` of
`xtreme_harness.engine.kinds.extractive_qa`; the loop is the reference scripts' algorithm) and must
pick the same span in every window (a correctness check: the script exits non-zero if they do not);
the script prints both times, the median (statistics.median) over `--rounds` rounds and the
minimum, and their ratio of medians beside the goal (the tensor decoder at least 5x faster than
the loop; printed as "meets goal" or "below goal", never asserted). It then times a whole
evaluation (encoding with windows, inference with a small random encoder, decoding) of XQuAD-like
questions and prints examples per second and the share of each part.

Run: `python perf/qa_postprocess.py [--windows N] [--examples N] [--rounds R] [--threads T]
[--smoke]`; `--smoke` (for CI): 300 windows, 20 questions, one round.
Windows are 384 tokens with a 64-token question part, as the reference recipe gives them.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time

from _report import goal_text, median

GOAL = 5.0
"""The tensor decoder at least this many times faster than the plain loop."""


def synthetic_windows(count: int, seed: int) -> tuple[list, list]:
    import torch

    from xtreme_harness.engine.kinds.base import Feature

    rng = random.Random(seed)
    generator = torch.Generator().manual_seed(seed)
    features, logits = [], []
    for _ in range(count):
        length = rng.choice([384] * 3 + [rng.randrange(120, 384)])
        question = rng.randrange(8, 64)
        base = question + 3
        context = length - base - 1
        maximal = (0, context)
        if rng.random() < 0.5:  # an overlapping window: its edges belong to its neighbours
            edge = rng.randrange(20, 60)
            maximal = (edge, context - edge)
        features.append(Feature([0] * length, 0, extra={"base": base, "offsets": [(0, 0)] * context,
                                                        "maximal": maximal}))  # fmt: skip
        logits.append(torch.randn(length, 2, generator=generator) * 3)
    return features, logits


def decoding(args: argparse.Namespace) -> None:
    from xtreme_harness.engine.kinds.extractive_qa import best_spans, best_spans_loop

    features, logits = synthetic_windows(args.windows, seed=1)
    best_spans(features[:10], logits[:10], 30)  # warm up
    fast_times, loop_times = [], []
    for _ in range(args.rounds):
        started = time.perf_counter()
        fast = best_spans(features, logits, 30)
        fast_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        slow = best_spans_loop(features, logits, 30)
        loop_times.append(time.perf_counter() - started)
    same = [(a, b) for _, a, b in fast] == [(a, b) for _, a, b in slow]
    fast_s, loop_s = median(fast_times), median(loop_times)
    print(f"n-best decoding of {args.windows} windows (384 tokens, n_best 20, max answer 30), "
          f"median (statistics.median) of {args.rounds} rounds, minimum beside it")  # fmt: skip
    print(f"  plain loop over start/end pairs {loop_s:8.3f} s  (min {min(loop_times):.3f} s; "
          f"{args.windows / loop_s:,.0f} /s)")  # fmt: skip
    print(f"  tensor decoder                  {fast_s:8.3f} s  (min {min(fast_times):.3f} s; "
          f"{args.windows / fast_s:,.0f} /s)")  # fmt: skip
    ratio = loop_s / fast_s
    print(f"  ratio loop / tensor: {ratio:.1f}x ({goal_text(ratio, GOAL)}); "
          f"same span in every window: {same}")  # fmt: skip
    if not same:
        raise SystemExit("the two decoders disagree")


def evaluation(args: argparse.Namespace) -> None:
    import torch

    from xtreme_harness.engine.device import place
    from xtreme_harness.engine.kinds import implementation
    from xtreme_harness.engine.models import load_model, load_tokenizer
    from xtreme_harness.engine.tiny_model import build_tiny_model
    from xtreme_harness.engine.trainer import predict
    from xtreme_harness.interfaces.task import Category, Recipe, TaskKind, TaskSpec

    rng = random.Random(2)
    words = [f"w{i}" for i in range(300)] + ["river", "city", "market", "school", "bridge"]
    examples = []
    for number in range(args.examples):
        context = " ".join(rng.choices(words, k=rng.randrange(80, 320)))
        start = rng.randrange(0, len(context) - 20)
        start = context.index(" ", start) + 1
        text = context[start:].split(" ")[0]
        question = "where is " + " ".join(rng.choices(words, k=6))
        answers = {"text": [text], "answer_start": [start]}
        examples.append({"id": str(number), "question": question, "context": context,
                         "answers": answers})  # fmt: skip
    recipe = Recipe(learning_rate=3e-5, epochs=1, max_length=384, batch_size=8, doc_stride=128,
                    max_query_length=64, max_answer_length=30)  # fmt: skip
    spec = TaskSpec(name="qa", title="QA", category=Category.QUESTION_ANSWERING,
                    kind=TaskKind.EXTRACTIVE_QA, languages=("en",), metric="squad",
                    recipe=recipe)  # fmt: skip
    kind = implementation(spec)
    with tempfile.TemporaryDirectory() as folder:
        texts = [t for e in examples[:200] for t in (e["question"], e["context"])]
        build_tiny_model(folder, texts, vocab_size=600, hidden_size=128, layers=2, heads=2,
                         max_length=512)  # fmt: skip
        tokenizer = load_tokenizer(folder)
        model = load_model(kind, folder)
    placement = place("cpu", "fp32")
    times = {}
    started = time.perf_counter()
    features = kind.encode(examples, tokenizer, recipe.max_length)
    times["encode"] = time.perf_counter() - started
    started = time.perf_counter()
    with torch.inference_mode():
        logits = predict(model, kind, features, placement=placement,
                         pad_id=tokenizer.pad_token_id, batch_size=32)  # fmt: skip
    times["inference"] = time.perf_counter() - started
    started = time.perf_counter()
    answers = kind.decode(examples, features, logits)
    times["decode"] = time.perf_counter() - started
    total = sum(times.values())
    assert all(answer in e["context"] for answer, e in zip(answers, examples, strict=True))
    print(f"evaluation of {args.examples} questions ({len(features)} windows; random encoder, "
          f"hidden 128, 2 layers, CPU, {torch.get_num_threads()} threads)")  # fmt: skip
    print(f"  {args.examples / total:,.0f} examples/s; " + ", ".join(
        f"{name} {seconds:.2f} s ({100 * seconds / total:.0f}%)" for name, seconds in times.items()
    ))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=5000)
    parser.add_argument("--examples", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of decoding (odd)")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one round, for CI")
    args = parser.parse_args()
    if args.smoke:
        args.windows, args.examples, args.rounds = 300, 20, 1
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    decoding(args)
    evaluation(args)


if __name__ == "__main__":
    main()
