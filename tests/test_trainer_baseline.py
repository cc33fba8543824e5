"""perf/trainer_baseline.py (the engine against transformers.Trainer): its smoke mode runs and
prints every ratio beside its goal; the GPU report (MFU, absolute figures), which no CPU run
reaches, prints from made-up figures; the FLOPs formula and the peak table. No timing is
asserted."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest
from helpers import REPO

PERF = REPO / "perf"


@pytest.fixture
def baseline() -> Iterator[ModuleType]:
    sys.path.insert(0, str(PERF))
    try:
        import trainer_baseline

        yield trainer_baseline
    finally:
        sys.path.remove(str(PERF))


def test_smoke_prints_every_ratio_beside_its_goal():
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, str(PERF / "trainer_baseline.py"), "--smoke", "--device", "cpu"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    speed = [line for line in lines if line.startswith("(a/b)")]
    assert len(speed) == 2, done.stdout
    assert all("examples/s" in line and "goal >= 1.5x:" in line for line in speed)
    padding = [line for line in lines if "engine 1." in line and "padded to 128" in line]
    assert len(padding) == 2, done.stdout
    assert all(line.count("goal <= 1.1x:") == 2 for line in padding)
    assert any(line.startswith("(d) peak memory engine /") for line in lines)
    assert "(e) MFU: only on a GPU" in lines


def _row(baseline: ModuleType, seconds: float, padded: int) -> dict:
    return {
        "train_seconds": seconds, "eval_seconds": seconds / 4, "train_examples": 64,
        "eval_examples": 64, "train_tokens": 3000, "eval_tokens": 3000,
        "train_tokens_sq": 160_000, "eval_tokens_sq": 160_000, "train_padded_tokens": padded,
        "eval_padded_tokens": padded, "peak_rss_mib": 4000.0, "peak_rss_train_mib": 4000.0,
        "peak_cuda_train_mib": 9000.0, "peak_cuda_eval_mib": 2000.0, "parameters": 278_000_000,
        "non_embedding_parameters": 86_000_000, "layers": 12, "hidden_size": 768,
        "device_name": "NVIDIA H100 80GB HBM3", "precision": "bf16", "note": "", "threads": 16,
        "setup": "made up",
    }  # fmt: skip


def test_the_gpu_report_prints_absolute_figures_and_mfu(baseline, capsys):
    rounds = [{"engine": _row(baseline, 0.05, 3100), "trainer": _row(baseline, 0.12, 8192)}]
    summary = baseline.summarize(rounds, "trainer")
    args = argparse.Namespace(
        device="cuda", model_dir="/models/x", data="lognormal", steps=2, batch_size=32,
        accumulation=1, warmup_steps=2, baseline="auto", repeats=1, smoke=False,
        peak_tflops=None,
    )  # fmt: skip
    prepared = {
        "built": None, "sizes": {"warmup": 64, "train": 64, "eval": 64}, "sample_median": 45,
        "sample_cut": 0.01, "padding_examples": 20_000,
        "padding": {"engine_train": 1.02, "engine_eval": 1.01, "fixed_128": 2.6},
    }  # fmt: skip
    baseline.report(args, prepared, summary, "trainer")
    out = capsys.readouterr().out
    assert "engine / Trainer examples/s: 2.40x  (goal >= 1.5x: meets goal" in out
    assert "examples/s" in out and "CUDA train 9000 MiB" in out
    assert "(e) MFU training (peak 989.4 TFLOP/s, H100 SXM bf16 dense): engine" in out
    assert "goal >= 35%:" in out
    assert "MFU: only on a GPU" not in out


def test_flops_count_six_n_plus_attention_per_token(baseline):
    row = {
        "non_embedding_parameters": 1000, "layers": 2, "hidden_size": 4, "train_examples": 1,
        "train_tokens": 10, "train_tokens_sq": 100, "eval_examples": 1, "eval_tokens": 10,
        "eval_tokens_sq": 100,
    }  # fmt: skip
    assert baseline.flops(row, "train") == 10 * (6 * 1000 + 12 * 2 * 4 * 10)
    assert baseline.flops(row, "eval") == baseline.flops(row, "train") / 3
    assert baseline.flops(row, "train", padded=True) == 128 * (6 * 1000 + 12 * 2 * 4 * 128)


def test_peaks_by_device_name(baseline):
    assert baseline.peak_tflops("NVIDIA H100 80GB HBM3", "bf16", None)[0] == 989.4
    assert baseline.peak_tflops("NVIDIA H100 PCIe", "tf32", None)[0] == 378.0
    assert baseline.peak_tflops("NVIDIA A100-SXM4-40GB", "fp32", None)[0] == 19.5
    assert baseline.peak_tflops("NVIDIA H200", "bf16", None)[0] == 989.4
    assert baseline.peak_tflops("NVIDIA H100 NVL", "bf16", None)[0] is None
    assert baseline.peak_tflops("Tesla T4", "fp32", 8.1) == (8.1, "--peak-tflops")


def test_padding_of_sorted_batches_is_near_the_limit(baseline):
    lengths = baseline.draw_lengths(5000, seed=4)
    ratios = baseline.padding(lengths, 32)
    assert ratios["engine_train"] <= 1.10
    assert ratios["engine_eval"] <= 1.10
    assert ratios["fixed_128"] == pytest.approx(128 * len(lengths) / sum(lengths))
