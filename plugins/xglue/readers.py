"""Readers of XGLUE's release layout (``xglue_full_dataset/``): its tab-separated classification
files. NER and POS files are CoNLL columns (`xtreme_harness.interfaces.conll_columns`).

Column orders come from the release files and the baseline's processors (microsoft/Unicoder
``understanding/src/transformers/data/processors/xglue.py`` at b3d4afd): NC is title, body,
category (``NcProcessor``, lines 704-706; the older ``Data_Format.txt`` lists a query column the
files do not have); QADSM query, ad title, ad description, label, read as the query against the
title and description joined by a space (lines 655-657); WPR query, page title, page snippet,
grade, likewise (lines 557-559); QAM question, passage, label (lines 606-608). Fields are not
unquoted, as the processors' ``csv`` reader with no quote character reads them. The test files
of the full release carry labels (released 2020-11-26, microsoft/XGLUE README).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xtreme_harness.interfaces import DataError, Reader, text_lines


def columns(names: Sequence[str], labels: Sequence[str]) -> Reader:
    """Tab-separated rows of the named text columns and a label in the last one ->
    classification examples: the first column is ``text_a``, the others joined by a space make
    ``text_b``."""
    expected = len(names) + 1

    def read(path: str) -> list[dict[str, Any]]:
        examples = []
        for number, line in text_lines(path):
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) != expected:
                raise DataError(path, f"expected {expected} tab-separated fields ("
                                f"{', '.join(names)}, label), found {len(fields)}",
                                line=number)  # fmt: skip
            label = fields[-1].strip()
            if label not in labels:
                raise DataError(path, f"{label!r} is not one of {', '.join(labels)}",
                                line=number, field="label")  # fmt: skip
            examples.append({
                "id": str(len(examples)),
                "text_a": fields[0],
                "text_b": " ".join(fields[1:-1]),
                "label": label,
            })  # fmt: skip
        return examples

    return read
