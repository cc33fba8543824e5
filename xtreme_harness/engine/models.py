"""Loading encoders and tokenizers: any Hugging Face model id or local folder."""

from __future__ import annotations

import contextlib
import copy
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from xtreme_harness.config.resolution import check_model_location
from xtreme_harness.engine.kinds.base import KindImpl
from xtreme_harness.errors import DataError, UsageError, WeightsError


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

    check_model_location(name_or_path)
    try:
        with quiet_transformers():
            tokenizer = AutoTokenizer.from_pretrained(name_or_path, revision=revision)
    except (OSError, ValueError) as exc:
        raise _load_error("tokenizer", name_or_path, exc) from None
    if not tokenizer.is_fast:
        raise UsageError(f"{name_or_path}: xharness needs a fast (Rust) tokenizer")
    return tokenizer


@dataclass
class LoadedModel:
    """A loaded model and what its checkpoint did not hold."""

    model: Any
    """The model the engine trains (`kind.wrap` of the loaded auto class)."""
    initialised: list[str] = field(default_factory=list)
    """The weights initialised anew (not in the checkpoint, or of another shape there), in the
    loaded auto class's naming, sorted."""
    notes: list[str] = field(default_factory=list)
    """What a result should say about them (a pooler the checkpoint never had)."""


def load_model(kind: KindImpl, name_or_path: str, revision: str | None = None) -> Any:
    """The encoder with the head of `kind` (the model only; `load_model_with_report` also says
    which weights were initialised anew). The same checks apply."""
    return load_model_with_report(kind, name_or_path, revision).model


def load_model_with_report(
    kind: KindImpl, name_or_path: str, revision: str | None = None, *, complete: bool = False
) -> LoadedModel:
    """The encoder with the head of `kind`, and which weights the checkpoint did not hold.

    A head that is missing or does not fit (another number of labels) is initialised anew and
    reported. Every other weight must come from the checkpoint, or a `WeightsError` names it:

    - an encoder weight missing or of another shape: an error (the checkpoint is incomplete or of
      another architecture);
    - the pooler: a checkpoint that holds none of its weights never had one (e.g. saved from a
      masked-LM or token-classification model without a pooling layer); the
      pooler is then initialised anew and, where the model uses it (a head built on it; retrieval
      with pooling ``pooler``), trained with the head and named in a note. Where the task trains
      nothing (a retrieval task without phases) a pooler in use would stay random: an error.
      Part of a pooler missing is an error like any encoder weight;
    - `complete=True` (loading a fine-tuned model to evaluate it): nothing may be new at all.
    """
    import transformers

    auto = getattr(transformers, kind.auto_model)
    check_model_location(name_or_path)
    try:
        with quiet_transformers():
            model, info = auto.from_pretrained(
                name_or_path,
                revision=revision,
                ignore_mismatched_sizes=True,
                output_loading_info=True,
                **kind.model_kwargs(),
            )
    except (OSError, ValueError) as exc:
        raise _load_error("model", name_or_path, exc) from None
    missing = set(info.get("missing_keys") or ())
    mismatched = {entry[0] for entry in info.get("mismatched_keys") or ()}
    new = sorted(missing | mismatched)
    loaded = LoadedModel(kind.wrap(model), new)
    if not new:
        return loaded
    if complete:
        raise WeightsError(
            name_or_path,
            f"{_named(new)} {'is' if len(new) == 1 else 'are'} not in this checkpoint, so the "
            f"{kind.auto_model} loaded from it would predict with random weights; evaluate the "
            f"folder that fine-tuning saved (OUT/model) for task {kind.spec.name}",
            new,
        )
    prefix = "" if model.base_model is model else f"{model.base_model_prefix}."
    encoder = [name for name in new if name.startswith(prefix)]
    pooler_prefix = f"{prefix}pooler."
    pooler = [name for name in encoder if name.startswith(pooler_prefix)]
    others = [name for name in encoder if not name.startswith(pooler_prefix)]
    if others:
        shapes = " or have another shape there" if mismatched & set(others) else ""
        raise WeightsError(
            name_or_path,
            f"the checkpoint lacks encoder weights{shapes}, which loading the {kind.auto_model} "
            f"would initialise at random: {_named(others)}. The checkpoint is incomplete or of "
            "another architecture; load a complete checkpoint of the model (an intermediate "
            "encoder: run the intermediate stage again)",
            others,
        )
    if not pooler:
        return loaded
    every_pooler = [
        f"{prefix}pooler.{name}" for name, _ in model.base_model.pooler.state_dict().items()
    ]
    if mismatched & set(pooler) or sorted(pooler) != sorted(every_pooler):
        raise WeightsError(
            name_or_path,
            f"the checkpoint holds only part of the pooler (or one of another shape): "
            f"{_named(pooler)} would be initialised at random. The checkpoint is incomplete; "
            "load a complete checkpoint of the model",
            pooler,
        )
    used = model.base_model is not model or getattr(kind.recipe, "pooling", None) == "pooler"
    if not used:  # retrieval pooling by mean or a token: the new pooler is never read
        return loaded
    if not kind.spec.phases:
        raise WeightsError(
            name_or_path,
            f"the checkpoint has no pooler, so {_named(pooler)} would be random, and task "
            f"{kind.spec.name} trains nothing; choose another pooling (--pooling cls or mean) "
            "or a checkpoint with a pooler",
            pooler,
        )
    loaded.notes.append(
        f"{name_or_path} has no pooler weights: the {kind.auto_model} for {kind.spec.name} "
        f"starts from a new pooler ({', '.join(pooler)}), trained with the head"
    )
    return loaded


def _named(names: list[str], most: int = 8) -> str:
    """Weight names for a message: the first `most`, then how many more."""
    shown = ", ".join(names[:most])
    return shown if len(names) <= most else f"{shown} and {len(names) - most} more"


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


def count_parameters(model: Any) -> int:
    return sum(p.numel() for p in model.parameters())


def attention_of(model: Any) -> str | None:
    """The attention implementation transformers chose for `model` (``sdpa``: PyTorch's scaled
    dot-product attention, its default where the architecture has it; ``eager`` otherwise)."""
    return getattr(getattr(model, "config", None), "_attn_implementation", None)


def compiled(model: Any, enabled: bool) -> Any:
    """`model` with its forward compiled by torch.compile, in place (`--compile`), for dynamic
    shapes since every batch is padded to its own longest input; its weights and their names
    stay as they are, so saving and loading are unchanged."""
    if enabled:
        model.compile(dynamic=True)
    return model


def save(model: Any, tokenizer: Any, folder: str) -> None:
    """Save a model (or an encoder) and its tokenizer to `folder`."""
    with quiet_transformers():
        model.save_pretrained(folder)
        tokenizer.save_pretrained(folder)


def save_encoder(
    model: Any, start: str, start_revision: str | None, tokenizer: Any, folder: str
) -> list[str]:
    """Save the encoder of `model` (trained from the checkpoint `start`) and the tokenizer to
    `folder`, as `save` saves a model, with every weight of `start`'s encoder that `model` lacks
    kept bit for bit (the pooler of a head built without one). Weights the start's checkpoint did
    not hold either (a pooler it never had) are left out, so that loading the folder reports them
    as new. Returns the names of the weights kept from the start."""
    import torch
    import transformers

    encoder = model.base_model
    trained = {name: tensor.detach().cpu() for name, tensor in encoder.state_dict().items()}
    try:
        with quiet_transformers():
            full, info = transformers.AutoModel.from_pretrained(
                start, revision=start_revision, output_loading_info=True
            )
    except (OSError, ValueError) as exc:
        raise _load_error("starting model", start, exc) from None
    if type(full) is not type(encoder):
        raise DataError(
            start,
            f"its encoder is a {type(full).__name__}, but the model trained from it holds a "
            f"{type(encoder).__name__}",
        )
    absent = set(info.get("missing_keys") or ()) | {
        entry[0] for entry in info.get("mismatched_keys") or ()
    }
    state: dict[str, torch.Tensor] = {}
    kept = []
    for name, tensor in full.state_dict().items():
        if name in trained:
            state[name] = trained[name]
        elif name not in absent:
            state[name] = tensor
            kept.append(name)
    state.update({name: t for name, t in trained.items() if name not in state})
    full.config = copy.deepcopy(encoder.config)  # the configuration `save` would write
    with quiet_transformers():
        full.save_pretrained(folder, state_dict=state)
        tokenizer.save_pretrained(folder)
    del full
    return kept
