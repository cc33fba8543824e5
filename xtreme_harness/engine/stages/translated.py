"""Examples with their texts translated, for the translate settings: a target language's test
examples into the training language (translate-test), the training examples into every
evaluation language (translate-train-all). Labels, ids and everything but the text fields stay as
they are, so predictions and scores are on the original test examples."""

from __future__ import annotations

from typing import Any

from xtreme_harness.engine import translation
from xtreme_harness.engine.context import Context
from xtreme_harness.engine.kinds.base import KindImpl
from xtreme_harness.errors import UsageError


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
    translated from `source` into `target` by the cell's translator, through the translation
    store, and what the translation did (texts, translated now, not translated again)."""
    translator = ctx.cell.translator()
    texts = [text for example in examples for text in _texts(example, kind.text_fields)]
    try:
        outcome = translation.translate(translator, texts, source, target)
    except UsageError as error:  # name the setting and task the translation was for
        raise UsageError(f"--setting {ctx.config.setting} on {ctx.spec.name}: {error}") from None
    into = dict(zip(texts, outcome.texts, strict=True))
    shown = []
    for example in examples:
        copy = dict(example)
        for field, form in kind.text_fields.items():
            value = example.get(field)
            if value is not None:
                copy[field] = [into[t] for t in value] if form == "texts" else into[value]
        shown.append(copy)
    record = {"translator": translator.name, "source": source, "target": target,
              "texts": len(texts), "translated": outcome.translated,
              "reused": outcome.reused}  # fmt: skip
    return shown, record


def with_translations(
    ctx: Context, kind: KindImpl, examples: list[dict], language: str
) -> tuple[list[dict], dict[str, dict[str, Any]]]:
    """translate-train-all: the training examples of `language` followed by their translations
    into every other evaluation language, and what each translation did."""
    found, records = list(examples), {}
    for target in ctx.languages:
        if target == language:
            continue
        shown, records[target] = translated(ctx, kind, examples, language, target)
        found += shown
    return found, records
