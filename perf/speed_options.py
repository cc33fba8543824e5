"""What each speed option of the engine buys, each measured against its baseline in the same run.

Prints, each ratio beside its goal (nothing is asserted about a time):

  (1) attention: the engine's training time per update (`train`, a few updates) of the same
      model built with ``attn_implementation="eager"`` / with ``"sdpa"`` (PyTorch's scaled
      dot-product attention, transformers' default where the architecture has it; the engine
      records it as the result's ``attention``): goal >= 1.0x;
  (2) AdamW: `optimizer.step()` alone on the model's parameters, torch's default implementation
      (``foreach`` on CUDA, a loop over the parameters on the CPU) / ``fused=True`` (what the
      engine's `_optimizer` always builds): goal >= 2x; and a whole training run with each
      (the unfused one swapped in for `trainer._optimizer` with the engine's own parameter
      groups; no engine code changes): goal >= 1.0x;
  (3) torch.compile (`--compile`, `models.compiled`): training time per update, plain / compiled,
      steady (the compiled model's second and later calls of `train`): goal >= 1.0x; the compile
      time (the first call's extra time over a steady call) is printed with no goal. Inductor
      writes its cache to a fresh temporary folder, so the compile time is a cold compile's.
      Skipped, saying why, without a C compiler (`cc`), with `--no-compile`, and in `--smoke`
      (compiling this model takes a minute or more on 2 CPU cores, not seconds);
  (4) the tokenization cache (`Tokenized`, ``XHARNESS_CACHE``): `Classification.encode` of K
      XNLI-like sentence pairs with a fast tokenizer / reading the same features back with a fresh
      `Tokenized(folder=...)`, as a later stage does (the cache key's digest of the examples
      included; each timed call after a `gc.collect()`): goal >= 5x; the first call's time
      (tokenize and write) is printed too;
  (5) inference batches: `predict` with batches of at most `batch_size=32` inputs and no token
      budget (the old default) / its defaults (at most 256 inputs and 16,384 tokens a batch),
      both sorted by length: goal >= 1.0x; the padded / real tokens of each are printed too, and
      over 5,010 inputs (an XNLI test language; lengths only, nothing run).

Correctness checks (each failure makes the exit status non-zero): eager and SDPA attention give
the same logits (within 1e-4) from the same weights; one fused and one default AdamW step from
the same state agree (within 1e-6); the features read back from the cache equal freshly
tokenized ones; the two batchings' logits agree within 1e-4.

The model is a randomly initialised BERT-style encoder (4 layers, hidden 256, 4 heads, vocabulary
8,000) with a 3-label classification head, as perf/train_throughput.py uses; training and inference
inputs are random token ids with lengths drawn like XNLI pairs under a multilingual subword
tokenizer (log-normal, median 45 tokens, from 8 to 128). The texts tokenized in (4) are premise
and hypothesis pairs of random words of the bundled sample data (log-normal word counts: mean 21
and 10.5 words, as scripts/full_size_data.py draws XNLI), with a Unigram tokenizer trained on that
data as `xharness tiny-model` trains its own (`tiny_model.train_tokenizer`).

Every measurement runs in this process, (4) first (later, the objects a compiled model leaves
make garbage collection slow the JSON read-back 2 to 3 times), in `--repeats` interleaved rounds
(odd; the order of the configurations rotates from round to round); each ratio is the median
(statistics.median) of the rounds' ratios, printed with every round's value; times are medians
over rounds.

Run: `python perf/speed_options.py [--updates N] [--batch-size B] [--repeats R] [--threads T]
[--device cpu|cuda] [--no-compile] [--json] [--smoke]`. `--smoke` (for CI, seconds): 1 layer of
width 64, 2 updates of 8 inputs, 300 pairs tokenized, 64 inputs predicted, one round, no compile.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from _report import goal_text, median

FIXED_LENGTH = 128
"""The longest input (the reference scripts' max_seq_length)."""
LABELS = ("entailment", "neutral", "contradiction")
XNLI_TEST = 5_010
"""Test pairs of one XNLI language: (5) also prints the padding of batches of that many inputs."""

GOAL_SDPA = 1.0
"""(1): eager attention's time per update at least this many times SDPA's."""
GOAL_FUSED_STEP = 2.0
"""(2): the default AdamW step at least this many times the fused one's time."""
GOAL_FUSED_TRAIN = 1.0
"""(2): a whole training run with the default AdamW at least this many times the fused one's."""
GOAL_COMPILE = 1.0
"""(3): the plain model's steady time per update at least this many times the compiled one's."""
GOAL_CACHE = 5.0
"""(4): tokenizing at least this many times the time of reading the features back."""
GOAL_BUDGET = 1.0
"""(5): `predict` with 32 inputs a batch at least this many times the defaults' time."""

ATTENTION_TOLERANCE = 1e-4
ADAMW_TOLERANCE = 1e-6
PREDICT_TOLERANCE = 1e-4


@dataclass(frozen=True)
class Sizes:
    """Everything that sets how much work a run does."""

    layers: int
    hidden: int
    heads: int
    vocab: int
    batch_size: int
    updates: int
    optimizer_steps: int
    """`optimizer.step()` calls timed per round for (2)."""
    tokenize_examples: int
    tokenizer_vocab: int
    predict_examples: int


FULL = Sizes(layers=4, hidden=256, heads=4, vocab=8000, batch_size=32, updates=8,
             optimizer_steps=20, tokenize_examples=20_000, tokenizer_vocab=8000,
             predict_examples=1000)  # fmt: skip
SMOKE = Sizes(layers=1, hidden=64, heads=2, vocab=1000, batch_size=8, updates=2,
              optimizer_steps=3, tokenize_examples=300, tokenizer_vocab=3000,
              predict_examples=64)  # fmt: skip


# ----------------------------------------------------------------------------- model and data


def lengths(count: int, seed: int) -> list[int]:
    """XNLI-like input lengths in tokens: log-normal, median 45, from 8 to 128."""
    rng = random.Random(seed)
    return [max(8, min(FIXED_LENGTH, round(rng.lognormvariate(math.log(45), 0.45))))
            for _ in range(count)]  # fmt: skip


def build_model(sizes: Sizes, attention: str) -> Any:
    """The BERT-style classifier with `attention` (``sdpa`` or ``eager``), the same weights for
    the same sizes whatever the attention."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    from xtreme_harness.engine.models import attention_of

    torch.manual_seed(0)
    config = BertConfig(vocab_size=sizes.vocab, hidden_size=sizes.hidden,
                        num_hidden_layers=sizes.layers, num_attention_heads=sizes.heads,
                        intermediate_size=4 * sizes.hidden, num_labels=len(LABELS),
                        max_position_embeddings=FIXED_LENGTH,
                        attn_implementation=attention)  # fmt: skip
    model = BertForSequenceClassification(config)
    if attention_of(model) != attention:
        raise SystemExit(
            f"asked for {attention} attention, transformers chose {attention_of(model)}"
        )
    return model


def task(sizes: Sizes) -> tuple[Any, Any]:
    """The classification kind of an XNLI-like task and its recipe."""
    from xtreme_harness.engine.kinds.classification import Classification
    from xtreme_harness.interfaces.task import Category, Recipe, TaskKind, TaskSpec

    recipe = Recipe(learning_rate=2e-5, epochs=1, max_length=FIXED_LENGTH,
                    batch_size=sizes.batch_size)  # fmt: skip
    spec = TaskSpec(name="bench", title="bench", category=Category.CLASSIFICATION,
                    kind=TaskKind.CLASSIFICATION, languages=("en",), metric="accuracy",
                    labels=LABELS, recipe=recipe)  # fmt: skip
    return Classification(spec), recipe


def random_features(sizes: Sizes, count: int, seed: int) -> list[Any]:
    """`count` features of random token ids with XNLI-like lengths and random labels."""
    from xtreme_harness.engine.kinds.base import Feature

    rng = random.Random(seed)
    return [
        Feature(input_ids=[2] + [rng.randrange(5, sizes.vocab) for _ in range(n - 2)] + [3],
                example=i, label=rng.randrange(len(LABELS)))
        for i, n in enumerate(lengths(count, seed))
    ]  # fmt: skip


def text_examples(texts: Sequence[str], count: int, seed: int) -> list[dict[str, Any]]:
    """`count` XNLI-like pairs of random words of `texts` (premise mean 21 words, sd 10.5, at
    most 150; hypothesis mean 10.5, sd 4.5, at most 60: docs/performance.md's XNLI lengths)."""
    rng = random.Random(seed)
    words = [word for text in texts for word in text.split()]

    def draw(mean: float, sd: float, most: int) -> int:
        variance = math.log(1 + (sd / mean) ** 2)
        value = round(rng.lognormvariate(math.log(mean) - variance / 2, math.sqrt(variance)))
        return max(1, min(most, value))

    return [
        {"id": str(i), "text_a": " ".join(rng.choices(words, k=draw(21.0, 10.5, 150))),
         "text_b": " ".join(rng.choices(words, k=draw(10.5, 4.5, 60))),
         "label": rng.choice(LABELS)}
        for i in range(count)
    ]  # fmt: skip


# ------------------------------------------------------------------------------------ timing


def synchronize(device: str) -> None:
    """Wait for the device (a no-op on the CPU)."""
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize()


def unfused(engine_optimizer: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """A factory of the engine's AdamW (the parameter groups and settings `engine_optimizer`
    gives) with torch's default implementation instead of the fused one."""

    def build(model: Any, recipe: Any) -> Any:
        import torch

        fused = engine_optimizer(model, recipe)
        groups = [{"params": group["params"], "weight_decay": group["weight_decay"]}
                  for group in fused.param_groups]  # fmt: skip
        return torch.optim.AdamW(groups, lr=fused.defaults["lr"], eps=fused.defaults["eps"])

    return build


@contextlib.contextmanager
def optimizer_swapped(wrap: Callable[[Callable], Callable] | None) -> Iterator[None]:
    """`train` with its optimizer built by `wrap(the engine's factory)` (None: the engine's)."""
    from xtreme_harness.engine import trainer

    if wrap is None:
        yield
        return
    original = trainer._optimizer
    trainer._optimizer = wrap(original)
    try:
        yield
    finally:
        trainer._optimizer = original


class Bench:
    """The shared pieces of one run: task, features, placement, regularizer."""

    def __init__(self, args: argparse.Namespace, sizes: Sizes) -> None:
        from xtreme_harness.engine.device import place
        from xtreme_harness.plugin_host import PluginHost

        self.args = args
        self.sizes = sizes
        self.kind, self.recipe = task(sizes)
        self.features = random_features(sizes, sizes.updates * sizes.batch_size, seed=2)
        self.placement = place(args.device, "fp32")
        self.regularizer = PluginHost().get("regularizers", "none")()

    def train(
        self, model: Any, updates: int | None = None, optimizer: Callable | None = None
    ) -> float:
        """Seconds of one engine `train` of `updates` (default: the run's) on the same batches."""
        from xtreme_harness.engine.trainer import Schedule, train

        updates = updates or self.sizes.updates
        features = self.features[: updates * self.sizes.batch_size]
        with optimizer_swapped(optimizer):
            synchronize(self.args.device)
            started = time.perf_counter()
            report = train(model, self.kind, features,
                           schedule=Schedule(self.recipe, max_steps=updates),
                           regularizer=self.regularizer, placement=self.placement, seed=1,
                           pad_id=0, progress=False)  # fmt: skip
            synchronize(self.args.device)
            seconds = time.perf_counter() - started
        if report.updates != updates:
            raise SystemExit(f"train ran {report.updates} updates, not {updates}")
        return seconds


def rotated(names: Sequence[str], round_index: int) -> list[str]:
    """`names` starting at a different one each round, so no configuration always runs first."""
    shift = round_index % len(names)
    return list(names[shift:]) + list(names[:shift])


# ------------------------------------------------------------------------ the five measurements


def check_attention(sizes: Sizes, device: str, failures: list[str]) -> None:
    """Eager and SDPA attention: the same logits from the same weights on one padded batch."""
    import torch

    from xtreme_harness.engine.kinds.base import padded_inputs

    features = random_features(sizes, 16, seed=5)
    batch = {k: v.to(device) for k, v in padded_inputs(features, 0).items()}
    logits = {}
    for attention in ("sdpa", "eager"):
        model = build_model(sizes, attention).to(device).eval()
        with torch.inference_mode():
            logits[attention] = model(**batch).logits.float().cpu()
    difference = (logits["sdpa"] - logits["eager"]).abs().max().item()
    if difference > ATTENTION_TOLERANCE:
        failures.append(f"eager and sdpa logits differ by {difference:.2e} "
                        f"(> {ATTENTION_TOLERANCE:g})")  # fmt: skip


def optimizer_steps(bench: Bench, model: Any, failures: list[str]) -> dict[str, list[float]]:
    """Seconds per `optimizer.step()` of the fused and the default AdamW on `model`'s
    parameters (random gradients), per round; checks that one step of each agrees."""
    import torch

    parameters = [p for p in model.parameters() if p.requires_grad]
    generator = torch.Generator().manual_seed(3)
    gradients = [torch.randn(p.shape, generator=generator).to(p.device) * 1e-2 for p in parameters]

    # correctness: one step of each from copies of the same weights and gradients
    from xtreme_harness.engine import trainer

    factories = {"fused": trainer._optimizer, "default": unfused(trainer._optimizer)}
    copies = {}
    for name, factory in factories.items():
        clone = build_model(bench.sizes, "sdpa").to(bench.args.device)
        clone.load_state_dict(model.state_dict())
        for parameter, gradient in zip(
            (p for p in clone.parameters() if p.requires_grad), gradients, strict=True
        ):
            parameter.grad = gradient.clone()
        factory(clone, bench.recipe).step()
        copies[name] = [p.detach().cpu() for p in clone.parameters()]
    difference = max((a - b).abs().max().item()
                     for a, b in zip(copies["fused"], copies["default"], strict=True))  # fmt: skip
    if difference > ADAMW_TOLERANCE:
        failures.append(f"a fused and a default AdamW step differ by {difference:.2e} "
                        f"(> {ADAMW_TOLERANCE:g})")  # fmt: skip

    for parameter, gradient in zip(parameters, gradients, strict=True):
        parameter.grad = gradient
    optimizers = {name: factory(model, bench.recipe) for name, factory in factories.items()}
    for optimizer in optimizers.values():
        optimizer.step()  # the state (moments) made outside the timing
    times: dict[str, list[float]] = {name: [] for name in optimizers}
    for round_index in range(bench.args.repeats):
        for name in rotated(list(optimizers), round_index):
            synchronize(bench.args.device)
            started = time.perf_counter()
            for _ in range(bench.sizes.optimizer_steps):
                optimizers[name].step()
            synchronize(bench.args.device)
            times[name].append((time.perf_counter() - started) / bench.sizes.optimizer_steps)
    model.zero_grad(set_to_none=True)
    return times


def training_rounds(bench: Bench, compile_reason: str | None) -> dict[str, Any]:
    """(1), (2) whole runs and (3): rounds of engine `train` runs, interleaved: the default
    configuration (sdpa, fused AdamW, not compiled), eager attention, the default AdamW and,
    unless `compile_reason` says why not, the compiled model (after its first, compiling run)."""
    from xtreme_harness.engine.models import compiled

    models = {
        "default": build_model(bench.sizes, "sdpa"),
        "eager": build_model(bench.sizes, "eager"),
    }
    factories: dict[str, Any] = {"default": None, "eager": None, "unfused": unfused}
    for name in ("default", "eager"):  # untimed: first-call costs of the process and each model
        bench.train(models[name], updates=min(2, bench.sizes.updates))
    models["unfused"] = models["default"]  # the same model; only the optimizer differs
    first_compiled = None
    if compile_reason is None:
        models["compiled"] = compiled(build_model(bench.sizes, "sdpa"), True)
        factories["compiled"] = None
        first_compiled = bench.train(models["compiled"])
    times: dict[str, list[float]] = {name: [] for name in models}
    for round_index in range(bench.args.repeats):
        for name in rotated(list(models), round_index):
            times[name].append(bench.train(models[name], optimizer=factories[name]))
    return {"times": times, "first_compiled": first_compiled, "model": models["default"]}


def tokenization(sizes: Sizes, repeats: int, failures: list[str]) -> dict[str, Any]:
    """(4): seconds to tokenize the pairs, and to read their features back from the cache
    (a fresh `Tokenized` each time, as a later stage has), per round; the first call's seconds."""
    from xtreme_harness.engine.tiny_model import sample_texts, train_tokenizer
    from xtreme_harness.engine.tokenized import Tokenized

    kind, _ = task(sizes)
    texts = sample_texts()
    tokenizer = train_tokenizer(texts, "sentencepiece", sizes.tokenizer_vocab, FIXED_LENGTH)
    examples = text_examples(texts, sizes.tokenize_examples, seed=4)
    fresh = kind.encode(examples, tokenizer, FIXED_LENGTH)  # untimed: the tokenizer's first call
    with tempfile.TemporaryDirectory(prefix="xharness-speed-") as folder:
        started = time.perf_counter()
        first = Tokenized(folder=folder)
        first.encode(kind, examples, tokenizer, FIXED_LENGTH)
        first_seconds = time.perf_counter() - started
        times: dict[str, list[float]] = {"tokenize": [], "cache": []}
        differ = False
        for round_index in range(repeats):
            for name in rotated(list(times), round_index):
                cache = Tokenized(folder=folder)
                gc.collect()  # no garbage of the previous call left to collect in this one
                started = time.perf_counter()
                if name == "tokenize":
                    features = kind.encode(examples, tokenizer, FIXED_LENGTH)
                else:
                    features = cache.encode(kind, examples, tokenizer, FIXED_LENGTH)
                times[name].append(time.perf_counter() - started)
                if name == "cache" and cache.cached != 1:
                    failures.append("the second Tokenized.encode did not read the cache")
                differ = differ or features != fresh
                del features  # every round starts with the same objects alive
    if differ:
        failures.append("the features read back from the tokenization cache differ from "
                        "freshly tokenized ones")  # fmt: skip
    real = sum(f.length for f in fresh)
    return {"times": times, "first": first_seconds, "examples": len(examples),
            "tokens_per_pair": real / len(fresh), "tokenizer_vocab": len(tokenizer)}  # fmt: skip


def padding(features: Sequence[Any], batch_size: int, max_tokens: int | None) -> float:
    """Padded tokens / real tokens of `predict`'s batches."""
    from xtreme_harness.engine.batching import sorted_batches

    sizes = [f.length for f in features]
    batches = sorted_batches(sizes, batch_size, max_tokens)
    padded = sum(len(batch) * sizes[batch[0]] for batch in batches)
    return padded / sum(sizes)


def inference(bench: Bench, model: Any, failures: list[str]) -> dict[str, Any]:
    """(5): seconds of `predict` with its defaults and with 32 inputs a batch, per round."""
    import torch

    from xtreme_harness.engine.trainer import predict

    features = random_features(bench.sizes, bench.sizes.predict_examples, seed=6)
    settings = {"default": {}, "batch-32": {"batch_size": 32, "max_tokens": None}}
    predict(model, bench.kind, features[: bench.sizes.batch_size], placement=bench.placement,
            pad_id=0)  # untimed: the first call in eval mode  # fmt: skip
    times: dict[str, list[float]] = {name: [] for name in settings}
    logits: dict[str, Any] = {}
    for round_index in range(bench.args.repeats):
        for name in rotated(list(settings), round_index):
            started = time.perf_counter()
            outputs = predict(model, bench.kind, features, placement=bench.placement, pad_id=0,
                              **settings[name])  # fmt: skip
            times[name].append(time.perf_counter() - started)
            logits[name] = torch.stack(outputs)
    difference = (logits["default"] - logits["batch-32"]).abs().max().item()
    if difference > PREDICT_TOLERANCE:
        failures.append(f"predict's logits differ by {difference:.2e} between the two batchings "
                        f"(> {PREDICT_TOLERANCE:g})")  # fmt: skip
    test = random_features(bench.sizes, XNLI_TEST, seed=7)  # lengths only: nothing is run
    return {"times": times, "difference": difference,
            "padding": {"default": padding(features, 256, 16384),
                        "batch-32": padding(features, 32, None)},
            "padding_xnli_test": {"default": padding(test, 256, 16384),
                                  "batch-32": padding(test, 32, None)}}  # fmt: skip


# ---------------------------------------------------------------------------------- reporting


def ratios(slow: Sequence[float], fast: Sequence[float]) -> list[float]:
    """The rounds' ratios slow / fast."""
    return [a / b for a, b in zip(slow, fast, strict=True)]


def line(label: str, values: Sequence[float], goal: float | None, detail: str = "") -> str:
    """``label  1.23x  (goal >= 1x: meets goal; rounds: ...)`` and a detail."""
    value = median(values)
    rounds = ", ".join(f"{v:.2f}" for v in values)
    judged = f"{goal_text(value, goal)}; " if goal is not None else ""
    tail = f"   {detail}" if detail else ""
    return f"{label:<56} {value:6.2f}x  ({judged}rounds: {rounds}){tail}"


def compile_skip(args: argparse.Namespace) -> str | None:
    """Why (3) is skipped, or None."""
    if args.smoke:
        return ("skipped in --smoke: compiling this model takes a minute or more on 2 CPU "
                "cores; run without --smoke")  # fmt: skip
    if args.no_compile:
        return "skipped: --no-compile"
    if not args.device.startswith("cuda") and shutil.which("cc") is None:
        return "skipped: no C compiler (cc), which torch.compile needs on the CPU"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, help="updates per training run (default 8)")
    parser.add_argument("--batch-size", type=int, help="training batch size (default 32)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch threads (default 1: steadier timings; 0: torch's default)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="interleaved rounds (odd); ratios are medians over rounds",
    )
    parser.add_argument("--no-compile", action="store_true", help="skip (3), torch.compile")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny sizes, one round, no compile, for CI (seconds)")  # fmt: skip
    args = parser.parse_args()
    sizes = SMOKE if args.smoke else FULL
    if args.smoke:
        args.repeats = 1
    overrides = {"updates": args.updates, "batch_size": args.batch_size}
    sizes = Sizes(**{**asdict(sizes), **{k: v for k, v in overrides.items() if v}})
    if args.repeats < 1 or args.repeats % 2 == 0:
        parser.error("--repeats must be odd")
    reason = compile_skip(args)
    if reason is None:  # a cold compile: inductor's cache in a folder of this run's own
        inductor_cache = tempfile.mkdtemp(prefix="xharness-inductor-")
        os.environ["TORCHINDUCTOR_CACHE_DIR"] = inductor_cache

    import torch

    from xtreme_harness.engine.models import count_parameters

    if args.threads:
        torch.set_num_threads(args.threads)
    failures: list[str] = []
    started = time.perf_counter()
    # (4) first, while the process holds few Python objects: those of a compiled model leave
    # every later garbage collection more to scan, which slowed the JSON read-back 2 to 3 times
    tokens = tokenization(sizes, args.repeats, failures)
    check_attention(sizes, args.device, failures)
    bench = Bench(args, sizes)
    trained = training_rounds(bench, reason)
    model = trained["model"]
    steps = optimizer_steps(bench, model, failures)
    predicted = inference(bench, model, failures)
    if reason is None:
        shutil.rmtree(inductor_cache, ignore_errors=True)
    times = trained["times"]
    per_update = {name: median(values) / sizes.updates for name, values in times.items()}
    report: dict[str, Any] = {
        "device": args.device,
        "threads": torch.get_num_threads(),
        "sizes": asdict(sizes),
        "parameters": count_parameters(model),
        "repeats": args.repeats,
        "seconds_per_update": per_update,
        "attention": {"ratios_eager_to_sdpa": ratios(times["eager"], times["default"]),
                      "goal": GOAL_SDPA},
        "adamw": {
            "seconds_per_step": {name: median(v) for name, v in steps.items()},
            "ratios_step_default_to_fused": ratios(steps["default"], steps["fused"]),
            "goal_step": GOAL_FUSED_STEP,
            "ratios_training_default_to_fused": ratios(times["unfused"], times["default"]),
            "goal_training": GOAL_FUSED_TRAIN,
        },
        "compile": {"skipped": reason} if reason else {
            "compile_seconds": trained["first_compiled"] - median(times["compiled"]),
            "first_run_seconds": trained["first_compiled"],
            "ratios_plain_to_compiled": ratios(times["default"], times["compiled"]),
            "goal": GOAL_COMPILE,
        },
        "tokenization_cache": {
            "examples": tokens["examples"], "tokens_per_pair": tokens["tokens_per_pair"],
            "seconds": {name: median(v) for name, v in tokens["times"].items()},
            "first_call_seconds": tokens["first"],
            "ratios_tokenize_to_cache": ratios(tokens["times"]["tokenize"],
                                               tokens["times"]["cache"]),
            "goal": GOAL_CACHE,
        },
        "inference": {
            "examples": sizes.predict_examples,
            "seconds": {name: median(v) for name, v in predicted["times"].items()},
            "ratios_batch32_to_default": ratios(predicted["times"]["batch-32"],
                                                predicted["times"]["default"]),
            "padding_per_real_token": predicted["padding"],
            "padding_per_real_token_xnli_test": predicted["padding_xnli_test"],
            "max_logit_difference": predicted["difference"],
            "goal": GOAL_BUDGET,
        },
        "failures": failures,
        "seconds": time.perf_counter() - started,
    }  # fmt: skip
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        show(report, sizes, args)
    if failures:
        sys.exit(1)


def show(report: dict[str, Any], sizes: Sizes, args: argparse.Namespace) -> None:
    """The report as text: one line per option, its ratio beside its goal."""
    per_update = report["seconds_per_update"]
    print(f"BERT-style encoder, {sizes.layers} layers, hidden {sizes.hidden}, vocabulary "
          f"{sizes.vocab} ({report['parameters']:,} parameters); {sizes.updates} updates of "
          f"{sizes.batch_size} XNLI-like inputs per training run; {args.device}, "
          f"{report['threads']} torch thread(s); {report['repeats']} interleaved round(s): "
          f"medians of the rounds' ratios")  # fmt: skip
    attention = report["attention"]
    print(line("(1) attention: eager / sdpa, training time", attention["ratios_eager_to_sdpa"],
               GOAL_SDPA, f"sdpa {per_update['default']:.3f} s/update, "
               f"eager {per_update['eager']:.3f}"))  # fmt: skip
    adamw = report["adamw"]
    step = adamw["seconds_per_step"]
    default_kind = "foreach" if args.device.startswith("cuda") else "a per-parameter loop"
    print(
        line(
            f"(2) AdamW step: default ({default_kind}) / fused",
            adamw["ratios_step_default_to_fused"],
            GOAL_FUSED_STEP,
            f"fused {1000 * step['fused']:.2f} ms, default {1000 * step['default']:.2f} ms",
        )
    )
    print(line("    AdamW, whole training: default / fused",
               adamw["ratios_training_default_to_fused"], GOAL_FUSED_TRAIN,
               f"default {per_update['unfused']:.3f} s/update"))  # fmt: skip
    compiling = report["compile"]
    if "skipped" in compiling:
        print(f"(3) torch.compile: {compiling['skipped']}")
    else:
        print(
            line(
                "(3) torch.compile: plain / compiled, steady",
                compiling["ratios_plain_to_compiled"],
                GOAL_COMPILE,
                f"compiled {per_update['compiled']:.3f} s/update",
            )
        )
        print(
            f"    compile time (first run's extra time, cold cache): "
            f"{compiling['compile_seconds']:.1f} s (first run {compiling['first_run_seconds']:.1f}"
            f" s for {sizes.updates} updates; no goal)"
        )
    cache = report["tokenization_cache"]
    seconds = cache["seconds"]
    print(line(f"(4) tokenizing / cache read-back, {cache['examples']:,} pairs",
               cache["ratios_tokenize_to_cache"], GOAL_CACHE,
               f"tokenize {seconds['tokenize']:.3f} s, read back {seconds['cache']:.3f} s, "
               f"first call (tokenize + write) {cache['first_call_seconds']:.3f} s; "
               f"{cache['tokens_per_pair']:.1f} tokens a pair"))  # fmt: skip
    inference = report["inference"]
    seconds, padded = inference["seconds"], inference["padding_per_real_token"]
    test = inference["padding_per_real_token_xnli_test"]
    print(
        line(
            f"(5) predict: batch 32 / defaults, {inference['examples']:,} inputs",
            inference["ratios_batch32_to_default"],
            GOAL_BUDGET,
            f"defaults {seconds['default']:.3f} s, batch 32 {seconds['batch-32']:.3f} s; "
            f"padded/real tokens {padded['default']:.3f} and {padded['batch-32']:.3f} "
            f"({test['default']:.3f} and {test['batch-32']:.3f} over {XNLI_TEST:,} inputs)",
        )
    )
    if report["failures"]:
        for failure in report["failures"]:
            print(f"CORRECTNESS FAILURE: {failure}")
    else:
        print(f"correctness: eager = sdpa logits, fused = default AdamW step, cached = fresh "
              f"features, both batchings' logits (max difference "
              f"{inference['max_logit_difference']:.1e}): all agree")  # fmt: skip
    print(f"{report['seconds']:.1f} s in all")


if __name__ == "__main__":
    main()
