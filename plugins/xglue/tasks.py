"""The tasks XGLUE adds to XTREME's (Liang et al. 2020): news classification (NC), query-ad
matching (QADSM), web page ranking (WPR), question-answer matching (QAM), and its own NER and
POS data. XNLI, PAWS-X and MLQA are XTREME's tasks on the same data; the `xglue` benchmark
definition (registry/benchmarks/xglue.json) scores them on XGLUE's languages with XGLUE's
metrics. The generation tasks (QG, NTG) are out of scope for encoders.

Languages and metrics are the benchmark definition's (``task2lg`` and the scorer of XGLUE's
``evaluation/xglue_evaluate.py``). Recipes are those of the official baseline, Unicoder's
``understanding/README.md`` (microsoft/Unicoder at b3d4afd), which selects the checkpoint with the
best development score averaged over every language at each epoch's end
(``examples/run_xglue.py`` lines 236-249; ``examples/ner/run_ner.py`` lines 272-278).
"""

from __future__ import annotations

from pathlib import Path

from xharness_plugins.xglue.readers import columns
from xtreme_harness.interfaces import (
    UPOS_TAGS,
    Category,
    FolderSource,
    Reader,
    Recipe,
    TaskKind,
    TaskSpec,
    conll_columns,
)
from xtreme_harness.registry import load_benchmark

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"
DOWNLOAD = (
    "Get xglue_full_dataset (the release with test labels, linked from the microsoft/XGLUE "
    "README) and pass that folder as --data-dir with --source xtreme. The hub's microsoft/xglue "
    "is a loading script whose download link is gone (microsoft/XGLUE issue #7)."
)
README = "microsoft/Unicoder understanding/README.md (b3d4afd)"

CLASSIFICATION_RECIPE = Recipe(
    learning_rate=5e-6, epochs=10, max_length=256, batch_size=32, selection="target-dev",
    source=f"{README} lines 68-196 (QADSM, QAM, PAWS-X, NC, WPR: --learning_rate 5e-6 "
    "--num_train_epochs 10 --max_seq_length 256 --per_gpu_train_batch_size 32 on one GPU); the "
    "best mean development score over all languages at each epoch's end (examples/run_xglue.py "
    "lines 236-249; weight decay 0 and no warm-up, its defaults, lines 631 and 643)",
)  # fmt: skip
NER_RECIPE = Recipe(
    learning_rate=5e-6, epochs=20, max_length=256, batch_size=32, selection="target-dev",
    source=f"{README} lines 222-246 (NER: --learning_rate 5e-6 --num_train_epochs 20 "
    "--max_seq_length 256 --per_gpu_train_batch_size 32); the best mean development F1 over all "
    "languages (examples/ner/run_ner.py lines 272-278)",
)  # fmt: skip
POS_RECIPE = Recipe(
    learning_rate=2e-5, epochs=20, max_length=128, batch_size=32, selection="target-dev",
    source=f"{README} lines 248-272 (POS: --learning_rate 2e-5 --num_train_epochs 20 "
    "--max_seq_length 128 --per_gpu_train_batch_size 32); the best mean development score over "
    "all languages (examples/ner/run_ner.py lines 272-278)",
)  # fmt: skip

NER_TAGS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC")
"""CoNLL-2002/2003 types; the release's NER/labels.txt lists the same nine tags."""
NC_LABELS = (
    "foodanddrink", "sports", "news", "entertainment", "health", "video", "finance", "travel",
    "lifestyle", "autos",
)  # fmt: skip
"""Data_Format.txt of microsoft/XGLUE lines 102-104 (and Unicoder's NcProcessor)."""
QADSM_LABELS = ("Bad", "Good")
QAM_LABELS = ("0", "1")
WPR_GRADES = ("0", "1", "2", "3", "4")
"""Bad, Fair, Good, Excellent, Perfect (microsoft/XGLUE README lines 76-77)."""


def _languages(task: str) -> tuple[str, ...]:
    return load_benchmark("xglue").tasks[task].languages


def _sources(files: dict[str, str], reader: Reader) -> dict[str, FolderSource]:
    """The release folder (``xtreme``: --data-dir) and the bundled sample, English training."""
    english = {"train": ("en",)}
    return {
        "xtreme": FolderSource("xtreme", files, reader, how_to_get=DOWNLOAD, languages=english),
        "sample": FolderSource(
            "sample", files, reader, root=SAMPLE_DIR, languages=english,
            how_to_get="The sample files cover every language of the task.",
        ),
    }  # fmt: skip


def _release(folder: str, task: str) -> dict[str, str]:
    return {
        "train": f"{folder}/xglue.{task}.{{lang}}.train",
        "validation": f"{folder}/xglue.{task}.{{lang}}.dev",
        "test": f"{folder}/xglue.{task}.{{lang}}.test",
    }


def _conll(folder: str) -> dict[str, str]:
    return {
        "train": f"{folder}/{{lang}}.train",
        "validation": f"{folder}/{{lang}}.dev",
        "test": f"{folder}/{{lang}}.test",
    }


REFERENCE = (
    "Liang et al. 2020, XGLUE: A New Benchmark Dataset for Cross-lingual Pre-training, "
    "Understanding and Generation (arXiv 2004.01401)"
)
LICENCE = "XGLUE terms: non-commercial research use only (microsoft.github.io/XGLUE)"


def _classification(name: str, title: str, folder: str, names: tuple[str, ...], labels,
                    description: str, **extra) -> TaskSpec:  # fmt: skip
    return TaskSpec(
        name=name,
        title=title,
        category=Category.CLASSIFICATION,
        kind=TaskKind.CLASSIFICATION,
        languages=_languages(name),
        metric=extra.pop("metric", "accuracy"),
        train_data=f"XGLUE {title} training set (English, 100,000 examples)",
        labels=labels,
        sources=_sources(_release(folder, name), columns(names, labels)),
        recipe=CLASSIFICATION_RECIPE,
        benchmark="xglue",
        description=description,
        reference=f"{REFERENCE}; {LICENCE}",
        **extra,
    )


NC = _classification(
    "nc", "NC", "NC", ("news title", "news body"), NC_LABELS,
    "News classification: the category of a news article (title and body) among 10.",
)  # fmt: skip
QADSM = _classification(
    "qadsm", "QADSM", "QADSM", ("query", "ad title", "ad description"), QADSM_LABELS,
    "Query-ad matching: is the ad (title and description) relevant to the search query?",
)  # fmt: skip
QAM = _classification(
    "qam", "QAM", "QAM", ("question", "passage"), QAM_LABELS,
    "Question-answer matching: does the passage answer the question?",
)  # fmt: skip
WPR = _classification(
    "wpr", "WPR", "WPR", ("query", "page title", "page snippet"), WPR_GRADES,
    "Web page ranking: the relevance grade (0 Bad to 4 Perfect) of each page to its query, "
    "scored by nDCG over the pages of each query, ranked by the predicted grade.",
    metric="ndcg", query_field="text_a",
)  # fmt: skip

XGLUE_NER = TaskSpec(
    name="xglue-ner",
    title="XGLUE NER",
    category=Category.STRUCTURED_PREDICTION,
    kind=TaskKind.TOKEN_TAGGING,
    languages=_languages("xglue-ner"),
    metric="seqeval",
    train_data="CoNLL-2003 English training set (XGLUE's NER/en.train)",
    labels=NER_TAGS,
    sources=_sources(_conll("NER"), conll_columns(NER_TAGS)),
    recipe=NER_RECIPE,
    benchmark="xglue",
    description="Named entities of CoNLL-2002 (es, nl) and CoNLL-2003 (en, de): persons, "
    "organisations, locations and miscellaneous; English and German in IOB1, Spanish and Dutch in "
    "IOB2, scored with seqeval entity F1, which reads both.",
    reference=f"{REFERENCE}; Tjong Kim Sang 2002; Tjong Kim Sang and De Meulder 2003",
)

XGLUE_POS = TaskSpec(
    name="xglue-pos",
    title="XGLUE POS",
    category=Category.STRUCTURED_PREDICTION,
    kind=TaskKind.TOKEN_TAGGING,
    languages=_languages("xglue-pos"),
    metric="seqeval-precision",
    train_data="English Universal Dependencies v2.5 (XGLUE's POS/en.train)",
    labels=UPOS_TAGS,
    sources=_sources(_conll("POS"), conll_columns(UPOS_TAGS)),
    recipe=POS_RECIPE,
    benchmark="xglue",
    description="Part-of-speech tagging with the 17 universal tags (UD 2.5), scored as XGLUE's "
    "scorer does: seqeval chunk precision (its README says accuracy; issue microsoft/XGLUE#6).",
    reference=f"{REFERENCE}; Nivre et al. 2020, Universal Dependencies v2 (UD 2.5)",
)

TASKS = (XGLUE_NER, XGLUE_POS, NC, QADSM, WPR, QAM)
