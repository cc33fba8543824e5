"""Perturbations of input embeddings: norms, projection onto a ball, random starts.

A perturbation `delta` has the shape of the batch's input embeddings: (batch, tokens, hidden), or
(batch, choices, tokens, hidden) for multiple choice. Norms are taken per example over all its
non-padding positions (the example is the unit of the threat model), and padding positions are
kept at zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

NORMS = ("l2", "linf")


def mask_of(batch: Mapping[str, Any], embeddings: Any) -> Any:
    """1 at real tokens, 0 at padding, broadcastable to the embeddings."""
    mask = batch.get("attention_mask")
    if mask is None:
        return embeddings.new_ones((*embeddings.shape[:-1], 1))
    return mask.unsqueeze(-1).to(embeddings.dtype)


def _per_example(tensor: Any) -> Any:
    """View as (examples, everything else) for per-example norms."""
    return tensor.reshape(tensor.shape[0], -1)


def norm(delta: Any, kind: str) -> Any:
    """Per-example norm, shape (batch,)."""
    flat = _per_example(delta)
    return flat.norm(dim=1) if kind == "l2" else flat.abs().amax(dim=1)


def project(delta: Any, epsilon: float, kind: str, mask: Any) -> Any:
    """`delta` moved into the ball of radius `epsilon` (per example), padding zeroed."""
    import torch

    delta = delta * mask
    if kind == "linf":
        return delta.clamp(-epsilon, epsilon)
    lengths = norm(delta, "l2")
    scale = torch.clamp(epsilon / (lengths + 1e-12), max=1.0)
    return delta * scale.view(-1, *([1] * (delta.dim() - 1)))


def ascent_direction(grad: Any, kind: str, mask: Any) -> Any:
    """The steepest-ascent direction of unit size in the norm: sign for L-inf, the normalised
    gradient for L2. An example whose gradient is not finite (an fp16 loss scale that overflowed;
    the gradient scaler then skips the update) does not move."""
    import torch

    finite = torch.isfinite(grad).flatten(1).all(dim=1).view(-1, *([1] * (grad.dim() - 1)))
    grad = torch.where(finite, grad, torch.zeros_like(grad)) * mask
    if kind == "linf":
        return grad.sign()
    lengths = norm(grad, "l2")
    return grad / (lengths.view(-1, *([1] * (grad.dim() - 1))) + 1e-12)


def random_start(embeddings: Any, epsilon: float, kind: str, mask: Any, generator: Any) -> Any:
    """A point drawn uniformly from the ball of radius `epsilon` (per example)."""
    import torch

    shape = embeddings.shape
    if kind == "linf":
        noise = torch.rand(shape, generator=generator) * 2 - 1
        noise = noise.to(embeddings.device, embeddings.dtype) * epsilon
        return noise * mask
    return uniform_in_l2_ball(embeddings, epsilon, mask, generator)


def uniform_in_l2_ball(embeddings: Any, radius: float, mask: Any, generator: Any) -> Any:
    """Per example, a point drawn uniformly from the L2 ball of `radius` over its real tokens: a
    uniform direction (a normalised Gaussian) at a radius r * U^(1/d), d its dimension."""
    import torch

    direction = torch.randn(embeddings.shape, generator=generator)
    direction = direction.to(embeddings.device, embeddings.dtype) * mask
    lengths = norm(direction, "l2")
    dims = _per_example(mask.expand_as(embeddings)).sum(dim=1).clamp(min=1)
    uniform = torch.rand(embeddings.shape[0], generator=generator).to(embeddings.device)
    radii = radius * uniform.pow(1.0 / dims.float())
    scale = (radii / (lengths + 1e-12)).to(embeddings.dtype)
    return direction * scale.view(-1, *([1] * (direction.dim() - 1)))


def gaussian(embeddings: Any, sigma: float, mask: Any, generator: Any) -> Any:
    """Independent N(0, sigma^2) noise on every coordinate of the real tokens."""
    import torch

    noise = torch.randn(embeddings.shape, generator=generator)
    return noise.to(embeddings.device, embeddings.dtype) * sigma * mask
