"""XTREME's released translations (gs://xtreme_translations; google-research/xtreme README,
"Translations"), as a translator: a sentence is looked up among the original sentences of the
released files of its direction and replaced by their translation.

The files are read from a copy of the bucket (``folder``), in its layout:

- ``<TASK>/translate-train/en-<lang>-translated.tsv``: the English training set in ``<lang>`` (the
  path TensorFlow Datasets' xtreme_xnli and xtreme_pawsx builders download);
- ``<TASK>/translate-test/test-<lang>-en-translated.tsv``: a test set in English (the file name of
  xtreme's own readers, third_party/processors/xnli.py, in the folder tensorflow/models reads it
  from: official/nlp/data/classifier_data_lib.py, the Xtreme XNLI and PAWS-X processors'
  ``get_test_examples``).

- ``SQuAD/translate-<split>/squad.translate.<split>.en-<lang>.json``: SQuAD v1.1's training (and
  development) set in ``<lang>``, SQuAD JSON with the answers projected into the translation
  (`released_file`; the layout TensorFlow Datasets' xquad builder downloads,
  tensorflow/datasets@f411fae tensorflow_datasets/question_answering/xquad.py,
  ``_XTREME_SQUAD_URL_FORMAT``);
- ``TyDiQA-GoldP/translate-train/tydiqa.translate.train.en-<lang>.json``: TyDiQA-GoldP's English
  training set in ar, bn, fi, id, ko, ru, sw and te, the same kind of file, a question listed once
  per answer (TensorFlow Datasets' tydi_qa builder, tensorflow_datasets/question_answering/
  tydi_qa.py, ``_GOLD_TRANSLATE_URL_FORMAT``).
- ``XQuAD/translate-test/xquad.translate.test.<lang>-en.json``: XQuAD's test set of ``<lang>``
  in English, SQuAD JSON with English answers, some questions missing (TensorFlow Datasets'
  xquad builder, ``_XTREME_XQUAD_URL_FORMAT``, and its catalogue's counts: 1,112 to 1,190 of
  1,190); ``MLQA/translate-test/mlqa.translate.test.<lang>-en.json``, MLQA's (the path named in
  google-research/xtreme issue #98, which reports the German file missing from the bucket).

Each line of a sentence-pair file has five tab-separated fields and no header: the original
pair, the translated pair, the label. xtreme's readers (third_party/processors/xnli.py, pawsx.py)
read a three-field form of the same files (the translated pair and the label), which carries no
original text to look a sentence up by: such a file is refused with that explanation.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Sequence
from functools import cache
from typing import Any

from xtreme_harness.interfaces import DataError, Param, Translator, UsageError

TASKS = ("XNLI", "PAWSX")
RELEASED_FILES = {  # dataset -> (its splits, the bucket's file; lang: the language not English)
    "SQuAD": (("train", "dev"), "SQuAD/translate-{split}/squad.translate.{split}.en-{lang}.json"),
    "TyDiQA-GoldP": (
        ("train",),
        "TyDiQA-GoldP/translate-{split}/tydiqa.translate.{split}.en-{lang}.json",
    ),
    "XQuAD": (("test",), "XQuAD/translate-{split}/xquad.translate.{split}.{lang}-en.json"),
    "MLQA": (("test",), "MLQA/translate-{split}/mlqa.translate.{split}.{lang}-en.json"),
}
"""Released out of English (training and development sets) or into it (test sets)."""


def _key(text: str) -> str:
    return " ".join(text.split())


@cache
def _table(path: str) -> dict[str, str]:
    """Original sentence (whitespace collapsed) -> its translation; the first one kept."""
    found: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t",
                                                quoting=csv.QUOTE_NONE), start=1):  # fmt: skip
            if not row:
                continue
            if len(row) != 5:
                raise DataError(path, f"expected 5 tab-separated fields (the original pair, the "
                                f"translated pair, the label), found {len(row)}; a 3-field file "
                                "has no original text to look sentences up by",
                                line=number)  # fmt: skip
            for original, translated in ((row[0], row[2]), (row[1], row[3])):
                found.setdefault(_key(original), translated)
    return found


class XtremeTranslations(Translator):
    name = "xtreme-translations"
    description = (
        "XTREME's released translations of XNLI, PAWS-X, SQuAD, TyDiQA-GoldP, XQuAD and MLQA (a "
        "copy of gs://xtreme_translations): training sets out of English, test sets into English."
    )
    params = (
        Param("folder", str, None, "The copy of the bucket (holding XNLI/, PAWSX/...)."),
        Param("tasks", str, ",".join(TASKS), "The bucket's task folders read, comma-separated."),
    )

    def _files(self, source: str, target: str) -> list[str]:
        folder = self.options["folder"]
        if not folder:
            raise UsageError("translator xtreme-translations: give the copy of the bucket "
                             "(folder=PATH)")  # fmt: skip
        if source == "en":
            name = os.path.join("translate-train", f"en-{target}-translated.tsv")
        elif target == "en":
            name = os.path.join("translate-test", f"test-{source}-en-translated.tsv")
        else:
            raise UsageError(f"translator xtreme-translations: XTREME released no {source} -> "
                             f"{target} translations (only out of English, and into "
                             "it)")  # fmt: skip
        tasks = [task.strip() for task in self.options["tasks"].split(",") if task.strip()]
        paths = [os.path.join(folder, task, name) for task in tasks]
        found = [path for path in paths if os.path.isfile(path)]
        if not found:
            raise UsageError(f"translator xtreme-translations: no {source} -> {target} file: "
                             f"none of {', '.join(paths)} exists")  # fmt: skip
        return found

    def fingerprint(self) -> dict[str, Any]:
        """The options and the names and sizes of the files in the folder's task folders (their
        content is hundreds of megabytes: hashing it for every step key would cost minutes)."""
        found = dict(self.options)
        folder = self.options["folder"]
        if folder and os.path.isdir(folder):
            digest = hashlib.sha256()
            for root, _, names in sorted(os.walk(folder)):
                for name in sorted(names):
                    path = os.path.join(root, name)
                    digest.update(f"{os.path.relpath(path, folder)}:{os.path.getsize(path)}\n"
                                  .encode())  # fmt: skip
            found["files"] = digest.hexdigest()
        return found

    def released_file(self, dataset: str, split: str, source: str, target: str) -> str | None:
        """The released translations of whole files (`RELEASED_FILES`): SQuAD's training and
        development sets and TyDiQA-GoldP's training set out of English, XQuAD's and MLQA's
        test sets into it."""
        folder = self.options["folder"]
        if not folder:
            raise UsageError("translator xtreme-translations: give the copy of the bucket "
                             "(folder=PATH)")  # fmt: skip
        splits, pattern = RELEASED_FILES.get(dataset, ((), ""))
        into_english = split == "test"
        other = source if into_english else target
        if split not in splits or (target if into_english else source) != "en":
            return None
        path = os.path.join(folder, pattern.format(split=split, lang=other))
        if not os.path.isfile(path):
            raise UsageError(f"translator xtreme-translations: no released {dataset} {split} "
                             f"set {'from' if into_english else 'in'} {other}: {path} is "
                             "missing")  # fmt: skip
        return path

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        files = self._files(source, target)
        table: dict[str, str] = {}
        for path in files:
            for original, translated in _table(path).items():
                table.setdefault(original, translated)
        missing = [text for text in texts if _key(text) not in table]
        if missing:
            raise UsageError(
                f"translator xtreme-translations: {len(missing)} of {len(texts)} texts are not "
                f"among the originals of {', '.join(files)} (e.g. {missing[0]!r}); the release "
                "covers the tasks' training sets out of English and test sets into English"
            )
        return [table[_key(text)] for text in texts]
