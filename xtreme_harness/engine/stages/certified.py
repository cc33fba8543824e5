"""Certified prediction of one language's test set: majority vote over noisy copies, and the
certificates of randomized smoothing (`xtreme_harness.results.certification`).

The prediction written in the official layout is the majority vote over the estimation copies
(the smoothed classifier's prediction, never an abstention: the layout has no place for one);
the certificates go beside it, one per example, with the certified accuracy at each radius among
the language's scores (``certified@R``).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from xtreme_harness.atomic import write_text
from xtreme_harness.engine.context import Context
from xtreme_harness.engine.device import Placement
from xtreme_harness.engine.kinds.base import KindImpl
from xtreme_harness.engine.smoothing import vote_counts
from xtreme_harness.interfaces.perturber import Perturber
from xtreme_harness.results import certification


def radii(perturber: Perturber, regularizer: Any) -> list[float]:
    """The radii reported: the perturber's, or 0 and the radii of bounds 0.75, 0.9 and 0.99."""
    given = str(perturber.options.get("radii") or "").strip()
    if given:
        return sorted({float(part) for part in given.split(",") if part.strip()})
    found = {0.0}
    for bound in (0.75, 0.9, 0.99):
        found.add(round(float(regularizer.certified_radius(bound)), 6))
    return sorted(found)


def certified(
    ctx: Context,
    model: Any,
    kind: KindImpl,
    tokenizer: Any,
    placement: Placement,
    examples: list[dict],
    perturber: Perturber,
    path: str,
) -> tuple[list[Any], dict[str, float], dict[str, Any]]:
    """The majority-vote predictions, the certified accuracies (percent, keyed by
    `certification.metric_name`; empty without gold labels) and the record of the language;
    the certificates are written to `path`."""
    regularizer = ctx.cell.regularizer()
    options = perturber.options
    features = ctx.tokenized.encode(kind, examples, tokenizer, ctx.evaluation_recipe.max_length)
    selection, estimation = vote_counts(
        model, kind, features, regularizer, copies=(options["n0"], options["n"]),
        placement=placement, pad_id=tokenizer.pad_token_id, seed=options.get("seed", 0),
        batch_size=ctx.config.eval_batch_size, max_tokens=ctx.config.eval_tokens,
    )  # fmt: skip
    predicted = kind.decode(examples, features, list(estimation))
    certificates = [
        certification.certify(chosen, counted, options["alpha"], regularizer.certified_radius)
        for chosen, counted in zip(selection, estimation, strict=True)
    ]
    by_example = {feature.example: c for feature, c in zip(features, certificates, strict=True)}
    ordered = [by_example[i] for i in range(len(examples))]
    classes = kind.decode(examples, features, [_one_hot(c.index, selection) for c in certificates])
    gold = kind.gold(examples)
    scores: dict[str, float] = {}
    wanted = radii(perturber, regularizer)
    if gold is not None:
        correct = [g == c for g, c in zip(gold, classes, strict=True)]
        found = certification.certified_accuracy(ordered, correct, wanted)
        scores = {certification.metric_name(r): value for r, value in found.items()}
    write_text(path, json.dumps([c.record() for c in ordered]))
    record = {
        "perturber": perturber.name,
        "model_aware": True,
        "certified": True,
        "noise": {"regularizer": regularizer.name, "options": regularizer.fingerprint()},
        "copies": {"selection": options["n0"], "estimation": options["n"]},
        "alpha": options["alpha"],
        "radii": wanted,
        "abstained": sum(c.radius is None for c in ordered),
    }
    return predicted, scores, record


def _one_hot(index: int, like: np.ndarray) -> np.ndarray:
    row = np.zeros(like.shape[1], dtype=np.int64)
    row[index] = 1
    return row
