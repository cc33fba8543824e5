"""A dual encoder: one transformer encodes queries and candidates (shared weights), pooled and
L2-normalised; trained with an in-batch softmax.

A training batch holds B queries followed by their B positive candidates, stacked into one
``input_ids`` tensor of 2B rows, so that a regularizer that perturbs ``inputs_embeds`` perturbs both
sides through the same interface as for every other task kind; the forward pass then encodes each
side at its own width (`DualEncoder.forward`). The loss is the cross-entropy of
each query's scaled cosine similarities to the B candidates of the batch (its own positive is the
target; the other B - 1 are the negatives), in one direction, query to candidate, with a trainable
scale initialised to 100, as the XTREME-R baselines for LAReQA and Mewsli-X train
(``BertForRetrieval`` of google-research/xtreme). Without labels the forward pass returns the
embeddings only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import torch
from transformers.utils import ModelOutput

POOLINGS = ("mean", "cls", "pooler")
"""mean: the mean over the non-padding tokens (special tokens included) of a layer; cls: the
first token of a layer; pooler: the model's pooler output (tanh of a dense layer over the last
layer's first token)."""

INITIAL_SCALE = 100.0


class DualEncoder(torch.nn.Module):
    """`encoder` (a `transformers` base model) with a pooling and a trainable logit scale."""

    def __init__(self, encoder: Any, pooling: str = "mean", layer: int | None = None) -> None:
        super().__init__()
        if pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, got {pooling!r}")
        if pooling == "pooler" and getattr(encoder, "pooler", None) is None:
            raise ValueError("pooling 'pooler' needs a model with a pooler layer")
        if pooling == "pooler" and layer is not None:
            raise ValueError("pooling 'pooler' reads the last layer; leave the layer unset")
        states = encoder.config.num_hidden_layers + 1
        if layer is not None and not -states <= layer < states:
            raise ValueError(
                f"layer {layer} does not exist: the model has {states} hidden states "
                f"(0 = the embeddings, {states - 1} = the last layer)"
            )
        self.encoder = encoder
        self.pooling = pooling
        self.layer = layer
        self.logit_scale = torch.nn.Parameter(torch.tensor(INITIAL_SCALE))

    @property
    def config(self) -> Any:
        return self.encoder.config

    @property
    def base_model(self) -> Any:
        return self.encoder

    def get_input_embeddings(self) -> Any:
        return self.encoder.get_input_embeddings()

    def save_pretrained(self, folder: str, **kwargs: Any) -> None:
        self.encoder.save_pretrained(folder, **kwargs)

    @contextlib.contextmanager
    def _only_layers_below(self) -> Iterator[bool]:
        """With a `layer` to embed with, the encoder runs only the layers up to it (the layers
        above cannot change it): Tatoeba's layer 8 of 12 saves a third of the work. Yields
        whether it did; models whose layers are not an ``encoder.layer`` list, and layer 0 (the
        embeddings), run whole."""
        stack = getattr(getattr(self.encoder, "encoder", None), "layer", None)
        kept = None if self.layer is None else self.layer % (self.config.num_hidden_layers + 1)
        if not kept or not isinstance(stack, torch.nn.ModuleList) or kept >= len(stack):
            yield False
            return
        self.encoder.encoder.layer = stack[:kept]
        try:
            yield True
        finally:
            self.encoder.encoder.layer = stack

    def embed(
        self,
        input_ids: Any = None,
        attention_mask: Any = None,
        token_type_ids: Any = None,
        inputs_embeds: Any = None,
    ) -> Any:
        """L2-normalised embeddings, one row per input row."""
        with self._only_layers_below() as truncated:
            output = self.encoder(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=token_type_ids,
                inputs_embeds=inputs_embeds,
                output_hidden_states=self.layer is not None and not truncated,
            )
        if self.pooling == "pooler":
            pooled = output.pooler_output
        else:
            if self.layer is None or truncated:  # truncated: the wanted layer is the last run
                hidden = output.last_hidden_state
            else:
                hidden = output.hidden_states[self.layer]
            if self.pooling == "cls":
                pooled = hidden[:, 0]
            else:
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
        return torch.nn.functional.normalize(pooled.float(), p=2, dim=-1)

    def forward(
        self,
        input_ids: Any = None,
        attention_mask: Any = None,
        token_type_ids: Any = None,
        inputs_embeds: Any = None,
        labels: Any = None,
        side_widths: tuple[int, int] | None = None,
    ) -> ModelOutput:
        """Embeddings, and with `labels` (a training batch of B queries and B positives) the
        in-batch softmax loss. `side_widths` (from the retrieval collate, as host integers so that
        reading them does not wait for the device) are the queries' and the positives' own padded
        widths: each side is encoded on its own, cut to its width, so that short queries are not
        run at the width of long candidates. Padding columns change no embedding (the attention
        mask hides them and the mean pools over real tokens only), so the cut changes only the
        work."""
        inputs = (input_ids, attention_mask, token_type_ids, inputs_embeds)
        if labels is None:
            return ModelOutput(logits=self.embed(*inputs))
        half = len(labels)
        widths = side_widths or (None, None)
        sides = [
            self.embed(*(None if t is None else t[rows, :width] for t in inputs))
            for rows, width in zip((slice(None, half), slice(half, None)), widths, strict=True)
        ]
        queries, candidates = sides
        embeddings = torch.cat(sides)
        scores = self.logit_scale * queries @ candidates.T
        loss = torch.nn.functional.cross_entropy(scores, labels)
        return ModelOutput(loss=loss, logits=embeddings)
