"""AmericasNLI and MasakhaNER 2.0 as target tasks, trained on English and evaluated zero-shot.

Neither dataset has English training data of its own: AmericasNLI is trained on English MultiNLI
and selected on English XNLI dev, as the paper's zero-shot runs are (abteen/americasnli@bebd02c
``configs/dataset/finetuning/anli_default.yaml`` L3-13), read from the XNLI files of the XTREME
layout; MasakhaNER 2.0 is trained on the English WikiANN data of XTREME's PAN-X, with the
MasakhaNER tags mapped to PAN-X's (``DATE`` read as ``O``). The registry's codes name the
languages; each release's own codes name the files (``datasets.americasnli`` and
``datasets.masakhaner`` of registry/languages.json). docs/tasks.md ("Low-resource targets") says
where every value comes from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xharness_plugins.low_resource.readers import americasnli_tsv, masakhaner_conll
from xtreme_harness.interfaces import (
    PARQUET_BRANCH,
    Category,
    DataError,
    FolderSource,
    HubPin,
    HubSource,
    Recipe,
    TaskKind,
    TaskSpec,
    conll_tags,
    tsv_pairs,
)
from xtreme_harness.registry import default_registry, load_benchmark

BENCHMARK = "low-resource"
PLUGINS_DIR = Path(__file__).resolve().parent.parent
"""The folder of the built-in plugins: the sample source reads this plugin's sample files and
the English XNLI and PAN-X sample files of the xtreme_r plugin from it (files only; no import)."""
SAMPLE = "low_resource/sample"
XTREME_R_SAMPLE = "xtreme_r/sample"

NLI = ("contradiction", "entailment", "neutral")
"""The XNLI label set of the xtreme_r plugin, in its order: AmericasNLI's labels are these strings
(mapped by string, never by id: the release's ids differ between its code and the hub)."""
NLI_ALIASES = {"contradictory": "contradiction"}
"""XNLI's release spelling; abteen/americasnli custom_datasets/xnli_tsv_dataset.py L50-55 accepts
it too."""
NER = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")
"""PAN-X's tags (the English training data's): PER, ORG and LOC in IOB2."""
DATE_AS_O = {"B-DATE": "O", "I-DATE": "O"}
"""MasakhaNER 2.0's fourth type is read as O, as its transfer corpus relabels it
(masakhane-io/masakhane-ner@ba5843c MasakhaNER2.0/transfer_corpus/<lang>/*.txt: only O and
B/I-PER, ORG, LOC occur; for ibo, kin, luo, mos and pcm the files equal MasakhaNER2.0/data with
[BI]-DATE -> O)."""

XTREME_DOWNLOAD = (
    "Put the XTREME download's xnli/ and panx/ folders (bash scripts/download_data.sh of "
    "google-research/xtreme) in --data-dir"
)

NLI_RECIPE = Recipe(
    learning_rate=2e-5, epochs=5, max_length=128, batch_size=8, gradient_accumulation=4,
    selection="en-dev", eval_steps=100,
    source="xharness's NLI protocol: the XNLI recipe of the xtreme_r plugin (scripts/train_xnli.sh "
    "of google-research/xtreme, base models; selection on English dev every 100 updates), on the "
    "same English data. The AmericasNLI paper's own (abteen/americasnli@bebd02c "
    "configs/training_arguments/finetuning/zs_default.yaml L2-17, "
    "configs/dataset/finetuning/anli_default.yaml L7): lr 2e-5, 5 epochs, batch 32 x 1, "
    "max length 256, English XNLI dev every 2500 steps, early-stopping patience 15",
)  # fmt: skip
NER_RECIPE = Recipe(
    learning_rate=2e-5, epochs=10, max_length=128, batch_size=8, gradient_accumulation=4,
    selection="en-dev", eval_steps=1000,
    source="xharness's NER protocol: the PAN-X recipe of the xtreme_r plugin "
    "(scripts/train_panx.sh of google-research/xtreme, base models; selection on English dev "
    "every 1000 updates), on the same English data. MasakhaNER 2.0's own zero-shot recipe: "
    "unverified (its in-language script MasakhaNER2.0/scripts/xlmr_large.sh: max length 164, "
    "batch 32, 20 epochs)",
)  # fmt: skip


def _languages(task: str) -> tuple[str, ...]:
    return load_benchmark(BENCHMARK).tasks[task].languages


def release_codes(dataset: str) -> dict[str, str]:
    """Registry code -> the release's code of every language the registry lists for `dataset`
    (``{"ay": "aym", "qu": "quy", "bzd": "bzd", ...}``)."""
    codes = {}
    for lang in default_registry():
        for code in lang.datasets.get(dataset, ()):
            codes[lang.code] = code
    return codes


def _file_key(dataset: str):
    codes = release_codes(dataset)

    def key(code: str) -> str:
        return codes.get(code, code)  # English (train, dev) keeps its code

    return key


def _sources(
    dataset: str, english: dict[str, str], test: str, english_reader, test_reader
) -> dict[str, FolderSource]:
    """The ``xtreme`` source (``--data-dir``: the XTREME download with the release's folder
    beside it) and the ``sample`` source (the plugins' sample files), one layout each."""
    english_only = {"train": ("en",), "validation": ("en",)}
    readers = {"train": english_reader, "validation": english_reader}
    key = _file_key(dataset)
    data_dir = {**english, "test": test}
    sample = {
        **{split: f"{XTREME_R_SAMPLE}/{path}" for split, path in english.items()},
        "test": f"{SAMPLE}/{test}",
    }
    return {
        "xtreme": FolderSource(
            "xtreme", data_dir, test_reader, readers=readers, languages=english_only,
            file_key=key,
            how_to_get=f"{XTREME_DOWNLOAD}, and the {dataset} release beside them as "
            f"{test.split('/', 1)[0]}/ (docs/tasks.md, Low-resource targets).",
        ),
        "sample": FolderSource(
            "sample", sample, test_reader, root=PLUGINS_DIR, readers=readers,
            languages=english_only, file_key=key,
            how_to_get="The sample files cover every language of the task, and English for "
            "training (the xtreme_r plugin's XNLI and PAN-X samples).",
        ),
    }  # fmt: skip


HUB_SPLITS = {"train": "train", "validation": "validation", "test": "test"}
UNVERIFIED_HUB = (
    "the hub was unreachable when this source was written: the stored pages show the Hub's "
    "Parquet conversion ({config}/{split}/ folders on refs/convert/parquet) but no full commit "
    "sha; it reads the head of that branch until pinned (scripts/record_hub_files.py)"
)
HUB_PINS = {
    # the English training data: the same revisions as the xtreme_r plugin's xnli and panx
    # (tests/test_hub_sources.py checks that every task reads a repository at one revision)
    "facebook/xnli": HubPin(
        "b8dd5d7af51114dbda02c0e3f6133f332186418e", layout="{config}/{split}-*.parquet"
    ),
    "google/xtreme": HubPin(None, reason="read as the xtreme_r plugin's panx reads it"),
    "nala-cub/americas_nli": HubPin(
        None, data_files="{config}/{split}/*.parquet", branch=PARQUET_BRANCH,
        reason=UNVERIFIED_HUB,
    ),
    "masakhane/masakhaner2": HubPin(
        None, data_files="{config}/{split}/*.parquet", branch=PARQUET_BRANCH,
        reason=UNVERIFIED_HUB,
    ),
}  # fmt: skip


def _hub_split(split: str) -> str:
    if split not in HUB_SPLITS:
        raise DataError("hub", f"no hub split for {split!r}")
    return HUB_SPLITS[split]


def _americasnli_locate(split: str, code: str) -> tuple[str, str | None, str]:
    """English MultiNLI and XNLI dev from facebook/xnli; each language's test set from
    nala-cub/americas_nli (one config per release code; no train split)."""
    if split in ("train", "validation"):
        return "facebook/xnli", "en", _hub_split(split)
    return "nala-cub/americas_nli", release_codes("americasnli")[code], _hub_split(split)


def _label_name(row: dict, features: Any, column: str) -> str:
    value = row[column]
    return value if isinstance(value, str) else features[column].names[value]


def _nli_convert(row: dict, features: Any) -> dict:
    """facebook/xnli and nala-cub/americas_nli rows alike: premise, hypothesis, a ClassLabel."""
    label = NLI_ALIASES.get(
        _label_name(row, features, "label"), _label_name(row, features, "label")
    )
    return {"text_a": row["premise"], "text_b": row["hypothesis"], "label": label}


def _masakhaner_locate(split: str, code: str) -> tuple[str, str | None, str]:
    """English WikiANN (PAN-X.en of google/xtreme) to train on; each language's test set from
    masakhane/masakhaner2 (one config per release code)."""
    if split in ("train", "validation"):
        return "google/xtreme", "PAN-X.en", _hub_split(split)
    return "masakhane/masakhaner2", release_codes("masakhaner")[code], _hub_split(split)


def _tags_convert(row: dict, features: Any) -> dict:
    """Tag ids to names through the ClassLabel, MasakhaNER's DATE read as O."""
    names = features["ner_tags"].feature.names
    tags = [DATE_AS_O.get(names[t], names[t]) for t in row["ner_tags"]]
    return {"tokens": list(row["tokens"]), "tags": tags}


AMERICASNLI = TaskSpec(
    name="americasnli",
    title="AmericasNLI",
    category=Category.CLASSIFICATION,
    kind=TaskKind.CLASSIFICATION,
    languages=_languages("americasnli"),
    metric="accuracy",
    train_data="MultiNLI training set (English; XNLI's train-en.tsv), selected on English XNLI dev",
    labels=NLI,
    sources={
        "hub": HubSource(
            "nala-cub/americas_nli (config = release code; test); English: facebook/xnli en",
            _americasnli_locate,
            _nli_convert,
            pins={r: HUB_PINS[r] for r in ("facebook/xnli", "nala-cub/americas_nli")},
        ),
        **_sources(
            "americasnli",
            {"train": "xnli/train-{lang}.tsv", "validation": "xnli/dev-{lang}.tsv"},
            "americasnli/test/{lang}.tsv",
            tsv_pairs(NLI, NLI_ALIASES),
            americasnli_tsv(NLI, NLI_ALIASES),
        ),
    },
    recipe=NLI_RECIPE,
    benchmark=BENCHMARK,
    description="Natural language inference in 10 indigenous languages of the Americas (XNLI "
    "items translated from Spanish); trained on English MultiNLI, accuracy on each language's "
    "test set.",
    reference="Ebrahimi et al. 2022, AmericasNLI: Evaluating Zero-shot Natural Language "
    "Understanding of Pretrained Multilingual Models in Truly Low-resource Languages, ACL 2022 "
    "(arXiv 2104.08726); data CC BY-SA 4.0",
)

MASAKHANER = TaskSpec(
    name="masakhaner",
    title="MasakhaNER 2.0",
    category=Category.STRUCTURED_PREDICTION,
    kind=TaskKind.TOKEN_TAGGING,
    languages=_languages("masakhaner"),
    metric="seqeval",
    train_data="WikiANN English training set (XTREME's PAN-X train-en.tsv); DATE read as O",
    labels=NER,
    sources={
        "hub": HubSource(
            "masakhane/masakhaner2 (config = release code; test); English: google/xtreme PAN-X.en",
            _masakhaner_locate,
            _tags_convert,
            pins={r: HUB_PINS[r] for r in ("google/xtreme", "masakhane/masakhaner2")},
        ),
        **_sources(
            "masakhaner",
            {"train": "panx/train-{lang}.tsv", "validation": "panx/dev-{lang}.tsv"},
            "masakhaner/{lang}/test.txt",
            conll_tags(NER),
            masakhaner_conll(NER, DATE_AS_O),
        ),
    },
    recipe=NER_RECIPE,
    benchmark=BENCHMARK,
    description="Named-entity recognition of persons, organisations and locations (IOB2) in 20 "
    "African languages; the release's DATE entities are read as O; seqeval F1.",
    reference="Adelani et al. 2022, MasakhaNER 2.0: Africa-centric Transfer Learning for Named "
    "Entity Recognition, EMNLP 2022, pp. 4488-4508; data CC BY-NC 4.0 (the repository; the hub "
    "card says AFL-3.0)",
)

TASKS = (AMERICASNLI, MASAKHANER)
