"""Seeding every random number generator a run uses."""

from __future__ import annotations

import random


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and torch's generators (CUDA included)."""
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
