"""Perturbations of input embeddings: norms, projection onto a ball, random starts.

A perturbation `delta` has the shape of the batch's input embeddings: (batch, tokens, hidden), or
(batch, choices, tokens, hidden) for multiple choice. Norms are taken per example over all its
non-padding positions (the example is the unit of the threat model), and padding positions are
kept at zero.

Two families of steps live here. `ascent_direction`, `project` and `random_start` are PGD's (Madry
et al. 2018): a sign step for L-inf, a uniform start in the epsilon-ball. The `freelb_*` functions
are FreeLB's (Zhu et al. 2020) as its released code does them, which differ in both: the L-inf step
divides the gradient by its max-norm instead of taking its sign, the random start has its own
magnitude, and a max norm of 0 means no projection. Citations ``run_glue_freelb.py:N`` are to
``huggingface-transformers/examples/run_glue_freelb.py`` of github.com/zhuchen03/FreeLB at commit
eb2370161037f3b03c5ab1262fb455dc7da4d361.
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


def _per_example_scalar(values: Any, like: Any) -> Any:
    """A (batch,) tensor shaped to broadcast over `like`'s other dimensions."""
    return values.view(-1, *([1] * (like.dim() - 1)))


def _finite_on_real_tokens(grad: Any, mask: Any) -> Any:
    """`grad` with padding zeroed, and all of an example zeroed where any of it is not finite (an
    fp16 loss scale that overflowed; the gradient scaler then skips the update), so that such an
    example does not move."""
    import torch

    finite = _per_example_scalar(torch.isfinite(grad).flatten(1).all(dim=1), grad)
    return torch.where(finite, grad, torch.zeros_like(grad)) * mask


def ascent_direction(grad: Any, kind: str, mask: Any) -> Any:
    """PGD's steepest-ascent direction of unit size in the norm: the sign for L-inf (Madry et al.
    2018), the gradient over its L2 norm for L2. Non-finite examples do not move."""
    grad = _finite_on_real_tokens(grad, mask)
    if kind == "linf":
        return grad.sign()
    lengths = norm(grad, "l2")
    return grad / (_per_example_scalar(lengths, grad) + 1e-12)


def freelb_ascent_direction(grad: Any, kind: str, mask: Any) -> Any:
    """FreeLB's ascent direction: the gradient over its per-example norm, the L2 norm for L2
    (run_glue_freelb.py:282-283) and the max-norm for L-inf (run_glue_freelb.py:292-293), the
    norm clamped below at 1e-8 as there. Not the sign: an L-inf step moves only the largest
    coordinates by the full step size, the others in proportion to their gradient.

    Padding is zeroed before the norm is taken; the released code does not mask here, but a model
    that masks attention gives padding a zero gradient, so the two agree (they differ only where
    padding reaches the loss, e.g. a QA softmax over padded positions, which xharness keeps
    unperturbed). Non-finite examples do not move (the released code has no such guard)."""
    import torch

    grad = _finite_on_real_tokens(grad, mask)
    lengths = norm(grad, kind)
    return grad / _per_example_scalar(torch.clamp(lengths, min=1e-8), grad)


def freelb_project(delta: Any, max_norm: float, kind: str) -> Any:
    """FreeLB's projection: none when `max_norm` is 0 ("set to 0 to be unlimited",
    run_glue_freelb.py:654); L-inf clamps every coordinate (run_glue_freelb.py:295-296); L2
    rescales only the examples whose norm exceeds `max_norm`, the norm taken in float32
    (run_glue_freelb.py:285-290). Padding needs no mask: it is zero in the start and the steps."""
    import torch

    if max_norm <= 0:
        return delta
    if kind == "linf":
        return delta.clamp(-max_norm, max_norm)
    lengths = norm(delta.float(), "l2")
    exceed = lengths > max_norm
    scale = torch.where(exceed, max_norm / lengths, torch.ones_like(lengths)).to(delta.dtype)
    return delta * _per_example_scalar(scale, delta)


def random_start(embeddings: Any, epsilon: float, kind: str, mask: Any, generator: Any) -> Any:
    """PGD's random start: a point drawn uniformly from the ball of radius `epsilon` (per example):
    for L-inf every real coordinate uniform in [-epsilon, epsilon], for L2 `uniform_in_l2_ball`."""
    import torch

    shape = embeddings.shape
    if kind == "linf":
        noise = torch.rand(shape, generator=generator) * 2 - 1
        noise = noise.to(embeddings.device, embeddings.dtype) * epsilon
        return noise * mask
    return uniform_in_l2_ball(embeddings, epsilon, mask, generator)


def freelb_random_start(
    embeddings: Any, magnitude: float, kind: str, mask: Any, generator: Any
) -> Any:
    """FreeLB's random start, of its own magnitude (``adv_init_mag``), on real tokens only.

    L2 (run_glue_freelb.py:235-239): every real coordinate uniform in [-1, 1], scaled per example
    by magnitude / sqrt(real tokens x hidden size), so its L2 norm is at most `magnitude` (about
    magnitude / sqrt(3)); not uniform in the ball, unlike PGD's. L-inf (run_glue_freelb.py:240-242):
    every real coordinate uniform in [-magnitude, magnitude]. Magnitude 0 starts at zero
    (run_glue_freelb.py:229, 244-245)."""
    import torch

    if magnitude <= 0:
        return torch.zeros_like(embeddings)
    noise = torch.rand(embeddings.shape, generator=generator) * 2 - 1
    noise = noise.to(embeddings.device, embeddings.dtype) * mask
    if kind == "linf":
        return noise * magnitude
    dims = _per_example(mask.expand_as(embeddings)).sum(dim=1).clamp(min=1)
    scale = magnitude / torch.sqrt(dims.float())
    return noise * _per_example_scalar(scale.to(embeddings.dtype), noise)


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
