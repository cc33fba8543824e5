"""The figures of sizes.json, scaled, and their markdown tables (docs/performance.md)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

SIZES = Path(__file__).resolve().parent / "sizes.json"


def scaled(count: int, scale: float) -> int:
    """`count` times `scale`, rounded up, and at least 1; scale 1.0 gives `count` itself. The
    product is rounded to 9 decimals first, so that 1000 x 0.3 is 300, not 301."""
    return max(1, math.ceil(round(count * scale, 9)))


class Sizes:
    """sizes.json at one scale. A dataset is a task (``tasks``) or a file set several tasks use
    (``shared``: SQuAD); `expand` adds the shared ones a task needs."""

    def __init__(self, scale: float = 1.0, path: Path = SIZES) -> None:
        self.scale = scale
        self.data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        self.datasets: dict[str, dict[str, Any]] = {**self.data["tasks"], **self.data["shared"]}

    @property
    def names(self) -> list[str]:
        """Every dataset, tasks first, in the file's order."""
        return list(self.datasets)

    def expand(self, names: list[str]) -> list[str]:
        """`names` with the shared datasets they use, in the file's order."""
        wanted = set(names)
        for name in names:
            wanted.update(self.datasets[name].get("uses", ()))
        return [name for name in self.names if name in wanted]

    def figure(self, dataset: str, split: str, part: str | None = None) -> dict[str, Any]:
        entry = self.datasets[dataset]["splits"][split]
        return entry if part is None else entry["parts"][part]

    def counts(self, dataset: str, split: str, part: str | None = None) -> dict[str, int]:
        """Scaled counts per language (or MLQA pair) of a split, or of one of its parts."""
        raw = self.figure(dataset, split, part)["counts"]
        return {key: scaled(value, self.scale) for key, value in raw.items()}

    def count(self, dataset: str, split: str, key: str, part: str | None = None) -> int:
        return scaled(self.figure(dataset, split, part)["counts"][key], self.scale)

    def length(self, name: str, language: str | None = None) -> dict[str, Any]:
        """A length distribution; a language's own where the file has one."""
        figure = self.data["lengths"][name]
        return figure.get("by_language", {}).get(language, figure)

    def weights(self, name: str) -> dict[str, float]:
        return self.data["tags"][name]["weights"]


# ------------------------------------------------------------------------ the tables of the docs


def _number(value: float) -> str:
    return f"{value:,}"


def _counts(counts: dict[str, int]) -> str:
    values = set(counts.values())
    if len(counts) > 1 and len(values) == 1:
        return f"{_number(values.pop())} each"
    return ", ".join(f"{key} {_number(value)}" for key, value in counts.items())


def _verified(figure: dict[str, Any]) -> str:
    if not figure["verified"]:
        return "no"
    unverified = figure.get("unverified") or {}
    return f"yes, except {' '.join(unverified)}" if unverified else "yes"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def size_table(path: Path = SIZES) -> str:
    """Markdown: one row per task, split and part (task, split, unit, languages, count,
    source, verified); then one per length distribution, then the tag shares."""
    sizes = Sizes(1.0, path)
    rows = [
        "| task | split | unit | languages | count | source | verified |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in sizes.names:
        for split, entry in sizes.datasets[name]["splits"].items():
            figures = [(split, entry)]
            figures += [(f"{split} ({part})", f) for part, f in entry.get("parts", {}).items()]
            for label, figure in figures:
                counts = figure["counts"]
                total = sum(counts.values())
                languages = " ".join(counts) if len(counts) <= 3 else str(len(counts))
                count = _counts(counts) + (f" ({_number(total)} in all)" if len(counts) > 1 else "")
                rows.append(
                    f"| {name} | {label} | {figure['unit']} | {languages} | {count} | "
                    f"{_cell(figure['source'])} | {_verified(figure)} |"
                )
    rows += [
        "",
        "| length | unit | mean | sd | min-max | source | verified |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, figure in sizes.data["lengths"].items():
        for label, f in [(name, figure)] + [
            (f"{name} ({language})", own) for language, own in figure.get("by_language", {}).items()
        ]:
            rows.append(
                f"| {label} | {f['unit']} | {f['mean']} | {f['sd']} | {f['min']}-{f['max']} | "
                f"{_cell(f['source'])} | {'yes' if f['verified'] else 'no'} |"
            )
    rows += ["", "| tags | shares | source | verified |", "|---|---|---|---|"]
    for name, figure in sizes.data["tags"].items():
        weights = ", ".join(f"{tag} {weight}" for tag, weight in figure["weights"].items())
        rows.append(
            f"| {name} | {weights} | {_cell(figure['source'])} | "
            f"{'yes' if figure['verified'] else 'no'} |"
        )
    return "\n".join(rows) + "\n"
