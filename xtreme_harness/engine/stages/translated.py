"""Examples with their texts translated, for the translate settings: a target language's test
examples into the training language (translate-test), the training examples into every
evaluation language (translate-train, translate-train-all); and a grid's translation step, which
translates one task's split in one language once for every cell that needs it. Labels, ids and
everything but the text fields stay as they are, so predictions and scores are on the original
test examples."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any, TypedDict

from xtreme_harness.engine import translation
from xtreme_harness.engine.context import Context
from xtreme_harness.engine.kinds import implementation
from xtreme_harness.engine.kinds.base import KindImpl
from xtreme_harness.engine.stages.perturbed import perturbed
from xtreme_harness.errors import DataError, UsageError


def _texts(example: dict, fields: dict[str, str]) -> list[str]:
    found = []
    for field, form in fields.items():
        value = example.get(field)
        if value is None:
            continue
        found.extend(value if form == "texts" else [value])
    return found


def translated(
    ctx: Context, kind: KindImpl, examples: list[dict], source: str, target: str
) -> tuple[list[dict], dict[str, Any]]:
    """The examples with every text field (`KindImpl.text_fields`: a text, or a list of texts)
    translated from `source` into `target` by the cell's translator, and what the translation
    did (texts, translated now, not translated again): read from the grid's translation step of
    the direction where there is one (`Context.translations`), else through the store."""
    texts = [text for example in examples for text in _texts(example, kind.text_fields)]
    into, record = _translations(ctx, texts, source, target)
    shown = []
    for example in examples:
        copy = dict(example)
        for field, form in kind.text_fields.items():
            value = example.get(field)
            if value is not None:
                copy[field] = [into[t] for t in value] if form == "texts" else into[value]
        shown.append(copy)
    return shown, record


def _translations(
    ctx: Context, texts: list[str], source: str, target: str
) -> tuple[dict[str, str], dict[str, Any]]:
    made = ctx.translations.get((source, target))
    if made is not None:
        path, record = made
        known = translation.read_store(path)
        keys = [translation.text_key(text) for text in texts]
        missing = sum(key not in known for key in keys)
        if missing:
            raise DataError(path, f"{missing} of {len(texts)} texts to translate from {source} "
                            f"to {target} are not among the step's translations")  # fmt: skip
        return {text: known[key] for text, key in zip(texts, keys, strict=True)}, dict(record)
    translator = ctx.cell.translator()
    try:
        outcome = translation.translate(translator, texts, source, target)
    except UsageError as error:  # name the setting and task the translation was for
        raise UsageError(f"--setting {ctx.config.setting} on {ctx.spec.name}: {error}") from None
    record = {"translator": translator.name, "source": source, "target": target,
              "texts": len(texts), "translated": outcome.translated,
              "reused": outcome.reused}  # fmt: skip
    return dict(zip(texts, outcome.texts, strict=True)), record


class TranslateOutput(TypedDict):
    translations: str
    """The store file of the step's translations, relative to its folder."""
    record: dict[str, Any]
    """What translating did: translator, direction, texts, translated now, not again."""
    seconds: float


def translate_data(
    ctx: Context, out: str, split: str, language: str, target: str
) -> TranslateOutput:
    """A grid's translation step: the texts of the cell's task's `split` in `language` (the
    test examples as evaluation shows them: perturbed first by a perturber that does not need
    the model) translated into `target` through the store, kept in `<out>/translations.json`
    for the steps that train or evaluate on them."""
    started = time.perf_counter()
    spec = ctx.spec
    kind = implementation(spec, ctx.evaluation_recipe)
    examples = ctx.load(spec, split, language)
    perturber = ctx.cell.perturber()
    if split == "test" and perturber is not None and not perturber.model_aware:
        examples, _ = perturbed(perturber, kind, examples, spec.name, language)
    texts = [text for example in examples for text in _texts(example, kind.text_fields)]
    into, record = _translations(ctx, texts, language, target)
    distinct = list(dict.fromkeys(texts))
    translation.write_store(os.path.join(out, "translations.json"), ctx.cell.translator(),
                            language, target, distinct, [into[t] for t in distinct])  # fmt: skip
    return {"translations": "translations.json", "record": record,
            "seconds": round(time.perf_counter() - started, 3)}  # fmt: skip


def with_translations(
    ctx: Context,
    examples: list[dict],
    language: str,
    into: Callable[[str], tuple[list[dict], dict[str, Any]]],
) -> tuple[list[dict], dict[str, dict[str, Any]]]:
    """translate-train-all: the training examples of `language` followed by their translations
    into every other evaluation language (`into(target)`: `translated` of the examples, or the
    `released` file), and what each translation did."""
    found, records = list(examples), {}
    for target in ctx.languages:
        if target == language:
            continue
        shown, records[target] = into(target)
        found += shown
    return found, records
