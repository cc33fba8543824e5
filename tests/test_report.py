"""`xharness report`: main effects and interactions from a real grid's result files, with the
values checked against the results themselves, and what it does with missing results."""

from __future__ import annotations

import json
import statistics

import pytest
from click.testing import CliRunner

from xtreme_harness.cli import cli
from xtreme_harness.errors import UsageError
from xtreme_harness.results import effects
from xtreme_harness.results import report as reports
from xtreme_harness.results.files import Result, find


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def grid_dir(tiny_model, tmp_path_factory):
    """xnli (every language: a task score needs them all) after MASSIVE on two language sets,
    none and rs-rp, three seeds."""
    out = tmp_path_factory.mktemp("report") / "g"
    result = invoke(
        "grid", "--model", tiny_model, "--source", "sample", "--tasks", "xnli",
        "--intermediate", "massive", "--language-sets", "high-resource,low-resource-diverse",
        "--languages", "3", "--budget", "30", "--intermediate-max-steps", "2",
        "--regularizers", "none,rs-rp", "--seeds", "1,2,3", "--max-steps", "2", "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def _score(results, language_set, regularizer, seed):
    (found,) = [r for r in results if r.seed == seed
                and r.document["config"]["intermediate"]["language_set"]["name"] == language_set
                and r.document["config"]["regularizer"]["name"] == regularizer]  # fmt: skip
    return found.document["score"]


def test_main_effects_and_the_interaction_equal_the_results_own_scores(grid_dir):
    results = find(str(grid_dir))
    built = reports.build(results, "language_set", "high-resource", by="regularizer")
    main = {c.context: c for c in built.comparisons if c.kind == "main"}
    (inter,) = [c for c in built.comparisons if c.kind == "interaction"]
    assert set(main) == {"regularizer none", "regularizer rs-rp"} and not built.missing
    effect = {
        reg: statistics.fmean(_score(results, "low-resource-diverse", reg, s)
                              - _score(results, "high-resource", reg, s) for s in (1, 2, 3))
        for reg in ("none", "rs-rp")
    }  # fmt: skip
    assert main["regularizer none"].examples.value == pytest.approx(effect["none"])
    assert main["regularizer rs-rp"].over_seeds.value == pytest.approx(effect["rs-rp"])
    assert inter.examples.value == pytest.approx(effect["rs-rp"] - effect["none"])
    assert inter.contrast == "(low-resource-diverse - high-resource) under rs-rp minus under none"
    for comparison in built.comparisons:
        assert comparison.seeds == [1, 2, 3]
        assert comparison.examples.low <= comparison.examples.value <= comparison.examples.high
        assert comparison.examples.p <= comparison.p_adjusted <= 1  # Holm over all three
    assert len(built.results) == 12 and all(len(h) == 64 for h in built.results.values())


def test_the_detectable_effect_comes_from_the_spread_of_the_per_seed_contrasts(grid_dir):
    """After two updates the tiny model predicts one class everywhere (every score is 33.3), so
    differences are planted in the documents: the low-resource-diverse results score 1, 3 and 2
    points above their own value. The contrasts over seeds and the detectable effect must follow
    them, paired by seed within each regularizer."""
    shifted = []
    for result in find(str(grid_dir)):
        document = json.loads(json.dumps(result.document))
        if document["config"]["intermediate"]["language_set"]["name"] == "low-resource-diverse":
            document["score"] += {1: 1.0, 2: 3.0, 3: 2.0}[result.seed]
        shifted.append(Result(result.path, document))
    results = find(str(grid_dir))
    built = reports.build(shifted, "language_set", "high-resource")
    for comparison in built.comparisons:
        reg = comparison.context.removeprefix("regularizer ")
        per_seed = [_score(results, "low-resource-diverse", reg, s)
                    - _score(results, "high-resource", reg, s) + {1: 1.0, 2: 3.0, 3: 2.0}[s]
                    for s in (1, 2, 3)]  # fmt: skip
        expected = effects.detectable_effect(statistics.stdev(per_seed), 3)
        assert comparison.detectable == pytest.approx(expected)
        assert comparison.over_seeds.value == pytest.approx(statistics.fmean(per_seed))


def test_missing_results_shrink_the_pairs_or_leave_a_comparison_out(grid_dir, tmp_path):
    def dropped(result):
        return result.seed == 3 and result.document["config"]["regularizer"]["name"] == "none"

    results = [r for r in find(str(grid_dir)) if not dropped(r)]
    built = reports.build(results, "language_set", "high-resource", by="regularizer")
    main_none = next(c for c in built.comparisons if c.context == "regularizer none")
    assert main_none.seeds == [1, 2] and main_none.over_seeds is None  # no interval from 2 seeds
    only_high = [r for r in find(str(grid_dir))
                 if r.document["config"]["intermediate"]["language_set"]["name"] == "high-resource"
                 or r.document["config"]["regularizer"]["name"] == "none"]  # fmt: skip
    built = reports.build(only_high, "language_set", "high-resource", by="regularizer")
    assert [c.context for c in built.comparisons] == ["regularizer none"]
    assert any("no results for ('low-resource-diverse', 'rs-rp')" in m for m in built.missing)
    assert "left out for missing results" in reports.summary(built)


def test_the_command_writes_markdown_and_json_and_names_bad_input(grid_dir, tmp_path):
    out = tmp_path / "report.md"
    made = invoke("report", grid_dir, "--baseline", "high-resource", "--by", "regularizer",
                  "--correction", "bh", "--out", out)  # fmt: skip
    assert made.exit_code == 0, made.output
    text = out.read_text("utf-8")
    assert "## Main effects of language_set" in text and "p (Benjamini-Hochberg)" in text
    assert "## Interactions of language_set with regularizer" in text
    assert text.count("| xnli ") == 3
    shown = invoke("report", grid_dir, "--baseline", "high-resource", "--format", "json")
    document = json.loads(shown.output)
    assert {c["kind"] for c in document["comparisons"]} == {"main"}
    assert document["summary"].startswith("Of 2 comparisons")
    bad = invoke("report", grid_dir, "--baseline", "nope")
    assert bad.exit_code == 2 and "they have high-resource, low-resource-diverse" in bad.output
    with pytest.raises(UsageError, match="another factor"):
        reports.build(find(str(grid_dir)), "regularizer", "none", by="regularizer")
