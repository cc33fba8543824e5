"""The lexicon (``lexicon.json``, beside this module) and the grammar that renders it.

A clause spec is a language-independent plan of a clause: the indices of its noun, verb,
adjectives and names in the lexicon's word lists, and flags (negated, ``perhaps``, a cue word).
The word lists are index-aligned across languages (``_glosses``), so one spec means the same in
every language: `Lang` turns it into tokens ([text, UPOS tag, NER tag]) and text in the word order,
agreement and script of one language, and `Draw` draws random specs. Every dataset family builds
its sentences this way, with its own random generator.
"""

from __future__ import annotations

import copy
import json
import random
import unicodedata
from collections.abc import Iterable
from typing import Any

from .common import LEXICON

UPOS = (
    *("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON"),
    *("PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X"),
)
NER_OF = {"persons": "PER", "locations": "LOC", "organizations": "ORG"}
CASED_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN")
VOWELS = set("aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýœőű")
COUNTABLE = ("house", "book", "tree", "city", "road")  # nouns that can follow 'two/three'
QA_FIELD = "qa"  # the lexicon field of the QA templates


Token = list[str]  # [text, upos, ner]


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


def load_lexicon() -> tuple[dict[str, Lang], dict[str, Any]]:
    raw = json.loads(LEXICON.read_text(encoding="utf-8"))
    glosses = raw["_glosses"]
    langs = {
        code: Lang(code, entry, glosses) for code, entry in raw.items() if not code.startswith("_")
    }
    return langs, raw
