"""Adversarial training on input embeddings (Huang et al. 2021 train "to tolerate noise in the
contextual embedding spaces"; the attack follows Madry et al. 2018).

The perturbation is found by projected gradient ascent on the loss, with respect to a perturbation
of the batch's input (token) embeddings, never to the tokens themselves and never changing the
embedding matrix: the ascent steps take gradients with respect to the perturbation only. Three
variants of one method:

- ``pgd``: K ascent steps of size alpha from a random (or zero) start, each projected onto the
  epsilon-ball; the model then trains on the perturbed input (and, with ``clean+adv``, on the clean
  one too: the mean of both losses). About K + 1 forward/backward passes (K + 2 with clean+adv).
- ``fgm``: one step of size epsilon from zero (Miyato et al. 2017), i.e. ``pgd`` with K = 1.
- ``freelb``: K ascent steps whose parameter gradients are accumulated, 1/K each, while the
  perturbation climbs (Zhu et al. 2020); K forward/backward passes.

The paper's code releases none of this and its text was not available to check: every default
below is marked unverified.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xharness_plugins.robust import perturbation
from xtreme_harness.component import Param
from xtreme_harness.regularizer import Regularizer, TrainingContext

UNVERIFIED = "common choice for embedding-space attacks; not confirmed by Huang et al. 2021"


class Adversarial(Regularizer):
    name = "adversarial"
    description = (
        "Adversarial training: projected gradient ascent on the input embeddings "
        "(variants pgd, fgm, freelb)."
    )
    params = (
        Param("variant", str, "pgd", "pgd, fgm (one step) or freelb (accumulated gradients)",
              choices=("pgd", "fgm", "freelb")),
        Param("steps", int, 3, "ascent steps K (fgm: always 1)", minimum=1,
              source=UNVERIFIED, verified=False),
        Param("epsilon", float, 1.0, "radius of the perturbation ball, per example", above=0.0,
              source=UNVERIFIED, verified=False),
        Param("alpha", float, 0.3, "ascent step size (fgm: epsilon)", above=0.0,
              source=UNVERIFIED, verified=False),
        Param("norm", str, "l2", "norm of the ball: l2 or linf", choices=perturbation.NORMS,
              source=UNVERIFIED, verified=False),
        Param("init", str, "random", "start of the ascent: random (in the ball) or zero",
              choices=("random", "zero"), source=UNVERIFIED, verified=False),
        Param("loss", str, "clean+adv", "what the model trains on: adv, or the mean of clean "
              "and adv (pgd and fgm)", choices=("adv", "clean+adv"),
              source=UNVERIFIED, verified=False),
    )  # fmt: skip

    def loss(self, model: Any, batch: Mapping[str, Any], ctx: TrainingContext) -> Any:
        if self.options["variant"] == "freelb":
            return self._freelb(model, batch, ctx)
        delta = self.perturbation(model, batch, ctx)
        embeddings = ctx.embed(model, batch)
        adversarial = ctx.forward(model, batch, inputs_embeds=embeddings + delta).loss
        if self.options["loss"] == "adv":
            return adversarial
        clean = ctx.forward(model, batch).loss
        return (clean + adversarial) / 2

    def attack_settings(self) -> tuple[int, float, float, str, str]:
        """Steps, epsilon, alpha, norm and start, with fgm's fixed values applied."""
        options = self.options
        if options["variant"] == "fgm":
            return 1, options["epsilon"], options["epsilon"], options["norm"], "zero"
        return (options["steps"], options["epsilon"], options["alpha"], options["norm"],
                options["init"])  # fmt: skip

    def perturbation(self, model: Any, batch: Mapping[str, Any], ctx: TrainingContext) -> Any:
        """The adversarial perturbation of the batch's embeddings (detached, within epsilon)."""
        import torch

        steps, epsilon, alpha, kind, init = self.attack_settings()
        embeddings = ctx.embed(model, batch).detach()
        mask = perturbation.mask_of(batch, embeddings)
        if init == "random":
            delta = perturbation.random_start(embeddings, epsilon, kind, mask, ctx.generator)
        else:
            delta = torch.zeros_like(embeddings)
        for _ in range(steps):
            delta.requires_grad_(True)
            loss = ctx.forward(model, batch, inputs_embeds=embeddings + delta).loss
            (grad,) = torch.autograd.grad(loss, delta)
            step = alpha * perturbation.ascent_direction(grad.float(), kind, mask)
            delta = perturbation.project(delta.detach() + step.to(delta.dtype), epsilon, kind, mask)
        return delta.detach()

    def _freelb(self, model: Any, batch: Mapping[str, Any], ctx: TrainingContext) -> Any:
        import torch

        steps, epsilon, alpha, kind, init = self.attack_settings()
        with torch.no_grad():
            reference = ctx.embed(model, batch)
        mask = perturbation.mask_of(batch, reference)
        if init == "random":
            delta = perturbation.random_start(reference, epsilon, kind, mask, ctx.generator)
        else:
            delta = torch.zeros_like(reference)
        total = reference.new_zeros(())
        for _ in range(steps):
            delta.requires_grad_(True)
            embeddings = ctx.embed(model, batch)
            loss = ctx.forward(model, batch, inputs_embeds=embeddings + delta).loss / steps
            ctx.backward(loss)  # parameter gradients accumulate over the ascent
            step = alpha * perturbation.ascent_direction(delta.grad.float(), kind, mask)
            delta = perturbation.project(delta.detach() + step.to(delta.dtype), epsilon, kind, mask)
            total = total + loss.detach()
        return total  # detached: the gradients are already in place
