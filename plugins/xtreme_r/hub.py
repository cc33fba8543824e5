"""Where each task's data lives on the Hugging Face hub, and how hub rows become examples."""

from __future__ import annotations

from typing import Any

from xtreme_harness.interfaces import PARQUET_BRANCH, DataError, HubPin

UDPOS_NAMES = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "de": "German", "el": "Greek",
    "en": "English", "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian",
    "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian",
    "id": "Indonesian", "it": "Italian", "ja": "Japanese", "kk": "Kazakh", "ko": "Korean",
    "mr": "Marathi", "nl": "Dutch", "pt": "Portuguese", "ru": "Russian", "ta": "Tamil",
    "te": "Telugu", "th": "Thai", "tl": "Tagalog", "tr": "Turkish", "ur": "Urdu",
    "vi": "Vietnamese", "yo": "Yoruba", "zh": "Chinese",
}  # fmt: skip
"""`google/xtreme` names its UD-POS configs by English language name (`udpos.German`)."""

PANX_WIKIANN = ("qu", "pl", "uk", "az", "lt", "pa", "gu", "ro")
"""WikiANN languages XTREME-R added; `google/xtreme` has PAN-X configs only for the other 40."""

HUB_SPLITS = {"train": "train", "validation": "validation", "test": "test"}

_UNPINNED = (
    "; it reads the head of main until pinned (scripts/record_hub_files.py --heads, on a machine "
    "with network access, shows the head and whether a loading script is left)"
)

PINS: dict[str, HubPin] = {
    "facebook/xnli": HubPin(
        "b8dd5d7af51114dbda02c0e3f6133f332186418e",  # Convert dataset to Parquet (#10)
        layout="{config}/{split}-*.parquet",
    ),
    "google-research-datasets/paws-x": HubPin(
        None,
        reason="the stored pages show its conversion to Parquet (pull request #5) but no full "
        "commit sha together with its files" + _UNPINNED,
    ),
    # The three XCOPA repositories are read from the Hub's Parquet conversion: allenai/social_i_qa
    # is script-only, and no stored page shows a commit of the other two's main listed in full
    # without a loading script (the commits of cambridgeltl/xcopa's conversion keep xcopa.py next
    # to the converted files), which `datasets` >= 4 refuses to load.
    "cambridgeltl/xcopa": HubPin(
        "76f7f8d93747ce7fa636d54b491fb39d7595e3df",
        data_files="{config}/xcopa-{split}.parquet",
        branch=PARQUET_BRANCH,
    ),
    "aps/super_glue": HubPin(
        "5ac86567c6f13c971ded1667d04e2bb857e0bc6f",
        data_files="{config}/{split}/*.parquet",
        branch=PARQUET_BRANCH,
    ),
    "allenai/social_i_qa": HubPin(
        "89b943c9f61c6f3296998bb60773476f791c7128",
        data_files="{config}/{split}/*.parquet",
        branch=PARQUET_BRANCH,
    ),
    "google/xtreme": HubPin(
        None,
        reason="the stored pages show its conversion config by config, the last being 'Add "
        "udpos.Yoruba data files' (68bd9e06bf4bbe671073c975ccd61d754e1bd3d6), but not whether "
        "xtreme.py was deleted after it, which datasets >= 4 needs" + _UNPINNED,
    ),
    "unimelb-nlp/wikiann": HubPin(
        None,
        reason="the stored pages show its conversion language by language but no commit after "
        "the loading script's removal together with its files" + _UNPINNED,
    ),
    "google/xquad": HubPin(
        None,
        reason="no stored page gives a full commit sha of google/xquad together with its "
        "files" + _UNPINNED,
    ),
    "rajpurkar/squad": HubPin(
        None,
        reason="no stored page gives a full commit sha of rajpurkar/squad together with its "
        "files (only of rajpurkar/squad_v2)" + _UNPINNED,
    ),
}
"""The revision each hub repository of the XTREME-R tasks is read at (see `HubPin`); the file
lists they were checked against are in tests/data/hub_files.json."""


def pins(*repositories: str) -> dict[str, HubPin]:
    """The pins of the repositories a task reads."""
    return {repository: PINS[repository] for repository in repositories}


def _split(split: str) -> str:
    try:
        return HUB_SPLITS[split]
    except KeyError:
        raise DataError("hub", f"no hub split for {split!r}") from None


def _names(features: Any, column: str) -> list[str]:
    return list(features[column].names)


def xnli_locate(split: str, language: str) -> tuple[str, str | None, str]:
    return "facebook/xnli", language, _split(split)


def xnli_convert(row: dict[str, Any], features: Any) -> dict[str, Any]:
    return {
        "text_a": row["premise"],
        "text_b": row["hypothesis"],
        "label": _names(features, "label")[row["label"]],
    }


def pawsx_locate(split: str, language: str) -> tuple[str, str | None, str]:
    return "google-research-datasets/paws-x", language, _split(split)


def pawsx_convert(row: dict[str, Any], features: Any) -> dict[str, Any]:
    return {"text_a": row["sentence1"], "text_b": row["sentence2"], "label": str(row["label"])}


def xcopa_locate(split: str, language: str) -> tuple[str, str | None, str]:
    if split in ("siqa-train", "siqa-validation"):
        return "allenai/social_i_qa", None, _split(split.removeprefix("siqa-"))
    if language == "en":
        return "aps/super_glue", "copa", _split(split)
    return "cambridgeltl/xcopa", language, _split(split)


def xcopa_convert(row: dict[str, Any], features: Any) -> dict[str, Any]:
    if "answerA" in row:  # Social IQa: label "1", "2" or "3"
        return {
            "context": f"{row['context']} {row['question']}",
            "choices": [row["answerA"], row["answerB"], row["answerC"]],
            "label": int(row["label"]) - 1,
        }
    label = row["label"]
    return {
        "context": f"{row['premise']} What was the {row['question']}?",
        "choices": [row["choice1"], row["choice2"]],
        "label": None if label is None or label < 0 else int(label),
    }


UDPOS_OTHER_TREEBANKS = {
    "el": "Ancient_Greek-PROIEL and -Perseus (26,490 / 2,156 / 2,353 sentences beside Greek-GDT's "
    "1,662 / 403 / 456)",
    "fr": "Old_French-SRCMF (13,909 / 1,842 / 1,927) and French-FTB (14,759 / 1,235 / 2,541), "
    "which UD releases without word forms and XTREME's preprocessing drops but for a few "
    "sentences (1 of dev, 12 of test)",
    "ru": "Old_Russian-TOROT and -RNC (13,336 / 1,852 / 2,360)",
    "zh": "Classical_Chinese-Kyoto (11,004 / 2,038 / 2,073)",
}
"""UD-POS languages whose google/xtreme config is another data set than XTREME's: the loader
reads every UD 2.5 treebank folder matching ``*_<Language>*`` (huggingface/datasets
datasets/xtreme/xtreme.py, ``_split_generators``), so other languages' treebanks join in, where
XTREME's download keeps the files whose name starts with the language's code
(google-research/xtreme scripts/download_data.sh lines 82-92 at 838c13b); and it keeps
French-FTB's sentences, which UD releases without word forms and XTREME's preprocessing drops
(utils_preprocess.py, udpos_preprocess: a sentence whose forms are nearly all ``_``). Train / dev
/ test sentences from the treebanks' stats.xml at UD tag r2.5 (they add up to google/xtreme's
counts); FTB's sentences that pass the filter counted in its dev and test files."""
UDPOS_HUB_ADDS = {("de", "test"): "adds Swiss_German-UZH (100 sentences) to XTREME's 22,358"}
"""(language, split) whose google/xtreme data differs a little from XTREME's: kept, and recorded
as a departure by the runs that read it (`udpos_differences`)."""


def udpos_locate(split: str, language: str) -> tuple[str, str | None, str]:
    if language not in UDPOS_NAMES:
        raise DataError(
            "hub:google/xtreme",
            f"no UD-POS config for {language!r}: google/xtreme covers the 33 XTREME languages; "
            "for lt, pl, uk, wo and ro (UD 2.7) use --source xtreme with the official download",
        )
    if language in UDPOS_OTHER_TREEBANKS:
        raise DataError(
            f"hub:google/xtreme/udpos.{UDPOS_NAMES[language]}",
            f"not XTREME's {language} data: its loader reads every UD 2.5 treebank folder "
            f"matching *_{UDPOS_NAMES[language]}*, so it adds "
            f"{UDPOS_OTHER_TREEBANKS[language]} to the sentences XTREME's data keeps (counts: "
            "train / dev / test); use --source xtreme with the official download",
        )
    return "google/xtreme", f"udpos.{UDPOS_NAMES[language]}", _split(split)


def udpos_differences(split: str, language: str) -> str | None:
    found = UDPOS_HUB_ADDS.get((language, split))
    return None if found is None else f"google/xtreme udpos.{UDPOS_NAMES[language]} {found}"


def udpos_convert(row: dict[str, Any], features: Any) -> dict[str, Any]:
    names = features["pos_tags"].feature.names
    return {"tokens": list(row["tokens"]), "tags": [names[t] for t in row["pos_tags"]]}


def panx_locate(split: str, language: str) -> tuple[str, str | None, str]:
    if language in PANX_WIKIANN:
        return "unimelb-nlp/wikiann", language, _split(split)
    return "google/xtreme", f"PAN-X.{language}", _split(split)


def panx_convert(row: dict[str, Any], features: Any) -> dict[str, Any]:
    names = features["ner_tags"].feature.names
    return {"tokens": list(row["tokens"]), "tags": [names[t] for t in row["ner_tags"]]}


SQUAD = "rajpurkar/squad"
TYDIQA_NAMES = {
    "en": "english", "ar": "arabic", "bn": "bengali", "fi": "finnish", "id": "indonesian",
    "ko": "korean", "ru": "russian", "sw": "swahili", "te": "telugu",
}  # fmt: skip
"""`google/xtreme`'s tydiqa config mixes languages; a question id starts with its language name."""


def _squad_split(split: str) -> tuple[str, str | None, str]:
    """English SQuAD v1.1: training data and the development set of every QA task."""
    return SQUAD, None, _split(split)


def xquad_locate(split: str, language: str) -> tuple[str, str | None, str]:
    if split != "test":
        return _squad_split(split)
    return "google/xquad", f"xquad.{language}", "validation"


def mlqa_locate(split: str, language: str) -> tuple[str, str | None, str]:
    """``test``: language ``L`` (context and question in L); ``test-pairs``: ``C-Q``."""
    if split == "test":
        return "google/xtreme", f"MLQA.{language}.{language}", "test"
    if split == "test-pairs":
        context, _, question = language.partition("-")
        return "google/xtreme", f"MLQA.{context}.{question}", "test"
    return _squad_split(split)


def tydiqa_locate(split: str, language: str) -> tuple[str, str | None, str]:
    """English GoldP training data; the GoldP development set (the XTREME test set) of each
    language; SQuAD v1.1's development set for model selection."""
    if split == "train":
        return "google/xtreme", "tydiqa", "train"
    if split == "test":
        return "google/xtreme", "tydiqa", "validation"
    return _squad_split(split)


def tydiqa_keep(split: str, language: str, row: dict[str, Any]) -> bool:
    """In `google/xtreme`'s tydiqa config, the rows of `language` (SQuAD rows are all kept)."""
    if split not in ("train", "test"):
        return True
    return str(row["id"]).startswith(f"{TYDIQA_NAMES[language]}-")


def qa_convert(row: dict[str, Any], features: Any) -> dict[str, Any]:
    answers = row["answers"]
    texts = list(answers["text"])
    return {
        "id": str(row["id"]),
        "question": row["question"],
        "context": row["context"],
        "answers": None
        if not any(texts)
        else {"text": texts, "answer_start": [int(s) for s in answers["answer_start"]]},
    }


TATOEBA_CONFIGS = {
    "af": "afr", "ar": "ara", "bg": "bul", "bn": "ben", "de": "deu", "el": "ell", "es": "spa",
    "et": "est", "eu": "eus", "fa": "pes", "fi": "fin", "fr": "fra", "he": "heb", "hi": "hin",
    "hu": "hun", "id": "ind", "it": "ita", "ja": "jpn", "jv": "jav", "ka": "kat", "kk": "kaz",
    "ko": "kor", "ml": "mal", "mr": "mar", "nl": "nld", "pt": "por", "ru": "rus", "sw": "swh",
    "ta": "tam", "te": "tel", "th": "tha", "tl": "tgl", "tr": "tur", "ur": "urd", "vi": "vie",
    "zh": "cmn",
}  # fmt: skip
"""`google/xtreme` Tatoeba configs (``tatoeba.<code>``, aligned pairs in split validation); it
has none for the languages XTREME-R added (az lt pl uk ro)."""


def tatoeba_locate(split: str, language: str) -> tuple[str, str | None, str]:
    if split not in ("test", "candidates"):
        raise DataError("hub", f"Tatoeba has only test data (queries and pool), not {split!r}")
    if language not in TATOEBA_CONFIGS:
        raise DataError(
            "hub:google/xtreme",
            f"no Tatoeba config for {language!r} (google/xtreme covers only XTREME's 36 "
            "languages); use --source xtreme with the LASER files in the official layout",
        )
    return "google/xtreme", f"tatoeba.{TATOEBA_CONFIGS[language]}", "validation"


def tatoeba_convert(row: dict[str, Any], features: Any) -> dict[str, Any]:
    return {"source": row["source_sentence"].strip(), "english": row["target_sentence"].strip()}


def tatoeba_arrange(split: str, language: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Aligned hub pairs -> the pool (source sentences) or the sorted English queries."""
    from xharness_plugins.xtreme_r.retrieval_data import aligned_queries

    if split == "candidates":
        return [{"id": str(i), "text": row["source"]} for i, row in enumerate(rows)]
    return aligned_queries([row["english"] for row in rows])
