"""Choosing the device and the numeric precision of a run.

Precisions:

- ``fp32``: IEEE float32 throughout, matrix products included (what the reference scripts ran:
  none of them passes ``--fp16``);
- ``tf32``: float32 weights and activations, matrix products in TensorFloat-32 on GPUs that have
  it (compute capability 8.0 and later: A100, H100), which cuts their mantissa to 10 bits;
- ``bf16``, ``fp16``: mixed precision (autocast) on CUDA, float32 weights; fp16 with loss scaling;
- ``auto``: the protocol's precision where the protocol fixes one for the task (the caller passes
  it instead of ``auto``); otherwise bf16 on a GPU that supports it, tf32 on another GPU of
  compute capability 8.0 or later, fp32 elsewhere.

On the CPU every precision computes in fp32; a run that asked for another says so in its notes.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from xtreme_harness.config.options import PRECISIONS
from xtreme_harness.errors import UsageError

TF32_CAPABILITY = (8, 0)
"""The first CUDA compute capability with TensorFloat-32 matrix units (Ampere)."""


@dataclass(frozen=True)
class Placement:
    """Where a run computes, in which precision, and why if it differs from what was asked."""

    device: str
    precision: str
    note: str = ""

    @property
    def autocast_dtype(self) -> Any:
        import torch

        return {"bf16": torch.bfloat16, "fp16": torch.float16}.get(self.precision)

    @property
    def is_cuda(self) -> bool:
        return self.device.startswith("cuda")

    def autocast(self) -> contextlib.AbstractContextManager[Any]:
        """Mixed precision for the forward pass, or nothing in fp32 and tf32."""
        import torch

        dtype = self.autocast_dtype
        if dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device.split(":")[0], dtype=dtype)

    def describe(self) -> str:
        import torch

        if self.is_cuda:
            return f"{self.device} ({torch.cuda.get_device_name(self.device)})"
        return f"cpu ({torch.get_num_threads()} threads)"


def set_tf32(enabled: bool) -> None:
    """TensorFloat-32 for float32 matrix products and convolutions on CUDA, on or off (a
    process-wide switch: every stage sets it for its own precision)."""
    import torch

    matmul, cudnn = torch.backends.cuda.matmul, torch.backends.cudnn
    if hasattr(matmul, "fp32_precision"):  # torch >= 2.9
        matmul.fp32_precision = "tf32" if enabled else "ieee"
        cudnn.conv.fp32_precision = "tf32" if enabled else "ieee"
    else:
        matmul.allow_tf32 = enabled
        cudnn.allow_tf32 = enabled


def _has_tf32(device: str) -> bool:
    import torch

    return tuple(torch.cuda.get_device_capability(device)) >= TF32_CAPABILITY


def place(device: str = "auto", precision: str = "auto") -> Placement:
    """Resolve ``auto``/``cpu``/``cuda[:n]`` and a precision (see the module's docstring); on
    CUDA, TF32 is switched on for ``tf32`` and off for every other precision."""
    import torch

    if precision not in PRECISIONS:
        raise UsageError(f"precision {precision!r}: expected one of {', '.join(PRECISIONS)}")
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise UsageError("--device cuda was asked for, but torch sees no CUDA device")
    if device != "cpu" and not device.startswith("cuda"):
        raise UsageError(f"device {device!r}: expected auto, cpu, cuda or cuda:N")
    placement = _resolve(device, precision)
    if placement.is_cuda:
        set_tf32(placement.precision == "tf32")
    return placement


def _resolve(device: str, precision: str) -> Placement:
    import torch

    if device == "cpu":
        if precision in ("auto", "fp32"):
            return Placement("cpu", "fp32")
        return Placement("cpu", "fp32", f"{precision} needs CUDA; the run uses fp32 on the CPU")
    if precision == "auto":
        if torch.cuda.is_bf16_supported():
            return Placement(device, "bf16")
        return Placement(device, "tf32" if _has_tf32(device) else "fp32")
    if precision == "bf16" and not torch.cuda.is_bf16_supported():
        return Placement(device, "fp32", "this GPU does not support bf16; the run uses fp32")
    if precision == "tf32" and not _has_tf32(device):
        return Placement(device, "fp32", "this GPU has no TF32 units; the run uses fp32")
    return Placement(device, precision)
