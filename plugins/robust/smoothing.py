"""Randomized smoothing by random perturbation (RS-RP, Huang et al. 2021): training on input
embeddings with random noise added, Gaussian or uniform in an L2 ball. The released code of the
paper does not contain this method; the distribution and scale are parameters, and their defaults
are marked unverified."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xharness_plugins.robust import perturbation
from xtreme_harness.interfaces import Param, Regularizer, TrainingContext

UNVERIFIED = "not given by the released code; not confirmed by Huang et al. 2021"


class RandomPerturbation(Regularizer):
    name = "rs-rp"
    description = (
        "Randomized smoothing: train on input embeddings plus random noise "
        "(Gaussian, or uniform in an L2 ball)."
    )
    params = (
        Param("distribution", str, "gaussian", "gaussian (per coordinate) or uniform-l2 (a "
              "point of the L2 ball of radius scale, per example)",
              choices=("gaussian", "uniform-l2"), source=UNVERIFIED, verified=False),
        Param("scale", float, 0.01, "sigma of the Gaussian, or the radius of the ball", above=0.0,
              source=UNVERIFIED, verified=False),
        Param("loss", str, "noisy", "what the model trains on: noisy, or the mean of clean and "
              "noisy", choices=("noisy", "clean+noisy"), source=UNVERIFIED, verified=False),
    )  # fmt: skip

    def noise(self, embeddings: Any, batch: Mapping[str, Any], ctx: TrainingContext) -> Any:
        mask = perturbation.mask_of(batch, embeddings)
        scale = self.options["scale"]
        if self.options["distribution"] == "gaussian":
            return perturbation.gaussian(embeddings, scale, mask, ctx.generator)
        return perturbation.uniform_in_l2_ball(embeddings, scale, mask, ctx.generator)

    def certified_radius(self, p_lower: float) -> float | None:
        """Gaussian noise certifies sigma * Phi^-1(p_lower) in L2 (Cohen et al. 2019, Theorem 1;
        locuslab/smoothing code/core.py:50); uniform noise in an L2 ball is not certified here."""
        if self.options["distribution"] != "gaussian":
            return None
        from scipy.stats import norm

        return float(self.options["scale"] * norm.ppf(p_lower))

    def loss(self, model: Any, batch: Mapping[str, Any], ctx: TrainingContext) -> Any:
        embeddings = ctx.embed(model, batch)
        noisy = ctx.forward(
            model, batch, inputs_embeds=embeddings + self.noise(embeddings.detach(), batch, ctx)
        ).loss
        if self.options["loss"] == "noisy":
            return noisy
        return (ctx.forward(model, batch).loss + noisy) / 2
