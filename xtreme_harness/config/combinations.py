"""Which combinations of setting, task, perturbation and options a cell may have: every one that
makes no sense is a `UsageError` naming it, before any step runs (`Cell.check_setting`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xtreme_harness.config.cell import Cell
from xtreme_harness.errors import UsageError
from xtreme_harness.interfaces.task import TaskKind

TRANSLATABLE = (TaskKind.CLASSIFICATION, TaskKind.MULTIPLE_CHOICE)
"""Kinds whose labels survive translating their texts."""
ATTACKABLE = (TaskKind.CLASSIFICATION, TaskKind.MULTIPLE_CHOICE, TaskKind.TOKEN_TAGGING)
"""Kinds with a label per example or per word at evaluation, for an attack to ascend on."""


def _multi_source(cell: Cell) -> None:
    """multi-source needs a language set and a task with training data of its own beyond
    English, in one phase."""
    spec = cell.spec
    if cell.config.translator is not None:
        raise UsageError("--translator is for the translate settings; this cell is "
                         "multi-source")  # fmt: skip
    if cell.config.multi_source is None:
        raise UsageError(f"--setting multi-source on {spec.name} needs --multi-source NAME "
                         "(a language set, see `xharness language-sets`)")  # fmt: skip
    if cell.trained_task() is not spec or len(spec.phases) != 1 or len(spec.training_languages) < 2:
        having = sorted(
            name for name, entry in cell.host.registrations("tasks").items()
            if len(entry.obj.training_languages) > 1 and len(entry.obj.phases) == 1
        )  # fmt: skip
        raise UsageError(
            f"--setting multi-source on {spec.name}: the task has no training data of its "
            "own beyond English in one phase, so there is nothing to add; tasks that have: "
            + ", ".join(having)
        )
    sampler = cell.multi_source_sampler()  # a wrong parameter is named now, not in a step
    if cell.config.multi_source_budget is None and getattr(sampler, "requires_budget", False):
        raise UsageError(f"language set {sampler.name} spreads a budget over its languages: "
                         "give --multi-source-budget N")  # fmt: skip


def _certifiable(cell: Cell, perturber: Any) -> None:
    """Certified prediction needs one class per example and a model trained with noise
    that certifies a radius."""
    if cell.spec.kind not in TRANSLATABLE:
        raise UsageError(f"--perturbation {perturber.name} on {cell.spec.name}: certified "
                         "prediction votes for one class per example; a "
                         f"{cell.spec.kind.value} task has none")  # fmt: skip
    regularizer = cell.regularizer()
    if regularizer.certified_radius(0.75) is None:
        raise UsageError(
            f"--perturbation {perturber.name}: certified prediction votes with the noise the "
            f"model was trained with, and regularizer {regularizer.name} "
            f"({_options_text(regularizer.options)}) has none that certifies a radius; train "
            "with randomized smoothing by Gaussian noise (--regularizer rs-rp)"
        )


def check(cell: Cell) -> None:
    """A `UsageError` naming a combination of setting, task and options that makes no
    sense, before any step runs."""
    setting, spec = cell.config.setting, cell.spec
    if cell.config.perturbation is not None:
        if cell.config.generalized:
            raise UsageError("--generalized with --perturbation: the generalised evaluation "
                             "pairs clean test examples; run it without a "
                             "perturbation")  # fmt: skip
        perturber = cell.perturber()  # a wrong parameter is named now, not in a step
        if perturber.certifies:
            _certifiable(cell, perturber)
        elif perturber.model_aware and spec.kind not in ATTACKABLE:
            raise UsageError(
                f"--perturbation {perturber.name} on {spec.name}: the attack needs a label "
                "per example or per word to ascend on; a "
                f"{spec.kind.value} task has none at evaluation"
            )
        elif (
            setting == "translate-test"
            and spec.kind not in TRANSLATABLE
            and ("test" in spec.released_translations)
        ):
            raise UsageError(
                f"--perturbation {perturber.name} with translate-test on {spec.name}: its test "
                "sets are read already translated (released files), so there is no original "
                "text to perturb before translating; perturb the zero-shot cells"
            )
    if cell.config.shots is not None and setting != "few-shot":
        raise UsageError(f"--shots is for the few-shot setting; this cell is {setting}")
    if setting != "multi-source" and (
        cell.config.multi_source is not None or cell.config.multi_source_budget is not None
    ):
        raise UsageError(f"--multi-source and --multi-source-budget are for the "
                         f"multi-source setting; this cell is {setting}")  # fmt: skip
    if setting == "multi-source":
        _multi_source(cell)
        return
    if setting in ("zero-shot", "few-shot") and cell.config.translator is not None:
        raise UsageError(f"--translator is for the translate settings; this cell is {setting}")
    if setting == "zero-shot":
        return
    if setting == "few-shot":
        if cell.config.shots is None:
            raise UsageError(f"--setting few-shot on {spec.name} needs --shots K (labelled "
                             "examples per target language)")  # fmt: skip
        if spec.kind is TaskKind.RETRIEVAL or cell.trained_task() is not spec:
            raise UsageError(
                f"--setting few-shot on {spec.name}: the task is not fine-tuned on labelled "
                "data of its own, so there are no target-language shots to continue on"
            )
        return
    if setting in ("translate-test", "translate-train", "translate-train-all"):
        split = "test" if setting == "translate-test" or not spec.phases else (
            spec.phases[0].train_split)  # fmt: skip
        released = spec.kind is TaskKind.EXTRACTIVE_QA and split in spec.released_translations
        if spec.kind not in TRANSLATABLE and not released:
            raise UsageError(
                f"--setting {setting} on {spec.name}: a {spec.kind.value} task cannot be "
                "trained or evaluated on translated text here (its labels belong to the "
                "original words or spans); the translate settings need a classification or "
                "multiple-choice task, or an extractive-QA task with released translations of "
                f"the split ({_with_released(cell)})"
            )
        if cell.config.translator is None:
            raise UsageError(
                f"--setting {setting} on {spec.name} needs --translator (see `xharness "
                "translators`; xtreme-translations reads XTREME's released ones)"
            )
        if setting == "translate-test" and cell.config.generalized:
            raise UsageError("--generalized pairs every two test languages; with "
                             "translate-test every text is English: use zero-shot")  # fmt: skip
        if setting == "translate-train" and cell.config.generalized:
            raise UsageError("--generalized pairs every two test languages on one model; "
                             "translate-train has a model per language")  # fmt: skip
        if setting != "translate-test" and (
            len(spec.phases) != 1 or cell.trained_task() is not spec
        ):
            raise UsageError(
                f"--setting {setting} on {spec.name}: its fine-tuning is not one "
                "phase on its own training data, which the setting translates"
            )  # fmt: skip
        translator = cell.translator()  # a wrong parameter is named now, not in a step
        if released and spec.kind not in TRANSLATABLE:
            _released_files(cell, translator, split)
        return
    raise UsageError(f"setting {setting!r}: not one xharness runs")


def _released_files(cell: Cell, translator: Any, split: str) -> None:
    """Extractive QA trains on released translations of its training file, and is tested on
    released translations of its test files: the translator must have one for every evaluation
    language (a missing file is named now, not in a step)."""
    spec = cell.spec
    dataset = spec.released_translations[split]
    into_english = split == "test"
    for language in cell.config.eval_languages or spec.languages:
        if language == spec.train_language:
            continue
        source, target = (language, spec.train_language) if into_english else (
            spec.train_language, language)  # fmt: skip
        if translator.released_file(dataset, split, source, target) is None:
            raise UsageError(
                f"--setting {cell.config.setting} on {spec.name}: translator {translator.name} has "
                f"no released translation of {dataset} {split} from {source} into {target}; "
                "extractive QA reads released translations of whole files "
                f"({_with_released(cell)})"
            )


def _with_released(cell: Cell) -> str:
    """The extractive-QA tasks that declare released translations, and of what."""
    specs = [cell.host.get("tasks", name) for name in sorted(cell.host.registrations("tasks"))]
    declared = [
        f"{spec.name}: "
        + ", ".join(f"{split} {name}" for split, name in sorted(spec.released_translations.items()))
        for spec in specs
        if spec.kind is TaskKind.EXTRACTIVE_QA and spec.released_translations
    ]
    return "; ".join(declared) or "no registered task declares any"


def _options_text(options: Mapping[str, Any]) -> str:
    return ", ".join(f"{key}={value}" for key, value in options.items()) or "no options"
