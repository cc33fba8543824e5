"""Subgroups of a task's target languages for the research report: seen in the intermediate
languages or not, resource class, family, script, and the encoder's pretraining coverage."""

from __future__ import annotations

from collections.abc import Sequence

from xtreme_harness.results.files import Result
from xtreme_harness.results.tables import SEEN_GROUPS, language_groups, seen_members

SUBGROUPS = ("seen", "resource-class", "family", "script", "pretraining")
"""The ways a task's target languages are split into subgroups (`report.build`'s `subgroups`)."""

TITLES = {
    "seen": "intermediate languages",
    "resource-class": "resource",
    "family": "family",
    "script": "script",
    "pretraining": "pretraining",
}


def note(notes: list[str], text: str) -> None:
    """Add `text` to `notes` once."""
    if text not in notes:
        notes.append(text)


def subgroups(schemes: Sequence[str], level: Result, notes: list[str]) -> list[tuple[str, list]]:
    """(label, languages) of every subgroup of the task's target languages, by the
    configuration `level` (the contrast's level, not its baseline: "seen" means seen in the
    level's intermediate languages, "pretraining" covered by the level's model). A subgroup
    holding every language of the task or none is left out: it adds no comparison."""
    from xtreme_harness.registry import pretraining
    from xtreme_harness.registry.languages import default_registry

    languages = list(level.document["task"]["languages"])
    found: list[tuple[str, list]] = []
    for scheme in schemes:
        title = TITLES[scheme]
        if scheme == "seen":
            groups: dict[str, list[str] | None] = {
                g: seen_members(level, g, languages) for g in SEEN_GROUPS
            }
            if any(members is None for members in groups.values()):
                note(notes, "seen / unseen: a compared configuration has no intermediate stage")
                continue
        elif scheme == "pretraining":
            model = level.document["model"]["name_or_path"]
            if pretraining.pretrained_languages(model) is None:
                note(notes, f"pretraining: {model} is not in registry/pretraining.json (a "
                      "plugin adds a model with the xharness_register_pretrained_models "
                      "hook)")  # fmt: skip
                continue
            covered = [lang for lang in languages if pretraining.covered(model, lang)]
            rest = [lang for lang in languages if lang not in covered]
            groups = {"covered": covered, "not covered": rest}
        else:
            groups = dict(language_groups(scheme, languages, default_registry()))
        for group, members in groups.items():
            if members and len(members) < len(languages):
                found.append((f"{title}: {group}", list(members)))
    return found
