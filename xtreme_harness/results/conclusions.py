"""The research report's conclusions in words: which comparisons differ from zero after the
correction, whether each holds under every model-selection rule the grid ran, and the
one-paragraph summary generated from the numbers (with no claim the intervals do not support)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xtreme_harness.results.report import Comparison, Report


def _listed(comparisons: Sequence[Comparison], most: int = 6) -> str:
    shown = [
        f"{c.task}{f' ({c.subgroup})' if c.subgroup else ''}, {c.context}: {c.contrast} = "
        f"{c.examples.value:+.2f} [{c.examples.low:+.2f}, {c.examples.high:+.2f}]"
        for c in comparisons[:most]
    ]
    more = len(comparisons) - most
    return "; ".join(shown) + (f"; and {more} more (see the tables)" if more > 0 else "")


def differs(comparison: Comparison) -> bool:
    """Whether a comparison differs from zero at the 5% level after the report's correction."""
    return (
        comparison.p_adjusted is not None
        and comparison.p_adjusted < 0.05
        and comparison.examples.excludes_zero
    )


@dataclass
class Sensitivity:
    """One conclusion under each model-selection rule the grid ran."""

    kind: str
    task: str
    contrast: str
    context: str
    """The context without its selection rule."""
    by_rule: dict[str, Comparison]
    verdict: str


def sensitivity(report: Report) -> list[Sensitivity]:
    """Each comparison over all target languages, grouped across the selection rules of its
    context: does its conclusion (differs from zero after the correction, and in which
    direction) hold under every rule? Empty where the grid ran one rule."""
    groups: dict[tuple[str, str, str, str], dict[str, Comparison]] = {}
    for c in report.comparisons:
        if c.selection is None or c.subgroup is not None:
            continue
        key = (c.kind, c.task, c.contrast, c.context_across_selection or "-")
        groups.setdefault(key, {})[c.selection] = c
    found = []
    for (kind, task, contrast, context), by_rule in groups.items():
        if len(by_rule) < 2:
            continue
        signs = {rule: (1 if c.examples.value > 0 else -1) if differs(c) else 0
                 for rule, c in by_rule.items()}  # fmt: skip
        held = [rule for rule, sign in signs.items() if sign != 0]
        if not held:
            verdict = "no difference under any rule"
        elif len(set(signs.values())) == 1:
            verdict = "holds under every rule"
        elif {1, -1} <= set(signs.values()):
            verdict = "opposite directions under " + ", ".join(held)
        else:
            verdict = "holds only under " + ", ".join(sorted(held))
        found.append(Sensitivity(kind, task, contrast, context, dict(sorted(by_rule.items())),
                                 verdict))  # fmt: skip
    return found


def summary(report: Report) -> str:
    """One paragraph from the numbers: how many comparisons, which differ from zero after the
    correction (over all target languages, then in subgroups), how large an effect the seeds
    could have found where none was, and what was left out."""
    tested = [c for c in report.comparisons if c.p_adjusted is not None]
    name = {"holm": "Holm's correction", "bh": "the Benjamini-Hochberg correction"}[
        report.correction
    ]
    left_out = (
        f" {len(report.missing)} comparisons were left out for missing results."
        if report.missing
        else ""
    )
    if not tested:
        return "No comparison could be made from these results." + left_out
    overall = [c for c in tested if c.subgroup is None]
    parts = [
        f"The report makes {len(tested)} comparisons ({len(overall)} over all target languages "
        f"of a task, a category or the benchmark score, {len(tested) - len(overall)} in "
        f"subgroups of target languages), with {name} across all of them."
    ]
    found = [c for c in overall if differs(c)]
    if found:
        parts.append(
            f"Over all target languages, {len(found)} of {len(overall)} differ from zero at the "
            f"5% level: {_listed(found)}."
        )
    else:
        parts.append(f"Over all target languages, none of the {len(overall)} differs from zero "
                     "at the 5% level.")  # fmt: skip
    in_groups = [c for c in tested if c.subgroup is not None]
    if in_groups:
        found_in_groups = [c for c in in_groups if differs(c)]
        parts.append(
            f"In subgroups, {len(found_in_groups)} of {len(in_groups)} do"
            + (f": {_listed(found_in_groups)}." if found_in_groups else ".")
        )
    across = sensitivity(report)
    if across:
        somewhere = [item for item in across if item.verdict != "no difference under any rule"]
        rules = sorted({rule for item in across for rule in item.by_rule})
        parts.append(
            f"Under the {len(rules)} model-selection rules the grid ran ({', '.join(rules)}), "
            f"{sum(item.verdict == 'holds under every rule' for item in somewhere)} of the "
            f"{len(somewhere)} comparisons that differ from zero under some rule hold under "
            "every rule."
        )
    nulls = [c for c in overall if not differs(c) and c.detectable is not None]
    if nulls:
        parts.append(
            f"Where no difference was found over all target languages, the seeds could have "
            f"detected one of {min(c.detectable for c in nulls):.2f} to "
            f"{max(c.detectable for c in nulls):.2f} points with 80% power; smaller effects are "
            "not ruled out."
        )
    text = " ".join(parts) + left_out
    return text + (
        " Intervals are 95% paired bootstraps over test examples; they do not cover seed-to-seed"
        " variation (see the intervals over seeds)."
    )
