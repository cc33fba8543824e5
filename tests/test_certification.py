"""Certified prediction under randomized smoothing: the Clopper-Pearson bound, CERTIFY on fixed
counts, and a grid that certifies a model trained with rs-rp.

Reference semantics: Cohen, Rosenfeld and Kolter 2019, locuslab/smoothing at 78a4d94:
code/core.py:39-51 (certify), :112 (the bound), code/analyze.py:28 (certified accuracy)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from scipy.stats import binomtest, norm

from xharness_plugins.robust.smoothing import RandomPerturbation
from xtreme_harness.cli import cli
from xtreme_harness.config import cell as cells
from xtreme_harness.config.run import RunConfig
from xtreme_harness.errors import UsageError
from xtreme_harness.plugin_host import get_host
from xtreme_harness.results import certification
from xtreme_harness.results.files import find, path_in_run


@pytest.mark.parametrize(
    ("successes", "trials", "alpha"),
    [(0, 10, 0.001), (1, 10, 0.05), (37, 50, 0.001), (990, 1000, 0.001), (100, 100, 0.01)],
)
def test_the_lower_bound_is_scipys_exact_interval(successes, trials, alpha):
    # a two-sided exact (Clopper-Pearson) interval at 1 - 2 alpha has the one-sided lower end
    expected = binomtest(successes, trials).proportion_ci(1 - 2 * alpha, method="exact").low
    assert certification.lower_bound(successes, trials, alpha) == pytest.approx(expected, abs=1e-9)


def test_the_lower_bound_by_hand():
    # all n copies agree: P(Bin(n, p) = n) = p^n = alpha, so p = alpha^(1/n)
    assert certification.lower_bound(100, 100, 0.001) == pytest.approx(0.001**0.01, rel=1e-9)
    assert certification.lower_bound(100, 100, 0.001) == pytest.approx(0.933254, abs=1e-6)


def test_certify_on_fixed_counts():
    sigma = 0.25
    radius_of = RandomPerturbation(scale=sigma).certified_radius
    # selection picks class 2; 95 of 100 estimation votes for it
    found = certification.certify(np.array([1, 3, 96]), np.array([2, 3, 95]), 0.001, radius_of)
    p = certification.lower_bound(95, 100, 0.001)
    assert (found.index, found.count) == (2, 95) and found.p_lower == pytest.approx(p)
    assert found.radius == pytest.approx(sigma * norm.ppf(p))
    # selection and estimation disagree: the certified class has 40 of 100, and abstains
    split = certification.certify(np.array([60, 40]), np.array([60, 40])[::-1], 0.001, radius_of)
    assert split.index == 0 and split.count == 40 and split.radius is None
    # uniform noise in a ball certifies nothing here
    assert RandomPerturbation(distribution="uniform-l2").certified_radius(0.9) is None


def test_certified_accuracy_counts_correct_certificates_at_least_that_far():
    certificate = certification.Certificate
    made = [certificate(0, 90, 0.8, 0.2), certificate(1, 99, 0.95, 0.4),
            certificate(0, 45, 0.4, None), certificate(1, 99, 0.95, 0.4)]  # fmt: skip
    correct = [True, True, False, False]
    found = certification.certified_accuracy(made, correct, [0.0, 0.2, 0.3, 0.5])
    assert found == {0.0: 50.0, 0.2: 50.0, 0.3: 25.0, 0.5: 0.0}


def _check(**config):
    base = {"model": "m", "task": "xnli", "source": "sample", "out": "o"}
    cells.resolve(RunConfig(**{**base, **config}), get_host()).check_setting()


def test_certified_prediction_is_refused_where_it_means_nothing():
    with pytest.raises(UsageError, match=r"regularizer none .* has none that certifies"):
        _check(perturbation="certified")
    with pytest.raises(UsageError, match="regularizer rs-rp"):
        _check(perturbation="certified", regularizer="rs-rp",
               regularizer_options={"distribution": "uniform-l2"})  # fmt: skip
    with pytest.raises(UsageError, match="certified on panx: certified prediction votes"):
        _check(task="panx", perturbation="certified", regularizer="rs-rp")
    with pytest.raises(UsageError, match="radii='0,-1'"):
        _check(
            perturbation="certified", regularizer="rs-rp", perturbation_options={"radii": "0,-1"}
        )
    _check(perturbation="certified", regularizer="rs-rp")
    _check(task="xcopa", perturbation="certified", regularizer="rs-rp")


def _grid(tmp_path, tiny_model, scale, radii, learning_rate="1.0e-3"):
    spec = tmp_path / "grid.yaml"
    spec.write_text(
        f"model: {tiny_model}\nsource: sample\ntasks: [xnli]\nseeds: [1]\nepochs: 20\n"
        f"learning_rate: {learning_rate}\nbatch_size: 8\ngrad_accum: 1\neval_languages: en,de\n"
        f"regularizers:\n  - {{name: rs-rp, options: {{scale: {scale}}}}}\n"
        f"out: {tmp_path / 'g'}\nperturbations:\n  - none\n"
        f"  - {{name: certified, options: {{n0: 10, n: 50, radii: '{radii}'}}}}\n",
        encoding="utf-8",
    )
    made = CliRunner().invoke(cli, ["grid", str(spec)])
    assert made.exit_code == 0, made.output
    found = {}
    for result in find(str(tmp_path / "g")):
        found["clean" if result.document["config"]["perturbation"] is None else "certified"] = (
            result
        )
    return found


def _certificates(result, language):
    entry = result.document["evaluation"][language]
    path = path_in_run(result, entry["certificates"], "certificates")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _recount(result, language, radius):
    """Certified accuracy at `radius` from the certificates file and the gold labels."""
    spec = get_host().get("tasks", "xnli")
    certificates = _certificates(result, language)
    gold = [e["label"] for e in spec.sources["sample"].load("test", language).to_list()]
    hits = sum(
        1 for c, g in zip(certificates, gold, strict=True)
        if c["radius"] is not None and c["radius"] >= radius and spec.labels[c["class"]] == g
    )  # fmt: skip
    return 100.0 * hits / len(gold)


def test_certification_of_an_rs_rp_model(tiny_model, tmp_path):
    """Noise of scale 0.5: some examples abstain. Certified accuracy at each radius is what the
    certificates file gives, below the majority vote's accuracy, and never rises with the
    radius."""
    radii = [0.0, 0.1, 0.5, 1.0]
    found = _grid(tmp_path, tiny_model, 0.5, ",".join(map(str, radii)))
    result = found["certified"]
    for language in ("en", "de"):
        scores = result.document["scores"][language]
        record = result.document["evaluation"][language]["perturbation"]
        assert record["copies"] == {"selection": 10, "estimation": 50} and record["radii"] == radii
        values = [scores[certification.metric_name(r)] for r in radii]
        assert values == sorted(values, reverse=True)
        assert record["abstained"] > 0 and values[0] < scores["accuracy"]
        for radius, value in zip(radii, values, strict=True):
            assert value == pytest.approx(_recount(result, language, radius))
        # all 50 copies agreeing certifies sigma * Phi^-1(alpha^(1/50)) at most
        top = 0.5 * norm.ppf(0.001 ** (1 / 50))
        certificates = _certificates(result, language)
        assert all(c["radius"] is None or c["radius"] <= top + 1e-6 for c in certificates)
        assert record["abstained"] == sum(c["radius"] is None for c in certificates)


def test_with_negligible_noise_certified_accuracy_at_zero_is_the_majority_vote(
    tiny_model, tmp_path
):
    """Noise of scale 1e-6: every copy votes as the clean model, nothing abstains, so certified
    accuracy at radius 0 is the majority vote's accuracy, which is the clean accuracy."""
    found = _grid(tmp_path, tiny_model, 1e-6, "0", learning_rate="5.0e-4")
    certified, clean = found["certified"], found["clean"]
    for language in ("en", "de"):
        scores = certified.document["scores"][language]
        assert certified.document["evaluation"][language]["perturbation"]["abstained"] == 0
        assert scores["certified@0"] == pytest.approx(scores["accuracy"], abs=1e-9)
        assert scores["accuracy"] == clean.document["scores"][language]["accuracy"]
        assert len({c["class"] for c in _certificates(certified, language)}) > 1  # not constant
