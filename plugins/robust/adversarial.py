"""Adversarial training on input embeddings (Huang et al. 2021 train "to tolerate noise in the
contextual embedding spaces"; the attack follows Madry et al. 2018).

The perturbation is found by projected gradient ascent on the loss, with respect to a perturbation
of the batch's input (token) embeddings, never to the tokens themselves and never changing the
embedding matrix: the ascent steps take gradients with respect to the perturbation only. Three
variants of one method:

- ``pgd``: K ascent steps of size alpha from a random (or zero) start, each projected onto the
  epsilon-ball; the model then trains on the perturbed input (and, with ``clean+adv``, on the clean
  one too: the mean of both losses). About 1 + 2K/3 plain steps (2 + 2K/3 with clean+adv): an
  ascent pass takes no parameter gradients (docs/robustness.md).
- ``fgm``: one step of size epsilon from zero (Miyato et al. 2017), i.e. ``pgd`` with K = 1.
- ``freelb``: FreeLB (Zhu et al. 2020) as its released code does it: K forward/backward passes
  whose parameter gradients are accumulated, 1/K each, while the perturbation climbs between them
  by FreeLB's own step (the gradient over its per-example L2 norm or max-norm, not its sign),
  projected only when ``epsilon`` > 0, from a random start of its own size ``init_magnitude``.

Huang et al.'s code releases none of this and their text was not available to check: every default
shared by the variants is marked unverified. ``init_magnitude`` (freelb only) is FreeLB's own
parameter, cited to its released code: github.com/zhuchen03/FreeLB at commit eb23701
(eb2370161037f3b03c5ab1262fb455dc7da4d361), ``huggingface-transformers/examples/run_glue_freelb.py``
(the training loop, lines 223-305) and ``huggingface-transformers/launch/run_glue.sh`` (its GLUE
settings, lines 51-66). The ``fairseq-RoBERTa`` half of that repository (its
``fairseq/tasks/sentence_prediction.py``, ``freelb_train_step``) counts ``--adv-steps`` as ascent
steps after a first pass (K + 1 passes); xharness follows the transformers version, where K counts
the passes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xharness_plugins.robust import perturbation
from xtreme_harness.interfaces import Param, Regularizer, TrainingContext, UsageError

UNVERIFIED = "common choice for embedding-space attacks; not confirmed by Huang et al. 2021"
FREELB_REPO = "zhuchen03/FreeLB@eb23701"
FREELB_CODE = "huggingface-transformers/examples/run_glue_freelb.py"
FREELB_GLUE = "huggingface-transformers/launch/run_glue.sh"
INIT_MAGNITUDE_SOURCE = (
    f"FreeLB's MNLI setting for ALBERT-xxlarge-v2 (adv_init_mag 8e-2, {FREELB_REPO} "
    f"{FREELB_GLUE}:60); tuned per GLUE task there (0 to 0.6, lines 52-66); the script's own "
    f"default is 0, no random start ({FREELB_CODE}:652)"
)


class Adversarial(Regularizer):
    name = "adversarial"
    description = (
        "Adversarial training: projected gradient ascent on the input embeddings "
        "(variants pgd, fgm, freelb)."
    )
    params = (
        Param("variant", str, "pgd", "pgd, fgm (one step) or freelb (accumulated gradients)",
              choices=("pgd", "fgm", "freelb")),
        Param("steps", int, 3, "ascent steps K (fgm: always 1; freelb: forward/backward passes, "
              "FreeLB's adv_steps)", minimum=1, source=UNVERIFIED, verified=False),
        Param("epsilon", float, 1.0, "radius of the perturbation ball, per example (freelb: "
              "FreeLB's adv_max_norm, 0 for no bound; pgd and fgm need > 0)", minimum=0.0,
              source=UNVERIFIED, verified=False),
        Param("alpha", float, 0.3, "ascent step size (fgm: epsilon; freelb: FreeLB's adv_lr)",
              above=0.0, source=UNVERIFIED, verified=False),
        Param("norm", str, "l2", "norm of the ball: l2 or linf", choices=perturbation.NORMS,
              source=UNVERIFIED, verified=False),
        Param("init", str, "random", "start of the ascent: random or zero (pgd: uniform in the "
              "epsilon-ball; freelb: of size init_magnitude)", choices=("random", "zero"),
              source=UNVERIFIED, verified=False),
        Param("init_magnitude", float, 0.08, "freelb only: size of the random start, FreeLB's "
              "adv_init_mag (l2: the norm's bound; linf: the bound of every coordinate); 0 starts "
              "at zero", minimum=0.0, source=INIT_MAGNITUDE_SOURCE),
        Param("loss", str, "clean+adv", "what the model trains on: adv, or the mean of clean "
              "and adv (pgd and fgm)", choices=("adv", "clean+adv"),
              source=UNVERIFIED, verified=False),
    )  # fmt: skip

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        variant = self.options["variant"]
        if variant != "freelb" and self.options["epsilon"] == 0:
            raise UsageError(
                f"parameter 'epsilon' of regularizer 'adversarial': expected a value greater than "
                f"0.0 for variant {variant}, got {options['epsilon']!r} (0, no bound, is FreeLB's "
                f"and only for variant freelb)"
            )

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
        """FreeLB's training step (run_glue_freelb.py:223-305): K passes on the embeddings plus
        delta, each loss divided by K (line 263) and back-propagated at once, so the parameter
        gradients of all passes accumulate (lines 267-271); delta climbs between passes, and not
        after the last one (lines 273-275). The embeddings are looked up afresh for every pass,
        as there (lines 301-304), because each backward frees the previous graph."""
        import torch

        steps = self.options["steps"]
        with torch.no_grad():
            reference = ctx.embed(model, batch)
        mask = perturbation.mask_of(batch, reference)
        delta = self._freelb_start(reference, mask, ctx)
        total = reference.new_zeros(())
        for step in range(steps):
            delta.requires_grad_(True)
            embeddings = ctx.embed(model, batch)
            loss = ctx.forward(model, batch, inputs_embeds=embeddings + delta).loss / steps
            ctx.backward(loss)  # parameter gradients accumulate over the ascent
            total = total + loss.detach()
            if step < steps - 1:
                delta = self._freelb_step(delta, mask)
        return total  # detached: the gradients are already in place

    def _freelb_start(self, reference: Any, mask: Any, ctx: TrainingContext) -> Any:
        """Zero with ``init=zero``, else FreeLB's random start of size ``init_magnitude`` (not
        epsilon: FreeLB's adv_init_mag is its own setting, run_glue_freelb.py:229-245)."""
        import torch

        if self.options["init"] == "zero":
            return torch.zeros_like(reference)
        magnitude, kind = self.options["init_magnitude"], self.options["norm"]
        return perturbation.freelb_random_start(reference, magnitude, kind, mask, ctx.generator)

    def _freelb_step(self, delta: Any, mask: Any) -> Any:
        """One ascent step on delta by the gradient its pass left in ``delta.grad``, then FreeLB's
        projection (run_glue_freelb.py:278-296)."""
        kind, alpha = self.options["norm"], self.options["alpha"]
        direction = perturbation.freelb_ascent_direction(delta.grad.float(), kind, mask)
        moved = delta.detach() + (alpha * direction).to(delta.dtype)
        return perturbation.freelb_project(moved, self.options["epsilon"], kind)
