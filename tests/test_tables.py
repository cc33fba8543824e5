"""Leaderboard tables, breakdowns, baseline differences, export, plots and the result reader."""

from __future__ import annotations

import json
import shutil
import statistics
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import REPO
from test_formats import CHROMIUM, chromium, console_errors

from xtreme_harness.cli import cli
from xtreme_harness.errors import DataError, UnknownNameError
from xtreme_harness.results import files as result_files
from xtreme_harness.results import tables
from xtreme_harness.results.metrics import task_score


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def grid_dir(tiny_model, tmp_path_factory):
    """A finished grid: xnli and udpos, none vs rs-rp, three seeds, every language."""
    out = tmp_path_factory.mktemp("grid") / "g"
    result = invoke("grid", "--model", tiny_model, "--source", "sample", "--tasks", "xnli,udpos",
                    "--regularizers", "none,rs-rp", "--seeds", "1,2,3", "--max-steps", "3",
                    "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def configs(grid_dir):
    return tables.configurations(result_files.find(str(grid_dir)))


def test_configurations_are_labelled_by_what_differs(configs):
    assert sorted(c.label for c in configs) == ["none", "rs-rp"]
    assert all(len(c.runs) == 6 for c in configs)


def test_task_table_means_over_seeds_and_blanks_with_footnotes(configs):
    table = tables.task_table(configs)
    assert table.columns == ("configuration", "xnli", "udpos", "Classification (xnli, xcopa)",
                             "Structured prediction (udpos, panx)", "XTREME-R")  # fmt: skip
    for row, config in zip(table.rows, configs, strict=True):
        for column, task in ((1, "xnli"), (2, "udpos")):
            scores = [config.runs[(task, seed)].document["score"] for seed in (1, 2, 3)]
            assert row[column].mean == pytest.approx(statistics.fmean(scores))
            assert row[column].std == pytest.approx(statistics.stdev(scores))
            assert row[column].n == 3
        for column in (3, 4, 5):
            assert row[column].mean is None and row[column].footnote is not None
    notes = table.footnotes
    assert any("Classification needs xnli, xcopa; missing xcopa" in n for n in notes)
    assert any(n.startswith("the XTREME-R score needs all 10 tasks") for n in notes)


@pytest.mark.parametrize("by", ["language", "family", "resource-class", "seen"])
def test_breakdowns_average_the_right_languages(configs, by):
    built = tables.breakdown_tables(configs, by, task="udpos")
    (table,) = built
    config = configs[0]
    row = table.rows[0]
    if by == "seen":  # no intermediate stage in this grid
        assert all(cell.mean is None and cell.footnote is not None for cell in row[1:])
        assert "no intermediate stage" in table.footnotes
        return
    from xtreme_harness.registry.languages import default_registry

    registry = default_registry()
    group = table.columns[1]
    seeds = []
    for seed in (1, 2, 3):
        document = config.runs[("udpos", seed)].document
        scores = {lang: task_score("seqeval", v) for lang, v in document["scores"].items()}
        members = [
            lang for lang in document["task"]["languages"]
            if (by == "language" and lang == group)
            or (by == "family" and registry.get(lang).family == group)
            or (by == "resource-class" and f"class {registry.get(lang).resource_class}" == group)
        ]  # fmt: skip
        seeds.append(statistics.fmean(scores[lang] for lang in members))
    assert row[1].mean == pytest.approx(statistics.fmean(seeds))


def test_a_category_average_says_what_it_includes(tiny_model, tmp_path):
    """A plugin's task of a category (here MASSIVE, classification) is never part of the
    benchmark's category average, and the column says so."""
    for task in ("xnli", "massive"):
        result = invoke("run", "--model", tiny_model, "--task", task, "--source", "sample",
                        "--max-steps", "2", "--eval-languages", "en", "--out", tmp_path / task,
                        "--quiet")  # fmt: skip
        assert result.exit_code == 0, result.output
    (config,) = tables.configurations(result_files.find(str(tmp_path)))
    columns = tables.task_table([config]).columns
    assert "Classification (xnli, xcopa; not massive)" in columns


def test_partial_language_coverage_is_a_blank_not_an_average(tiny_model, tmp_path):
    out = tmp_path / "partial"
    invoke("run", "--model", tiny_model, "--task", "xnli", "--source", "sample", "--max-steps",
           "2", "--eval-languages", "en,de", "--out", out, "--quiet")  # fmt: skip
    (config,) = tables.configurations(result_files.find(str(out)))
    cell = tables.task_table([config]).rows[0][1]
    assert cell.mean is None
    assert "not every language" in tables.task_table([config]).footnotes[cell.footnote]


def test_differences_from_a_baseline(configs):
    over_examples, over_seeds = tables.difference_tables(configs, "none")
    assert over_examples.title.startswith("Difference from none, 95% interval over examples")
    (row,) = over_examples.rows
    assert row[0].text == "rs-rp"
    base, other = {c.label: c for c in configs}["none"], {c.label: c for c in configs}["rs-rp"]
    for column, task in ((1, "xnli"), (2, "udpos")):
        cell = row[column]
        expected = statistics.fmean(
            other.runs[(task, s)].document["score"] - base.runs[(task, s)].document["score"]
            for s in (1, 2, 3)
        )
        assert cell.mean == pytest.approx(expected, abs=1e-6)
        assert cell.low <= cell.mean <= cell.high
        assert cell.marker == ("*" if cell.low > 0 or cell.high < 0 else "")
    (row,) = over_seeds.rows
    assert row[1].low <= row[1].mean <= row[1].high and row[1].n == 3
    with pytest.raises(UnknownNameError, match="did you mean: none"):
        tables.difference_tables(configs, "nonee")


def test_export_and_gold_reproduce_the_official_layout(grid_dir, tmp_path):
    result = invoke("export", grid_dir, "--out", tmp_path / "sub", "--gold", tmp_path / "gold")
    assert result.exit_code == 0, result.output
    folders = sorted(p.name for p in (tmp_path / "sub").iterdir())
    assert folders == [f"{label}-s{seed}" for label in ("none", "rs-rp") for seed in (1, 2, 3)]
    assert sorted(p.name for p in (tmp_path / "sub" / "none-s1" / "udpos").iterdir())[:2] == [
        "test-af.tsv", "test-ar.tsv",
    ]  # fmt: skip
    assert len(list((tmp_path / "gold" / "xnli").iterdir())) == 15
    again = invoke("export", grid_dir, "--out", tmp_path / "sub")
    assert again.exit_code == 2 and "export into an empty folder" in again.output


def test_exported_predictions_rescore_to_the_result_files(grid_dir, tmp_path):
    """`xharness export --gold` then `xharness score` gives the numbers the runs recorded."""
    assert invoke("export", grid_dir, "--out", tmp_path / "sub", "--gold",
                  tmp_path / "gold").exit_code == 0  # fmt: skip
    recorded = {
        (r.task, r.seed): r.document
        for r in result_files.find(str(grid_dir))
        if r.document["config"]["regularizer"]["name"] == "none"
    }
    for seed in (1, 2, 3):
        result = invoke("score", tmp_path / "sub" / f"none-s{seed}", tmp_path / "gold", "--json")
        assert result.exit_code == 0, result.output
        scored = json.loads(result.output)
        for task in ("xnli", "udpos"):
            document = recorded[(task, seed)]
            assert scored[task]["avg_metric"] == document["score"]
            for language, values in document["scores"].items():
                key = "accuracy" if task == "xnli" else "f1"
                assert scored[task][key][language] == values[key], (task, language)


SCRIPT_MODEL = "<script>alert(1)</script>"


def test_a_model_name_with_markup_is_text_in_the_html_page(grid_dir, tmp_path):
    """Every string of a result file reaches the page escaped; in Chromium it shows as text."""
    source = result_files.find(str(grid_dir))[0]
    document = json.loads(Path(source.path).read_text(encoding="utf-8"))
    document["model"]["name_or_path"] = SCRIPT_MODEL
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "result.json").write_text(json.dumps(document), encoding="utf-8")
    page = tmp_path / "table.html"
    result = invoke("tables", source.path, tmp_path / "run", "--format", "html", "--out", page)
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert SCRIPT_MODEL not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed: the page is not opened in a browser")
    dom, log = chromium(page, "", tmp_path)
    assert console_errors(log) == []
    (table,) = dom.tables
    # the label shows as text (followed by the mark of its footnote, the run's departures)
    assert any(row[0]["text"].startswith(SCRIPT_MODEL) for row in table["rows"])
    assert dom.tags["script"] == 1


def test_plots_are_written(grid_dir, tmp_path):
    png, svg = tmp_path / "heat.png", tmp_path / "families.svg"
    assert invoke("plot", grid_dir, "--task", "xnli", "--out", png).exit_code == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    assert invoke("plot", grid_dir, "--figure", "families", "--task", "udpos", "--out",
                  svg).exit_code == 0  # fmt: skip
    assert "<svg" in svg.read_text(encoding="utf-8")
    result = invoke("plot", grid_dir, "--out", tmp_path / "x.png")
    assert result.exit_code == 2 and "pick one with --task" in result.output
    result = invoke("plot", grid_dir, "--figure", "generalised", "--out", tmp_path / "g.png")
    assert result.exit_code == 2 and "run with --generalized" in result.output


def test_generalised_plot(tiny_model, tmp_path):
    out = tmp_path / "g"
    invoke("run", "--model", tiny_model, "--task", "pawsx", "--source", "sample", "--max-steps",
           "2", "--generalized", "--out", out, "--quiet")  # fmt: skip
    assert invoke("plot", out, "--kind", "generalised", "--out", tmp_path / "g.png").exit_code == 0


def test_schema_command_prints_each_schema():
    for name in ("result", "grid", "languages", "benchmark"):
        document = json.loads(invoke("schema", name).output)
        assert document["$schema"].startswith("https://json-schema.org/")


def test_the_version_1_result_fixture_still_reads(tmp_path):
    fixture = REPO / "tests" / "fixtures" / "results" / "result-v1.json"
    document = result_files.read(str(fixture))  # upgraded to the current version
    assert document["version"] == 2 and document["task"]["name"] == "xnli"
    assert document["protocol"] is None and document["departures"] is None
    future = tmp_path / "result.json"
    future.write_text(json.dumps({**document, "version": 99}), encoding="utf-8")
    with pytest.raises(DataError, match="unknown result format version 99"):
        result_files.read(str(future))
    copy = tmp_path / "copy" / "result.json"
    copy.parent.mkdir()
    shutil.copy(fixture, copy)
    assert [r.task for r in result_files.find(str(tmp_path / "copy"))] == ["xnli"]


def test_paths_in_a_result_file_must_stay_in_its_run_folder(grid_dir, tmp_path):
    """A result file is data: a units or predictions path that leads out of its run folder is
    refused, naming the file and the field, and nothing is read or copied from there."""
    source = result_files.find(str(grid_dir))[0]
    document = json.loads(Path(source.path).read_text(encoding="utf-8"))
    language = next(iter(document["scores"]))
    document["evaluation"][language]["units"] = "../../../../etc/passwd"
    document["evaluation"][language]["predictions"] = "/etc/passwd"
    (tmp_path / "run").mkdir()
    path = tmp_path / "run" / "result.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    (result,) = result_files.find(str(tmp_path / "run"))
    with pytest.raises(DataError, match=f"evaluation.{language}.units") as caught:
        result_files.units(result)
    assert "outside the run folder" in str(caught.value) and str(path) in str(caught.value)
    exported = invoke("export", tmp_path / "run", "--out", tmp_path / "sub")
    assert exported.exit_code != 0 and f"evaluation.{language}.predictions" in exported.output
    assert not any((tmp_path / "sub").rglob("passwd"))


def test_a_result_without_per_example_units_is_a_footnoted_blank(configs, tmp_path):
    """Results written before the evaluation wrote its units: the interval over examples cannot
    be computed, and the cell says why instead of failing the table."""
    import dataclasses

    base, other = configs[0], configs[1]
    stripped = {}
    for slot, result in other.runs.items():
        document = json.loads(json.dumps(result.document))
        for entry in document["evaluation"].values():
            entry.pop("units", None)
        stripped[slot] = result_files.Result(result.path, document)
    changed = dataclasses.replace(other, runs=stripped)
    over_examples, _ = tables.difference_tables([base, changed], base.label)
    cell = over_examples.rows[0][1]
    assert cell.mean is None
    assert "no per-example units recorded" in over_examples.footnotes[cell.footnote]
