#!/usr/bin/env python3
"""Generate the bundled sample data of the XTREME-R and intermediate tasks from a lexicon.

    python scripts/sample_data/make_sample_data.py [--out DIR] [--intermediate-out DIR] [--check]

Writes small synthetic files in the official XTREME download layout (xnli, pawsx, xcopa, siqa,
udpos, panx) under ``plugins/xtreme_r/sample`` (or ``--out``), one test file per language of each
task as the registry lists them (``registry/benchmarks/xtreme-r.json``; PAWS-X from
``xtreme.json``), plus English train and dev files. Unlike the official download, test files keep
their gold labels. The XNLI and PAWS-X test files are parallel, as the real test sets are: the
examples are drawn once per task and rendered in every language, so line i is the same example,
with the same label, in every language's file.

The same folder gets extractive-QA files in SQuAD v1.1 JSON, in the XTREME download layout: SQuAD
(``squad/{train,dev}-v1.1.json``, English), XQuAD (``xquad/xquad.<lang>.json``), MLQA
(``mlqa/MLQA_V1/test/test-context-<c>-question-<q>.json``, every pair of its languages) and
TyDiQA-GoldP (``tydiqa/tydiqa-goldp-v1.1-train/tydiqa.goldp.en.train.json``,
``tydiqa/tydiqa-goldp-v1.1-dev/tydiqa.goldp.<lang>.dev.json``). A context mixes facts written
with the lexicon's ``qa`` templates (``<person> lives in <location>``, ``works at``, ``buys <n>
books``, ``was born in``, ``<organisation> was founded in``) with sentences of the grammar; a
question asks for one fact, with the same question words in every language, and its answers are
spans of the context (2-3 gold answers for some dev and test questions). XQuAD and MLQA are
parallel: one plan rendered in every language, with the same ids (MLQA: contexts and answers in
one language, questions in another). Every QA file has long contexts (250+ words) answered in
their second half. The QA part has its own random generators too.

Retrieval files in the XTREME-R layout, each from its own generator too. Tatoeba
(``tatoeba/<lang>-en.<lang>`` and ``<lang>-en.en``, 41 languages): 60 sentence pairs per language,
line i of the two files one clause plan rendered in both; the files stay aligned in drawing order
(the official download sorts the English file), with no line twice on either side. LAReQA
(``lareqa/xquad-r/<lang>.json``, 11 languages): XQuAD-R, SQuAD v1.1 JSON whose paragraphs also
have ``sentences`` and ``sentence_breaks`` ([start, end) in the context); one QA plan (as XQuAD's,
4-6 sentences a paragraph, one answer per question inside one sentence) rendered in every
language, so ids and sentences are parallel. Mewsli-X (``mewslix/``):
``candidate_set_entities.jsonl`` (the lexicon's names, each described in its language), English
``wikipedia_pairs-{train,dev}.jsonl`` for training, and per language
``wikinews_mentions/{dev,test}-<lang>.jsonl`` with ``wikinews_labels/{dev,test}-<lang>.json``; a
mention's text is its entity's title, test entity ids are kept, and most test entities are not in
the training pairs.

It also writes, under ``plugins/intermediate/sample`` (or ``--intermediate-out``), two
multilingual intermediate-task datasets in their original release formats: MASSIVE
(``massive/<locale>.jsonl``, every one of its 51 locales; 8 of its intents) and SIB-200
(``sib200/<config>/{train,dev,test}.tsv``, one config per language of the lexicon, chosen from
``registry/languages.json``). Every utterance or sentence holds the cue word of its label
(``alarm``, ``weather``, ...; ``computer``, ``hotel``, ...) in the language, from the ``intents``
and ``topics`` of the lexicon; zh-TW uses the Traditional forms of the lexicon's ``zh.hant``. These
parts have their own random generators, so the XTREME-R files do not depend on them.

Every sentence is built from ``lexicon.json`` (beside this script). The labels are signalled by cue
words in the same way in every language (``not`` marks a contradiction, ``perhaps`` a neutral
hypothesis, ``because``/``so`` the right COPA choice), so that a tiny model trained on English for
a few hundred steps beats chance. The text is synthetic and says nothing about real model quality.

The output is deterministic: fixed seeds (one `random.Random` per file), sorted iteration, UTF-8,
``\\n`` line endings, and files are written only when their content changes. Before writing, the
script checks every file (format, labels, label balance, scripts of the languages, long sentences,
no train/dev/test overlap, parallel XNLI and PAWS-X test files; QA: answer spans, unique ids,
repeated questions, long contexts, parallel XQuAD, MLQA and LAReQA files; retrieval: LAReQA's
sentence breaks, Tatoeba's line counts and repeated lines, Mewsli-X's schemas, spans, unique ids,
mentions of candidate entities and labels) and stops with a message naming the file, language and
field at fault.
``--check`` writes nothing and exits 1 when regenerating would change, add or remove a file in
either output folder. Standard library only.
"""

from __future__ import annotations

import argparse
import copy
import csv
import io
import json
import random
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

SEED = 20250101
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
LEXICON = HERE / "lexicon.json"
DEFAULT_OUT = REPO / "plugins" / "xtreme_r" / "sample"
INTERMEDIATE_OUT = REPO / "plugins" / "intermediate" / "sample"
REGISTRY = REPO / "registry" / "benchmarks"
LANGUAGE_REGISTRY = REPO / "registry" / "languages.json"

UPOS = (
    *("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON"),
    *("PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X"),
)
NER_TAGS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")
NLI_LABELS = ("entailment", "neutral", "contradiction")
PAWS_LABELS = ("0", "1")
NER_OF = {"persons": "PER", "locations": "LOC", "organizations": "ORG"}

# Sizes ("tens, not thousands").
SIZES: dict[str, dict[str, int]] = {
    "xnli": {"train": 30, "dev": 8, "test": 10},  # per label
    "pawsx": {"train": 30, "dev": 8, "test": 10},  # per label
    "xcopa": {"train": 60, "dev": 16, "test": 20},  # examples (multiple of 4)
    "siqa": {"train": 60, "dev": 15},  # examples (multiple of 3)
    "udpos": {"train": 80, "dev": 20, "test": 15},  # sentences
    "panx": {"train": 80, "dev": 20, "test": 15},  # sentences
}
LONG_SENTENCES = {"train": 4, "dev": 2, "test": 2}  # 40-60 token sentences per tagging file
LONG_MIN, LONG_MAX = 40, 60

# Expected Unicode script of each language (prefixes of `unicodedata.name` of its letters).
SCRIPTS: dict[str, tuple[str, ...]] = {
    "am": ("ETHIOPIC",),
    **dict.fromkeys(("ar", "fa", "ur"), ("ARABIC",)),
    **dict.fromkeys(("bg", "kk", "mn", "ru", "uk"), ("CYRILLIC",)),
    "bn": ("BENGALI",),
    "el": ("GREEK",),
    "gu": ("GUJARATI",),
    "he": ("HEBREW",),
    **dict.fromkeys(("hi", "mr"), ("DEVANAGARI",)),
    "hy": ("ARMENIAN",),
    "ja": ("CJK UNIFIED", "HIRAGANA", "KATAKANA"),
    "ka": ("GEORGIAN",),
    "km": ("KHMER",),
    "kn": ("KANNADA",),
    "ko": ("HANGUL",),
    "ml": ("MALAYALAM",),
    "my": ("MYANMAR",),
    "pa": ("GURMUKHI",),
    "ta": ("TAMIL",),
    "te": ("TELUGU",),
    "th": ("THAI",),
    "zh": ("CJK UNIFIED",),
}
LATIN = ("LATIN",)
CASED_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN")
VOWELS = set("aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýœőű")
SCRIPT_SHARE = 0.8
COUNTABLE = ("house", "book", "tree", "city", "road")  # nouns that can follow 'two/three'


Token = list[str]  # [text, upos, ner]


class SampleDataError(Exception):
    """A check failed; the message names the file, language and field."""


# --------------------------------------------------------------------------------------------
# Lexicon and rendering


def split_phrase(value: str, tag: str) -> list[Token]:
    """Tokens of a lexicon phrase: split on spaces; ``word/TAG`` overrides the tag."""
    tokens = []
    for part in value.split(" "):
        if not part:
            continue
        word, sep, override = part.rpartition("/")
        if sep and word and override in UPOS:
            tokens.append([word, override, "O"])
        else:
            tokens.append([part, tag, "O"])
    return tokens


def has_final_consonant(text: str) -> bool:
    """Whether a Hangul word ends in a final consonant (batchim)."""
    last = text[-1:]
    return bool(last) and 0xAC00 <= ord(last) <= 0xD7A3 and (ord(last) - 0xAC00) % 28 != 0


def starts_with_vowel(text: str) -> bool:
    return bool(text) and text[0].lower() in VOWELS


def capitalise(text: str, lang: str) -> str:
    first = text[:1]
    if not first or not first.isalpha():
        return text
    if not unicodedata.name(first, "").startswith(CASED_SCRIPTS):
        return text
    if lang in ("tr", "az") and first == "i":
        return "\u0130" + text[1:]
    return first.upper() + text[1:]


class Lang:
    """One language of the lexicon, with the rules that turn clause specs into tokens."""

    def __init__(self, code: str, entry: dict[str, Any], glosses: dict[str, list[str]]) -> None:
        self.code = code
        self.e = entry
        self.g = entry.get("grammar", {})
        self.glosses = glosses
        self.sep = entry["separator"]

    # -- word forms --------------------------------------------------------------------------

    def noun_class(self, idx: int, role: str) -> str:
        classes = self.e.get("noun_class")
        cls = classes[idx] if classes else "_"
        mapping: Any = None
        if role == "O":
            mapping = self.e.get("obj_class")
        elif role == "P":
            mapping = self.e.get("obl_class")
            if mapping == "obj":
                mapping = self.e.get("obj_class")
        return mapping.get(cls, cls) if mapping else cls

    def noun_form(self, idx: int, role: str) -> str:
        forms: Any = None
        if role == "O":
            forms = self.e.get("nouns_obj")
        elif role == "P":
            forms = self.e.get("nouns_obl")
            if forms == "obj":
                forms = self.e.get("nouns_obj")
        return (forms or self.e["nouns"])[idx]

    @staticmethod
    def _by_class(forms: Any, cls: str, idx: int) -> str:
        return forms[idx] if isinstance(forms, list) else forms[cls][idx]

    def adj_form(self, adj: int, cls: str) -> str:
        forms = self.e.get("adj_attr")
        return self.e["adjectives"][adj] if forms is None else self._by_class(forms, cls, adj)

    def adj_pred_form(self, adj: int, cls: str) -> str:
        forms = self.e.get("adj_pred")
        if forms == "attr":
            return self.adj_form(adj, cls)
        return self.e["adjectives"][adj] if forms is None else self._by_class(forms, cls, adj)

    def det_form(self, cls: str) -> str:
        by_class = self.e.get("det_by_class")
        return by_class[cls] if by_class else self.e["determiner"]

    def name_tokens(self, category: str, idx: int) -> list[Token]:
        tokens = split_phrase(self.e[category][idx], "PROPN")
        for position, token in enumerate(tokens):
            token[2] = ("B-" if position == 0 else "I-") + NER_OF[category]
        return tokens

    def word(self, field: str, tag: str) -> list[Token]:
        return split_phrase(self.e[field], tag)

    # -- phrases -----------------------------------------------------------------------------

    def uses_det(self, spec: dict[str, Any], role: str) -> bool:
        if self.e["determiner"] is None or spec.get("num") is not None:
            return False
        if role not in self.g.get("det_roles", ["S", "O", "P"]):
            return False
        if role == "P" and not self.g.get("pp_det", True):
            return False
        return bool(spec.get("det", True)) if self.g.get("det_optional") else True

    def noun_phrase(self, spec: dict[str, Any], role: str) -> list[Token]:
        kind = spec["kind"]
        if kind == "pron":
            return self.word("pronoun", "PRON")
        if kind == "name":
            return self.name_tokens(spec["cat"], spec["idx"])
        idx = spec["idx"]
        cls = self.noun_class(idx, role)
        form = self.noun_form(idx, role)
        if spec.get("num") is not None and isinstance(self.e.get("nouns_num"), dict):
            form = self.e["nouns_num"][self.glosses["nouns"][idx]]
        parts: dict[str, list[Token]] = {"noun": split_phrase(form, "NOUN")}
        if spec.get("adj") is not None and spec.get("num") is None:
            parts["adj"] = split_phrase(self.adj_form(spec["adj"], cls), "ADJ")
        if spec.get("num") is not None:
            parts["num"] = split_phrase(self.e["num"][spec["num"]], "NUM")
        elif self.uses_det(spec, role):
            if self.g.get("det_prefix"):
                for part in ("noun", "adj"):
                    if part in parts:
                        parts[part][0][0] = self.e["determiner"] + parts[part][0][0]
            else:
                parts["det"] = split_phrase(self.det_form(cls), "DET")
        tokens: list[Token] = []
        for slot in self.g["np"].split():  # det and num share a place: a phrase has one of them
            tokens += parts.get(slot, [])
        return tokens

    def adp_phrase(self, spec: dict[str, Any]) -> list[Token]:
        adp = self.word("adposition", "ADP")
        np = self.noun_phrase(spec, "P")
        return adp + np if self.g.get("adp", "before") == "before" else np + adp

    def verb(self, verb: int, negated: bool) -> list[Token]:
        forms = self.e.get("verbs_negated")
        if negated and forms:
            tokens = split_phrase(forms[verb], "VERB")
            for token in tokens:
                if token[0] == self.e["not"]:
                    token[1] = "PART"
            return tokens
        tokens = split_phrase(self.e["verbs"][verb], "VERB")
        if negated:
            not_word = self.word("not", "PART")
            where = self.g.get("neg", "before")
            if where == "before":
                tokens = not_word + tokens
            elif where == "after":
                tokens = tokens + not_word
        return tokens

    def fill(self, template: list[str], slots: dict[str, list[Token]]) -> list[Token]:
        out: list[Token] = []
        for part in template:
            pieces: list[Token] = []
            empty = False
            for item in part.split(" "):
                if item.startswith("{") and item.endswith("}"):
                    content = slots.get(item[1:-1], [])
                    empty = empty or not content
                    pieces += content
                elif item.startswith("+"):
                    pieces.append([item, "X", "O"])  # a suffix, attached in `finish`
                else:
                    word, _, tag = item.rpartition("/")
                    pieces.append([word, tag, "O"])
            if not empty:
                out += pieces
        return out

    def clause(self, c: dict[str, Any]) -> list[Token]:
        """Tokens of a clause spec: S, V (verb index), optional O and P, neg, perhaps, cue."""
        negated = bool(c.get("neg"))
        subject = self.noun_phrase(c["S"], "S")
        verb = self.verb(c["V"], negated)
        obj = self.noun_phrase(c["O"], "O") if c.get("O") else []
        pp = self.adp_phrase(c["P"]) if c.get("P") else []
        if negated and not self.e.get("verbs_negated") and self.g.get("neg") == "end":
            not_word = self.word("not", "PART")
            if obj:
                obj = obj + not_word
            else:
                verb = verb + not_word
        perhaps = self.word("perhaps", "ADV") if c.get("perhaps") else []
        if perhaps and self.g.get("perhaps") == "after_verb":
            verb, perhaps = verb + perhaps, []
        order = self.g["order"]
        default = {
            "SVO": ["{S}", "{V}", "{O}", "{P}"],
            "SOV": ["{S}", "{P}", "{O}", "{V}"],
            "VSO": ["{V}", "{S}", "{O}", "{P}"],
        }[order]
        tokens = self.fill(
            self.g.get("template", default), {"S": subject, "V": verb, "O": obj, "P": pp}
        )
        if negated and self.g.get("neg_end"):
            tokens += split_phrase(self.g["neg_end"], "PART")
        cue = []
        if c.get("cue") == "because":
            cue = self.word("because", "SCONJ")
        elif c.get("cue") == "so":
            cue = self.word("so", "ADV")
        return cue + perhaps + tokens

    def copula(self, subject: dict[str, Any], adj: int) -> list[Token]:
        """'The house is big' for languages where the lexicon forms allow it."""
        cls = self.noun_class(subject["idx"], "S")
        pred = split_phrase(self.adj_pred_form(adj, cls), "ADJ")
        aux = self.word("aux", "AUX") if self.g.get("copula") is True and self.e["aux"] else []
        default = ["{S}", "{A}", "{AUX}"] if self.g["order"] == "SOV" else ["{S}", "{AUX}", "{A}"]
        template = self.g.get("copula_template", default)
        return self.fill(template, {"S": self.noun_phrase(subject, "S"), "A": pred, "AUX": aux})

    def conj(self) -> list[Token]:
        if self.g.get("clause_conj"):
            return split_phrase(self.g["clause_conj"], "CCONJ")
        return self.word("conj", "CCONJ")

    def finish(self, tokens: list[Token], punct: bool = True, capital: bool = True) -> list[Token]:
        """Attach suffixes, pick vowel-dependent forms, capitalise, add the final punctuation."""
        out: list[Token] = []
        for token in copy.deepcopy(tokens):
            if token[0].startswith("+") and out:
                suffix = token[0][1:]
                if "|" in suffix:
                    after_consonant, after_vowel = suffix.split("|")
                    suffix = after_consonant if has_final_consonant(out[-1][0]) else after_vowel
                out[-1][0] += suffix
            else:
                out.append(token)
        for position, token in enumerate(out):
            if "|" in token[0]:
                plain, before_vowel = token[0].split("|")
                following = out[position + 1][0] if position + 1 < len(out) else ""
                token[0] = before_vowel if starts_with_vowel(following) else plain
        if out and capital:
            out[0][0] = capitalise(out[0][0], self.code)
        if punct and self.e["punct"]:
            out.append([self.e["punct"], "PUNCT", "O"])
        return out

    def text(self, tokens: list[Token]) -> str:
        parts: list[str] = []
        for position, (word, tag, _) in enumerate(tokens):
            if position and self.sep and tag != "PUNCT" and not parts[-1].endswith("'"):
                parts.append(self.sep)
            parts.append(word)
        return "".join(parts)

    def sentence(self, clause_spec: dict[str, Any]) -> str:
        return self.text(self.finish(self.clause(clause_spec)))


# --------------------------------------------------------------------------------------------
# Random clause specs


class Draw:
    """Random clause specs for one language and one file."""

    def __init__(self, lang: Lang, rng: random.Random) -> None:
        self.lang = lang
        self.rng = rng
        g = lang.glosses
        noun = {gloss: i for i, gloss in enumerate(g["nouns"])}
        verb = {gloss: i for i, gloss in enumerate(g["verbs"])}
        self.noun_index = noun
        self.child = noun["child"]
        self.objects = {
            verb["sees"]: [noun[n] for n in ("house", "tree", "city", "road", "water", "book")],
            verb["reads"]: [noun["book"]],
            verb["buys"]: [noun[n] for n in ("house", "book", "bread", "water")],
            verb["wants"]: [noun[n] for n in ("water", "bread", "book", "house")],
        }
        self.places = [noun[n] for n in ("city", "house", "road")]

    def noun(self, idx: int, adj: int | None = None, num: int | None = None) -> dict[str, Any]:
        return {"kind": "noun", "idx": idx, "adj": adj, "num": num, "det": self.rng.random() < 0.6}

    def adj(self) -> int:
        return self.rng.randrange(4)

    def subject(self, kinds: Iterable[str] = ("child", "pron", "person")) -> dict[str, Any]:
        kind = self.rng.choice(sorted(kinds))
        if kind == "child":
            return self.noun(self.child)
        if kind == "pron":
            return {"kind": "pron"}
        if kind == "person":  # the two first names: subjects of 3rd-person masculine verbs
            return {"kind": "name", "cat": "persons", "idx": self.rng.randrange(2)}
        return {"kind": "name", "cat": kind, "idx": self.rng.randrange(len(self.lang.e[kind]))}

    def verb(self, exclude: Iterable[int] = ()) -> int:
        """A verb that has a fitting object other than those in `exclude`."""
        excluded = set(exclude)
        return self.rng.choice([v for v in sorted(self.objects) if set(self.objects[v]) - excluded])

    def obj(self, verb: int, exclude: Iterable[int] = ()) -> dict[str, Any]:
        excluded = set(exclude)
        return self.noun(self.rng.choice([n for n in self.objects[verb] if n not in excluded]))

    def place(self, exclude: Iterable[int] = ()) -> dict[str, Any]:
        excluded = set(exclude)
        return self.noun(self.rng.choice([n for n in self.places if n not in excluded]))

    def clause(
        self,
        *,
        subject: dict[str, Any] | None = None,
        adjectives: int = 1,
        pp: float = 0.3,
        num: float = 0.0,
    ) -> dict[str, Any]:
        """A transitive clause with up to `adjectives` adjectives, maybe a PP and a numeral."""
        verb = self.rng.randrange(4)
        c: dict[str, Any] = {"S": subject or self.subject(), "V": verb, "O": self.obj(verb)}
        if self.rng.random() < pp:
            c["P"] = self.place(exclude=[c["O"]["idx"]])
        slots = ["O"] + (["S"] if c["S"]["kind"] == "noun" else [])
        for slot in self.rng.sample(slots, min(adjectives, len(slots))):
            c[slot]["adj"] = self.adj()
        if self.rng.random() < num:
            self.numeral(c)
        return c

    def numeral(self, c: dict[str, Any]) -> None:
        """Make the object 'two/three <nouns>' where the lexicon says how to."""
        forms = self.lang.e.get("nouns_num")
        if not forms:
            return
        countable = sorted(COUNTABLE if forms == "sg" else forms)
        choices = [self.noun_index[g] for g in countable]
        choices = [n for n in choices if n in self.objects[c["V"]]]
        if choices:
            c["O"] = self.noun(self.rng.choice(choices))
            c["O"]["num"] = self.rng.choice(self.lang.e.get("num_ok", [0, 1]))


def strip_adjectives(c: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(c)
    for slot in ("S", "O", "P"):
        if out.get(slot) and out[slot]["kind"] == "noun":
            out[slot]["adj"] = None
    return out


def file_rng(task: str, lang: str, split: str) -> random.Random:
    return random.Random(f"{SEED}:{task}:{lang}:{split}")


def unique(make: Callable[[], tuple[Any, Any]], seen: set[Any], what: str) -> Any:
    """Call `make` until it returns an example whose key is new."""
    for _ in range(2000):
        key, example = make()
        if key not in seen:
            seen.add(key)
            return example
    raise SampleDataError(f"{what}: could not draw a new example (the lexicon is too small)")


# --------------------------------------------------------------------------------------------
# Tasks


def tsv(rows: list[tuple[str, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buffer.getvalue()


def jsonl(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def conll(sentences: list[list[Token]], column: int) -> str:
    return "".join(
        "".join(f"{t[0]}\t{t[column]}\n" for t in sentence) + "\n" for sentence in sentences
    )


def xnli_pair(draw: Draw, label: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The clause specs of an XNLI premise and hypothesis with this label."""
    premise = draw.clause(adjectives=1, pp=0.4)
    if label == "entailment":
        hyp = strip_adjectives(premise)
        if hyp.get("P") and draw.rng.random() < 0.5:
            del hyp["P"]
    elif label == "contradiction":
        hyp = {**copy.deepcopy(premise), "neg": True}
    else:
        verb = draw.verb(exclude=[premise["O"]["idx"]])
        obj = draw.obj(verb, exclude=[premise["O"]["idx"]])
        if draw.rng.random() < 0.5:
            obj["adj"] = draw.adj()
        hyp = {"S": copy.deepcopy(premise["S"]), "V": verb, "O": obj, "perhaps": True}
        hyp["S"]["adj"] = None
    return premise, hyp


def pawsx_pair(draw: Draw, label: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The clause specs of a PAWS-X sentence pair with this label."""
    verb = draw.rng.randrange(4)
    first = {"S": draw.noun(draw.child), "V": verb, "O": draw.obj(verb)}
    first["O"]["adj"] = draw.adj()
    if label == "1":  # a paraphrase: one more adjective, same roles
        second = copy.deepcopy(first)
        second["S"]["adj"] = draw.adj()
    else:  # the two noun phrases swapped, and negated
        second = {
            "S": copy.deepcopy(first["O"]),
            "V": verb,
            "O": copy.deepcopy(first["S"]),
            "neg": True,
        }
    return first, second


PairMaker = Callable[[Draw, str], tuple[dict[str, Any], dict[str, Any]]]
PAIR_TASKS: dict[str, tuple[tuple[str, ...], PairMaker]] = {
    "xnli": (NLI_LABELS, xnli_pair),
    "pawsx": (PAWS_LABELS, pawsx_pair),
}


def pair_file(task: str, lang: Lang, split: str, seen: set[Any], per_label: int) -> str:
    """An XNLI or PAWS-X file of one language (the English train and dev files)."""
    labels, make_pair = PAIR_TASKS[task]
    draw = Draw(lang, file_rng(task, lang.code, split))
    rows: list[tuple[str, ...]] = []
    for label in labels:
        for _ in range(per_label):

            def make(label: str = label) -> tuple[Any, Any]:
                first, second = make_pair(draw, label)
                row = (lang.sentence(first), lang.sentence(second), label)
                return row[:2], row

            rows.append(unique(make, seen, f"{task}/{split}-{lang.code}"))
    draw.rng.shuffle(rows)
    return tsv(rows)


def parallel_test_files(
    task: str, langs: dict[str, Lang], codes: list[str], seen: set[Any], per_label: int
) -> dict[str, str]:
    """The XNLI or PAWS-X test files of all `codes`, parallel as in the real test sets.

    The examples (label, clause specs: noun, verb and adjective indices, names, construction) are
    drawn once, from the task's own generator, and rendered in every language, so that line i of
    every file is the same example with the same label. An example is kept only if it is new in
    every language (English: also not in `seen`, the train and dev pairs)."""
    labels, make_pair = PAIR_TASKS[task]
    # The lexicon's word lists are index-aligned across languages (`_glosses`), so the specs
    # drawn with the English entry mean the same in every language.
    draw = Draw(langs["en"], random.Random(f"{SEED}:{task}:test:parallel"))
    seen_in = {code: seen if code == "en" else set() for code in codes}
    plan: list[tuple[str, dict[str, tuple[str, str]]]] = []
    for label in labels:
        for _ in range(per_label):
            for _attempt in range(2000):
                first, second = make_pair(draw, label)
                pairs = {
                    code: (langs[code].sentence(first), langs[code].sentence(second))
                    for code in codes
                }
                if all(pairs[code] not in seen_in[code] for code in codes):
                    break
            else:
                raise SampleDataError(
                    f"{task}/test: could not draw a new parallel example (the lexicon is too small)"
                )
            for code in codes:
                seen_in[code].add(pairs[code])
            plan.append((label, pairs))
    draw.rng.shuffle(plan)
    return {
        f"{task}/test-{code}.tsv": tsv([(*pairs[code], label) for label, pairs in plan])
        for code in codes
    }


def xcopa_file(lang: Lang, split: str, seen: set[Any], total: int) -> str:
    draw = Draw(lang, file_rng("xcopa", lang.code, split))
    plan = [(q, label) for q in ("cause", "effect") for label in (0, 1)] * (total // 4)
    records = []
    for question, label in plan:

        def make(question: str = question, label: int = label) -> tuple[Any, Any]:
            premise = lang.sentence(draw.clause(adjectives=draw.rng.randrange(2), pp=0.3))
            cue = "because" if question == "cause" else "so"
            right = {**draw.clause(adjectives=draw.rng.randrange(2), pp=0.2), "cue": cue}
            wrong = draw.clause(adjectives=draw.rng.randrange(2), pp=0.2)
            choices = [lang.sentence(right), lang.sentence(wrong)]
            if label == 1:
                choices.reverse()
            return (premise, *choices), (premise, choices)

        premise, choices = unique(make, seen, f"xcopa/{split}-{lang.code}")
        records.append(
            {
                "premise": premise,
                "choice1": choices[0],
                "choice2": choices[1],
                "question": question,
                "label": label,
            }
        )
    draw.rng.shuffle(records)
    for idx, record in enumerate(records, start=1):
        record["idx"] = idx
    return jsonl(records)


def siqa_file(lang: Lang, split: str, seen: set[Any], total: int) -> str:
    draw = Draw(lang, file_rng("siqa", lang.code, split))
    records = []
    for letter in "ABC" * (total // 3):

        def make(letter: str = letter) -> tuple[Any, Any]:
            person = {"kind": "name", "cat": "persons", "idx": draw.rng.randrange(4)}
            context = lang.sentence(draw.clause(subject=person, pp=0.5))
            answers = [lang.sentence(draw.clause(adjectives=0, pp=0.2)) for _ in range(2)]
            right = lang.sentence({**draw.clause(adjectives=0, pp=0.2), "cue": "so"})
            answers.insert("ABC".index(letter), right)
            return (context, *answers), (context, answers)

        context, answers = unique(make, seen, f"siqa/{split}")
        records.append(
            {
                "context": context,
                "question": "What happens next?",
                "answerA": answers[0],
                "answerB": answers[1],
                "answerC": answers[2],
                "correct": letter,
            }
        )
    draw.rng.shuffle(records)
    return jsonl(records)


def long_sentence(lang: Lang, make_clause: Callable[[], list[Token]]) -> list[Token]:
    """Clauses joined by the conjunction until the sentence has 40 to 60 tokens."""
    for _ in range(100):
        tokens = make_clause()
        while len(lang.finish(tokens)) < LONG_MIN:
            tokens = tokens + lang.conj() + make_clause()
        sentence = lang.finish(tokens)
        if LONG_MIN <= len(sentence) <= LONG_MAX:
            return sentence
    raise SampleDataError(
        f"{lang.code}: could not build a sentence of {LONG_MIN}-{LONG_MAX} tokens"
    )


def udpos_sentence(lang: Lang, draw: Draw, kind: str) -> list[Token]:
    rng = draw.rng
    if kind in ("short", "tiny"):
        subject = draw.subject(("pron", "person", "persons"))
        c: dict[str, Any] = {"S": subject, "V": rng.randrange(4)}
        if kind == "short" and rng.random() < 0.5:
            c["O"] = draw.obj(c["V"])
            c["O"]["det"] = False
        return lang.finish(lang.clause(c))
    if kind == "copula":
        subject = draw.noun(rng.choice(sorted({*draw.objects[0], draw.child})))
        return lang.finish(lang.copula(subject, draw.adj()))
    if kind == "names":
        subject = draw.subject(("persons", "person"))
        c = draw.clause(subject=subject, pp=0.0)
        c["P"] = {"kind": "name", "cat": "locations", "idx": rng.randrange(4)}
        c["neg"] = rng.random() < 0.2
        return lang.finish(lang.clause(c))
    if kind == "long":
        return long_sentence(lang, lambda: lang.clause(draw.clause(adjectives=rng.randrange(3))))
    c = draw.clause(adjectives=rng.randrange(3), pp=0.4, num=0.2)
    c["neg"] = rng.random() < 0.25
    return lang.finish(lang.clause(c))


def panx_sentence(lang: Lang, draw: Draw, kind: str) -> list[Token]:
    """A sentence with 0-2 names (persons, organisations, locations), or a long one with more."""
    rng = draw.rng
    if kind == "long":

        def part() -> list[Token]:
            return panx_clause(lang, draw, rng.choice(["per", "org", "loc", "none", "per_loc"]))

        return long_sentence(lang, part)
    return lang.finish(panx_clause(lang, draw, kind))


def panx_clause(lang: Lang, draw: Draw, kind: str) -> list[Token]:
    rng = draw.rng
    location = {"kind": "name", "cat": "locations", "idx": rng.randrange(4)}
    if kind in ("short", "tiny"):
        c: dict[str, Any] = {"S": draw.subject(("persons", "person")), "V": rng.randrange(4)}
        if kind == "short" and rng.random() < 0.5:
            c["O"] = draw.obj(c["V"])
            c["O"]["det"] = False
        return lang.clause(c)
    if kind in ("per", "per_loc"):
        subject = draw.subject(("persons",))
    elif kind == "org":
        subject = draw.subject(("organizations",))
    else:
        subject = draw.subject(("child", "pron"))
    c = draw.clause(subject=subject, adjectives=rng.randrange(2), pp=0.0)
    if kind in ("per_loc", "loc") or (kind == "org" and rng.random() < 0.5):
        c["P"] = location
    elif kind == "none" and rng.random() < 0.5:
        c["P"] = draw.place()
    return lang.clause(c)


def tagging_file(task: str, lang: Lang, split: str, seen: set[Any], total: int) -> str:
    draw = Draw(lang, file_rng(task, lang.code, split))
    if task == "udpos":
        kinds = ["short"] * 3 + ["clause"] * 5 + ["names"] * 2
        if lang.g.get("copula"):
            kinds += ["copula"] * 2
        make_sentence = udpos_sentence
        column = 1
    else:
        kinds = ["short"] + ["per"] * 3 + ["per_loc"] * 3 + ["org"] * 2 + ["loc"] * 2 + ["none"] * 2
        make_sentence = panx_sentence
        column = 2
    plan = ["long"] * LONG_SENTENCES[split] + ["tiny"]
    plan += [draw.rng.choice(kinds) for _ in range(total - len(plan))]
    sentences = []
    for kind in plan:

        def make(kind: str = kind) -> tuple[Any, Any]:
            sentence = make_sentence(lang, draw, kind)
            return tuple((t[0], t[column]) for t in sentence), sentence

        sentences.append(unique(make, seen, f"{task}/{split}-{lang.code}"))
    draw.rng.shuffle(sentences)
    return conll(sentences, column)


# --------------------------------------------------------------------------------------------
# Building all files


def load_lexicon() -> tuple[dict[str, Lang], dict[str, Any]]:
    raw = json.loads(LEXICON.read_text(encoding="utf-8"))
    glosses = raw["_glosses"]
    langs = {
        code: Lang(code, entry, glosses) for code, entry in raw.items() if not code.startswith("_")
    }
    return langs, raw


def task_languages() -> dict[str, list[str]]:
    xtreme_r = json.loads((REGISTRY / "xtreme-r.json").read_text(encoding="utf-8"))["tasks"]
    xtreme = json.loads((REGISTRY / "xtreme.json").read_text(encoding="utf-8"))["tasks"]
    out = {task: sorted(xtreme_r[task]["languages"]) for task in ("xnli", "xcopa", "udpos", "panx")}
    out["pawsx"] = sorted(xtreme["pawsx"]["languages"])
    return out


def build(
    langs: dict[str, Lang],
    task_langs: dict[str, list[str]],
    qa_langs: dict[str, list[str]],
    ret_langs: dict[str, list[str]],
) -> dict[str, str]:
    files: dict[str, str] = {}
    en = langs["en"]
    for task in PAIR_TASKS:
        seen: set[Any] = set()
        for split in ("train", "dev"):
            files[f"{task}/{split}-en.tsv"] = pair_file(task, en, split, seen, SIZES[task][split])
        files.update(parallel_test_files(task, langs, task_langs[task], seen, SIZES[task]["test"]))
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
    files.update(build_qa(langs, qa_langs))  # own generators: the files above do not depend on it
    files.update(tatoeba_files(langs, ret_langs["tatoeba"]))  # own generators too
    files.update(mewslix_files(langs, ret_langs["mewslix"]))
    files["README.md"] = readme(files, task_langs, qa_langs, ret_langs)
    return files


# --------------------------------------------------------------------------------------------
# Extractive QA: SQuAD v1.1, XQuAD, MLQA, TyDiQA-GoldP

QA_DIRS = ("squad", "xquad", "mlqa", "tydiqa", "lareqa")
QA_FIELD = "qa"  # the lexicon field of the QA templates
QA_NAMES = {"P": "persons", "L": "locations", "O": "organizations"}  # name slots; N, Y: numbers
QA_FACTS: dict[str, tuple[str, str]] = {  # fact -> its two slots
    "lives": ("P", "L"),
    "works": ("P", "O"),
    "buys": ("P", "N"),
    "born": ("P", "Y"),
    "founded": ("O", "Y"),
}
QA_QUESTIONS: dict[str, tuple[str, str]] = {  # question -> (the fact it asks about, answer slot)
    "where_live": ("lives", "L"),
    "who_live": ("lives", "P"),
    "where_work": ("works", "O"),
    "who_work": ("works", "P"),
    "how_many": ("buys", "N"),
    "when_born": ("born", "Y"),
    "when_founded": ("founded", "Y"),
}
QA_SIZES = {  # questions per file
    ("squad", "train"): 300,
    ("squad", "dev"): 40,
    ("xquad", "test"): 20,
    ("mlqa", "test"): 20,
    ("tydiqa", "train"): 150,
    ("tydiqa", "dev"): 20,
    ("lareqa", "test"): 24,
}
QA_PER_ARTICLE = {"squad": 5, "xquad": 4, "mlqa": 1, "tydiqa": 1, "lareqa": 3}  # per article
QA_VERSIONS = {
    "squad": "1.1",
    "xquad": "1.1",
    "mlqa": "1.0",
    "tydiqa": "TyDiQA-GoldP-1.1-for-SQuAD-1.1",
    "lareqa": "1.1",
}
QA_LONG = 3  # long contexts per file (not LAReQA), every answer in their second half
QA_LONG_WORDS, QA_LONG_CHARS = 250, 400  # words; characters where words are not spaced (zh, th)
QA_MAX_ANSWERS = 3
QA_MAX_REPEATS = 2  # the same question at most twice per file
QA_NUMBERS = (5, 10)  # 'buys N books': one plural form fits 5-10 in every language
QA_YEARS = {"born": (1940, 2005), "founded": (1800, 1990)}
QA_MULTI = 0.4  # share of dev and test questions with a second (or third) gold answer
QA_EXTRA_SHARE = 0.7  # English training data: share of names from the lexicon's `qa.extra`
LAREQA_SENTENCES = (4, 6)  # sentences per LAReQA paragraph
TYDIQA_NAMES = {
    "ar": "arabic",
    "bn": "bengali",
    "en": "english",
    "fi": "finnish",
    "id": "indonesian",
    "ko": "korean",
    "ru": "russian",
    "sw": "swahili",
    "te": "telugu",
}
# {P}, {L_in}, ... (maybe with a Korean particle '+a|b' after it); '[' and ']': the long answer
QA_SLOT = re.compile(r"\{([PLONY])(_[A-Za-z]+)?\}(?:\+([^|\s]+)\|([^\s.,;:!?。？]+))?|[\[\]]")

Span = tuple[int, int]


def qa_languages() -> dict[str, list[str]]:
    xtreme_r = json.loads((REGISTRY / "xtreme-r.json").read_text(encoding="utf-8"))["tasks"]
    tasks = ("xquad", "mlqa", "tydiqa", "lareqa")
    return {task: sorted(xtreme_r[task]["languages"]) for task in tasks}


class QALang:
    """The QA templates and names of one language (the lexicon's `qa`); with `extended`, the
    English names of `qa.extra` follow the lexicon's (index-aligned with them in every language)."""

    def __init__(self, lang: Lang, extended: bool = False) -> None:
        self.lang = lang
        self.code = lang.code
        self.qa = lang.e[QA_FIELD]
        self.names = {
            slot: [[t[0] for t in split_phrase(v, "PROPN")] for v in lang.e[field]]
            for slot, field in QA_NAMES.items()
        }
        self.lexicon_sizes = {slot: len(names) for slot, names in self.names.items()}
        if extended:
            extra = self.qa.get("extra", {})
            first, last = extra.get("first_names", []), extra.get("last_names", [])
            self.names["P"] += [[a, b] for a in first for b in last]
            self.names["L"] += [v.split(" ") for v in extra.get("locations", [])]
            self.names["O"] += [v.split(" ") for v in extra.get("organizations", [])]
        # sentences of a context: spaced, or not (Chinese); Thai, without full stops, spaces them
        self.joiner = " " if lang.sep or not lang.e["punct"] else ""
        self.spaced = bool(lang.sep)  # whether words are spaced (a long context counts words)

    def sizes(self) -> dict[str, tuple[int, int]]:
        """(names of the lexicon, names in all) per name slot."""
        return {slot: (self.lexicon_sizes[slot], len(self.names[slot])) for slot in QA_NAMES}

    def name(self, slot: str, idx: int) -> str:
        return self.lang.sep.join(self.names[slot][idx])

    def value(self, key: str, values: dict[str, int]) -> tuple[str, int, int]:
        """The text of placeholder `key` (P, L_in, N, ...) and the answer span within it."""
        slot, number = key[0], values[key[0]]
        if slot in "NY":
            text = str(number)
            digits = self.qa.get("digits")
            if digits:
                text = text.translate(str.maketrans("0123456789", digits))
            return text, 0, len(text)
        forms = self.qa.get("forms", {}).get(key) if len(key) > 1 else None
        if forms is not None and number < len(forms):
            start = forms[number].index("*")
            end = forms[number].index("*", start + 1) - 1
            return forms[number].replace("*", ""), start, end
        text = self.name(slot, number)
        return text, 0, len(text)

    def template(self, kind: str, name: str, values: dict[str, int]) -> str:
        template = self.qa[kind][name]
        if isinstance(template, dict):  # one variant per gender of the person (or organisation)
            slot = "P" if "P" in values else "O"
            template = template[self.qa["genders"][QA_NAMES[slot]][values[slot]]]
        return template

    def render(
        self, kind: str, name: str, values: dict[str, int]
    ) -> tuple[str, dict[str, Span], Span | None]:
        """A fact or question: its text, the answer span of each slot, and the long answer."""
        template = self.template(kind, name, values)
        out: list[str] = []
        length = 0
        spans: dict[str, Span] = {}
        long_start, long = 0, None
        position = 0
        for match in QA_SLOT.finditer(template):
            literal = template[position : match.start()]
            out.append(literal)
            length += len(literal)
            position = match.end()
            if match.group(0) == "[":
                long_start = length
                continue
            if match.group(0) == "]":
                long = (long_start, length)
                continue
            slot, form, after_consonant, after_vowel = match.groups()
            text, start, end = self.value(slot + (form or ""), values)
            spans[slot] = (length + start, length + end)
            if after_consonant is not None:
                text += after_consonant if has_final_consonant(text) else after_vowel
            out.append(text)
            length += len(text)
        out.append(template[position:])
        sentence = "".join(out)
        capital = capitalise(sentence, self.code)
        if len(capital) != len(sentence):
            raise SampleDataError(
                f"lexicon.json [{self.code}] qa.{kind}.{name}: capitalising it changes its length"
            )
        return capital, spans, long


def qa_entity(rng: random.Random, slot: str, sizes: dict[str, tuple[int, int]]) -> int:
    lexicon, total = sizes[slot]
    if total > lexicon and rng.random() < QA_EXTRA_SHARE:
        return rng.randrange(lexicon, total)
    return rng.randrange(lexicon)


def qa_fact(
    rng: random.Random,
    fact: str,
    state: dict[str, dict[int, dict[str, int]]],
    sizes: dict[str, tuple[int, int]],
) -> dict[str, int] | None:
    """Values of a new `fact` that agree with the paragraph's facts so far (`state`), or None.

    A person lives, works, buys and was born once, an organisation was founded once; a location
    (organisation) is where one person of the paragraph lives (works), so that every question
    about a fact has one answer. Half the time the fact is about a name the paragraph has."""
    first, second = QA_FACTS[fact]
    taken = state.get(fact, {})
    used = {values[second] for values in taken.values()}
    known = sorted({v[first] for facts in state.values() for v in facts.values() if first in v})
    for _ in range(50):
        a = rng.choice(known) if known and rng.random() < 0.5 else qa_entity(rng, first, sizes)
        if a in taken:
            continue
        if second in QA_NAMES:
            b = qa_entity(rng, second, sizes)
            if b in used:
                continue
        elif second == "N":
            b = rng.randint(*QA_NUMBERS)
        else:
            b = rng.randint(*QA_YEARS[fact])
        return {first: a, second: b}
    return None


def qa_filler(draw: Draw, mention: tuple[str, int] | None = None) -> dict[str, Any]:
    """A sentence of the grammar (a clause spec), maybe naming a person, organisation or place;
    `mention`: the name it must hold (a second place in the context for an answer)."""
    rng = draw.rng
    kind = rng.choice(("plain", "plain", "person", "org", "place"))
    if mention is not None:
        kind = {"P": "person", "O": "org", "L": "place"}[mention[0]]
    if kind == "org":
        idx = mention[1] if mention else rng.randrange(len(draw.lang.e["organizations"]))
        subject: dict[str, Any] = {"kind": "name", "cat": "organizations", "idx": idx}
    elif kind == "person":  # the two first names: subjects of 3rd-person masculine verbs
        idx = mention[1] if mention else rng.randrange(2)
        subject = {"kind": "name", "cat": "persons", "idx": idx}
    else:
        subject = draw.subject(("child", "pron", "person"))
    c = draw.clause(subject=subject, adjectives=rng.randrange(2), pp=0.0)
    if kind == "place":
        idx = mention[1] if mention else rng.randrange(len(draw.lang.e["locations"]))
        c["P"] = {"kind": "name", "cat": "locations", "idx": idx}
    elif kind == "plain" and rng.random() < 0.3:
        c["P"] = draw.place(exclude=[c["O"]["idx"]])
    return {"filler": c, "mention": mention}


def qa_context(items: list[dict[str, Any]], ql: QALang) -> tuple[str, list[dict[str, Any]]]:
    """The context of a paragraph's sentences in `ql`'s language, and the spans of each sentence
    (`slots` and `long` of a fact, `mention` of a filler) in the context."""
    parts: list[str] = []
    infos: list[dict[str, Any]] = []
    offset = 0
    for item in items:
        if parts:
            offset += len(ql.joiner)
        info: dict[str, Any] = {}
        if "fact" in item:
            text, slots, long = ql.render("facts", item["fact"], item["values"])
            info["slots"] = {k: (offset + s, offset + e) for k, (s, e) in slots.items()}
            info["long"] = (offset + long[0], offset + long[1]) if long else None
        else:
            text = ql.lang.sentence(item["filler"])
            if item["mention"]:
                name = ql.name(*item["mention"])
                if text.count(name) == 1:
                    start = offset + text.index(name)
                    info["mention"] = (start, start + len(name))
        info["sentence"] = (offset, offset + len(text))
        parts.append(text)
        infos.append(info)
        offset += len(text)
    return ql.joiner.join(parts), infos


def qa_answers(
    par: dict[str, Any], qa: dict[str, Any], context: str, infos: list[dict[str, Any]], ql: QALang
) -> list[dict[str, Any]]:
    """The gold answers of a question: the fact's span, then its planned variants."""
    _, slot = QA_QUESTIONS[qa["q"]]
    info = infos[qa["item"]]
    start, end = info["slots"][slot]
    spans = [(start, end)]
    for variant in qa["variants"]:
        if variant == "long" and info["long"]:
            spans.append(info["long"])
        elif variant == "part":  # the last word of a person's name
            text = context[start:end]
            tokens = ql.names["P"][par["items"][qa["item"]]["values"]["P"]]
            if " " in text:
                spans.append((start + text.rindex(" ") + 1, end))
            elif len(tokens) > 1 and text == "".join(tokens):
                spans.append((end - len(tokens[-1]), end))
    for index in qa["repeats"]:  # the same text elsewhere (not a case form of it: Москве, Москва)
        mention = infos[index].get("mention")
        if mention and context[mention[0] : mention[1]] == context[start:end]:
            spans.append(mention)
    unique_spans = list(dict.fromkeys(spans))[:QA_MAX_ANSWERS]
    return [{"text": context[s:e], "answer_start": s} for s, e in unique_spans]


def qa_question(qa: dict[str, Any], values: dict[str, int], ql: QALang) -> str:
    _, slot = QA_QUESTIONS[qa["q"]]
    return ql.render("questions", qa["q"], {k: v for k, v in values.items() if k != slot})[0]


def qa_size(context: str, spaced: bool) -> int:
    """Words of a context, or characters where words are not spaced."""
    return len(context.split()) if spaced else len(context)


def qa_paragraph(
    draw: Draw,
    sizes: dict[str, tuple[int, int]],
    questions: int,
    long: bool,
    multi: bool,
    counts: Counter[Any],
    render: list[QALang],
    where: str,
    sentences: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """The plan of a paragraph, language-independent (the indices of names, numbers and clause
    specs), to render in any language; a long one is long in every language of `render`.

    A normal paragraph mixes its facts with 3-7 sentences of the grammar. A long one puts
    sentences of the grammar before them until, in every language, the context has 250 words (400
    characters) and its answers lie in its second half. With `sentences` (LAReQA), fillers bring
    the paragraph to that many sentences (at least one filler)."""
    rng = draw.rng
    state: dict[str, dict[int, dict[str, int]]] = {}
    items: list[dict[str, Any]] = []
    qas: list[dict[str, Any]] = []
    for _ in range(questions):
        for _attempt in range(500):
            q = rng.choice(sorted(QA_QUESTIONS))
            fact, answer = QA_QUESTIONS[q]
            values = qa_fact(rng, fact, state, sizes)
            if values is None:
                continue
            key = (q, *sorted((k, v) for k, v in values.items() if k != answer))
            if counts[key] >= QA_MAX_REPEATS:
                continue
            counts[key] += 1
            state.setdefault(fact, {})[values[QA_FACTS[fact][0]]] = values
            items.append({"fact": fact, "values": values})
            qas.append({"q": q, "item": len(items) - 1, "variants": [], "repeats": []})
            break
        else:
            raise SampleDataError(f"{where}: could not draw a new question (too few names)")
    for _ in range(rng.randint(1, 2)):  # facts no question asks about
        fact = rng.choice(sorted(QA_FACTS))
        values = qa_fact(rng, fact, state, sizes)
        if values is not None:
            state.setdefault(fact, {})[values[QA_FACTS[fact][0]]] = values
            items.append({"fact": fact, "values": values})
    for qa in qas if multi else []:
        if rng.random() >= QA_MULTI:
            continue
        _, answer = QA_QUESTIONS[qa["q"]]
        values = items[qa["item"]]["values"]
        if answer == "N":  # '7' and '7 books'
            qa["variants"].append("long")
        elif answer == "P" and values["P"] >= 2:  # a first and last name (`_glosses`), and the last
            qa["variants"].append("part")
        elif answer in QA_NAMES and values[answer] < sizes[answer][0]:
            for _ in range(rng.choice((1, 1, 2))):  # the name again, elsewhere in the context
                qa["repeats"].append(len(items))
                items.append(qa_filler(draw, (answer, values[answer])))
    if sentences:
        count = max(1, rng.randint(*sentences) - len(items))
    else:
        count = rng.randint(2, 4) if long else rng.randint(3, 7)
    fillers = [qa_filler(draw) for _ in range(count)]
    block = items + fillers
    order = list(range(len(block)))
    rng.shuffle(order)
    position = {old: new for new, old in enumerate(order)}
    first = items[0]
    slot = QA_FACTS[first["fact"]][0]
    par: dict[str, Any] = {"title": (slot, first["values"][slot])}
    prefix: list[dict[str, Any]] = []
    for _ in range(400):
        shift = len(prefix)
        par["items"] = prefix + [block[i] for i in order]
        par["qas"] = [
            {
                **qa,
                "item": position[qa["item"]] + shift,
                "repeats": [position[i] + shift for i in qa["repeats"]],
            }
            for qa in qas
        ]
        if not long or all(qa_is_long(par, ql) for ql in render):
            return par
        prefix.append(qa_filler(draw))
    raise SampleDataError(f"{where}: could not build a long context")


def qa_is_long(par: dict[str, Any], ql: QALang) -> bool:
    """Whether the paragraph is long in `ql`'s language, with every answer in its second half."""
    context, infos = qa_context(par["items"], ql)
    starts = [
        answer["answer_start"]
        for qa in par["qas"]
        for answer in qa_answers(par, qa, context, infos, ql)
    ]
    threshold = QA_LONG_WORDS if ql.spaced else QA_LONG_CHARS
    return qa_size(context, ql.spaced) >= threshold and min(starts) >= len(context) / 2


def qa_plan(
    draw: Draw,
    sizes: dict[str, tuple[int, int]],
    dataset: str,
    split: str,
    render: list[QALang],
    make_id: Callable[[random.Random, int], str],
) -> list[list[dict[str, Any]]]:
    """The articles of a QA file (each a list of paragraph plans), to render in any language.

    The question ids are drawn here, so that every rendering has the same ids."""
    rng = draw.rng
    where = f"{dataset}/{split}"
    long_count = 0 if dataset == "lareqa" else QA_LONG
    numbers = [(2, True)] * long_count  # (questions, long)
    rest = QA_SIZES[(dataset, split)] - 2 * long_count
    while rest > 0:
        numbers.append((min(rest, rng.randint(1, 3)), False))
        rest -= numbers[-1][0]
    rng.shuffle(numbers)
    counts: Counter[Any] = Counter()
    multi = split != "train" and dataset != "lareqa"
    sentences = LAREQA_SENTENCES if dataset == "lareqa" else None
    paragraphs = [
        qa_paragraph(draw, sizes, n, long, multi, counts, render, where, sentences)
        for n, long in numbers
    ]
    seen: set[str] = set()
    for par in paragraphs:
        number = rng.randrange(10**18, 10**19) if dataset == "tydiqa" else 0  # one per paragraph
        for k, qa in enumerate(par["qas"]):
            for _ in range(100):
                qa["id"] = make_id(rng, number) + (f"-{k}" if dataset == "tydiqa" else "")
                if qa["id"] not in seen:
                    break
            seen.add(qa["id"])
    per = QA_PER_ARTICLE[dataset]
    return [paragraphs[i : i + per] for i in range(0, len(paragraphs), per)]


def hex_id(digits: int) -> Callable[[random.Random, int], str]:
    return lambda rng, _number: f"{rng.getrandbits(4 * digits):0{digits}x}"


def tydiqa_id(code: str) -> Callable[[random.Random, int], str]:
    return lambda _rng, number: f"{TYDIQA_NAMES[code]}-{number}"


def qa_json(dataset: str, articles: list[list[dict[str, Any]]], ctx: QALang, qst: QALang) -> str:
    """A SQuAD v1.1-format file: contexts, titles and answers in `ctx`'s language, questions in
    `qst`'s (MLQA's generalised cross-lingual files; the same language elsewhere). LAReQA
    paragraphs also have their `sentences` and `sentence_breaks` ([start, end) in the context)."""
    data = []
    for article in articles:
        title = ctx.name(*article[0]["title"])
        if dataset in ("squad", "lareqa"):
            title = title.replace(" ", "_")
        paragraphs = []
        for par in article:
            context, infos = qa_context(par["items"], ctx)
            qas = [
                {
                    "id": qa["id"],
                    "question": qa_question(qa, par["items"][qa["item"]]["values"], qst),
                    "answers": qa_answers(par, qa, context, infos, ctx),
                }
                for qa in par["qas"]
            ]
            paragraphs.append({"context": context, "qas": qas})
            if dataset == "lareqa":
                breaks = [list(info["sentence"]) for info in infos]
                paragraphs[-1]["sentences"] = [context[s:e] for s, e in breaks]
                paragraphs[-1]["sentence_breaks"] = breaks
        data.append({"title": title, "paragraphs": paragraphs})
    document = {"version": QA_VERSIONS[dataset], "data": data}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def qa_paths(qa_langs: dict[str, list[str]]) -> dict[str, tuple[str, str, str, str]]:
    """Every QA file: path -> (dataset, split, context language, question language)."""
    paths = {f"squad/{split}-v1.1.json": ("squad", split, "en", "en") for split in ("train", "dev")}
    for code in qa_langs["xquad"]:
        paths[f"xquad/xquad.{code}.json"] = ("xquad", "test", code, code)
    for c in qa_langs["mlqa"]:
        for q in qa_langs["mlqa"]:
            paths[f"mlqa/MLQA_V1/test/test-context-{c}-question-{q}.json"] = ("mlqa", "test", c, q)
    paths["tydiqa/tydiqa-goldp-v1.1-train/tydiqa.goldp.en.train.json"] = (
        *("tydiqa", "train", "en", "en"),
    )
    for code in qa_langs["tydiqa"]:
        rel = f"tydiqa/tydiqa-goldp-v1.1-dev/tydiqa.goldp.{code}.dev.json"
        paths[rel] = ("tydiqa", "dev", code, code)
    for code in qa_langs["lareqa"]:
        paths[f"lareqa/xquad-r/{code}.json"] = ("lareqa", "test", code, code)
    return paths


def build_qa(langs: dict[str, Lang], qa_langs: dict[str, list[str]]) -> dict[str, str]:
    """The SQuAD, XQuAD, MLQA and TyDiQA-GoldP files, each plan from its own generator.

    English training and dev data (SQuAD, TyDiQA train) also use the names of `qa.extra`. XQuAD
    and MLQA (and LAReQA's XQuAD-R) are drawn once and rendered in every language (MLQA: every
    pair of context and question language); the TyDiQA dev files are drawn per language, as the
    real ones are."""
    codes = sorted({code for codes in qa_langs.values() for code in codes} | {"en"})
    ql = {code: QALang(langs[code]) for code in codes}
    english = QALang(langs["en"], extended=True)
    lexicon = ql["en"].sizes()
    plans: dict[tuple[str, str, str], list[list[dict[str, Any]]]] = {}
    for dataset, split, code in (("squad", "train", "en"), ("squad", "dev", "en")):
        draw = Draw(langs["en"], random.Random(f"{SEED}:squad:{split}"))
        plans[(dataset, split, code)] = qa_plan(
            draw, english.sizes(), dataset, split, [english], hex_id(24)
        )
    parallel = (("xquad", hex_id(24)), ("mlqa", hex_id(40)), ("lareqa", hex_id(24)))
    for dataset, make_id in parallel:
        draw = Draw(langs["en"], random.Random(f"{SEED}:{dataset}:test:parallel"))
        render = [ql[code] for code in qa_langs[dataset]]
        plans[(dataset, "test", "*")] = qa_plan(draw, lexicon, dataset, "test", render, make_id)
    draw = Draw(langs["en"], random.Random(f"{SEED}:tydiqa:en:train"))
    plans[("tydiqa", "train", "en")] = qa_plan(
        draw, english.sizes(), "tydiqa", "train", [english], tydiqa_id("en")
    )
    for code in qa_langs["tydiqa"]:
        draw = Draw(langs[code], random.Random(f"{SEED}:tydiqa:{code}:dev"))
        plans[("tydiqa", "dev", code)] = qa_plan(
            draw, lexicon, "tydiqa", "dev", [ql[code]], tydiqa_id(code)
        )
    files = {}
    for rel, (dataset, split, c, q) in qa_paths(qa_langs).items():
        plan = plans.get((dataset, split, c)) or plans[(dataset, split, "*")]
        extended = dataset == "squad" or split == "train"
        files[rel] = qa_json(
            dataset, plan, english if extended else ql[c], english if extended else ql[q]
        )
    return files


# --------------------------------------------------------------------------------------------
# Retrieval: Tatoeba and Mewsli-X (LAReQA's XQuAD-R files are built with the QA files above)

RETRIEVAL_DIRS = ("tatoeba", "mewslix")  # `lareqa/` is in QA_DIRS
TATOEBA_SIZE = 60  # sentence pairs per language
# Description languages of the candidate entities besides the 11 languages of the mentions.
MEWSLIX_DESCRIPTIONS = (
    "bg",
    "el",
    "fi",
    "fr",
    "he",
    "hi",
    "id",
    "it",
    "ko",
    "nl",
    "pt",
    "ru",
    "zh",
)
MEWSLIX_ENGLISH = {"train": 70, "dev": 15, "overlap": 10}  # English entities: see mewslix_files
MEWSLIX_PAIRS = {"train": 200, "dev": 40}  # English Wikipedia mention-entity pairs
MEWSLIX_MENTIONS = {"dev": 8, "test": 15}  # WikiNews mentions per language
MEWSLIX_DOC_IDS = {"dev": (10000, 50000), "test": (50000, 100000)}  # document ids <lang>-<n>
MEWSLIX_OWN = 0.6  # share of WikiNews mentions drawn among the entities described in their language
MEWSLIX_ENTITY_KEYS = [
    *("entity_id", "title", "description", "sentence_spans"),
    *("description_language", "description_url"),
]
MEWSLIX_CONTEXT_KEYS = [
    *("document_title", "document_url", "document_id", "language", "text"),
    *("sentence_spans", "section_title"),
]


def retrieval_languages() -> dict[str, list[str]]:
    xtreme_r = json.loads((REGISTRY / "xtreme-r.json").read_text(encoding="utf-8"))["tasks"]
    return {task: sorted(xtreme_r[task]["languages"]) for task in ("tatoeba", "mewslix")}


def render(lang: Lang, specs: list[dict[str, Any]]) -> str:
    """A sentence of one or more clause specs joined by the conjunction."""
    tokens: list[Token] = []
    for spec in specs:
        tokens += (lang.conj() if tokens else []) + lang.clause(spec)
    return lang.text(lang.finish(tokens))


def tatoeba_spec(draw: Draw) -> list[dict[str, Any]]:
    """One clause (a quarter of the time two), most naming a person, organisation or place."""
    rng = draw.rng
    specs = []
    for _ in range(1 if rng.random() < 0.75 else 2):
        kind = rng.choice(("person", "persons", "organizations", "child", "pron"))
        c = draw.clause(subject=draw.subject((kind,)), adjectives=rng.randrange(3), pp=0.3, num=0.3)
        if rng.random() < 0.4:
            c["P"] = {"kind": "name", "cat": "locations", "idx": rng.randrange(4)}
        c["neg"] = rng.random() < 0.2
        specs.append(c)
    return specs


def tatoeba_files(langs: dict[str, Lang], codes: list[str]) -> dict[str, str]:
    """`tatoeba/<l>-en.<l>` and `<l>-en.en`: line i of both is one spec rendered in the two
    languages (aligned, in drawing order), drawn per language; no line twice on either side."""
    files = {}
    for code in codes:
        draw = Draw(langs[code], file_rng("tatoeba", code, "test"))
        seen: tuple[set[str], set[str]] = (set(), set())
        pairs = []
        for _ in range(TATOEBA_SIZE):
            for _attempt in range(2000):
                specs = tatoeba_spec(draw)
                pair = (render(langs[code], specs), render(langs["en"], specs))
                if pair[0] not in seen[0] and pair[1] not in seen[1]:
                    break
            else:
                raise SampleDataError(f"tatoeba/{code}-en [{code}]: could not draw a new pair")
            seen[0].add(pair[0])
            seen[1].add(pair[1])
            pairs.append(pair)
        for side, ext in enumerate((code, "en")):
            files[f"tatoeba/{code}-en.{ext}"] = "".join(pair[side] + "\n" for pair in pairs)
    return files


def name_text(lang: Lang, raw: str) -> str:
    """A name of the lexicon as the language writes it (Chinese, Japanese: without spaces)."""
    return lang.sep.join(t[0] for t in split_phrase(raw, "PROPN"))


def name_sentence(draw: Draw, lang: Lang, cat: str, raw: str) -> tuple[str, int, int]:
    """A sentence naming `raw` once (a name of `cat`, of any language of the same script), with
    the span of the name: a person or organisation as subject, a place after the adposition."""
    if raw not in lang.e[cat]:
        lang = Lang(lang.code, {**lang.e, cat: [*lang.e[cat], raw]}, lang.glosses)
    spec = {"kind": "name", "cat": cat, "idx": lang.e[cat].index(raw)}
    name, rng = name_text(lang, raw), draw.rng
    for _ in range(100):
        if cat == "locations":
            c = draw.clause(subject=draw.subject(("child", "pron")), adjectives=rng.randrange(2))
            c["P"] = spec
        else:
            c = draw.clause(subject=spec, adjectives=rng.randrange(2), pp=0.3)
        text = lang.sentence(c)
        if text.count(name) == 1:
            return text, text.index(name), text.index(name) + len(name)
    raise SampleDataError(f"mewslix [{lang.code}]: no sentence names {raw!r} exactly once")


def mewslix_text(
    draw: Draw, lang: Lang, named: list[tuple[str, str]], fillers: int, shuffle: bool
) -> tuple[str, list[dict[str, int]], list[dict[str, Any]]]:
    """Text naming each (category, name) of `named` in a sentence of its own, among `fillers`
    sentences without names (shuffled, or after them); its sentence spans and name spans."""
    items = [name_sentence(draw, lang, cat, raw) for cat, raw in named]
    for _ in range(fillers):
        for _attempt in range(100):  # a sentence not already in the text
            c = draw.clause(
                subject=draw.subject(("child", "pron")), adjectives=draw.rng.randrange(2)
            )
            if lang.sentence(c) not in [item[0] for item in items]:
                break
        items.append((lang.sentence(c), 0, 0))
    order = list(range(len(items)))
    if shuffle:
        draw.rng.shuffle(order)
    joiner = " " if lang.sep or not lang.e["punct"] else ""
    text = joiner.join(items[i][0] for i in order)
    spans, offset = [], 0
    for i in order:
        spans.append({"start": offset, "end": offset + len(items[i][0])})
        offset += len(items[i][0]) + len(joiner)
    mentions = []
    for k in range(len(named)):
        base = spans[order.index(k)]["start"]
        start, end = base + items[k][1], base + items[k][2]
        mentions.append({"start": start, "end": end, "text": text[start:end]})
    return text, spans, mentions


def mewslix_context(
    lang: str, title: str, url: str, doc_id: str, text: str, spans: list[dict[str, int]]
) -> dict[str, Any]:
    values = (title, url, doc_id, lang, text, spans, None)
    return dict(zip(MEWSLIX_CONTEXT_KEYS, values, strict=True))


def mewslix_files(langs: dict[str, Lang], codes: list[str]) -> dict[str, str]:
    """The Mewsli-X files, each from its own generator (the entities from one of their own).

    Entities: every name of the lexicon (persons, places, organisations) of the 11 mention
    languages and of MEWSLIX_DESCRIPTIONS, and the English names of `qa.extra`, each described in
    its language by 1-3 sentences, the first naming it. The English ones are split: entities of
    the Wikipedia training pairs (a few of them also candidates), of the Wikipedia dev pairs
    (candidates), and the rest (candidates). The other candidates are split by language into
    WikiNews dev and test entities. A WikiNews mention names its entity as the entity's title does:
    an entity described in the document's language, or in another of the same script."""
    rng = random.Random(f"{SEED}:mewslix:entities")
    names = [
        (code, cat, raw)
        for code in sorted(set(codes) | set(MEWSLIX_DESCRIPTIONS))
        for cat in sorted(NER_OF)
        for raw in langs[code].e[cat]
    ]
    extra = langs["en"].e[QA_FIELD].get("extra", {})
    names += [
        ("en", "persons", f"{a} {b}") for a in extra["first_names"] for b in extra["last_names"]
    ]
    names += [("en", "locations", raw) for raw in extra["locations"]]
    names += [("en", "organizations", raw) for raw in extra["organizations"]]
    entities: list[dict[str, Any]] = []
    named: dict[str, tuple[str, str]] = {}  # entity id -> (category, name)
    titles: set[str] = set()
    qids: set[str] = set()
    for code, cat, raw in names:
        title = name_text(langs[code], raw)
        if title in titles:
            continue
        titles.add(title)
        draw = Draw(langs[code], rng)
        text, spans, _ = mewslix_text(draw, langs[code], [(cat, raw)], rng.randint(0, 2), False)
        qid = unique(lambda: (f"Q{rng.randrange(1000, 10**8)}",) * 2, qids, "mewslix QID")
        url = f"https://{code}.wikipedia.org/wiki/{title.replace(' ', '_')}"
        values = (qid, title, text, spans, code, url)
        entities.append(dict(zip(MEWSLIX_ENTITY_KEYS, values, strict=True)))
        named[qid] = (cat, raw)
    english = [e for e in entities if e["description_language"] == "en"]
    rng.shuffle(english)
    n_train, n_dev = MEWSLIX_ENGLISH["train"], MEWSLIX_ENGLISH["dev"]
    split_of = {e["entity_id"]: "train" for e in english[:n_train]}
    split_of.update({e["entity_id"]: "wikipedia-dev" for e in english[n_train : n_train + n_dev]})
    for e in english[: MEWSLIX_ENGLISH["overlap"]]:  # training entities also in the candidates
        split_of[e["entity_id"]] = "test"
    for code in sorted({e["description_language"] for e in entities}):  # WikiNews dev or test
        own = [e for e in entities if e["description_language"] == code]
        own = [e for e in own if e["entity_id"] not in split_of]
        rng.shuffle(own)
        split_of.update(
            {e["entity_id"]: "dev" if 3 * i < len(own) else "test" for i, e in enumerate(own)}
        )
    candidates = [e for e in entities if split_of[e["entity_id"]] != "train"]
    rng.shuffle(candidates)
    files = {"mewslix/candidate_set_entities.jsonl": jsonl(candidates)}
    example_ids: set[str] = set()

    def example_id(r: random.Random) -> str:
        return unique(lambda: (hex_id(32)(r, 0),) * 2, example_ids, "mewslix example id")

    en = langs["en"]
    for split, targets in (
        ("train", english[:n_train]),
        ("dev", english[n_train : n_train + n_dev]),
    ):
        draw = Draw(en, file_rng("mewslix", "en", f"wikipedia-{split}"))
        pairs = []
        for i in range(MEWSLIX_PAIRS[split]):
            entity = targets[i % len(targets)]
            page = draw.rng.choice([e for e in english if e is not entity])
            text, spans, [span] = mewslix_text(
                draw, en, [named[entity["entity_id"]]], draw.rng.randint(1, 3), True
            )
            context = mewslix_context(
                "en", page["title"], page["description_url"], page["entity_id"], text, spans
            )
            mention = {
                "example_id": example_id(draw.rng),
                "mention_span": span,
                "entity_id": entity["entity_id"],
            }
            pairs.append(
                {"contextual_mention": {"context": context, "mention": mention}, "entity": entity}
            )
        draw.rng.shuffle(pairs)
        files[f"mewslix/wikipedia_pairs-{split}.jsonl"] = jsonl(pairs)
    for code in codes:
        lang = langs[code]
        for split in ("dev", "test"):
            draw = Draw(lang, file_rng("mewslix", code, split))
            r = draw.rng
            pool = [
                e
                for e in candidates
                if split_of[e["entity_id"]] == split
                and script_share(e["title"], SCRIPTS.get(code, LATIN))[0] == 1.0
            ]
            own = [e for e in pool if e["description_language"] == code] or pool
            docs, labels, doc_ids, left = [], {}, set(), MEWSLIX_MENTIONS[split]
            while left:
                chosen: list[dict[str, Any]] = []
                for _ in range(min(left, r.randint(1, 3), len(pool))):
                    group = own if r.random() < MEWSLIX_OWN else pool
                    rest = [e for e in group if e not in chosen]
                    chosen.append(r.choice(rest or [e for e in pool if e not in chosen]))
                left -= len(chosen)
                text, spans, found = mewslix_text(
                    draw, lang, [named[e["entity_id"]] for e in chosen], r.randint(0, 2), True
                )
                doc_id = f"{code}-{r.randrange(*MEWSLIX_DOC_IDS[split])}"
                while doc_id in doc_ids:
                    doc_id = f"{code}-{r.randrange(*MEWSLIX_DOC_IDS[split])}"
                doc_ids.add(doc_id)
                title = text[: spans[0]["end"]].removesuffix(lang.e["punct"])
                url = f"https://{code}.wikinews.org/wiki/{title.replace(' ', '_')}"
                mentions = [
                    {"example_id": example_id(r), "mention_span": span, "entity_id": e["entity_id"]}
                    for span, e in zip(found, chosen, strict=True)
                ]
                mentions.sort(key=lambda m: m["mention_span"]["start"])
                labels.update({m["example_id"]: [m["entity_id"]] for m in mentions})
                docs.append(
                    {
                        "context": mewslix_context(code, title, url, doc_id, text, spans),
                        "mentions": mentions,
                    }
                )
            files[f"mewslix/wikinews_mentions/{split}-{code}.jsonl"] = jsonl(docs)
            files[f"mewslix/wikinews_labels/{split}-{code}.json"] = (
                json.dumps(labels, ensure_ascii=False) + "\n"
            )
    return files


# --------------------------------------------------------------------------------------------
# Intermediate tasks: MASSIVE and SIB-200

MASSIVE_LOCALES = (
    *("af-ZA", "am-ET", "ar-SA", "az-AZ", "bn-BD", "cy-GB", "da-DK", "de-DE", "el-GR", "en-US"),
    *("es-ES", "fa-IR", "fi-FI", "fr-FR", "he-IL", "hi-IN", "hu-HU", "hy-AM", "id-ID", "is-IS"),
    *("it-IT", "ja-JP", "jv-ID", "ka-GE", "km-KH", "kn-IN", "ko-KR", "lv-LV", "ml-IN", "mn-MN"),
    *("ms-MY", "my-MM", "nb-NO", "nl-NL", "pl-PL", "pt-PT", "ro-RO", "ru-RU", "sl-SL", "sq-AL"),
    *("sv-SE", "sw-KE", "ta-IN", "te-IN", "th-TH", "tl-PH", "tr-TR", "ur-PK", "vi-VN", "zh-CN"),
    "zh-TW",
)
TRADITIONAL_LOCALE = "zh-TW"  # written with the Traditional forms of the lexicon's zh.hant
MASSIVE_INTENTS = {  # MASSIVE's intent -> its scenario
    "alarm_set": "alarm",
    "weather_query": "weather",
    "play_music": "play",
    "calendar_set": "calendar",
    "takeaway_order": "takeaway",
    "transport_ticket": "transport",
    "news_query": "news",
    "cooking_recipe": "cooking",
}
MASSIVE_KEYS = ["id", "locale", "partition", "scenario", "intent", "utt", "annot_utt"]
MASSIVE_PARTITIONS = ("train", "dev", "test")
MASSIVE_SIZES = {"train": 4, "dev": 1, "test": 2}  # per intent and locale
MASSIVE_IDS = 16521  # utterances per locale in MASSIVE 1.0; ids are drawn below this
SIB_CATEGORIES = (
    *("science/technology", "travel", "politics", "sports", "health", "entertainment"),
    "geography",
)
SIB_HEADER = ("index_id", "category", "text")
SIB_SPLITS = ("train", "dev", "test")
SIB_SIZES = {"train": 4, "dev": 1, "test": 2}  # per category and config
SIB_IDS = 2009  # sentences of FLORES-200 dev + devtest; index ids are drawn below this
INTERMEDIATE_DIRS = ("massive", "sib200")
HANT_SKIP = ("grammar", "separator", "hant", "qa")  # zh fields without a Traditional form


def load_language_registry() -> dict[str, dict[str, Any]]:
    data = json.loads(LANGUAGE_REGISTRY.read_text(encoding="utf-8"))
    return {record["code"]: record for record in data["languages"]}


def locale_language(locale: str) -> str:
    """The lexicon (and registry) code of a MASSIVE locale: zh-CN and zh-TW are both zh."""
    return locale.split("-", 1)[0]


def sib200_config(record: dict[str, Any]) -> str | None:
    """The SIB-200 config of a registry record: the one in its script, else the first listed."""
    configs = record.get("datasets", {}).get("sib200") or []
    for config in configs:
        if config.rsplit("_", 1)[-1] == record.get("script"):
            return config
    return configs[0] if configs else None


def intermediate_plan(
    codes: Iterable[str], registry: dict[str, dict[str, Any]]
) -> tuple[dict[str, str], list[str]]:
    """The SIB-200 config of every lexicon language, and what is wrong with the registry."""
    configs: dict[str, str] = {}
    errors = []
    where = "registry/languages.json"
    for code in sorted(codes):
        record = registry.get(code)
        config = sib200_config(record) if record else None
        if record is None:
            errors.append(f"{where} [{code}]: the lexicon language is not in the registry")
        elif config is None:
            errors.append(f"{where} [{code}] datasets.sib200: no SIB-200 config")
        else:
            configs[code] = config
    for locale in MASSIVE_LOCALES:
        code = locale_language(locale)
        record = registry.get(code)
        if record is None or locale not in record.get("datasets", {}).get("massive", []):
            errors.append(f"{where} [{code}] datasets.massive: does not list {locale}")
    return configs, errors


def hant_lang(raw: dict[str, Any]) -> Lang:
    """Chinese in Traditional characters: the zh entry with the forms of its `hant`."""
    return Lang("zh", {**raw["zh"], **raw["zh"]["hant"]}, raw["_glosses"])


def massive_lang(langs: dict[str, Lang], raw: dict[str, Any], locale: str) -> Lang:
    return hant_lang(raw) if locale == TRADITIONAL_LOCALE else langs[locale_language(locale)]


def cued_tokens(lang: Lang, draw: Draw, cue: str, clauses: int) -> list[Token]:
    """One or more clauses of the lexicon's words, with the cue word before or after them."""
    rng = draw.rng
    tokens: list[Token] = []
    for _ in range(clauses):
        if tokens:
            tokens = tokens + lang.conj()
        tokens = tokens + lang.clause(draw.clause(adjectives=rng.randrange(2), pp=0.3))
    cue_tokens = split_phrase(cue, "NOUN")
    return cue_tokens + tokens if rng.random() < 0.5 else tokens + cue_tokens


def massive_file(lang: Lang, locale: str) -> str:
    """A MASSIVE locale file: every partition, balanced over the intents, ordered by id."""
    rel = f"massive/{locale}.jsonl"
    rng = random.Random(f"{SEED}:massive:{locale}")
    draw = Draw(lang, rng)
    cues = lang.e["intents"]
    seen: set[Any] = set()
    rows = []
    for partition in MASSIVE_PARTITIONS:
        for intent in MASSIVE_INTENTS:
            for _ in range(MASSIVE_SIZES[partition]):

                def make(intent: str = intent) -> tuple[Any, Any]:
                    tokens = cued_tokens(lang, draw, cues[intent], 1)
                    # a spoken request, as in MASSIVE: no capital letter, no full stop
                    utt = lang.text(lang.finish(tokens, punct=False, capital=False))
                    return utt, utt

                rows.append((partition, intent, unique(make, seen, rel)))
    ids = rng.sample(range(MASSIVE_IDS), len(rows))
    records = [
        {
            "id": str(number),
            "locale": locale,
            "partition": partition,
            "scenario": MASSIVE_INTENTS[intent],
            "intent": intent,
            "utt": utt,
            "annot_utt": utt,
        }
        for number, (partition, intent, utt) in zip(ids, rows, strict=True)
    ]
    records.sort(key=lambda record: int(record["id"]))
    return jsonl(records)


def sib200_files(lang: Lang, config: str) -> dict[str, str]:
    """The train, dev and test files of one SIB-200 config, balanced over the categories."""
    rng = random.Random(f"{SEED}:sib200:{config}")
    draw = Draw(lang, rng)
    cues = lang.e["topics"]
    total = len(SIB_CATEGORIES) * sum(SIB_SIZES.values())
    ids = iter(rng.sample(range(SIB_IDS), total))
    seen: set[Any] = set()
    files = {}
    for split in SIB_SPLITS:
        rel = f"sib200/{config}/{split}.tsv"
        rows = []
        for category in SIB_CATEGORIES:
            for _ in range(SIB_SIZES[split]):

                def make(category: str = category) -> tuple[Any, Any]:
                    tokens = cued_tokens(lang, draw, cues[category], 1 + rng.randrange(2))
                    text = lang.text(lang.finish(tokens))
                    return text, text

                rows.append((next(ids), category, unique(make, seen, rel)))
        rows.sort()
        files[rel] = tsv([SIB_HEADER, *((str(i), c, text) for i, c, text in rows)])
    return files


def build_intermediate(
    langs: dict[str, Lang], raw: dict[str, Any], configs: dict[str, str]
) -> dict[str, str]:
    files: dict[str, str] = {}
    for locale in MASSIVE_LOCALES:
        files[f"massive/{locale}.jsonl"] = massive_file(massive_lang(langs, raw, locale), locale)
    for code, config in sorted(configs.items()):
        files.update(sib200_files(langs[code], config))
    files["README.md"] = intermediate_readme(files, configs)
    return files


# --------------------------------------------------------------------------------------------
# Checks

REQUIRED_FIELDS: dict[str, tuple[type, int | None]] = {
    "nouns": (list, 8),
    "verbs": (list, 4),
    "adjectives": (list, 4),
    "num": (list, 2),
    "persons": (list, 4),
    "locations": (list, 4),
    "organizations": (list, 3),
    "adposition": (str, None),
    "pronoun": (str, None),
    "conj": (str, None),
    "not": (str, None),
    "perhaps": (str, None),
    "because": (str, None),
    "so": (str, None),
    "question_cause": (str, None),
    "question_effect": (str, None),
    "punct": (str, None),
    "separator": (str, None),
}
STRUCTURAL = ("grammar", "noun_class", "obj_class", "obl_class", "separator")
TASK_DIRS = ("xnli", "pawsx", "xcopa", "siqa", "udpos", "panx")


def strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for key in sorted(value):
            yield from strings(value[key])


def script_share(text: str, prefixes: tuple[str, ...]) -> tuple[float, int]:
    """Share of the letters of `text` whose Unicode name starts with one of `prefixes`."""
    letters = [ch for ch in text if unicodedata.category(ch).startswith("L")]
    if not letters:
        return 1.0, 0
    hits = sum(1 for ch in letters if unicodedata.name(ch, "").startswith(prefixes))
    return hits / len(letters), len(letters)


def check_script(where: str, lang: str, field: str, text: str, errors: list[str]) -> None:
    prefixes = SCRIPTS.get(lang, LATIN)
    share, count = script_share(text, prefixes)
    if count and share < SCRIPT_SHARE:
        odd = sorted(
            {ch for ch in text if unicodedata.category(ch).startswith("L")}
            - {ch for ch in text if unicodedata.name(ch, "").startswith(prefixes)}
        )
        errors.append(
            f"{where} [{lang}] {field}: only {share:.0%} of the letters are in the "
            f"{'/'.join(prefixes)} script (others: {''.join(odd[:20])})"
        )


def check_lexicon(raw: dict[str, Any], needed: Iterable[str]) -> list[str]:
    errors = []
    for key in ("_about", "_glosses"):
        if key not in raw:
            errors.append(f"lexicon.json: missing top-level {key!r}")
    for code in sorted(set(needed)):
        entry = raw.get(code)
        where = f"lexicon.json [{code}]"
        if entry is None:
            errors.append(f"{where}: missing language")
            continue
        for field, (kind, size) in REQUIRED_FIELDS.items():
            value = entry.get(field)
            if not isinstance(value, kind):
                errors.append(f"{where} {field}: expected a {kind.__name__}")
            elif size is not None and len(value) != size:
                errors.append(f"{where} {field}: expected {size} entries, found {len(value)}")
        for field in ("determiner", "aux"):
            if field not in entry or not isinstance(entry[field], (str, type(None))):
                errors.append(f"{where} {field}: expected a string or null")
        if entry.get("separator") not in ("", " "):
            errors.append(f"{where} separator: expected '' or ' '")
        for field, least in (("persons", 2), ("locations", 1), ("organizations", 1)):
            multi = [v for v in entry.get(field, []) if len(v.split()) > 1]
            if len(multi) < least:
                errors.append(f"{where} {field}: expected at least {least} multi-word names")
        grammar = entry.get("grammar", {})
        if grammar.get("order") not in ("SVO", "SOV", "VSO"):
            errors.append(f"{where} grammar.order: expected SVO, SOV or VSO")
        if not set(str(grammar.get("np", "")).split()) >= {"noun"}:
            errors.append(f"{where} grammar.np: expected an order naming at least 'noun'")
        for field in sorted(entry):
            if field == QA_FIELD:
                continue  # templates, not words: check_qa_lexicon
            for value in strings(entry[field]):
                if "\t" in value or "\n" in value or '"' in value:
                    errors.append(f"{where} {field}: {value!r} holds a tab, newline or quote")
                if field in STRUCTURAL or value in ("attr", "obj", "sg"):
                    continue  # class keys, grammar settings and references, not words
                words = " ".join(t[0] for t in split_phrase(value.replace("+", ""), "X"))
                check_script(
                    "lexicon.json", code, f"{field} {value!r}", words.replace("|", " "), errors
                )
    return errors


def lines_of(path: str, content: str, errors: list[str]) -> list[str]:
    if "\r" in content:
        errors.append(f"{path}: holds a carriage return")
    try:
        content.encode("utf-8")
    except UnicodeEncodeError as exc:
        errors.append(f"{path}: not encodable as UTF-8 ({exc.reason})")
    if content and not content.endswith("\n"):
        errors.append(f"{path}: does not end with a newline")
    return content.split("\n")[:-1]


def parse_pairs(path: str, content: str, labels: tuple[str, ...], errors: list[str]) -> list[Any]:
    rows = []
    for number, line in enumerate(lines_of(path, content, errors), start=1):
        fields = line.split("\t")
        parsed = next(csv.reader([line], delimiter="\t"), [])
        where = f"{path}:{number}"
        if len(fields) != 3 or parsed != fields:
            errors.append(f"{where}: expected 3 tab-separated fields that need no quoting")
            continue
        if '"' in line:
            errors.append(f"{where}: holds a quote character")
        for name, value in zip(("text_a", "text_b"), fields[:2], strict=False):
            if not value.strip() or value != value.strip():
                errors.append(f"{where} {name}: empty or padded with spaces")
        if fields[2] not in labels:
            errors.append(f"{where} label: {fields[2]!r} is not one of {', '.join(labels)}")
        rows.append(fields)
    return rows


COPA_KEYS = ["premise", "choice1", "choice2", "question", "label", "idx"]
SIQA_KEYS = ["context", "question", "answerA", "answerB", "answerC", "correct"]


def parse_jsonl(path: str, content: str, keys: list[str], errors: list[str]) -> list[Any]:
    records = []
    for number, line in enumerate(lines_of(path, content, errors), start=1):
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}: not JSON ({exc.msg})")
            continue
        if not isinstance(record, dict) or list(record) != keys:
            errors.append(f"{where}: expected the keys {', '.join(keys)} in that order")
            continue
        for key in keys:
            value = record[key]
            if key in ("label", "idx"):
                continue
            if not isinstance(value, str) or not value.strip() or "\t" in value or "\n" in value:
                errors.append(f"{where} {key}: expected a non-empty one-line string")
        if keys == COPA_KEYS:
            if record["question"] not in ("cause", "effect"):
                errors.append(f"{where} question: expected cause or effect")
            if record["label"] not in (0, 1) or isinstance(record["label"], bool):
                errors.append(f"{where} label: expected 0 or 1")
            if record["idx"] != number:
                errors.append(f"{where} idx: expected {number} (1-based line number)")
            if record["choice1"] == record["choice2"]:
                errors.append(f"{where} choice2: same text as choice1")
        elif record["correct"] not in ("A", "B", "C"):
            errors.append(f"{where} correct: expected A, B or C")
        records.append(record)
    return records


def parse_conll(path: str, content: str, task: str, errors: list[str]) -> list[list[list[str]]]:
    tags = UPOS if task == "udpos" else NER_TAGS
    sentences: list[list[list[str]]] = []
    current: list[list[str]] = []
    lines = lines_of(path, content, errors)
    if content and not content.endswith("\n\n"):
        errors.append(f"{path}: the last sentence is not followed by a blank line")
    for number, line in enumerate(lines, start=1):
        where = f"{path}:{number}"
        if not line:
            if not current:
                errors.append(f"{where}: two blank lines in a row")
            sentences.append(current)
            current = []
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not fields[0] or any(ch.isspace() for ch in fields[0]):
            errors.append(f"{where}: expected 'token<TAB>tag' with a token without spaces")
            continue
        if fields[1] not in tags:
            errors.append(f"{where} tag: {fields[1]!r} is not one of {', '.join(tags)}")
        if task == "panx" and fields[1].startswith("I-"):
            previous = current[-1][1] if current else "O"
            if previous[2:] != fields[1][2:]:
                errors.append(f"{where} tag: {fields[1]} does not continue a {fields[1][2:]} name")
        current.append(fields)
    if current:
        sentences.append(current)
    return sentences


def balance(
    path: str, field: str, values: list[Any], expected: Iterable[Any], errors: list[str]
) -> None:
    counts = Counter(values)
    numbers = [counts.get(v, 0) for v in expected]
    if numbers and max(numbers) - min(numbers) > 1:
        shown = ", ".join(f"{v}={counts.get(v, 0)}" for v in expected)
        errors.append(f"{path} {field}: labels are not balanced ({shown})")


def file_language(rel: str) -> str:
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return stem.rsplit("-", 1)[-1] if "-" in stem else "en"


def check_files(files: dict[str, str], task_langs: dict[str, list[str]]) -> list[str]:
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
        if rel == "README.md" or rel.split("/", 1)[0] in QA_DIRS + RETRIEVAL_DIRS:  # below
            continue
        task, content, lang = rel.split("/", 1)[0], files[rel], file_language(rel)
        texts: list[str] = []
        keys: list[Any] = []
        if task in ("xnli", "pawsx"):
            labels = NLI_LABELS if task == "xnli" else PAWS_LABELS
            rows = parse_pairs(rel, content, labels, errors)
            balance(rel, "label", [r[2] for r in rows], labels, errors)
            texts = [r[0] + " " + r[1] for r in rows]
            keys = [tuple(r[:2]) for r in rows]
        elif task == "xcopa":
            records = parse_jsonl(rel, content, COPA_KEYS, errors)
            balance(rel, "label", [r["label"] for r in records], (0, 1), errors)
            balance(rel, "question", [r["question"] for r in records], ("cause", "effect"), errors)
            texts = [" ".join((r["premise"], r["choice1"], r["choice2"])) for r in records]
            keys = [(r["premise"], r["choice1"], r["choice2"]) for r in records]
        elif task == "siqa":
            records = parse_jsonl(rel, content, SIQA_KEYS, errors)
            balance(rel, "correct", [r["correct"] for r in records], "ABC", errors)
            texts = [" ".join(r[k] for k in SIQA_KEYS[:5]) for r in records]
            keys = [tuple(r[k] for k in SIQA_KEYS[:5]) for r in records]
        elif task in ("udpos", "panx"):
            sentences = parse_conll(rel, content, task, errors)
            texts = [" ".join(t[0] for t in s) for s in sentences]
            keys = [tuple(map(tuple, s)) for s in sentences]
            long = [s for s in sentences if LONG_MIN <= len(s) <= LONG_MAX]
            split = "test" if "/test-" in rel else ("dev" if "/dev-" in rel else "train")
            if len(long) < LONG_SENTENCES[split]:
                errors.append(
                    f"{rel} [{lang}] tokens: {len(long)} sentences of {LONG_MIN}-{LONG_MAX} "
                    f"tokens, expected at least {LONG_SENTENCES[split]}"
                )
            if sentences and min(len(s) for s in sentences) > 5:
                errors.append(f"{rel} [{lang}] tokens: no short sentence (5 tokens or fewer)")
        check_script(rel, lang, "text", " ".join(texts), errors)
        if lang == "en":
            seen = keys_by_task.setdefault(task, {})
            for key in keys:
                if key in seen and seen[key] != rel:
                    errors.append(f"{rel} [en]: an example also in {seen[key]} (leakage)")
                seen.setdefault(key, rel)
        if len(set(keys)) != len(keys):
            errors.append(f"{rel} [{lang}]: holds the same example twice")
    return errors + check_parallel(files, task_langs)


def check_parallel(files: dict[str, str], task_langs: dict[str, list[str]]) -> list[str]:
    """The XNLI and PAWS-X test files of a task have the same number of lines and the same label
    on every line as the English one (line i is the same example in every language)."""
    errors = []
    for task in PAIR_TASKS:
        codes = [c for c in task_langs.get(task, []) if f"{task}/test-{c}.tsv" in files]
        if not codes:
            continue
        pivot = "en" if "en" in codes else codes[0]

        def labels(code: str, task: str = task) -> list[str]:
            lines = files[f"{task}/test-{code}.tsv"].split("\n")[:-1]
            return [line.rsplit("\t", 1)[-1] for line in lines]

        expected = labels(pivot)
        for code in codes:
            rel, found = f"{task}/test-{code}.tsv", labels(code)
            where = f"{task} test files not parallel: {rel}"
            if len(found) != len(expected):
                errors.append(
                    f"{where} [{code}]: {len(found)} lines, test-{pivot}.tsv has {len(expected)}"
                )
            differ = [i for i, (a, b) in enumerate(zip(expected, found, strict=False)) if a != b]
            if differ:
                line = differ[0] + 1
                errors.append(
                    f"{where}:{line} [{code}] label: {found[line - 1]!r}, but "
                    f"{expected[line - 1]!r} on line {line} of test-{pivot}.tsv "
                    f"({len(differ)} line(s) differ)"
                )
    return errors


# --------------------------------------------------------------------------------------------
# Checks of the QA lexicon and files


def check_qa_template(
    where: str, code: str, template: Any, expected: set[str], forms: dict[str, Any], long: str
) -> list[str]:
    """A fact or question template: each slot of `expected` once, known forms, and (facts only)
    at most one [...] around the slot `long`."""
    errors: list[str] = []
    if not isinstance(template, str) or not template.strip():
        return [f"{where}: expected a non-empty string"]
    found: list[str] = []
    brackets: list[tuple[str, int]] = []
    for match in QA_SLOT.finditer(template):
        token = match.group(0)
        if token in "[]":
            brackets.append((token, len(found)))
            continue
        slot, form = match.group(1), match.group(2)
        found.append(slot)
        if form and f"{slot}{form}" not in forms:
            errors.append(f"{where}: {{{slot}{form}}} is not in qa.forms")
    literal = QA_SLOT.sub(" ", template)
    if any(ch in literal for ch in "{}[]*+|"):
        errors.append(f"{where}: {template!r} holds a malformed placeholder or marker")
    if sorted(found) != sorted(expected):
        shown = ", ".join(f"{{{s}}}" for s in sorted(expected)) or "none"
        errors.append(f"{where}: {template!r} must hold each of {shown} once, and no other slot")
    if brackets:
        inside = found[brackets[0][1] : brackets[-1][1]] if len(brackets) == 2 else []
        if not long or [b for b, _ in brackets] != ["[", "]"] or inside != [long]:
            errors.append(f"{where}: [...] must enclose the answer slot {{{long}}} of a fact")
    check_script("lexicon.json", code, where.split("] ", 1)[-1], literal, errors)
    return errors


def check_qa_lexicon(raw: dict[str, Any], codes: Iterable[str]) -> list[str]:
    """The `qa` field of every language of the QA tasks."""
    errors: list[str] = []
    for code in sorted(set(codes)):
        entry = raw.get(code)
        if not isinstance(entry, dict):
            continue  # reported by check_lexicon
        where = f"lexicon.json [{code}] {QA_FIELD}"
        qa = entry.get(QA_FIELD)
        if not isinstance(qa, dict):
            errors.append(f"{where}: missing (the language has a QA task)")
            continue
        for key in sorted(set(qa) - {"facts", "questions", "forms", "genders", "digits", "extra"}):
            errors.append(f"{where}.{key}: unknown field")
        for value in strings(qa):
            if any(ch in value for ch in '\t\n"'):
                errors.append(f"{where}: {value!r} holds a tab, newline or quote")
            if not unicodedata.is_normalized("NFC", value):
                errors.append(f"{where}: {value!r} is not in Unicode NFC")
        forms = qa.get("forms", {})
        if not isinstance(forms, dict):
            errors.append(f"{where}.forms: expected an object")
            forms = {}
        for key, values in sorted(forms.items()):
            names = entry.get(QA_NAMES.get(key[:1], ""), [])
            if not re.fullmatch(r"[PLO]_[A-Za-z]+", key):
                errors.append(
                    f"{where}.forms.{key}: expected a key like L_in (P, L or O, _, letters)"
                )
            elif not isinstance(values, list) or len(values) != len(names):
                errors.append(f"{where}.forms.{key}: expected {len(names)} forms, one per name")
                continue
            for i, form in enumerate(values):
                core = form.split("*")[1] if isinstance(form, str) and form.count("*") == 2 else ""
                if not core or core != core.strip():
                    errors.append(
                        f"{where}.forms.{key}[{i}]: {form!r} must mark the name (the answer) "
                        "with one pair of * around it"
                    )
                else:
                    check_script("lexicon.json", code, f"qa.forms.{key}[{i}]", form, errors)
        genders = qa.get("genders", {})
        for field, values in sorted(genders.items()) if isinstance(genders, dict) else []:
            size = len(entry.get(field, []))
            if field not in QA_NAMES.values():
                errors.append(f"{where}.genders.{field}: expected persons or organizations")
            elif not isinstance(values, list) or len(values) != size:
                errors.append(f"{where}.genders.{field}: expected {size} values, one per name")
        digits = qa.get("digits")
        if digits is not None and (
            not isinstance(digits, str)
            or len(digits) != 10
            or [unicodedata.decimal(ch, -1) for ch in digits] != list(range(10))
        ):
            errors.append(f"{where}.digits: expected the ten digits 0-9 of the script, in order")
        extra = qa.get("extra", {})
        for key in sorted(extra) if isinstance(extra, dict) else []:
            values = extra[key]
            if key not in ("first_names", "last_names", "locations", "organizations"):
                errors.append(f"{where}.extra.{key}: unknown field")
            elif not isinstance(values, list) or not all(
                isinstance(v, str) and v.strip() == v and v for v in values
            ):
                errors.append(f"{where}.extra.{key}: expected a list of names")
            else:
                check_script("lexicon.json", code, f"qa.extra.{key}", " ".join(values), errors)
        for kind, names in (("facts", QA_FACTS), ("questions", QA_QUESTIONS)):
            group = qa.get(kind)
            if not isinstance(group, dict) or set(group) != set(names):
                errors.append(
                    f"{where}.{kind}: expected an object with the keys {', '.join(names)}"
                )
                continue
            for name in names:
                if kind == "facts":
                    expected, long = set(QA_FACTS[name]), QA_FACTS[name][1]
                else:
                    fact, answer = QA_QUESTIONS[name]
                    expected, long = set(QA_FACTS[fact]) - {answer}, ""
                template = group[name]
                here = f"{where}.{kind}.{name}"
                if isinstance(template, dict):
                    slot = "P" if "P" in expected else "O" if "O" in expected else ""
                    values = genders.get(QA_NAMES.get(slot, ""))
                    if not slot or not isinstance(values, list):
                        errors.append(
                            f"{here}: variants by gender need qa.genders of its {{P}}/{{O}}"
                        )
                        continue
                    for gender in sorted(set(values) - set(template)):
                        errors.append(f"{here}: no variant for the gender {gender!r}")
                    variants = sorted(template.items())
                else:
                    variants = [("", template)]
                for gender, variant in variants:
                    errors += check_qa_template(
                        f"{here}{'.' + gender if gender else ''}",
                        code,
                        variant,
                        expected,
                        forms,
                        long,
                    )
    return errors


QA_ID_PATTERNS = {
    "squad": r"[0-9a-f]{24}",
    "xquad": r"[0-9a-f]{24}",
    "mlqa": r"[0-9a-f]{40}",
    "tydiqa": r"[a-z]+-[0-9]+-[0-9]+",
    "lareqa": r"[0-9a-f]{24}",
}


def parse_qa(
    rel: str, content: str, dataset: str, split: str, codes: tuple[str, str], errors: list[str]
) -> list[dict[str, Any]]:
    """The paragraphs of a SQuAD-format file (each with its article's title), checked."""
    c, q = codes
    lang = c if c == q else f"{c}-{q}"
    lines_of(rel, content, errors)
    try:
        document = json.loads(content)
    except json.JSONDecodeError as exc:
        errors.append(f"{rel} [{lang}]: not JSON ({exc.msg})")
        return []
    if not isinstance(document, dict) or list(document) != ["version", "data"]:
        errors.append(f"{rel} [{lang}]: expected an object with the keys version, data")
        return []
    if document["version"] != QA_VERSIONS[dataset]:
        errors.append(f"{rel} [{lang}] version: expected {QA_VERSIONS[dataset]!r}")
    pattern = QA_ID_PATTERNS[dataset]
    if dataset == "tydiqa":
        pattern = TYDIQA_NAMES.get(c, "?") + r"-[0-9]+-[0-9]+"
    ids: set[str] = set()
    paragraphs: list[dict[str, Any]] = []
    articles = document["data"] if isinstance(document["data"], list) else []
    if not articles:
        errors.append(f"{rel} [{lang}] data: expected a non-empty list of articles")
    for i, article in enumerate(articles):
        where = f"{rel} [{lang}] data[{i}]"
        if not isinstance(article, dict) or list(article) != ["title", "paragraphs"]:
            errors.append(f"{where}: expected an object with the keys title, paragraphs")
            continue
        check_one_line(f"{where}.title", article["title"], errors)
        pars = article["paragraphs"] if isinstance(article["paragraphs"], list) else []
        if not pars:
            errors.append(f"{where}.paragraphs: expected a non-empty list")
        for j, par in enumerate(pars):
            here = f"{where}.paragraphs[{j}]"
            keys = ["context", "qas"] + (
                ["sentences", "sentence_breaks"] if dataset == "lareqa" else []
            )
            if not isinstance(par, dict) or list(par) != keys:
                errors.append(f"{here}: expected an object with the keys {', '.join(keys)}")
                continue
            context = par["context"]
            if not check_one_line(f"{here}.context", context, errors):
                continue
            qas = par["qas"] if isinstance(par["qas"], list) else []
            if not qas:
                errors.append(f"{here}.qas: expected a non-empty list")
            for k, qa in enumerate(qas):
                at = f"{here}.qas[{k}]"
                if not isinstance(qa, dict) or list(qa) != ["id", "question", "answers"]:
                    errors.append(f"{at}: expected an object with the keys id, question, answers")
                    continue
                if not isinstance(qa["id"], str) or not re.fullmatch(pattern, qa["id"]):
                    errors.append(f"{at}.id: {qa['id']!r} does not match {pattern}")
                elif qa["id"] in ids:
                    errors.append(f"{at}.id: {qa['id']} is the id of another question of the file")
                ids.add(str(qa["id"]))
                check_one_line(f"{at}.question", qa["question"], errors)
                answers = qa["answers"] if isinstance(qa["answers"], list) else []
                most = 1 if split == "train" or dataset == "lareqa" else QA_MAX_ANSWERS
                if not 1 <= len(answers) <= most:
                    errors.append(
                        f"{at}.answers: expected 1 to {most} answers, found {len(answers)}"
                    )
                spans = set()
                for m, answer in enumerate(answers):
                    check_qa_answer(f"{at}.answers[{m}]", context, answer, errors)
                    if isinstance(answer, dict):
                        span = (answer.get("answer_start"), answer.get("text"))
                        if span in spans:
                            errors.append(f"{at}.answers[{m}]: the same answer twice")
                        spans.add(span)
            paragraphs.append({"title": article["title"], **par})
    return paragraphs


def check_qa_answer(where: str, context: str, answer: Any, errors: list[str]) -> None:
    if not isinstance(answer, dict) or list(answer) != ["text", "answer_start"]:
        errors.append(f"{where}: expected an object with the keys text, answer_start")
        return
    text, start = answer["text"], answer["answer_start"]
    if not isinstance(text, str) or not text or text != text.strip():
        errors.append(f"{where}.text: expected a non-empty string without surrounding spaces")
        return
    if not isinstance(start, int) or isinstance(start, bool) or start < 0:
        errors.append(f"{where}.answer_start: expected a non-negative integer")
        return
    end = start + len(text)
    if context[start:end] != text:
        errors.append(
            f"{where}.answer_start: context[{start}:{end}] is {context[start:end]!r}, "
            f"not the answer {text!r}"
        )
        return
    for position in (start, end):
        if position < len(context) and unicodedata.category(context[position]).startswith("M"):
            errors.append(f"{where}: the span starts or ends inside a character (a combining mark)")


def check_qa_files(
    files: dict[str, str], qa_langs: dict[str, list[str]], langs: dict[str, Lang]
) -> list[str]:
    errors: list[str] = []
    paths = qa_paths(qa_langs)
    for rel in sorted(set(paths) - set(files)):
        errors.append(f"{rel} [{paths[rel][2]}]: missing")
    for rel in sorted(files):
        if rel.split("/", 1)[0] in QA_DIRS and rel not in paths:
            errors.append(f"{rel}: not a file of the SQuAD, XQuAD, MLQA or TyDiQA layout")
    parsed: dict[str, list[dict[str, Any]]] = {}
    for rel, (dataset, split, c, q) in sorted(paths.items()):
        if rel not in files:
            continue
        lang = c if c == q else f"{c}-{q}"
        pars = parse_qa(rel, files[rel], dataset, split, (c, q), errors)
        parsed[rel] = pars
        qas = [qa for par in pars for qa in par["qas"] if isinstance(qa, dict)]
        questions = [str(qa.get("question")) for qa in qas]
        expected = QA_SIZES[(dataset, split)]
        if len(qas) != expected:
            errors.append(f"{rel} [{lang}] qas: {len(qas)} questions, expected {expected}")
        for question, count in sorted(Counter(questions).items()):
            if count > QA_MAX_REPEATS:
                errors.append(f"{rel} [{q}] question: {question!r} is asked {count} times")
        contexts = [par["context"] for par in pars]
        if len(set(contexts)) != len(contexts):
            errors.append(f"{rel} [{c}] context: the same context twice")
        spaced = bool(langs[c].sep)
        threshold = QA_LONG_WORDS if spaced else QA_LONG_CHARS
        long = [
            par
            for par in pars
            if qa_size(par["context"], spaced) >= threshold
            and all(
                a.get("answer_start", 0) >= len(par["context"]) / 2
                for qa in par["qas"]
                for a in qa.get("answers", [])
                if isinstance(a, dict)
            )
        ]
        if len(long) < QA_LONG and dataset != "lareqa":
            unit = "words" if spaced else "characters"
            errors.append(
                f"{rel} [{c}] context: {len(long)} contexts of {threshold}+ {unit} with every "
                f"answer in their second half, expected at least {QA_LONG}"
            )
        if split == "test" and dataset == "lareqa":
            errors += check_lareqa(rel, c, pars)
        elif split != "train" and not any(len(qa.get("answers", [])) > 1 for qa in qas):
            errors.append(f"{rel} [{c}] answers: no question with more than one gold answer")
        check_script(rel, c, "context", " ".join(contexts), errors)
        check_script(rel, q, "question", " ".join(questions), errors)
        for code, field, texts in ((c, "context", contexts), (q, "question", questions)):
            spaced = langs[code].sep or (field == "context" and not langs[code].e["punct"])
            if not spaced and any(" " in text for text in texts):
                errors.append(f"{rel} [{code}] {field}: a space in text written without spaces")
    errors += check_qa_parallel(parsed, paths)
    return errors


def check_qa_parallel(
    parsed: dict[str, list[dict[str, Any]]], paths: dict[str, tuple[str, str, str, str]]
) -> list[str]:
    """XQuAD files share their structure and ids (LAReQA: and the number of sentences of every
    paragraph); MLQA files their ids, contexts and answers (per context language) and questions
    (per question language); no English context of a training file is in a dev or test file."""
    errors = []

    def shape(rel: str) -> list[Any]:
        return [
            ([qa.get("id") for qa in par["qas"]], len(par.get("sentences", [])))
            for par in parsed[rel]
        ]

    groups: dict[tuple[str, str], list[str]] = {}
    for rel, (dataset, _split, c, q) in sorted(paths.items()):
        if rel not in parsed or dataset not in ("xquad", "mlqa", "lareqa"):
            continue
        groups.setdefault((dataset, ""), []).append(rel)  # structure (MLQA: ids)
        if dataset == "mlqa":
            groups.setdefault(("mlqa", f"context-{c}"), []).append(rel)
            groups.setdefault(("mlqa", f"question-{q}"), []).append(rel)
    for (dataset, group), rels in sorted(groups.items()):
        pivot = rels[0]
        for rel in rels[1:]:
            lang = paths[rel][2] if paths[rel][2] == paths[rel][3] else "-".join(paths[rel][2:])
            where = f"{dataset} files not parallel: {rel} [{lang}]"
            if not group and shape(rel) != shape(pivot):
                errors.append(f"{where}: paragraphs, sentences or question ids differ from {pivot}")
            elif group.startswith("context-"):
                mine = [
                    (p["title"], p["context"], [qa.get("answers") for qa in p["qas"]])
                    for p in parsed[rel]
                ]
                theirs = [
                    (p["title"], p["context"], [qa.get("answers") for qa in p["qas"]])
                    for p in parsed[pivot]
                ]
                if mine != theirs:
                    errors.append(f"{where}: titles, contexts or answers differ from {pivot}")
            elif group.startswith("question-"):
                mine = [[qa.get("question") for qa in p["qas"]] for p in parsed[rel]]
                theirs = [[qa.get("question") for qa in p["qas"]] for p in parsed[pivot]]
                if mine != theirs:
                    errors.append(f"{where}: questions differ from {pivot}")
    train: dict[str, str] = {}
    for rel, (_dataset, split, _c, _q) in sorted(paths.items()):
        if split == "train" and rel in parsed:
            train.update({par["context"]: rel for par in parsed[rel]})
    for rel, (_dataset, split, c, _q) in sorted(paths.items()):
        if split == "train" or c != "en" or rel not in parsed:
            continue
        for par in parsed[rel]:
            if par["context"] in train:
                errors.append(f"{rel} [en] context: also in {train[par['context']]} (leakage)")
    return errors


# --------------------------------------------------------------------------------------------
# Checks of the retrieval files: LAReQA's sentences, Tatoeba, Mewsli-X


def check_sentence_spans(where: str, text: str, spans: Any, errors: list[str]) -> list[Span]:
    """Sentence spans ([start, end) pairs or {start, end} objects): in order, inside the text,
    non-empty, nothing but spaces between them; returns them as pairs (none where they are bad)."""
    pairs = [(s.get("start"), s.get("end")) if isinstance(s, dict) else tuple(s) for s in spans]
    end = 0
    for i, pair in enumerate(pairs):
        good = len(pair) == 2 and all(type(x) is int for x in pair) and end <= pair[0] < pair[1]
        if not good or pair[1] > len(text) or text[end : pair[0]].strip():
            errors.append(f"{where}[{i}]: {pair!r} is not a sentence of the text after the last")
            return []
        end = pair[1]
    if not pairs or text[end:].strip():
        errors.append(f"{where}: the sentences do not cover the text")
        return []
    return pairs  # type: ignore[return-value]


def check_lareqa(rel: str, lang: str, pars: list[dict[str, Any]]) -> list[str]:
    """Each paragraph's sentences are its sentence_breaks of the context, 4-6 of them; every
    answer lies inside one sentence; one question or more is answered after a first sentence."""
    errors: list[str] = []
    later = 0
    for i, par in enumerate(pars):
        where = f"{rel} [{lang}] paragraphs[{i}]"
        context, sentences = par["context"], par["sentences"]
        breaks = check_sentence_spans(
            f"{where}.sentence_breaks", context, par["sentence_breaks"], errors
        )
        if not breaks:
            continue
        if [context[s:e] for s, e in breaks] != sentences:
            errors.append(f"{where}.sentences: not the spans of sentence_breaks in the context")
        if not LAREQA_SENTENCES[0] <= len(breaks) <= LAREQA_SENTENCES[1]:
            low, high = LAREQA_SENTENCES
            errors.append(f"{where}.sentences: {len(breaks)}, expected {low} to {high}")
        for qa in par["qas"]:
            for answer in qa["answers"] if isinstance(qa, dict) else []:
                if not isinstance(answer, dict) or type(answer.get("answer_start")) is not int:
                    continue  # reported by check_qa_answer
                start, end = answer["answer_start"], answer["answer_start"] + len(answer["text"])
                inside = [j for j, (s, e) in enumerate(breaks) if s <= start and end <= e]
                if not inside:
                    errors.append(f"{where} qas {qa['id']}: the answer is not inside a sentence")
                later += bool(inside and inside[0] > 0)
    if not later:
        errors.append(f"{rel} [{lang}] qas: no answer in a second or later sentence")
    return errors


def check_tatoeba(files: dict[str, str], codes: list[str]) -> list[str]:
    """Both files of every language: TATOEBA_SIZE lines, none twice, in the script of their
    language; the English file not sorted (its lines stay aligned with the other file)."""
    errors: list[str] = []
    expected = {f"tatoeba/{c}-en.{ext}" for c in codes for ext in (c, "en")}
    for rel in sorted(r for r in files if r.startswith("tatoeba/") and r not in expected):
        errors.append(f"{rel}: not a file of the Tatoeba layout")
    for code in codes:
        for ext in (code, "en"):
            rel = f"tatoeba/{code}-en.{ext}"
            if rel not in files:
                errors.append(f"{rel} [{ext}]: missing")
                continue
            lines = lines_of(rel, files[rel], errors)
            if len(lines) != TATOEBA_SIZE:
                errors.append(f"{rel} [{ext}]: {len(lines)} lines, expected {TATOEBA_SIZE}")
            for number, line in enumerate(lines, start=1):
                if not line.strip() or line != line.strip() or "\t" in line:
                    errors.append(f"{rel}:{number} [{ext}] text: empty, padded or with a tab")
            for line, count in sorted(Counter(lines).items()):
                if count > 1:
                    errors.append(f"{rel} [{ext}] text: {line!r} is on {count} lines")
            if ext == "en" and len(lines) > 1 and lines == sorted(lines):
                errors.append(f"{rel} [en] text: sorted; the lines must stay aligned")
            check_script(rel, ext, "text", " ".join(lines), errors)
    return errors


def check_mewslix(files: dict[str, str], codes: list[str]) -> list[str]:
    """Schemas and offsets of every Mewsli-X file; unique entity, example and document ids;
    every mention's entity a candidate whose title is the mention's text; the labels files equal
    to their mentions; dev and test (Wikipedia: train and dev) entities apart; at most half of
    the test entities in the training pairs."""
    errors: list[str] = []
    root = "mewslix/"
    expected = [f"{root}candidate_set_entities.jsonl"]
    expected += [f"{root}wikipedia_pairs-{split}.jsonl" for split in MEWSLIX_PAIRS]
    for split, code in ((s, c) for s in MEWSLIX_MENTIONS for c in codes):
        expected += [f"{root}wikinews_mentions/{split}-{code}.jsonl"]
        expected += [f"{root}wikinews_labels/{split}-{code}.json"]
    for rel in sorted(r for r in files if r.startswith(root) and r not in expected):
        errors.append(f"{rel}: not a file of the Mewsli-X layout")
    for rel in expected:
        if rel not in files:
            errors.append(f"{rel} [{file_language(rel)}]: missing")
    if errors:
        return errors

    def objects(rel: str, keys: list[str]) -> list[dict[str, Any]]:
        out = []
        for number, line in enumerate(lines_of(rel, files[rel], errors), start=1):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{rel}:{number}: not JSON ({exc.msg})")
                continue
            if not isinstance(record, dict) or list(record) != keys:
                errors.append(f"{rel}:{number}: expected the keys {', '.join(keys)} in that order")
                continue
            out.append(record)
        return out

    def entity_ok(where: str, e: dict[str, Any]) -> bool:
        if not isinstance(e, dict) or list(e) != MEWSLIX_ENTITY_KEYS:
            errors.append(f"{where}: expected the keys {', '.join(MEWSLIX_ENTITY_KEYS)}")
            return False
        if not re.fullmatch(r"Q[1-9][0-9]*", str(e["entity_id"])):
            errors.append(f"{where} entity_id: {e['entity_id']!r} is not a QID")
            return False
        code, title = e["description_language"], e["title"]
        check_sentence_spans(
            f"{where} sentence_spans", e["description"], e["sentence_spans"], errors
        )
        if not check_one_line(f"{where} title", title, errors) or title not in e["description"]:
            errors.append(f"{where} [{code}] description: does not name the entity {title!r}")
        if e["description_url"] != f"https://{code}.wikipedia.org/wiki/{title.replace(' ', '_')}":
            errors.append(f"{where} [{code}] description_url: not the page of the title")
        check_script(where, code, "description", e["description"], errors)
        return True

    def mention_ok(where: str, context: dict[str, Any], lang: str, mention: Any) -> bool:
        text = context["text"]
        if context["language"] != lang or context["section_title"] is not None:
            errors.append(f"{where} [{lang}] context: expected language {lang}, no section_title")
        spans = check_sentence_spans(
            f"{where} [{lang}] sentence_spans", text, context["sentence_spans"], errors
        )
        check_script(where, lang, "text", text, errors)
        if not isinstance(mention, dict) or list(mention) != [
            "example_id",
            "mention_span",
            "entity_id",
        ]:
            errors.append(f"{where} [{lang}] mention: expected example_id, mention_span, entity_id")
            return False
        span = mention["mention_span"]
        start, end, surface = (span.get(k) for k in ("start", "end", "text"))
        if (
            type(start) is not int
            or type(end) is not int
            or not surface
            or text[start:end] != surface
        ):
            errors.append(f"{where} [{lang}] mention_span: {span!r} is not a span of the text")
            return False
        if not any(s <= start and end <= e for s, e in spans):
            errors.append(f"{where} [{lang}] mention_span: not inside one sentence")
        if mention["example_id"] in example_ids:
            errors.append(f"{where} [{lang}] example_id: {mention['example_id']} is used twice")
        example_ids.add(mention["example_id"])
        return True

    example_ids: set[str] = set()
    candidates: dict[str, dict[str, Any]] = {}
    rel = f"{root}candidate_set_entities.jsonl"
    for number, entity in enumerate(objects(rel, MEWSLIX_ENTITY_KEYS), start=1):
        if entity_ok(f"{rel}:{number}", entity):
            if entity["entity_id"] in candidates:
                errors.append(f"{rel}:{number} entity_id: {entity['entity_id']} is used twice")
            candidates[entity["entity_id"]] = entity
    seen: dict[str, set[str]] = {}  # entity ids per split
    doc_ids: list[str] = []
    for split in MEWSLIX_PAIRS:
        rel = f"{root}wikipedia_pairs-{split}.jsonl"
        for number, pair in enumerate(objects(rel, ["contextual_mention", "entity"]), start=1):
            where, cm, entity = f"{rel}:{number}", pair["contextual_mention"], pair["entity"]
            if (
                not isinstance(cm, dict)
                or list(cm) != ["context", "mention"]
                or list(cm["context"]) != MEWSLIX_CONTEXT_KEYS
            ):
                errors.append(f"{where} contextual_mention: expected a context and a mention")
                continue
            if mention_ok(where, cm["context"], "en", cm["mention"]) and entity_ok(
                f"{where} entity", entity
            ):
                if cm["mention"]["entity_id"] != entity["entity_id"]:
                    errors.append(f"{where} entity_id: not the id of the pair's entity")
                if split != "train" and candidates.get(entity["entity_id"]) != entity:
                    errors.append(f"{where} entity: not in the candidate set")
                seen.setdefault(f"wikipedia-{split}", set()).add(entity["entity_id"])
    for split, code in ((s, c) for s in MEWSLIX_MENTIONS for c in codes):
        rel = f"{root}wikinews_mentions/{split}-{code}.jsonl"
        gold: dict[str, list[str]] = {}
        for number, doc in enumerate(objects(rel, ["context", "mentions"]), start=1):
            where, context = f"{rel}:{number}", doc["context"]
            if not isinstance(context, dict) or list(context) != MEWSLIX_CONTEXT_KEYS:
                shown = ", ".join(MEWSLIX_CONTEXT_KEYS)
                errors.append(f"{where} context: expected the keys {shown}")
                continue
            doc_ids.append(context["document_id"])
            mentions = doc["mentions"] if isinstance(doc["mentions"], list) else []
            if not 1 <= len(mentions) <= 3:
                errors.append(f"{where} [{code}] mentions: {len(mentions)}, expected 1 to 3")
            for k, mention in enumerate(mentions):
                if not mention_ok(f"{where} mentions[{k}]", context, code, mention):
                    continue
                entity = candidates.get(mention["entity_id"])
                if entity is None or entity["title"] != mention["mention_span"]["text"]:
                    errors.append(
                        f"{where} [{code}] mentions[{k}].entity_id: not a candidate entity "
                        "whose title is the mention's text"
                    )
                gold[mention["example_id"]] = [mention["entity_id"]]
                seen.setdefault(split, set()).add(mention["entity_id"])
        if len(gold) != MEWSLIX_MENTIONS[split]:
            errors.append(
                f"{rel} [{code}]: {len(gold)} mentions, expected {MEWSLIX_MENTIONS[split]}"
            )
        labels_rel = f"{root}wikinews_labels/{split}-{code}.json"
        try:
            labels = json.loads(files[labels_rel])
        except json.JSONDecodeError as exc:
            labels = f"not JSON ({exc.msg})"
        if labels != gold or list(labels) != list(gold):
            errors.append(
                f"{labels_rel} [{code}]: not {{example_id: [entity_id]}} of {rel}, in its order"
            )
        lines_of(labels_rel, files[labels_rel], errors)
    for doc_id, count in sorted(Counter(doc_ids).items()):
        if count > 1:
            lang = doc_id.split("-")[0]
            errors.append(f"mewslix/wikinews_mentions [{lang}] document_id: {doc_id} used twice")
    for a, b in (("dev", "test"), ("wikipedia-train", "wikipedia-dev")):
        if seen.get(a, set()) & seen.get(b, set()):
            errors.append(f"mewslix: entities both in {a} and {b}: {sorted(seen[a] & seen[b])[:5]}")
    test, train = seen.get("test", set()), seen.get("wikipedia-train", set())
    if len(test & train) * 2 > len(test):
        errors.append(
            f"mewslix/wikinews_mentions/test-* entity_id: {len(test & train)} of the "
            f"{len(test)} test entities are in wikipedia_pairs-train.jsonl (at most half)"
        )
    return errors


def check_cue_fields(raw: dict[str, Any], codes: Iterable[str]) -> list[str]:
    """Every language has a cue word for each SIB-200 category and each MASSIVE intent."""
    errors = []
    for code in sorted(codes):
        entry = raw.get(code)
        if not isinstance(entry, dict):
            continue  # reported by check_lexicon
        for field, labels in (("topics", SIB_CATEGORIES), ("intents", tuple(MASSIVE_INTENTS))):
            where = f"lexicon.json [{code}] {field}"
            value = entry.get(field)
            if not isinstance(value, dict) or set(value) != set(labels):
                errors.append(f"{where}: expected an object with the keys {', '.join(labels)}")
                continue
            for label in labels:
                cue = value[label]
                if not isinstance(cue, str) or not cue.strip() or cue != " ".join(cue.split()):
                    errors.append(f"{where}.{label}: expected a word (or words, single spaces)")
                elif "/" in cue or "+" in cue or "|" in cue:
                    errors.append(f"{where}.{label}: {cue!r} holds '/', '+' or '|'")
            counts = Counter(value.values())
            for cue, count in sorted(counts.items()):
                if count > 1:
                    errors.append(f"{where}: {cue!r} is the cue of {count} labels")
    return errors


def hant_pairs(raw: dict[str, Any]) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(field, Simplified, Traditional) string pairs of zh and zh.hant, and their problems."""
    zh = raw.get("zh", {})
    hant = zh.get("hant")
    where = "lexicon.json [zh] hant"
    if not isinstance(hant, dict):
        return [], [f"{where}: expected an object of Traditional forms (for {TRADITIONAL_LOCALE})"]
    errors = []
    for field in sorted(set(zh) - set(HANT_SKIP) - set(hant)):
        errors.append(f"{where}: no Traditional form of {field}")
    pairs: list[tuple[str, str, str]] = []

    def walk(name: str, simplified: Any, traditional: Any) -> None:
        if isinstance(simplified, str) and isinstance(traditional, str):
            if len(simplified) != len(traditional):
                errors.append(
                    f"{where}.{name}: {traditional!r} is not a character-by-character "
                    f"conversion of {simplified!r}"
                )
            pairs.append((name, simplified, traditional))
        elif isinstance(simplified, list) and isinstance(traditional, list):
            if len(simplified) != len(traditional):
                errors.append(f"{where}.{name}: expected {len(simplified)} entries")
            for i, (a, b) in enumerate(zip(simplified, traditional, strict=False)):
                walk(f"{name}[{i}]", a, b)
        elif isinstance(simplified, dict) and isinstance(traditional, dict):
            if set(simplified) != set(traditional):
                errors.append(f"{where}.{name}: expected the keys {', '.join(simplified)}")
            for key in sorted(set(simplified) & set(traditional)):
                walk(f"{name}.{key}", simplified[key], traditional[key])
        else:
            errors.append(f"{where}.{name}: not the same shape as zh.{name}")

    for field in sorted(hant):
        if field in HANT_SKIP or field not in zh:
            errors.append(f"{where}.{field}: not a word field of zh")
            continue
        walk(field, zh[field], hant[field])
    return pairs, errors


def chinese_variants(raw: dict[str, Any]) -> tuple[set[str], set[str]]:
    """The characters only the Simplified, and only the Traditional, lexicon forms use."""
    pairs, _ = hant_pairs(raw)
    simplified: set[str] = set()
    traditional: set[str] = set()
    for _, a, b in pairs:
        for s, t in zip(a, b, strict=False):
            if s != t:
                simplified.add(s)
                traditional.add(t)
    return simplified - traditional, traditional - simplified


def words_of(text: str) -> list[str]:
    """Space-separated words without the punctuation around them."""
    words = []
    for word in text.split():
        start, end = 0, len(word)
        while start < end and unicodedata.category(word[start]).startswith("P"):
            start += 1
        while end > start and unicodedata.category(word[end - 1]).startswith("P"):
            end -= 1
        words.append(word[start:end])
    return words


def has_cue(text: str, cue: str, lang: Lang) -> bool:
    """Whether `text` holds `cue` (or, opening a sentence, its capitalised form): as whole words
    where the language spaces its words, else as a substring."""
    forms = {cue, capitalise(cue, lang.code)}
    if not lang.sep:
        return any(form in text for form in forms)
    words = words_of(text)
    for form in forms:
        parts = form.split()
        if any(words[i : i + len(parts)] == parts for i in range(len(words) - len(parts) + 1)):
            return True
    return False


def check_cues(
    where: str, text: str, label: str, cues: dict[str, str], lang: Lang, errors: list[str]
) -> None:
    if not has_cue(text, cues[label], lang):
        errors.append(f"{where}: lacks the cue word {cues[label]!r} of {label}")
    others = [other for other, cue in cues.items() if other != label and has_cue(text, cue, lang)]
    for other in others:
        errors.append(f"{where}: holds {cues[other]!r}, the cue word of {other}, not of {label}")


def check_one_line(where: str, value: Any, errors: list[str]) -> bool:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        errors.append(f"{where}: expected a non-empty string without surrounding spaces")
        return False
    if any(ch in value for ch in '\t\n\r"[]'):
        errors.append(f"{where}: holds a tab, newline, quote or bracket")
        return False
    return True


def check_massive(
    rel: str, content: str, locale: str, lang: Lang, variants: set[str], errors: list[str]
) -> None:
    code = locale_language(locale)
    cues = lang.e["intents"]
    counts: Counter[tuple[str, str]] = Counter()
    ids: dict[str, int] = {}
    partition_of: dict[str, str] = {}
    for number, line in enumerate(lines_of(rel, content, errors), start=1):
        where = f"{rel}:{number} [{locale}]"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}: not JSON ({exc.msg})")
            continue
        if not isinstance(record, dict) or list(record) != MASSIVE_KEYS:
            errors.append(f"{where}: expected the keys {', '.join(MASSIVE_KEYS)} in that order")
            continue
        if not isinstance(record["id"], str) or not record["id"].isdigit():
            errors.append(f"{where} id: expected a string of digits")
        elif record["id"] in ids:
            errors.append(f"{where} id: {record['id']} is also the id of line {ids[record['id']]}")
        else:
            ids[record["id"]] = number
        if record["locale"] != locale:
            errors.append(f"{where} locale: {record['locale']!r}, expected {locale!r}")
        partition, intent = record["partition"], record["intent"]
        if partition not in MASSIVE_PARTITIONS:
            errors.append(f"{where} partition: {partition!r} is not one of train, dev, test")
        if intent not in MASSIVE_INTENTS:
            errors.append(f"{where} intent: {intent!r} is not one of {', '.join(MASSIVE_INTENTS)}")
            continue
        if record["scenario"] != MASSIVE_INTENTS[intent]:
            errors.append(
                f"{where} scenario: {record['scenario']!r}, expected {MASSIVE_INTENTS[intent]!r}"
            )
        counts[(partition, intent)] += 1
        utt = record["utt"]
        if not check_one_line(f"{where} utt", utt, errors):
            continue
        if record["annot_utt"] != utt:
            errors.append(f"{where} annot_utt: expected the utt (no slot annotation)")
        if utt in partition_of:
            errors.append(f"{where} utt: also in {partition_of[utt]} (the same utterance twice)")
        partition_of.setdefault(utt, partition)
        check_cues(f"{where} utt", utt, intent, cues, lang, errors)
        odd = sorted(set(utt) & variants)
        if odd:
            errors.append(f"{where} utt: characters of the other Chinese script: {''.join(odd)}")
    for partition in MASSIVE_PARTITIONS:
        for intent in MASSIVE_INTENTS:
            found, expected = counts[(partition, intent)], MASSIVE_SIZES[partition]
            if found != expected:
                errors.append(
                    f"{rel} [{locale}] intent: {found} {intent} utterances in {partition}, "
                    f"expected {expected}"
                )
    check_script(rel, code, "utt", " ".join(partition_of), errors)


def check_sib200(
    config: str, files: dict[str, str], code: str, lang: Lang, errors: list[str]
) -> None:
    cues = lang.e["topics"]
    ids: dict[str, str] = {}
    split_of: dict[str, str] = {}
    for split in SIB_SPLITS:
        rel = f"sib200/{config}/{split}.tsv"
        if rel not in files:
            continue
        counts: Counter[str] = Counter()
        lines = lines_of(rel, files[rel], errors)
        if not lines or lines[0].split("\t") != list(SIB_HEADER):
            errors.append(f"{rel} [{code}]: expected the header {'<TAB>'.join(SIB_HEADER)}")
        texts = []
        for number, line in enumerate(lines[1:], start=2):
            where = f"{rel}:{number} [{code}]"
            fields = line.split("\t")
            if len(fields) != 3 or next(csv.reader([line], delimiter="\t"), []) != fields:
                errors.append(f"{where}: expected 3 tab-separated fields that need no quoting")
                continue
            index_id, category, text = fields
            if not index_id.isdigit() or str(int(index_id)) != index_id:
                errors.append(f"{where} index_id: {index_id!r} is not an integer")
            elif index_id in ids:
                errors.append(f"{where} index_id: {index_id} is also in {ids[index_id]}")
            else:
                ids[index_id] = rel
            if category not in SIB_CATEGORIES:
                shown = ", ".join(SIB_CATEGORIES)
                errors.append(f"{where} category: {category!r} is not one of {shown}")
                continue
            counts[category] += 1
            if not check_one_line(f"{where} text", text, errors):
                continue
            if text in split_of:
                errors.append(f"{where} text: also in {split_of[text]} (the same sentence twice)")
            split_of.setdefault(text, split)
            texts.append(text)
            check_cues(f"{where} text", text, category, cues, lang, errors)
        for category in SIB_CATEGORIES:
            if counts[category] != SIB_SIZES[split]:
                errors.append(
                    f"{rel} [{code}] category: {counts[category]} {category} sentences, "
                    f"expected {SIB_SIZES[split]}"
                )
        check_script(rel, code, "text", " ".join(texts), errors)


def check_intermediate(
    files: dict[str, str],
    langs: dict[str, Lang],
    raw: dict[str, Any],
    configs: dict[str, str],
    registry: dict[str, dict[str, Any]],
) -> list[str]:
    errors: list[str] = []
    required = ["README.md"] + [f"massive/{locale}.jsonl" for locale in MASSIVE_LOCALES]
    for config in sorted(configs.values()):
        required += [f"sib200/{config}/{split}.tsv" for split in SIB_SPLITS]
    for rel in required:
        if rel not in files:
            errors.append(f"{rel}: missing")
    code_of = {config: code for code, config in configs.items()}
    known = {
        config: record["code"]
        for record in registry.values()
        for config in record.get("datasets", {}).get("sib200", [])
    }
    simplified, traditional = chinese_variants(raw)
    checked = set()
    for rel in sorted(files):
        parts = rel.split("/")
        if rel == "README.md":
            continue
        if parts[0] == "massive" and len(parts) == 2 and parts[1].endswith(".jsonl"):
            locale = parts[1].removesuffix(".jsonl")
            if locale not in MASSIVE_LOCALES:
                errors.append(f"{rel}: {locale!r} is not a MASSIVE locale")
                continue
            variants = set()
            if locale_language(locale) == "zh":
                variants = simplified if locale == TRADITIONAL_LOCALE else traditional
            lang = massive_lang(langs, raw, locale)
            check_massive(rel, files[rel], locale, lang, variants, errors)
        elif parts[0] == "sib200" and len(parts) == 3 and parts[2][:-4] in SIB_SPLITS:
            config = parts[1]
            if config not in known:
                errors.append(f"{rel}: {config!r} is not a SIB-200 config of the registry")
            elif config not in code_of:
                errors.append(
                    f"{rel} [{known[config]}]: not the config chosen for the language "
                    f"({configs.get(known[config])})"
                )
            elif config not in checked:
                checked.add(config)
                code = code_of[config]
                check_sib200(config, files, code, langs[code], errors)
        else:
            errors.append(f"{rel}: not a file of the MASSIVE or SIB-200 layout")
    return errors


# --------------------------------------------------------------------------------------------
# README, writing, command line


def count_examples(rel: str, content: str) -> int:
    if rel.endswith(".jsonl") or rel.split("/", 1)[0] in ("xnli", "pawsx"):
        return content.count("\n")
    return content.count("\n\n")


def readme(
    files: dict[str, str],
    task_langs: dict[str, list[str]],
    qa_langs: dict[str, list[str]],
    ret_langs: dict[str, list[str]],
) -> str:
    def count(rel: str) -> int:
        return count_examples(rel, files[rel])

    rows = []
    specs = [
        ("xnli", "xnli/{split}-{lang}.tsv", "premise, hypothesis, label", "pairs"),
        (
            "pawsx",
            "pawsx/{split}-{lang}.tsv",
            "sentence1, sentence2, label (1 = paraphrase)",
            "pairs",
        ),
        ("xcopa", "xcopa/{split}-{lang}.jsonl", "COPA JSON lines", "examples"),
        (
            "udpos",
            "udpos/{split}-{lang}.tsv",
            "word, UPOS tag; blank line after a sentence",
            "sentences",
        ),
        (
            "panx",
            "panx/{split}-{lang}.tsv",
            "token, IOB2 tag; blank line after a sentence",
            "sentences",
        ),
    ]
    for task, pattern, fmt, unit in specs:
        train = count(pattern.format(split="train", lang="en"))
        dev_split = "val" if task == "xcopa" else "dev"
        dev = count(pattern.format(split=dev_split, lang="en"))
        test = count(pattern.format(split="test", lang=task_langs[task][0]))
        langs = " ".join(task_langs[task])
        tests = f"{test} per language ({len(task_langs[task])}: {langs})"
        rows.append(f"| `{task}/` | {fmt} | {train} | {dev} | {tests} | {unit} |")
    trn = count("siqa/socialIQa_v1.4_trn.jsonl")
    dev = count("siqa/socialIQa_v1.4_dev.jsonl")
    fmt = "Social IQa JSON lines (`socialIQa_v1.4_{trn,dev}.jsonl`)"
    rows.append(f"| `siqa/` | {fmt} | {trn} | {dev} | none (English only) | examples |")
    table = "\n".join(rows)
    total = sum(1 for rel in files if rel != "README.md")
    langs = len({code for codes in task_langs.values() for code in codes} | {"en"})
    qa_table = qa_readme_table(files, qa_langs)
    retrieval = retrieval_readme(files, qa_langs, ret_langs)
    long_contexts = f"{QA_LONG} or more long contexts ({QA_LONG_WORDS}+ words; {QA_LONG_CHARS}+"
    return f"""# Sample data for the XTREME-R tasks

**Generated file: do not edit.** Written by `scripts/sample_data/make_sample_data.py` from the
hand-written lexicon `scripts/sample_data/lexicon.json`.

## What the files are

Small synthetic data sets ("tens, not thousands" of examples) for five tasks, in the
**official XTREME download layout and file formats** (`bash scripts/download_data.sh` of
google-research/xtreme): `train-en` and `dev-en` (XCOPA: `val-en`) in English, and a
`test-<lang>` file for **every** language the registry lists for the task
(`registry/benchmarks/xtreme-r.json`; PAWS-X from `xtreme.json`). They let the test suite and the
offline demo run every code path (readers, training, prediction, scoring, aggregation) without
downloading anything. {total} data files in all, with those of the extractive-QA tasks (SQuAD,
XQuAD, MLQA, TyDiQA-GoldP) and of the retrieval tasks (Tatoeba, LAReQA, Mewsli-X; below).

| Folder | Format | train-en | dev-en | test | unit |
|---|---|---|---|---|---|
{table}

Differences from the official download:

- **Test files keep their gold labels** (the official download strips them), so scores can be
  computed from these files alone.
- XCOPA's `idx` counts from 1 within each file; there is no `changed` key.
- SIQA has only `trn` and `dev` files.

## Extractive QA: SQuAD, XQuAD, MLQA, TyDiQA-GoldP

SQuAD v1.1 JSON files (`{{"version", "data": [{{"title", "paragraphs": [{{"context", "qas":
[{{"id", "question", "answers": [{{"text", "answer_start"}}]}}]}}]}}]}}`), with the version
strings and styles of id of the releases (24 hexadecimal digits for SQuAD and XQuAD, 40 for
MLQA, `<language>-<number>-<k>` for TyDiQA, e.g. `english-1234-0`):

| Files | questions | languages |
|---|---|---|
{qa_table}

A context is a paragraph of synthetic sentences: facts written with the lexicon's `qa` templates
(`<person> lives in <location>`, `<person> works at <organisation>`, `<person> buys <n> books`,
`<person> was born in <year>`, `<organisation> was founded in <year>`) among sentences of the
grammar below, which name persons, organisations and places too. A question asks for one fact
(`Where does <person> live?`, `Who lives in <location>?`, `Where does <person> work?`, `Who works
at <organisation>?`, `How many books does <person> buy?`, `When was <person> born?`, `When was
<organisation> founded?`) with the same question words in every language, so that a tiny model
trained on the English SQuAD file can learn to go from the question word to the kind of answer
and from the name in the question to the span near it. Every question has one right answer in
its context (in a paragraph, a person lives, works, buys and was born at most once, and one person
at most lives in a place or works at an organisation), and no question is asked more than twice
in a file.

- **Every answer is a span of its context**: `context[answer_start:][:len(text)] == text`. Where
  the language inflects names, the span is the form in the context (Russian `в Москве`: `Москве`;
  Finnish `Helsingissä`).
- Training files have one answer per question. In dev and test files some questions have 2 or 3
  gold answers, as in SQuAD's dev set: the number with and without its noun (`7`, `7 books`),
  the full name and the last name (`Emily Johnson`, `Johnson`), or the same name at another place
  of the context.
- Most contexts have 30-80 words; every file has {long_contexts}
  characters in Chinese and Thai) whose answers all lie in their second half, so that they need
  more than one window of 128 tokens.
- Chinese contexts have no spaces; Thai ones separate their sentences, not their words, by spaces.
- **XQuAD and MLQA are parallel**, as the real test sets are: one plan of articles, paragraphs,
  facts and questions, with the same ids, rendered in every language (the names of the lexicon
  are index-aligned across languages: `James` in English is `李明` in Chinese). In
  `test-context-<c>-question-<q>.json` the titles, contexts and answers are in language c and the
  questions in language q (MLQA's generalised cross-lingual setting); c = q are the standard test
  sets. The TyDiQA dev files are drawn per language, as the real ones are not translations.
- The English SQuAD files and the TyDiQA training file also name the persons, places and
  organisations of `qa.extra` (80 more person names); no context of a training file is in a dev or
  test file.
- Differences from the official download: only MLQA's test files (no dev files); titles are a name
  from the paragraph, not a Wikipedia article.

{retrieval}## The text is synthetic

Every sentence is assembled from a lexicon of 8 nouns, 4 verbs, 4 adjectives, a few function
words, cue words and names per language ({langs} languages, each in its own script), in a word order
plausible for the language and with gender/case agreement only where the lexicon spells it out.
The sentences are not natural text.

**The XNLI and PAWS-X test files are parallel**, as the real test sets are: line i is the same
example in every language (the same label, the same nouns, verbs, adjectives and names of the
lexicon, the same construction), rendered in each language, so that line i has the same label in
every `test-<lang>` file of the task. Pairs whose two sentences come from the files of two
languages, aligned by line number, keep the label of the line (the "generalised cross-lingual"
setting of Huang et al., 2021). Besides these, XQuAD, MLQA and LAReQA and the two sides of a
Tatoeba pair (above), the files are not translations of each other: each is drawn on its own.

Labels are signalled by cue words, the same way in every language, so that a tiny model trained on
the English files for a few hundred steps beats chance on the English dev set:

- XNLI: a contradiction hypothesis is the premise negated (`not`), a neutral one is about another
  noun and starts with `perhaps`, an entailment is the premise without its adjective.
- PAWS-X (an XTREME task that XTREME-R dropped): a paraphrase (1) adds an adjective; a
  non-paraphrase (0) swaps the two nouns and negates the verb.
- XCOPA / COPA: the right choice starts with `because` (question `cause`) or `so` (question
  `effect`); the wrong one has no cue word. SIQA: the right answer starts with `so`.
- Where a language negates inside the verb (Turkish, Swahili, Persian, Lithuanian, ...), the
  negated verb form is the cue instead of a separate `not`.
- UD-POS and PAN-X: tags are correct by construction; every file (test files too) holds a few
  sentences of {LONG_MIN}-{LONG_MAX} tokens to exercise splitting long inputs into chunks.

**Scores on these files mean nothing about a model's quality or cross-lingual transfer**; use them
to check that things run and that numbers are computed correctly, not to compare models.

## Regenerating

    python scripts/sample_data/make_sample_data.py            # rewrite files whose content changed
    python scripts/sample_data/make_sample_data.py --check    # exit 1 if anything would change

The output is deterministic (fixed seeds, sorted iteration, UTF-8, `\\n` line endings). Before
writing, the script checks every file: formats parse back, label sets and balance, no tab or
newline inside a field, each language's text mostly in its own script, long sentences present,
no example shared between the English train, dev and test files, and the XNLI and PAWS-X test
files parallel (the same number of lines and the same label on every line in every language).
QA files: every answer a span of its context, unique ids, the number of questions and answers, no
question asked more than twice, the long contexts, no training context in a dev or test file, and
the XQuAD, MLQA and LAReQA files parallel; LAReQA's sentences the spans of their breaks and every
answer inside one. Tatoeba: the line counts, no line twice, the English file not sorted. Mewsli-X:
the schemas, every span (`text[start:end]`, inside a sentence), unique entity, example and document
ids, every mention's entity a candidate named by it, the labels files equal to the mentions, and
test entities mostly new. Edit the lexicon or the script, never these files.
"""


def retrieval_readme(
    files: dict[str, str], qa_langs: dict[str, list[str]], ret_langs: dict[str, list[str]]
) -> str:
    """The README section of Tatoeba, LAReQA and Mewsli-X, with the numbers of the files."""
    tatoeba, lareqa, mewslix = ret_langs["tatoeba"], qa_langs["lareqa"], ret_langs["mewslix"]
    xquad_r = json.loads(files[f"lareqa/xquad-r/{lareqa[0]}.json"])["data"]
    pars = [par for article in xquad_r for par in article["paragraphs"]]
    sentences = sum(len(par["sentences"]) for par in pars)
    questions = sum(len(par["qas"]) for par in pars)

    def records(rel: str) -> list[Any]:
        return [json.loads(line) for line in files[f"mewslix/{rel}"].splitlines()]

    entities = {e["entity_id"]: e for e in records("candidate_set_entities.jsonl")}
    described = sorted({e["description_language"] for e in entities.values()})
    pairs = {s: records(f"wikipedia_pairs-{s}.jsonl") for s in MEWSLIX_PAIRS}
    train = {p["entity"]["entity_id"] for p in pairs["train"]}
    mentions = {
        split: [
            (code, m["entity_id"])
            for code in mewslix
            for doc in records(f"wikinews_mentions/{split}-{code}.jsonl")
            for m in doc["mentions"]
        ]
        for split in MEWSLIX_MENTIONS
    }
    test = {qid for _, qid in mentions["test"]}
    cross = sum(entities[qid]["description_language"] != code for code, qid in mentions["test"])
    rows = [
        (
            "`tatoeba/<lang>-en.<lang>`, `tatoeba/<lang>-en.en`",
            f"{TATOEBA_SIZE} sentence pairs, one sentence a line",
            f"{len(tatoeba)}: {' '.join(tatoeba)}",
        ),
        (
            "`lareqa/xquad-r/<lang>.json`",
            f"{questions} questions, {len(pars)} paragraphs, {sentences} sentences per language "
            f"(a pool of {sentences * len(lareqa)} candidates)",
            f"{len(lareqa)}: {' '.join(lareqa)}",
        ),
        (
            "`mewslix/candidate_set_entities.jsonl`",
            f"{len(entities)} entities, described in {len(described)} languages",
            " ".join(described),
        ),
        *(
            (
                f"`mewslix/wikipedia_pairs-{split}.jsonl`",
                f"{len(pairs[split])} mention-entity pairs "
                f"({len({p['entity']['entity_id'] for p in pairs[split]})} entities)",
                "en",
            )
            for split in MEWSLIX_PAIRS
        ),
        (
            "`mewslix/wikinews_mentions/{dev,test}-<lang>.jsonl`, "
            "`mewslix/wikinews_labels/{dev,test}-<lang>.json`",
            f"{MEWSLIX_MENTIONS['dev']} (dev) and {MEWSLIX_MENTIONS['test']} (test) mentions per "
            "language, 1-3 per document",
            f"{len(mewslix)}: {' '.join(mewslix)}",
        ),
    ]
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    return f"""## Retrieval: Tatoeba, LAReQA (XQuAD-R), Mewsli-X

The layout of the XTREME-R download (`tatoeba/`, `lareqa/xquad-r/`, `mewslix/`):

| Files | content | languages |
|---|---|---|
{table}

- **Tatoeba**: line i of `<lang>-en.<lang>` and line i of `<lang>-en.en` are translations of each
  other (one clause plan rendered in both languages). The two files stay **aligned, in their
  original order**, as in `reference/real-data/tatoeba/`; the official download sorts the English
  file alphabetically (its gold is then a permutation), these files do not. No sentence is twice
  on either side of a language. Most sentences name a person, organisation or place, some have a
  numeral or a negation, so the content words, names and construction of a pair match. The
  lexicon's names are index-aligned analogues, not transliterations (`James` is `Иван` in
  Russian), so the names of a pair are the same person, not the same string.
- **LAReQA (XQuAD-R)**: SQuAD v1.1 JSON whose paragraphs also have `sentences` and
  `sentence_breaks` (`[start, end)` character offsets, `context[start:end] == sentences[i]`), as
  in `google-research-datasets/lareqa`. The files are **parallel**: one plan rendered in every
  language, with the same question ids and the same number of sentences in every paragraph, so a
  question's targets are the answer sentences with its id in every language (the `xling_id` of
  `utils_lareqa.py`). A paragraph has {LAREQA_SENTENCES[0]} to {LAREQA_SENTENCES[1]} sentences:
  facts and questions as in the QA files above (the answer sentence holds the question's name)
  among sentences of the grammar; one answer per question, inside one sentence, not always the
  first. Training data: `squad/train-v1.1.json`; LAReQA has only these test files.
- **Mewsli-X**: the schemas of the release (`Entity`, `ContextualMentions`, `MentionEntityPair`
  of `mewsli_x/schema.py`). Every entity is a name of the lexicon (a person, place or
  organisation; English also the names of `qa.extra`) with a QID, a title (the name), a
  description of 1-3 sentences in its language naming it in the first, their `sentence_spans`, and
  `https://<lang>.wikipedia.org/wiki/<title>` as `description_url`. A mention's text is its
  entity's title, in a sentence of the document. Cross-lingual test mentions (an entity described
  in another language of the same script): {cross} of {len(mentions["test"])}. English Wikipedia
  pairs are for training: their contexts name the entity among 1-3 other sentences; train and dev
  entities differ, and the dev ones are candidates. **Doubly zero-shot**: of the {len(test)}
  entities of the test mentions, {len(test - train)} are not in `wikipedia_pairs-train.jsonl`;
  WikiNews dev and test entities differ.
- Differences from the release: **test mentions keep their `entity_id` and the test labels their
  gold QID** (the release blanks them); the WikiNews texts are in the files (the release omits
  them and rebuilds them from dumps); `section_title` is null; document ids are `<lang>-<n>`
  (WikiNews) or the QID of an English entity whose page the context stands for (Wikipedia), and
  example ids 32 hexadecimal digits, unique across the dataset; the labels files end with a
  newline.

"""


def qa_readme_table(files: dict[str, str], qa_langs: dict[str, list[str]]) -> str:
    def questions(rel: str) -> int:
        data = json.loads(files[rel])["data"]
        return sum(len(par["qas"]) for article in data for par in article["paragraphs"])

    xquad, mlqa, tydiqa = (qa_langs[task] for task in ("xquad", "mlqa", "tydiqa"))
    mlqa_file = f"mlqa/MLQA_V1/test/test-context-{mlqa[0]}-question-{mlqa[0]}.json"
    tydiqa_dev = "tydiqa/tydiqa-goldp-v1.1-dev/tydiqa.goldp.{}.dev.json"
    rows = [
        ("`squad/train-v1.1.json`", questions("squad/train-v1.1.json"), "en (training)"),
        ("`squad/dev-v1.1.json`", questions("squad/dev-v1.1.json"), "en"),
        (
            "`xquad/xquad.<lang>.json`",
            f"{questions(f'xquad/xquad.{xquad[0]}.json')} per language",
            f"{len(xquad)}: {' '.join(xquad)}",
        ),
        (
            "`mlqa/MLQA_V1/test/test-context-<c>-question-<q>.json`",
            f"{questions(mlqa_file)} per file",
            f"every pair of {len(mlqa)}: {' '.join(mlqa)} ({len(mlqa) ** 2} files)",
        ),
        (
            "`tydiqa/tydiqa-goldp-v1.1-train/tydiqa.goldp.en.train.json`",
            questions("tydiqa/tydiqa-goldp-v1.1-train/tydiqa.goldp.en.train.json"),
            "en (training)",
        ),
        (
            "`tydiqa/tydiqa-goldp-v1.1-dev/tydiqa.goldp.<lang>.dev.json`",
            f"{questions(tydiqa_dev.format(tydiqa[0]))} per language",
            f"{len(tydiqa)}: {' '.join(tydiqa)}",
        ),
    ]
    return "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)


def intermediate_readme(files: dict[str, str], configs: dict[str, str]) -> str:
    total = sum(1 for rel in files if rel != "README.md")
    per = {split: MASSIVE_SIZES[split] * len(MASSIVE_INTENTS) for split in MASSIVE_PARTITIONS}
    sib = {split: SIB_SIZES[split] * len(SIB_CATEGORIES) for split in SIB_SPLITS}
    rows = range(0, len(MASSIVE_LOCALES), 12)
    locales = "\n".join(" ".join(MASSIVE_LOCALES[i : i + 12]) for i in rows)
    en = json.loads(LEXICON.read_text(encoding="utf-8"))["en"]
    intents = "\n".join(
        f"| `{intent}` | `{scenario}` | {en['intents'][intent]} |"
        for intent, scenario in MASSIVE_INTENTS.items()
    )
    categories = "\n".join(f"| `{c}` | {en['topics'][c]} |" for c in SIB_CATEGORIES)
    items = [f"{code}=`{config}`" for code, config in sorted(configs.items())]
    config_list = "\n".join(" ".join(items[i : i + 6]) for i in range(0, len(items), 6))
    massive_row = (
        f"| `massive/<locale>.jsonl` | MASSIVE 1.0 JSON lines | {per['train']} | {per['dev']} "
        f"| {per['test']} | each of the {len(MASSIVE_LOCALES)} locales |"
    )
    sib_row = (
        f"| `sib200/<config>/{{train,dev,test}}.tsv` | SIB-200 TSV | {sib['train']} "
        f"| {sib['dev']} | {sib['test']} | each of {len(configs)} configs |"
    )
    massive_sizes = "{train} train, {dev} dev and {test} test".format(**MASSIVE_SIZES)
    sib_sizes = "{train} train, {dev} dev and {test} test".format(**SIB_SIZES)
    return f"""# Sample data for the intermediate tasks (MASSIVE, SIB-200)

**Generated file: do not edit.** Written by `scripts/sample_data/make_sample_data.py` from the
hand-written lexicon `scripts/sample_data/lexicon.json`.

## What the files are

Small synthetic data sets for two multilingual intermediate-task datasets, in the datasets'
**original release formats**, so that reading them, sampling language sets and intermediate-task
training can be tested and demonstrated offline. {total} data files in all.

| Files | Format | train | dev | test | of |
|---|---|---|---|---|---|
{massive_row}
{sib_row}

### MASSIVE

The layout of the MASSIVE 1.0 release (`AmazonScience/massive`, `1.0/data/<locale>.jsonl`): one
file per locale holding all three partitions, one JSON object per line with the keys, in this
order, `id` (a string, unique within the file), `locale`, `partition` (`train`, `dev` or `test`),
`scenario`, `intent`, `utt` (the utterance) and `annot_utt`. Every locale of MASSIVE has a file:

{locales}

zh-CN is written in Simplified and zh-TW in Traditional characters.

{len(MASSIVE_INTENTS)} of MASSIVE's 60 intents, each with its scenario and the English form of
its cue word; per locale {massive_sizes} utterances per intent:

| intent | scenario | cue |
|---|---|---|
{intents}

Differences from the release: only the seven keys above (no `worker_id`, `slot_method`,
`judgments`); `annot_utt` is the utterance itself, without slot annotation; the ids are drawn at
random and do not link translations across locales (the utterances are not translations of each
other).

### SIB-200

The layout of the SIB-200 release (github `dadelani/sib-200`, `data/annotated/<config>/`;
`Davlan/sib200` on the Hugging Face hub): per config `train.tsv`, `dev.tsv` and `test.tsv`,
tab-separated with the header line `index_id<TAB>category<TAB>text`. `index_id` is an integer,
unique within a config across its three files (drawn at random: not FLORES-200 sentence numbers,
and not linking translations across configs). The {len(SIB_CATEGORIES)} categories, each
with the English form of its cue word; per config {sib_sizes} sentences per category:

| category | cue |
|---|---|
{categories}

One config per language of the lexicon: the language's SIB-200 config in its script in the
language registry (`registry/languages.json`, `datasets.sib200`), else the first one listed:

{config_list}

## The text is synthetic

Every utterance and sentence is assembled from the lexicon's words (8 nouns, 4 verbs, 4 adjectives,
function words and names per language, each language in its own script): one clause (MASSIVE) or
one or two clauses (SIB-200), with the cue word of the label, translated into the language, before
or after them. MASSIVE utterances are neither capitalised nor punctuated, as spoken requests;
SIB-200 sentences are. The label is signalled the same way in every language, so that a tiny
model trained on one language's train file beats chance on its dev file. The text is not natural,
and nothing in it is a translation of the real datasets.

**Scores on these files mean nothing about a model's quality, about cross-lingual transfer, or
about which languages help as intermediate tasks**; use them to check that things run and that
numbers are computed correctly.

## Regenerating

    python scripts/sample_data/make_sample_data.py            # rewrite files whose content changed
    python scripts/sample_data/make_sample_data.py --check    # exit 1 if anything would change

The same command writes `plugins/xtreme_r/sample/`. The output is deterministic (fixed seeds,
sorted iteration, UTF-8, `\\n` line endings). Before writing, the script checks every file: formats
parse back, every MASSIVE locale present, every SIB-200 config valid for the registry, exact label
sets and balance, each language's text mostly in its own script (zh-TW free of Simplified and zh-CN
of Traditional forms), each example holding its label's cue word and no other label's, and no
example repeated within a locale or config across train, dev and test. Edit the lexicon or the
script, never these files.
"""


def sync(
    out: Path, files: dict[str, str], check: bool, folders: Iterable[str] = TASK_DIRS
) -> tuple[list[str], list[str]]:
    """Write changed files (unless `check`); return (changed or new, stale) relative paths."""
    changed, stale = [], []
    for rel in sorted(files):
        path = out / rel
        data = files[rel].encode("utf-8")
        if not path.is_file() or path.read_bytes() != data:
            changed.append(rel)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
    for folder in folders:
        directory = out / folder
        if not directory.is_dir():
            continue
        for path in sorted(directory.rglob("*")):
            rel = path.relative_to(out).as_posix()
            if path.is_file() and rel not in files:
                stale.append(rel)
                if not check:
                    path.unlink()
        if not check:  # folders left empty (a config no longer generated)
            for path in sorted(directory.rglob("*"), reverse=True):
                if path.is_dir() and not any(path.iterdir()):
                    path.rmdir()
    return changed, stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--intermediate-out",
        type=Path,
        default=INTERMEDIATE_OUT,
        help=f"output folder of MASSIVE and SIB-200 (default: {INTERMEDIATE_OUT})",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if any file would change"
    )
    args = parser.parse_args(argv)
    outputs: list[tuple[Path, dict[str, str], tuple[str, ...]]] = []
    try:
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
            files = build(langs, task_langs, qa_langs, ret_langs)
            errors = check_files(files, task_langs) + check_qa_files(files, qa_langs, langs)
            errors += check_tatoeba(files, ret_langs["tatoeba"])
            errors += check_mewslix(files, ret_langs["mewslix"])
            intermediate = build_intermediate(langs, raw, configs)
            errors += check_intermediate(
                intermediate, langs, raw, configs, load_language_registry()
            )
            outputs = [(args.out, files, TASK_DIRS + QA_DIRS + RETRIEVAL_DIRS)]
            outputs.append((args.intermediate_out, intermediate, INTERMEDIATE_DIRS))
    except SampleDataError as exc:
        errors = [str(exc)]
    if errors:
        print(f"error: {len(errors)} problem(s); nothing written:", file=sys.stderr)
        for error in errors:
            print(f"  {error}", file=sys.stderr)
        return 2
    status = 0
    for out, files, folders in outputs:
        changed, stale = sync(out, files, args.check, folders)
        if not args.check:
            print(f"{out}: {len(files)} files, {len(changed)} written, {len(stale)} removed")
        elif changed or stale:
            print(f"{out}: regenerating would change {len(changed) + len(stale)} file(s):")
            for rel in changed:
                print(f"  changed: {rel}")
            for rel in stale:
                print(f"  removed: {rel}")
            status = 1
        else:
            print(f"{out}: up to date ({len(files)} files)")
    return status


if __name__ == "__main__":
    sys.exit(main())
