"""Precision (``auto``, tf32, the protocol's value), inference batches by token budget, batches
collated ahead, and the training loop's deferred loss reads (the CUDA path, run here on the CPU by
declaring the placement a GPU one)."""

from __future__ import annotations

import shutil

import pytest
import torch

from xtreme_harness.config import cell as cells
from xtreme_harness.config.run import Intermediate, Overrides, RunConfig
from xtreme_harness.engine import device, trainer
from xtreme_harness.engine.batching import sorted_batches
from xtreme_harness.engine.device import Placement, place
from xtreme_harness.engine.kinds import implementation
from xtreme_harness.engine.loader import device_batches
from xtreme_harness.engine.models import load_model, load_tokenizer
from xtreme_harness.engine.trainer import Schedule, TrainingDiverged, predict, train
from xtreme_harness.interfaces.task import Recipe
from xtreme_harness.plugin_host import PluginHost

HOST = PluginHost()


def test_the_cpu_computes_in_fp32_and_says_so_when_asked_otherwise():
    assert place("cpu", "auto") == Placement("cpu", "fp32")
    assert place("cpu", "fp32") == Placement("cpu", "fp32")
    for asked in ("tf32", "bf16", "fp16"):
        placement = place("cpu", asked)
        assert placement.precision == "fp32"
        assert placement.note == f"{asked} needs CUDA; the run uses fp32 on the CPU"


@pytest.fixture
def fake_gpu(monkeypatch):
    """torch sees a GPU with the given bf16 support and compute capability; what `set_tf32`
    was last asked is recorded."""
    switched: list[bool] = []
    monkeypatch.setattr(device, "set_tf32", switched.append)

    def make(bf16: bool, capability: tuple[int, int]) -> list[bool]:
        monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
        monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: bf16)
        monkeypatch.setattr(torch.cuda, "get_device_capability", lambda *a: capability)
        return switched

    return make


@pytest.mark.parametrize(
    ("bf16", "capability", "resolved", "tf32"),
    [(True, (9, 0), "bf16", False), (False, (8, 0), "tf32", True), (False, (7, 0), "fp32", False)],
)
def test_auto_on_a_gpu_is_bf16_where_supported_else_tf32_where_there_are_tf32_units(
    fake_gpu, bf16, capability, resolved, tf32
):
    switched = fake_gpu(bf16, capability)
    placement = place("cuda", "auto")
    assert (placement.device, placement.precision, placement.note) == ("cuda", resolved, "")
    assert switched == [tf32]


def test_asked_precisions_on_a_gpu_and_what_a_gpu_without_them_falls_back_to(fake_gpu):
    switched = fake_gpu(True, (9, 0))
    assert place("cuda", "fp32").precision == "fp32" and switched[-1] is False
    assert place("cuda", "tf32").precision == "tf32" and switched[-1] is True
    assert place("cuda", "bf16").precision == "bf16" and switched[-1] is False
    fake_gpu(False, (7, 5))
    assert place("cuda", "tf32").note == "this GPU has no TF32 units; the run uses fp32"
    assert place("cuda", "bf16").note == "this GPU does not support bf16; the run uses fp32"


def test_set_tf32_switches_torchs_matmul_mode_both_ways():
    matmul = torch.backends.cuda.matmul
    before = matmul.fp32_precision
    try:
        device.set_tf32(True)
        assert matmul.fp32_precision == "tf32"
        device.set_tf32(False)
        assert matmul.fp32_precision == "ieee"
    finally:
        matmul.fp32_precision = before


def _cell(tiny_model, task="xnli", **fields):
    config = RunConfig(model=tiny_model, task=task, source="sample", out="unused", **fields)
    return cells.resolve(config, HOST)


def test_auto_follows_the_protocol_where_it_fixes_the_precision(tiny_model):
    assert _cell(tiny_model).precision() == "fp32"  # xtreme-r: no --fp16 in train_xnli.sh
    assert _cell(tiny_model, task="tatoeba").precision() == "auto"  # nothing fixed: the device
    assert _cell(tiny_model, protocol="phang2020").precision() == "auto"
    stage = Intermediate("xnli", options={"codes": "en:30"})
    assert _cell(tiny_model, intermediate=stage).precision(intermediate=True) == "auto"
    assert not [d for d in _cell(tiny_model).departures() if d.setting == "precision"]


def test_an_asked_precision_other_than_the_protocols_is_a_departure(tiny_model):
    cell = _cell(tiny_model, precision="bf16")
    assert cell.precision() == "bf16"
    (departure,) = [d for d in cell.departures() if d.setting == "precision"]
    assert (departure.protocol, departure.used) == ("fp32", "bf16")
    assert not [d for d in _cell(tiny_model, precision="fp32").departures()
                if d.setting == "precision"]  # fmt: skip


@pytest.mark.parametrize(("batch_size", "max_tokens"), [(4, None), (256, 120), (3, 100), (8, 1)])
def test_inference_batches_keep_to_their_size_and_token_budget(batch_size, max_tokens):
    lengths = [5, 100, 3, 50, 50, 7, 64, 64, 64, 2, 130, 9]
    batches = sorted_batches(lengths, batch_size, max_tokens)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    flat = [lengths[i] for batch in batches for i in batch]
    assert flat == sorted(lengths, reverse=True)
    for batch in batches:
        assert len(batch) <= batch_size
        padded = len(batch) * max(lengths[i] for i in batch)
        assert max_tokens is None or len(batch) == 1 or padded <= max_tokens
    if max_tokens == 120:
        assert [[lengths[i] for i in b] for b in batches] == [
            [130], [100], [64], [64], [64], [50, 50], [9, 7, 5, 3, 2]
        ]  # fmt: skip


def test_batches_collated_ahead_are_the_batches_collated_in_turn():
    batches = [[0, 1], [2], [3, 4, 5]]

    def collate(indices):
        return {"input_ids": torch.tensor([[i, i] for i in indices])}

    direct = list(device_batches(batches, collate, "cpu"))
    ahead = list(device_batches(batches, collate, "cpu", prefetch=True))
    assert [i for i, _ in ahead] == batches
    for (_, a), (_, b) in zip(direct, ahead, strict=True):
        assert torch.equal(a["input_ids"], b["input_ids"])
    assert list(device_batches([], collate, "cpu", prefetch=True)) == []


def _training(tiny_model, count=40):
    spec = HOST.get("tasks", "xnli")
    recipe = Recipe(learning_rate=1e-3, epochs=1, max_length=64, batch_size=4)
    kind = implementation(spec, recipe)
    tokenizer = load_tokenizer(tiny_model)
    features = kind.encode(spec.sources["sample"].read("train", "en")[:count], tokenizer, 64)
    return spec, recipe, kind, tokenizer, features


def _train(tiny_model, regularizer, features=None, gpu_like=False, monkeypatch=None):
    _, recipe, kind, tokenizer, all_features = _training(tiny_model)
    if gpu_like:  # the CUDA path: deferred loss reads, fused AdamW, batches collated ahead
        monkeypatch.setattr(Placement, "is_cuda", property(lambda self: True))
        monkeypatch.setattr(trainer, "CUDA_LOSS_READS", 4)
    torch.manual_seed(0)
    model = load_model(kind, tiny_model)
    report = train(model, kind, features or all_features, schedule=Schedule(recipe),
                   regularizer=regularizer, placement=place("cpu", "fp32"), seed=3,
                   pad_id=tokenizer.pad_token_id, progress=False)  # fmt: skip
    return model, report


def test_deferred_loss_reads_record_the_same_losses_and_weights(tiny_model, monkeypatch):
    none = HOST.get("regularizers", "none")
    model, report = _train(tiny_model, none())
    gpu_model, gpu_report = _train(tiny_model, none(), gpu_like=True, monkeypatch=monkeypatch)
    assert report.updates == gpu_report.updates == 10
    assert gpu_report.losses == pytest.approx(report.losses, rel=1e-5)
    for (name, a), (_, b) in zip(model.state_dict().items(), gpu_model.state_dict().items(),
                                 strict=True):  # fmt: skip
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5, msg=name)


class NanAfter:
    """The clean loss, NaN from the `after`+1-th call on."""

    name = "nan-after"

    def __init__(self, after: int) -> None:
        self.after, self.calls = after, 0

    def loss(self, model, batch, ctx):
        self.calls += 1
        loss = ctx.forward(model, batch).loss
        return loss * float("nan") if self.calls > self.after else loss


@pytest.mark.parametrize("gpu_like", [False, True])
def test_a_nan_loss_is_found_at_its_update_also_when_losses_are_read_late(
    tiny_model, monkeypatch, gpu_like
):
    with pytest.raises(TrainingDiverged, match=r"became nan at update 6 \(epoch 1, batch 6\)"):
        _train(tiny_model, NanAfter(5), gpu_like=gpu_like, monkeypatch=monkeypatch)


def test_predict_gives_the_same_outputs_whatever_the_batches(tiny_model):
    _, _, kind, tokenizer, features = _training(tiny_model, count=30)
    model = load_model(kind, tiny_model)
    cpu = place("cpu", "fp32")
    one = predict(model, kind, features, placement=cpu, pad_id=tokenizer.pad_token_id,
                  batch_size=1, max_tokens=None)  # fmt: skip
    budget = predict(model, kind, features, placement=cpu, pad_id=tokenizer.pad_token_id,
                     batch_size=256, max_tokens=200)  # fmt: skip
    for a, b in zip(one, budget, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


def test_the_result_records_the_precision_and_the_inference_budget(tiny_model, tmp_path):
    from xtreme_harness.engine.run import run

    config = RunConfig(model=tiny_model, task="xnli", source="sample", out=str(tmp_path / "r"),
                       eval_languages=("en",), overrides=Overrides(max_steps=1),
                       eval_tokens=512, progress=False, save_model=False)  # fmt: skip
    result = run(config)
    assert result["config"]["precision"] == "fp32"
    assert result["config"]["attention"] == "sdpa"  # transformers' default where it exists
    assert (result["config"]["eval_batch_size"], result["config"]["eval_tokens"]) == (256, 512)
    assert not [d for d in result["departures"] if d["setting"] == "precision"]


@pytest.mark.skipif(
    shutil.which("cc") is None, reason="torch.compile needs a C compiler on the CPU"
)
def test_compile_trains_and_evaluates_and_is_recorded(tiny_model, tmp_path):
    """--compile: the same run under torch.compile (a minute of compiling on the CPU). Compiled
    dropout draws its masks from another generator, so losses agree only closely."""
    from xtreme_harness.engine.run import run

    def config(name, **fields):
        return RunConfig(model=tiny_model, task="xnli", source="sample", out=str(tmp_path / name),
                         eval_languages=("en",), overrides=Overrides(max_steps=2),
                         progress=False, save_model=False, **fields)  # fmt: skip

    plain = run(config("plain"))
    fast = run(config("compiled", compile=True))
    assert (plain["config"]["compile"], fast["config"]["compile"]) == (False, True)
    assert fast["training"]["phases"][0]["losses"] == pytest.approx(
        plain["training"]["phases"][0]["losses"], rel=0.02
    )
    assert fast["scores"]["en"]["accuracy"] == pytest.approx(
        plain["scores"]["en"]["accuracy"], abs=1.0
    )


class SkippingScaler:
    """A stand-in for CUDA's GradScaler that skips every second optimizer step, as an overflow
    would; reading its scale fails (the loop must not wait for the device to ask)."""

    def __init__(self, device: str) -> None:
        self.steps = 0

    def scale(self, loss):
        return loss

    def unscale_(self, optimizer) -> None:
        pass

    def step(self, optimizer) -> None:
        self.steps += 1
        if self.steps % 2:
            optimizer.step()

    def update(self) -> None:
        pass

    def get_scale(self):
        raise AssertionError("the training loop read the scale")


def test_in_fp16_the_schedule_advances_also_after_a_skipped_step(tiny_model, monkeypatch):
    import contextlib

    import transformers

    schedulers, original = [], transformers.get_linear_schedule_with_warmup

    def linear(*args, **kwargs):
        schedulers.append(original(*args, **kwargs))
        return schedulers[-1]

    monkeypatch.setattr(torch.amp, "GradScaler", SkippingScaler)
    monkeypatch.setattr(transformers, "get_linear_schedule_with_warmup", linear)
    monkeypatch.setattr(Placement, "autocast", lambda self: contextlib.nullcontext())
    _, recipe, kind, tokenizer, features = _training(tiny_model)
    model = load_model(kind, tiny_model)
    report = train(model, kind, features, schedule=Schedule(recipe),
                   regularizer=HOST.get("regularizers", "none")(),
                   placement=Placement("cpu", "fp16"), seed=3, pad_id=tokenizer.pad_token_id,
                   progress=False)  # fmt: skip
    assert report.updates == 10
    # every update advanced the schedule, the 5 the scaler skipped too
    assert schedulers[0].last_epoch == 10
