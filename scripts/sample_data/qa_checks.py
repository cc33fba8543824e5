"""Checks of the QA part of the lexicon (the ``qa`` templates, forms, genders, digits and
extra names) and of the QA files: formats, ids, answer spans, question counts and repeats, long
contexts, parallel files, and no training context in a dev or test file.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import Any

from .checks import check_one_line, check_script, lines_of, strings
from .grammar import QA_FIELD, Lang
from .qa import (
    QA_DIRS,
    QA_FACTS,
    QA_LONG,
    QA_LONG_CHARS,
    QA_LONG_WORDS,
    QA_MAX_ANSWERS,
    QA_MAX_REPEATS,
    QA_NAMES,
    QA_QUESTIONS,
    QA_SIZES,
    QA_SLOT,
    QA_VERSIONS,
    TYDIQA_NAMES,
    qa_paths,
    qa_size,
)
from .retrieval_checks import check_lareqa


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
