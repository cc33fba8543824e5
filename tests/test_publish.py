"""`xharness publish`: the Hub dataset folder and the model-index cards, read back with
huggingface_hub's own parser; what is refused."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner
from huggingface_hub.repocard_data import model_index_to_eval_results

from xtreme_harness.cli import cli
from xtreme_harness.results.files import find


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def grid_dir(tiny_model, tmp_path_factory):
    out = tmp_path_factory.mktemp("publish") / "g"
    made = invoke("grid", "--model", tiny_model, "--source", "sample", "--tasks", "xnli,mlqa",
                  "--regularizers", "none,rs-rp", "--seeds", "1", "--max-steps", "1",
                  "--out", out)  # fmt: skip
    assert made.exit_code == 0, made.output
    return out


def _header(path):
    text = path.read_text("utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def test_a_dry_run_writes_a_dataset_folder_that_reads_back(grid_dir, tmp_path):
    out = tmp_path / "hub"
    made = invoke("publish", grid_dir, "--repo", "my-lab/demo", "--out", out, "--dry-run")
    assert made.exit_code == 0, made.output
    assert "nothing uploaded" in made.output
    results = find(str(grid_dir))
    card = _header(out / "README.md")
    assert card["configs"][0]["data_files"] == "results.parquet"
    assert {"xnli", "mlqa"} <= set(card["tags"])
    body = (out / "README.md").read_text("utf-8")
    assert "## Leaderboard" in body and "| configuration |" in body
    rows = pq.read_table(out / "results.parquet").to_pylist()
    assert rows == [json.loads(line) for line in (out / "results.jsonl").open(encoding="utf-8")]
    expected = {
        (r.document["config"]["regularizer"]["name"], r.task, lang, metric): value
        for r in results for lang, values in r.document["scores"].items()
        for metric, value in values.items()
    }  # fmt: skip
    assert {(row["regularizer"], row["task"], row["language"], row["metric"]): row["value"]
            for row in rows} == expected  # fmt: skip
    assert len(list((out / "results").glob("*.json"))) == len(results) == 4


def test_every_language_score_is_in_the_model_index(grid_dir, tmp_path):
    out = tmp_path / "hub"
    assert invoke("publish", grid_dir, "--repo", "my-lab/demo", "--out", out,
                  "--dry-run").exit_code == 0  # fmt: skip
    for result in find(str(grid_dir)):
        name = result.path.rsplit("/", 1)[-1].removesuffix(".json")
        header = _header(out / "model-cards" / f"{name}.md")
        model, found = model_index_to_eval_results(header["model-index"])
        regularizer = result.document["config"]["regularizer"]["name"]
        assert model.endswith(f"on {result.task} ({regularizer}, seed 1)")
        by_name = {e.metric_name: e for e in found}
        for language, values in result.document["scores"].items():
            for metric, value in values.items():
                entry = by_name[f"{metric} ({language})"]
                assert entry.metric_value == pytest.approx(value, abs=1e-4)
                assert entry.dataset_config == language and entry.dataset_split == "test"
                assert entry.task_type in ("text-classification", "question-answering")
                assert entry.dataset_type in ("facebook/xnli", "google/xtreme")
        task = [e for e in found if e.metric_name.startswith(f"{result.task} score")]
        assert task and task[0].metric_value == pytest.approx(result.document["score"], abs=1e-4)


def test_what_publish_refuses(grid_dir, tmp_path, monkeypatch):
    bad = invoke("publish", grid_dir, "--repo", "no-owner", "--dry-run")
    assert bad.exit_code != 0 and "expected OWNER/NAME" in bad.output
    assert "Traceback" not in bad.output
    empty = tmp_path / "empty"
    empty.mkdir()
    none = invoke("publish", empty, "--repo", "my-lab/x", "--dry-run")
    assert none.exit_code != 0 and "Traceback" not in none.output
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # an upload cannot reach the Hub: a clear error
    offline = invoke("publish", grid_dir, "--repo", "my-lab/demo", "--out", tmp_path / "hub")
    assert offline.exit_code != 0 and "could not upload to my-lab/demo" in offline.output
    assert "Traceback" not in offline.output and (tmp_path / "hub" / "README.md").is_file()
