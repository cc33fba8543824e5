"""Encoding, batching and decoding of each task kind, with both tokenizer families."""

from __future__ import annotations

import pytest
import torch

from xtreme_harness.engine.kinds import implementation
from xtreme_harness.engine.kinds.tagging import IGNORE
from xtreme_harness.engine.tiny_model import train_tokenizer
from xtreme_harness.interfaces.task import Category, Recipe, TaskKind, TaskSpec

RECIPE = Recipe(learning_rate=1e-3, epochs=1, max_length=32, batch_size=4)
TEXTS = [
    "The quick brown fox jumps over the lazy dog near the river bank",
    "संयुक्त राज्य अमेरिका में बड़ी नदियाँ हैं और लोग पानी पीते हैं",
    "ذهب الولد إلى المدرسة في الصباح مع أخته الكبيرة",
    "北京是中国的首都，人口很多。东京是日本的首都。",
    "Ọmọ náà lọ sí ilé ìwé ní àárọ̀ pẹ̀lú arábìnrin rẹ̀",
] * 20


@pytest.fixture(scope="module", params=["sentencepiece", "wordpiece"])
def tokenizer(request):
    return train_tokenizer(TEXTS, request.param, vocab_size=300, max_length=64)


def spec(kind, labels=()):
    return TaskSpec(
        name="t", title="T", category=Category.CLASSIFICATION, kind=kind, languages=("en",),
        metric="accuracy", labels=labels, recipe=RECIPE,
    )  # fmt: skip


TAGS = ("NOUN", "VERB", "X")


def sentence(words):
    return {"id": "0", "tokens": words, "tags": [TAGS[i % 3] for i in range(len(words))]}


@pytest.mark.parametrize("text", TEXTS[:5])
def test_tagging_chunks_cover_every_word_once(tokenizer, text):
    kind = implementation(spec(TaskKind.TOKEN_TAGGING, TAGS))
    words = (text.split() * 6)[:70]
    example = sentence(words)
    features = kind.encode([example], tokenizer, max_length=16)
    assert len(features) > 1  # the sentence does not fit in one window
    covered = [w for f in features for w in f.extra["words"]]
    assert covered == list(range(len(words)))
    for feature in features:
        assert feature.length <= 16
        starts = feature.extra["starts"]
        labelled = [i for i, label in enumerate(feature.label) if label != IGNORE]
        assert labelled == starts
        assert [TAGS[feature.label[s]] for s in starts] == [
            example["tags"][w] for w in feature.extra["words"]
        ]
    # one-hot logits at the labelled positions decode back to the gold tags
    logits = []
    for feature in features:
        rows = torch.zeros(feature.length, len(TAGS))
        for position, label in enumerate(feature.label):
            if label != IGNORE:
                rows[position, label] = 1.0
        logits.append(rows)
    assert kind.decode([example], features, logits) == [example["tags"]]


def test_tagging_words_that_vanish_still_get_a_prediction(tokenizer):
    kind = implementation(spec(TaskKind.TOKEN_TAGGING, TAGS))
    example = sentence(["river", "\u200b", "bank"])
    (feature,) = kind.encode([example], tokenizer, max_length=16)
    assert feature.extra["words"] == [0, 1, 2]
    assert len(set(feature.extra["starts"])) == 3


def test_tagging_batches_pad_labels_with_ignore(tokenizer):
    kind = implementation(spec(TaskKind.TOKEN_TAGGING, TAGS))
    features = kind.encode([sentence(["a"]), sentence(TEXTS[0].split())], tokenizer, 64)
    batch = kind.collate(features, tokenizer.pad_token_id)
    assert batch["input_ids"].shape == batch["labels"].shape
    short = features[0].length
    assert (batch["labels"][0, short:] == IGNORE).all()
    assert (batch["attention_mask"][0, short:] == 0).all()


def test_classification_pairs_truncate_and_pad(tokenizer):
    kind = implementation(spec(TaskKind.CLASSIFICATION, ("no", "yes")))
    examples = [
        {"id": "0", "text_a": TEXTS[0] * 5, "text_b": TEXTS[1], "label": "yes"},
        {"id": "1", "text_a": "short", "text_b": "pair", "label": "no"},
    ]
    features = kind.encode(examples, tokenizer, max_length=24)
    assert features[0].length == 24 and features[1].length < 24
    batch = kind.collate(features, tokenizer.pad_token_id)
    assert batch["input_ids"].shape == (2, 24)
    assert batch["labels"].tolist() == [1, 0]
    assert kind.decode(examples, features, torch.tensor([[0.1, 0.9], [2.0, 1.0]])) == ["yes", "no"]


def test_multiple_choice_stacks_choices(tokenizer):
    kind = implementation(spec(TaskKind.MULTIPLE_CHOICE))
    examples = [
        {"id": "0", "context": "The man fell. What was the cause?",
         "choices": ["He slipped on ice.", "He sang."], "label": 0},
        {"id": "1", "context": "It rained.", "choices": ["Wet.", "Dry."], "label": 1},
    ]  # fmt: skip
    features = kind.encode(examples, tokenizer, max_length=32)
    batch = kind.collate(features, tokenizer.pad_token_id)
    width = max(f.length for f in features)
    assert batch["input_ids"].shape == (2, 2, width)
    assert batch["labels"].tolist() == [0, 1]
    assert kind.decode(examples, features, torch.tensor([[0.0, 1.0], [3.0, 1.0]])) == [1, 0]


def test_unlabelled_examples_have_no_gold(tokenizer):
    kind = implementation(spec(TaskKind.CLASSIFICATION, ("no", "yes")))
    examples = [{"id": "0", "text_a": "a", "text_b": "b", "label": None}]
    assert kind.gold(examples) is None
    assert "labels" not in kind.collate(kind.encode(examples, tokenizer, 16), 0)


def test_the_sentencepiece_style_tokenizer_is_the_same_on_every_build():
    from xtreme_harness.engine.tiny_model import sample_texts

    texts = sample_texts()  # many scripts: characters the trainer appends itself
    builds = {train_tokenizer(texts, "sentencepiece", vocab_size=2000, max_length=64)
              .backend_tokenizer.to_str() for _ in range(3)}  # fmt: skip
    assert len(builds) == 1
