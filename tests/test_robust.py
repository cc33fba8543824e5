"""Robust-training regularizers: the attack's constraints, gradients, noise, synonym
augmentation, and every regularizer through every task kind."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest
import torch

from xtreme_harness.config.run import Overrides, RunConfig
from xtreme_harness.engine.device import place
from xtreme_harness.engine.kinds import implementation
from xtreme_harness.engine.models import load_model, load_tokenizer
from xtreme_harness.engine.run import run
from xtreme_harness.engine.trainer import EngineContext, Schedule, train
from xtreme_harness.errors import DataError, UsageError
from xtreme_harness.plugin_host import PluginHost

HOST = PluginHost()
CPU = place("cpu", "fp32")


def regularizer(name, **options):
    return HOST.get("regularizers", name)(**options)


def batch_for(task, tiny_model, count=6):
    spec = HOST.get("tasks", task)
    kind = implementation(spec)
    tokenizer = load_tokenizer(tiny_model)
    examples = spec.sources["sample"].read("train", "en")[:count]
    features = kind.encode(examples, tokenizer, 64)
    return spec, kind, tokenizer, features, kind.collate(features, tokenizer.pad_token_id)


def context(spec, seed=0):
    return EngineContext(spec.kind, CPU, torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("task", ["xnli", "xcopa", "udpos", "mewslix"])
@pytest.mark.parametrize(("norm", "variant"), [("l2", "pgd"), ("linf", "pgd"), ("l2", "fgm")])
def test_perturbation_stays_within_epsilon_and_off_padding(tiny_model, task, norm, variant):
    spec, kind, _, _, batch = batch_for(task, tiny_model)
    model = load_model(kind, tiny_model)
    attack = regularizer("adversarial", variant=variant, norm=norm, epsilon=0.5, alpha=0.4,
                         steps=4)  # fmt: skip
    delta = attack.perturbation(model, batch, context(spec))
    flat = delta.reshape(delta.shape[0], -1)
    sizes = flat.norm(dim=1) if norm == "l2" else flat.abs().amax(dim=1)
    assert (sizes <= 0.5 + 1e-5).all()
    assert (sizes > 0.1).all()  # it did move
    padding = batch["attention_mask"] == 0
    assert (delta[padding] == 0).all()


def test_adversarial_loss_exceeds_clean_loss_on_a_trained_model(tiny_model):
    spec, kind, tokenizer, features, batch = batch_for("xnli", tiny_model, count=24)
    model = load_model(kind, tiny_model)
    recipe = spec.recipe_of(spec.phases[0])
    recipe = type(recipe)(learning_rate=3e-3, epochs=1, max_length=64, batch_size=8)
    train(model, kind, features, schedule=Schedule(recipe, max_steps=30),
          regularizer=regularizer("none"), placement=CPU, seed=1,
          pad_id=tokenizer.pad_token_id, progress=False)  # fmt: skip
    model.eval()  # no dropout: the two losses differ only by the perturbation
    ctx = context(spec)
    clean = ctx.forward(model, batch).loss
    attack = regularizer("adversarial", epsilon=1.0, alpha=0.5, steps=3, init="zero", loss="adv")
    adversarial = attack.loss(model, batch, ctx)
    assert adversarial.item() > clean.item()


@pytest.mark.parametrize(
    "options", [{"variant": "pgd"}, {"variant": "fgm"}, {"variant": "freelb"},
                {"variant": "pgd", "loss": "adv"}],
)  # fmt: skip
def test_attack_leaves_embeddings_alone_and_trains_parameters(tiny_model, options):
    spec, kind, _, _, batch = batch_for("xnli", tiny_model)
    model = load_model(kind, tiny_model)
    embeddings = model.get_input_embeddings().weight
    before = embeddings.detach().clone()
    loss = regularizer("adversarial", **options).loss(model, batch, context(spec))
    assert torch.equal(embeddings.detach(), before)  # the attack did not write to the matrix
    if loss.requires_grad:
        loss.backward()
    else:
        assert options["variant"] == "freelb"  # it back-propagated itself
    assert embeddings.grad is not None and embeddings.grad.abs().sum() > 0
    head = [p for n, p in model.named_parameters() if "classifier" in n]
    assert all(p.grad is not None for p in head)


def test_random_perturbation_noise(tiny_model):
    spec, kind, _, _, batch = batch_for("xnli", tiny_model)
    model = load_model(kind, tiny_model)
    embeddings = context(spec).embed(model, batch).detach()
    ball = regularizer("rs-rp", distribution="uniform-l2", scale=0.2)
    noise = ball.noise(embeddings, batch, context(spec))
    assert (noise.reshape(noise.shape[0], -1).norm(dim=1) <= 0.2 + 1e-6).all()
    gaussian = regularizer("rs-rp", distribution="gaussian", scale=0.05)
    noise = gaussian.noise(embeddings, batch, context(spec))
    real = batch["attention_mask"] == 1
    assert noise[real].std().item() == pytest.approx(0.05, rel=0.1)
    assert (noise[~real] == 0).all()
    loss = gaussian.loss(model, batch, context(spec))
    loss.backward()
    assert model.get_input_embeddings().weight.grad is not None


def test_regularizer_noise_repeats_per_seed(tiny_model):
    spec, kind, _, _, batch = batch_for("xnli", tiny_model)
    model = load_model(kind, tiny_model)
    embeddings = context(spec).embed(model, batch).detach()
    noisy = regularizer("rs-rp")
    first = noisy.noise(embeddings, batch, context(spec, seed=5))
    assert torch.equal(first, noisy.noise(embeddings, batch, context(spec, seed=5)))
    assert not torch.equal(first, noisy.noise(embeddings, batch, context(spec, seed=6)))


def synonym_file(tmp_path, table):
    path = tmp_path / "synonyms.json"
    path.write_text(json.dumps(table), encoding="utf-8")
    return str(path)


def test_rs_da_keeps_a_word_with_probability_one_over_k_plus_one(tmp_path):
    table = {"big": ["large", "huge", "great"], "house": ["home"]}
    augmenter = regularizer("rs-da", num=4000, synonyms=synonym_file(tmp_path, table))
    examples = [{"id": "0", "text_a": "the big house", "text_b": "Big house, big.", "label": "x"}]
    copies = augmenter.augment(examples, text_fields={"text_a": "text", "text_b": "text"}, seed=3)
    assert len(copies) == 4000
    firsts = [copy["text_a"].split(" ") for copy in copies]
    assert sum(words[1] == "big" for words in firsts) / 4000 == pytest.approx(1 / 4, abs=0.03)
    assert sum(words[2] == "house" for words in firsts) / 4000 == pytest.approx(1 / 2, abs=0.03)
    assert {words[1] for words in firsts} == {"big", "large", "huge", "great"}
    # case-sensitive, whitespace tokens: "Big" and "big." are never replaced, "house," neither
    assert {copy["text_b"] for copy in copies} == {"Big house, big."}


def test_rs_da_is_reproducible_and_handles_every_kind(tmp_path):
    augmenter = regularizer("rs-da", num=3)
    examples = [
        {"id": "0", "context": "The big child reads.", "choices": ["a small book", "old bread"],
         "label": 1},
    ]  # fmt: skip
    fields = {"context": "text", "choices": "texts"}
    first = augmenter.augment(examples, text_fields=fields, seed=7)
    assert json.dumps(first) == json.dumps(augmenter.augment(examples, text_fields=fields, seed=7))
    assert json.dumps(first) != json.dumps(augmenter.augment(examples, text_fields=fields, seed=8))
    assert all(len(copy["choices"]) == 2 and copy["label"] == 1 for copy in first)
    words = [{"id": "0", "tokens": ["the", "old", "road"], "tags": ["DET", "ADJ", "NOUN"]}]
    tagged = augmenter.augment(words, text_fields={"tokens": "words"}, seed=1)
    assert all(len(copy["tokens"]) == 3 and copy["tags"] == words[0]["tags"] for copy in tagged)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('["big", "large"]', "found a JSON list; expected a JSON object mapping each word"),
        ('{"big": "large"}', "field 'big': expected a JSON object"),
        ('{"big": ["large", 3]}', "found ['large', 3]"),
        ("{oops", "not valid JSON"),
    ],
)
def test_bad_synonym_files_name_the_parameter(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError) as info:
        regularizer("rs-da", synonyms=str(path))
    assert "parameter 'synonyms' of rs-da" in str(info.value)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("adversarial", {"epsilon": "0"}, "parameter 'epsilon' of regularizer 'adversarial': "
         "expected a value greater than 0.0 for variant pgd, got '0'"),
        ("adversarial", {"variant": "fgm", "epsilon": 0}, "greater than 0.0 for variant fgm"),
        ("adversarial", {"epsilon": "-1"}, "parameter 'epsilon' of regularizer 'adversarial': "
         "expected at least 0.0"),
        ("adversarial", {"variant": "freelb", "epsilon": "-1"}, "expected at least 0.0"),
        ("adversarial", {"init_magnitude": "-0.1"}, "parameter 'init_magnitude' of regularizer "
         "'adversarial': expected at least 0.0"),
        ("adversarial", {"steps": "0"}, "parameter 'steps' of regularizer 'adversarial': "
         "expected at least 1"),
        ("adversarial", {"alpha": "0"}, "parameter 'alpha'"),
        ("adversarial", {"norm": "l1"}, "expected one of l2, linf"),
        ("rs-rp", {"scale": "0"}, "parameter 'scale' of regularizer 'rs-rp'"),
        ("rs-da", {"num": "0"}, "parameter 'num' of regularizer 'rs-da': expected at least 1"),
    ],
)  # fmt: skip
def test_bad_parameters_name_the_parameter_and_range(name, options, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        regularizer(name, **options)


@pytest.mark.parametrize("task", ["xnli", "xcopa", "udpos", "mewslix"])
@pytest.mark.parametrize(
    ("name", "options"),
    [("adversarial", {"steps": "2"}), ("adversarial", {"variant": "freelb", "steps": "2"}),
     ("rs-rp", {}), ("rs-da", {"num": "2"})],
)  # fmt: skip
def test_every_regularizer_trains_every_task_kind_with_accumulation(
    tiny_model, tmp_path, task, name, options
):
    result = run(
        RunConfig(
            model=tiny_model, task=task, source="sample", out=str(tmp_path / "run"),
            regularizer=name, regularizer_options=options, eval_languages=("en",)
            if task != "xcopa" else ("et",),
            overrides=Overrides(max_steps=2, batch_size=4, gradient_accumulation=2),
            progress=False,
        )
    )  # fmt: skip
    recorded = result["config"]["regularizer"]
    assert recorded["name"] == name
    assert {k: str(v) for k, v in recorded["options"].items() if k in options} == options
    assert all(p["updates"] == 2 for p in result["training"]["phases"])
    if name == "rs-da":
        assert len(recorded["options"]["synonyms_sha256"]) == 64
        phase = result["training"]["phases"][-1]
        examples = next(iter(phase["train_examples"].values()))
        original = len(HOST.get("tasks", task).sources["sample"].read(
            HOST.get("tasks", task).phases[-1].train_split, "en"))  # fmt: skip
        assert examples == 2 * original


def test_generalized_evaluation_has_every_pair_and_its_diagonal_is_the_standard_score(
    tiny_model, tmp_path
):
    languages = ("en", "de", "hi", "sw")
    result = run(
        RunConfig(model=tiny_model, task="xnli", source="sample", out=str(tmp_path / "g"),
                  eval_languages=languages, generalized=True, progress=False,
                  overrides=Overrides(learning_rate=3e-3, batch_size=8, gradient_accumulation=1,
                                      epochs=6))
    )  # fmt: skip
    table = result["generalized"]
    assert table["languages"] == list(languages)
    cells = [(l1, l2) for l1 in table["accuracy"] for l2 in table["accuracy"][l1]]
    assert len(cells) == len(languages) ** 2
    for language in languages:
        assert table["accuracy"][language][language] == result["scores"][language]["accuracy"]
    off = [table["accuracy"][a][b] for a, b in cells if a != b]
    assert table["off_diagonal_mean"] == pytest.approx(sum(off) / len(off))
    pooled = sum(v for row in table["accuracy"].values() for v in row.values()) / len(cells)
    assert table["total"] == pytest.approx(pooled)  # equal-sized cells: pooled = mean of cells


def test_generalized_evaluation_refuses_other_kinds_and_unparallel_data(tiny_model, tmp_path):
    with pytest.raises(UsageError, match="for sentence-pair classification"):
        run(RunConfig(model=tiny_model, task="udpos", source="sample", out=str(tmp_path / "u"),
                      generalized=True, progress=False))  # fmt: skip
    from xtreme_harness.engine.generalized import pairs

    first = [{"id": "0", "text_a": "a", "text_b": "b", "label": "neutral"}]
    second = [{"id": "0", "text_a": "c", "text_b": "d", "label": "entailment"}]
    with pytest.raises(DataError, match="example 1 is 'neutral' in en and 'entailment' in de"):
        pairs(first, second, ("en", "de"), "xnli")
    with pytest.raises(DataError, match="1 examples in en, 0 in de"):
        pairs(first, [], ("en", "de"), "xnli")


def test_a_non_finite_gradient_does_not_move_its_example():
    from xharness_plugins.robust.perturbation import ascent_direction

    grad = torch.tensor([[[3.0, 4.0]], [[float("inf"), 1.0]], [[float("nan"), 0.0]]])
    mask = torch.ones(3, 1, 1)
    direction = ascent_direction(grad, "l2", mask)
    assert torch.allclose(direction[0], torch.tensor([[0.6, 0.8]]))
    assert (direction[1:] == 0).all()
    assert (ascent_direction(grad, "linf", mask)[1:] == 0).all()


class LinearLoss(torch.nn.Module):
    """loss = sum(weights * inputs_embeds), so the gradient of a pass's loss / K by delta is
    `weights` / K everywhere, padding included: a FreeLB step can be computed by hand."""

    def __init__(self, weights):
        super().__init__()
        self.embedding = torch.nn.Embedding(4, weights.shape[-1])
        self.register_buffer("weights", weights)

    def get_input_embeddings(self):
        return self.embedding

    def forward(self, inputs_embeds, attention_mask=None):
        return SimpleNamespace(loss=(inputs_embeds * self.weights).sum())


class RecordingContext(EngineContext):
    """An `EngineContext` that keeps the perturbation each pass ran on."""

    def __init__(self, spec, seed=0):
        super().__init__(spec.kind, CPU, torch.Generator().manual_seed(seed))
        self.deltas = []

    def forward(self, model, batch, inputs_embeds=None):
        if inputs_embeds is not None:
            clean = self.embed(model, batch)
            self.deltas.append((inputs_embeds - clean).detach().clone())
        return super().forward(model, batch, inputs_embeds)


# two examples of two tokens of two dimensions; the second example's second token is padding,
# where the weight 9 would dominate a norm taken over padding too
WEIGHTS = torch.tensor([[[1.0, -2.0], [0.5, 4.0]], [[3.0, 0.0], [-1.5, 9.0]]])
TOY_BATCH = {"input_ids": torch.zeros(2, 2, dtype=torch.long),
             "attention_mask": torch.tensor([[1, 1], [1, 0]])}  # fmt: skip


def freelb_passes(steps=2, **options):
    attack = regularizer("adversarial", variant="freelb", steps=steps, init="zero", **options)
    ctx = RecordingContext(HOST.get("tasks", "xnli"))
    attack.loss(LinearLoss(WEIGHTS), TOY_BATCH, ctx)
    return ctx.deltas


def test_freelb_linf_step_divides_by_the_max_norm_not_the_sign():
    # run_glue_freelb.py:292-294: delta + adv_lr * g / max|g|, per example, over real tokens
    first, second = freelb_passes(norm="linf", alpha=0.1, epsilon=10.0)
    assert (first == 0).all()
    expected = torch.tensor(
        [
            [[0.025, -0.05], [0.0125, 0.1]],  # g / 4 * 0.1
            [[0.1, 0.0], [0.0, 0.0]],
        ]
    )  # g / 3 * 0.1; padding stays 0
    assert torch.allclose(second, expected)  # fmt: skip


def test_freelb_l2_step_divides_by_the_l2_norm():
    # run_glue_freelb.py:282-284: delta + adv_lr * g / ||g||_2, per example, over real tokens
    _, second = freelb_passes(norm="l2", alpha=0.5, epsilon=10.0)
    real = WEIGHTS * TOY_BATCH["attention_mask"].unsqueeze(-1)
    lengths = real.flatten(1).norm(dim=1).view(-1, 1, 1)  # sqrt(21.25) and 3
    assert torch.allclose(second, 0.5 * real / lengths)


def test_freelb_projects_only_when_its_max_norm_is_positive():
    _, unbounded = freelb_passes(norm="linf", alpha=5.0, epsilon=0)
    assert unbounded.abs().max().item() == pytest.approx(5.0)  # 0: no projection
    _, clamped = freelb_passes(norm="linf", alpha=5.0, epsilon=0.3)
    assert clamped.abs().max().item() == pytest.approx(0.3)
    assert torch.allclose(clamped[0, 0], torch.tensor([0.3, -0.3]))  # 1.25, -2.5 clamped
    # l2 (run_glue_freelb.py:285-290): only the examples beyond the max norm are rescaled
    _, scaled = freelb_passes(norm="l2", alpha=1.0, epsilon=0.5)
    assert torch.allclose(scaled.flatten(1).norm(dim=1), torch.tensor([0.5, 0.5]))
    _, inside = freelb_passes(norm="l2", alpha=0.2, epsilon=0.5)
    assert torch.allclose(inside.flatten(1).norm(dim=1), torch.tensor([0.2, 0.2]))


def test_freelb_project_and_direction_on_tensors():
    from xharness_plugins.robust.perturbation import freelb_ascent_direction, freelb_project

    delta = torch.tensor([[[3.0, 4.0]], [[0.3, 0.4]]])
    assert torch.allclose(freelb_project(delta, 1.0, "l2"),
                          torch.tensor([[[0.6, 0.8]], [[0.3, 0.4]]]))  # fmt: skip
    assert torch.equal(freelb_project(delta, 0.0, "l2"), delta)
    assert torch.equal(freelb_project(delta, 0.0, "linf"), delta)
    grad = torch.tensor([[[1.0, -4.0]], [[0.0, 0.0]], [[float("inf"), 1.0]]])
    direction = freelb_ascent_direction(grad, "linf", torch.ones(3, 1, 1))
    assert torch.allclose(direction[0], torch.tensor([[0.25, -1.0]]))
    assert (direction[1:] == 0).all()  # a zero gradient (norm clamped at 1e-8), a non-finite one


@pytest.mark.parametrize("norm", ["l2", "linf"])
def test_freelb_random_start_has_its_own_magnitude_on_real_tokens(tiny_model, norm):
    spec, kind, _, _, batch = batch_for("xnli", tiny_model)
    model = load_model(kind, tiny_model)
    attack = regularizer("adversarial", variant="freelb", norm=norm, steps=1, epsilon=1.0,
                         init_magnitude=0.05)  # fmt: skip
    ctx = RecordingContext(spec, seed=3)
    attack.loss(model, batch, ctx)
    (start,) = ctx.deltas
    padding = batch["attention_mask"] == 0
    assert padding.any() and (start[padding] == 0).all()
    flat = start.flatten(1)
    if norm == "linf":
        assert flat.abs().max().item() <= 0.05
        assert flat.abs().max().item() > 0.04  # not epsilon (1.0), and it did draw
    else:
        assert (flat.norm(dim=1) <= 0.05 + 1e-6).all()
        assert (flat.norm(dim=1) > 0.02).all()  # about 0.05 / sqrt(3)
    # exactly run_glue_freelb.py:235-242: U(-1, 1) on real tokens, times init_mag for linf and
    # init_mag / sqrt(real tokens x hidden) per example for l2
    mask = batch["attention_mask"].unsqueeze(-1).float()
    noise = (torch.rand(start.shape, generator=torch.Generator().manual_seed(3)) * 2 - 1) * mask
    if norm == "linf":
        expected = noise * 0.05
    else:
        dims = mask.flatten(1).sum(dim=1) * start.shape[-1]
        expected = noise * (0.05 / dims.sqrt()).view(-1, 1, 1)
    assert torch.allclose(start, expected)


def test_init_magnitude_is_freelb_own_and_leaves_pgd_alone(tiny_model):
    options = regularizer("adversarial", variant="freelb", epsilon=0.5).options
    assert options["init_magnitude"] == 0.08 and options["epsilon"] == 0.5
    assert regularizer("adversarial", variant="freelb", epsilon=0).options["epsilon"] == 0.0
    (param,) = [p for p in regularizer("adversarial").params if p.name == "init_magnitude"]
    assert "run_glue.sh:60" in param.source and param.verified
    spec, kind, _, _, batch = batch_for("xnli", tiny_model)
    model = load_model(kind, tiny_model)
    small, large = (
        regularizer("adversarial", variant="pgd", init_magnitude=size, steps=1).perturbation(
            model, batch, context(spec, seed=4)
        )
        for size in (0.01, 0.9)
    )
    assert torch.equal(small, large)  # pgd starts in the epsilon-ball whatever init_magnitude


def test_rs_da_reads_the_papers_counterfitted_table_by_default():
    """The default table is Robust-XLT's counterfitted_neighbors.json, unchanged: 49,975 words,
    25,591 of them with 1 to 8 neighbours (../shared/reference/METHODS.md 1.2); SHA-256 of the
    file at uclanlp/Robust-XLT commit 175cddb."""
    from xharness_plugins.robust.augmentation import SynonymAugmentation

    regularizer = SynonymAugmentation()
    assert regularizer.options["synonyms"] == "counterfitted"
    assert regularizer.fingerprint()["synonyms_sha256"] == (
        "103247143f39bd5dd66850f3a912393392641dbd98093c61e2b24a4cc8a96fb0"
    )
    assert len(regularizer.table) == 25_591  # words with at least one neighbour
    assert max(map(len, regularizer.table.values())) == 8
    assert regularizer.table["movie"][:2] == ("film", "filmmaking")
    assert SynonymAugmentation(synonyms="builtin").options["synonyms"] == "toy"
