"""Stand-ins for XTREME's released translations of the QA files (gs://xtreme_translations): the
training sets out of English (SQuAD, TyDiQA-GoldP) and the test sets into English (XQuAD, MLQA),
in the bucket's layout under ``translations/``, made from the sample's own QA draws."""

from __future__ import annotations

import json
import random

from .common import SEED
from .grammar import Draw, Lang
from .qa import QA_SIZES, QALang, hex_id, qa_json, qa_plan, tydiqa_id

RELEASED_QA_TRANSLATIONS = {  # dataset -> the bucket's folder, the sample's languages
    "squad": ("SQuAD", ("de", "es", "hi")),
    "tydiqa": ("TyDiQA-GoldP", ("ar", "sw", "te")),
}
"""The sample's copy of XTREME's released translations of QA training sets: a few XQuAD/MLQA
languages for SQuAD and a few TyDiQA-GoldP languages, enough for translate-train on each."""
TRANSLATED_QUESTIONS = 40


def qa_translation_files(langs: dict[str, Lang]) -> dict[str, str]:
    """A stand-in for XTREME's released translations of the QA training sets
    (``translations/<SQuAD|TyDiQA-GoldP>/translate-train/<squad|tydiqa>.translate.train.en-
    <lang>.json``): per dataset, one training set drawn from the lexicon every language shares
    and rendered in each language, as the release is the English set translated (the sample's
    own English training files use names other languages lack). Projection is not perfect in the
    release; here two questions per file point their answer at offset -1 (the reference drops
    them) and one a character past its start (inside the answer's words: the reference keeps
    it). The TyDiQA-GoldP release repeats a question once per answer (TensorFlow Datasets'
    qa_utils regroups them): here one question is listed twice."""
    files = {}
    for dataset, (folder, codes) in RELEASED_QA_TRANSLATIONS.items():
        ql = {code: QALang(langs[code]) for code in ["en", *codes]}
        draw = Draw(langs["en"], random.Random(f"{SEED}:{dataset}:translate-train"))
        sizes = dict(QA_SIZES)
        QA_SIZES[(dataset, "train")] = TRANSLATED_QUESTIONS
        make_id = hex_id(24) if dataset == "squad" else tydiqa_id("en")
        try:
            plan = qa_plan(draw, ql["en"].sizes(), dataset, "train", [ql[c] for c in codes],
                           make_id)  # fmt: skip
        finally:
            QA_SIZES.clear()
            QA_SIZES.update(sizes)
        for code in sorted(codes):
            document = json.loads(qa_json(dataset, plan, ql[code], ql[code]))
            paragraphs = [par for article in document["data"] for par in article["paragraphs"]]
            questions = [qa for par in paragraphs for qa in par["qas"]]
            for qa in questions[:2]:
                qa["answers"][0]["answer_start"] = -1
            moved = next(qa for qa in questions[2:] if len(qa["answers"][0]["text"]) > 2)
            moved["answers"][0]["answer_start"] += 1
            if dataset == "tydiqa":
                repeated = paragraphs[-1]["qas"][-1]
                paragraphs[-1]["qas"].append(json.loads(json.dumps(repeated)))
            rel = f"translations/{folder}/translate-train/{dataset}.translate.train.en-{code}.json"
            files[rel] = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    return files


RELEASED_QA_TEST = {  # dataset -> the bucket's folder, its test file in the sample's layout
    "xquad": ("XQuAD", "xquad/xquad.{lang}.json"),
    "mlqa": ("MLQA", "mlqa/MLQA_V1/test/test-context-{lang}-question-{lang}.json"),
}
"""The sample's copy of XTREME's released translate-test sets of the QA tasks."""
RELEASED_QA_TEST_LANGUAGES = ("de", "es", "hi")


def qa_translate_test_files(files: dict[str, str]) -> dict[str, str]:
    """A stand-in for XTREME's released translate-test sets of XQuAD and MLQA
    (``translations/<XQuAD|MLQA>/translate-test/<xquad|mlqa>.translate.test.<lang>-en.json``):
    the English test file, which is every other language's exact translation here (one draw
    rendered in every language, with the same question ids). As in the release, questions are
    missing (two per file: TensorFlow Datasets counts 1,112 to 1,190 of XQuAD's 1,190), and a
    question with several answers is listed once per answer (its qa_utils regroups them)."""
    found = {}
    for dataset, (folder, pattern) in RELEASED_QA_TEST.items():
        for code in RELEASED_QA_TEST_LANGUAGES:
            document = json.loads(files[pattern.format(lang="en")])
            paragraphs = [par for article in document["data"] for par in article["paragraphs"]]
            for paragraph in paragraphs[:2]:
                del paragraph["qas"][0]
            paragraph, qa = next((par, qa) for par in paragraphs[2:] for qa in par["qas"]
                                 if len({a["text"] for a in qa["answers"]}) > 1)  # fmt: skip
            at = paragraph["qas"].index(qa)
            paragraph["qas"][at : at + 1] = [{**qa, "answers": [answer]}
                                             for answer in qa["answers"]]  # fmt: skip
            rel = f"translations/{folder}/translate-test/{dataset}.translate.test.{code}-en.json"
            found[rel] = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    return found
