"""The engine against `transformers.Trainer`, at real model size, measured in the same run.

Compares, on the same model (a published configuration with random weights, built once by
`xharness random-model`'s function into a temporary folder, or `--model-dir`), the same data,
batch size and precision:

  (a) training examples/s: the engine's `train()` with its defaults (dynamic padding,
      length-grouped batches, AdamW, linear schedule, clipping, the plain regularizer) against
      `transformers.Trainer` set up as google-research/xtreme's `third_party/run_classify.py`
      trains XNLI: every input padded to max_length 128 (``padding="max_length"``), random
      batches, AdamW (the Trainer's default implementation, `adamw_torch_fused`), a linear
      schedule without warm-up, gradient clipping at 1.0 (goal: the engine >= 1.5x);
  (b) evaluation examples/s: the engine's `predict()` (inputs sorted by length, at most 256 inputs
      and 16,384 tokens a batch, its defaults) against `Trainer.predict` with inputs padded to
      128 and 128 inputs a batch (the same 16,384 tokens a batch); the goal of (a) is applied;
  (c) padding: padded tokens / real tokens of each, for training and evaluation batches, over
      `--padding-examples` XNLI-like inputs (real-size batching: the engine groups lengths in
      mega-batches of 50 batches) and over the batches measured (goal: the engine <= 1.10);
  (d) peak memory: the CPU's peak RSS of each configuration (each runs in a process of its own,
      training then evaluation; the RSS is the process's peak) and, on CUDA,
      `torch.cuda.max_memory_allocated` of training and of evaluation;
  (e) on a GPU only, the model FLOPs utilisation (MFU): the FLOPs the real (unpadded) tokens need
      per second, divided by the device's dense peak for the precision (goal: >= 35% in bf16 on
      an H100). FLOPs of one training example of l tokens: l * (6 N + 12 L l H), N the
      non-embedding parameters, L layers, H the hidden size: 6 N per token (Kaplan et al. 2020,
      "Scaling Laws for Neural Language Models", section 2.1: 2 N forward, twice that backward)
      plus 12 L T H per token for attention over T tokens (Chowdhery et al. 2022, "PaLM", appendix
      B: 6 N + 12 L H Q T, H heads of width Q); evaluation counts a third of it (the forward
      pass). mDeBERTa's disentangled attention costs more than the formula counts, so its MFU is a
      lower bound. The Trainer's utilisation with its padding counted is printed beside its MFU.

Without `accelerate` (which `transformers.Trainer` needs, and which the project does not install),
the baseline is the training and evaluation loops of `run_classify.py` themselves (a `DataLoader`
over inputs padded to 128, AdamW, linear schedule, clipping; evaluation under `no_grad`), and the
output says so; `--baseline` chooses.

Data (`--data`): ``lognormal`` (default) draws premise + hypothesis lengths like
perf/train_throughput.py (log-normal, median 45 tokens, from 8 to 128: XNLI pairs under a
multilingual subword tokenizer) and fills them with random token ids between the tokenizer's own
special tokens; ``full-size`` generates the XNLI training file with scripts/full_size_data.py,
reads it with the task's own reader and tokenizes it with the model's tokenizer (the random
models' tokenizers split its pseudo-words into about three pieces a word, so its lengths are
longer than real XNLI's: median about 110 tokens, a third cut at 128).

Timing: each configuration first runs `--warmup-steps` updates (and one evaluation batch) that
are not timed, then `--steps` updates over `--steps * --batch-size` examples (one pass over the
same examples for both), then evaluation over `--eval-examples` other examples (default: 5,010, an
XNLI test language, on a GPU; on the CPU as many as trained, a batch or two, so that the engine's
measured evaluation padding there is far above its real-size figure). `--repeats` rounds (odd)
run the two configurations interleaved, the first one alternating; each ratio is the median
(statistics.median) of the rounds' ratios, printed with every round's value. On the CPU the text
prints only ratios (absolute figures of a shared CPU mean little); on a GPU it adds examples/s,
tokens/s and memory; `--json` holds every figure. Nothing is asserted: each ratio is printed
beside its goal.

Run: `python perf/trainer_baseline.py [--model NAME | --model-dir DIR] [--steps N]
[--batch-size B] [--device auto|cpu|cuda] [--precision fp32|tf32|bf16] [--repeats R]
[--smoke]`. `--smoke` (for CI, seconds): xlm-roberta-base reduced to 1 layer of width 64
(`--layers 1 --hidden-size 64`, the full vocabulary), 2 steps of 8 examples, one round, no
warm-up, both configurations in this process (so their peak memory is shared).
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _report import batch_tokens, goal_text, median

REPO = Path(__file__).resolve().parent.parent
FIXED_LENGTH = 128
"""The reference scripts' max_seq_length: every input padded (and cut) to it."""
SEED = 1
MODELS = (
    "xlm-roberta-base",
    "bert-base-multilingual-cased",
    "xlm-roberta-large",
    "mdeberta-v3-base",
)
XNLI_TRAIN = 392_702
"""MultiNLI training pairs, the size of the XNLI training file (docs/performance.md)."""
XNLI_TEST = 5_010
"""XNLI test pairs per language: the evaluation set on a GPU (docs/performance.md)."""
LABELS = 3

GOAL_TRAIN = 1.5
"""(a): the engine's training examples/s at least this many times the Trainer's."""
GOAL_EVAL = 1.5
"""(b): the same goal for evaluation."""
GOAL_PADDING = 1.10
"""(c): the engine's padded tokens at most this many times the real tokens."""
GOAL_MFU = 35.0
"""(e): the engine's MFU in percent, in bf16 on an H100."""

PEAK_TFLOPS: dict[str, dict[str, float]] = {
    "H100 SXM": {"bf16": 989.4, "fp16": 989.4, "tf32": 494.7, "fp32": 66.9},
    "H100 PCIe": {"bf16": 756.5, "fp16": 756.5, "tf32": 378.0, "fp32": 51.0},
    "H200 SXM": {"bf16": 989.4, "fp16": 989.4, "tf32": 494.7, "fp32": 66.9},
    "A100": {"bf16": 312.0, "fp16": 312.0, "tf32": 156.0, "fp32": 19.5},
}
"""Dense (no sparsity) peak TFLOP/s by precision. NVIDIA H100 Tensor Core GPU datasheet: SXM
BF16/FP16 1,979 and TF32 989 with sparsity (half without: the H100 whitepaper's 989.4 and 494.7),
FP32 67 (whitepaper: 66.9); PCIe 1,513, 756 with sparsity, FP32 51. NVIDIA H200 datasheet: the
H200 SXM's compute is the H100 SXM's. NVIDIA A100 Tensor Core GPU datasheet: BF16/FP16 312, TF32
156, FP32 19.5 (SXM and PCIe alike). Other devices (H100 NVL, H200 NVL...): `--peak-tflops`."""


# ------------------------------------------------------------------------------------ the data


def draw_lengths(count: int, seed: int) -> list[int]:
    """XNLI-like premise + hypothesis lengths in tokens, as perf/train_throughput.py draws them."""
    rng = random.Random(seed)
    return [
        max(8, min(FIXED_LENGTH, round(rng.lognormvariate(math.log(45), 0.45))))
        for _ in range(count)
    ]


def synthetic_rows(tokenizer: Any, lengths: list[int], seed: int) -> list[dict[str, Any]]:
    """Sentence pairs of the given total lengths: random token ids (no special token) between the
    tokenizer's own special tokens, two thirds premise, a third hypothesis; random labels."""
    from xtreme_harness.engine.kinds.base import pair_layout

    layout = pair_layout(tokenizer)
    framing = len(layout.prefix) + len(layout.middle) + len(layout.suffix)
    specials = set(tokenizer.all_special_ids)
    size = len(tokenizer)
    low = min(size // 2, max(specials) + 1)
    rng = random.Random(seed)

    def token() -> int:
        while True:
            value = rng.randrange(low, size)
            if value not in specials:
                return value

    rows = []
    for length in lengths:
        body = max(2, length - framing)
        first = max(1, round(body * 2 / 3))
        ids, types = layout.build(
            [token() for _ in range(first)], [token() for _ in range(body - first)]
        )
        rows.append({"input_ids": ids, "token_type_ids": types, "label": rng.randrange(LABELS)})
    return rows


def full_size_rows(tokenizer: Any, count: int, work: Path) -> list[dict[str, Any]]:
    """The first `count` pairs of the XNLI training file that scripts/full_size_data.py writes,
    read by the task's reader and encoded by the engine (cut at 128 tokens)."""
    from xtreme_harness.engine.kinds.classification import Classification
    from xtreme_harness.plugin_host import PluginHost

    script = REPO / "scripts" / "full_size_data.py"
    if not script.exists():
        raise SystemExit(f"--data full-size needs {script}; use --data lognormal")
    out = work / "full-size"
    scale = min(1.0, (count + 1) / XNLI_TRAIN)
    subprocess.run(
        [
            sys.executable,
            str(script),
            "--out",
            str(out),
            "--tasks",
            "xnli",
            "--scale",
            f"{scale:.8f}",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    spec = PluginHost().get("tasks", "xnli")
    examples = spec.sources["xtreme"].read("train", "en", data_dir=str(out))[:count]
    if len(examples) < count:
        raise SystemExit(f"the generated XNLI training file has {len(examples)} pairs, not {count}")
    features = Classification(spec).encode(examples, tokenizer, FIXED_LENGTH)
    return [
        {"input_ids": f.input_ids, "token_type_ids": f.token_type_ids, "label": f.label}
        for f in features
    ]


def predict_defaults() -> tuple[int, int | None]:
    """The engine's evaluation batch limits: `predict`'s own defaults (inputs, tokens)."""
    from xtreme_harness.engine.trainer import predict

    parameters = inspect.signature(predict).parameters
    return parameters["batch_size"].default, parameters["max_tokens"].default


def padding(lengths: list[int], batch_size: int) -> dict[str, float]:
    """Padded tokens / real tokens of the engine's training and evaluation batches and of inputs
    padded to 128, over `lengths`."""
    import torch

    from xtreme_harness.engine.batching import length_grouped_batches, sorted_batches

    real = sum(lengths)
    generator = torch.Generator().manual_seed(SEED)
    grouped = length_grouped_batches(lengths, batch_size, generator)
    inputs, tokens = predict_defaults()
    ordered = sorted_batches(lengths, inputs, tokens)
    return {
        "engine_train": batch_tokens(lengths, grouped) / real,
        "engine_eval": batch_tokens(lengths, ordered) / real,
        "fixed_128": FIXED_LENGTH * len(lengths) / real,
    }


def eval_default(args: argparse.Namespace) -> int:
    """Examples evaluated: an XNLI test language's 5,010 on a GPU; on the CPU as many as are
    trained (a few batches, so the engine's evaluation padding is then far from its real-size
    figure)."""
    if args.device.startswith("cuda"):
        return XNLI_TEST
    return args.steps * args.batch_size * args.accumulation


def prepare(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """The model folder and the data, written once into `work` for every configuration."""
    from transformers import AutoTokenizer

    from xtreme_harness.engine.models import quiet_transformers

    if args.model_dir:
        model_dir, built = args.model_dir, None
    else:
        from xtreme_harness.engine.random_model import build_random_model

        model_dir = str(work / "model")
        built = build_random_model(
            model_dir, args.model, layers=args.layers, hidden_size=args.hidden_size
        )
    with quiet_transformers():
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
    per_step = args.batch_size * args.accumulation
    sizes = {
        "warmup": args.warmup_steps * per_step,
        "train": args.steps * per_step,
        "eval": args.eval_examples or eval_default(args),
    }
    needed = sum(sizes.values())
    if args.data == "full-size":
        pool = full_size_rows(tokenizer, max(needed, args.padding_examples), work)
        rows, sample = pool[:needed], [len(row["input_ids"]) for row in pool]
        sample = sample[: args.padding_examples]
    else:
        rows = synthetic_rows(tokenizer, draw_lengths(needed, seed=2), seed=3)
        sample = draw_lengths(args.padding_examples, seed=4)
    parts, start = {}, 0
    for name, size in sizes.items():
        parts[name] = rows[start : start + size]
        start += size
    data = {"pad_id": tokenizer.pad_token_id, **parts}
    (work / "data.json").write_text(json.dumps(data), encoding="utf-8")
    return {
        "model_dir": model_dir,
        "built": built,
        "data": str(work / "data.json"),
        "sizes": sizes,
        "sample_median": median(sample),
        "sample_cut": sum(length >= FIXED_LENGTH for length in sample) / len(sample),
        "padding": padding(sample, args.batch_size),
        "padding_examples": len(sample),
    }


# ------------------------------------------------------------------------ one configuration


def memory_mib() -> float:
    """This process's peak resident memory, MiB (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def synchronize(device: str) -> None:
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize()


def model_shape(model: Any) -> dict[str, int]:
    """Parameters, those outside the embeddings (Kaplan et al.'s N), layers and hidden size."""
    total = sum(p.numel() for p in model.parameters())
    outside = sum(p.numel() for n, p in model.named_parameters() if "embeddings" not in n)
    config = model.config
    return {
        "parameters": total,
        "non_embedding_parameters": outside,
        "layers": config.num_hidden_layers,
        "hidden_size": config.hidden_size,
    }


def token_sums(rows: list[dict[str, Any]]) -> dict[str, int]:
    lengths = [len(row["input_ids"]) for row in rows]
    return {"tokens": sum(lengths), "tokens_sq": sum(n * n for n in lengths)}


def run_engine(options: dict[str, Any], data: dict[str, Any], placement: Any) -> dict[str, Any]:
    """The engine's `train` and `predict` with their defaults."""
    import torch

    from xtreme_harness.engine.batching import length_grouped_batches, sorted_batches
    from xtreme_harness.engine.kinds.base import Feature
    from xtreme_harness.engine.kinds.classification import Classification
    from xtreme_harness.engine.models import load_model
    from xtreme_harness.engine.trainer import Schedule, predict, train
    from xtreme_harness.plugin_host import PluginHost

    host = PluginHost()
    spec = host.get("tasks", "xnli")
    recipe = dataclasses.replace(
        spec.recipe,
        batch_size=options["batch_size"],
        gradient_accumulation=options["accumulation"],
        selection="last",
        eval_steps=None,
    )
    kind = Classification(spec, recipe)
    torch.manual_seed(0)
    model = load_model(kind, options["model_dir"])
    regularizer = host.get("regularizers", "none")()
    pad_id = data["pad_id"]

    def features(rows: list[dict[str, Any]], labels: bool = True) -> list[Feature]:
        return [
            Feature(
                input_ids=row["input_ids"],
                example=i,
                label=row["label"] if labels else None,
                token_type_ids=row["token_type_ids"],
            )
            for i, row in enumerate(rows)
        ]

    def fit(rows: list[dict[str, Any]], steps: int) -> None:
        train(
            model,
            kind,
            features(rows),
            schedule=Schedule(recipe, max_steps=steps),
            regularizer=regularizer,
            placement=placement,
            seed=SEED,
            pad_id=pad_id,
            progress=False,
        )

    if options["warmup_steps"]:
        fit(data["warmup"], options["warmup_steps"])
    synchronize(placement.device)
    started = time.perf_counter()
    fit(data["train"], options["steps"])
    synchronize(placement.device)
    train_seconds = time.perf_counter() - started
    result = {"train_seconds": train_seconds, **memory_after_training(placement.device)}
    evaluation = features(data["eval"], labels=False)
    if options["warmup_steps"]:
        predict(
            model, kind, evaluation[: options["batch_size"]], placement=placement, pad_id=pad_id
        )
    synchronize(placement.device)
    started = time.perf_counter()
    predict(model, kind, evaluation, placement=placement, pad_id=pad_id)
    synchronize(placement.device)
    result["eval_seconds"] = time.perf_counter() - started
    lengths = [len(row["input_ids"]) for row in data["train"]]
    generator = torch.Generator().manual_seed(SEED)  # the batches `train` drew
    result["train_padded_tokens"] = batch_tokens(
        lengths, length_grouped_batches(lengths, options["batch_size"], generator)
    )
    lengths = [len(row["input_ids"]) for row in data["eval"]]
    result["eval_padded_tokens"] = batch_tokens(
        lengths, sorted_batches(lengths, *predict_defaults())
    )
    result["setup"] = "xtreme_harness.engine.trainer train() and predict(), their defaults"
    return {**result, **model_shape(model)}


def memory_after_training(device: str) -> dict[str, float]:
    """Peak memory so far; on CUDA, resets the peak so that evaluation's is its own."""
    import torch

    result = {"peak_rss_train_mib": memory_mib()}
    if device.startswith("cuda"):
        result["peak_cuda_train_mib"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
        torch.cuda.reset_peak_memory_stats()
    return result


def padded_examples(rows: list[dict[str, Any]], pad_id: int, labels: bool) -> list[dict]:
    """Inputs as `tokenizer(..., padding="max_length", max_length=128)` returns them, as tensors
    (run_classify.py builds a TensorDataset of them)."""
    import torch

    examples = []
    for row in rows:
        ids = row["input_ids"]
        gap = FIXED_LENGTH - len(ids)
        example = {
            "input_ids": torch.tensor(ids + [pad_id] * gap),
            "attention_mask": torch.tensor([1] * len(ids) + [0] * gap),
        }
        if row["token_type_ids"] is not None:
            example["token_type_ids"] = torch.tensor(row["token_type_ids"] + [0] * gap)
        if labels:
            example["labels"] = torch.tensor(row["label"])
        examples.append(example)
    return examples


def run_trainer(options: dict[str, Any], data: dict[str, Any], placement: Any) -> dict[str, Any]:
    """`transformers.Trainer` as run_classify.py trains: inputs padded to 128, random batches,
    AdamW, linear schedule without warm-up, clipping at 1.0, no evaluation or saving between."""
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        PrinterCallback,
        Trainer,
        TrainingArguments,
        default_data_collator,
    )

    from xtreme_harness.engine.models import quiet_transformers
    from xtreme_harness.plugin_host import PluginHost

    recipe = PluginHost().get("tasks", "xnli").recipe
    pad_id = data["pad_id"]
    torch.manual_seed(0)
    with quiet_transformers():
        model = AutoModelForSequenceClassification.from_pretrained(
            options["model_dir"], num_labels=LABELS
        )

    def arguments(steps: int) -> Any:
        return TrainingArguments(
            output_dir=os.path.join(options["work"], "trainer"),
            per_device_train_batch_size=options["batch_size"],
            per_device_eval_batch_size=options["eval_batch_size"],
            gradient_accumulation_steps=options["accumulation"],
            learning_rate=recipe.learning_rate,
            weight_decay=recipe.weight_decay,
            adam_epsilon=1e-8,
            max_grad_norm=recipe.max_grad_norm,
            lr_scheduler_type="linear",
            warmup_steps=0,
            max_steps=steps,
            seed=SEED,
            bf16=placement.precision == "bf16",
            fp16=placement.precision == "fp16",
            use_cpu=not placement.is_cuda,
            logging_strategy="no",
            save_strategy="no",
            eval_strategy="no",
            report_to="none",
            disable_tqdm=True,
        )

    def trainer(rows: list[dict[str, Any]], steps: int) -> Any:
        with quiet_transformers():
            built = Trainer(
                model=model,
                args=arguments(steps),
                data_collator=default_data_collator,
                train_dataset=padded_examples(rows, pad_id, labels=True),
            )
        built.remove_callback(PrinterCallback)  # it prints the final metrics to stdout
        return built

    if options["warmup_steps"]:
        trainer(data["warmup"], options["warmup_steps"]).train()
    timed = trainer(data["train"], options["steps"])
    synchronize(placement.device)
    started = time.perf_counter()
    timed.train()
    synchronize(placement.device)
    result = {
        "train_seconds": time.perf_counter() - started,
        **memory_after_training(placement.device),
    }
    evaluation = padded_examples(data["eval"], pad_id, labels=False)
    if options["warmup_steps"]:
        timed.predict(evaluation[: options["batch_size"]])
    synchronize(placement.device)
    started = time.perf_counter()
    timed.predict(evaluation)
    synchronize(placement.device)
    result["eval_seconds"] = time.perf_counter() - started
    result["train_padded_tokens"] = FIXED_LENGTH * len(data["train"])
    result["eval_padded_tokens"] = FIXED_LENGTH * len(data["eval"])
    result["setup"] = (
        f"transformers.Trainer ({timed.args.optim.value}, inputs padded to 128, "
        f"{options['eval_batch_size']} inputs an evaluation batch)"
    )
    return {**result, **model_shape(model)}


def run_reference_loop(
    options: dict[str, Any], data: dict[str, Any], placement: Any
) -> dict[str, Any]:
    """run_classify.py's own `train` and `evaluate` loops (inputs padded to 128)."""
    import torch
    from torch.utils.data import DataLoader, RandomSampler, SequentialSampler
    from transformers import AutoModelForSequenceClassification, get_linear_schedule_with_warmup

    from xtreme_harness.engine.models import quiet_transformers
    from xtreme_harness.plugin_host import PluginHost

    recipe = PluginHost().get("tasks", "xnli").recipe
    device, pad_id = placement.device, data["pad_id"]
    torch.manual_seed(0)
    with quiet_transformers():
        model = AutoModelForSequenceClassification.from_pretrained(
            options["model_dir"], num_labels=LABELS
        ).to(device)

    def collate(examples: list[dict]) -> dict:
        return {key: torch.stack([e[key] for e in examples]) for key in examples[0]}

    def fit(rows: list[dict[str, Any]], steps: int) -> None:
        examples = padded_examples(rows, pad_id, labels=True)
        generator = torch.Generator().manual_seed(SEED)
        loader = DataLoader(
            examples,
            sampler=RandomSampler(examples, generator=generator),
            batch_size=options["batch_size"],
            collate_fn=collate,
        )
        no_decay = ("bias", "LayerNorm.weight")
        groups = [
            {
                "params": [
                    p for n, p in model.named_parameters() if not any(nd in n for nd in no_decay)
                ],
                "weight_decay": recipe.weight_decay,
            },
            {
                "params": [
                    p for n, p in model.named_parameters() if any(nd in n for nd in no_decay)
                ],
                "weight_decay": 0.0,
            },
        ]
        optimizer = torch.optim.AdamW(groups, lr=recipe.learning_rate, eps=1e-8)
        scheduler = get_linear_schedule_with_warmup(optimizer, 0, steps)
        model.zero_grad()
        model.train()
        for step, batch in enumerate(loader):
            batch = {key: value.to(device) for key, value in batch.items()}
            with placement.autocast():
                loss = model(**batch).loss / options["accumulation"]
            loss.backward()
            loss.item()  # run_classify.py: tr_loss += loss.item()
            if (step + 1) % options["accumulation"] == 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), recipe.max_grad_norm)
                optimizer.step()
                scheduler.step()
                model.zero_grad()

    def evaluate(rows: list[dict[str, Any]]) -> None:
        examples = padded_examples(rows, pad_id, labels=False)
        loader = DataLoader(
            examples,
            sampler=SequentialSampler(examples),
            batch_size=options["eval_batch_size"],
            collate_fn=collate,
        )
        model.eval()
        with torch.no_grad():
            for batch in loader:
                batch = {key: value.to(device) for key, value in batch.items()}
                with placement.autocast():
                    model(**batch).logits.detach().cpu()

    if options["warmup_steps"]:
        fit(data["warmup"], options["warmup_steps"])
    synchronize(device)
    started = time.perf_counter()
    fit(data["train"], options["steps"])
    synchronize(device)
    result = {"train_seconds": time.perf_counter() - started, **memory_after_training(device)}
    if options["warmup_steps"]:
        evaluate(data["eval"][: options["batch_size"]])
    synchronize(device)
    started = time.perf_counter()
    evaluate(data["eval"])
    synchronize(device)
    result["eval_seconds"] = time.perf_counter() - started
    result["train_padded_tokens"] = FIXED_LENGTH * len(data["train"])
    result["eval_padded_tokens"] = FIXED_LENGTH * len(data["eval"])
    result["setup"] = (
        "run_classify.py's loops (torch AdamW, inputs padded to 128, "
        f"{options['eval_batch_size']} inputs an evaluation batch)"
    )
    return {**result, **model_shape(model)}


def child(options: dict[str, Any]) -> dict[str, Any]:
    """Measure one configuration: ``engine`` or the baseline."""
    import torch

    from xtreme_harness.engine.device import place

    if options["threads"]:
        torch.set_num_threads(options["threads"])
    placement = place(options["device"], options["precision"])
    data = json.loads(Path(options["data"]).read_text(encoding="utf-8"))
    run = {"engine": run_engine, "trainer": run_trainer, "reference-loop": run_reference_loop}
    result = run[options["system"]](options, data, placement)
    result["peak_rss_mib"] = memory_mib()
    if placement.is_cuda:
        result["peak_cuda_eval_mib"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
        result["device_name"] = torch.cuda.get_device_name(placement.device)
    result.update(
        precision=placement.precision, note=placement.note, threads=torch.get_num_threads()
    )
    for split in ("train", "eval"):
        sums = token_sums(data[split])
        result[f"{split}_examples"] = len(data[split])
        result[f"{split}_tokens"] = sums["tokens"]
        result[f"{split}_tokens_sq"] = sums["tokens_sq"]
    return result


def measure(system: str, args: argparse.Namespace, prepared: dict[str, Any]) -> dict[str, Any]:
    """One configuration in a fresh interpreter, so that its peak memory is its own (with
    `--smoke` in this process, to save the imports: the memory is then shared)."""
    options = {
        "system": system,
        "model_dir": prepared["model_dir"],
        "data": prepared["data"],
        "work": str(Path(prepared["data"]).parent),
        "device": args.device,
        "precision": args.precision,
        "steps": args.steps,
        "batch_size": args.batch_size,
        "accumulation": args.accumulation,
        "warmup_steps": args.warmup_steps,
        "eval_batch_size": args.eval_batch_size,
        "threads": args.threads,
    }
    if args.smoke:
        return child(options)
    done = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(options)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"measuring {system} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------- the report


def baseline_name(choice: str) -> str:
    """``trainer`` where `accelerate` (which `transformers.Trainer` needs) is installed."""
    if choice != "auto":
        return choice
    try:
        import accelerate  # noqa: F401
    except ImportError:
        return "reference-loop"
    return "trainer"


def peak_tflops(device_name: str, precision: str, given: float | None) -> tuple[float | None, str]:
    """The device's dense peak for `precision` (`--peak-tflops` first) and where it comes from."""
    if given:
        return given, "--peak-tflops"
    name = device_name.upper()
    if "NVL" in name:
        key = None
    elif "H100" in name:
        key = "H100 PCIe" if "PCIE" in name else "H100 SXM"
    elif "H200" in name:
        key = "H200 SXM"
    elif "A100" in name:
        key = "A100"
    else:
        key = None
    if key is None:
        return None, f"no peak known for {device_name}; pass --peak-tflops"
    return PEAK_TFLOPS[key].get(precision), f"{key} {precision} dense"


def flops(row: dict[str, Any], split: str, padded: bool = False) -> float:
    """Model FLOPs of a configuration's `split` (training: 6 N + 12 L T H per token; evaluation:
    a third); `padded`: every input counted at 128 tokens (the hardware's work)."""
    n, layers, hidden = row["non_embedding_parameters"], row["layers"], row["hidden_size"]
    if padded:
        tokens = row[f"{split}_examples"] * FIXED_LENGTH
        squares = row[f"{split}_examples"] * FIXED_LENGTH**2
    else:
        tokens, squares = row[f"{split}_tokens"], row[f"{split}_tokens_sq"]
    total = 6 * n * tokens + 12 * layers * hidden * squares
    return total if split == "train" else total / 3


def summarize(rounds: list[dict[str, dict[str, Any]]], baseline: str) -> dict[str, Any]:
    """Medians over rounds of speeds and of ratios; peaks of memory."""
    summary: dict[str, Any] = {}
    for system in ("engine", baseline):
        rows = [r[system] for r in rounds]
        first = rows[0]
        entry = {key: first[key] for key in first if not key.endswith(("_seconds", "_mib"))}
        for split in ("train", "eval"):
            seconds = median([row[f"{split}_seconds"] for row in rows])
            entry[f"{split}_seconds"] = seconds
            entry[f"{split}_examples_per_s"] = first[f"{split}_examples"] / seconds
            entry[f"{split}_tokens_per_s"] = first[f"{split}_tokens"] / seconds
        for key in first:
            if key.endswith("_mib"):
                entry[key] = max(row[key] for row in rows)
        summary[system] = entry
    for split in ("train", "eval"):
        ratios = [r[baseline][f"{split}_seconds"] / r["engine"][f"{split}_seconds"] for r in rounds]
        summary[f"{split}_ratio"] = median(ratios)
        summary[f"{split}_ratios"] = ratios
    return summary


def describe_model(args: argparse.Namespace, prepared: dict[str, Any], row: dict) -> str:
    built = prepared["built"]
    if built is None:
        what = f"{args.model_dir}"
    else:
        reduced = built["reduced"]
        shape = (
            "reduced: " + ", ".join(f"{k} {v}" for k, v in sorted(reduced.items()))
            if reduced
            else "every shape as published"
        )
        what = f"{built['configuration']} with random weights ({shape})"
    return (
        f"{what}; {row['parameters']:,} parameters, {row['non_embedding_parameters']:,} "
        f"outside the embeddings"
    )


def report(
    args: argparse.Namespace, prepared: dict[str, Any], summary: dict[str, Any], baseline: str
) -> None:
    engine, base = summary["engine"], summary[baseline]
    cuda = args.device.startswith("cuda") or engine.get("device_name") is not None
    name = "Trainer" if baseline == "trainer" else "reference loop"
    sizes = prepared["sizes"]
    print(f"model: {describe_model(args, prepared, engine)}")
    device = engine.get("device_name") or f"cpu, {engine['threads']} thread(s)"
    note = f" ({engine['note']})" if engine["note"] else ""
    print(f"device: {device}; precision {engine['precision']}{note}")
    data = (
        "XNLI training file of scripts/full_size_data.py, the model's tokenizer"
        if args.data == "full-size"
        else "log-normal XNLI-like lengths"
    )
    print(
        f"data: {data} (median {prepared['sample_median']:g} tokens, "
        f"{prepared['sample_cut']:.1%} at 128); {args.steps} steps of {args.batch_size} x "
        f"{args.accumulation} ({sizes['train']} examples, after {args.warmup_steps} warm-up "
        f"steps), evaluation of {sizes['eval']} other examples"
    )
    print(f"engine:   {engine['setup']}")
    print(f"baseline: {base['setup']}")
    if baseline == "reference-loop" and args.baseline == "auto":
        print("          (transformers.Trainer needs accelerate, which is not installed here)")
    shared = " (smoke: one shared process)" if args.smoke else ""
    print(f"{args.repeats} interleaved round(s): medians of the rounds' ratios{shared}")
    for split, label, goal in (
        ("train", "training  ", GOAL_TRAIN),
        ("eval", "evaluation", GOAL_EVAL),
    ):
        ratio = summary[f"{split}_ratio"]
        spread = ", ".join(f"{r:.2f}" for r in summary[f"{split}_ratios"])
        print(
            f"(a/b) {label} engine / {name} examples/s: {ratio:.2f}x  "
            f"({goal_text(ratio, goal)}; "
            f"rounds: {spread})"
        )
    pad = prepared["padding"]
    print(
        f"(c) padding, padded / real tokens, over {prepared['padding_examples']:,} inputs "
        f"batched as at real size:"
    )
    for split, label in (("train", "training  "), ("eval", "evaluation")):
        mine = pad[f"engine_{split}"]
        measured_engine = engine[f"{split}_padded_tokens"] / engine[f"{split}_tokens"]
        measured_base = base[f"{split}_padded_tokens"] / base[f"{split}_tokens"]
        print(
            f"    {label} engine {mine:.3f} "
            f"({goal_text(mine, GOAL_PADDING, at_most=True)}), padded to 128 "
            f"{pad['fixed_128']:.3f} ({goal_text(pad['fixed_128'], GOAL_PADDING, at_most=True)});"
            f" batches measured: engine {measured_engine:.3f}, {name} {measured_base:.3f}"
        )
    rss = engine["peak_rss_mib"] / base["peak_rss_mib"]
    memory = f"(d) peak memory engine / {name}: CPU RSS {rss:.2f}x"
    if cuda:
        for split in ("train", "eval"):
            ratio = engine[f"peak_cuda_{split}_mib"] / base[f"peak_cuda_{split}_mib"]
            memory += f", CUDA {split} {ratio:.2f}x"
    print(f"{memory} (no goal set){shared}")
    if not cuda:
        print("(e) MFU: only on a GPU")
        return
    for label, row in (("engine", engine), (name, base)):
        cuda_text = ", ".join(
            f"CUDA {s} {row[f'peak_cuda_{s}_mib']:.0f} MiB" for s in ("train", "eval")
        )
        print(
            f"    {label:<14} train {row['train_examples_per_s']:8.1f} examples/s "
            f"{row['train_tokens_per_s']:10.0f} real tokens/s; eval "
            f"{row['eval_examples_per_s']:8.1f} examples/s; RSS {row['peak_rss_mib']:.0f} MiB, "
            f"{cuda_text}"
        )
    peak, source = peak_tflops(engine["device_name"], engine["precision"], args.peak_tflops)
    if peak is None:
        print(f"(e) MFU: {source}")
        return
    for split, label in (("train", "training"), ("eval", "evaluation")):
        mfu = {
            key: flops(row, split) / row[f"{split}_seconds"] / (peak * 1e12) * 100
            for key, row in (("engine", engine), ("base", base))
        }
        padded = flops(base, split, padded=True) / base[f"{split}_seconds"] / (peak * 1e12) * 100
        goal = f" ({goal_text(mfu['engine'], GOAL_MFU, unit='%')})" if split == "train" else ""
        print(
            f"(e) MFU {label} (peak {peak:g} TFLOP/s, {source}): engine "
            f"{mfu['engine']:.1f}%{goal}; {name} {mfu['base']:.1f}%, "
            f"{padded:.1f}% with its padding counted"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model",
        default="xlm-roberta-base",
        choices=MODELS,
        help="published configuration, built with random weights",
    )
    parser.add_argument("--model-dir", help="an existing model folder instead of --model")
    parser.add_argument("--layers", type=int, help="for quick checks: keep this many layers")
    parser.add_argument("--hidden-size", type=int, help="for quick checks: a narrower model")
    parser.add_argument("--steps", type=int, default=30, help="timed updates (default 30)")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=32,
        help="examples a forward pass (default 32: the XNLI reference's "
        "effective batch, 8 x 4 accumulation, in one pass)",
    )
    parser.add_argument(
        "--accumulation", type=int, default=1, help="forward passes an update (default 1)"
    )
    parser.add_argument(
        "--warmup-steps", type=int, default=2, help="updates run before timing (default 2)"
    )
    parser.add_argument(
        "--eval-examples",
        type=int,
        default=0,
        help="examples evaluated (default: 5,010, an XNLI test language, on a GPU; as many as "
        "trained on the CPU)",
    )
    parser.add_argument(
        "--eval-batch-size",
        type=int,
        default=128,
        help="the baseline's evaluation batch (default 128: 16,384 tokens at 128, "
        "the engine's token budget)",
    )
    parser.add_argument(
        "--padding-examples",
        type=int,
        default=20_000,
        help="inputs the padding ratios are computed over (default 20,000)",
    )
    parser.add_argument("--data", choices=("lognormal", "full-size"), default="lognormal")
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda[:N]")
    parser.add_argument(
        "--precision",
        default="bf16",
        choices=("fp32", "tf32", "bf16"),
        help="default bf16 (on the CPU every precision is fp32)",
    )
    parser.add_argument(
        "--baseline",
        choices=("auto", "trainer", "reference-loop"),
        default="auto",
        help="auto: transformers.Trainer if accelerate is installed",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch threads on the CPU (default 1: steadier; 0: torch's default)",
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="interleaved rounds (odd; default 3)"
    )
    parser.add_argument(
        "--peak-tflops", type=float, help="the device's dense peak for the precision, for MFU"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--smoke", action="store_true", help="seconds: 1 layer of width 64, 2 steps of 8, one round"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return
    if args.smoke:
        args.layers, args.hidden_size, args.steps, args.batch_size = 1, 64, 2, 8
        args.repeats, args.warmup_steps, args.accumulation = 1, 0, 1
    if args.repeats < 1 or args.repeats % 2 == 0:
        parser.error("--repeats must be odd (1, 3, 5...), so that the median is a round's value")
    if args.device == "auto":
        import torch

        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    if args.device.startswith("cuda"):
        args.threads = 0  # torch's default; the GPU computes
    baseline = baseline_name(args.baseline)
    with tempfile.TemporaryDirectory(prefix="xh-trainer-baseline-") as folder:
        prepared = prepare(args, Path(folder))
        rounds = []
        for position in range(args.repeats):  # interleaved; the first one alternates
            order = ["engine", baseline] if position % 2 == 0 else [baseline, "engine"]
            rounds.append({system: measure(system, args, prepared) for system in order})
    summary = summarize(rounds, baseline)
    if args.json:
        print(
            json.dumps(
                {
                    "options": vars(args),
                    "baseline": baseline,
                    "prepared": prepared,
                    "summary": summary,
                    "rounds": rounds,
                },
                indent=2,
                default=str,
            )
        )
        return
    report(args, prepared, summary, baseline)


if __name__ == "__main__":
    main()
