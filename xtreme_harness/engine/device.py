"""Choosing the device and the numeric precision of a run."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from xtreme_harness.errors import UsageError

PRECISIONS = ("fp32", "bf16", "fp16")


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

    def autocast(self) -> contextlib.AbstractContextManager[Any]:
        """Mixed precision for the forward pass, or nothing in fp32."""
        import torch

        dtype = self.autocast_dtype
        if dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device.split(":")[0], dtype=dtype)

    def describe(self) -> str:
        import torch

        if self.device.startswith("cuda"):
            return f"{self.device} ({torch.cuda.get_device_name(self.device)})"
        return f"cpu ({torch.get_num_threads()} threads)"


def place(device: str = "auto", precision: str = "fp32") -> Placement:
    """Resolve ``auto``/``cpu``/``cuda[:n]`` and a precision; bf16/fp16 need CUDA (on the CPU the
    run falls back to fp32 and says so), fp16 also needs a GPU that supports it."""
    import torch

    if precision not in PRECISIONS:
        raise UsageError(f"precision {precision!r}: expected one of {', '.join(PRECISIONS)}")
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise UsageError("--device cuda was asked for, but torch sees no CUDA device")
    if device != "cpu" and not device.startswith("cuda"):
        raise UsageError(f"device {device!r}: expected auto, cpu, cuda or cuda:N")
    if device == "cpu" and precision != "fp32":
        return Placement("cpu", "fp32", f"{precision} needs CUDA; the run uses fp32 on the CPU")
    if precision == "bf16" and not torch.cuda.is_bf16_supported():
        return Placement(device, "fp32", "this GPU does not support bf16; the run uses fp32")
    return Placement(device, precision)
