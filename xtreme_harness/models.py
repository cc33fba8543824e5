"""Loading encoders and tokenizers: any Hugging Face model id or local folder."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from typing import Any

from xtreme_harness.errors import DataError, UsageError
from xtreme_harness.kinds.base import KindImpl

TINY_MARKER = "xharness_tiny_model"
"""Set in the config of models made by `xharness tiny-model`: their scores mean nothing."""


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """Silence transformers' notices and progress bars while loading or saving (a new head is
    initialised on purpose here; xharness shows its own progress)."""
    from transformers.utils import logging

    level = logging.get_verbosity()
    bars = logging.is_progress_bar_enabled()
    logging.set_verbosity_error()
    logging.disable_progress_bar()
    try:
        yield
    finally:
        logging.set_verbosity(level)
        if bars:
            logging.enable_progress_bar()


def _load_error(what: str, name: str, exc: Exception) -> DataError:
    offline = os.environ.get("HF_HUB_OFFLINE") == "1"
    advice = (
        "HF_HUB_OFFLINE=1 is set, so only models already in the Hugging Face cache load"
        if offline
        else "check the model id or folder and your network access"
    )
    return DataError(name, f"cannot load the {what}: {type(exc).__name__}: {exc} ({advice})")


def load_tokenizer(name_or_path: str, revision: str | None = None) -> Any:
    """A fast tokenizer (the engine needs offsets and word alignment, which only they give)."""
    from transformers import AutoTokenizer

    try:
        with quiet_transformers():
            tokenizer = AutoTokenizer.from_pretrained(name_or_path, revision=revision)
    except (OSError, ValueError) as exc:
        raise _load_error("tokenizer", name_or_path, exc) from None
    if not tokenizer.is_fast:
        raise UsageError(f"{name_or_path}: xharness needs a fast (Rust) tokenizer")
    return tokenizer


def load_model(kind: KindImpl, name_or_path: str, revision: str | None = None) -> Any:
    """The encoder with the head of `kind`; a head that does not fit is initialised anew."""
    import transformers

    auto = getattr(transformers, kind.auto_model)
    try:
        with quiet_transformers():
            model = auto.from_pretrained(
                name_or_path,
                revision=revision,
                ignore_mismatched_sizes=True,
                **kind.model_kwargs(),
            )
    except (OSError, ValueError) as exc:
        raise _load_error("model", name_or_path, exc) from None
    return kind.wrap(model)


def longest_input(model: Any) -> int | None:
    """The most tokens the model's position embeddings allow (None if it does not say)."""
    config = model.config
    positions = getattr(config, "max_position_embeddings", None)
    if positions is None:
        return None
    if config.model_type in ("roberta", "xlm-roberta", "camembert", "xlm-roberta-xl"):
        return positions - (config.pad_token_id or 0) - 1  # positions start after the pad id
    return positions


def check_length(model: Any, max_length: int, name: str) -> None:
    """A `UsageError` if inputs of `max_length` tokens do not fit the model."""
    longest = longest_input(model)
    if longest is not None and max_length > longest:
        raise UsageError(
            f"{name} takes at most {longest} tokens per input, but the recipe asks for "
            f"{max_length}; pass --max-length {longest} (or less)"
        )


def is_tiny(name_or_path: str) -> bool:
    """True for a model made by `xharness tiny-model` (read from a local config only)."""
    config = os.path.join(name_or_path, "config.json")
    if not os.path.isfile(config):
        return False
    with open(config, encoding="utf-8") as handle:
        return bool(json.load(handle).get(TINY_MARKER, False))


def count_parameters(model: Any) -> int:
    return sum(p.numel() for p in model.parameters())


def save(model: Any, tokenizer: Any, folder: str) -> None:
    """Save a model (or an encoder) and its tokenizer to `folder`."""
    with quiet_transformers():
        model.save_pretrained(folder)
        tokenizer.save_pretrained(folder)
