"""The encoder carried from the intermediate stage to the target task: every weight the stage did
not train (the pooler of a head built without one) is the starting model's, and every load says
which weights it initialised anew."""

from __future__ import annotations

import dataclasses
import itertools
import os

import pytest
import torch
from safetensors.torch import load_file, save_file

from xtreme_harness.engine.dual_encoder import DualEncoder
from xtreme_harness.engine.kinds import implementation
from xtreme_harness.engine.models import load_model_with_report, load_tokenizer, save_encoder
from xtreme_harness.engine.tiny_model import build_tiny_model
from xtreme_harness.errors import WeightsError
from xtreme_harness.plugin_host import get_host

TEXTS = [
    "The cat sat on the mat.",
    "Der Hund schläft im Garten.",
    "Le chat dort sur le canapé.",
    "El perro corre en el parque.",
    "Questions and answers, premises and hypotheses.",
] * 4
TASKS = {
    "classification": "xnli",
    "multiple-choice": "xcopa",
    "token-tagging": "udpos",
    "extractive-qa": "xquad",
    "retrieval": "lareqa",
}
HEADS = ("classification", "multiple-choice", "token-tagging", "extractive-qa")
STYLES = ("wordpiece", "sentencepiece")
POOLER = ["pooler.dense.bias", "pooler.dense.weight"]


def kind_of(name: str):
    spec = get_host().get("tasks", TASKS[name])
    recipe = spec.recipe_of(spec.last_phase)
    if name == "retrieval":
        assert recipe.pooling == "pooler"  # LAReQA's reference recipe reads the pooler
    return implementation(spec, recipe)


@pytest.fixture(scope="session")
def starts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One tiny starting model per tokenizer style (BERT-like and XLM-R-like), with a pooler."""
    folder = tmp_path_factory.mktemp("starts")
    models = {}
    for style in STYLES:
        out = str(folder / style)
        build_tiny_model(out, TEXTS, style=style, vocab_size=200, hidden_size=32, layers=1,
                         heads=2, max_length=64)  # fmt: skip
        models[style] = out
    return models


def encoder_state(folder: str) -> dict[str, torch.Tensor]:
    return load_file(os.path.join(folder, "model.safetensors"))


def unwrapped(model):
    """The transformers model (the retrieval kind wraps a bare encoder)."""
    return model.encoder if isinstance(model, DualEncoder) else model


def head_names(model) -> set[str]:
    """The names of the weights outside the encoder (in the loaded model's naming)."""
    model = unwrapped(model)
    if model.base_model is model:
        return set()
    prefix = f"{model.base_model_prefix}."
    return {name for name in model.state_dict() if not name.startswith(prefix)}


def pooler_of(model) -> dict[str, torch.Tensor] | None:
    encoder = unwrapped(model).base_model
    pooler = getattr(encoder, "pooler", None)
    return None if pooler is None else pooler.state_dict()


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize(
    ("first", "target"),
    [pair for pair in itertools.product(HEADS, TASKS) if pair[0] != pair[1]],
)
def test_only_the_target_head_is_new_and_the_pooler_survives(starts, tmp_path, style, first,
                                                              target):  # fmt: skip
    start = starts[style]
    tokenizer = load_tokenizer(start)
    start_state = encoder_state(start)
    loading = load_model_with_report(kind_of(first), start)
    model = loading.model
    assert loading.notes == []
    assert set(loading.initialised) == head_names(model)
    with torch.no_grad():  # training changes the encoder (the pooler too where used): so does this
        for parameter in model.base_model.parameters():
            parameter.add_(0.5)
    trained = {name: t.clone() for name, t in model.base_model.state_dict().items()}
    used_pooler = pooler_of(model) is not None
    folder = str(tmp_path / "intermediate")
    kept = save_encoder(model, start, None, tokenizer, folder)

    saved = encoder_state(folder)
    assert set(saved) == set(start_state)  # nothing dropped, nothing added
    for name, tensor in saved.items():
        expected = trained[name] if name in trained else start_state[name]
        assert torch.equal(tensor, expected), name
    assert sorted(kept) == sorted(set(start_state) - set(trained))
    assert used_pooler or any(name.startswith("pooler.") for name in kept)
    assert os.path.isfile(os.path.join(folder, "tokenizer.json"))

    target_loading = load_model_with_report(kind_of(target), folder)
    loaded = target_loading.model
    assert set(target_loading.initialised) == head_names(loaded)
    assert not any("pooler" in name for name in target_loading.initialised)
    assert target_loading.notes == []
    for name, tensor in unwrapped(loaded).base_model.state_dict().items():
        assert torch.equal(tensor, saved[name]), name  # the whole encoder comes from the folder
    pooler = pooler_of(loaded)
    if pooler is not None:  # the start's pooler bit for bit, unless the first head trained it
        source = trained if used_pooler else start_state
        for name, tensor in pooler.items():
            assert torch.equal(tensor, source[f"pooler.{name}"]), name
            assert used_pooler != torch.equal(tensor, start_state[f"pooler.{name}"]), name


def without(folder: str, out: str, dropped) -> str:
    """A copy of the checkpoint in `folder` without the weights `dropped` picks."""
    os.makedirs(out)
    for name in os.listdir(folder):
        if name != "model.safetensors":
            with (
                open(os.path.join(folder, name), "rb") as src,
                open(os.path.join(out, name), "wb") as dst,
            ):
                dst.write(src.read())
    state = {k: v for k, v in encoder_state(folder).items() if not dropped(k)}
    save_file(state, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
    return out


@pytest.mark.parametrize("target", list(TASKS))
def test_a_missing_encoder_weight_is_an_error(starts, tmp_path, target):
    weight = "encoder.layer.0.attention.self.query.weight"
    folder = without(starts["wordpiece"], str(tmp_path / "broken"), lambda k: k == weight)
    with pytest.raises(WeightsError, match=r"attention\.self\.query\.weight") as caught:
        load_model_with_report(kind_of(target), folder)
    assert folder in str(caught.value) and "complete checkpoint" in str(caught.value)
    assert [w.endswith(weight) for w in caught.value.weights] == [True]


def test_part_of_a_pooler_is_an_error(starts, tmp_path):
    folder = without(
        starts["wordpiece"], str(tmp_path / "half"), lambda k: k == "pooler.dense.bias"
    )
    with pytest.raises(WeightsError, match=r"only part of the pooler.*pooler\.dense\.bias"):
        load_model_with_report(kind_of("multiple-choice"), folder)


@pytest.mark.parametrize("style", STYLES)
def test_a_checkpoint_without_a_pooler(starts, tmp_path, style):
    """A checkpoint saved without a pooler (as roberta-base and xlm-roberta-base are): the pooler
    is new, named in a note where it is used and trained; it stays out of what the intermediate
    stage saves; an untrained task that would read it is an error."""
    folder = without(starts[style], str(tmp_path / "no-pooler"), lambda k: k.startswith("pooler."))
    for name in ("classification", "multiple-choice", "retrieval"):
        loading = load_model_with_report(kind_of(name), folder)
        model = unwrapped(loading.model)
        pooler = [p for p in loading.initialised if ".pooler." in f".{p}"]
        if model.base_model.pooler is None:  # XLM-R classification builds no pooler
            assert pooler == [] and loading.notes == []
            continue
        assert pooler and set(loading.initialised) - set(pooler) == head_names(model)
        (note,) = loading.notes
        assert folder in note and "has no pooler" in note and pooler[0] in note
    # the retrieval kind pooling by mean: the new pooler is never read, so nothing to note
    spec = get_host().get("tasks", "lareqa")
    recipe = dataclasses.replace(spec.recipe_of(spec.last_phase), pooling="mean")
    loading = load_model_with_report(implementation(spec, recipe), folder)
    assert loading.notes == [] and sorted(loading.initialised) == POOLER

    # the intermediate stage does not make up a pooler the start never had
    tokenizer = load_tokenizer(folder)
    model = load_model_with_report(kind_of("token-tagging"), folder).model
    out = str(tmp_path / "intermediate")
    assert save_encoder(model, folder, None, tokenizer, out) == []
    assert not any(k.startswith("pooler.") for k in encoder_state(out))


def test_an_untrained_task_reading_a_missing_pooler_is_an_error(starts, tmp_path):
    folder = without(starts["wordpiece"], str(tmp_path / "np"), lambda k: k.startswith("pooler."))
    spec = get_host().get("tasks", "tatoeba")
    assert not spec.phases
    recipe = dataclasses.replace(spec.recipe_of(None), pooling="pooler", layer=None)
    with pytest.raises(WeightsError, match=r"has no pooler.*trains nothing.*--pooling"):
        load_model_with_report(implementation(spec, recipe), folder)
    mean = dataclasses.replace(spec.recipe_of(None), layer=None)  # the tiny model has 1 layer
    assert mean.pooling == "mean"
    loading = load_model_with_report(implementation(spec, mean), folder)
    assert loading.notes == [] and sorted(loading.initialised) == POOLER


def test_an_evaluation_load_must_be_complete(starts):
    with pytest.raises(WeightsError, match=r"random weights.*OUT/model"):
        load_model_with_report(kind_of("classification"), starts["wordpiece"], complete=True)
    assert load_model_with_report(kind_of("retrieval"), starts["wordpiece"], complete=True)
