"""Every file of the three output folders, in order, and every check of them, in order.

Each file is drawn from its own random generator, seeded by its task, language and split (a
task's parallel test files share one; the QA, Mewsli-X and intermediate families seed theirs in
their modules), so no file depends on the files of another family. The lexicon and registries
are checked before anything is built, the files before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .checks import Examples, check_lexicon, check_script, file_language
from .common import benchmark_languages
from .grammar import Lang, load_lexicon
from .intermediate import (
    INTERMEDIATE_DIRS,
    MASSIVE_LOCALES,
    intermediate_plan,
    load_language_registry,
    locale_language,
    massive_file,
    massive_lang,
    sib200_files,
)
from .intermediate_checks import check_cue_fields, check_intermediate, hant_pairs
from .lexicons import check_lexicons, lexicon_files
from .low_resource import LOW_RESOURCE_DIRS, build_low_resource
from .low_resource_checks import check_low_resource
from .multiple_choice import siqa_examples, siqa_file, xcopa_examples, xcopa_file
from .pairs import (
    PAIR_TASKS,
    check_parallel,
    check_translations,
    pair_examples,
    pair_file,
    parallel_test_files,
    translation_files,
)
from .qa import QA_DIRS, build_qa, qa_languages
from .qa_checks import check_qa_files, check_qa_lexicon
from .qa_translations import qa_translate_test_files, qa_translation_files
from .readme import intermediate_readme, low_resource_readme, readme
from .retrieval import RETRIEVAL_DIRS, mewslix_files, retrieval_languages, tatoeba_files
from .retrieval_checks import check_mewslix, check_tatoeba
from .tagging import tagging_examples, tagging_file

# Sizes ("tens, not thousands").
PANX_TRAIN_LANGUAGES = ("de", "hi", "sw", "yo")
"""PAN-X training files beside the English one (XTREME's download has one per language,
utils_preprocess.py lines 123-127 of google-research/xtreme): two high- and two low-resource
languages, for the multi-source setting and for PAN-X as a multilingual intermediate task."""
PANX_OTHER_TRAIN = 20
UDPOS_TRAIN_LANGUAGES = ("de", "hi", "wo")
"""UD-POS training files beside the English one (XTREME's download has one for every language
whose treebanks have a training part, all but th, tl and yo: utils_preprocess.py udpos_preprocess
lines 233-235 of google-research/xtreme): two high-resource languages and Wolof, for the
multi-source setting and UD-POS as a multilingual intermediate task."""
SIZES: dict[str, dict[str, int]] = {
    "xnli": {"train": 30, "dev": 8, "test": 10},  # per label
    "pawsx": {"train": 30, "dev": 8, "test": 10},  # per label
    "xcopa": {"train": 60, "dev": 16, "test": 20},  # examples (multiple of 4)
    "siqa": {"train": 60, "dev": 15},  # examples (multiple of 3)
    "udpos": {"train": 80, "dev": 20, "test": 15},  # sentences
    "panx": {"train": 80, "dev": 20, "test": 15},  # sentences
}
TASK_DIRS = ("xnli", "pawsx", "xcopa", "siqa", "udpos", "panx", "translations", "lexicons")


# Each task's reader of one of its files, which checks it: (path, content, language, errors).
EXAMPLES: dict[str, Callable[[str, str, str, list[str]], Examples]] = {
    "xnli": pair_examples,
    "pawsx": pair_examples,
    "xcopa": xcopa_examples,
    "siqa": siqa_examples,
    "udpos": tagging_examples,
    "panx": tagging_examples,
}


def task_languages() -> dict[str, list[str]]:
    """The test languages of XNLI, XCOPA, UD-POS, PAN-X (XTREME-R) and PAWS-X (XTREME's)."""
    out = benchmark_languages("xtreme-r", ("xnli", "xcopa", "udpos", "panx"))
    return {**out, **benchmark_languages("xtreme", ("pawsx",))}


def build(
    langs: dict[str, Lang],
    task_langs: dict[str, list[str]],
    qa_langs: dict[str, list[str]],
    ret_langs: dict[str, list[str]],
    raw: dict[str, Any] | None = None,
) -> dict[str, str]:
    """Every file of ``plugins/xtreme_r/sample`` (path -> content), the README last."""
    files: dict[str, str] = {}
    en = langs["en"]
    for task in PAIR_TASKS:
        seen: set[Any] = set()
        train: list[Any] = []
        for split in ("train", "dev"):
            files[f"{task}/{split}-en.tsv"] = pair_file(
                task, en, split, seen, SIZES[task][split], train if split == "train" else None
            )
        test = parallel_test_files(task, langs, task_langs[task], seen, SIZES[task]["test"])
        files.update(test)
        files.update(translation_files(task, langs, task_langs[task], train, test))
    seen = set()
    for split, name in (("train", "train-en"), ("dev", "val-en")):
        files[f"xcopa/{name}.jsonl"] = xcopa_file(en, split, seen, SIZES["xcopa"][split])
    for code in task_langs["xcopa"]:
        own = seen if code == "en" else set()
        files[f"xcopa/test-{code}.jsonl"] = xcopa_file(
            langs[code], "test", own, SIZES["xcopa"]["test"]
        )
    seen = set()
    for split, name in (("train", "trn"), ("dev", "dev")):
        files[f"siqa/socialIQa_v1.4_{name}.jsonl"] = siqa_file(
            en, split, seen, SIZES["siqa"][split]
        )
    for task in ("udpos", "panx"):
        seen = set()
        for split in ("train", "dev", "test"):
            for code in ["en"] if split != "test" else task_langs[task]:
                own = seen if code == "en" else set()
                files[f"{task}/{split}-{code}.tsv"] = tagging_file(
                    task, langs[code], split, own, SIZES[task][split]
                )
    for task, codes in (("panx", PANX_TRAIN_LANGUAGES), ("udpos", UDPOS_TRAIN_LANGUAGES)):
        for code in codes:  # training data beyond English
            files[f"{task}/train-{code}.tsv"] = tagging_file(
                task, langs[code], "train", set(), PANX_OTHER_TRAIN
            )
    files.update(build_qa(langs, qa_langs))  # own generators: the files above do not depend on it
    files.update(qa_translation_files(langs))  # its own generator too
    files.update(qa_translate_test_files(files))  # the English QA test files, rearranged
    files.update(tatoeba_files(langs, ret_langs["tatoeba"]))  # own generators too
    files.update(mewslix_files(langs, ret_langs["mewslix"]))
    if raw is not None:
        files.update(lexicon_files(raw, task_langs["xnli"]))
    files["README.md"] = readme(files, task_langs, qa_langs, ret_langs)
    return files


def build_intermediate(
    langs: dict[str, Lang], raw: dict[str, Any], configs: dict[str, str]
) -> dict[str, str]:
    """Every file of ``plugins/intermediate/sample`` (path -> content), the README last."""
    files: dict[str, str] = {}
    for locale in MASSIVE_LOCALES:
        files[f"massive/{locale}.jsonl"] = massive_file(massive_lang(langs, raw, locale), locale)
    for code, config in sorted(configs.items()):
        files.update(sib200_files(langs[code], config))
    files["README.md"] = intermediate_readme(files, configs)
    return files


def check_files(files: dict[str, str], task_langs: dict[str, list[str]]) -> list[str]:
    """The XNLI, PAWS-X, XCOPA, SIQA, UD-POS and PAN-X files: all there, each read back by its
    task's reader, in the script of its language, no English example in two files (leakage) or
    twice in one, and the parallel test files parallel."""
    errors: list[str] = []
    required = ["xcopa/train-en.jsonl", "xcopa/val-en.jsonl"]
    required += [f"siqa/socialIQa_v1.4_{s}.jsonl" for s in ("trn", "dev")]
    for task in ("xnli", "pawsx", "udpos", "panx"):
        required += [f"{task}/train-en.tsv", f"{task}/dev-en.tsv"]
    for task, codes in sorted(task_langs.items()):
        ext = "jsonl" if task == "xcopa" else "tsv"
        required += [f"{task}/test-{code}.{ext}" for code in codes]
    for rel in required:
        if rel not in files:
            errors.append(f"{rel} [{file_language(rel)}]: missing")
    keys_by_task: dict[str, dict[Any, str]] = {}
    for rel in sorted(files):
        if rel == "README.md" or rel.split("/", 1)[0] in (
            *QA_DIRS,
            *RETRIEVAL_DIRS,
            "translations",
            "lexicons",
        ):  # own checks
            continue
        task, content, lang = rel.split("/", 1)[0], files[rel], file_language(rel)
        read = EXAMPLES.get(task)
        texts, keys = read(rel, content, lang, errors) if read else ([], [])
        check_script(rel, lang, "text", " ".join(texts), errors)
        if lang == "en":
            seen = keys_by_task.setdefault(task, {})
            for key in keys:
                if key in seen and seen[key] != rel:
                    errors.append(f"{rel} [en]: an example also in {seen[key]} (leakage)")
                seen.setdefault(key, rel)
        if len(set(keys)) != len(keys):
            errors.append(f"{rel} [{lang}]: holds the same example twice")
    return errors + check_parallel(files, task_langs) + check_translations(files, task_langs)


Output = tuple[Path, dict[str, str], tuple[str, ...]]  # folder, its files, the folders it owns


def build_low_resource_folder(
    langs: dict[str, Lang], raw: dict[str, Any]
) -> tuple[dict[str, str], list[str]]:
    """Every file of ``plugins/low_resource/sample`` (the README last) and its problems."""
    files, codes = build_low_resource(langs, raw, load_language_registry())
    errors = check_low_resource(files, codes)
    pseudo = {code for by_code in codes.values() for code in by_code if code not in langs}
    files["README.md"] = low_resource_readme(files, codes, pseudo)
    return files, errors


def generate(
    out: Path, intermediate_out: Path, low_resource_out: Path | None = None
) -> tuple[list[Output], list[str]]:
    """Every file of the three output folders, with the folders each owns, and the problems found
    (write nothing if there are any): those of the lexicon and registries, else of the files.
    A generator that gives up raises `SampleDataError`."""
    outputs: list[Output] = []
    langs, raw = load_lexicon()
    task_langs = task_languages()
    qa_langs = qa_languages()
    ret_langs = retrieval_languages()
    configs, errors = intermediate_plan(langs, load_language_registry())
    needed = {code for codes in task_langs.values() for code in codes} | {"en"}
    needed |= set(langs) | {locale_language(locale) for locale in MASSIVE_LOCALES}
    needed |= {code for codes in ret_langs.values() for code in codes}
    errors += check_lexicon(raw, needed) + check_cue_fields(raw, needed)
    errors += hant_pairs(raw)[1]
    errors += check_qa_lexicon(raw, {code for codes in qa_langs.values() for code in codes})
    if not errors:
        files = build(langs, task_langs, qa_langs, ret_langs, raw)
        errors = check_files(files, task_langs) + check_qa_files(files, qa_langs, langs)
        errors += check_lexicons(files, task_langs["xnli"])
        errors += check_tatoeba(files, ret_langs["tatoeba"])
        errors += check_mewslix(files, ret_langs["mewslix"])
        intermediate = build_intermediate(langs, raw, configs)
        errors += check_intermediate(intermediate, langs, raw, configs, load_language_registry())
        low_resource, low_errors = build_low_resource_folder(langs, raw)
        errors += low_errors
        outputs = [(out, files, TASK_DIRS + QA_DIRS + RETRIEVAL_DIRS)]
        outputs.append((intermediate_out, intermediate, INTERMEDIATE_DIRS))
        if low_resource_out is not None:
            outputs.append((low_resource_out, low_resource, LOW_RESOURCE_DIRS))
    return outputs, errors
