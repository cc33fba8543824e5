"""Extractive QA: windows and offsets in several scripts, n-best decoding, readers, metrics."""

from __future__ import annotations

import json
import random

import pytest
import torch

from xtreme_harness.engine.kinds import implementation
from xtreme_harness.engine.kinds.base import Feature
from xtreme_harness.engine.kinds.extractive_qa import (
    N_BEST,
    best_spans,
    best_spans_loop,
    max_context,
    window_starts,
)
from xtreme_harness.engine.tiny_model import train_tokenizer
from xtreme_harness.errors import DataError
from xtreme_harness.interfaces import check_examples, rewrite_words
from xtreme_harness.interfaces.readers import squad_json
from xtreme_harness.interfaces.task import Category, Recipe, TaskKind, TaskSpec
from xtreme_harness.results import metrics

SCRIPTS = {
    "latin": "The old bridge crosses the river near the market, and the children walk over it "
    "every morning on their way to the school beside the church.",
    "devanagari": "पुराना पुल बाज़ार के पास नदी को पार करता है, और बच्चे हर सुबह चर्च के बगल में "
    "स्कूल जाते समय उस पर चलते हैं।",
    "arabic": "يعبر الجسر القديم النهر قرب السوق، ويمشي الأطفال عليه كل صباح في طريقهم إلى "
    "المدرسة بجانب الكنيسة.",
    "cjk": "旧桥在市场附近横跨河流，孩子们每天早上去教堂旁边的学校时都会走过这座桥。",
}
QUESTIONS = {
    "latin": "Where do the children walk?",
    "devanagari": "बच्चे कहाँ चलते हैं?",
    "arabic": "أين يمشي الأطفال؟",
    "cjk": "孩子们走在哪里？",
}


def qa_spec(doc_stride: int = 16, max_answer_length: int = 30, metric: str = "squad") -> TaskSpec:
    recipe = Recipe(
        learning_rate=1e-3, epochs=1, max_length=48, batch_size=4, doc_stride=doc_stride,
        max_query_length=12, max_answer_length=max_answer_length,
    )  # fmt: skip
    return TaskSpec(
        name="qa", title="QA", category=Category.QUESTION_ANSWERING,
        kind=TaskKind.EXTRACTIVE_QA, languages=("en",), metric=metric, recipe=recipe,
    )  # fmt: skip


@pytest.fixture(scope="module", params=["sentencepiece", "wordpiece"])
def tokenizer(request):
    texts = [*SCRIPTS.values(), *QUESTIONS.values()] * 30
    return train_tokenizer(texts, request.param, vocab_size=400, max_length=64)


def long_example(script: str, tokenizer, rng: random.Random) -> dict:
    """A context of eight copies of the script's text, its answer a token-aligned span in the
    second half (so it needs a later window)."""
    context = " ".join([SCRIPTS[script]] * 8)
    encoded = tokenizer(context, add_special_tokens=False, return_offsets_mapping=True)
    offsets = [
        (s + len(context[s:e]) - len(context[s:e].lstrip()), e)
        for s, e in encoded["offset_mapping"]
    ]
    offsets = [(s, e) for s, e in offsets if e > s]
    first = rng.randrange(len(offsets) * 2 // 3, len(offsets) - 4)
    last = first + rng.randrange(0, 4)
    start, end = offsets[first][0], offsets[last][1]
    return {
        "id": f"{script}-1",
        "question": QUESTIONS[script],
        "context": context,
        "answers": {"text": [context[start:end]], "answer_start": [start]},
    }


def one_hot_logits(feature: Feature) -> torch.Tensor:
    logits = torch.zeros(len(feature.input_ids), 2)
    logits[feature.label[0], 0] = 10.0
    logits[feature.label[1], 1] = 10.0
    return logits


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_windows_and_offsets_recover_the_answer_of_a_long_context(tokenizer, script):
    kind = implementation(qa_spec())
    rng = random.Random(script)
    for _ in range(5):
        example = long_example(script, tokenizer, rng)
        features = kind.encode([example], tokenizer, max_length=48)
        assert len(features) > 2, "the context needs several windows"
        assert all(len(f.input_ids) <= 48 for f in features)
        labelled = [f for f in features if f.label != (0, 0)]
        assert labelled and features.index(labelled[0]) > 0
        answer = example["answers"]["text"][0]
        for feature in labelled:
            first, last = (position - feature.extra["base"] for position in feature.label)
            offsets = feature.extra["offsets"]
            assert example["context"][offsets[first][0] : offsets[last][1]] == answer
        # the labels, read back as logits, decode to the gold answer
        logits = [
            one_hot_logits(f) if f.label != (0, 0) else torch.zeros(len(f.input_ids), 2)
            for f in features
        ]
        assert kind.decode([example], features, logits) == [answer]


def test_windows_cover_the_context_as_the_reference_scripts_place_them():
    assert window_starts(10, 4, 2) == [(0, 4), (2, 4), (4, 4), (6, 4)]
    assert window_starts(3, 4, 2) == [(0, 3)]
    assert window_starts(9, 4, 3) == [(0, 4), (3, 4), (6, 3)]
    spans = [(0, 4), (2, 4), (4, 4), (6, 4)]
    ranges = max_context(spans, 10)
    owners = {}
    for window, ((start, _), (lo, hi)) in enumerate(zip(spans, ranges, strict=True)):
        for position in range(start + lo, start + hi):
            assert position not in owners
            owners[position] = window
    assert sorted(owners) == list(range(10))  # every token is maximal in exactly one window
    assert owners[3] == 1 and owners[0] == 0 and owners[9] == 3
    for tokens, width, stride in [(100, 30, 10), (57, 20, 7), (300, 64, 64), (5, 9, 3)]:
        spans = window_starts(tokens, width, stride)
        ranges = max_context(spans, tokens)
        covered = sorted(s + p for (s, _), (lo, hi) in zip(spans, ranges, strict=True)
                         for p in range(lo, hi))  # fmt: skip
        assert covered == list(range(tokens))


def test_question_is_cut_and_type_ids_mark_the_context(tokenizer):
    kind = implementation(qa_spec())
    example = {"id": "q", "question": " ".join([QUESTIONS["latin"]] * 10),
               "context": SCRIPTS["latin"], "answers": None}  # fmt: skip
    (feature, *_) = kind.encode([example], tokenizer, max_length=48)
    base = feature.extra["base"]
    question = tokenizer(example["question"], add_special_tokens=False)["input_ids"][:12]
    assert feature.input_ids[base - 12 - 2 : base].count(question[0]) >= 1
    assert feature.label is None
    if feature.token_type_ids is not None:  # WordPiece pairs mark the second segment
        assert set(feature.token_type_ids[base : base + len(feature.extra["offsets"])]) == {1}


def random_features(rng: random.Random, count: int) -> tuple[list[Feature], list[torch.Tensor]]:
    features, logits = [], []
    for _ in range(count):
        length = rng.randrange(8, 60)
        base = rng.randrange(1, min(10, length - 2))
        context = rng.randrange(1, length - base)
        lo = rng.randrange(0, context)
        maximal = (lo, rng.randrange(lo, context + 1))
        features.append(
            Feature(input_ids=[0] * length, example=0,
                    extra={"base": base, "offsets": [(0, 0)] * context, "maximal": maximal})
        )  # fmt: skip
        logits.append(torch.randn(length + rng.randrange(0, 5), 2))  # padded rows too
    return features, logits


@pytest.mark.parametrize("max_answer_length", [1, 3, 30])
def test_tensor_decoding_equals_the_plain_loop(max_answer_length):
    rng = random.Random(max_answer_length)
    torch.manual_seed(max_answer_length)
    features, logits = random_features(rng, 300)
    fast = best_spans(features, logits, max_answer_length)
    slow = best_spans_loop(features, logits, max_answer_length)
    assert [(a, b) for _, a, b in fast] == [(a, b) for _, a, b in slow]
    assert [s for s, _, _ in fast] == pytest.approx([s for s, _, _ in slow])
    assert any(s == float("-inf") for s, _, _ in fast) or max_answer_length > 1
    assert N_BEST == 20


def test_a_question_without_a_valid_span_gets_the_empty_answer_and_scores_zero():
    kind = implementation(qa_spec(max_answer_length=2))
    example = {"id": "q", "question": "?", "context": "alpha beta gamma", "answers": None}
    offsets = [(0, 5), (6, 10), (11, 16)]
    logits = torch.zeros(7, 2)
    logits[3, 0] = logits[2, 1] = 9.0  # the best end comes before the best start
    logits[:, 1] -= torch.arange(7)  # ...and every later end is further than 2 tokens

    def window(maximal):
        return Feature([0] * 7, 0, extra={"base": 2, "offsets": offsets, "maximal": maximal})

    # context positions 2..4; valid pairs and scores: (2,2) 0+7, (2,3) 0-3, (3,3) 9-3,
    # (3,4) 9-4, (4,4) 0-4: the best is (2,2), "alpha"
    assert kind.decode([example], [window((0, 3))], [logits]) == ["alpha"]
    # a start token whose maximal context lies in another window does not count
    assert kind.decode([example], [window((0, 0))], [logits]) == [""]
    scored = metrics.compute("squad", [["beta"], ["alpha"]], ["", "alpha"])
    assert scored == {"exact_match": 50.0, "f1": 50.0}


def test_the_best_window_answers():
    spec = qa_spec()
    kind = implementation(spec)
    context = "alpha beta gamma delta"
    example = {"id": "q", "question": "?", "context": context, "answers": None}
    features = [
        Feature([0] * 6, 0, extra={"base": 2, "offsets": [(0, 5), (6, 10)], "maximal": (0, 2)}),
        Feature([0] * 6, 0, extra={"base": 2, "offsets": [(11, 16), (17, 22)], "maximal": (0, 2)}),
    ]
    low, high = torch.zeros(6, 2), torch.zeros(6, 2)
    low[2, 0] = low[2, 1] = 3.0
    high[3, 0] = high[3, 1] = 4.0
    assert kind.decode([example], features, [low, high]) == ["delta"]
    assert kind.decode([example], features, [high, low]) == ["beta"]


# -- readers -----------------------------------------------------------------------------------


def squad_file(tmp_path, questions, context="The cat sat on the mat."):
    path = tmp_path / "data.json"
    document = {"version": "1.1", "data": [{"title": "t", "paragraphs": [
        {"context": context, "qas": questions}]}]}  # fmt: skip
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return str(path)


def qa(qid, text, start):
    return {"id": qid, "question": "What?", "answers": [{"text": text, "answer_start": start}]}


def test_reader_reads_questions_and_answers(tmp_path):
    (example,) = squad_json(squad_file(tmp_path, [qa("a", "cat", 4)]))
    assert example == {"id": "a", "question": "What?", "context": "The cat sat on the mat.",
                       "answers": {"text": ["cat"], "answer_start": [4]}}  # fmt: skip


def test_reader_takes_removed_answers_as_unlabelled(tmp_path):
    examples = squad_json(squad_file(tmp_path, [qa("a", "", 0), qa("b", "", 0)]))
    assert [e["answers"] for e in examples] == [None, None]
    with pytest.raises(DataError, match="some questions have answers and others"):
        squad_json(squad_file(tmp_path, [qa("a", "", 0), qa("b", "cat", 4)]))


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ([qa("a", "cat", 5)], "question 'a': the answer is 'cat' but the context has 'at ' at"),
        ([qa("a", "mat. And more", 19)], "question 'a': the answer 'mat. And more' at offset 19"),
        ([qa("a", "cat", 4), qa("a", "mat", 19)], "question id 'a' appears more than once"),
        ([qa("a", "cat", None)], "question 'a': answer_start None is not an offset"),
    ],
)
def test_reader_names_the_file_and_the_question_of_bad_answers(tmp_path, questions, message):
    path = squad_file(tmp_path, questions)
    with pytest.raises(DataError) as error:
        squad_json(path)
    assert path in str(error.value) and message in str(error.value)


def test_reader_rejects_malformed_json_with_the_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"data": [\n{"paragraphs": [}\n]}', encoding="utf-8")
    with pytest.raises(DataError, match=r"bad\.json:2: not valid JSON"):
        squad_json(str(path))


# -- metrics -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "language", "gold", "predicted", "expected"),
    [
        # SQuAD: case, punctuation and articles go; F1 over bags of tokens
        ("squad", "en", [["The Cat!"]], ["cat"], (100.0, 100.0)),
        # "big red dog" vs "red dog barked": 2 common, precision 2/3, recall 2/3
        ("squad", "en", [["a big red dog"]], ["red dog barked"], (0.0, 100 * 2 / 3)),
        # best over gold answers
        # "london city" vs "london" 2/3; vs "in london city": precision 1, recall 2/3 -> 0.8
        ("squad", "en", [["London", "in London city"]], ["London city"], (0.0, 80.0)),
        # SQuAD strips only ASCII punctuation: the Spanish ¿ stays
        ("squad", "es", [["¿Madrid"]], ["Madrid"], (0.0, 0.0)),
        # MLQA: Unicode punctuation and Spanish articles go
        ("mlqa", "es", [["¿la Madrid?"]], ["Madrid"], (100.0, 100.0)),
        # MLQA German articles
        ("mlqa", "de", [["der Hund"]], ["Hund"], (100.0, 100.0)),
        # MLQA Chinese: every CJK character is a token
        ("mlqa", "zh", [["北京大学"]], ["北京"], (0.0, 100 * 2 * (1.0 * 2 / 4) / (1 + 2 / 4))),
        # MLQA Arabic: the article ال goes, even inside words
        ("mlqa", "ar", [["الكتاب"]], ["كتاب"], (100.0, 100.0)),
        # an unanswered question scores 0 and stays in the denominator
        ("squad", "en", [["yes"], ["no"]], ["yes", ""], (50.0, 50.0)),
    ],
)  # fmt: skip
def test_qa_metrics_by_hand(metric, language, gold, predicted, expected):
    scored = metrics.compute(metric, gold, predicted, language)
    assert (scored["exact_match"], scored["f1"]) == pytest.approx(expected)
    assert metrics.task_score(metric, scored) == pytest.approx(sum(expected) / 2)


def test_mlqa_metric_needs_a_language_it_has_rules_for():
    with pytest.raises(metrics.MetricError, match="not 'fr'"):
        metrics.compute("mlqa", [["a"]], ["a"], "fr")


# -- robust training on QA ---------------------------------------------------------------------


def test_rewriting_words_moves_the_answers():
    context = "The old cat sat on the (big) mat today."
    answers = {"text": ["cat sat", "big", "mat today"], "answer_start": [8, 24, 29]}
    table = {"old": "ancient", "cat": "kitten", "(big)": "(huge)", "today.": "now."}
    text, moved = rewrite_words(context, answers, lambda word: table.get(word, word))
    # "(big)" holds the start and end of an answer: kept; "today." holds the end of one: kept
    assert text == "The ancient kitten sat on the (big) mat today."
    assert moved == {"text": ["kitten sat", "big", "mat today"], "answer_start": [12, 31, 36]}
    for answer, start in zip(moved["text"], moved["answer_start"], strict=True):
        assert text[start : start + len(answer)] == answer


def test_synonym_augmentation_keeps_qa_examples_valid(tmp_path):
    from xharness_plugins.robust.augmentation import SynonymAugmentation

    table = tmp_path / "synonyms.json"
    table.write_text(json.dumps({"cat": ["kitten", "feline"], "sat": ["rested"],
                                 "mat": ["rug"], "What": ["Which"]}), encoding="utf-8")  # fmt: skip
    regularizer = SynonymAugmentation(num=20, synonyms=str(table))
    examples = [{"id": "a", "question": "What sat?", "context": "The cat sat on the mat.",
                 "answers": {"text": ["cat sat", "mat"], "answer_start": [4, 19]}}]  # fmt: skip
    kind = implementation(qa_spec())
    augmented = regularizer.augment(examples, text_fields=kind.text_fields, seed=3)
    assert len(augmented) == 20
    check_examples([{**e, "id": str(i)} for i, e in enumerate(augmented)], "augmented")
    assert {e["answers"]["text"][0] for e in augmented} > {"cat sat"}
    # words are looked up as they are: "sat?" is not "sat"
    assert {e["question"] for e in augmented} == {"What sat?", "Which sat?"}


# -- real XQuAD files --------------------------------------------------------------------------


def test_real_xquad_files_read_and_their_answers_map_to_tokens(shared):
    from xharness_plugins.xtreme_r.tasks import XQUAD

    data_dir = shared / "reference" / "real-data"
    source = XQUAD.sources["xtreme"]
    by_language = {lang: source.read("test", lang, data_dir=data_dir) for lang in XQUAD.languages}
    assert {lang: len(examples) for lang, examples in by_language.items()} == dict.fromkeys(
        XQUAD.languages, 1190
    )
    ids = {lang: [e["id"] for e in examples] for lang, examples in by_language.items()}
    assert all(ids[lang] == ids["en"] for lang in ids)  # parallel, as the benchmark says
    sample = [e for examples in by_language.values() for e in examples[:25]]
    texts = [text for e in sample for text in (e["question"], e["context"])]
    for style in ("wordpiece", "sentencepiece"):
        tokenizer = train_tokenizer(texts, style, vocab_size=2000, max_length=512)
        kind = implementation(qa_spec(doc_stride=64))
        features = kind.encode(sample, tokenizer, max_length=128)
        found = {}
        for feature in features:
            if feature.label != (0, 0):
                first, last = (p - feature.extra["base"] for p in feature.label)
                offsets = feature.extra["offsets"]
                context = sample[feature.example]["context"]
                found[feature.example] = context[offsets[first][0] : offsets[last][1]]
        assert len(found) == len(sample)  # every answer lies in some window
        for number, span in found.items():
            assert sample[number]["answers"]["text"][0] in span, (style, span)


# -- runs on the sample data -------------------------------------------------------------------


def invoke(*args):
    from click.testing import CliRunner

    from xtreme_harness.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args])


def test_a_tiny_model_learns_from_the_sample_and_answers_with_context_spans(tiny_model, tmp_path):
    from xharness_plugins.xtreme_r.tasks import XQUAD

    out = tmp_path / "xquad"
    result = invoke("run", "--model", tiny_model, "--task", "xquad", "--source", "sample",
                    "--epochs", "6", "--batch-size", "16", "--grad-accum", "1",
                    "--learning-rate", "1e-3", "--warmup-steps", "0", "--selection", "en-dev",
                    "--eval-languages", "en,ar,hi,zh,th", "--out", out, "--quiet")  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads((out / "result.json").read_text(encoding="utf-8"))
    phase = document["training"]["phases"][0]
    assert phase["losses"][-1] < 0.6 * phase["losses"][0]  # it learns (dev scores are noisy)
    assert max(e["score"] for e in phase["evaluations"]) > 0
    assert document["config"]["phases"][0]["recipe"]["doc_stride"] == 128
    for language in ("en", "ar", "hi", "zh", "th"):
        examples = XQUAD.sources["sample"].read("test", language)
        path = out / document["evaluation"][language]["predictions"]
        answers = json.loads(path.read_text(encoding="utf-8"))
        assert list(answers) == [e["id"] for e in examples]  # every question, in file order
        for example in examples:
            assert answers[example["id"]] in example["context"]
        assert sum(bool(a) for a in answers.values()) > len(examples) // 2
        assert set(document["scores"][language]) == {"exact_match", "f1"}


def test_mlqa_generalised_evaluation_covers_every_language_pair(tiny_model, tmp_path):
    out = tmp_path / "mlqa"
    result = invoke("run", "--model", tiny_model, "--task", "mlqa", "--source", "sample",
                    "--max-steps", "3", "--generalized", "--max-length", "128", "--out", out,
                    "--quiet")  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads((out / "result.json").read_text(encoding="utf-8"))
    table = document["generalized"]
    languages = table["languages"]
    assert len(languages) == 7
    for key in ("exact_match", "f1"):
        assert sorted(table[key]) == sorted(languages)
        assert all(sorted(row) == sorted(languages) for row in table[key].values())
        for language in languages:  # the diagonal is the standard test set
            assert table[key][language][language] == document["scores"][language][key]
    assert set(table["off_diagonal_mean"]) == {"exact_match", "f1"}
    assert document["config"]["phases"][0]["recipe"]["max_length"] == 128
    plot = tmp_path / "pairs.png"
    assert invoke("plot", out, "--kind", "generalised", "--out", plot).exit_code == 0
    assert plot.read_bytes().startswith(b"\x89PNG")


def test_generalised_evaluation_needs_a_task_that_has_it(tiny_model, tmp_path):
    result = invoke("run", "--model", tiny_model, "--task", "xquad", "--source", "sample",
                    "--max-steps", "1", "--generalized", "--out", tmp_path / "x")  # fmt: skip
    assert result.exit_code == 2 and "xquad is extractive-qa without one" in result.output


def test_a_max_length_beyond_the_model_is_a_clear_error(tiny_model, tmp_path):
    result = invoke("run", "--model", tiny_model, "--task", "xquad", "--source", "sample",
                    "--max-steps", "1", "--max-length", "1024",
                    "--out", tmp_path / "x")  # fmt: skip
    assert result.exit_code == 2
    assert "takes at most 512 tokens per input" in result.output
    assert "--max-length 512" in result.output


@pytest.mark.parametrize(
    "options",
    [
        ["--regularizer", "adversarial", "--regularizer-option", "steps=2"],
        ["--regularizer", "rs-rp"],
        ["--regularizer", "rs-da", "--regularizer-option", "num=2"],
        ["--intermediate", "massive", "--intermediate-languages", "sw,hi",
         "--intermediate-max-steps", "2"],
        ["--intermediate", "tydiqa", "--intermediate-languages", "en",
         "--intermediate-max-steps", "2"],
    ],
    ids=["adversarial", "rs-rp", "rs-da", "massive-intermediate", "tydiqa-intermediate"],
)  # fmt: skip
def test_qa_trains_with_regularizers_and_intermediate_stages(tiny_model, tmp_path, options):
    import contextlib

    from xtreme_harness.errors import XHarnessWarning

    out = tmp_path / "run"
    leak = "tydiqa" in options  # the intermediate task is the target task
    with pytest.warns(XHarnessWarning, match="leaks") if leak else contextlib.nullcontext():
        result = invoke("run", "--model", tiny_model, "--task", "tydiqa", "--source", "sample",
                        "--max-steps", "2", "--max-length", "128", "--eval-languages", "en,ko",
                        *options, "--out", out, "--quiet")  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert set(document["scores"]) == {"en", "ko"}
    if "--intermediate" in options:
        assert document["intermediate"]["targets"]["ko"]["seen"] is False


def test_qa_grids_fill_the_qa_category_and_rescore_to_their_results(tiny_model, tmp_path):
    out = tmp_path / "grid"
    result = invoke("grid", "--model", tiny_model, "--source", "sample",
                    "--tasks", "xquad,mlqa,tydiqa", "--max-steps", "2", "--max-length", "128",
                    "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    table = invoke("tables", out, "--format", "json")
    assert table.exit_code == 0, table.output
    (leaderboard,) = json.loads(table.output)["tables"]
    columns = [c["name"] if isinstance(c, dict) else c for c in leaderboard["columns"]]
    row = leaderboard["rows"][0]
    qa_cell = row[columns.index("QA (xquad, mlqa, tydiqa)")]
    assert qa_cell["mean"] is not None  # all three QA tasks, every language
    assert (
        invoke("export", out, "--out", tmp_path / "sub", "--gold", tmp_path / "gold").exit_code == 0
    )
    scored = invoke("score", tmp_path / "sub", tmp_path / "gold", "--json")
    assert scored.exit_code == 0, scored.output
    scores = json.loads(scored.output)
    from xtreme_harness.results import files as results

    for found in results.find(str(out)):
        document = found.document
        assert scores[document["task"]["name"]]["avg_metric"] == document["score"]
        for language, values in document["scores"].items():
            for key in ("exact_match", "f1"):
                assert scores[document["task"]["name"]][key][language] == values[key]
    assert "qa" in scores  # the official QA group: all of xquad, mlqa, tydiqa


def test_per_question_units_add_up_to_the_qa_metrics():
    from xtreme_harness.results import significance

    gold = [["北京大学"], ["上海"], ["广州", "广州市"], ["深圳"]]
    predicted = ["北京", "上海。", "", "深圳湾"]
    scored = metrics.compute("mlqa", gold, predicted, "zh")
    units = significance.units("mlqa", gold, predicted, "zh")
    sums = units.sum(0)
    assert 100 * sums[0] / sums[2] == pytest.approx(scored["exact_match"])
    assert 100 * sums[1] / sums[2] == pytest.approx(scored["f1"])
    assert significance.score("mlqa", sums) == pytest.approx(metrics.task_score("mlqa", scored))
