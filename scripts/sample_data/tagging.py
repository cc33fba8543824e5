"""UD-POS and PAN-X (WikiANN): one ``token<TAB>tag`` line per token, a blank line after each
sentence (UPOS tags; IOB2 tags of persons, organisations and locations).

The tags are correct by construction: the grammar tags every token it renders. Every file, test
files too, holds a few sentences of 40-60 tokens, to exercise splitting long inputs into chunks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .checks import Examples, lines_of
from .common import SampleDataError, file_rng, unique
from .grammar import UPOS, Draw, Lang, Token

NER_TAGS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")
LONG_SENTENCES = {"train": 4, "dev": 2, "test": 2}  # 40-60 token sentences per tagging file
LONG_MIN, LONG_MAX = 40, 60


def conll(sentences: list[list[Token]], column: int) -> str:
    return "".join(
        "".join(f"{t[0]}\t{t[column]}\n" for t in sentence) + "\n" for sentence in sentences
    )


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


def tagging_examples(rel: str, content: str, lang: str, errors: list[str]) -> Examples:
    """Check a UD-POS or PAN-X file, long and short sentences too (its `Examples`: the
    sentences are the keys)."""
    sentences = parse_conll(rel, content, rel.split("/", 1)[0], errors)
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
    return texts, keys
