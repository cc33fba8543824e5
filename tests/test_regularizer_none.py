"""The built-in baseline regularizer on a real (tiny) torch model."""

from __future__ import annotations

import torch

from xtreme_harness.plugin_host import PluginHost


class TinyClassifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embeddings = torch.nn.Embedding(10, 4)
        self.head = torch.nn.Linear(4, 3)

    def forward(self, input_ids, labels, inputs_embeds=None):
        embedded = self.embeddings(input_ids) if inputs_embeds is None else inputs_embeds
        logits = self.head(embedded.mean(dim=1))

        class Output:
            loss = torch.nn.functional.cross_entropy(logits, labels)

        return Output()


class Context:
    generator = torch.Generator().manual_seed(0)

    def forward(self, model, batch, inputs_embeds=None):
        return model(**batch, inputs_embeds=inputs_embeds)


def test_none_is_the_clean_task_loss_and_trains():
    torch.manual_seed(0)
    model = TinyClassifier()
    batch = {"input_ids": torch.tensor([[1, 2, 3], [4, 5, 6]]), "labels": torch.tensor([0, 2])}
    regularizer = PluginHost().get("regularizers", "none")()
    loss = regularizer.loss(model, batch, Context())
    assert torch.equal(loss, model(**batch).loss)
    loss.backward()
    assert model.embeddings.weight.grad.abs().sum() > 0
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    before = loss.item()
    for _ in range(20):
        optimizer.zero_grad()
        regularizer.loss(model, batch, Context()).backward()
        optimizer.step()
    assert regularizer.loss(model, batch, Context()).item() < before
