"""The research report as a `Document` (sections of prose, tables and figures) that any table
format renders: Markdown for a paper's appendix, one self-contained HTML page, or another format
a plugin brings. The numbers are the `Report`'s; nothing here computes one."""

from __future__ import annotations

from collections.abc import Sequence

from xtreme_harness.interfaces.table_format import Cell, Document, Figure, Section, Table
from xtreme_harness.results.conclusions import Sensitivity, differs, sensitivity
from xtreme_harness.results.effects import Estimate
from xtreme_harness.results.report import SEEDS_CAP, Comparison, Report

CORRECTION_NAMES = {"holm": "Holm", "bh": "Benjamini-Hochberg"}


def _estimate(estimate: Estimate | None, marker: str = "") -> Cell:
    if estimate is None:
        return Cell()
    return Cell(mean=estimate.value, low=estimate.low, high=estimate.high, marker=marker)


def _p(value: float | None) -> Cell:
    return Cell(text="-" if value is None else f"{value:.3g}")


def _table(title: str, comparisons: Sequence[Comparison], correction: str,
           with_subgroup: bool) -> Table:  # fmt: skip
    name = CORRECTION_NAMES[correction]
    columns = ["quantity", *(["subgroup"] if with_subgroup else []), "other factors",
               "contrast", "seeds", "difference [95% CI over examples]", "p",
               f"p ({name})", "difference [95% CI over seeds]",
               "detectable (80% power)", "seeds for this difference (80% power)"]  # fmt: skip
    rows = []
    for c in comparisons:
        found = c.p_adjusted is not None and c.p_adjusted < 0.05 and c.examples.excludes_zero
        subgroup = [Cell(text=f"{c.subgroup} ({', '.join(c.languages)})")] if with_subgroup else []
        rows.append((
            Cell(text=c.task), *subgroup, Cell(text=c.context), Cell(text=c.contrast),
            Cell(text=", ".join(map(str, c.seeds))), _estimate(c.examples, "*" if found else ""),
            _p(None if c.examples is None else c.examples.p), _p(c.p_adjusted),
            _estimate(c.over_seeds),
            Cell() if c.detectable is None else Cell(mean=c.detectable),
            Cell(text="-" if c.seeds_needed is None else
                 f"{'>= ' if c.seeds_needed >= SEEDS_CAP else ''}{c.seeds_needed}"),
        ))  # fmt: skip
    return Table(title, tuple(columns), tuple(rows), (), 2)


def _sensitivity_table(found: Sequence[Sensitivity]) -> Table:
    rules = sorted({rule for item in found for rule in item.by_rule})
    rows = []
    for item in found:
        cells = [
            _estimate(item.by_rule[rule].examples, "*" if differs(item.by_rule[rule]) else "")
            if rule in item.by_rule else Cell()
            for rule in rules
        ]  # fmt: skip
        rows.append((Cell(text=item.task), Cell(text=item.context), Cell(text=item.contrast),
                     *cells, Cell(text=item.verdict)))  # fmt: skip
    columns = ("quantity", "other factors", "contrast",
               *(f"{rule}: difference [95% CI]" for rule in rules), "conclusion")  # fmt: skip
    return Table("The same comparison under each model-selection rule", columns, tuple(rows), (), 2)


def _distance_table(report: Report) -> Table:
    name = CORRECTION_NAMES[report.correction]
    rows = tuple(
        (Cell(text=f.task), Cell(text=f.context), Cell(text=f.contrast), Cell(text=f.kind),
         Cell(text=f.covariate), Cell(text=str(f.languages)),
         Cell(mean=f.slope, low=f.low, high=f.high), _p(f.p), _p(f.p_adjusted),
         Cell(mean=f.resource_slope), Cell(mean=f.r_squared))
        for f in report.distances
    )  # fmt: skip
    columns = ("task", "other factors", "contrast", "distance", "covariate", "languages",
               "b1: gain per unit of distance [95% CI]", "p", f"p ({name})",
               "b2: gain per resource class", "R²")  # fmt: skip
    return Table("Gain against typological distance", columns, rows, (), 2)


def method_text(report: Report) -> str:
    name = CORRECTION_NAMES[report.correction]
    tested = sum(c.p_adjusted is not None for c in report.comparisons)
    return (
        "Differences are in score points, paired by seed and test example; a category's and "
        "the benchmark's score are the means of their tasks' scores. Intervals over examples are "
        "95% percentile intervals of a paired bootstrap over test examples (1,000 resamples); "
        "intervals over seeds bootstrap the per-seed differences and need 3 or more seeds. p is "
        f"the two-sided bootstrap p-value of a zero difference; it is corrected by {name}'s "
        f"method over all {tested} comparisons of this report, subgroups included (* marks a "
        "corrected p below 0.05 whose interval excludes zero). Detectable: the smallest "
        "difference a paired t-test over these seeds finds with 80% power, from the spread of "
        "the per-seed differences; seeds for this difference: how many seeds the same test "
        "needs to find the observed difference with 80% power. A subgroup is formed by the "
        "compared level's configuration (languages seen in its intermediate training, covered "
        "by its model's pretraining). "
        "docs/report.md gives the formulas and references."
    )


def build(report: Report, summary: str,
          figures: Sequence[tuple[str, Figure]] = ()) -> Document:  # fmt: skip
    """The report's sections: summary, main effects, interactions, subgroups, heat maps, what
    was left out, the method and the result files with their SHA-256."""

    def figures_of(kind: str) -> tuple[Figure, ...]:
        return tuple(figure for made, figure in figures if made == kind)

    def chosen(kind: str, subgroup: bool) -> list[Comparison]:
        return [c for c in report.comparisons
                if c.kind == kind and (c.subgroup is not None) == subgroup]  # fmt: skip

    sections = [Section("Summary", (summary,))]
    titles = {"main": f"Main effects of {report.factor} (baseline {report.baseline})",
              "interaction": f"Interactions of {report.factor} with {report.by} (reference "
                             f"{report.reference})"}  # fmt: skip
    for kind, title in titles.items():
        rows = chosen(kind, False)
        if rows:
            table = _table(f"{title}: all target languages", rows, report.correction, False)
            sections.append(Section(title, (), (table,), figures_of(kind)))
    subgroup_tables = tuple(
        _table(f"{titles[kind]}: by subgroup", chosen(kind, True), report.correction, True)
        for kind in titles if chosen(kind, True)
    )  # fmt: skip
    if subgroup_tables or report.subgroups:
        ways = ", ".join(report.subgroups) or "none asked for"
        sections.append(Section(
            "Subgroups of target languages", (f"Subgroups: {ways}.",), subgroup_tables,
            figures_of("subgroups"), tuple(report.notes),
        ))  # fmt: skip
    found = sensitivity(report)
    if found:
        somewhere = [item for item in found if item.verdict != "no difference under any rule"]
        held = sum(item.verdict == "holds under every rule" for item in somewhere)
        sections.append(Section(
            "Model-selection sensitivity",
            (f"The grid ran several model-selection rules; each comparison over all target "
             f"languages is shown under each. Of the {len(somewhere)} that differ from zero "
             f"under some rule, {held} hold under every rule (same direction).",
             "target-dev selects on target-language development data: an oracle, an upper "
             "bound, not a zero-shot result."),
            (_sensitivity_table(found),),
        ))  # fmt: skip
    if report.distances:
        sections.append(Section(
            "Typological distance",
            (f"Per target language, the gain of each main effect against its URIEL distance "
             f"({report.typology}) to the intermediate languages and its resource class: an "
             "ordinary least-squares fit gain = b0 + b1 distance + b2 resource class. b1 < 0: "
             "the effect is larger for target languages close to the intermediate languages. "
             f"p corrected by {CORRECTION_NAMES[report.correction]} with every other test.",),
            (_distance_table(report),), figures_of("distance"),
        ))  # fmt: skip
    if figures_of("heatmap"):
        sections.append(Section("Scores by target language", (), (), figures_of("heatmap")))
    if report.missing:
        sections.append(Section(
            "Left out", ("These comparisons were not made: their results are missing. No "
                         "estimate uses a subset of what a comparison needs.",),
            items=tuple(report.missing),
        ))  # fmt: skip
    sections.append(Section("Method", (method_text(report),)))
    sections.append(Section(
        "Result files (SHA-256)", (f"{len(report.results)} result files were read.",),
        items=tuple(f"{path} {digest}" for path, digest in report.results.items()),
    ))  # fmt: skip
    title = f"Report: {report.factor} (baseline {report.baseline})"
    return Document(title, tuple(sections))
