"""Retrieval: Tatoeba and Mewsli-X (LAReQA's XQuAD-R files are built with the QA files, in
`qa`), in the XTREME-R layout, each file from its own random generator.

Tatoeba (``tatoeba/<lang>-en.<lang>`` and ``<lang>-en.en``, 41 languages): 60 sentence pairs per
language, line i of the two files one clause plan rendered in both; the files stay aligned in
drawing order (the official download sorts the English file), with no line twice on either side.
Mewsli-X (``mewslix/``): ``candidate_set_entities.jsonl`` (the lexicon's names, each described in
its language), English ``wikipedia_pairs-{train,dev}.jsonl`` for training, and per language
``wikinews_mentions/{dev,test}-<lang>.jsonl`` with ``wikinews_labels/{dev,test}-<lang>.json``; a
mention's text is its entity's title, test entity ids are kept, and most test entities are not
in the training pairs.
"""

from __future__ import annotations

import json
import random
from typing import Any

from .checks import LATIN, SCRIPTS, script_share
from .common import SEED, SampleDataError, benchmark_languages, file_rng, jsonl, unique
from .grammar import NER_OF, QA_FIELD, Draw, Lang, Token, split_phrase
from .qa import hex_id

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
    return benchmark_languages("xtreme-r", ("tatoeba", "mewslix"))


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
