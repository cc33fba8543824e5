"""Typological distance as a covariate: is a language-set effect "diverse families help" or
"closer languages help"?

For each target language of a main comparison, its *gain* is the per-language difference of the
compared configurations (level minus baseline, mean over the shared seeds); its distances are
averaged over the seeds too (a sampler may draw other languages for another seed). Its distance
to the level's intermediate languages is the URIEL distance (`registry.typology`) to the nearest of
them and the mean over them; where the baseline has intermediate languages of its own, the
covariate is the change, nearest distance to the level's minus to the baseline's. For each kind
of distance, an ordinary least-squares fit (statsmodels)

    gain = b0 + b1 * distance + b2 * resource class + error

gives b1, the change in gain per unit of distance at equal resource class, with its 95%
confidence interval and p-value (t distribution). A negative b1: the effect is larger for target
languages close to the intermediate languages.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from xtreme_harness.errors import UsageError

KINDS = ("genetic", "syntactic", "phonological", "geographic")
MIN_LANGUAGES = 5
"""Fewer target languages leave too few degrees of freedom for three coefficients."""


@dataclass
class LanguageRow:
    language: str
    gain: float
    resource_class: int | None
    nearest: dict[str, float] = field(default_factory=dict)
    """Kind -> the covariate: nearest distance (or its change against the baseline's set)."""
    mean: dict[str, float] = field(default_factory=dict)
    """Kind -> mean distance to the level's intermediate languages."""


@dataclass
class Fit:
    task: str
    context: str
    contrast: str
    kind: str
    covariate: str
    languages: int
    slope: float
    low: float
    high: float
    p: float
    resource_slope: float
    r_squared: float
    p_adjusted: float | None = None
    rows: list[LanguageRow] = field(default_factory=list)


def intermediate_languages(result: Any) -> list[str] | None:
    section = result.document.get("intermediate")
    if section is None:
        return None
    return [entry["language"] for entry in section["allocation"]["languages"]]


def ols(gains: Sequence[float], covariates: Sequence[Sequence[float]]) -> Any:
    """The statsmodels OLS fit of gains on an intercept and the covariates (columns)."""
    import numpy as np
    import statsmodels.api as sm

    design = sm.add_constant(np.column_stack([np.asarray(c, dtype=float) for c in covariates]),
                             has_constant="add")  # fmt: skip
    return sm.OLS(np.asarray(gains, dtype=float), design).fit()


def _distances(target: str, languages: Sequence[str], kind: str) -> list[float]:
    from xtreme_harness.registry import typology

    return [typology.distance(target, other, kind) for other in languages]


def rows(level: dict[int, Any], baseline: dict[int, Any], notes: list[str]) -> list[LanguageRow]:
    """Per target language: gain and distances (seed -> result of each side, same seeds)."""
    from xtreme_harness.registry import typology
    from xtreme_harness.registry.languages import default_registry
    from xtreme_harness.results.tables import language_scores

    seeds = sorted(level)
    first = level[seeds[0]]
    # a sampler may draw other languages for other seeds: distances are averaged over seeds
    sets = [(intermediate_languages(level[s]), intermediate_languages(baseline[s])) for s in seeds]
    if not all(mine for mine, _ in sets):
        return []
    registry = default_registry()
    found = []
    scores = [(language_scores(level[s]), language_scores(baseline[s])) for s in seeds]
    for language in first.document["task"]["languages"]:
        if any(language not in a or language not in b for a, b in scores):
            continue
        try:
            typology.uriel_code(language)
        except UsageError as error:  # a language URIEL lacks is left out, and noted
            text = f"typological distance: {language} left out ({error})"
            if text not in notes:
                notes.append(text)
            continue
        row = LanguageRow(
            language,
            statistics.fmean(a[language] - b[language] for a, b in scores),
            registry.get(language).resource_class if language in registry else None,
        )
        for kind in KINDS:
            nearest, mean = [], []
            for mine, theirs in sets:
                near = _distances(language, mine, kind)
                mean.append(statistics.fmean(near))
                change = min(near)
                if theirs and sorted(theirs) != sorted(mine):
                    change -= min(_distances(language, theirs, kind))
                nearest.append(change)
            row.nearest[kind] = statistics.fmean(nearest)
            row.mean[kind] = statistics.fmean(mean)
        found.append(row)
    return found


def fit(task: str, context: str, contrast: str, found: list[LanguageRow],
        changed: bool) -> list[Fit]:  # fmt: skip
    """One fit per kind of distance over the rows with a resource class and finite distances."""
    import math

    fits = []
    for kind in KINDS:
        usable = [r for r in found if r.resource_class is not None
                  and math.isfinite(r.nearest[kind])]  # fmt: skip
        if len(usable) < MIN_LANGUAGES:
            continue
        model = ols([r.gain for r in usable], [[r.nearest[kind] for r in usable],
                                                [r.resource_class for r in usable]])  # fmt: skip
        low, high = model.conf_int(0.05)[1]
        if not all(math.isfinite(v) for v in (model.params[1], low, high, model.pvalues[1])):
            continue  # a covariate without spread (one resource class, equal distances)
        covariate = "nearest distance to the intermediate languages"
        if changed:
            covariate = (
                "nearest distance to the level's intermediate languages minus the baseline's"
            )
        fits.append(Fit(task, context, contrast, kind, covariate, len(usable),
                        float(model.params[1]), float(low), float(high),
                        float(model.pvalues[1]), float(model.params[2]),
                        float(model.rsquared), rows=usable))  # fmt: skip
    return fits
