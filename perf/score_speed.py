"""Scoring a full-size XTREME-R submission: xharness against a plain official-style scorer.

Generates (seeded, in a temporary folder) a synthetic submission and gold folder with the real
test-set sizes of every XTREME-R task and language (about 90 MB of files), scores it with
`xtreme_harness.results.scoring.score_folders` and with the plain transcription of the official
``evaluate.py`` that the tests check against (tests/official_reference.py: seqeval library, plain
Python QA/MLQA/Mewsli-X scorers, plus LAReQA mAP@20), each in a fresh interpreter, asserts that
every number of the two documents is identical (a correctness check: the script exits non-zero
otherwise), and prints both times, their ratio and each process's peak memory (VmHWM).

Goal: the official-style scorer's time over xharness's at least 30x, printed beside the ratio
with "meets goal" or "below goal" (never asserted); also xharness under 25 s at full size. With
`--repeats R` each scorer runs R times, interleaved, each in a fresh interpreter; the times are
medians (statistics.median) and the minimum is printed beside them.

Run: `python perf/score_speed.py [--seed N] [--scale F] [--keep DIR] [--repeats R] [--smoke]`;
`--smoke` (for CI): `--scale 0.01`, one run each (the ratio of such small folders is dominated
by fixed costs and says little).

Test-set sizes (examples per language): every task's test split in scripts/full_size/sizes.json,
which cites each figure (`python scripts/full_size_data.py --table`; docs/performance.md), in
the languages the official scorer reads. LAReQA's pool is generated here: 240 paragraphs of 5
sentences per language. PAN-X sentences have about 8 tokens, UD-POS sentences about 17.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _report import goal_text, median

GOAL = 30.0
"""The official-style scorer's time over xharness's, at least."""
XHARNESS_SECONDS = 25.0
"""xharness at full size, at most (seconds)."""


def _langs(codes: str) -> list[str]:
    return codes.split()


sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from full_size.sizes import Sizes  # noqa: E402  (the cited split sizes)
from official_reference import (  # noqa: E402  (the transcription of the official scorer)
    XTREME_R_GROUP2TASK,
    XTREME_R_TASK2LANGS,
    ref_evaluate,
)

TASK2LANGS = XTREME_R_TASK2LANGS


def _test_sizes() -> dict[str, dict[str, int]]:
    """Examples per language of every task's test split, in the languages the official scorer
    reads: the figures of scripts/full_size/sizes.json, which cites each one."""
    sizes = Sizes(1.0)
    table = {}
    for task, languages in TASK2LANGS.items():
        counts = sizes.counts(task, "test")
        missing = sorted(set(languages) - set(counts))
        if missing:
            raise SystemExit(
                f"scripts/full_size/sizes.json has no {task} test size for {', '.join(missing)}"
            )
        table[task] = {language: counts[language] for language in languages}
    return table


SIZES = _test_sizes()

UPOS = _langs("ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X")
UPOS_WEIGHTS = [7, 10, 5, 5, 3, 8, 0.3, 18, 2, 2, 5, 6, 12, 2, 0.3, 11, 0.5]
NER = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]
NER_WEIGHTS = [60, 6, 6, 5, 7, 6, 4]
ARTICLES = {
    "en": ["the", "a", "an"],
    "es": ["el", "la", "los", "las", "un", "una"],
    "de": ["der", "die", "das", "ein", "eine", "den"],
    "vi": ["của", "là", "cái", "những"],
    "ar": ["ال"],
}
LETTERS = {
    "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "hi": "कखगघचछजझटठडढतथदधनपफबभमयरलवशसह",
    "bn": "কখগঘচছজঝটঠডঢতথদধনপফবভমযরলশসহ",
    "te": "కఖగఘచఛజఝటఠడఢతథదధనపఫబభమయరలవశసహ",
    "ko": "가나다라마바사아자차카타파하거너더러머버서어저처",
    "ru": "абвгдежзийклмнопрстуфхцчшщыэюя",
    "el": "αβγδεζηθικλμνξοπρστυφχψω",
    "th": "กขคงจฉชซญดตถทนบปผพฟภมยรลวศสหอ",
    "vi": "abcdeghiklmnopqrstuvxyàáâãèéêìíòóôõùúýăđơư",
}


# --------------------------------------------------------------------------------------------
# generating the folders


class Writer:
    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root = root
        self.rng = rng
        self.bytes = 0

    def write(self, side: str, task: str, lang: str, suffix: str, text: str) -> None:
        path = self.root / side / task / f"test-{lang}.{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        self.bytes += len(data)

    def pair(self, task: str, lang: str, suffix: str, gold: str, predicted: str) -> None:
        self.write("labels", task, lang, suffix, gold)
        self.write("predictions", task, lang, suffix, predicted)


def noisy(rng: random.Random, values: list, pool: list, accuracy: float) -> list:
    return [v if rng.random() < accuracy else rng.choice(pool) for v in values]


def vocabulary(lang: str, rng: random.Random, size: int = 3000) -> list[str]:
    if lang in ("zh", "ja"):
        return [
            "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(1, 3)))
            for _ in range(size)
        ]
    letters = LETTERS.get(lang, "abcdefghijklmnopqrstuvwxyzäöüéèñç")
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(size)]
    if lang == "ar":  # the definite article is a prefix
        words = [("ال" + w) if rng.random() < 0.3 else w for w in words]
    return words + ARTICLES.get(lang, []) * 40


def sentence(rng: random.Random, words: list[str], n: int, lang: str) -> str:
    text = ("" if lang in ("zh", "ja") else " ").join(rng.choices(words, k=n))
    return text + ("。" if lang in ("zh", "ja") else rng.choice([".", ".", "!", "?", ","]))


def qa_pair(rng, lang, words, questions, per_context, context_words, answers_per_question):
    """SQuAD-format gold data and {id: answer} predictions."""
    sep = "" if lang in ("zh", "ja") else " "
    paragraphs, predictions = [], {}
    made = 0
    while made < questions:
        tokens = rng.choices(words, k=context_words)
        context = sep.join(tokens)
        qas = []
        for _ in range(min(per_context, questions - made)):
            qid = f"{lang}{made:06d}{rng.getrandbits(40):010x}"
            answers = []
            for _ in range(answers_per_question()):
                start = rng.randrange(0, len(tokens) - 5)
                text = sep.join(tokens[start : start + rng.randint(1, 4)])
                answers.append({"text": text, "answer_start": context.find(text)})
            qas.append({"id": qid, "question": sentence(rng, words, 9, lang), "answers": answers})
            gold = answers[0]["text"]
            roll = rng.random()
            if roll < 0.45:
                predictions[qid] = gold
            elif roll < 0.55:
                predictions[qid] = (
                    rng.choice(["The ", "the ", "«"]) + gold + rng.choice([".", "»", ""])
                )
            elif roll < 0.8:
                start = rng.randrange(0, len(tokens) - 6)
                predictions[qid] = sep.join(tokens[start : start + rng.randint(1, 6)])
            elif roll < 0.97:
                predictions[qid] = gold + sep + rng.choice(words)
            made += 1
        paragraphs.append({"context": context, "qas": qas})
    articles = [
        {"title": f"t{i}", "paragraphs": paragraphs[i : i + 5]}
        for i in range(0, len(paragraphs), 5)
    ]
    gold = {"version": "1.1", "data": articles}
    return json.dumps(gold, ensure_ascii=False), json.dumps(predictions, ensure_ascii=False)


def generate(root: Path, seed: int, scale: float) -> int:
    rng = random.Random(seed)
    out = Writer(root, rng)

    def size(task: str, lang: str) -> int:
        return max(1, round(SIZES[task][lang] * scale))

    labels = ["entailment", "neutral", "contradiction"]
    for lang in SIZES["xnli"]:
        gold = rng.choices(labels, k=size("xnli", lang))
        out.pair(
            "xnli",
            lang,
            "tsv",
            "\n".join(gold) + "\n",
            "\n".join(noisy(rng, gold, labels, 0.75)) + "\n",
        )
    for lang in SIZES["xcopa"]:
        gold = rng.choices([0, 1], k=size("xcopa", lang))
        gold_lines = "".join(
            json.dumps(
                {
                    "premise": "…",
                    "choice1": "a",
                    "choice2": "b",
                    "question": "cause",
                    "label": g,
                    "idx": i,
                }
            )
            + "\n"
            for i, g in enumerate(gold)
        )
        pred_lines = "".join(json.dumps({"label": g}) + "\n" for g in noisy(rng, gold, [0, 1], 0.7))
        out.pair("xcopa", lang, "jsonl", gold_lines, pred_lines)
    for task, tags, weights, mean in (
        ("udpos", UPOS, UPOS_WEIGHTS, 17),
        ("panx", NER, NER_WEIGHTS, 8),
    ):
        for lang in SIZES[task]:
            gold_parts, pred_parts = [], []
            for _ in range(size(task, lang)):
                n = max(1, min(80, round(rng.gauss(mean, mean / 2))))
                gold = rng.choices(tags, weights, k=n)
                if task == "panx":  # I- only after B- or I- of the same type
                    gold = [
                        ("B" + t[1:])
                        if t.startswith("I")
                        and (i == 0 or gold[i - 1] == "O" or gold[i - 1][2:] != t[2:])
                        else t
                        for i, t in enumerate(gold)
                    ]
                gold_parts.append("\n".join(gold))
                pred_parts.append("\n".join(noisy(rng, gold, tags, 0.9)))
            out.pair(
                task, lang, "tsv", "\n\n".join(gold_parts) + "\n", "\n\n".join(pred_parts) + "\n"
            )
    for task, per_context, context_words, answers in (
        ("xquad", 5, 150, lambda: 1),
        ("mlqa", 1, 45, lambda: 1),
        ("tydiqa", 1, 110, lambda: rng.choice([1, 1, 1, 2, 3])),
    ):
        for lang in SIZES[task]:
            words = vocabulary(lang, rng)
            gold, predicted = qa_pair(
                rng, lang, words, size(task, lang), per_context, context_words, answers
            )
            out.pair(task, lang, "json", gold, predicted)
    entities = [f"Q{rng.randrange(1, 99_000_000)}" for _ in range(200_000)]
    for lang in SIZES["mewslix"]:
        gold, predicted = {}, {}
        for _ in range(size("mewslix", lang)):
            example_id = f"{rng.getrandbits(128):032x}"
            entity = rng.choice(entities)
            gold[example_id] = [entity]
            ranking = rng.sample(entities, 20)
            if rng.random() < 0.6:
                ranking[min(19, int(rng.expovariate(0.4)))] = entity
            if rng.random() > 0.01:
                predicted[example_id] = ranking
        out.pair("mewslix", lang, "json", json.dumps(gold), json.dumps(predicted))
    lareqa_langs = list(SIZES["lareqa"])
    n_questions = size("lareqa", "en")
    pool = [f"{lang}_{p}_{s}" for lang in lareqa_langs for p in range(1, 241) for s in range(5)]
    targets = {
        q: [f"{lang}_{q % 240 + 1}_{q % 5}" for lang in lareqa_langs] for q in range(n_questions)
    }
    for lang in lareqa_langs:
        gold, predicted = {}, {}
        for q in range(n_questions):
            qid = f"{q:05d}_{lang}"
            gold[qid] = targets[q]
            ranking = rng.sample(pool, 20)
            for target in targets[q]:
                if rng.random() < 0.35:
                    ranking[rng.randrange(20)] = target
            predicted[qid] = list(dict.fromkeys(ranking))
        out.pair("lareqa", lang, "json", json.dumps(gold), json.dumps(predicted))
    for lang in SIZES["tatoeba"]:
        n = size("tatoeba", lang)
        gold = [str(i) for i in rng.sample(range(n), n)]
        out.pair(
            "tatoeba",
            lang,
            "tsv",
            "\n".join(gold) + "\n",
            "\n".join(noisy(rng, gold, [str(i) for i in range(n)], 0.6)) + "\n",
        )
    return out.bytes


# --------------------------------------------------------------------------------------------
# the plain official-style scorer (evaluate.py and its third_party scorers, transcribed)


def reference_score(pred_root: str, gold_root: str) -> dict:
    overall, detailed = ref_evaluate(pred_root, gold_root, TASK2LANGS, XTREME_R_GROUP2TASK)
    return {**overall, **detailed}


# --------------------------------------------------------------------------------------------
# running and comparing


def peak_rss_kb() -> int:
    """Peak resident memory of this process in KiB: VmHWM (Linux; unlike ru_maxrss it is not
    inherited from the parent across fork and exec), else ru_maxrss."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_one(which: str, folder: str, out: str) -> None:
    """In a fresh interpreter: score, and write the time, peak memory and the document."""
    if which == "xharness":
        from xtreme_harness.results.scoring import score_folders

        def score():
            return score_folders(f"{folder}/predictions", f"{folder}/labels", "xtreme-r").to_json()
    else:
        import seqeval.metrics  # noqa: F401  (imported before the clock, as xharness is)

        def score():
            return reference_score(f"{folder}/predictions", f"{folder}/labels")

    before = peak_rss_kb()
    start = time.perf_counter()
    document = score()
    seconds = time.perf_counter() - start
    peak = peak_rss_kb()
    Path(out).write_text(
        json.dumps({"seconds": seconds, "peak_kb": peak, "before_kb": before, "document": document})
    )


def compare(got: dict, expected: dict, where: str = "") -> list[str]:
    differences = []
    if list(got) != list(expected):
        return [f"{where or 'document'}: keys {list(got)} != {list(expected)}"]
    for key, value in expected.items():
        if isinstance(value, dict):
            differences += compare(got[key], value, f"{where}{key}.")
        elif got[key] != value:
            differences.append(f"{where}{key}: {got[key]!r} != {value!r}")
    return differences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the real sizes")
    parser.add_argument("--keep", help="generate into this folder and keep it")
    parser.add_argument("--repeats", type=int, default=1, help="runs of each scorer (odd)")
    parser.add_argument("--smoke", action="store_true", help="scale 0.01, one run, for CI")
    parser.add_argument("--run", choices=["xharness", "reference"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_one(args.run, args.folder, args.out)
        return
    if args.smoke:
        args.scale, args.repeats = 0.01, 1

    with tempfile.TemporaryDirectory(prefix="xharness-score-speed-") as temporary:
        folder = Path(args.keep) if args.keep else Path(temporary)
        start = time.perf_counter()
        size = generate(folder, args.seed, args.scale)
        files = sum(1 for _ in folder.rglob("*.*"))
        print(
            f"generated {files} files, {size / 1e6:.1f} MB, in {time.perf_counter() - start:.1f} s "
            f"(seed {args.seed}, scale {args.scale})"
        )
        runs: dict[str, list[dict]] = {"xharness": [], "reference": []}
        for _ in range(args.repeats):  # interleaved, so that drifts of the machine hit both
            for which in runs:
                out = Path(temporary) / f"{which}.json"
                subprocess.run(
                    [sys.executable, __file__, "--run", which, "--folder", str(folder),
                     "--out", str(out)],
                    check=True,
                    env={**os.environ, "PYTHONHASHSEED": "0"},
                )  # fmt: skip
                runs[which].append(json.loads(out.read_text()))
        xh, ref = runs["xharness"][-1], runs["reference"][-1]
        differences = compare(xh["document"], ref["document"])
        seconds = {which: [r["seconds"] for r in rows] for which, rows in runs.items()}
        print(
            f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; times: median "
            f"(statistics.median) of {args.repeats} interleaved runs, minimum beside it"
        )
        for which, label in (
            ("xharness", "xharness score_folders"),
            ("reference", "official-style (seqeval)"),
        ):
            r = runs[which][-1]
            print(
                f"  {label:<26} {median(seconds[which]):7.2f} s (min {min(seconds[which]):.2f} s)"
                f"   peak RSS {r['peak_kb'] / 1024:6.0f} MB "
                f"(+{(r['peak_kb'] - r['before_kb']) / 1024:.0f} MB while scoring)"
            )
        ratio = median(seconds["reference"]) / median(seconds["xharness"])
        print(f"ratio official-style / xharness: {ratio:.1f}x ({goal_text(ratio, GOAL)})")
        if args.scale == 1.0:
            xh_seconds = median(seconds["xharness"])
            print(
                f"xharness at full size: {xh_seconds:.2f} s "
                f"({goal_text(xh_seconds, XHARNESS_SECONDS, at_most=True, unit=' s')})"
            )
        document = xh["document"]
        print(
            "all_task {:.4f}; ".format(document["all_task"])
            + ", ".join(f"{t} {document[t]['avg_metric']:.2f}" for t in SIZES)
        )
        if differences:
            print(f"DIFFERENT figures ({len(differences)}):")
            for line in differences[:20]:
                print("  " + line)
            raise SystemExit(1)
        numbers = sum(
            sum(len(v) if isinstance(v, dict) else 1 for v in t.values())
            if isinstance(t, dict)
            else 1
            for t in document.values()
        )
        print(f"identical figures: all {numbers} numbers of the two documents are equal")


if __name__ == "__main__":
    main()
