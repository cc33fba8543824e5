"""URIEL distances from lang2vec's data: pairs whose relation is known, geographic distance
against Glottolog coordinates, and the least-squares fit of the distance covariate."""

from __future__ import annotations

import math

import numpy as np
import pytest

from xtreme_harness.errors import UsageError
from xtreme_harness.registry import typology
from xtreme_harness.results import distance_model

# Glottolog 5.1 coordinates (languages.csv: stan1293, stan1295, nucl1643, swah1253, yoru1245)
GLOTTOLOG = {"en": (53.0, -1.0), "de": (48.649, 12.4676), "ja": (35.0, 135.0),
             "sw": (-8.25605, 37.624), "yo": (7.15345, 3.67225)}  # fmt: skip


def _orthodromic(a, b):
    (la1, lo1), (la2, lo2) = np.radians(a), np.radians(b)
    cosine = np.sin(la1) * np.sin(la2) + np.cos(la1) * np.cos(la2) * np.cos(lo1 - lo2)
    return float(np.arccos(cosine) / np.pi)


def test_the_pinned_package_provides_the_data():
    assert typology.version() == "1.1.2"
    assert typology.uriel_code("sw") == "swh" and typology.uriel_code("et") == "est"


def test_genetic_distance_follows_the_family_tree():
    assert typology.distance("hi", "ur", "genetic") == pytest.approx(0.0)  # one lineage
    germanic = typology.distance("en", "de", "genetic")
    indo_european = typology.distance("en", "fr", "genetic")
    assert 0 < germanic < indo_european < 1
    assert typology.distance("en", "ja", "genetic") == pytest.approx(1.0)  # other families
    assert typology.distance("fi", "et", "genetic") < 0.3  # both Finnic
    assert math.isnan(typology.distance("eu", "es", "genetic"))  # Basque, an isolate


def test_typological_distances_rank_close_languages_first():
    for kind in ("syntactic", "phonological", "inventory"):
        assert typology.distance("fi", "et", kind) < typology.distance("fi", "ja", kind), kind
    assert typology.distance("en", "de", "syntactic") < typology.distance("en", "ja", "syntactic")
    assert typology.distance("de", "de", "syntactic") == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(("a", "b"), [("en", "de"), ("en", "ja"), ("sw", "yo"), ("de", "ja")])
def test_geographic_distance_is_the_orthodromic_over_the_antipodal_distance(a, b):
    """Within 0.004 (about 80 km) of the distance between the Glottolog points: URIEL took its
    positions from an older Glottolog."""
    expected = _orthodromic(GLOTTOLOG[a], GLOTTOLOG[b])
    assert typology.distance(a, b, "geographic") == pytest.approx(expected, abs=0.004)


def test_unknown_languages_and_kinds_are_usage_errors():
    with pytest.raises(UsageError, match="not in URIEL"):
        typology.distance("en", "qqq", "genetic")
    with pytest.raises(UsageError, match="expected one of genetic"):
        typology.distance("en", "de", "lexical")


def test_the_linear_model_matches_a_case_worked_by_hand():
    """y = 1 + 2 d exactly for d = 0..4 with class all 0 but one: slope 2, intercept 1, R² 1;
    and with noise, the slope and its interval from the normal equations."""
    exact = distance_model.ols([1, 3, 5, 7, 9], [[0, 1, 2, 3, 4], [0, 0, 0, 0, 1]])
    assert exact.params == pytest.approx([1, 2, 0], abs=1e-9) and exact.rsquared == pytest.approx(1)
    d, c = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 1.0, 2.0, 1.0, 3.0]
    y = [1.0, 2.5, 2.0, 4.5, 4.0, 7.0]
    fit = distance_model.ols(y, [d, c])
    design = np.column_stack([np.ones(6), d, c])
    beta = np.linalg.solve(design.T @ design, design.T @ np.array(y))
    residual = np.array(y) - design @ beta
    sigma2 = residual @ residual / (6 - 3)
    se = np.sqrt(sigma2 * np.linalg.inv(design.T @ design)[1, 1])
    from scipy.stats import t

    assert fit.params == pytest.approx(beta)
    assert fit.conf_int(0.05)[1] == pytest.approx([beta[1] - t.ppf(0.975, 3) * se,
                                                   beta[1] + t.ppf(0.975, 3) * se])  # fmt: skip
