"""Certified prediction under randomized smoothing: from vote counts to certificates and certified
accuracy (Cohen, Rosenfeld and Kolter 2019, "Certified Adversarial Robustness via Randomized
Smoothing", ICML).

The smoothed classifier predicts the class the base model chooses most often on noisy copies of
an input. For each example the engine counts the votes of ``n0`` copies (selection) and of ``n``
more (estimation); here, as the paper's CERTIFY does (locuslab/smoothing ``code/core.py`` at
78a4d94, lines 39-51):

- the certified class is the most voted class of the selection copies;
- its probability under the noise is bounded below by the one-sided Clopper-Pearson bound at
  level ``1 - alpha`` on its count among the estimation copies (``core.py:112``: a two-sided
  interval at ``2 alpha``, lower end);
- a bound below 1/2 abstains; otherwise the prediction is certified within the radius the noise
  gives for that bound (the regularizer supplies it: for Gaussian noise of scale sigma,
  ``sigma * Phi^-1(bound)``, ``core.py:50``).

Certified accuracy at radius r is the share of examples whose certified class is correct and
whose radius is at least r (``code/analyze.py:28``); an abstention is never correct. At radius 0 it
is the accuracy of the smoothed classifier with abstentions counted wrong, at most the
majority-vote accuracy (the most voted class of the estimation copies), and equal to it when no
example abstains.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


def lower_bound(successes: int, trials: int, alpha: float) -> float:
    """The one-sided (1 - alpha) Clopper-Pearson lower bound of a binomial proportion."""
    from scipy.stats import beta

    if successes <= 0:
        return 0.0
    return float(beta.ppf(alpha, successes, trials - successes + 1))


@dataclass(frozen=True)
class Certificate:
    """One example's certified prediction: the class index, its count among the estimation
    copies, the lower bound of its probability and the radius (None: abstained)."""

    index: int
    count: int
    p_lower: float
    radius: float | None

    def record(self) -> dict[str, float | int | None]:
        return {"class": self.index, "count": self.count, "p_lower": round(self.p_lower, 6),
                "radius": None if self.radius is None else round(self.radius, 6)}  # fmt: skip


def certify(
    selection: np.ndarray,
    estimation: np.ndarray,
    alpha: float,
    radius_of: Callable[[float], float | None],
) -> Certificate:
    """CERTIFY for one example, from its vote counts per class (ties go to the lowest index)."""
    index = int(np.argmax(selection))
    count, trials = int(estimation[index]), int(estimation.sum())
    p_lower = lower_bound(count, trials, alpha)
    radius = radius_of(p_lower) if p_lower >= 0.5 else None
    return Certificate(index, count, p_lower, radius)


def certified_accuracy(
    certificates: Sequence[Certificate], correct: Sequence[bool], radii: Sequence[float]
) -> dict[float, float]:
    """Per radius, the percentage of examples certified correct at least that far."""
    if not certificates:
        return {radius: 0.0 for radius in radii}
    found = {}
    for radius in radii:
        hits = sum(
            1
            for certificate, right in zip(certificates, correct, strict=True)
            if right and certificate.radius is not None and certificate.radius >= radius
        )
        found[radius] = 100.0 * hits / len(certificates)
    return found


def metric_name(radius: float) -> str:
    """The key of certified accuracy at `radius` among a language's scores."""
    return f"certified@{radius:g}"
