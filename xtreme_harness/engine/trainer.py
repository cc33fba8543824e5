"""The training loop and inference.

AdamW (no weight decay on biases and LayerNorm weights), a linear schedule with warm-up, gradient
clipping and accumulation, length-grouped batches with dynamic padding, mixed precision on CUDA,
and every batch's loss computed by the run's `Regularizer`.

On CUDA the loop does not wait for the GPU at every batch: losses stay on the device and are read
(and checked for NaN) every `CUDA_LOSS_READS` batches, before every evaluation point and at the
end of every epoch; the next batch is collated while the GPU computes. On the CPU every loss is
read at once. AdamW is torch's fused implementation on every device: one kernel for the whole
update instead of a loop over parameter groups (the update of 278M parameters of XLM-R base took
0.2 s fused against 1.3 to 1.8 s with the default on 2 CPU cores, docs/performance.md); it
rounds slightly differently from the unfused loop the reference scripts ran. In fp16 the learning
rate schedule advances at every update, also where the gradient scaler skipped the optimizer step
for an overflow, as the reference scripts' schedule does under apex's loss scaling
(google-research/xtreme@838c13b69daa third_party/run_classify.py:225-226, `optimizer.step()`
then `scheduler.step()` unconditionally); asking the scaler whether it skipped would cost a wait
for the GPU at every update.

Evaluation points are every `eval_steps` updates (else the end of every epoch) and the last update,
as the reference scripts save a checkpoint every N updates and let the final model compete. What is
kept follows the recipe's `selection`: the weights that scored best at an evaluation point
(``en-dev``, ``target-dev``: the caller's `evaluate` decides what is scored; the earliest wins a
tie, as a strictly-greater test in the reference scripts does), the last update's (``last``: no
evaluation at all), or the mean of the weights at the last `average_last` points (``average``).
With `patience`, training stops after that many evaluations without a better score.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from xtreme_harness.engine.batching import length_grouped_batches, sorted_batches
from xtreme_harness.engine.device import Placement
from xtreme_harness.engine.kinds.base import Feature, KindImpl
from xtreme_harness.engine.loader import device_batches
from xtreme_harness.errors import XHarnessError
from xtreme_harness.interfaces.regularizer import Regularizer
from xtreme_harness.interfaces.task import Recipe, TaskKind

NO_DECAY = ("bias", "LayerNorm.weight", "layer_norm.weight", "layernorm.weight")
CUDA_LOSS_READS = 32
"""Batches between two reads of the losses on CUDA (each read waits for the GPU)."""


class TrainingDiverged(XHarnessError):
    """The loss became NaN or infinite; the run stops without a result."""


@dataclass
class Schedule:
    """How long to train: `max_steps` updates if set, else `epochs` passes over the data."""

    recipe: Recipe
    max_steps: int | None = None

    def updates(self, batches_per_epoch: int) -> int:
        per_epoch = math.ceil(batches_per_epoch / self.recipe.gradient_accumulation)
        if self.max_steps is not None:
            return self.max_steps
        return max(1, math.ceil(per_epoch * self.recipe.epochs))

    def warmup(self, total: int) -> int:
        """Warm-up updates: a proportion of `total` if the recipe gives one, else its count."""
        if self.recipe.warmup_ratio is not None:
            return min(total, math.ceil(self.recipe.warmup_ratio * total))
        return min(self.recipe.warmup_steps, total)

    def scored(self, evaluate: Callable[[Any], float] | None) -> bool:
        """Whether evaluation points score the model: a selection by a development score, and
        a scoring to do it with (without one the last weights stay, as a direct caller of
        `train` expects)."""
        return evaluate is not None and self.recipe.selection in ("en-dev", "target-dev")


@dataclass
class Evaluation:
    step: int
    epoch: float
    score: float
    loss: float


@dataclass
class TrainingReport:
    updates: int = 0
    examples_seen: int = 0
    seconds: float = 0.0
    best: Evaluation | None = None
    evaluations: list[Evaluation] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    """Mean training loss of each epoch (or of the part of an epoch that ran)."""
    averaged: list[int] = field(default_factory=list)
    """``average``: the updates whose weights were averaged."""
    stopped_early: bool = False
    """Training stopped because `patience` evaluations brought no better score."""


def average_states(states: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The element-wise mean of model states (floating tensors; others from the last state)."""
    last = states[-1]
    averaged = {}
    for key, value in last.items():
        if value.is_floating_point():
            total = sum(state[key].double() for state in states)
            averaged[key] = (total / len(states)).to(value.dtype)
        else:
            averaged[key] = value
    return averaged


class EngineContext:
    """The `TrainingContext` the engine lends to regularizers (also usable on its own, to test a
    regularizer on a model and a batch)."""

    def __init__(
        self,
        task_kind: TaskKind,
        placement: Placement,
        generator: Any,
        accumulation: int = 1,
        scaler: Any = None,
    ) -> None:
        self.task_kind = task_kind
        self.generator = generator
        self._placement = placement
        self._accumulation = accumulation
        self._scaler = scaler

    def forward(self, model: Any, batch: Mapping[str, Any], inputs_embeds: Any = None) -> Any:
        if inputs_embeds is not None:
            batch = {k: v for k, v in batch.items() if k != "input_ids"}
            batch["inputs_embeds"] = inputs_embeds
        with self._placement.autocast():
            return model(**batch)

    def embed(self, model: Any, batch: Mapping[str, Any]) -> Any:
        return model.get_input_embeddings()(batch["input_ids"])

    def backward(self, loss: Any) -> None:
        scaled = loss / self._accumulation
        if self._scaler is not None:
            scaled = self._scaler.scale(scaled)
        scaled.backward()


def _optimizer(model: Any, recipe: Recipe) -> Any:
    """AdamW with the reference scripts' settings, fused (see the module's docstring)."""
    import torch

    decay, no_decay = [], []
    for name, parameter in model.named_parameters():
        if parameter.requires_grad:
            (no_decay if any(key in name for key in NO_DECAY) else decay).append(parameter)
    groups = [
        {"params": decay, "weight_decay": recipe.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=recipe.learning_rate, eps=1e-8, fused=True)


def _hidden(progress: bool) -> bool | None:
    """tqdm's `disable`: None shows bars only on a terminal; True hides them."""
    return None if progress else True


def train(
    model: Any,
    kind: KindImpl,
    features: Sequence[Feature],
    *,
    schedule: Schedule,
    regularizer: Regularizer,
    placement: Placement,
    seed: int,
    pad_id: int,
    evaluate: Callable[[Any], float] | None = None,
    progress: bool = True,
    label: str = "train",
) -> TrainingReport:
    """Train `model` on `features` and leave it with the weights the recipe's selection keeps;
    `evaluate(model)` scores the model at evaluation points (higher is better) for ``en-dev`` and
    ``target-dev``.

    Raises `TrainingDiverged` at the first non-finite loss.
    """
    import torch
    from tqdm.auto import tqdm
    from transformers import get_linear_schedule_with_warmup

    recipe = schedule.recipe
    if not features:
        raise XHarnessError(f"{label}: no training examples")
    model.to(placement.device)
    generator = torch.Generator().manual_seed(seed)
    regularizer_generator = torch.Generator().manual_seed(seed + 1_000_003)
    lengths = [f.length for f in features]
    batches_per_epoch = math.ceil(len(features) / recipe.batch_size)
    updates_per_epoch = math.ceil(batches_per_epoch / recipe.gradient_accumulation)
    total = schedule.updates(batches_per_epoch)
    optimizer = _optimizer(model, recipe)
    scheduler = get_linear_schedule_with_warmup(optimizer, schedule.warmup(total), total)
    scaler = torch.amp.GradScaler("cuda") if placement.precision == "fp16" else None
    context = EngineContext(
        kind.spec.kind, placement, regularizer_generator, recipe.gradient_accumulation, scaler
    )
    report = TrainingReport()
    scored = schedule.scored(evaluate)
    best_state: dict[str, Any] | None = None
    snapshots: list[tuple[int, dict[str, Any]]] = []
    started = time.perf_counter()
    bar = tqdm(total=total, desc=label, unit="step", disable=_hidden(progress), leave=False)
    epoch = 0
    last_evaluated = -1
    stale = 0  # evaluations since the best score improved
    window = [0.0, 0]  # loss sum and batch count since the last evaluation
    epoch_sum = [0.0, 0]  # the same since the epoch began
    pending: list[tuple[Any, int, int]] = []  # unread losses: (loss, update, batch of the epoch)
    reads = CUDA_LOSS_READS if placement.is_cuda else 1

    def read_losses() -> None:
        """Read the pending losses (one wait for the device), add them up, stop at a NaN."""
        if not pending:
            return
        values = torch.stack([loss for loss, _, _ in pending]).tolist()
        for value, (_, update, position) in zip(values, pending, strict=True):
            if not math.isfinite(value):
                bar.close()
                raise TrainingDiverged(
                    f"{label}: the training loss became {value} at update {update} "
                    f"(epoch {epoch + 1}, batch {position}); the run stopped without a result. "
                    "Try a lower learning rate, fp32, or another seed."
                )
            epoch_sum[0] += value
            epoch_sum[1] += 1
            window[0] += value
            window[1] += 1
        pending.clear()
        bar.set_postfix(loss=f"{values[-1]:.4f}")

    def state() -> dict[str, Any]:
        return {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}

    def checkpoint() -> None:
        """An evaluation point: score (or keep) the current weights."""
        nonlocal best_state, last_evaluated, stale
        read_losses()
        last_evaluated = report.updates
        mean_loss = window[0] / max(1, window[1])
        window[:] = [0.0, 0]
        if recipe.selection == "average":
            snapshots.append((report.updates, state()))
            del snapshots[: -recipe.average_last]
        if not scored:
            return
        model.eval()
        score = evaluate(model)
        model.train()
        evaluation = Evaluation(report.updates, round(report.updates / updates_per_epoch, 4),
                                score, mean_loss)  # fmt: skip
        report.evaluations.append(evaluation)
        if report.best is None or score > report.best.score:
            report.best = evaluation
            best_state = state()
            stale = 0
        else:
            stale += 1
            report.stopped_early = bool(recipe.patience and stale >= recipe.patience)

    def collate(indices: Sequence[int]) -> Mapping[str, Any]:
        return kind.collate([features[i] for i in indices], pad_id)

    model.train()
    while report.updates < total and not report.stopped_early:
        batches = length_grouped_batches(lengths, recipe.batch_size, generator)
        epoch_sum[:] = [0.0, 0]
        for position, (indices, batch) in enumerate(
            device_batches(batches, collate, placement.device)
        ):
            loss = regularizer.loss(model, batch, context)
            pending.append((loss.detach().float(), report.updates + 1, position + 1))
            if len(pending) >= reads:
                read_losses()
            if loss.requires_grad:
                context.backward(loss)
            report.examples_seen += len(indices)
            at_boundary = (position + 1) % recipe.gradient_accumulation == 0
            if at_boundary or position + 1 == len(batches):
                if scaler is not None:
                    scaler.unscale_(optimizer)
                if recipe.max_grad_norm:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), recipe.max_grad_norm)
                if scaler is not None:
                    scaler.step(optimizer)  # skipped on the device if a gradient overflowed
                    scaler.update()
                else:
                    optimizer.step()
                scheduler.step()  # after a skipped fp16 step too (see the module docstring)
                optimizer.zero_grad(set_to_none=True)
                report.updates += 1
                bar.update(1)
                if recipe.eval_steps and report.updates % recipe.eval_steps == 0:
                    checkpoint()
                if report.updates >= total or report.stopped_early:
                    break
        read_losses()
        report.losses.append(epoch_sum[0] / max(1, epoch_sum[1]))
        epoch += 1
        at_epoch_point = not recipe.eval_steps and not report.stopped_early
        if last_evaluated != report.updates and (at_epoch_point or report.updates >= total):
            checkpoint()
    bar.close()
    report.seconds = time.perf_counter() - started
    if best_state is not None:
        model.load_state_dict(best_state)
    if snapshots:
        report.averaged = [update for update, _ in snapshots]
        model.load_state_dict(average_states([weights for _, weights in snapshots]))
    return report


def predict(
    model: Any,
    kind: KindImpl,
    features: Sequence[Feature],
    *,
    placement: Placement,
    pad_id: int,
    batch_size: int = 256,
    max_tokens: int | None = 16384,
    progress: bool = False,
    label: str = "predict",
    attack: Any = None,
    seed: int = 0,
) -> list[Any]:
    """The logits of every feature, in feature order, as CPU float tensors; batches are sorted
    by length and hold at most `batch_size` inputs and `max_tokens` tokens (padding included).
    With `attack` (a model-aware perturber), each batch is predicted from its input embeddings
    plus the attack's perturbation, computed with the gold labels (gradients, not inference
    mode; `seed` seeds the attack's own draws)."""
    import torch
    from tqdm.auto import tqdm

    model.to(placement.device)
    model.eval()
    outputs: list[Any] = [None] * len(features)
    batches = sorted_batches([f.length for f in features], batch_size, max_tokens)
    ctx = None
    if attack is not None:
        generator = torch.Generator().manual_seed(seed)
        ctx = EngineContext(kind.spec.kind, placement, generator)

    def collate(indices: Sequence[int]) -> Mapping[str, Any]:
        batch = kind.collate([features[i] for i in indices], pad_id)
        if attack is None:
            for key in kind.label_keys:
                batch.pop(key, None)
        return batch

    def logits_of(batch: Mapping[str, Any]) -> Any:
        if ctx is None:
            with placement.autocast():
                return kind.outputs(model(**batch))
        with torch.enable_grad():
            delta = attack.perturbation(model, batch, ctx)
        with torch.inference_mode():
            embeddings = ctx.embed(model, batch)
            return kind.outputs(ctx.forward(model, batch, inputs_embeds=embeddings + delta))

    with torch.inference_mode(attack is None):
        for indices, batch in tqdm(
            device_batches(batches, collate, placement.device), total=len(batches), desc=label,
            unit="batch", disable=_hidden(progress), leave=False,
        ):  # fmt: skip
            logits = logits_of(batch).float().cpu()
            for position, index in enumerate(indices):
                outputs[index] = logits[position]
    return outputs
