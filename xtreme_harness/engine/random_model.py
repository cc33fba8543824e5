"""Published encoder configurations with random weights: models that cost what the real ones cost
to train, built without hub weights, for measuring speed and memory.

`build_random_model` writes, for a configuration of `registry/random-models.json` (mBERT, XLM-R
base and large, mDeBERTa-v3 base), the model class transformers builds for its ``model_type``
with every published config value, random weights (seeded), safetensors, and a tokenizer of the
real model's family, length and special token ids:

- its pieces are trained on the bundled sample data (`tiny_model.sample_texts`, with
  `tiny_model.train_tokenizer`), which cannot fill a vocabulary of 120k-250k pieces; the other ids
  hold *filler pieces* that no text can ever produce, so the embedding matrix has the published
  shape while tokenization sees only the trained pieces:

  - Unigram (XLM-R, mDeBERTa): ``ﬁller0``, ``ﬁller1``... start with U+FB01 (the "ﬁ"
    ligature), which the NFKC normaliser always rewrites to "fi", so no normalised text holds
    it; each scores as low as the lowest trained piece (not lower: the score of an unknown
    character is derived from the lowest score, and must not change);
  - WordPiece (mBERT): ``[unused100]``, ``[unused101]``... as BERT names its unused ids; the
    BERT pre-tokeniser splits ``[`` and ``]`` off as punctuation, so no word holds them;

- the WordPiece vocabulary is read off the Unigram pieces (``▁word`` -> ``word``, ``piece`` ->
  ``##piece``, and every character both ways), because the WordPiece trainer of `tokenizers`
  breaks ties between merges in a different order on each run, and a random model must be the
  same files for the same seed;
- nothing lower-cases or strips accents.

The config carries `RANDOM_MARKER` (what the model is), so that results of runs with it record a
departure from their protocol and say that their scores mean nothing.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterable, Sequence
from typing import Any

from xtreme_harness.config.resolution import RANDOM_MARKER
from xtreme_harness.engine.models import longest_input, save
from xtreme_harness.engine.tiny_model import train_tokenizer
from xtreme_harness.errors import UsageError
from xtreme_harness.registry import random_models
from xtreme_harness.registry.random_models import RandomModelSpec

FILLER_MARK = "\ufb01"
"""U+FB01, the "ﬁ" ligature: NFKC rewrites it, so a piece holding it never matches."""
SCORE_STEP = 1e-4
"""The step between the scores the Unigram trainer makes up for characters it kept no piece for."""
WORD_START = "▁"


def settled_pieces(trained: Any) -> list[tuple[str, float]]:
    """The trained Unigram pieces, special tokens left out, the same on every build.

    The trainer gives each character it kept no piece for the score ``lowest + k * 1e-4``
    (k = 0, 1, ...) in the order of a hash map, which varies from run to run; with a vocabulary
    as large as the text allows, those scores fall among the real pieces' scores. The run of
    single characters on that grid is found from the lowest score up, and its scores are handed
    out again in character order; then every piece is sorted by score and text (scores rounded
    to 1e-9, as `tiny_model` rounds them)."""
    model = json.loads(trained.backend_tokenizer.to_str())["model"]
    specials = set(trained.all_special_tokens)
    pieces = [(piece, round(score, 9)) for piece, score in model["vocab"] if piece not in specials]
    lowest = min(score for _, score in pieces)
    singles: dict[int, list[str]] = {}
    for piece, score in pieces:
        if len(piece) == 1:
            singles.setdefault(round(score * 1e9), []).append(piece)
    made_up: list[str] = []
    step = 0
    while True:
        target = round((lowest + step * SCORE_STEP) * 1e9)
        found = [c for key in (target - 1, target, target + 1) for c in singles.get(key, ())]
        if not found:
            break
        made_up.extend(found)
        step += 1
    chosen = set(made_up)
    scores = sorted((score for piece, score in pieces if piece in chosen), reverse=True)
    settled = [(piece, score) for piece, score in pieces if piece not in chosen]
    settled += list(zip(sorted(chosen), scores, strict=True))
    return sorted(settled, key=lambda item: (-item[1], item[0]))


def wordpiece_pieces(pieces: Iterable[tuple[str, float]]) -> list[str]:
    """A WordPiece vocabulary (without special tokens) read off Unigram pieces, most likely
    first: a word-start piece for each ``▁``-piece, a ``##`` piece for each other, then every
    character both as a word start and as a continuation, so that no trained character is
    unknown."""
    found: dict[str, None] = {}
    characters: set[str] = set()
    for piece, _ in pieces:
        text = piece[1:] if piece.startswith(WORD_START) else piece
        if not text or WORD_START in text:
            continue
        characters.update(text)
        found.setdefault(text if piece.startswith(WORD_START) else "##" + text)
    for character in sorted(characters):
        found.setdefault(character)
        found.setdefault("##" + character)
    return list(found)


def vocabulary(spec: RandomModelSpec, pieces: Sequence[Any], filler: Any) -> tuple[list[Any], int]:
    """The full vocabulary, one entry per id of the real tokenizer: its special tokens (and
    reserved ids) where the real one has them, the trained `pieces` (most likely first) in the
    free ids from the lowest, and ``filler(n)`` in the ids left (n counting on from the reserved
    ids). Pieces beyond the real vocabulary's room are left out (the least likely). Returns the
    vocabulary and how many trained pieces it holds."""
    shape = spec.tokenizer
    slots: list[Any] = [None] * shape.size
    for token, index in shape.special_tokens.items():
        slots[index] = token
    fillers = 0
    if shape.reserved is not None:
        first, last, pattern = shape.reserved
        for index in range(first, last + 1):
            slots[index] = pattern.format(n=index)
        fillers = last + 1
    free = [index for index, slot in enumerate(slots) if slot is None]
    for index, piece in zip(free, pieces, strict=False):  # more pieces than room: the rest go
        slots[index] = piece
    for n, index in enumerate(free[len(pieces) :], start=fillers):
        slots[index] = filler(n)
    return slots, min(len(pieces), len(free))


def _template_tokens(template: str) -> list[str]:
    """The special tokens of a TemplateProcessing template (``[CLS] $A [SEP] $B:1 [SEP]:1``)."""
    tokens = [part.split(":", 1)[0] for part in template.split()]
    return [token for token in tokens if not token.startswith("$")]


def build_tokenizer(
    spec: RandomModelSpec, texts: Sequence[str], max_length: int
) -> tuple[Any, dict[str, int]]:
    """A fast tokenizer of the real model's family, length and special token ids, its pieces
    trained on `texts`; and its make-up: ``trained`` pieces and ``fillers``."""
    from tokenizers import Tokenizer, models, processors
    from transformers import PreTrainedTokenizerFast

    shape = spec.tokenizer
    trained = train_tokenizer(texts, "sentencepiece", random_models.trained_pieces(), max_length)
    # a piece spelled like a special token or a filler (text that holds "[CLS]") would take its id
    pieces = [item for item in settled_pieces(trained) if item[0] not in shape.special_tokens]
    if shape.family == "unigram":
        floor = min(score for _, score in pieces)
        slots, used = vocabulary(spec, pieces, lambda n: (f"{FILLER_MARK}ller{n}", floor))
        entries = [(slot, 0.0) if isinstance(slot, str) else slot for slot in slots]
        unk = shape.special_tokens[shape.roles["unk_token"]]
        backend = Tokenizer(models.Unigram(entries, unk_id=unk, byte_fallback=False))
        parts = trained.backend_tokenizer
    else:
        pattern = "[unused{n}]" if shape.reserved is None else shape.reserved[2]
        unused = re.compile(re.escape(pattern).replace(re.escape("{n}"), r"\d+"))
        words = [word for word in wordpiece_pieces(pieces) if not unused.fullmatch(word)]
        slots, used = vocabulary(spec, words, lambda n: pattern.format(n=n))
        ids = {piece: index for index, piece in enumerate(slots)}
        backend = Tokenizer(models.WordPiece(ids, unk_token=shape.roles["unk_token"]))
        # the BERT normaliser, pre-tokeniser and decoder, as `tiny_model` sets them up
        parts = train_tokenizer(texts, "wordpiece", 1, max_length).backend_tokenizer
    backend.normalizer = parts.normalizer
    backend.pre_tokenizer = parts.pre_tokenizer
    backend.decoder = parts.decoder
    framing = dict.fromkeys(_template_tokens(shape.single) + _template_tokens(shape.pair))
    backend.post_processor = processors.TemplateProcessing(
        single=shape.single,
        pair=shape.pair,
        special_tokens=[(token, shape.special_tokens[token]) for token in framing],
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        model_max_length=max_length,
        model_input_names=list(shape.model_input_names),
        **shape.roles,
    )
    fillers = shape.size - len(shape.special_tokens) - used
    if shape.reserved is not None:
        fillers -= shape.reserved[1] - shape.reserved[0] + 1
    return tokenizer, {"trained": used, "fillers": fillers}


def build_config(
    spec: RandomModelSpec, *, layers: int | None = None, hidden_size: int | None = None
) -> tuple[Any, dict[str, int]]:
    """The transformers config of the published values; with `layers` and/or `hidden_size`
    (for quick checks) a smaller one: fewer layers, or a narrower model with as many heads of the
    published width and the published ratio of feed-forward to hidden size. Returns the config
    and the values changed."""
    from transformers import AutoConfig

    values = spec.applied()
    reduced: dict[str, int] = {}
    if layers is not None and layers != values["num_hidden_layers"]:
        if not 1 <= layers <= values["num_hidden_layers"]:
            raise UsageError(
                f"--layers {layers}: the {spec.name} configuration has "
                f"{values['num_hidden_layers']} layers; --layers only makes it smaller (1 to "
                f"{values['num_hidden_layers']})"
            )
        reduced["num_hidden_layers"] = layers
    if hidden_size is not None and hidden_size != values["hidden_size"]:
        head = values["hidden_size"] // values["num_attention_heads"]
        if hidden_size % head or not head <= hidden_size <= values["hidden_size"]:
            raise UsageError(
                f"--hidden-size {hidden_size}: the {spec.name} configuration's attention heads "
                f"are {head} wide, so the hidden size must be a multiple of {head} from {head} "
                f"to {values['hidden_size']}"
            )
        reduced["hidden_size"] = hidden_size
        reduced["num_attention_heads"] = hidden_size // head
        reduced["intermediate_size"] = (
            values["intermediate_size"] * hidden_size // values["hidden_size"]
        )
    values.update(reduced)
    model_type = values.pop("model_type")
    return AutoConfig.for_model(model_type, **values), reduced


def parameter_count(config: Any) -> int:
    """The parameters of the encoder `config` describes, counted without allocating them."""
    import torch
    from transformers import AutoModel

    with torch.device("meta"):
        model = AutoModel.from_config(config)
    return sum(parameter.numel() for parameter in model.parameters())


def build_random_model(
    out: str,
    name: str,
    *,
    texts: Sequence[str] | None = None,
    seed: int = 0,
    layers: int | None = None,
    hidden_size: int | None = None,
) -> dict[str, Any]:
    """Write the published configuration `name` (or an alias) with random weights and its
    tokenizer to `out`; return a summary. The same `seed` writes the same files."""
    import torch
    from transformers import AutoModel

    from xtreme_harness.engine.models import quiet_transformers
    from xtreme_harness.engine.tiny_model import sample_texts

    started = time.perf_counter()
    spec = random_models.get(name)
    config, reduced = build_config(spec, layers=layers, hidden_size=hidden_size)
    torch.manual_seed(seed)
    with quiet_transformers():
        model = AutoModel.from_config(config)
    max_length = longest_input(model) or 512
    tokenizer, makeup = build_tokenizer(
        spec, sample_texts() if texts is None else texts, max_length
    )
    if len(tokenizer) != spec.tokenizer.size:  # a broken data file, not a user's mistake
        raise RuntimeError(f"{spec.name}: tokenizer of {len(tokenizer)} ids, expected "
                           f"{spec.tokenizer.size}")  # fmt: skip
    setattr(model.config, RANDOM_MARKER, {
        "configuration": spec.name,
        "hub": spec.hub,
        "weights": f"random (seed {seed}): no pretraining, so scores mean nothing",
        "cost": "not the published model's: reduced" if reduced
        else "the published model's: every shape as published",
        "reduced": reduced or None,
        "tokenizer": {"family": spec.tokenizer.family, **makeup},
    })  # fmt: skip
    os.makedirs(out, exist_ok=True)
    save(model, tokenizer, out)
    written = sum(entry.stat().st_size for entry in os.scandir(out) if entry.is_file())
    return {
        "path": out,
        "configuration": spec.name,
        "hub": spec.hub,
        "reduced": reduced,
        "parameters": sum(parameter.numel() for parameter in model.parameters()),
        "vocab_size": config.vocab_size,
        "tokenizer_size": len(tokenizer),
        **makeup,
        "bytes": written,
        "seconds": time.perf_counter() - started,
    }
