"""AmericasNLI and MasakhaNER 2.0 test files, in their release layouts, with pseudo-text.

Under ``plugins/low_resource/sample``: ``americasnli/test/<code>.tsv`` (the layout of
abteen/americasnli ``data/anli_final/test/``) and ``masakhaner/<code>/test.txt`` (the layout of
masakhane-io/masakhane-ner ``MasakhaNER2.0/data/``), one file per language the registry lists for
the dataset, named by the release's code (``datasets.americasnli``, ``datasets.masakhaner``).

The lexicon has words for four of these languages (qu, sw, wo, yo), which are used as they are.
For the others it has none, and none is invented: their text is **pseudo-text**, the English
lexicon entry with every word replaced by a made-up word drawn from the language's code (the same
English word always gives the same made-up word in one language). The grammar is then English's,
the cue words and tags fall where the English ones do, and the labels stay right by construction.
The test files have their own random generators, so no other sample file depends on them.
"""

from __future__ import annotations

import copy
import random
from typing import Any

from .common import SEED, tsv
from .grammar import UPOS, Draw, Lang
from .pairs import NLI_LABELS, xnli_pair
from .tagging import panx_sentence

DATASETS = ("americasnli", "masakhaner")
LOW_RESOURCE_DIRS = DATASETS
ANLI_HEADER = ("id", "language", "premise", "hypothesis", "label")
ANLI_PER_LABEL = 5  # test examples per label and language
ANLI_FIRST_ID = 25051  # the first test id of the release (data/anli_final/test)
MN_SENTENCES = 16  # test sentences per language
MN_TAGS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-DATE", "I-DATE")
MN_KINDS = ("per", "per_loc", "org", "loc", "none", "short")
PSEUDO_KEEP = ("grammar", "punct", "separator")
PSEUDO_DROP = ("qa", "question_cause", "question_effect", "hant")
CONSONANTS = "bdfghjklmnprstvwyz"
VOWELS = "aeiou"


def release_codes(registry: dict[str, dict[str, Any]], dataset: str) -> dict[str, str]:
    """Registry code -> release code of every language listing one for `dataset`."""
    return {
        code: record["datasets"][dataset][0]
        for code, record in sorted(registry.items())
        if record.get("datasets", {}).get(dataset)
    }


class PseudoWords:
    """Made-up words for one language: each English word always gives the same one, no two
    English words the same one. Consonants and vowels are a per-language subset of Latin
    letters, so the languages' pseudo-texts look different from each other."""

    def __init__(self, code: str) -> None:
        rng = random.Random(f"{SEED}:pseudo:{code}")
        self.code = code
        self.consonants = "".join(sorted(rng.sample(CONSONANTS, 9)))
        self.vowels = "".join(sorted(rng.sample(VOWELS, 4)))
        self.words: dict[str, str] = {}
        self.used: set[str] = set()

    def word(self, english: str) -> str:
        key = english.lower()
        if key not in self.words:
            for attempt in range(100):
                rng = random.Random(f"{SEED}:pseudo:{self.code}:{key}:{attempt}")
                syllables = 1 + min(3, (len(key) + 2) // 3)
                made = "".join(
                    rng.choice(self.consonants) + rng.choice(self.vowels) for _ in range(syllables)
                )
                if made not in self.used:
                    break
            self.used.add(made)
            self.words[key] = made
        made = self.words[key]
        return made[:1].upper() + made[1:] if english[:1].isupper() else made

    def phrase(self, value: str) -> str:
        """A lexicon phrase with every word made up; ``word/TAG`` keeps its tag override."""
        parts = []
        for part in value.split(" "):
            word, sep, tag = part.rpartition("/")
            if not (sep and word and tag in UPOS):
                word, sep, tag = part, "", ""
            made = self.word(word) if any(c.isalpha() for c in word) else word
            parts.append(made + sep + tag)
        return " ".join(parts)


def pseudo_lang(code: str, raw: dict[str, Any]) -> Lang:
    """A language of made-up words over the English lexicon entry and grammar."""
    words = PseudoWords(code)

    def convert(value: Any) -> Any:
        if isinstance(value, str):
            return words.phrase(value)
        if isinstance(value, list):
            return [convert(v) for v in value]
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}  # keys are glosses or labels
        return value

    entry = {}
    for field, value in copy.deepcopy(raw["en"]).items():
        if field in PSEUDO_DROP:
            continue
        entry[field] = value if field in PSEUDO_KEEP else convert(value)
    return Lang(code, entry, raw["_glosses"])


def sample_lang(code: str, langs: dict[str, Lang], raw: dict[str, Any]) -> tuple[Lang, bool]:
    """(the language, whether its text is pseudo-text): the lexicon's, else made-up words."""
    if code in langs:
        return langs[code], False
    return pseudo_lang(code, raw), True


def americasnli_files(
    langs: dict[str, Lang], raw: dict[str, Any], codes: dict[str, str]
) -> dict[str, str]:
    """One test file per language, parallel as the release's are: line i is the same item, with
    the same id and label, in every language."""
    rng = random.Random(f"{SEED}:americasnli:test")
    draw = Draw(langs["en"], rng)
    specs: list[tuple[dict[str, Any], dict[str, Any], str]] = []
    seen: set[str] = set()
    for label in NLI_LABELS:
        made = 0
        while made < ANLI_PER_LABEL:
            premise, hypothesis = xnli_pair(draw, label)
            key = langs["en"].sentence(premise) + "\t" + langs["en"].sentence(hypothesis)
            if key not in seen:
                seen.add(key)
                specs.append((premise, hypothesis, label))
                made += 1
    rng.shuffle(specs)
    files = {}
    for code, release in codes.items():
        lang, _ = sample_lang(code, langs, raw)
        rows = [
            (str(ANLI_FIRST_ID + i), release, lang.sentence(p), lang.sentence(h), label)
            for i, (p, h, label) in enumerate(specs)
        ]
        files[f"americasnli/test/{release}.tsv"] = tsv([ANLI_HEADER, *rows])
    return files


def with_date(sentence: list[list[str]], rng: random.Random) -> list[list[str]]:
    """The sentence with a date of digits (``1994`` or ``12 1994``) before its final punctuation,
    tagged B-DATE (I-DATE): the release's fourth entity type, which the task reads as O."""
    year = str(rng.randrange(1960, 2023))
    date = [[year, "NUM", "B-DATE"]]
    if rng.random() < 0.5:
        date = [[str(rng.randrange(1, 29)), "NUM", "B-DATE"], [year, "NUM", "I-DATE"]]
    end = len(sentence) - 1 if sentence and sentence[-1][1] == "PUNCT" else len(sentence)
    return sentence[:end] + date + sentence[end:]


def masakhaner_files(
    langs: dict[str, Lang], raw: dict[str, Any], codes: dict[str, str]
) -> dict[str, str]:
    """One test file per language: ``TOKEN TAG`` lines, an empty line after each sentence, some
    sentences with a DATE entity."""
    files = {}
    for code, release in codes.items():
        lang, _ = sample_lang(code, langs, raw)
        rng = random.Random(f"{SEED}:masakhaner:{release}:test")
        draw = Draw(lang, rng)
        sentences: list[list[list[str]]] = []
        seen: set[tuple[str, ...]] = set()
        while len(sentences) < MN_SENTENCES:
            sentence = panx_sentence(lang, draw, rng.choice(MN_KINDS))
            if len(sentences) % 3 == 0:
                sentence = with_date(sentence, rng)
            key = tuple(token[0] for token in sentence)
            if key not in seen:
                seen.add(key)
                sentences.append(sentence)
        text = "".join(
            "".join(f"{token[0]} {token[2]}\n" for token in sentence) + "\n"
            for sentence in sentences
        )
        files[f"masakhaner/{release}/test.txt"] = text
    return files


def build_low_resource(
    langs: dict[str, Lang], raw: dict[str, Any], registry: dict[str, dict[str, Any]]
) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Every data file of ``plugins/low_resource/sample`` (path -> content), and each dataset's
    registry code -> release code."""
    codes = {dataset: release_codes(registry, dataset) for dataset in DATASETS}
    files = americasnli_files(langs, raw, codes["americasnli"])
    files.update(masakhaner_files(langs, raw, codes["masakhaner"]))
    return files, codes
