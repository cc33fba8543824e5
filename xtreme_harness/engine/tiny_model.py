"""A tiny random-initialised encoder with a tokenizer trained on sample text, for tests and demos.

Two styles, because the engine must handle both families of tokenizers the field uses:

- ``sentencepiece`` (default): an XLM-R-style model with a Unigram tokenizer and a Metaspace
  pre-tokenizer (``▁`` marks word starts), special tokens ``<s> <pad> </s> <unk> <mask>``;
- ``wordpiece``: a BERT-style model with a WordPiece tokenizer, ``[CLS] ... [SEP]``.

Neither normaliser lower-cases or strips accents, which would damage Devanagari, Arabic and other
scripts. The config carries ``xharness_tiny_model: true`` so that results mark its scores as
meaningless.

The tokenizer is trained on the bundled sample data of the built-in plugins only
(`sample_texts`), in a fixed order, so the tiny model is byte-identical whatever third-party
plugins are installed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from xtreme_harness.config.resolution import TINY_MARKER
from xtreme_harness.engine.models import save
from xtreme_harness.errors import UsageError

STYLES = ("sentencepiece", "wordpiece")


def train_tokenizer(texts: Iterable[str], style: str, vocab_size: int, max_length: int) -> Any:
    """A `PreTrainedTokenizerFast` trained on `texts`."""
    return _train_tokenizer(texts, style, vocab_size, max_length)


def _settled_unigram(tokenizer: Any, specials: int) -> Any:
    """The trained Unigram model made the same on every build: scores rounded to 1e-6, pieces in
    a fixed order (special tokens first, then by score and text). Without this, builds differ:
    the trainer's threads sum scores in a varying order, and it appends the characters it has no
    piece for with made-up scores (each 1e-4 below the previous) in hash-map order, so those are
    given their scores again here in character order (the trailing run of single characters whose
    scores step down by at most 1e-4). Rounding to 1e-9 was not enough: the made-up scores can
    end in a 5 at the tenth decimal, where the varying sums round either way."""
    import json

    from tokenizers import models

    model = json.loads(tokenizer.to_str())["model"]
    vocab = [(piece, round(score, 6)) for piece, score in model["vocab"]]
    tail = len(vocab) - 1  # the first of the trailing run
    while (
        tail - 1 >= specials
        and len(vocab[tail][0]) == 1
        and len(vocab[tail - 1][0]) == 1
        and -1e-7 <= vocab[tail - 1][1] - vocab[tail][1] <= 1e-4 + 1e-7
    ):
        tail -= 1
    characters = sorted(piece for piece, _ in vocab[tail:])
    scores = [score for _, score in vocab[tail:]]
    body = sorted(vocab[specials:tail], key=lambda item: (-item[1], item[0]))
    ordered = vocab[:specials] + body + list(zip(characters, scores, strict=True))
    return models.Unigram(ordered, unk_id=model["unk_id"], byte_fallback=False)


def _train_tokenizer(texts: Iterable[str], style: str, vocab_size: int, max_length: int) -> Any:
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from tokenizers import trainers as tokenizer_trainers
    from transformers import PreTrainedTokenizerFast

    if style == "sentencepiece":
        specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
        tokenizer = Tokenizer(models.Unigram())
        tokenizer.normalizer = normalizers.NFKC()
        tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
        tokenizer.decoder = decoders.Metaspace()
        trainer = tokenizer_trainers.UnigramTrainer(
            vocab_size=vocab_size, special_tokens=specials, unk_token="<unk>", show_progress=False
        )
        try:
            tokenizer.train_from_iterator(texts, trainer=trainer)
        except Exception as exc:
            if "not large enough" not in str(exc):
                raise
            raise UsageError(
                f"a vocabulary of {vocab_size} pieces cannot hold every character of the "
                "training text; use a larger vocabulary size"
            ) from None
        tokenizer.model = _settled_unigram(tokenizer, len(specials))
        bos, eos = tokenizer.token_to_id("<s>"), tokenizer.token_to_id("</s>")
        tokenizer.post_processor = processors.TemplateProcessing(
            single="<s> $A </s>",
            pair="<s> $A </s> </s> $B </s>",
            special_tokens=[("<s>", bos), ("</s>", eos)],
        )
        names = {"bos_token": "<s>", "eos_token": "</s>", "cls_token": "<s>", "sep_token": "</s>",
                 "pad_token": "<pad>", "unk_token": "<unk>", "mask_token": "<mask>"}  # fmt: skip
    elif style == "wordpiece":
        specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
        tokenizer.normalizer = normalizers.BertNormalizer(
            clean_text=True, handle_chinese_chars=True, strip_accents=False, lowercase=False
        )
        tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        tokenizer.decoder = decoders.WordPiece()
        trainer = tokenizer_trainers.WordPieceTrainer(
            vocab_size=vocab_size, special_tokens=specials, show_progress=False
        )
        tokenizer.train_from_iterator(texts, trainer=trainer)
        cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
        tokenizer.post_processor = processors.TemplateProcessing(
            single="[CLS] $A [SEP]",
            pair="[CLS] $A [SEP] $B:1 [SEP]:1",
            special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
        )
        names = {"cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]",
                 "unk_token": "[UNK]", "mask_token": "[MASK]"}  # fmt: skip
    else:
        raise UsageError(f"tokenizer style {style!r}: expected one of {', '.join(STYLES)}")
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, model_max_length=max_length, **names)


def build_tiny_model(
    out: str,
    texts: Iterable[str],
    *,
    style: str = "sentencepiece",
    vocab_size: int = 3000,
    hidden_size: int = 64,
    layers: int = 2,
    heads: int = 2,
    max_length: int = 512,
    seed: int = 0,
) -> dict[str, Any]:
    """Write a tiny encoder and its tokenizer to `out`; return a summary."""
    import torch
    from transformers import BertConfig, BertModel, XLMRobertaConfig, XLMRobertaModel

    if hidden_size % heads:
        raise UsageError(f"hidden size {hidden_size} is not divisible by {heads} heads")
    tokenizer = train_tokenizer(texts, style, vocab_size, max_length)
    common = {
        "vocab_size": len(tokenizer),
        "hidden_size": hidden_size,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": 2 * hidden_size,
        "pad_token_id": tokenizer.pad_token_id,
    }
    torch.manual_seed(seed)
    if style == "sentencepiece":
        # XLM-R numbers positions from pad_token_id + 1
        config = XLMRobertaConfig(
            **common,
            max_position_embeddings=max_length + tokenizer.pad_token_id + 1,
            type_vocab_size=1,
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
        )
        model = XLMRobertaModel(config)
    else:
        config = BertConfig(**common, max_position_embeddings=max_length, type_vocab_size=2)
        model = BertModel(config)
    setattr(model.config, TINY_MARKER, True)
    os.makedirs(out, exist_ok=True)
    save(model, tokenizer, out)
    return {
        "path": out,
        "style": style,
        "vocab_size": len(tokenizer),
        "parameters": sum(p.numel() for p in model.parameters()),
    }


def sample_reads(spec: Any) -> list[tuple[str, str]]:
    """The (split, language) pairs a task's data is read for, in the order read: every split its
    phases train and select on, ``test``, and ``candidates`` for a retrieval pool (sorted), each
    in every evaluation and training language (and ``all`` for a shared pool; sorted)."""
    from xtreme_harness.interfaces.task import CANDIDATES_SPLIT, SHARED_POOL

    languages = sorted(
        set(spec.languages)
        | set(spec.training_languages)
        | ({SHARED_POOL} if spec.pool == "shared" else set())
    )
    splits = {phase.train_split for phase in spec.phases}
    splits |= {phase.dev_split for phase in spec.phases} | {"test"}
    if spec.pool is not None:
        splits.add(CANDIDATES_SPLIT)
    return [(split, language) for split in sorted(splits) for language in languages]


def read_present(
    source: Any, split: str, language: str, data_dir: str | os.PathLike[str] | None = None
) -> list[dict[str, Any]] | None:
    """The examples of `split` in `language`, or None where the source has no data for them.

    A `FolderSource` has no data where it declares no such split or language or its file does
    not exist; a file that exists and cannot be read raises. Another source has no data where
    reading it raises a `DataError` (it cannot tell a missing split from a broken one)."""
    from xtreme_harness.errors import DataError
    from xtreme_harness.interfaces.sources import FolderSource

    if isinstance(source, FolderSource):
        try:
            path = source.path(split, language, data_dir)
        except DataError:
            return None
        if not os.path.exists(path):
            return None
        return source.read(split, language, data_dir=data_dir)
    try:
        return source.read(split, language, data_dir=data_dir)
    except DataError:
        return None


def builtin_tasks() -> list[Any]:
    """The task registrations of the built-in plugins only (sorted by name), whatever other
    plugins are installed and whatever `XHARNESS_DISABLE_PLUGINS` says; a built-in plugin that
    does not load is a `PluginError`."""
    import warnings

    from xtreme_harness.errors import PluginError, PluginWarning
    from xtreme_harness.plugin_host import PluginHost

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginWarning)
        host = PluginHost(builtin_only=True, environ={})
        registered = host.registrations("tasks")
    if host.failures:
        failure = host.failures[0]
        raise PluginError(
            f"built-in plugin {failure.plugin!r} {failure.error}; the tiny model's tokenizer is "
            "trained on the sample data of the built-in plugins (reinstall xtreme-harness)"
        )
    return sorted(registered.values(), key=lambda r: r.name)


def sample_texts() -> list[str]:
    """The text the tiny model's tokenizer is trained on: every text of the ``sample`` sources
    of the tasks of the built-in plugins, in a fixed order (tasks by name; then the splits and
    languages of `sample_reads`; then each file's examples in order, each example's texts as its
    kind gives them). Third-party plugins never contribute, so the tiny model is the same
    whatever plugins are installed or disabled. A built-in source that cannot be read is a
    `PluginError` naming the task, split and language."""
    from xtreme_harness.engine.kinds import implementation
    from xtreme_harness.errors import PluginError

    texts: list[str] = []
    for registration in builtin_tasks():
        spec = registration.obj
        source = spec.sources.get("sample")
        if source is None:
            continue
        kind = implementation(spec)
        for split, language in sample_reads(spec):
            try:
                examples = read_present(source, split, language)
                for example in examples or ():
                    texts.extend(kind.texts(example))
            except Exception as exc:
                raise PluginError(
                    f"the sample data of task {spec.name!r} of built-in plugin "
                    f"{registration.plugin!r} cannot be read (split {split!r}, language "
                    f"{language!r}): {type(exc).__name__}: {exc}; the tiny model's tokenizer "
                    "is trained on it (reinstall xtreme-harness)"
                ) from exc
    if not texts:
        raise UsageError("no built-in task has sample data to train a tokenizer on")
    return texts
