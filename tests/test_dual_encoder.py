"""The dual encoder of retrieval tasks: pooling, the in-batch softmax loss, each side of a
training batch at its own width, its settings, and embedding at a layer with only the layers up
to it."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(scope="module")
def bert() -> object:
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    config = BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=3,
                        num_attention_heads=2, intermediate_size=32)  # fmt: skip
    return BertModel(config).eval()


def test_mean_pooling_ignores_padding_and_reads_the_chosen_layer(bert: object) -> None:
    from xtreme_harness.engine.dual_encoder import DualEncoder

    encoder = DualEncoder(bert, "mean", layer=1).eval()
    ids = torch.tensor([[2, 5, 6, 3, 0, 0], [2, 7, 3, 0, 0, 0]])
    mask = (ids != 0).long()
    embeddings = encoder(input_ids=ids, attention_mask=mask).logits
    hidden = bert(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states[1]
    expected = torch.stack([hidden[0, :4].mean(0), hidden[1, :3].mean(0)])
    assert torch.allclose(embeddings, torch.nn.functional.normalize(expected, dim=-1), atol=1e-6)
    assert torch.allclose(embeddings.norm(dim=-1), torch.ones(2))
    cls = DualEncoder(bert, "cls").eval()(input_ids=ids, attention_mask=mask).logits
    last = bert(input_ids=ids, attention_mask=mask).last_hidden_state[:, 0]
    assert torch.allclose(cls, torch.nn.functional.normalize(last, dim=-1), atol=1e-6)


def test_in_batch_softmax_loss(bert: object) -> None:
    from xtreme_harness.engine.dual_encoder import DualEncoder

    encoder = DualEncoder(bert, "pooler")
    ids = torch.tensor([[2, 5, 3], [2, 6, 3], [2, 5, 3], [2, 9, 3]])  # 2 queries, 2 positives
    mask = torch.ones_like(ids)
    output = encoder(input_ids=ids, attention_mask=mask, labels=torch.arange(2))
    e = output.logits
    expected = torch.nn.functional.cross_entropy(100 * e[:2] @ e[2:].T, torch.arange(2))
    assert torch.isclose(output.loss, expected)
    output.loss.backward()
    assert encoder.logit_scale.grad is not None


def test_each_side_is_encoded_at_its_own_width_and_the_loss_is_unchanged(bert: object) -> None:
    from xtreme_harness.engine.dual_encoder import DualEncoder
    from xtreme_harness.engine.kinds.base import Feature
    from xtreme_harness.engine.kinds.retrieval import Retrieval
    from xtreme_harness.engine.loader import to_device
    from xtreme_harness.interfaces.task import Category, Recipe, TaskKind, TaskSpec

    spec = TaskSpec(name="r", title="r", category=Category.RETRIEVAL, kind=TaskKind.RETRIEVAL,
                    languages=("en",), metric="mrr@20", pool="shared",
                    recipe=Recipe(learning_rate=1e-5, epochs=1, max_length=16,
                                  batch_size=2))  # fmt: skip
    features = [
        Feature(input_ids=[[2, 5, 3], [2, 7, 8, 9, 10, 11, 3]], example=0, label=0),
        Feature(input_ids=[[2, 6, 9, 3], [2, 12, 13, 3]], example=1, label=0),
    ]
    batch = to_device(Retrieval(spec).collate(features, 0), "cpu")
    assert batch["side_widths"] == (4, 7)
    assert batch["input_ids"].shape == (4, 7)  # one tensor, as regularizers see it

    encoder = DualEncoder(bert, "mean").eval()
    widths = []
    hook = bert.register_forward_pre_hook(
        lambda _, args, kwargs: widths.append(kwargs["attention_mask"].shape[1]), with_kwargs=True
    )
    cut = encoder(**batch)
    hook.remove()
    assert widths == [4, 7]
    whole = encoder(**{k: v for k, v in batch.items() if k != "side_widths"})
    assert torch.allclose(cut.logits, whole.logits, atol=1e-6)
    assert torch.isclose(cut.loss, whole.loss, atol=1e-5)
    embeds = bert.get_input_embeddings()(batch["input_ids"])  # a regularizer's path
    perturbed = {k: v for k, v in batch.items() if k != "input_ids"}
    assert torch.isclose(encoder(**perturbed, inputs_embeds=embeds).loss, cut.loss, atol=1e-5)


def test_dual_encoder_settings_are_checked(bert: object) -> None:
    from xtreme_harness.engine.dual_encoder import DualEncoder

    with pytest.raises(ValueError, match="layer 4 does not exist"):
        DualEncoder(bert, "mean", layer=4)
    with pytest.raises(ValueError, match="pooling must be one of"):
        DualEncoder(bert, "max")
    DualEncoder(bert, "mean", layer=-1)


@pytest.mark.parametrize("style", ["bert", "xlmr"])
@pytest.mark.parametrize(("layer", "runs"), [(2, 2), (-2, 3), (4, 4), (-1, 4), (0, 4), (None, 4)])
def test_embedding_at_a_layer_runs_only_the_layers_up_to_it(style, layer, runs):
    import contextlib

    from transformers import BertConfig, BertModel, XLMRobertaConfig, XLMRobertaModel

    from xtreme_harness.engine.dual_encoder import DualEncoder

    shape = dict(vocab_size=100, hidden_size=32, num_hidden_layers=4, num_attention_heads=4,
                 intermediate_size=64, max_position_embeddings=80)  # fmt: skip
    torch.manual_seed(0)
    model = (BertModel(BertConfig(**shape)) if style == "bert"
             else XLMRobertaModel(XLMRobertaConfig(**shape))).eval()  # fmt: skip
    ran = []
    for block in model.encoder.layer:
        block.register_forward_hook(lambda *_: ran.append(1))
    ids = torch.randint(5, 100, (3, 10))
    mask = torch.ones_like(ids)
    mask[1, 7:] = 0
    encoder = DualEncoder(model, "mean", layer)
    with torch.no_grad():
        fast = encoder.embed(ids, mask)
        assert len(ran) == runs and len(model.encoder.layer) == 4
        encoder._only_layers_below = lambda: contextlib.nullcontext(False)
        whole = encoder.embed(ids, mask)
        again = DualEncoder(model, "mean", layer).embed(ids, mask)  # after a whole run
    torch.testing.assert_close(fast, whole, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(again, whole, rtol=1e-5, atol=1e-6)
