"""Readers of the release formats of AmericasNLI and MasakhaNER 2.0.

AmericasNLI (abteen/americasnli@bebd02c ``data/anli_final/{dev,test}/<code>.tsv``): a header line
``id<TAB>language<TAB>premise<TAB>hypothesis<TAB>label``, then one example per line, read without
unquoting (some fields hold ``"``; the release is read with ``QUOTE_NONE`` by the hub's loading
script, and split on tabs by the paper's own reader, ``custom_datasets/xnli_tsv_dataset.py``
L45-90). The 4-column layout of nala-cub/AmericasNLI@be3c351 (``language<TAB>premise<TAB>
hypothesis<TAB>label``, no id) is read too; the header says which.

MasakhaNER 2.0 (masakhane-io/masakhane-ner@ba5843c ``MasakhaNER2.0/data/<code>/{train,dev,
test}.txt``): ``TOKEN<SPACE>TAG`` per line, an empty line after each sentence, as the official
reader ``code/utils_ner.py`` L78-104 splits them (on one space).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from xtreme_harness.interfaces import (
    DataError,
    Reader,
    checked_label,
    tagged_sentences,
    text_lines,
)

ANLI_HEADERS = {
    ("id", "language", "premise", "hypothesis", "label"): "abteen/americasnli data/anli_final",
    ("language", "premise", "hypothesis", "label"): "nala-cub/AmericasNLI",
}
"""The two release layouts, by their header line."""


def americasnli_tsv(labels: Sequence[str], aliases: Mapping[str, str] | None = None) -> Reader:
    """A per-language AmericasNLI file -> classification examples (premise, hypothesis, label
    by its string). The ``language`` column must be the file's name (``nah.tsv`` holds ``nah``
    rows only), so that a file of all languages (``anli.test.tsv``) is refused rather than
    scored as one language."""
    aliases = dict(aliases or {})

    def read(path: str) -> list[dict[str, Any]]:
        expected = os.path.splitext(os.path.basename(path))[0]
        lines = text_lines(path)
        first = next(lines, None)
        header = tuple(first[1].split("\t")) if first else ()
        if header not in ANLI_HEADERS:
            layouts = "; or ".join("<TAB>".join(h) for h in ANLI_HEADERS)
            raise DataError(path, f"expected the header {layouts}; found {header}", line=1)
        columns = {name: i for i, name in enumerate(header)}
        examples = []
        for number, line in lines:
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) != len(header):
                raise DataError(
                    path,
                    f"expected {len(header)} tab-separated fields ({', '.join(header)}), "
                    f"found {len(fields)}",
                    line=number,
                )
            language = fields[columns["language"]]
            if language != expected:
                raise DataError(
                    path,
                    f"expected {expected!r} (the file's name: one language per file, as the "
                    f"release's <code>.tsv files), found {language!r}",
                    line=number,
                    field="language",
                )
            label = fields[columns["label"]]
            examples.append(
                {
                    "id": fields[columns["id"]] if "id" in columns else str(len(examples)),
                    "text_a": fields[columns["premise"]],
                    "text_b": fields[columns["hypothesis"]],
                    "label": checked_label(path, number, label, labels, aliases, "label"),
                }
            )
        return examples

    return read


def masakhaner_conll(labels: Sequence[str], aliases: Mapping[str, str] | None = None) -> Reader:
    """A MasakhaNER 2.0 file -> tagging examples. Each tag passes through `aliases` first (the
    task maps ``B-DATE``/``I-DATE`` to ``O``) and must then be one of `labels`."""
    aliases = dict(aliases or {})

    def read(path: str) -> list[dict[str, Any]]:
        def word(number: int, line: str) -> tuple[str, str]:
            fields = line.split(" ")
            if len(fields) != 2 or not fields[0] or not fields[1]:
                raise DataError(
                    path,
                    f"expected 'TOKEN TAG' (two fields separated by one space), found {line!r}",
                    line=number,
                )
            return fields[0], checked_label(path, number, fields[1], labels, aliases, "tag")

        return tagged_sentences(path, word)

    return read
