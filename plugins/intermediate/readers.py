"""Readers of the original release formats of MASSIVE and SIB-200."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from xtreme_harness.interfaces import DataError, Reader


def massive_jsonl(partition: str, labels: Sequence[str]) -> Reader:
    """A MASSIVE locale file (one JSON object per line with `partition`, `intent`, `utt`) ->
    the classification examples of one partition (train, dev or test)."""

    def read(path: str) -> list[dict[str, Any]]:
        examples = []
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DataError(path, f"not valid JSON: {exc.msg}", line=number) from None
                for key in ("partition", "intent", "utt"):
                    if not isinstance(record.get(key), str):
                        raise DataError(path, "expected a string", line=number, field=key)
                if record["partition"] != partition:
                    continue
                if record["intent"] not in labels:
                    raise DataError(
                        path, f"{record['intent']!r} is not a MASSIVE intent", line=number,
                        field="intent",
                    )  # fmt: skip
                examples.append(
                    {"id": str(record.get("id", number)), "text_a": record["utt"],
                     "text_b": None, "label": record["intent"]}
                )  # fmt: skip
        return examples

    return read


def sib200_tsv(labels: Sequence[str]) -> Reader:
    """A SIB-200 split file (``index_id<TAB>category<TAB>text`` with that header) ->
    classification examples. The release was written by pandas (``to_csv(sep='\\t')``,
    dadelani/sib-200 ``create_sib_data.py`` line 56) and is read back by it
    (``code/util_textclass.py`` line 30): a text with a double quote is quoted, its quotes
    doubled, so the file is read as CSV with tabs, not split on tabs."""

    def read(path: str) -> list[dict[str, Any]]:
        import csv

        examples = []
        with open(path, encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle, delimiter="\t")
            header = next(rows, [])
            if header != ["index_id", "category", "text"]:
                raise DataError(
                    path, f"expected the header index_id, category, text; found {header}", line=1
                )
            try:
                for fields in rows:
                    number = rows.line_num
                    if not any(field.strip() for field in fields):
                        continue
                    if len(fields) != 3:
                        raise DataError(path, f"expected 3 tab-separated fields, found "
                                        f"{len(fields)}", line=number)  # fmt: skip
                    index_id, category, text = fields
                    if category not in labels:
                        raise DataError(
                            path, f"{category!r} is not one of {', '.join(labels)}", line=number,
                            field="category",
                        )  # fmt: skip
                    examples.append(
                        {"id": index_id, "text_a": text, "text_b": None, "label": category}
                    )
            except csv.Error as error:
                raise DataError(path, f"not a tab-separated CSV file: {error}",
                                line=rows.line_num) from None  # fmt: skip
        return examples

    return read
