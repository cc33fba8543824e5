"""The research report's figures (matplotlib, no display): each drawn once as SVG for the HTML
page and, when the report is written to a file, saved beside it as SVG and PNG.

- ``forest``: every main effect over all target languages (tasks, categories, the benchmark
  score) with its 95% interval over test examples; filled where it differs from zero after the
  correction;
- ``interaction``: the factor's effect under each level of the second factor, one panel per
  task, so a change of the effect with robust training is seen as a slope;
- ``subgroups``: the main effects per subgroup of target languages, one panel per task;
- ``distance``: each target language's gain against its typological distance to the
  intermediate languages, one panel per kind of distance;
- ``heatmap``: target languages x configurations of each task (`plots.heatmap_figure`).
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from typing import Any

from xtreme_harness.interfaces.table_format import Figure
from xtreme_harness.results.conclusions import differs
from xtreme_harness.results.report import Comparison, Report


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "xharness"  # the same SVG for the same numbers
    return plt


def save(figure: Any, title: str, name: str, folder: str | None, prefix: str = "") -> Figure:
    """`figure` as a `Figure`: its SVG text, and with `folder` also `name`.svg and `name`.png in
    it (the figure's files named as `prefix` + file name, i.e. relative to the document)."""
    plt = _pyplot()
    text = io.StringIO()
    figure.savefig(text, format="svg", metadata={"Date": None})
    files: list[str] = []
    if folder is not None:
        os.makedirs(folder, exist_ok=True)
        for suffix in ("svg", "png"):
            path = os.path.join(folder, f"{name}.{suffix}")
            figure.savefig(path, format=suffix, dpi=150,
                           metadata={"Date": None} if suffix == "svg" else None)  # fmt: skip
            files.append(f"{prefix}{name}.{suffix}")
    plt.close(figure)
    return Figure(title, text.getvalue(), tuple(files))


def _rows(axes: Any, comparisons: Sequence[Comparison], labels: Sequence[str]) -> None:
    """One row per comparison: its interval as a line, its value as a dot (filled where it
    differs from zero after the correction)."""
    for row, comparison in enumerate(comparisons):
        estimate = comparison.examples
        axes.plot([estimate.low, estimate.high], [row, row], color="#1f4e9c", linewidth=1.5)
        filled = differs(comparison)
        axes.plot(estimate.value, row, "o", color="#1f4e9c",
                  markerfacecolor="#1f4e9c" if filled else "white")  # fmt: skip
    axes.axvline(0, color="#888", linewidth=0.8, linestyle="--")
    axes.set_yticks(range(len(labels)), labels, fontsize=7)
    axes.set_ylim(len(labels) - 0.5, -0.5)
    axes.set_xlabel("difference in score points (95% interval over test examples)")


def _with_interval(comparisons: Sequence[Comparison]) -> list[Comparison]:
    return [c for c in comparisons if c.examples is not None]


def forest(report: Report) -> Any | None:
    chosen = _with_interval(
        [c for c in report.comparisons if c.kind == "main" and c.subgroup is None]
    )
    if not chosen:
        return None
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(8, 1.2 + 0.3 * len(chosen)), constrained_layout=True)
    _rows(axes, chosen, [f"{c.task} · {c.context} · {c.contrast}" for c in chosen])
    axes.set_title(f"Effect of {report.factor} against {report.baseline}\n(filled: differs "
                   "from zero after the correction)", fontsize=9)  # fmt: skip
    return figure


def interaction(report: Report) -> Any | None:
    """The main effect per context (the contexts differ in the second factor), one panel per
    task and one line per contrast; None without a second factor."""
    if report.by is None:
        return None
    chosen = _with_interval(
        [c for c in report.comparisons if c.kind == "main" and c.subgroup is None]
    )
    tasks = list(dict.fromkeys(c.task for c in chosen))
    if not tasks:
        return None
    plt = _pyplot()
    figure, panels = plt.subplots(1, len(tasks), figsize=(3.2 * len(tasks) + 1, 3.6),
                                  constrained_layout=True, squeeze=False)  # fmt: skip
    for axes, task in zip(panels[0], tasks, strict=True):
        mine = [c for c in chosen if c.task == task]
        contexts = list(dict.fromkeys(c.context for c in mine))
        for contrast in dict.fromkeys(c.contrast for c in mine):
            points = [(contexts.index(c.context), c.examples) for c in mine
                      if c.contrast == contrast]  # fmt: skip
            xs = [x for x, _ in points]
            values = [e.value for _, e in points]
            errors = [[e.value - e.low for _, e in points], [e.high - e.value for _, e in points]]
            axes.errorbar(xs, values, yerr=errors, marker="o", capsize=3, label=contrast)
        axes.axhline(0, color="#888", linewidth=0.8, linestyle="--")
        axes.set_xticks(range(len(contexts)), contexts, rotation=30, ha="right", fontsize=7)
        axes.set_title(task, fontsize=9)
    panels[0][0].set_ylabel("difference in score points")
    panels[0][0].legend(fontsize=7)
    figure.suptitle(f"Effect of {report.factor} under each level of {report.by}", fontsize=9)
    return figure


def subgroups(report: Report) -> Any | None:
    chosen = _with_interval(
        [c for c in report.comparisons if c.kind == "main" and c.subgroup is not None]
    )
    tasks = list(dict.fromkeys(c.task for c in chosen))
    if not tasks:
        return None
    plt = _pyplot()
    rows = max(sum(c.task == task for c in chosen) for task in tasks)
    figure, panels = plt.subplots(1, len(tasks), figsize=(4.5 * len(tasks) + 2, 1 + 0.22 * rows),
                                  constrained_layout=True, squeeze=False)  # fmt: skip
    for axes, task in zip(panels[0], tasks, strict=True):
        mine = [c for c in chosen if c.task == task]
        _rows(axes, mine, [f"{c.subgroup} · {c.context}" for c in mine])
        axes.set_title(task, fontsize=9)
    figure.suptitle(f"Effect of {report.factor} against {report.baseline} by subgroup of "
                    "target languages", fontsize=9)  # fmt: skip
    return figure


def distance(report: Report) -> Any | None:
    """Per-language gain against the covariate, one panel per kind of distance, one colour per
    main comparison."""
    if not report.distances:
        return None
    plt = _pyplot()
    kinds = list(dict.fromkeys(f.kind for f in report.distances))
    figure, panels = plt.subplots(1, len(kinds), figsize=(3.4 * len(kinds) + 1, 3.6),
                                  constrained_layout=True, squeeze=False)  # fmt: skip
    for axes, kind in zip(panels[0], kinds, strict=True):
        for fit in (f for f in report.distances if f.kind == kind):
            axes.scatter([r.nearest[kind] for r in fit.rows], [r.gain for r in fit.rows], s=12,
                         label=f"{fit.task} · {fit.context}")  # fmt: skip
        axes.axhline(0, color="#888", linewidth=0.8, linestyle="--")
        axes.set_title(kind, fontsize=9)
        covariates = {f.covariate for f in report.distances if f.kind == kind}
        axes.set_xlabel("; ".join(sorted(covariates)), fontsize=6)
    panels[0][0].set_ylabel("gain per target language")
    panels[0][0].legend(fontsize=6)
    figure.suptitle(f"Gain of {report.factor} against typological distance (URIEL)", fontsize=9)
    return figure


def figures(report: Report, results: Sequence[Any], folder: str | None,
            prefix: str = "") -> list[tuple[str, Figure]]:  # fmt: skip
    """(kind, figure) of every figure the report's numbers allow: ``main``, ``interaction``,
    ``subgroups`` and one ``heatmap`` per task."""
    from xtreme_harness.results.plots import heatmap_figure
    from xtreme_harness.results.tables import configurations, tasks_in

    made = []
    drawn = (
        ("main", "forest", forest(report),
         f"Main effects of {report.factor} against {report.baseline}"),
        ("interaction", "interaction", interaction(report),
         f"Effect of {report.factor} under each level of {report.by}"),
        ("subgroups", "subgroups", subgroups(report),
         f"Effect of {report.factor} by subgroup of target languages"),
        ("distance", "distance", distance(report),
         f"Gain of {report.factor} per target language against typological distance"),
    )  # fmt: skip
    for kind, name, figure, title in drawn:
        if figure is not None:
            made.append((kind, save(figure, title, name, folder, prefix)))
    configs = configurations(results)
    for task in tasks_in(configs):
        figure = heatmap_figure(configs, task)
        title = f"{task}: score by target language and configuration (mean over seeds)"
        made.append(("heatmap", save(figure, title, f"heatmap-{task}", folder, prefix)))
    return made
