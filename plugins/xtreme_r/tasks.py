"""The XTREME-R tasks (and PAWS-X of XTREME) as declarations: data, languages, labels, recipes.

Test-language lists come from the benchmark definitions in the registry (the official scorer's
lists). Recipes are those of the reference scripts of google-research/xtreme for base-size models
(`scripts/train_*.sh`); large models used a learning rate of 3e-5 and batches of 2 x 16 there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xharness_plugins.xtreme_r import hub
from xharness_plugins.xtreme_r.retrieval_data import (
    lareqa_readers,
    mewslix_entities,
    mewslix_mentions,
    mewslix_pairs,
    squad_pairs,
    tatoeba_candidates,
    tatoeba_queries,
)
from xtreme_harness.interfaces import (
    SHARED_POOL,
    UPOS_TAGS,
    Category,
    FolderSource,
    HubSource,
    Phase,
    Recipe,
    TaskKind,
    TaskSpec,
    check_examples,
    conll_tags,
    copa_jsonl,
    siqa_jsonl,
    squad_json,
    tsv_pairs,
)
from xtreme_harness.registry import load_benchmark

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"

DOWNLOAD = (
    "Get it with `bash scripts/download_data.sh` of google-research/xtreme and pass its "
    "download/ folder as --data-dir."
)

UPOS = UPOS_TAGS
NER = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")
NLI = ("contradiction", "entailment", "neutral")

XNLI_RECIPE = Recipe(
    learning_rate=2e-5, epochs=5, max_length=128, batch_size=8, gradient_accumulation=4,
    selection="en-dev", eval_steps=100,
    source="scripts/train_xnli.sh of google-research/xtreme (base models; selection on English "
    "dev at every --save_steps 100)",
)  # fmt: skip
PAWSX_RECIPE = Recipe(
    learning_rate=2e-5, epochs=5, max_length=128, batch_size=8, gradient_accumulation=4,
    selection="en-dev", eval_steps=200,
    source="scripts/train_pawsx.sh of google-research/xtreme (base models; selection on English "
    "dev at every --save_steps 200)",
)  # fmt: skip
MULTIPLE_CHOICE = Recipe(
    learning_rate=2e-5, epochs=5, max_length=128, batch_size=8, gradient_accumulation=4,
    selection="last",
    source="scripts/train_xcopa.sh of google-research/xtreme (base models), both phases; the "
    "final model of each",
)  # fmt: skip
UDPOS_RECIPE = Recipe(
    learning_rate=2e-5, epochs=10, max_length=128, batch_size=8, gradient_accumulation=4,
    selection="en-dev", eval_steps=500,
    source="scripts/train_udpos.sh of google-research/xtreme (base models; selection on English "
    "dev at every --save_steps 500)",
)  # fmt: skip
PANX_RECIPE = Recipe(
    learning_rate=2e-5, epochs=10, max_length=128, batch_size=8, gradient_accumulation=4,
    selection="en-dev", eval_steps=1000,
    source="scripts/train_panx.sh of google-research/xtreme (base models; selection on English "
    "dev at every --save_steps 1000)",
)  # fmt: skip
QA = Recipe(
    learning_rate=3e-5, epochs=3, max_length=384, batch_size=4, gradient_accumulation=8,
    warmup_steps=500, weight_decay=1e-4, doc_stride=128, max_query_length=64,
    max_answer_length=30, selection="last",
    source="scripts/train_qa.sh of google-research/xtreme (doc_stride, query and answer lengths: "
    "the defaults of its run_squad.py; the final model, --save_steps -1)",
)  # fmt: skip


def _languages(benchmark: str, task: str) -> tuple[str, ...]:
    return load_benchmark(benchmark).tasks[task].languages


def _folders(files: dict[str, str], reader: Any, **options: Any) -> dict[str, FolderSource]:
    """The `xtreme` (user's download folder) and `sample` (shipped files) sources of a layout."""
    return {
        "xtreme": FolderSource("xtreme", files, reader, how_to_get=DOWNLOAD, **options),
        "sample": FolderSource(
            "sample", files, reader, root=SAMPLE_DIR,
            how_to_get="The sample files cover the task's test languages and English.",
            **options,
        ),
    }  # fmt: skip


def _official_copa_test(path: str) -> list[dict[str, Any]]:
    """XCOPA test files of the official download have every label overwritten with 0; such
    placeholders are dropped so that they are never scored as gold labels."""
    examples = copa_jsonl(path)
    if len(examples) > 1 and all(example["label"] == 0 for example in examples):
        for example in examples:
            example["label"] = None
    return examples


def _pair_files(task: str) -> dict[str, str]:
    return {
        "train": f"{task}/train-{{lang}}.tsv",
        "validation": f"{task}/dev-{{lang}}.tsv",
        "test": f"{task}/test-{{lang}}.tsv",
    }


XNLI = TaskSpec(
    name="xnli",
    title="XNLI",
    category=Category.CLASSIFICATION,
    kind=TaskKind.CLASSIFICATION,
    languages=_languages("xtreme-r", "xnli"),
    metric="accuracy",
    train_data="MultiNLI training set (English)",
    labels=NLI,
    sources={
        "hub": HubSource(
            "facebook/xnli (config = language; English train = MultiNLI)",
            hub.xnli_locate,
            hub.xnli_convert,
            pins=hub.pins("facebook/xnli"),
        ),
        **_folders(_pair_files("xnli"), tsv_pairs(NLI, {"contradictory": "contradiction"})),
    },
    recipe=XNLI_RECIPE,
    roles=("target", "intermediate"),
    benchmark="xtreme-r",
    description="Natural language inference: does the premise entail, contradict or say nothing "
    "about the hypothesis?",
    reference="Conneau et al. 2018, XNLI: Evaluating Cross-lingual Sentence Representations",
)

PAWSX = TaskSpec(
    name="pawsx",
    title="PAWS-X",
    category=Category.CLASSIFICATION,
    kind=TaskKind.CLASSIFICATION,
    languages=_languages("xtreme", "pawsx"),
    metric="accuracy",
    train_data="PAWS training set (English)",
    labels=("0", "1"),
    sources={
        "hub": HubSource(
            "google-research-datasets/paws-x (config = language)",
            hub.pawsx_locate,
            hub.pawsx_convert,
            pins=hub.pins("google-research-datasets/paws-x"),
        ),
        **_folders(_pair_files("pawsx"), tsv_pairs(("0", "1"))),
    },
    recipe=PAWSX_RECIPE,
    roles=("target", "intermediate"),
    benchmark="xtreme",
    description="Paraphrase identification: is the second sentence a paraphrase of the first?",
    reference="Yang et al. 2019, PAWS-X: A Cross-lingual Adversarial Dataset for Paraphrase "
    "Identification",
)

_XCOPA_FILES = {
    "siqa-train": "siqa/socialIQa_v1.4_trn.jsonl",
    "siqa-validation": "siqa/socialIQa_v1.4_dev.jsonl",
    "train": "xcopa/train-{lang}.jsonl",
    "validation": "xcopa/val-{lang}.jsonl",
    "test": "xcopa/test-{lang}.jsonl",
}
_XCOPA_ENGLISH_ONLY = {split: ("en",) for split in ("siqa-train", "siqa-validation", "train")}
_XCOPA_SIQA = {"siqa-train": siqa_jsonl, "siqa-validation": siqa_jsonl}

XCOPA = TaskSpec(
    name="xcopa",
    title="XCOPA",
    category=Category.CLASSIFICATION,
    kind=TaskKind.MULTIPLE_CHOICE,
    languages=_languages("xtreme-r", "xcopa"),
    metric="accuracy",
    train_data="Social IQa training set, then the COPA training set (English)",
    sources={
        "hub": HubSource(
            "cambridgeltl/xcopa (config = language); English COPA: aps/super_glue copa; "
            "Social IQa: allenai/social_i_qa",
            hub.xcopa_locate,
            hub.xcopa_convert,
            pins=hub.pins("cambridgeltl/xcopa", "aps/super_glue", "allenai/social_i_qa"),
        ),
        "xtreme": FolderSource(
            "xtreme",
            _XCOPA_FILES,
            copa_jsonl,
            how_to_get=DOWNLOAD,
            readers={**_XCOPA_SIQA, "test": _official_copa_test},
            languages=_XCOPA_ENGLISH_ONLY,
        ),
        "sample": FolderSource(
            "sample",
            _XCOPA_FILES,
            copa_jsonl,
            root=SAMPLE_DIR,
            readers=_XCOPA_SIQA,
            languages=_XCOPA_ENGLISH_ONLY,
        ),
    },
    recipe=MULTIPLE_CHOICE,
    phases=(
        Phase("siqa", train_split="siqa-train", dev_split="siqa-validation"),
        Phase("copa", train_split="train", dev_split="validation"),
    ),
    benchmark="xtreme-r",
    description="Causal commonsense reasoning: which of two alternatives is the cause (or the "
    "effect) of the premise?",
    reference="Ponti et al. 2020, XCOPA: A Multilingual Dataset for Causal Commonsense Reasoning",
)


def _tag_files(task: str) -> dict[str, str]:
    return {
        "train": f"{task}/train-{{lang}}.tsv",
        "validation": f"{task}/dev-{{lang}}.tsv",
        "test": f"{task}/test-{{lang}}.tsv",
    }


UDPOS_TEST_ONLY = ("th", "tl", "yo")
"""UD-POS languages whose treebanks (UD 2.5: Thai-PUD, Tagalog-TRG, Yoruba-YTB) have a test part
only, so XTREME's download has no training file for them (utils_preprocess.py udpos_preprocess
writes one per language with training data, lines 233-235 at 838c13b; the treebanks' stats.xml
at UD tag r2.5)."""

UDPOS = TaskSpec(
    name="udpos",
    title="UD-POS",
    category=Category.STRUCTURED_PREDICTION,
    kind=TaskKind.TOKEN_TAGGING,
    languages=_languages("xtreme-r", "udpos"),
    metric="seqeval",
    train_language="en",
    train_languages=tuple(
        code for code in _languages("xtreme-r", "udpos") if code not in UDPOS_TEST_ONLY
    ),
    train_data="English Universal Dependencies treebanks (v2.5), merged; a training set in every "
    "language whose treebanks have a training part (utils_preprocess.py udpos_preprocess, lines "
    "233-235 of google-research/xtreme at 838c13b: all but th, tl and yo), for multi-source "
    "training and intermediate training",
    labels=UPOS,
    sources={
        "hub": HubSource(
            "google/xtreme udpos.<Language> (29 XTREME languages: not el, fr, ru, zh, whose "
            "configs add other treebanks)",
            hub.udpos_locate,
            hub.udpos_convert,
            pins=hub.pins("google/xtreme"),
            differs=hub.udpos_differences,
        ),
        **_folders(_tag_files("udpos"), conll_tags(UPOS)),
    },
    recipe=UDPOS_RECIPE,
    roles=("target", "intermediate"),
    benchmark="xtreme-r",
    description="Part-of-speech tagging with the 17 universal POS tags; scored with seqeval "
    "chunk F1 as the official scorer does.",
    reference="Nivre et al. 2020, Universal Dependencies v2 (UD 2.5, and 2.7 for lt pl uk wo ro)",
)

PANX = TaskSpec(
    name="panx",
    title="WikiANN-NER (PAN-X)",
    category=Category.STRUCTURED_PREDICTION,
    kind=TaskKind.TOKEN_TAGGING,
    languages=_languages("xtreme-r", "panx"),
    metric="seqeval",
    train_language="en",
    train_languages=_languages("xtreme-r", "panx"),
    train_data="WikiANN English training set (Rahimi et al. 2019 splits; a training set in every "
    "language, utils_preprocess.py lines 123-127 of google-research/xtreme, for multi-source "
    "training and intermediate training)",
    labels=NER,
    sources={
        "hub": HubSource(
            "google/xtreme PAN-X.<lang>; unimelb-nlp/wikiann for qu pl uk az lt pa gu ro",
            hub.panx_locate,
            hub.panx_convert,
            pins=hub.pins("google/xtreme", "unimelb-nlp/wikiann"),
        ),
        **_folders(_tag_files("panx"), conll_tags(NER)),
    },
    recipe=PANX_RECIPE,
    roles=("target", "intermediate"),
    benchmark="xtreme-r",
    description="Named-entity recognition of persons, organisations and locations (IOB2).",
    reference="Pan et al. 2017, Cross-lingual Name Tagging and Linking for 282 Languages; "
    "Rahimi et al. 2019 splits",
)

SQUAD_FILES = {"train": "squad/train-v1.1.json", "validation": "squad/dev-v1.1.json"}
"""English SQuAD v1.1: the training data of XQuAD and MLQA, the development set of all QA tasks
(TyDiQA-GoldP's development set is its test set)."""
ENGLISH_SQUAD = {"train": ("en",), "validation": ("en",)}


def _qa_hub(summary: str, locate: Any, **options: Any) -> HubSource:
    return HubSource(summary, locate, hub.qa_convert, check=check_examples, **options)


XQUAD = TaskSpec(
    name="xquad",
    title="XQuAD",
    category=Category.QUESTION_ANSWERING,
    kind=TaskKind.EXTRACTIVE_QA,
    languages=_languages("xtreme-r", "xquad"),
    metric="squad",
    train_data="SQuAD v1.1 training set (English)",
    sources={
        "hub": _qa_hub(
            "google/xquad xquad.<lang> (ro included); SQuAD: rajpurkar/squad",
            hub.xquad_locate,
            pins=hub.pins("google/xquad", hub.SQUAD),
        ),
        **_folders(
            {**SQUAD_FILES, "test": "xquad/xquad.{lang}.json"}, squad_json, languages=ENGLISH_SQUAD
        ),
    },
    released_translations={"train": "SQuAD", "test": "XQuAD"},
    recipe=QA,
    roles=("target", "intermediate"),
    benchmark="xtreme-r",
    description="Extractive QA on SQuAD v1.1 paragraphs translated into 11 languages (and "
    "Romanian); scored with SQuAD v1.1 exact match and F1.",
    reference="Artetxe et al. 2020, On the Cross-lingual Transferability of Monolingual "
    "Representations",
)


def _mlqa_file(code: str) -> str:
    """``L`` -> the file of context and question in L; ``C-Q`` -> context C, question Q."""
    context, _, question = code.partition("-")
    return f"{context}-question-{question or context}"


_MLQA_TEST = "mlqa/MLQA_V1/test/test-context-{lang}.json"

MLQA = TaskSpec(
    name="mlqa",
    title="MLQA",
    category=Category.QUESTION_ANSWERING,
    kind=TaskKind.EXTRACTIVE_QA,
    languages=_languages("xtreme-r", "mlqa"),
    metric="mlqa",
    train_data="SQuAD v1.1 training set (English)",
    sources={
        "hub": _qa_hub(
            "google/xtreme MLQA.<context>.<question>; SQuAD: rajpurkar/squad",
            hub.mlqa_locate,
            pins=hub.pins("google/xtreme", hub.SQUAD),
        ),
        **_folders(
            {**SQUAD_FILES, "test": _MLQA_TEST, "test-pairs": _MLQA_TEST},
            squad_json,
            languages=ENGLISH_SQUAD,
            file_key=_mlqa_file,
        ),
    },
    released_translations={"train": "SQuAD", "test": "MLQA"},
    recipe=QA,
    benchmark="xtreme-r",
    pairs_split="test-pairs",
    description="Extractive QA on Wikipedia paragraphs in 7 languages, context and question in "
    "the same language; scored with MLQA's language-specific normalisation. --generalized adds "
    "every (context, question) language pair.",
    reference="Lewis et al. 2020, MLQA: Evaluating Cross-lingual Extractive Question Answering",
)

TYDIQA = TaskSpec(
    name="tydiqa",
    title="TyDiQA-GoldP",
    category=Category.QUESTION_ANSWERING,
    kind=TaskKind.EXTRACTIVE_QA,
    languages=_languages("xtreme-r", "tydiqa"),
    metric="squad",
    train_language="en",
    train_languages=_languages("xtreme-r", "tydiqa"),
    train_data="TyDiQA-GoldP training set (English for fine-tuning; every language for "
    "intermediate training)",
    sources={
        "hub": _qa_hub(
            "google/xtreme tydiqa (languages by question id); SQuAD: rajpurkar/squad",
            hub.tydiqa_locate,
            pins=hub.pins("google/xtreme", hub.SQUAD),
            keep=hub.tydiqa_keep,
        ),
        **_folders(
            {
                "train": "tydiqa/tydiqa-goldp-v1.1-train/tydiqa.goldp.{lang}.train.json",
                "validation": SQUAD_FILES["validation"],
                "test": "tydiqa/tydiqa-goldp-v1.1-dev/tydiqa.goldp.{lang}.dev.json",
            },
            squad_json,
            languages={"validation": ("en",)},
        ),
    },
    recipe=QA,
    released_translations={"train": "TyDiQA-GoldP"},
    roles=("target", "intermediate"),
    benchmark="xtreme-r",
    description="Extractive QA from the gold passage of typologically diverse languages; the test "
    "set is the GoldP development set; scored with SQuAD v1.1 exact match and F1. Models are "
    "selected on SQuAD v1.1's development set.",
    reference="Clark et al. 2020, TyDi QA: A Benchmark for Information-Seeking Question "
    "Answering in Typologically Diverse Languages",
)

TATOEBA_RECIPE = Recipe(
    learning_rate=0.0, epochs=0, max_length=512, batch_size=100, pooling="mean", layer=8,
    source="scripts/run_tatoeba.sh of google-research/xtreme: no training; mean over the tokens "
    "(special tokens included) of layer 7 of 12 after the embeddings (hidden state 8) for mBERT; "
    "XLM-R large used hidden state 14 (--layer 14)",
)  # fmt: skip
LAREQA_RECIPE = Recipe(
    learning_rate=2e-5, epochs=3, max_length=256, batch_size=4, gradient_accumulation=4,
    max_query_length=96, pooling="pooler", selection="en-dev", eval_steps=1000,
    source="scripts/train_lareqa.sh of google-research/xtreme (answer 256 and question 96 "
    "tokens, in-batch softmax, pooler output)",
)  # fmt: skip
MEWSLIX_RECIPE = Recipe(
    learning_rate=2e-5, epochs=2, max_length=64, batch_size=64, gradient_accumulation=4,
    max_query_length=64, pooling="pooler", selection="last",
    source="scripts/train_mewslix.sh of google-research/xtreme (mBERT; XLM-R large: lr 1e-5, "
    "batch 8 x 4)",
)  # fmt: skip

TATOEBA = TaskSpec(
    name="tatoeba",
    title="Tatoeba",
    category=Category.RETRIEVAL,
    kind=TaskKind.RETRIEVAL,
    languages=_languages("xtreme-r", "tatoeba"),
    metric="accuracy",
    train_data="none (XTREME-R embeds with a model fine-tuned on SQuAD v1.1: --intermediate xquad)",
    sources={
        "hub": HubSource(
            "google/xtreme tatoeba.<code> (36 languages; not az lt pl uk ro)",
            hub.tatoeba_locate,
            hub.tatoeba_convert,
            pins=hub.pins("google/xtreme"),
            arrange=hub.tatoeba_arrange,
        ),
        **_folders(
            {"test": "tatoeba/{lang}-en.en", "candidates": "tatoeba/{lang}-en.{lang}"},
            tatoeba_queries,
            readers={"candidates": tatoeba_candidates},
        ),
    },
    recipe=TATOEBA_RECIPE,
    phases=(),
    pool="per-language",
    reference_intermediate="xquad",
    benchmark="xtreme-r",
    description="Bitext retrieval: for each English sentence, the index of its translation "
    "among the 1,000 sentences of the other language (cosine of mean-pooled embeddings); "
    "accuracy.",
    reference="Artetxe and Schwenk 2019, Massively Multilingual Sentence Embeddings for "
    "Zero-Shot Cross-Lingual Transfer and Beyond",
)

_LAREQA_LANGUAGES = _languages("xtreme-r", "lareqa")
_lareqa_queries, _lareqa_pool = lareqa_readers(_LAREQA_LANGUAGES)

LAREQA = TaskSpec(
    name="lareqa",
    title="LAReQA (XQuAD-R)",
    category=Category.RETRIEVAL,
    kind=TaskKind.RETRIEVAL,
    languages=_LAREQA_LANGUAGES,
    metric="map@20",
    train_data="SQuAD v1.1 training set (English): question -> answer sentence with its paragraph",
    sources=_folders(
        {**SQUAD_FILES, "test": "lareqa/xquad-r/{lang}.json", "candidates": "lareqa/xquad-r"},
        _lareqa_queries,
        readers={"train": squad_pairs, "validation": squad_pairs, "candidates": _lareqa_pool},
        languages={**ENGLISH_SQUAD, "candidates": (SHARED_POOL,)},
    ),
    recipe=LAREQA_RECIPE,
    pool="shared",
    benchmark="xtreme-r",
    description="Language-agnostic answer retrieval: each question ranks the answer sentences "
    "of all 11 languages of XQuAD-R; mAP@20 pooled over all questions. No hub source: the hub's "
    "xquad_r drops the sentence breaks the pool is built from.",
    reference="Roy et al. 2020, LAReQA: Language-Agnostic Answer Retrieval from a Multilingual "
    "Pool",
)

MEWSLIX = TaskSpec(
    name="mewslix",
    title="Mewsli-X",
    category=Category.RETRIEVAL,
    kind=TaskKind.RETRIEVAL,
    languages=_languages("xtreme-r", "mewslix"),
    metric="mrr@20",
    train_data="English Wikipedia mention-entity pairs (wikipedia_pairs-train.jsonl)",
    sources=_folders(
        {
            "train": "mewslix/wikipedia_pairs-train.jsonl",
            "validation": "mewslix/wikipedia_pairs-dev.jsonl",
            "test": "mewslix/wikinews_mentions/test-{lang}.jsonl",
            "candidates": "mewslix/candidate_set_entities.jsonl",
        },
        mewslix_mentions,
        readers={
            "train": mewslix_pairs,
            "validation": mewslix_pairs,
            "candidates": mewslix_entities,
        },
        languages={"train": ("en",), "validation": ("en",), "candidates": (SHARED_POOL,)},
    ),
    recipe=MEWSLIX_RECIPE,
    pool="shared",
    benchmark="xtreme-r",
    description="Entity linking as retrieval: a WikiNews mention ranks the entity descriptions "
    "of a pool of about 1M entities in 50 languages; MRR@20 (officially 'map@20'), macro "
    "average over languages. No hub source: the only hub copy is unofficial.",
    reference="Ruder et al. 2021, XTREME-R (Mewsli-X: Botha et al. 2020, Entity Linking in 100 "
    "Languages)",
)

TASKS = (XNLI, PAWSX, XCOPA, UDPOS, PANX, XQUAD, MLQA, TYDIQA, TATOEBA, LAREQA, MEWSLIX)
