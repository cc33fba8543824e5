"""translate-test: a target language's test examples with their texts translated into the
training language, for the model fine-tuned on it (XTREME's translate-test rows). Labels, ids and
everything but the text fields stay as they are, so predictions and scores are on the original
test examples."""

from __future__ import annotations

from typing import Any

from xtreme_harness.engine import translation
from xtreme_harness.engine.context import Context
from xtreme_harness.engine.kinds.base import KindImpl


def _texts(example: dict, fields: dict[str, str]) -> list[str]:
    found = []
    for field, form in fields.items():
        value = example.get(field)
        if value is None:
            continue
        found.extend(value if form == "texts" else [value])
    return found


def translated(
    ctx: Context, kind: KindImpl, examples: list[dict], language: str
) -> tuple[list[dict], dict[str, Any]]:
    """The examples with every text field (`KindImpl.text_fields`: a text, or a list of texts)
    translated from `language` into the task's training language through the translation
    store, and what the translation did (texts, translated now, read from the store)."""
    target = ctx.spec.train_language
    translator = ctx.cell.translator()
    texts = [text for example in examples for text in _texts(example, kind.text_fields)]
    outcome = translation.translate(translator, texts, language, target)
    into = dict(zip(texts, outcome.texts, strict=True))
    shown = []
    for example in examples:
        copy = dict(example)
        for field, form in kind.text_fields.items():
            value = example.get(field)
            if value is not None:
                copy[field] = [into[t] for t in value] if form == "texts" else into[value]
        shown.append(copy)
    record = {"translator": translator.name, "source": language, "target": target,
              "texts": len(texts), "translated": outcome.translated,
              "reused": outcome.reused}  # fmt: skip
    return shown, record
