"""Checks of the retrieval files: LAReQA's sentences and breaks, Tatoeba's line counts and
repeated lines, Mewsli-X's schemas, spans, ids, candidate entities and labels.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from .checks import check_one_line, check_script, check_sentence_spans, file_language, lines_of
from .qa import LAREQA_SENTENCES
from .retrieval import (
    MEWSLIX_CONTEXT_KEYS,
    MEWSLIX_ENTITY_KEYS,
    MEWSLIX_MENTIONS,
    MEWSLIX_PAIRS,
    TATOEBA_SIZE,
)


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
