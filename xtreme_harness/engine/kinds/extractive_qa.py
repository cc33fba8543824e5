"""Extractive question answering (XQuAD, MLQA, TyDiQA-GoldP): the answer is a span of the context.

Canonical example::

    {"id": str, "question": str, "context": str,
     "answers": {"text": [str, ...], "answer_start": [int, ...]} | None}

Encoding follows the reference scripts (`run_squad.py` of google-research/xtreme): the question is
cut to `max_query_length` tokens; the context is tokenized once and covered by windows of the
tokens that fit beside the question, each window starting `doc_stride` tokens after the previous
one, the last one ending at the end of the context. A training window whose span holds the first
gold answer is labelled with its first and last token; other windows point at position 0.

Decoding takes, in every window, the `N_BEST` highest start and end logits, keeps the pairs whose
start and end lie in the context (the start in the window that gives that token its maximal
context), with the end not before the start and at most `max_answer_length` tokens, and answers
each question with the best-scoring pair (start + end logit) over all its windows. The answer text
is cut from the original context with the tokenizer's character offsets, so it is exact in any
script. A question with no valid pair gets the empty answer, which scores 0: every question stays
in the denominator.

Predictions are the official ``{question id: answer text}`` JSON.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from xtreme_harness.engine.kinds.base import (
    Feature,
    KindImpl,
    check_labelled,
    padded_inputs,
    pair_layout,
)
from xtreme_harness.errors import DataError, UsageError

N_BEST = 20
"""Start and end candidates per window (n_best_size of the reference scripts)."""
DEFAULT_DOC_STRIDE = 128
DEFAULT_MAX_QUERY_LENGTH = 64
DEFAULT_MAX_ANSWER_LENGTH = 30


def _context_offsets(context: str, offsets: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character offsets of context tokens without the whitespace some tokenizers (SentencePiece
    Metaspace) count into a token."""
    trimmed = []
    for start, end in offsets:
        while start < end and context[start].isspace():
            start += 1
        trimmed.append((start, end))
    return trimmed


def window_starts(tokens: int, width: int, stride: int) -> list[tuple[int, int]]:
    """(start, length) of the windows over `tokens` context tokens, as the reference scripts
    place them: each `stride` after the previous one, the last one reaching the end."""
    spans = []
    start = 0
    while True:
        length = min(tokens - start, width)
        spans.append((start, length))
        if start + length >= tokens:
            return spans
        start += min(length, stride)


def max_context(spans: Sequence[tuple[int, int]], tokens: int) -> list[tuple[int, int]]:
    """For each window, the range ``(lo, hi)`` of its tokens (counted from the window's first
    token) that have their maximal context there: the window where min(tokens to the left, tokens
    to the right) + 0.01 * window length is highest, the first such window on ties. The tokens of
    a window form one range, as the windows are evenly spaced."""
    best_score = [-1.0] * tokens
    best_window = [0] * tokens
    for index, (start, length) in enumerate(spans):
        for position in range(start, start + length):
            score = min(position - start, start + length - 1 - position) + 0.01 * length
            if score > best_score[position]:
                best_score[position], best_window[position] = score, index
    ranges = []
    for index, (start, length) in enumerate(spans):
        mine = [p - start for p in range(start, start + length) if best_window[p] == index]
        if not mine:
            ranges.append((0, 0))
            continue
        if mine != list(range(mine[0], mine[-1] + 1)):
            raise AssertionError(f"window {index}: its maximal-context tokens are not one range")
        ranges.append((mine[0], mine[-1] + 1))
    return ranges


class ExtractiveQA(KindImpl):
    auto_model = "AutoModelForQuestionAnswering"
    prediction_suffix = "json"
    metric = "squad"
    text_fields = {"question": "text", "context": "context"}  # noqa: RUF012
    label_keys = ("start_positions", "end_positions")

    def model_kwargs(self) -> dict[str, Any]:
        """Two outputs per token, start and end (an encoder saved with another head has its own
        label count in its config)."""
        return {"num_labels": 2}

    @property
    def doc_stride(self) -> int:
        return self.recipe.doc_stride or DEFAULT_DOC_STRIDE

    @property
    def max_query_length(self) -> int:
        return self.recipe.max_query_length or DEFAULT_MAX_QUERY_LENGTH

    @property
    def max_answer_length(self) -> int:
        return self.recipe.max_answer_length or DEFAULT_MAX_ANSWER_LENGTH

    def encode(
        self, examples: Sequence[dict[str, Any]], tokenizer: Any, max_length: int
    ) -> list[Feature]:
        if not examples:
            return []
        layout = pair_layout(tokenizer)
        questions = tokenizer([e["question"] for e in examples], add_special_tokens=False)
        contexts = tokenizer(
            [e["context"] for e in examples],
            add_special_tokens=False,
            return_offsets_mapping=True,
            verbose=False,  # long contexts are cut into windows, not truncated
        )
        special = len(layout.prefix) + len(layout.middle) + len(layout.suffix)
        features: list[Feature] = []
        for number, example in enumerate(examples):
            question = questions["input_ids"][number][: self.max_query_length]
            context_ids = contexts["input_ids"][number]
            offsets = _context_offsets(example["context"], contexts["offset_mapping"][number])
            width = max_length - special - len(question)
            if width < 1:
                raise UsageError(
                    f"{self.spec.name}: max length {max_length} leaves no room for the context "
                    f"beside a question of {len(question)} tokens; raise --max-length"
                )
            target = self._answer_tokens(example, offsets) if example.get("answers") else None
            spans = window_starts(len(context_ids), width, self.doc_stride)
            flags = max_context(spans, len(context_ids))
            base = len(layout.prefix) + len(question) + len(layout.middle)
            for (start, length), maximal in zip(spans, flags, strict=True):
                ids, types = layout.build(question, context_ids[start : start + length])
                label = None
                if target is not None:
                    first, last = target
                    inside = start <= first and last < start + length
                    label = (base + first - start, base + last - start) if inside else (0, 0)
                features.append(
                    Feature(
                        input_ids=ids,
                        example=number,
                        label=label,
                        token_type_ids=types,
                        extra={
                            "base": base,
                            "offsets": offsets[start : start + length],
                            "maximal": maximal,
                        },
                    )
                )
        return features

    def _answer_tokens(
        self, example: Mapping[str, Any], offsets: Sequence[tuple[int, int]]
    ) -> tuple[int, int] | None:
        """First and last context token of the first gold answer (None if no token covers it)."""
        text = example["answers"]["text"][0]
        start = example["answers"]["answer_start"][0]
        end = start + len(text)
        first = bisect.bisect_right([e for _, e in offsets], start)
        last = bisect.bisect_left([s for s, _ in offsets], end) - 1
        if first >= len(offsets) or last < first:
            return None
        return first, last

    def collate(self, features: Sequence[Feature], pad_id: int) -> dict[str, Any]:
        import torch

        batch = padded_inputs(features, pad_id)
        if features[0].label is not None:
            batch["start_positions"] = torch.tensor([f.label[0] for f in features])
            batch["end_positions"] = torch.tensor([f.label[1] for f in features])
        return batch

    def outputs(self, output: Any) -> Any:
        import torch

        return torch.stack([output.start_logits, output.end_logits], dim=-1)

    def decode(
        self, examples: Sequence[dict[str, Any]], features: Sequence[Feature], logits: Sequence[Any]
    ) -> list[Any]:
        spans = best_spans(features, logits, self.max_answer_length)
        answers = [""] * len(examples)
        best = [float("-inf")] * len(examples)
        for feature, (score, first, last) in zip(features, spans, strict=True):
            if score > best[feature.example]:
                best[feature.example] = score
                offsets = feature.extra["offsets"]
                context = examples[feature.example]["context"]
                answers[feature.example] = context[offsets[first][0] : offsets[last][1]]
        return answers

    def gold(self, examples: Sequence[dict[str, Any]]) -> list[Any] | None:
        if not check_labelled(examples, "answers", self.spec.name):
            return None
        return [list(e["answers"]["text"]) for e in examples]

    def write_predictions(
        self, path: str, predictions: Sequence[Any], examples: Sequence[dict[str, Any]]
    ) -> None:
        document = {e["id"]: answer for e, answer in zip(examples, predictions, strict=True)}
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            json.dump(document, handle, ensure_ascii=False)
            handle.write("\n")

    def read_predictions(self, path: str, examples: Sequence[dict[str, Any]]) -> list[Any]:
        """The answer to each example's question; a question without one reads as ``""``."""
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        return [document.get(e["id"], "") for e in examples]

    def write_gold(self, path: str, examples: Sequence[dict[str, Any]]) -> None:
        """SQuAD v1.1 JSON, one paragraph per run of questions on the same context."""
        if self.gold(examples) is None:
            raise DataError(path, f"the {self.spec.name} examples carry no gold answers")
        paragraphs: list[dict[str, Any]] = []
        for example in examples:
            if not paragraphs or paragraphs[-1]["context"] != example["context"]:
                paragraphs.append({"context": example["context"], "qas": []})
            answers = example["answers"]
            paragraphs[-1]["qas"].append({
                "id": example["id"],
                "question": example["question"],
                "answers": [{"text": t, "answer_start": s} for t, s in
                            zip(answers["text"], answers["answer_start"], strict=True)],
            })  # fmt: skip
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            json.dump({"version": "1.1", "data": [{"title": "", "paragraphs": paragraphs}]},
                      handle, ensure_ascii=False)  # fmt: skip
            handle.write("\n")

    def texts(self, example: dict[str, Any]) -> Iterable[str]:
        yield example["question"]
        yield example["context"]


def best_spans(
    features: Sequence[Feature], logits: Sequence[Any], max_answer_length: int
) -> list[tuple[float, int, int]]:
    """For each window: (score, first, last) of its best valid span, with `first` and `last`
    indices into the window's context tokens, or (-inf, 0, 0) if it has none. All windows are
    decoded at once, as tensors (see the module docstring for the rule)."""
    import torch
    from torch.nn.utils.rnn import pad_sequence

    if not features:
        return []
    lengths = [len(f.input_ids) for f in features]
    values = pad_sequence(
        [row[:length] for row, length in zip(logits, lengths, strict=True)],
        batch_first=True,
        padding_value=float("-inf"),
    )
    base = torch.tensor([f.extra["base"] for f in features])[:, None]
    context = torch.tensor([len(f.extra["offsets"]) for f in features])[:, None]
    maximal = torch.tensor([f.extra["maximal"] for f in features])
    k = min(N_BEST, values.shape[1])
    top_starts = values[:, :, 0].topk(k, dim=1)
    top_ends = values[:, :, 1].topk(k, dim=1)
    first = top_starts.indices[:, :, None] - base[:, :, None]
    last = top_ends.indices[:, None, :] - base[:, :, None]
    valid = (
        (first >= maximal[:, None, None, 0])
        & (first < maximal[:, None, None, 1])
        & (last >= 0)
        & (last < context[:, :, None])
        & (last >= first)
        & (last - first + 1 <= max_answer_length)
    )
    # summed in double precision, as the loop sums Python floats
    scores = top_starts.values.double()[:, :, None] + top_ends.values.double()[:, None, :]
    scores = scores.masked_fill(~valid, float("-inf")).flatten(1)
    best = scores.argmax(dim=1)
    chosen = scores.gather(1, best[:, None])[:, 0]
    first_index = first[:, :, 0].gather(1, (best // k)[:, None])[:, 0]
    last_index = last[:, 0, :].gather(1, (best % k)[:, None])[:, 0]
    found = zip(chosen.tolist(), first_index.tolist(), last_index.tolist(), strict=True)
    return [(s, a, b) if s != float("-inf") else (s, 0, 0) for s, a, b in found]


def best_spans_loop(
    features: Sequence[Feature], logits: Sequence[Any], max_answer_length: int
) -> list[tuple[float, int, int]]:
    """`best_spans` written as the reference scripts' plain loop over start/end pairs: the
    specification the tensor version is tested and benchmarked against."""
    results = []
    for feature, values in zip(features, logits, strict=True):
        length = len(feature.input_ids)
        start_logits = values[:length, 0].tolist()
        end_logits = values[:length, 1].tolist()
        base = feature.extra["base"]
        context = len(feature.extra["offsets"])
        lo, hi = feature.extra["maximal"]
        start_indexes = sorted(range(length), key=lambda i: -start_logits[i])[:N_BEST]
        end_indexes = sorted(range(length), key=lambda i: -end_logits[i])[:N_BEST]
        best = (float("-inf"), 0, 0)
        for start in start_indexes:
            for end in end_indexes:
                if not (lo <= start - base < hi and 0 <= end - base < context):
                    continue
                if end < start or end - start + 1 > max_answer_length:
                    continue
                score = start_logits[start] + end_logits[end]
                if score > best[0]:
                    best = (score, start - base, end - base)
        results.append(best)
    return results
