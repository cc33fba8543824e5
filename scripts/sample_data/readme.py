"""The three generated READMEs (``plugins/xtreme_r/sample/README.md``,
``plugins/intermediate/sample/README.md`` and ``plugins/low_resource/sample/README.md``): what the
files are, with the numbers of the files just built.
"""

from __future__ import annotations

import json
from typing import Any

from .common import LEXICON
from .intermediate import (
    MASSIVE_INTENTS,
    MASSIVE_LOCALES,
    MASSIVE_PARTITIONS,
    MASSIVE_SIZES,
    SIB_CATEGORIES,
    SIB_SIZES,
    SIB_SPLITS,
)
from .low_resource import ANLI_PER_LABEL, MN_SENTENCES
from .qa import LAREQA_SENTENCES, QA_LONG, QA_LONG_CHARS, QA_LONG_WORDS
from .retrieval import MEWSLIX_MENTIONS, MEWSLIX_PAIRS, TATOEBA_SIZE
from .tagging import LONG_MAX, LONG_MIN


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
    others, other_size = {}, 0
    for task in ("panx", "udpos"):
        prefix = f"{task}/train-"
        extra = sorted(rel for rel in files if rel.startswith(prefix) and rel != f"{prefix}en.tsv")
        others[task] = ", ".join(rel[len(prefix) : -len(".tsv")] for rel in extra)
        other_size = count(extra[0]) if extra else other_size
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
- PAN-X has training files in {others["panx"] or "no language"} too, UD-POS in
  {others["udpos"] or "no language"} ({other_size} sentences each; the official download has one
  in every PAN-X language, and in every UD-POS language but th, tl and yo): enough for the
  multi-source setting and for them as multilingual intermediate tasks, not for anything else.

## Bilingual lexicons: `lexicons/`

`lexicons/en-<lang>.txt` and `lexicons/<lang>-en.txt` for every XNLI language: bilingual
lexicons in the MUSE format (facebookresearch/MUSE ground-truth dictionaries: one `source target`
pair per line, lower case), made of the nouns, verbs and adjectives the sample sentences use, in
their base form (words with a space left out). For `--translator dictionary
--translator-option folder=<this folder>/lexicons` and the `code-switch` perturber.

## XTREME's released translations: `translations/`

The layout of XTREME's translations (gs://xtreme_translations; google-research/xtreme README,
"Translations") for XNLI and PAWS-X: `translations/<XNLI|PAWSX>/translate-train/en-<lang>-
translated.tsv`, the English training pairs in every other test language, and
`translate-test/test-<lang>-en-translated.tsv`, every test set in English. Five tab-separated
fields, no header: the original pair, the translated pair, the label (XNLI's `contradiction` is
written `contradictory`, as in the release). The translate-train path is the one TensorFlow
Datasets downloads (its xtreme_xnli and xtreme_pawsx builders); the translate-test file name is
the one of xtreme's own readers (`third_party/processors/xnli.py`), under a `translate-test`
folder that no source confirms. The sample's translations are exact: the same example rendered
in both languages. `--translator xtreme-translations --translator-option
folder=<this folder>/translations` reads them.

For SQuAD, `translations/SQuAD/translate-train/squad.translate.train.en-<lang>.json` (de, es,
hi): SQuAD JSON with the answers projected into the translation, the layout TensorFlow Datasets'
xquad builder downloads. They stand for the release: one training set drawn from the words every
language shares, rendered in each language (the sample's `train-v1.1.json` uses English names
the other languages lack). As in a real projection, two questions per file point their answer at
offset -1 (XTREME's training drops them) and one a character past its start, inside the answer's
words (kept). For TyDiQA-GoldP, `translations/TyDiQA-GoldP/translate-train/tydiqa.translate.train.
en-<lang>.json` (ar, sw, te), the path TensorFlow Datasets' tydi_qa builder downloads, made the
same way from a TyDiQA-style English training set, and with one question listed twice, as the
release lists a question once per answer.
For translate-test, `translations/XQuAD/translate-test/xquad.translate.test.<lang>-en.json` and
`translations/MLQA/translate-test/mlqa.translate.test.<lang>-en.json` (de, es, hi), the
layout TensorFlow Datasets' xquad builder downloads (MLQA's: the path google-research/xtreme
issue #98 names): the test set of the language in English, under its original question ids. The
sample's English test file is every language's exact translation (one draw rendered in each);
as in the release, two questions per file are missing and one question with several answers is
listed once per answer.

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


def low_resource_readme(files: dict[str, str], codes: dict[str, dict[str, str]],
                        pseudo: set[str]) -> str:  # fmt: skip
    """`codes`: dataset -> registry code -> release code; `pseudo`: the registry codes whose text
    is made-up words."""

    def listing(dataset: str) -> str:
        return " ".join(
            f"{code}=`{release}`" + ("" if code in pseudo else " (lexicon)")
            for code, release in codes[dataset].items()
        )

    lexicon = sorted({c for by_code in codes.values() for c in by_code} - pseudo)
    anli_row = (
        "| Files | Layout of | per language |\n|---|---|---|\n"
        "| `americasnli/test/<code>.tsv` | abteen/americasnli `data/anli_final/test/` | "
        f"{3 * ANLI_PER_LABEL} examples, {ANLI_PER_LABEL} per label |"
    )
    mn_row = (
        "| `masakhaner/<code>/test.txt` | masakhane-io/masakhane-ner `MasakhaNER2.0/data/` | "
        f"{MN_SENTENCES} sentences |"
    )
    total = sum(1 for rel in files if rel != "README.md")
    return f"""# Sample data for the low-resource target tasks (AmericasNLI, MasakhaNER 2.0)

**Generated file: do not edit.** Written by `scripts/sample_data/make_sample_data.py`.

## What the files are

Test files in the two datasets' **release layouts**, one per language, so that reading them and
evaluating the tasks `americasnli` and `masakhaner` can be tested and demonstrated offline.
{total} data files in all. Training and model selection read the English XNLI and PAN-X sample
files of `plugins/xtreme_r/sample/` (`xnli/{{train,dev}}-en.tsv`, `panx/{{train,dev}}-en.tsv`), as
the tasks train on English MultiNLI and WikiANN. The release's dev files (and MasakhaNER's train
files) are not written: the zero-shot tasks do not read them.

{anli_row}
{mn_row}

Files are named by the release's codes; the registry code of each (`datasets.americasnli`,
`datasets.masakhaner` in `registry/languages.json`) is given below.

### AmericasNLI

Tab-separated, with the header line `id<TAB>language<TAB>premise<TAB>hypothesis<TAB>label`; the
label is `entailment`, `neutral` or `contradiction`; no field is quoted. The files are parallel,
as the release's are: line i has the same id (from 25051, the release's first test id) and the
same label in every language. Languages:

{listing("americasnli")}

### MasakhaNER 2.0

`TOKEN TAG` per line (one space), an empty line after each sentence, IOB2 tags of persons,
organisations, locations and dates (`B-DATE`, `I-DATE`). Every third sentence holds a date of
digits (a year, or a day and a year), tagged DATE, which the task reads as `O`. Languages:

{listing("masakhaner")}

## The text is pseudo-text

The lexicon (`scripts/sample_data/lexicon.json`) has words for {", ".join(lexicon)} only; their
text is built from the lexicon as in the other sample folders. **For every other language the
text is made-up words, not that language**: the English lexicon entry with each word replaced by a
word of random syllables drawn from the language's code (the same English word always gives the
same made-up word in one language, and different words different ones), in English word order.
Nothing here is a translation into these languages, and none was invented. The labels and tags
are right by construction: a contradiction negates the premise with the language's made-up word
for "not", a neutral hypothesis starts with its word for "perhaps", and names keep their tags.

**Scores on these files mean nothing about a model's quality or about cross-lingual transfer**;
use them to check that things run and that numbers are computed correctly.

## Regenerating

    python scripts/sample_data/make_sample_data.py            # rewrite files whose content changed
    python scripts/sample_data/make_sample_data.py --check    # exit 1 if anything would change

The same command writes the other sample folders. Before writing, the script checks every file:
one per language of each dataset, the release formats, exact label and tag sets, balanced labels,
parallel AmericasNLI files, valid IOB2 with a DATE entity in every MasakhaNER file, Latin letters
only, and no example repeated within a file.
"""
