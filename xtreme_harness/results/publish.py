"""Results as a Hugging Face Hub dataset folder, and the `model-index` block of each fine-tuned
model's card (the metadata the Hub's leaderboards and "Papers with Code"-style widgets read).

The folder holds:

- ``results.parquet`` and ``results.jsonl``: one row per result, language and metric value (a
  long table: configuration, model, task, seed, setting, regularizer, intermediate task and
  language set, language, metric, value, and the result's task score);
- ``results/<name>.json``: the result files as they are (provenance, protocol, departures);
- ``README.md``: the dataset card, its YAML header (`DatasetCardData`: pretty name, tags, the
  data files as the config ``results``), then the grid's configurations, the protocols followed,
  every departure from them, and the leaderboard table;
- ``model-cards/<name>.md``: per result, a model card whose YAML header is a `model-index` with
  one entry per language score and one for the task score (`EvalResult` of ``huggingface_hub``,
  so that the block is the one the Hub parses).

Nothing here reaches the network; `upload` does, with ``huggingface_hub``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from typing import Any

from xtreme_harness.atomic import write_text
from xtreme_harness.errors import UsageError
from xtreme_harness.results import tables
from xtreme_harness.results.files import Result

TASK_TYPES = {
    "classification": "text-classification",
    "multiple-choice": "multiple-choice",
    "token-tagging": "token-classification",
    "extractive-qa": "question-answering",
    "retrieval": "text-retrieval",
}
"""The Hub's task type of each task kind (the ids its task taxonomy uses)."""
METRIC_TYPES = {"accuracy": "accuracy", "f1": "f1", "precision": "precision",
                "recall": "recall", "exact_match": "exact_match", "map@20": "map",
                "ndcg": "ndcg"}  # fmt: skip
"""The metric ids of the Hub (those of `evaluate`) for xharness's metric keys."""


def _name(result: Result) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", os.path.splitext(os.path.basename(result.path))[0])


def rows(configs: Sequence[tables.Configuration]) -> list[dict[str, Any]]:
    """The long table: one row per result, language and metric value."""
    found = []
    for config in configs:
        for (task, seed), result in sorted(config.runs.items()):
            document = result.document
            intermediate = document["config"].get("intermediate") or {}
            language_set = (intermediate.get("language_set") or {}).get("name")
            base = {
                "configuration": config.label,
                "model": document["model"]["name_or_path"],
                "task": task,
                "seed": seed,
                "setting": tables.setting_of(document)["name"],
                "regularizer": document["config"]["regularizer"]["name"],
                "intermediate_task": intermediate.get("task"),
                "language_set": language_set,
                "task_score": document["score"],
                "meaningful": document.get("meaningful", True),
                "result": f"results/{_name(result)}.json",
            }  # fmt: skip
            for language, values in sorted(document["scores"].items()):
                for metric, value in sorted(values.items()):
                    found.append({**base, "language": language, "metric": metric,
                                  "value": float(value)})  # fmt: skip
    return found


def _dataset_type(task: str, language: str, host: Any) -> str:
    """The hub repository a task's test data in `language` comes from, else the task's name
    (a task without a hub source, or no longer registered)."""
    from xtreme_harness.errors import XHarnessError

    try:
        source = host.get("tasks", task).sources.get("hub")
        return source.resolve("test", language).dataset_id if source is not None else task
    except (XHarnessError, AttributeError):
        return task


def model_card(result: Result, label: str, host: Any) -> str:
    """A model card whose YAML header holds the result's `model-index` (every language score,
    the task score), and a body saying what the model is and where the numbers come from."""
    from huggingface_hub import EvalResult, ModelCard, ModelCardData

    document = result.document
    task = document["task"]
    model = document["model"]["name_or_path"]
    name = f"{os.path.basename(model.rstrip('/'))} on {task['name']} ({label}, seed {result.seed})"
    common = {
        "task_type": TASK_TYPES.get(task["kind"], task["kind"]),
        "task_name": task["name"],
        "dataset_name": task["name"],
        "dataset_split": "test",
    }
    results = []
    for language, values in sorted(document["scores"].items()):
        dataset = _dataset_type(task["name"], language, host)
        for metric, value in sorted(values.items()):
            results.append(EvalResult(
                **common, dataset_type=dataset, dataset_config=language,
                metric_type=METRIC_TYPES.get(metric, metric),
                metric_name=f"{metric} ({language})", metric_value=round(float(value), 4),
            ))  # fmt: skip
    if document["score"] is not None:
        results.append(EvalResult(
            **common, dataset_type=_dataset_type(task["name"], task["languages"][0], host),
            metric_type=METRIC_TYPES.get(task["metric"], task["metric"]),
            metric_name=f"{task['name']} score (mean over {len(task['languages'])} languages)",
            metric_value=round(float(document["score"]), 4),
        ))  # fmt: skip
    data = ModelCardData(model_name=name, eval_results=results, tags=["xtreme-harness"],
                         base_model=model if "/" in model and not os.path.exists(model)
                         else None)  # fmt: skip
    notes = "\n".join(f"- {note}" for note in document.get("notes", []))
    departures = "\n".join(f"- {tables.departure_text(d)}"
                           for d in document.get("departures", [])) or "- none"  # fmt: skip
    body = (
        f"# {name}\n\nFine-tuned and evaluated by xtreme-harness: task `{task['name']}` "
        f"({task['kind']}, metric `{task['metric']}`), configuration `{label}`, seed "
        f"{result.seed}. The scores are those of `{_name(result)}.json` of the results "
        f"dataset; `meaningful` is {str(document.get('meaningful', True)).lower()}.\n\n"
        f"## Departures from the protocol\n\n{departures}\n\n## Notes\n\n{notes or '- none'}\n"
    )
    return str(ModelCard.from_template(data, template_str="---\n{{ card_data }}\n---\n\n"
                                       + body))  # fmt: skip


def dataset_card(configs: Sequence[tables.Configuration], repo: str, leaderboard: str) -> str:
    """The dataset card: YAML header, configurations, protocols, departures, the leaderboard."""
    from huggingface_hub import DatasetCard, DatasetCardData

    results = [r for c in configs for r in c.runs.values()]
    tasks = sorted({r.task for r in results})
    data = DatasetCardData(
        pretty_name=f"xtreme-harness results: {repo}",
        tags=["xtreme-harness", "cross-lingual-transfer", *tasks],
        configs=[{"config_name": "results", "data_files": "results.parquet", "default": True}],
    )
    protocols = sorted({(r.document["protocol"].get("name"), r.document["protocol"].get("sha256"))
                        for r in results if r.document.get("protocol")})  # fmt: skip
    departures = sorted({tables.departure_text(d) for r in results
                         for d in r.document.get("departures", [])})  # fmt: skip
    meaningless = sum(not r.document.get("meaningful", True) for r in results)
    lines = [
        f"# {repo}", "",
        f"{len(results)} result files of xtreme-harness: {len(configs)} configurations, tasks "
        f"{', '.join(tasks)}. `results.parquet` (and `results.jsonl`) hold one row per result, "
        "language and metric; `results/` the result files themselves, with their provenance.",
        "",
    ]  # fmt: skip
    if meaningless:
        lines += [f"**{meaningless} of the results are marked not meaningful** (a tiny or "
                  "random model, or sample data): their numbers test the pipeline, nothing "
                  "else.", ""]  # fmt: skip
    lines += ["## Configurations", ""]
    lines += [f"- `{c.label}`: {len(c.runs)} results" for c in configs]
    lines += ["", "## Protocols", ""]
    lines += [f"- {name} (sha256 {sha})" for name, sha in protocols] or ["- none recorded"]
    lines += ["", "## Departures from the protocols", ""]
    lines += [f"- {d}" for d in departures] or ["- none"]
    lines += ["", "## Leaderboard", "", leaderboard.strip(), ""]
    return str(DatasetCard.from_template(data, template_str="---\n{{ card_data }}\n---\n\n"
                                         + "\n".join(lines)))  # fmt: skip


def build(
    results: Sequence[Result], out: str, repo: str, host: Any, *, benchmark: str = "xtreme-r"
) -> dict[str, Any]:
    """Write the dataset folder for `results` into `out` (the leaderboard scored as `benchmark`
    defines it); returns what it wrote."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not results:
        raise UsageError("no result files to publish")
    configs = tables.configurations(results)
    table = tables.task_table(configs, benchmark_name=benchmark)
    leaderboard = host.get("formats", "md")().render_many([table])
    found = rows(configs)
    os.makedirs(os.path.join(out, "results"), exist_ok=True)
    os.makedirs(os.path.join(out, "model-cards"), exist_ok=True)
    pq.write_table(pa.Table.from_pylist(found), os.path.join(out, "results.parquet"))
    write_text(os.path.join(out, "results.jsonl"),
               "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in found))  # fmt: skip
    cards = []
    for config in configs:
        for result in config.runs.values():
            name = _name(result)
            text = json.dumps(result.document, indent=2, ensure_ascii=False) + "\n"
            write_text(os.path.join(out, "results", f"{name}.json"), text)
            card = os.path.join(out, "model-cards", f"{name}.md")
            write_text(card, model_card(result, config.label, host))
            cards.append(card)
    write_text(os.path.join(out, "README.md"), dataset_card(configs, repo, leaderboard))
    return {"rows": len(found), "results": sum(len(c.runs) for c in configs),
            "model_cards": cards}  # fmt: skip


def upload(out: str, repo: str, *, private: bool = False) -> str:
    """Upload the folder (but its model cards, which belong to the models' repositories) as the
    dataset repository `repo`; returns its address."""
    from huggingface_hub import HfApi

    api = HfApi()
    api.create_repo(repo, repo_type="dataset", exist_ok=True, private=private)
    info = api.upload_folder(folder_path=out, repo_id=repo, repo_type="dataset",
                             ignore_patterns=["model-cards/*"],
                             commit_message="Results of xtreme-harness")  # fmt: skip
    return str(getattr(info, "commit_url", repo))
