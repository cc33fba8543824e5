"""Dual-encoder training with each side at its own width, against both sides at one width.

A retrieval training batch stacks B queries and their B positives into one tensor of 2B rows (so
that regularizers perturb both sides through one interface); the engine's `DualEncoder` encodes
each side cut to its own width (the collate's ``side_widths``). This script trains the same
model on the same batches both ways, with the engine's `train`, and prints:

  - the token ratio: the tokens the encoder runs with one width / with each side's width, summed
    over the batches (lengths only): the most that cutting the padding can buy;
  - the time ratio: seconds per update with one width / with each side's width (medians over
    interleaved rounds, every round printed); goal: at least 90% of the token ratio (attention
    costs more than linearly in the width, so the time ratio may pass the token ratio);
  - a correctness check (exit status 1 on failure): the loss and embeddings of one batch, in
    evaluation mode, agree within 1e-5 between the two ways.

Lengths are LAReQA's training pairs as `scripts/full_size` draws SQuAD (its ``qa.question`` and
``qa.context`` word counts, measured in XQuAD's English questions and paragraphs: mean 10.35 and
123.85 words), at an assumed 1.3 subword tokens per word, plus the
special tokens: a query is the question (at most 96 tokens), a positive is the answer sentence
(assumed one fifth of its paragraph) with its paragraph (at most 256 tokens), the widths of
scripts/train_lareqa.sh of google-research/xtreme.

The model is a randomly initialised BERT-style encoder (4 layers, hidden 256, vocabulary 8,000)
with the pooler output, the LAReQA recipe's pooling.

Run: `python perf/retrieval_training.py [--updates N] [--batch-size B] [--repeats R]
[--device cpu|cuda] [--threads T] [--smoke]`; `--smoke` (for CI, seconds): 2 updates of 4 pairs,
one layer of width 64, one round.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

from _report import batch_tokens, goal_text, median, spread

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from full_size.sizes import Sizes  # the cited length distributions
from full_size.text import Length

TOKENS_PER_WORD = 1.3
"""Assumed subword tokens per English word."""
QUERY_WIDTH, CANDIDATE_WIDTH = 96, 256
VOCAB = 8000
GOAL_OF_TOKEN_RATIO = 0.9


def pair_lengths(count: int, seed: int) -> list[tuple[int, int]]:
    """(query tokens, positive tokens) of `count` LAReQA-like training pairs."""
    sizes = Sizes(1.0)
    questions, paragraphs = Length(sizes.length("qa.question")), Length(sizes.length("qa.context"))
    rng = random.Random(seed)
    pairs = []
    for _ in range(count):
        question = questions.draw(rng)
        paragraph = paragraphs.draw(rng)
        query = min(QUERY_WIDTH, round(question * TOKENS_PER_WORD) + 2)
        positive = min(CANDIDATE_WIDTH, round(paragraph * 1.2 * TOKENS_PER_WORD) + 3)
        pairs.append((query, positive))
    return pairs


def setup(args: argparse.Namespace) -> tuple[Any, Any, Any, list[Any]]:
    import torch
    from transformers import BertConfig, BertModel

    from xtreme_harness.engine.dual_encoder import DualEncoder
    from xtreme_harness.engine.kinds.base import Feature
    from xtreme_harness.engine.kinds.retrieval import Retrieval
    from xtreme_harness.interfaces.task import Category, Recipe, TaskKind, TaskSpec

    torch.manual_seed(0)
    config = BertConfig(vocab_size=VOCAB, hidden_size=args.hidden, num_hidden_layers=args.layers,
                        num_attention_heads=4, intermediate_size=4 * args.hidden,
                        max_position_embeddings=CANDIDATE_WIDTH)  # fmt: skip
    model = DualEncoder(BertModel(config), "pooler")
    recipe = Recipe(learning_rate=2e-5, epochs=1, max_length=CANDIDATE_WIDTH,
                    batch_size=args.batch_size, max_query_length=QUERY_WIDTH)  # fmt: skip
    spec = TaskSpec(name="bench", title="bench", category=Category.RETRIEVAL,
                    kind=TaskKind.RETRIEVAL, languages=("en",), metric="map@20", pool="shared",
                    recipe=recipe)  # fmt: skip
    rng = random.Random(1)

    def ids(n: int) -> list[int]:
        return [2] + [rng.randrange(5, VOCAB) for _ in range(n - 2)] + [3]

    features = [
        Feature(input_ids=[ids(q), ids(p)], example=i, label=0)
        for i, (q, p) in enumerate(pair_lengths(args.updates * args.batch_size, seed=2))
    ]
    return model, Retrieval(spec), recipe, features


class OneWidth:
    """The retrieval kind with its collate's ``side_widths`` removed: both sides at one width."""

    def __init__(self, kind: Any) -> None:
        self._kind = kind

    def __getattr__(self, name: str) -> Any:
        return getattr(self._kind, name)

    def collate(self, features: Any, pad_id: int) -> dict[str, Any]:
        batch = self._kind.collate(features, pad_id)
        batch.pop("side_widths", None)
        return batch


def seconds_per_update(args: argparse.Namespace, one_width: bool) -> float:
    from xtreme_harness.engine.device import place
    from xtreme_harness.engine.trainer import Schedule, train
    from xtreme_harness.plugin_host import PluginHost

    model, kind, recipe, features = setup(args)
    regularizer = PluginHost().get("regularizers", "none")()
    started = time.perf_counter()
    train(model, OneWidth(kind) if one_width else kind, features,
          schedule=Schedule(recipe, max_steps=args.updates), regularizer=regularizer,
          placement=place(args.device, "fp32"), seed=1, pad_id=0, progress=False)  # fmt: skip
    return (time.perf_counter() - started) / args.updates


def token_ratio(args: argparse.Namespace) -> float:
    """Tokens run with one width / with each side's width, over the batches `train` forms."""
    import torch

    from xtreme_harness.engine.batching import length_grouped_batches

    _, _, _, features = setup(args)
    generator = torch.Generator().manual_seed(1)
    batches = length_grouped_batches([f.length for f in features], args.batch_size, generator)
    queries = [len(f.input_ids[0]) for f in features]
    positives = [len(f.input_ids[1]) for f in features]
    one = 2 * batch_tokens([f.length for f in features], batches)  # both sides at the longer's
    return one / (batch_tokens(queries, batches) + batch_tokens(positives, batches))


def check(args: argparse.Namespace) -> str | None:
    """The two ways' loss and embeddings of one batch, in evaluation mode; None if they agree."""
    import torch

    model, kind, _, features = setup(args)
    model.eval()
    batch = kind.collate(features[: args.batch_size], 0)
    with torch.no_grad():
        own = model(**batch)
        one = model(**{k: v for k, v in batch.items() if k != "side_widths"})
    if torch.allclose(own.logits, one.logits, atol=1e-5) and torch.isclose(
        own.loss, one.loss, atol=1e-5
    ):
        return None
    return f"the two ways disagree: loss {float(one.loss):.6f} against {float(own.loss):.6f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=6)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=3, help="interleaved rounds (odd)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: its default)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one round, for CI")
    args = parser.parse_args()
    if args.smoke:
        args.updates, args.batch_size, args.layers, args.hidden, args.repeats = 2, 4, 1, 64, 1
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    failure = check(args)
    limit = token_ratio(args)
    rounds = []
    for index in range(args.repeats):  # interleaved, the order alternating
        order = (True, False) if index % 2 == 0 else (False, True)
        times = {one: seconds_per_update(args, one) for one in order}
        rounds.append(times[True] / times[False])
    ratio = median(rounds)
    print(
        f"{args.updates} updates of {args.batch_size} LAReQA-like pairs on {args.device}, "
        f"{args.layers} layers of width {args.hidden}, {args.repeats} interleaved rounds"
    )
    print(f"token ratio, one width / each side's width: {limit:.2f}x (the most it can buy)")
    goal = GOAL_OF_TOKEN_RATIO * limit
    print(f"time ratio, one width / each side's width: {ratio:.2f}x "
          f"({goal_text(ratio, round(goal, 2))}, 90% of the token ratio; rounds: "
          f"{spread(rounds)})")  # fmt: skip
    print("check: the two ways give the same loss and embeddings: " + (failure or "yes"))
    if failure:
        sys.exit(1)


if __name__ == "__main__":
    main()
