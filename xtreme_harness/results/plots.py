"""Plots of results (matplotlib, no display needed).

- ``heatmap``: languages x configurations of one task, each cell the mean score over seeds;
- ``families``: one task's scores by language family and by resource class, per configuration;
- ``generalised``: the language x language accuracies of the generalised evaluation.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from xtreme_harness.errors import UnknownNameError, UsageError
from xtreme_harness.results.tables import Configuration, language_groups, language_scores, tasks_in

PLOTS = ("heatmap", "families", "generalised")


def _pick_task(configs: Sequence[Configuration], task: str | None) -> str:
    tasks = tasks_in(configs)
    if task is None:
        if len(tasks) > 1:
            raise UsageError(f"these results cover several tasks; pick one with --task: "
                             f"{', '.join(tasks)}")  # fmt: skip
        return tasks[0]
    if task not in tasks:
        raise UnknownNameError("task of these results", task, tasks)
    return task


def _mean_language_scores(config: Configuration, task: str) -> dict[str, float]:
    per_language: dict[str, list[float]] = defaultdict(list)
    for (name, _), result in config.runs.items():
        if name == task:
            for language, value in language_scores(result).items():
                per_language[language].append(value)
    return {language: statistics.fmean(values) for language, values in per_language.items()}


def _figure(width: float, height: float, columns: int = 1) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(1, columns, figsize=(width, height), constrained_layout=True)


def _annotate(axes: Any, grid: Any, pattern: str) -> None:
    """Write each value on its cell, dark on bright cells and light on dark ones."""
    import numpy as np

    top = np.nanmax(grid) if np.isfinite(grid).any() else 0
    bottom = np.nanmin(grid) if np.isfinite(grid).any() else 0
    middle = (top + bottom) / 2
    for row, column in np.ndindex(grid.shape):
        value = grid[row, column]
        if not np.isnan(value):
            axes.text(column, row, pattern.format(value), ha="center", va="center", fontsize=7,
                      color="black" if value > middle else "white")  # fmt: skip


def heatmap(configs: Sequence[Configuration], task: str | None, out: str) -> None:
    heatmap_figure(configs, task).savefig(out)


def heatmap_figure(configs: Sequence[Configuration], task: str | None) -> Any:
    """Languages x configurations of one task, each cell the mean score over seeds."""
    task = _pick_task(configs, task)
    scores = {c.label: _mean_language_scores(c, task) for c in configs}
    languages = sorted({lang for values in scores.values() for lang in values})
    labels = [c.label for c in configs if scores[c.label]]
    import numpy as np

    grid = np.array([[scores[label].get(lang, np.nan) for label in labels] for lang in languages])
    figure, axes = _figure(2 + 1.6 * len(labels), 1 + 0.32 * len(languages))
    image = axes.imshow(grid, aspect="auto", cmap="viridis")
    axes.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    axes.set_yticks(range(len(languages)), languages)
    _annotate(axes, grid, "{:.1f}")
    axes.set_title(f"{task}: score by language (mean over seeds)")
    figure.colorbar(image, ax=axes)
    return figure


def families(configs: Sequence[Configuration], task: str | None, out: str) -> None:
    from xtreme_harness.registry.languages import default_registry

    task = _pick_task(configs, task)
    registry = default_registry()
    figure, (by_family, by_class) = _figure(13, 5, columns=2)
    width = 0.8 / max(1, len(configs))
    for index, config in enumerate(configs):
        scores = _mean_language_scores(config, task)
        for axes, by in ((by_family, "family"), (by_class, "resource-class")):
            groups = language_groups(by, sorted(scores), registry)
            names = sorted(groups)
            positions = [i + index * width for i in range(len(names))]
            means = [statistics.fmean(scores[lang] for lang in groups[n]) for n in names]
            axes.bar(positions, means, width, label=config.label)
            axes.set_xticks([i + 0.4 - width / 2 for i in range(len(names))], names,
                            rotation=45, ha="right")  # fmt: skip
    by_family.set_title(f"{task}: mean score by language family (Glottolog)")
    by_class.set_title(f"{task}: mean score by resource class (Joshi et al. 2020)")
    by_family.legend(fontsize=7)
    figure.savefig(out)


def generalised(
    configs: Sequence[Configuration], configuration: str | None, task: str | None, out: str
) -> None:
    """Accuracy (sentence pairs) or F1 (QA) of every language pair, mean over seeds."""
    import numpy as np

    candidates = [c for c in configs
                  if any(r.document.get("generalized") for r in c.runs.values())]  # fmt: skip
    if not candidates:
        raise UsageError("no result has a generalised evaluation (run with --generalized)")
    if configuration is None:
        if len(candidates) > 1:
            raise UsageError(
                "several configurations have a generalised evaluation; pick one "
                "with --configuration: " + "; ".join(c.label for c in candidates)
            )
        chosen = candidates[0]
    else:
        by_label = {c.label: c for c in candidates}
        if configuration not in by_label:
            raise UnknownNameError("configuration", configuration, by_label)
        chosen = by_label[configuration]
    with_tables = [r for r in chosen.runs.values() if r.document.get("generalized")]
    tasks = sorted({r.task for r in with_tables})
    if task is None and len(tasks) > 1:
        raise UsageError(f"generalised evaluations of several tasks; pick one with --task: "
                         f"{', '.join(tasks)}")  # fmt: skip
    if task is not None and task not in tasks:
        raise UnknownNameError("task with a generalised evaluation", task, tasks)
    task = task or tasks[0]
    tables = [r.document["generalized"] for r in with_tables if r.task == task]
    key = "accuracy" if "accuracy" in tables[0] else "f1"
    languages = tables[0]["languages"]
    grid = np.array([[statistics.fmean(t[key][a][b] for t in tables) for b in languages]
                     for a in languages])  # fmt: skip
    figure, axes = _figure(1.5 + 0.6 * len(languages), 1 + 0.5 * len(languages))
    image = axes.imshow(grid, cmap="magma")
    axes.set_xticks(range(len(languages)), languages)
    axes.set_yticks(range(len(languages)), languages)
    pairs = key == "accuracy"
    axes.set_xlabel("language of sentence 2" if pairs else "language of the question")
    axes.set_ylabel("language of sentence 1" if pairs else "language of the context")
    _annotate(axes, grid, "{:.0f}")
    axes.set_title(f"{task}: generalised {'accuracy' if pairs else 'F1'}, {chosen.label} "
                   f"({len(tables)} seed(s))")  # fmt: skip
    figure.colorbar(image, ax=axes)
    figure.savefig(out)
