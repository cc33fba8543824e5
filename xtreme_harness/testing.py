"""Contract checks a task plugin's own tests call: does a task's data fit its kind?

``check_task(spec)`` reads a task's ``sample`` source (or another, with `data_dir` for a folder
source such as ``xtreme``) for every split and language the engine may read, and checks what it
returns against the contract of the task's kind (docs/plugins.md, "What a source returns for each
split, by kind"):

- coverage: the training and development splits of every phase exist in the training language,
  the ``test`` split in at least one evaluation language, and a retrieval task's ``candidates``
  (language ``all`` for a shared pool, else every language with a test split);
- every split reads without an error; its examples are dicts with the same keys, each with a
  string ``id`` unique in the split;
- the canonical fields of the kind and their types, by split:

  - classification: ``text_a`` (text), ``text_b`` (text or None), ``label`` (one of the task's
    `labels`, or None);
  - multiple choice: ``context`` (text), ``choices`` (two or more texts, as many in every example
    of a split), ``label`` (the index of a choice, or None);
  - token tagging: ``tokens`` (a non-empty list of words), ``tags`` (one of the task's `labels`
    per word, or None);
  - extractive QA: ``question``, ``context`` (text), ``answers`` (``{"text": [...],
    "answer_start": [...]}`` with each answer found at its offset, or None);
  - retrieval: training and development pairs ``text``, ``positive`` (text),
    ``positive_context`` (text, None or absent); test queries ``text``, ``targets`` (candidate
    ids found in the pool, or None); candidates ``text`` with ids unique in the pool;

- the training and development splits are labelled (every example carries its label, tags,
  answers or positive); a test split is labelled in every example or in none;
- the engine's implementation of the kind encodes every split with a small tokenizer (every
  example gives at least one feature), batches a few features and reads the gold labels.

Missing splits and languages beyond the coverage above are allowed (sample data covers a subset);
`ContractReport.missing` lists them. Every problem found is reported at once, in a
`ContractError` (an `AssertionError`, so pytest shows it as a failed check).

This module is not part of the plugin API (it imports the engine); import it in tests only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from xtreme_harness.interfaces.task import CANDIDATES_SPLIT, SHARED_POOL, TaskKind, TaskSpec

ENCODE_LIMIT = 64
"""At most this many examples of each split are encoded."""

_SHOWN = 25
"""At most this many problems are spelled out in a `ContractError`."""


class ContractError(AssertionError):
    """A task's data does not fit the contract of its kind; `problems` lists every finding."""

    def __init__(self, task: str, source: str, problems: Sequence[str]) -> None:
        self.task = task
        self.source = source
        self.problems = list(problems)
        shown = "\n".join(f"  - {problem}" for problem in self.problems[:_SHOWN])
        more = len(self.problems) - _SHOWN
        if more > 0:
            shown += f"\n  ... and {more} more"
        super().__init__(
            f"task {task!r}, source {source!r}: {len(self.problems)} contract problem(s):\n{shown}"
        )


@dataclass
class ContractReport:
    """What `check_task` read and checked."""

    task: str
    source: str
    read: list[tuple[str, str, int]] = field(default_factory=list)
    """(split, language, number of examples) of every split read."""
    missing: list[tuple[str, str]] = field(default_factory=list)
    """(split, language) the source has no data for (allowed beyond the required coverage)."""
    encoded: int = 0
    """How many examples were encoded."""


def check_task(
    spec: TaskSpec | str,
    source: str = "sample",
    data_dir: str | os.PathLike[str] | None = None,
    *,
    tokenizer: Any = None,
    encode: bool = True,
) -> ContractReport:
    """Check that a task's `source` returns examples that fit its kind (see the module's
    docstring for every check); a `ContractError` listing all problems if not.

    `spec` is a `TaskSpec` or the name of a registered task. `data_dir` is passed to the source
    (the folder of the ``xtreme`` source). `tokenizer` encodes the examples: a tokenizer object,
    or a path for `transformers.AutoTokenizer`; by default a small one is trained on the
    examples read. `encode=False` skips encoding (no torch, transformers or tokenizers needed).
    """
    from xtreme_harness.engine.tiny_model import read_present, sample_reads

    if isinstance(spec, str):
        from xtreme_harness.plugin_host import get_host

        spec = get_host().get("tasks", spec)
    if not isinstance(spec, TaskSpec):
        raise TypeError(f"expected a TaskSpec or a task name, got {spec!r}")
    report = ContractReport(spec.name, source)
    if source not in spec.sources:
        raise ContractError(
            spec.name, source, [f"the task has no source {source!r}; it has {sorted(spec.sources)}"]
        )
    data = spec.sources[source]
    problems: list[str] = []
    splits: dict[tuple[str, str], list[dict[str, Any]]] = {}
    reads = list(sample_reads(spec))
    if spec.pairs_split is not None:
        reads += [(spec.pairs_split, f"{c}-{q}") for c in spec.languages for q in spec.languages]
    for split, language in reads:
        try:
            examples = read_present(data, split, language, data_dir)
        except Exception as exc:
            problems.append(f"split {split!r} in {language!r} cannot be read: {_describe(exc)}")
            continue
        if examples is None:
            report.missing.append((split, language))
            continue
        if not isinstance(examples, list):
            problems.append(f"split {split!r} in {language!r}: expected a list of examples, got "
                            f"{type(examples).__name__}")  # fmt: skip
            continue
        splits[(split, language)] = examples
        report.read.append((split, language, len(examples)))
    problems += _coverage(spec, splits)
    roles = _roles(spec)
    for (split, language), examples in splits.items():
        role = roles.get(split, "test")
        where = f"split {split!r} in {language!r}"
        problems += _check_split(spec, role, examples, where, _pool(spec, splits, split, language))
    if encode and not problems:
        problems += _encode(spec, splits, roles, tokenizer, report)
    if problems:
        raise ContractError(spec.name, source, problems)
    return report


# ----------------------------------------------------------------------------- coverage


def _roles(spec: TaskSpec) -> dict[str, str]:
    """The role of each split the task declares: ``train``, ``dev``, ``candidates`` (the rest
    are test splits)."""
    roles = {CANDIDATES_SPLIT: "candidates"} if spec.pool is not None else {}
    for phase in spec.phases:
        roles[phase.train_split] = "train"
        roles[phase.dev_split] = "dev"
    return roles


def _coverage(spec: TaskSpec, splits: Mapping[tuple[str, str], Any]) -> list[str]:
    problems = []
    for phase in spec.phases:
        for split in (phase.train_split, phase.dev_split):
            if (split, spec.train_language) not in splits:
                problems.append(
                    f"no {split!r} split in the training language {spec.train_language!r} "
                    f"(phase {phase.name!r} trains or selects on it)"
                )
    tested = [lang for lang in spec.languages if ("test", lang) in splits]
    if not tested:
        problems.append("no 'test' split in any evaluation language")
    if spec.pool == "shared" and (CANDIDATES_SPLIT, SHARED_POOL) not in splits:
        problems.append(f"no {CANDIDATES_SPLIT!r} split for the shared pool ({SHARED_POOL!r})")
    if spec.pool == "per-language":
        problems += [
            f"no {CANDIDATES_SPLIT!r} split in {lang!r}, which has a test split"
            for lang in tested
            if (CANDIDATES_SPLIT, lang) not in splits
        ]
    return problems


def _pool(
    spec: TaskSpec, splits: Mapping[tuple[str, str], Any], split: str, language: str
) -> set[str] | None:
    """The candidate ids a retrieval query split's targets must be among (None: not known)."""
    if spec.pool is None or split == CANDIDATES_SPLIT:
        return None
    key = (CANDIDATES_SPLIT, SHARED_POOL if spec.pool == "shared" else language)
    candidates = splits.get(key)
    if candidates is None:
        return None
    return {c.get("id") for c in candidates if isinstance(c, dict)}


# ----------------------------------------------------------------------------- fields


def _check_split(
    spec: TaskSpec,
    role: str,
    examples: Sequence[Any],
    where: str,
    pool: set[str] | None,
) -> list[str]:
    problems: list[str] = []
    keys: set[str] | None = None
    seen: dict[str, int] = {}
    labelled: list[bool] = []
    for number, example in enumerate(examples):
        at = f"{where}, example {number}"
        if not isinstance(example, dict):
            problems.append(f"{at}: expected a dict, got {type(example).__name__}")
            continue
        ident = example.get("id")
        if isinstance(ident, str):
            at += f" (id {ident!r})"
            if ident in seen:
                problems.append(f"{at}: the id repeats example {seen[ident]}'s")
            seen.setdefault(ident, number)
        else:
            problems.append(f"{at}: field 'id': expected a string, got {ident!r}")
        if keys is None:
            keys = set(example)
        elif set(example) != keys:
            problems.append(
                f"{at}: has the fields {sorted(example)}, the first example {sorted(keys)}; "
                "every example of a split needs the same fields"
            )
        found, has_label = _check_example(spec, role, example, pool)
        problems += [f"{at}: {problem}" for problem in found]
        labelled.append(has_label)
    if role in ("train", "dev") and not all(labelled):
        problems.append(
            f"{where}: {labelled.count(False)} of {len(labelled)} examples carry no gold "
            f"({_GOLD[spec.kind]}); the {role} split must be labelled"
        )
    elif any(labelled) and not all(labelled):
        problems.append(f"{where}: some examples carry gold ({_GOLD[spec.kind]}) and others not")
    if spec.kind is TaskKind.MULTIPLE_CHOICE:
        counts = {len(e["choices"]) for e in examples if isinstance(e.get("choices"), list)}
        if len(counts) > 1:
            problems.append(f"{where}: examples have different numbers of choices {sorted(counts)}")
    if spec.kind is TaskKind.EXTRACTIVE_QA and not problems:
        from xtreme_harness.interfaces.text import check_examples

        try:
            check_examples(examples, where)
        except Exception as exc:
            problems.append(_describe(exc))
    return problems


_GOLD = {
    TaskKind.CLASSIFICATION: "label",
    TaskKind.MULTIPLE_CHOICE: "label",
    TaskKind.TOKEN_TAGGING: "tags",
    TaskKind.EXTRACTIVE_QA: "answers",
    TaskKind.RETRIEVAL: "positive or targets",
}


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _text_list(value: Any, at_least: int = 1) -> bool:
    return isinstance(value, list) and len(value) >= at_least and all(map(_is_text, value))


def _check_example(
    spec: TaskSpec, role: str, example: dict[str, Any], pool: set[str] | None
) -> tuple[list[str], bool]:
    """The problems of one example and whether it carries gold."""
    problems: list[str] = []

    def need(name: str, ok: bool, expected: str) -> None:
        if name not in example:
            problems.append(f"no field {name!r} ({expected})")
        elif not ok:
            problems.append(f"field {name!r}: expected {expected}, got {example[name]!r}")

    get = example.get
    kind = spec.kind
    if kind is TaskKind.CLASSIFICATION:
        need("text_a", _is_text(get("text_a")), "a non-empty text")
        need("text_b", get("text_b") is None or isinstance(get("text_b"), str), "a text or None")
        label = get("label")
        need("label", label is None or label in spec.labels,
             f"one of the task's labels {list(spec.labels)} or None")  # fmt: skip
        return problems, label is not None
    if kind is TaskKind.MULTIPLE_CHOICE:
        need("context", _is_text(get("context")), "a non-empty text")
        choices = get("choices")
        need("choices", _text_list(choices, 2), "a list of two or more texts")
        label = get("label")
        count = len(choices) if isinstance(choices, list) else 0
        ok = label is None or (type(label) is int and 0 <= label < count)
        need("label", ok, f"the index of a choice (0 to {count - 1}) or None")
        return problems, label is not None
    if kind is TaskKind.TOKEN_TAGGING:
        tokens, tags = get("tokens"), get("tags")
        need("tokens", _text_list(tokens), "a non-empty list of words")
        if tags is not None:
            ok = isinstance(tags, list) and all(tag in spec.labels for tag in tags)
            need("tags", ok, f"a list of the task's labels {list(spec.labels)} or None")
            if ok and isinstance(tokens, list) and len(tags) != len(tokens):
                problems.append(f"{len(tokens)} tokens but {len(tags)} tags")
        elif "tags" not in example:
            problems.append("no field 'tags' (a list of labels, or None)")
        return problems, tags is not None
    if kind is TaskKind.EXTRACTIVE_QA:
        need("question", _is_text(get("question")), "a non-empty text")
        need("context", _is_text(get("context")), "a non-empty text")
        answers = get("answers")
        ok = answers is None or (
            isinstance(answers, dict)
            and isinstance(answers.get("text"), list)
            and all(isinstance(t, str) for t in answers["text"])
            and isinstance(answers.get("answer_start"), list)
            and all(type(s) is int for s in answers["answer_start"])
        )
        need("answers", ok, '{"text": [texts], "answer_start": [offsets]} or None')
        return problems, answers is not None
    # retrieval
    need("text", _is_text(get("text")), "a non-empty text")
    if role == "candidates":
        return problems, True
    if role in ("train", "dev"):
        need("positive", _is_text(get("positive")), "a non-empty text")
        context = get("positive_context")
        if context is not None and not isinstance(context, str):
            problems.append(f"field 'positive_context': expected a text or None, got {context!r}")
        return problems, get("positive") is not None
    targets = get("targets")
    ok = targets is None or (isinstance(targets, list) and all(isinstance(t, str) for t in targets))
    need("targets", ok, "a list of candidate ids or None")
    if ok and targets and pool is not None and not set(targets) <= pool:
        problems.append(f"targets {sorted(set(targets) - pool)} are not in the candidate pool")
    if "positive" in example:
        problems.append("a query of a test split has a 'positive' (only training pairs have one)")
    return problems, targets is not None


# ----------------------------------------------------------------------------- encoding


def _encode(
    spec: TaskSpec,
    splits: Mapping[tuple[str, str], list[dict[str, Any]]],
    roles: Mapping[str, str],
    tokenizer: Any,
    report: ContractReport,
) -> list[str]:
    from xtreme_harness.engine.kinds import implementation

    kinds = {}
    for phase in spec.phases:
        recipe = spec.recipe_of(phase)
        for split in (phase.train_split, phase.dev_split):
            kinds.setdefault(split, implementation(spec, recipe))
    default = implementation(spec)
    if tokenizer is None:
        texts = [
            text
            for (split, _), examples in splits.items()
            for example in examples
            for text in kinds.get(split, default).texts(example)
        ]
        tokenizer = _small_tokenizer(texts)
    elif isinstance(tokenizer, (str, os.PathLike)):
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(os.fspath(tokenizer))
    problems = []
    for (split, language), examples in splits.items():
        kind = kinds.get(split, default)
        chosen = examples[:ENCODE_LIMIT]
        where = f"split {split!r} in {language!r}"
        try:
            features = kind.encode(chosen, tokenizer, kind.recipe.max_length)
            covered = {feature.example for feature in features}
            if covered != set(range(len(chosen))):
                problems.append(
                    f"{where}: {len(chosen) - len(covered)} examples gave no feature when encoded"
                )
            if features:
                kind.collate(features[:8], tokenizer.pad_token_id)
            if roles.get(split) != "candidates":
                kind.gold(chosen)
        except Exception as exc:
            problems.append(f"{where}: the {spec.kind.value} kind cannot encode it: "
                            f"{_describe(exc)}")  # fmt: skip
            continue
        report.encoded += len(chosen)
    return problems


def _small_tokenizer(texts: list[str]) -> Any:
    """A small XLM-R-style tokenizer trained on `texts` (what the tiny model uses, smaller)."""
    from xtreme_harness.engine.tiny_model import train_tokenizer

    texts = texts or ["a"]
    characters = len(set().union(*map(set, texts)))
    return train_tokenizer(texts, "sentencepiece", max(500, characters + 100), max_length=512)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
