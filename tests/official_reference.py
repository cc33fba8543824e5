"""A deliberately plain transcription of the official XTREME scorer, to test and time against.

``evaluate.py``, ``third_party/evaluate_squad.py``, ``third_party/evaluate_mlqa.py`` and
``third_party/utils_mewslix.py`` of google-research/xtreme, with the real seqeval library, plus
LAReQA's mAP@20 as ``third_party/utils_lareqa.py`` computes it (pooled over all questions), which
``evaluate.py`` lacks. It is written from the official code, not from
xtreme_harness.results.scoring, so
that the tests (tests/test_scoring.py) and the speed benchmark (perf/score_speed.py) compare
xharness with an independent reference. `ref_evaluate` returns (group scores, per-task details).
"""

from __future__ import annotations

import collections
import json
import re
import string
import sys
import unicodedata
import warnings
from collections import Counter
from pathlib import Path


def _langs(codes: str) -> list[str]:
    return codes.split(",")


TASK2LANGS = {
    "pawsx": _langs("de,en,es,fr,ja,ko,zh"),
    "xnli": _langs("ar,bg,de,el,en,es,fr,hi,ru,sw,th,tr,ur,vi,zh"),
    "panx": _langs(
        "ar,he,vi,id,jv,ms,tl,eu,ml,ta,te,af,nl,en,de,el,bn,hi,mr,ur,fa,fr,"
        "it,pt,es,bg,ru,ja,ka,ko,th,sw,yo,my,zh,kk,tr,et,fi,hu"
    ),
    "udpos": _langs(
        "af,ar,bg,de,el,en,es,et,eu,fa,fi,fr,he,hi,hu,id,it,ja,kk,ko,mr,"
        "nl,pt,ru,ta,te,th,tl,tr,ur,vi,yo,zh"
    ),
    "bucc2018": _langs("de,fr,ru,zh"),
    "tatoeba": _langs(
        "ar,he,vi,id,jv,tl,eu,ml,ta,te,af,nl,de,el,bn,hi,mr,ur,fa,fr,it,"
        "pt,es,bg,ru,ja,ka,ko,th,sw,zh,kk,tr,et,fi,hu"
    ),
    "xquad": _langs("en,es,de,el,ru,tr,ar,vi,th,zh,hi"),
    "mlqa": _langs("en,es,de,ar,hi,vi,zh"),
    "tydiqa": _langs("en,ar,bn,fi,id,ko,ru,sw,te"),
}
GROUP2TASK = {
    "classification": ["pawsx", "xnli"],
    "tagging": ["udpos", "panx"],
    "qa": ["xquad", "mlqa", "tydiqa"],
    "retrieval": ["bucc2018", "tatoeba"],
}
# XTREME_R_TASK2LANGS of evaluate.py (the order matters: languages are summed in it); lareqa (for
# which evaluate.py has no list): the XQuAD-R languages
XTREME_R_TASK2LANGS = {
    "xnli": _langs("ar,bg,de,el,en,es,fr,hi,ru,sw,th,tr,ur,vi,zh"),
    "xcopa": _langs("et,ht,id,it,qu,sw,ta,th,tr,vi,zh"),
    "udpos": _langs(
        "af,ar,bg,de,el,en,es,et,eu,fa,fi,fr,he,hi,hu,id,it,ja,kk,ko,mr,nl,pt,ru,ta,"
        "te,th,tl,tr,ur,vi,yo,zh,lt,pl,uk,wo,ro"
    ),
    "panx": _langs(
        "ar,he,vi,id,jv,ms,tl,eu,ml,ta,te,af,nl,en,de,el,bn,hi,mr,ur,fa,fr,it,pt,es,"
        "bg,ru,ja,ka,ko,th,sw,yo,my,zh,kk,tr,et,fi,hu,qu,pl,uk,az,lt,pa,gu,ro"
    ),
    "xquad": _langs("en,es,de,el,ru,tr,ar,vi,th,zh,hi,ro"),
    "mlqa": _langs("en,es,de,ar,hi,vi,zh"),
    "tydiqa": _langs("en,ar,bn,fi,id,ko,ru,sw,te"),
    "mewslix": _langs("ar,de,en,es,fa,ja,pl,ro,ta,tr,uk"),
    "lareqa": _langs("ar,de,el,en,es,hi,ru,th,tr,vi,zh"),
    "tatoeba": _langs(
        "ar,he,vi,id,jv,tl,eu,ml,ta,te,af,nl,de,el,bn,hi,mr,ur,fa,fr,it,pt,es,bg,ru,"
        "ja,ka,ko,th,sw,zh,kk,tr,et,fi,hu,az,lt,pl,uk,ro"
    ),
}
XTREME_R_GROUP2TASK = {
    "classification": ["xnli", "xcopa"],
    "tagging": ["udpos", "panx"],
    "qa": ["xquad", "mlqa", "tydiqa"],
    "retrieval": ["tatoeba", "mewslix"],
    "multi_choice": ["xcopa"],
}


def ref_read_tag(file):
    labels = []
    example = []
    with open(file) as f:
        for line in f:
            line = line.strip()
            if line:
                example.append(line)
            else:
                labels.append(example)
                example = []
    if example:
        labels.append(example)
    return labels


def ref_read_label(file):
    with open(file) as f:
        return [line.strip() for line in f]


def ref_read_xcopa(file):
    with open(file) as f:
        return [json.loads(line)["label"] for line in f if line.strip()]


def ref_read_json(file):
    with open(file) as f:
        document = json.load(f)
    if "data" in document:
        return document["data"]
    return document


def ref_seqeval(labels, predictions):
    from seqeval.metrics import f1_score, precision_score, recall_score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f1 = f1_score(labels, predictions)
        precision = precision_score(labels, predictions)
        recall = recall_score(labels, predictions)
    return {"f1": f1 * 100, "precision": precision * 100, "recall": recall * 100}


def ref_accuracy(labels, predictions):
    correct = sum([int(p == g) for p, g in zip(predictions, labels, strict=True)])
    accuracy = float(correct) / len(predictions)
    return {"accuracy": accuracy * 100}


def ref_bucc_f1(labels, predictions):
    labels = set([tuple(line.split("\t")) for line in labels])
    predictions = set([tuple(line.split("\t")) for line in predictions])
    ncorrect = len(labels.intersection(predictions))
    if ncorrect > 0:
        precision = ncorrect / len(predictions)
        recall = ncorrect / len(labels)
        f1 = 2 * precision * recall / (precision + recall)
    else:
        precision = recall = f1 = 0
    return {"f1": f1 * 100, "precision": precision * 100, "recall": recall * 100}


def ref_squad_normalize_answer(s):
    def remove_articles(text):
        return re.sub(r"\b(a|an|the)\b", " ", text)

    def white_space_fix(text):
        return " ".join(text.split())

    def remove_punc(text):
        exclude = set(string.punctuation)
        return "".join(ch for ch in text if ch not in exclude)

    def lower(text):
        return text.lower()

    return white_space_fix(remove_articles(remove_punc(lower(s))))


def ref_squad_f1(prediction, ground_truth):
    prediction_tokens = ref_squad_normalize_answer(prediction).split()
    ground_truth_tokens = ref_squad_normalize_answer(ground_truth).split()
    common = Counter(prediction_tokens) & Counter(ground_truth_tokens)
    num_same = sum(common.values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(prediction_tokens)
    recall = 1.0 * num_same / len(ground_truth_tokens)
    return (2 * precision * recall) / (precision + recall)


def ref_squad_em(prediction, ground_truth):
    return ref_squad_normalize_answer(prediction) == ref_squad_normalize_answer(ground_truth)


def ref_squad_evaluate(dataset, predictions):
    f1 = exact_match = total = 0
    for article in dataset:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                total += 1
                if qa["id"] not in predictions:
                    continue
                ground_truths = [x["text"] for x in qa["answers"]]
                prediction = predictions[qa["id"]]
                exact_match += max(ref_squad_em(prediction, g) for g in ground_truths)
                f1 += max(ref_squad_f1(prediction, g) for g in ground_truths)
    exact_match = 100.0 * exact_match / total
    f1 = 100.0 * f1 / total
    return {"exact_match": exact_match, "f1": f1}


REF_PUNCT = {
    chr(i) for i in range(sys.maxunicode) if unicodedata.category(chr(i)).startswith("P")
}.union(string.punctuation)
REF_WHITESPACE_LANGS = ["en", "es", "hi", "vi", "de", "ar"]
REF_MIXED_SEGMENTATION_LANGS = ["zh"]


def ref_mixed_segmentation(text):
    segs_out = []
    temp_str = ""
    for char in text:
        if re.search(r"[\u4e00-\u9fa5]", char) or char in REF_PUNCT:
            if temp_str != "":
                segs_out.extend(temp_str.split())
                temp_str = ""
            segs_out.append(char)
        else:
            temp_str += char
    if temp_str != "":
        segs_out.extend(temp_str.split())
    return segs_out


def ref_mlqa_normalize_answer(s, lang):
    def remove_articles(text, lang):
        if lang == "en":
            return re.sub(r"\b(a|an|the)\b", " ", text)
        elif lang == "es":
            return re.sub(r"\b(un|una|unos|unas|el|la|los|las)\b", " ", text)
        elif lang == "hi":
            return text
        elif lang == "vi":
            return re.sub(r"\b(của|là|cái|chiếc|những)\b", " ", text)
        elif lang == "de":
            return re.sub(
                r"\b(ein|eine|einen|einem|eines|einer|der|die|das|den|dem|des)\b", " ", text
            )
        elif lang == "ar":
            return re.sub("\\s\u0627\u0644^|\u0627\u0644", " ", text)
        elif lang == "zh":
            return text
        else:
            raise Exception(f"Unknown Language {lang}")

    def white_space_fix(text, lang):
        if lang in REF_WHITESPACE_LANGS:
            tokens = text.split()
        elif lang in REF_MIXED_SEGMENTATION_LANGS:
            tokens = ref_mixed_segmentation(text)
        else:
            raise Exception(f"Unknown Language {lang}")
        return " ".join([t for t in tokens if t.strip() != ""])

    def remove_punc(text):
        return "".join(ch for ch in text if ch not in REF_PUNCT)

    return white_space_fix(remove_articles(remove_punc(s.lower()), lang), lang)


def ref_mlqa_f1(prediction, ground_truth, lang):
    prediction_tokens = ref_mlqa_normalize_answer(prediction, lang).split()
    ground_truth_tokens = ref_mlqa_normalize_answer(ground_truth, lang).split()
    common = Counter(prediction_tokens) & Counter(ground_truth_tokens)
    num_same = sum(common.values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(prediction_tokens)
    recall = 1.0 * num_same / len(ground_truth_tokens)
    return (2 * precision * recall) / (precision + recall)


def ref_mlqa_evaluate(dataset, predictions, lang):
    f1 = exact_match = total = 0
    for article in dataset:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                total += 1
                if qa["id"] not in predictions:
                    continue
                ground_truths = [x["text"] for x in qa["answers"]]
                prediction = predictions[qa["id"]]
                exact_match += max(
                    ref_mlqa_normalize_answer(prediction, lang)
                    == ref_mlqa_normalize_answer(g, lang)
                    for g in ground_truths
                )
                f1 += max(ref_mlqa_f1(prediction, g, lang) for g in ground_truths)
    exact_match = 100.0 * exact_match / total
    f1 = 100.0 * f1 / total
    return {"exact_match": exact_match, "f1": f1}


def ref_mewslix(gold_data, predictions, k=20):
    gold_single_labels = {ex_id: labels[0].strip() for ex_id, labels in gold_data.items()}
    reciprocal_ranks = []
    for example_id, gold in gold_single_labels.items():
        rr = 0.0
        for rank, p in enumerate(predictions.get(example_id, [])[:k], start=1):
            if p == gold:
                rr = 1.0 / rank
                break
        reciprocal_ranks.append(rr)
    mrr = sum(reciprocal_ranks) / len(reciprocal_ranks) if reciprocal_ranks else 0.0
    return {"map@20": mrr * 100}


def ref_lareqa_aps(gold_data, predictions, k=20):
    """average_precision_at_k of third_party/utils_lareqa.py, per gold question."""
    aps = []
    for question_id, targets in gold_data.items():
        targets, hits, total, seen = set(targets), 0, 0.0, set()
        for rank, candidate in enumerate(predictions.get(question_id, [])[:k], start=1):
            if candidate in targets and candidate not in seen:
                seen.add(candidate)
                hits += 1
                total += hits / rank
        aps.append(total / min(len(targets), k))
    return aps


REF_READER = {
    "pawsx": ref_read_label,
    "xnli": ref_read_label,
    "panx": ref_read_tag,
    "udpos": ref_read_tag,
    "bucc2018": ref_read_label,
    "tatoeba": ref_read_label,
    "xquad": ref_read_json,
    "mlqa": ref_read_json,
    "tydiqa": ref_read_json,
    "mewslix": ref_read_json,
    "xcopa": ref_read_xcopa,
    "lareqa": ref_read_json,
}
REF_METRIC = {
    "pawsx": lambda g, p, lang: ref_accuracy(g, p),
    "xnli": lambda g, p, lang: ref_accuracy(g, p),
    "panx": lambda g, p, lang: ref_seqeval(g, p),
    "udpos": lambda g, p, lang: ref_seqeval(g, p),
    "bucc2018": lambda g, p, lang: ref_bucc_f1(g, p),
    "tatoeba": lambda g, p, lang: ref_accuracy(g, p),
    "xquad": lambda g, p, lang: ref_squad_evaluate(g, p),
    "mlqa": ref_mlqa_evaluate,
    "tydiqa": lambda g, p, lang: ref_squad_evaluate(g, p),
    "mewslix": lambda g, p, lang: ref_mewslix(g, p),
    "xcopa": lambda g, p, lang: ref_accuracy(g, p),
}
REF_SUFFIX = {
    "xquad": "json", "mlqa": "json", "tydiqa": "json", "mewslix": "json", "lareqa": "json",
    "xcopa": "jsonl",
}  # fmt: skip


def ref_evaluate(prediction_folder, label_folder, task2langs, group2task, all_tasks=None):
    """evaluate() of evaluate.py; the overall sum runs in task2langs order (the official code
    iterates over a set). `all_tasks`: every task of the benchmark (default: task2langs)."""
    all_tasks = list(task2langs) if all_tasks is None else all_tasks
    detailed_scores = {}
    for task, langs in task2langs.items():
        if (Path(prediction_folder) / task).is_dir() and (Path(label_folder) / task).is_dir():
            suffix = REF_SUFFIX.get(task, "tsv")
            score = collections.defaultdict(dict)
            pooled = []
            for lg in langs:
                predictions = REF_READER[task](f"{prediction_folder}/{task}/test-{lg}.{suffix}")
                labels = REF_READER[task](f"{label_folder}/{task}/test-{lg}.{suffix}")
                if task not in ["bucc2018", "mlqa", "tydiqa", "xquad", "mewslix", "lareqa"]:
                    assert len(predictions) == len(labels)
                if task == "lareqa":  # not in evaluate.py: mAP@20 as utils_lareqa.py
                    aps = ref_lareqa_aps(labels, predictions)
                    pooled += aps
                    score["map@20"][lg] = sum(aps) / len(aps) * 100
                    continue
                for metric, value in REF_METRIC[task](labels, predictions, lg).items():
                    score[metric][lg] = value
            avg_score = {}
            for m in score:
                avg_score[f"avg_{m}"] = sum(score[m].values()) / len(score[m])
            score.update(avg_score)
            if task in group2task["qa"]:
                score["avg_metric"] = (score["avg_exact_match"] + score["avg_f1"]) / 2
            elif "avg_f1" in score:
                score["avg_metric"] = score["avg_f1"]
            elif "avg_accuracy" in score:
                score["avg_metric"] = score["avg_accuracy"]
            elif task == "lareqa":  # pooled over the questions of all languages
                score["avg_metric"] = sum(pooled) / len(pooled) * 100
            elif "avg_map@20" in score:
                score["avg_metric"] = score["avg_map@20"]
            detailed_scores[task] = dict(score)
    overall_scores = {}
    if set(all_tasks) == set(detailed_scores):
        overall_scores["all_task"] = sum(
            detailed_scores[task]["avg_metric"] for task in all_tasks
        ) / len(all_tasks)
    for group, group_tasks in group2task.items():
        if not set(group_tasks) - set(detailed_scores):
            overall_scores[group] = sum(
                detailed_scores[task]["avg_metric"] for task in group_tasks
            ) / len(group_tasks)
    return overall_scores, detailed_scores
