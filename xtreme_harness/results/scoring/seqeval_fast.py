"""seqeval 1.2.2 default mode (micro F1, precision, recall), exactly, but fast.

The official scorer calls ``seqeval.metrics.f1_score``, ``precision_score`` and ``recall_score``
on lists of per-sentence tag lists. seqeval walks every tag three times in Python (once per
function), warns for every tag that has no ``B-``/``I-``/``E-``/``S-`` prefix (every UPOS tag), and
needs numpy for the division. This module gives the same three numbers bit for bit:

* the same chunk rules: a label's first character is its *tag* (``B``, ``I``, ``E``, ``S``, ``O``,
  ``.``, or anything else, e.g. the ``P`` of ``PRON``), the rest after an optional ``-`` is its
  *type* (``PRON`` -> ``RON``, ``B-PER`` -> ``PER``, ``X`` -> ``_``); `end_of_chunk` and
  `start_of_chunk` are seqeval's functions, transcribed;
* the same flattening: sentences are concatenated with an ``O`` after each, and one more ``O`` at
  the end, so a chunk of type ``_`` (e.g. UPOS ``X``) can run on into the next sentence exactly as
  it does in seqeval;
* the same counting: a predicted chunk is a true positive when a gold chunk has the same type,
  start and end; micro precision = tp / predicted, recall = tp / gold, each 0 when its denominator
  is 0, F1 = 2 * p * r / (p + r) or 0.

Both end_of_chunk and start_of_chunk depend only on the previous and the current label, so the
walk is done once per *pair of distinct labels* (a small table) and the rest is vectorised.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "LabelIndex",
    "chunk_counts",
    "end_of_chunk",
    "get_entities",
    "precision_recall_f1",
    "scores_from_counts",
    "split_label",
    "start_of_chunk",
]

START = "\x00start"
"""Key of the state before the first label: tag ``O``, type ``''`` (seqeval's initial values)."""


def split_label(label: str) -> tuple[str, str]:
    """(tag, type) of a label as seqeval reads it without ``suffix``."""
    return label[0], label[1:].split("-", maxsplit=1)[-1] or "_"


def end_of_chunk(prev_tag: str, tag: str, prev_type: str, type_: str) -> bool:
    """seqeval's end_of_chunk: did a chunk end between the previous and the current label?"""
    chunk_end = False
    if prev_tag == "E":
        chunk_end = True
    if prev_tag == "S":
        chunk_end = True
    if prev_tag == "B" and tag == "B":
        chunk_end = True
    if prev_tag == "B" and tag == "S":
        chunk_end = True
    if prev_tag == "B" and tag == "O":
        chunk_end = True
    if prev_tag == "I" and tag == "B":
        chunk_end = True
    if prev_tag == "I" and tag == "S":
        chunk_end = True
    if prev_tag == "I" and tag == "O":
        chunk_end = True
    if prev_tag != "O" and prev_tag != "." and prev_type != type_:
        chunk_end = True
    return chunk_end


def start_of_chunk(prev_tag: str, tag: str, prev_type: str, type_: str) -> bool:
    """seqeval's start_of_chunk: did a chunk start between the previous and the current label?"""
    chunk_start = False
    if tag == "B":
        chunk_start = True
    if tag == "S":
        chunk_start = True
    if prev_tag == "E" and tag == "E":
        chunk_start = True
    if prev_tag == "E" and tag == "I":
        chunk_start = True
    if prev_tag == "S" and tag == "E":
        chunk_start = True
    if prev_tag == "S" and tag == "I":
        chunk_start = True
    if prev_tag == "O" and tag == "E":
        chunk_start = True
    if prev_tag == "O" and tag == "I":
        chunk_start = True
    if tag != "O" and tag != "." and prev_type != type_:
        chunk_start = True
    return chunk_start


class LabelIndex:
    """Integer ids for labels, shared by the gold and the predicted sequence of one comparison.

    Id 0 is the state before the first label, id 1 is ``O`` (also the sentence separator).
    `extra` keys are given ids right after (the file readers use ``""`` for blank lines).
    """

    _TABLE_LIMIT = 256  # up to this many labels the flags of every pair are tabulated

    def __init__(self, extra: Sequence[str] = ()) -> None:
        self.ids: dict[str, int] = {START: 0, "O": 1}
        for key in extra:
            self.ids.setdefault(key, len(self.ids))

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, labels: Sequence[str]) -> None:
        ids = self.ids
        for label in dict.fromkeys(labels):
            if label not in ids:
                if not label:
                    raise ValueError("a tag is the empty string; seqeval cannot read it")
                ids[label] = len(ids)

    def encode(self, labels: Sequence[str]) -> np.ndarray:
        import numpy as np

        self.add(labels)
        return np.fromiter(map(self.ids.__getitem__, labels), dtype=np.int64, count=len(labels))

    def _parts(self) -> tuple[list[str], list[str]]:
        tags, types = [], []
        for label in self.ids:
            if label == START:
                tags.append("O")
                types.append("")
            elif not label:
                tags.append("O")  # a blank line: read as the sentence separator "O"
                types.append("_")
            else:
                tag, type_ = split_label(label)
                tags.append(tag)
                types.append(type_)
        return tags, types

    def flags(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each position of `ids`: chunk end before it, chunk start at it; and type ids."""
        import numpy as np

        tags, types = self._parts()
        type_ids = {name: i for i, name in enumerate(dict.fromkeys(types))}
        type_of = np.array([type_ids[t] for t in types], dtype=np.int64)
        previous = np.empty_like(ids)
        previous[0] = 0
        previous[1:] = ids[:-1]
        n = len(tags)
        if n <= self._TABLE_LIMIT:
            end = np.zeros((n, n), dtype=bool)
            start = np.zeros((n, n), dtype=bool)
            for p in range(n):
                for c in range(n):
                    end[p, c] = end_of_chunk(tags[p], tags[c], types[p], types[c])
                    start[p, c] = start_of_chunk(tags[p], tags[c], types[p], types[c])
            return end[previous, ids], start[previous, ids], type_of
        codes = previous * n + ids
        unique, inverse = np.unique(codes, return_inverse=True)
        end_u = np.zeros(len(unique), dtype=bool)
        start_u = np.zeros(len(unique), dtype=bool)
        for k, code in enumerate(unique.tolist()):
            p, c = divmod(code, n)
            end_u[k] = end_of_chunk(tags[p], tags[c], types[p], types[c])
            start_u[k] = start_of_chunk(tags[p], tags[c], types[p], types[c])
        inverse = inverse.reshape(-1)
        return end_u[inverse], start_u[inverse], type_of


def _chunks(ids: np.ndarray, index: LabelIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ends, starts, type ids) of the chunks of a flat id sequence that ends with ``O``.

    Chunks come in seqeval's order (by end); each end is unique.
    """
    import numpy as np

    end, start, type_of = index.flags(ids)
    after = np.flatnonzero(end)  # a chunk ends just before these positions (never position 0)
    last = after - 1
    positions = np.arange(len(ids), dtype=np.int64)
    # seqeval's begin_offset when the end is seen: the last start strictly before `after`
    # (the start at `after` itself is recorded only after the end), or 0 when there was none
    begin = np.maximum.accumulate(np.where(start, positions, 0))
    return last, begin[last], type_of[ids[last]]


def chunk_counts(
    gold: np.ndarray, predicted: np.ndarray, index: LabelIndex
) -> tuple[int, int, int]:
    """(true positives, predicted chunks, gold chunks) of two flat id sequences of equal length.

    Both must already be flattened as seqeval does (an ``O`` after every sentence and one more
    at the end).
    """
    import numpy as np

    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predicted labels")
    g_end, g_begin, g_type = _chunks(gold, index)
    p_end, p_begin, p_type = _chunks(predicted, index)
    begin_at = np.full(len(gold), -1, dtype=np.int64)
    type_at = np.full(len(gold), -1, dtype=np.int64)
    begin_at[g_end] = g_begin
    type_at[g_end] = g_type
    tp = int(np.count_nonzero((begin_at[p_end] == p_begin) & (type_at[p_end] == p_type)))
    return tp, len(p_end), len(g_end)


def scores_from_counts(tp: int, n_predicted: int, n_gold: int) -> tuple[float, float, float]:
    """(precision, recall, f1) as fractions, with seqeval's arithmetic (0/0 gives 0)."""
    precision = tp / n_predicted if n_predicted else 0.0
    recall = tp / n_gold if n_gold else 0.0
    denominator = precision + recall
    f1 = 2 * precision * recall / denominator if denominator else 0.0
    return precision, recall, f1


def _flatten(sentences: Sequence[Sequence[str]]) -> list[str]:
    flat: list[str] = []
    for sentence in sentences:
        flat.extend(sentence)
        flat.append("O")
    flat.append("O")
    return flat


def get_entities(seq: Sequence[str] | Sequence[Sequence[str]]) -> list[tuple[str, int, int]]:
    """seqeval's ``get_entities(seq)`` (no suffix): [(type, start, end)], end inclusive.

    A list of lists is flattened first, with an ``O`` after each sentence, as seqeval does.
    """
    nested = any(isinstance(s, list) for s in seq)
    flat = _flatten(seq) if nested else [*seq, "O"]  # type: ignore[arg-type, list-item]
    index = LabelIndex()
    ids = index.encode(flat)
    ends, begins, types = _chunks(ids, index)
    names = list(dict.fromkeys(index._parts()[1]))
    return [
        (names[t], b, e)
        for t, b, e in zip(types.tolist(), begins.tolist(), ends.tolist(), strict=True)
    ]


def precision_recall_f1(
    y_true: Sequence[Sequence[str]], y_pred: Sequence[Sequence[str]]
) -> tuple[float, float, float]:
    """seqeval's micro ``precision_score``, ``recall_score`` and ``f1_score`` (default mode) of
    lists of per-sentence tag lists, as fractions; raises as seqeval does on inconsistent input."""
    kinds = set(map(type, y_true)) | set(map(type, y_pred))
    if kinds != {list}:
        raise TypeError("Found input variables without list of list.")
    len_true = [len(s) for s in y_true]
    len_pred = [len(s) for s in y_pred]
    if len(y_true) != len(y_pred) or len_true != len_pred:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples:\n{len_true}\n{len_pred}"
        )
    index = LabelIndex()
    gold = index.encode(_flatten(y_true))
    predicted = index.encode(_flatten(y_pred))
    return scores_from_counts(*chunk_counts(gold, predicted, index))
