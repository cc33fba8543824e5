"""`xharness report`: main effects and interactions from a real grid's result files, with the
values checked against the results themselves, and what it does with missing results."""

from __future__ import annotations

import json
import statistics

import pytest
from click.testing import CliRunner
from test_formats import chromium, console_errors, needs_chromium, parse

from xharness_plugins.formats.html_page import Html
from xtreme_harness.cli import cli
from xtreme_harness.errors import UsageError
from xtreme_harness.registry.languages import default_registry
from xtreme_harness.registry.pretraining import pretrained_languages
from xtreme_harness.results import conclusions, effects, report_document, report_plots
from xtreme_harness.results import report as reports
from xtreme_harness.results.files import Result, find
from xtreme_harness.results.tables import language_scores


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
    overall = [c for c in built.comparisons if c.subgroup is None]
    main = {c.context: c for c in overall if c.kind == "main"}
    (inter,) = [c for c in overall if c.kind == "interaction"]
    assert set(main) == {"regularizer none", "regularizer rs-rp"}
    # xnli alone: its category and the benchmark score are not compared, and say so
    assert built.missing == [
        "Classification (xnli, xcopa): not compared, the results have no xcopa",
        "XTREME-R score: not compared, the results have no xcopa, udpos, panx, xquad, mlqa, "
        "tydiqa, mewslix, lareqa, tatoeba",
    ]
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
        assert comparison.examples.p <= comparison.p_adjusted <= 1  # Holm over all of them
    assert len(built.results) == 12 and all(len(h) == 64 for h in built.results.values())


def _shifted_scores(grid_dir):
    """The grid's results, the low-resource-diverse task scores 1, 3 and 2 points higher for
    seeds 1, 2 and 3."""
    shifted = []
    for result in find(str(grid_dir)):
        document = json.loads(json.dumps(result.document))
        if document["config"]["intermediate"]["language_set"]["name"] == "low-resource-diverse":
            document["score"] += {1: 1.0, 2: 3.0, 3: 2.0}[result.seed]
        shifted.append(Result(result.path, document))
    return shifted


def test_the_detectable_effect_comes_from_the_spread_of_the_per_seed_contrasts(grid_dir):
    """After two updates the tiny model predicts one class everywhere (every score is 33.3), so
    differences are planted in the documents: the low-resource-diverse results score 1, 3 and 2
    points above their own value. The contrasts over seeds and the detectable effect must follow
    them, paired by seed within each regularizer."""
    shifted = _shifted_scores(grid_dir)
    results = find(str(grid_dir))
    built = reports.build(shifted, "language_set", "high-resource", subgroups=())
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
    built = reports.build(results, "language_set", "high-resource", by="regularizer",
                          subgroups=())  # fmt: skip
    main_none = next(c for c in built.comparisons if c.context == "regularizer none")
    assert main_none.seeds == [1, 2] and main_none.over_seeds is None  # no interval from 2 seeds
    only_high = [r for r in find(str(grid_dir))
                 if r.document["config"]["intermediate"]["language_set"]["name"] == "high-resource"
                 or r.document["config"]["regularizer"]["name"] == "none"]  # fmt: skip
    built = reports.build(only_high, "language_set", "high-resource", by="regularizer",
                          subgroups=())  # fmt: skip
    assert [c.context for c in built.comparisons] == ["regularizer none"]
    assert any("no results for ('low-resource-diverse', 'rs-rp')" in m for m in built.missing)
    assert "left out for missing results" in conclusions.summary(built)


def test_the_command_writes_markdown_and_json_and_names_bad_input(grid_dir, tmp_path):
    out = tmp_path / "report.md"
    made = invoke("report", grid_dir, "--baseline", "high-resource", "--by", "regularizer",
                  "--correction", "bh", "--subgroups", "none", "--out", out)  # fmt: skip
    assert made.exit_code == 0, made.output
    text = out.read_text("utf-8")
    assert "## Main effects of language\\_set" in text and "p (Benjamini-Hochberg)" in text
    assert "## Interactions of language\\_set with regularizer" in text
    assert text.count("| xnli |") == 3
    assert (
        "![Main effects of language\\_set against high-resource](<report-figures/forest.svg>)"
        in text
    )
    figures = sorted(p.name for p in (tmp_path / "report-figures").iterdir())
    assert figures == [f"{name}.{suffix}" for name in ("forest", "heatmap-xnli", "interaction")
                       for suffix in ("png", "svg")]  # fmt: skip
    shown = invoke("report", grid_dir, "--baseline", "high-resource", "--format", "json",
                   "--subgroups", "none")  # fmt: skip
    document = json.loads(shown.output)
    assert {c["kind"] for c in document["comparisons"]} == {"main"}
    assert document["summary"].startswith("The report makes 2 comparisons (2 over all")
    bad = invoke("report", grid_dir, "--baseline", "nope")
    assert bad.exit_code == 2 and "they have high-resource, low-resource-diverse" in bad.output
    bad = invoke("report", grid_dir, "--baseline", "high-resource", "--subgroups", "dialect")
    assert bad.exit_code == 2 and "expected any of seen, resource-class" in bad.output
    bad = invoke("report", grid_dir, "--baseline", "high-resource", "--format", "docx")
    assert bad.exit_code != 0 and "Traceback" not in bad.output
    with pytest.raises(UsageError, match="another factor"):
        reports.build(find(str(grid_dir)), "regularizer", "none", by="regularizer")


def _relabelled(results, task, model=None):
    """The results as if they were of `task` (and of `model`): same units, other identity."""
    found = []
    for result in results:
        document = json.loads(json.dumps(result.document))
        document["task"]["name"] = task
        if model is not None:
            document["model"]["name_or_path"] = model
        found.append(Result(result.path, document))
    return found


def test_a_category_and_the_benchmark_score_average_their_tasks_contrasts(grid_dir):
    """xnli's results copied as xcopa's: the classification average has the tasks' value (that
    each task is resampled on its own stream is tested in test_effects)."""
    xnli = find(str(grid_dir))
    built = reports.build(xnli + _relabelled(xnli, "xcopa"), "language_set", "high-resource",
                          subgroups=())  # fmt: skip
    by_task = {(c.task, c.context): c for c in built.comparisons}
    for context in ("regularizer none", "regularizer rs-rp"):
        task = by_task[("xnli", context)]
        category = by_task[("Classification (xnli, xcopa)", context)]
        assert category.examples.value == pytest.approx(task.examples.value)
        assert category.over_seeds.value == pytest.approx(task.over_seeds.value)
    assert not any(c.task == "XTREME-R score" for c in built.comparisons)
    assert any(m.startswith("XTREME-R score: not compared") for m in built.missing)


def test_subgroups_are_the_contrast_over_their_languages_formed_by_the_compared_level(grid_dir):
    results = find(str(grid_dir))
    built = reports.build(results, "language_set", "high-resource", by="regularizer")
    groups = [c for c in built.comparisons if c.subgroup is not None]
    assert {c.subgroup.split(":")[0] for c in groups} == {
        "intermediate languages", "resource", "family", "script"
    }  # fmt: skip
    assert built.notes == [
        f"pretraining: {results[0].document['model']['name_or_path']} is not in "
        "registry/pretraining.json (a plugin adds a model with "
        "the xharness_register_pretrained_models hook)"
    ]
    languages = results[0].document["task"]["languages"]
    registry = default_registry()
    for c in groups:
        assert 0 < len(c.languages) < len(languages)  # a group of every language adds nothing
        if c.subgroup.startswith("resource: class "):
            value = int(c.subgroup.removeprefix("resource: class "))
            assert c.languages == [x for x in languages if registry.get(x).resource_class == value]
    level = next(r for r in results if r.seed == 1 and r.document["config"]["intermediate"]
                 ["language_set"]["name"] == "low-resource-diverse")  # fmt: skip
    targets = level.document["intermediate"]["targets"]
    for c in groups:
        if c.subgroup.startswith("intermediate languages: unseen, family not in set"):
            assert c.languages == [x for x in languages if not targets[x]["seen"]
                                   and not targets[x]["family_in_set"]]  # fmt: skip
    # a subgroup's value is the mean over its languages of the per-language differences
    chosen = next(c for c in groups if c.kind == "main" and c.context == "regularizer none")

    def mean_over(language_set, seed):
        (result,) = [r for r in results if r.seed == seed and r.document["config"]["regularizer"]
                     ["name"] == "none" and r.document["config"]["intermediate"]["language_set"]
                     ["name"] == language_set]  # fmt: skip
        return statistics.fmean(language_scores(result)[x] for x in chosen.languages)

    expected = statistics.fmean(mean_over("low-resource-diverse", s) - mean_over("high-resource", s)
                                for s in (1, 2, 3))  # fmt: skip
    assert chosen.examples.value == pytest.approx(expected)
    assert chosen.over_seeds.value == pytest.approx(expected)


def test_pretraining_coverage_splits_by_the_model_the_results_name(grid_dir):
    results = _relabelled(find(str(grid_dir)), "xnli", model="xlm-roberta-base")
    built = reports.build(results, "language_set", "high-resource", subgroups=("pretraining",))
    # XLM-R covers all 15 XNLI languages: no subgroup, nothing to compare
    assert [c.subgroup for c in built.comparisons] == [None, None] and not built.notes
    results = _relabelled(find(str(grid_dir)), "xnli", model="bert-base-multilingual-cased")
    built = reports.build(results, "language_set", "high-resource", subgroups=("pretraining",))
    split = {c.subgroup: c.languages for c in built.comparisons if c.subgroup}
    covered = pretrained_languages("bert-base-multilingual-cased")
    assert split == {} or all(
        (x in covered) == (group == "pretraining: covered")
        for group, members in split.items() for x in members
    )  # fmt: skip


def test_the_html_report_is_one_page_with_its_figures_and_names_shown_as_text(grid_dir, tmp_path):
    results = _relabelled(find(str(grid_dir)), "xnli", model="<img src=x onerror=alert(1)>")
    built = reports.build(results, "language_set", "high-resource", by="regularizer")
    figures = report_plots.figures(built, results, None)
    assert [kind for kind, _ in figures] == ["main", "interaction", "subgroups", "heatmap"]
    page = Html().render_document(report_document.build(built, conclusions.summary(built), figures))
    parsed = parse(page)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    images = [a for tag, a in parsed.attrs if tag == "img"]
    assert len(images) == 4
    assert all(a["src"].startswith("data:image/svg+xml;base64,") for a in images)
    assert parsed.tags["script"] == 1 and parsed.tags["table"] == 4
    for _, attrs in parsed.attrs:
        assert (attrs.get("href") or "#").startswith("#")


@needs_chromium
def test_the_html_report_renders_in_chromium_without_console_errors(grid_dir, tmp_path):
    out = tmp_path / "report.html"
    made = invoke("report", grid_dir, "--baseline", "high-resource", "--by", "regularizer",
                  "--format", "html", "--out", out)  # fmt: skip
    assert made.exit_code == 0, made.output
    dom, log = chromium(out, "#sort=1.6:desc", tmp_path)
    assert console_errors(log) == []
    assert dom.tables[0]["attrs"].get("data-sorted") == "6:desc"
    assert (tmp_path / "report-figures" / "forest.png").stat().st_size > 1000


def test_a_gain_planted_along_typological_distance_is_recovered(grid_dir):
    """Each target language of the low-resource-diverse results gains 5 - 20 x (its nearest
    syntactic distance to that set minus to the high-resource set): the syntactic fit's slope
    is -20 with R² 1, and its p-value is corrected with every other test."""
    from xtreme_harness.registry import typology

    def nearest(language, languages):
        return min(typology.distance(language, other, "syntactic") for other in languages)

    planted = []
    for result in find(str(grid_dir)):
        document = json.loads(json.dumps(result.document))
        if document["config"]["intermediate"]["language_set"]["name"] == "low-resource-diverse":
            mine = [e["language"] for e in document["intermediate"]["allocation"]["languages"]]
            (other,) = {tuple(e["language"] for e in r.document["intermediate"]["allocation"]
                              ["languages"]) for r in find(str(grid_dir))
                        if r.document["config"]["intermediate"]["language_set"]["name"]
                        == "high-resource" and r.seed == result.seed}  # fmt: skip
            for language, values in document["scores"].items():
                change = nearest(language, mine) - nearest(language, other)
                values["accuracy"] += 5 - 20 * change
        planted.append(Result(result.path, document))
    built = reports.build(planted, "language_set", "high-resource", subgroups=())
    assert built.typology == "lang2vec 1.1.2"
    fits = {(f.context, f.kind): f for f in built.distances}
    assert {kind for _, kind in fits} == {"genetic", "syntactic", "phonological", "geographic"}
    syntactic = fits[("regularizer none", "syntactic")]
    assert syntactic.languages == 15 and syntactic.covariate.endswith("minus the baseline's")
    assert syntactic.slope == pytest.approx(-20, abs=1e-6)
    assert syntactic.r_squared == pytest.approx(1.0)
    assert all(f.p <= f.p_adjusted <= 1 for f in built.distances)
    assert [f.task for f in built.distances].count("xnli") == len(built.distances)


def test_each_conclusion_is_shown_under_each_model_selection_rule(grid_dir):
    """The results copied as if selected by `last` (same numbers) and, for the low-resource-
    diverse set, by `target-dev` with every language 5 points higher: under en-dev and last the
    conclusions agree; with target-dev the effect differs from zero under that rule only."""
    results = find(str(grid_dir))
    copies = []
    for rule, shift in (("last", 0.0), ("target-dev", 5.0)):
        for result in results:
            document = json.loads(json.dumps(result.document))
            for phase in document["config"]["phases"]:
                phase["recipe"]["selection"] = rule
            document["config"]["overrides"]["selection"] = rule
            if document["config"]["intermediate"]["language_set"]["name"] == "low-resource-diverse":
                for values in document["scores"].values():
                    values["accuracy"] += shift
                document["score"] += shift
            copies.append(Result(result.path, document))
    built = reports.build(results + copies, "language_set", "high-resource", subgroups=(),
                          distances=False)  # fmt: skip
    contexts = {c.context for c in built.comparisons}
    assert contexts == {f"regularizer {r}, selection {s}" for r in ("none", "rs-rp")
                        for s in ("en-dev", "last", "target-dev")}  # fmt: skip
    found = conclusions.sensitivity(built)
    assert {(f.context, tuple(f.by_rule)) for f in found} == {
        (f"regularizer {r}", ("en-dev", "last", "target-dev")) for r in ("none", "rs-rp")
    }
    for item in found:
        same = item.by_rule["en-dev"].examples.value == item.by_rule["last"].examples.value
        assert same and item.by_rule["target-dev"].over_seeds.value == pytest.approx(
            item.by_rule["en-dev"].over_seeds.value + 5
        )
    document = report_document.build(built, conclusions.summary(built))
    (section,) = [s for s in document.sections if s.heading == "Model-selection sensitivity"]
    assert section.tables[0].columns[3:6] == (
        "en-dev: difference [95% CI]", "last: difference [95% CI]",
        "target-dev: difference [95% CI]",
    )  # fmt: skip
    assert "an oracle" in section.paragraphs[1]
    with pytest.raises(UsageError, match="another factor"):
        reports.build(results, "selection", "en-dev", by="selection")


def test_each_comparison_says_how_many_seeds_its_observed_difference_needs(grid_dir):
    """The planted per-seed contrasts 1, 3, 2 (mean 2, sd 1, a standardised difference of 2)
    need 5 seeds for a paired t-test at 80% power: the power computed from the noncentral t
    is 0.80 or more with 5 seeds and below it with 4. A contrast without spread needs none."""
    from scipy.stats import nct, t

    def power(n):
        critical = t.ppf(0.975, n - 1)
        shift = 2.0 * n**0.5
        return nct.sf(critical, n - 1, shift) + nct.cdf(-critical, n - 1, shift)

    assert power(5) >= 0.8 > power(4)
    shifted = _shifted_scores(grid_dir)
    built = reports.build(shifted, "language_set", "high-resource", subgroups=(),
                          distances=False)  # fmt: skip
    for comparison in built.comparisons:
        assert comparison.seeds_needed == 5
    assert reports._seeds_needed([1.0, 1.0, 1.0]) is None
    assert reports._seeds_needed([0.001, -0.001, 0.0001]) == reports.SEEDS_CAP  # d = 0.03


def test_an_unknown_benchmark_and_a_missing_distance_package_are_said(grid_dir, monkeypatch):
    bad = invoke("report", grid_dir, "--baseline", "high-resource", "--benchmark", "xtrem")
    assert bad.exit_code == 2 and "unknown benchmark 'xtrem'" in bad.output
    assert "Traceback" not in bad.output

    import importlib.metadata

    def absent(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", absent)
    built = reports.build(find(str(grid_dir)), "language_set", "high-resource", subgroups=())
    assert built.distances == [] and built.typology is None
    assert any("pip install lang2vec==1.1.2" in note for note in built.notes)
    assert built.comparisons  # the rest of the report is still made


def test_a_benchmark_that_scores_a_task_on_fewer_languages_compares_it_on_those(grid_dir):
    """xnli's results relabelled as PAWS-X, German planted 4 points higher under
    low-resource-diverse: XGLUE scores PAWS-X on de, en, es, fr, so its contrast is 4 / 4; a
    benchmark without PAWS-X keeps the task's own score, 4 / 15."""
    planted = []
    for result in _relabelled(find(str(grid_dir)), "pawsx"):
        document = result.document
        if document["config"]["intermediate"]["language_set"]["name"] == "low-resource-diverse":
            document["scores"]["de"]["accuracy"] += 4.0
            document["score"] += 4.0 / len(document["scores"])
        planted.append(result)
    for benchmark, expected in (("xglue", 1.0), ("xtreme-r", 4.0 / 15)):
        built = reports.build(planted, "language_set", "high-resource", subgroups=(),
                              benchmark=benchmark)  # fmt: skip
        for comparison in built.comparisons:
            if comparison.task == "pawsx":
                assert comparison.over_seeds.value == pytest.approx(expected)
