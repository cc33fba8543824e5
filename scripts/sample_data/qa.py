"""Extractive QA: SQuAD, XQuAD, MLQA and TyDiQA-GoldP, and LAReQA's XQuAD-R files.

SQuAD v1.1 JSON in the XTREME download layout: SQuAD (``squad/{train,dev}-v1.1.json``,
English), XQuAD (``xquad/xquad.<lang>.json``), MLQA
(``mlqa/MLQA_V1/test/test-context-<c>-question-<q>.json``, every pair of its languages) and
TyDiQA-GoldP (``tydiqa/tydiqa-goldp-v1.1-train/tydiqa.goldp.en.train.json``,
``tydiqa/tydiqa-goldp-v1.1-dev/tydiqa.goldp.<lang>.dev.json``); LAReQA's paragraphs
(``lareqa/xquad-r/<lang>.json``) also have ``sentences`` and ``sentence_breaks``.

A context mixes facts written with the lexicon's ``qa`` templates (``<person> lives in
<location>``, ``works at``, ``buys <n> books``, ``was born in``, ``<organisation> was founded
in``) with sentences of the grammar; a question asks for one fact, with the same question words
in every language, and its answers are spans of the context (2-3 gold answers for some dev and
test questions). XQuAD, MLQA and LAReQA are parallel: one plan rendered in every language, with
the same ids (MLQA: contexts and answers in one language, questions in another). Every QA file
but LAReQA's has long contexts (250+ words) answered in their second half. The QA files have
their own random generators: the other files do not depend on them.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from .common import SEED, SampleDataError, Span, benchmark_languages
from .grammar import QA_FIELD, Draw, Lang, capitalise, has_final_consonant, split_phrase

QA_DIRS = ("squad", "xquad", "mlqa", "tydiqa", "lareqa")
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


def qa_languages() -> dict[str, list[str]]:
    return benchmark_languages("xtreme-r", ("xquad", "mlqa", "tydiqa", "lareqa"))


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
