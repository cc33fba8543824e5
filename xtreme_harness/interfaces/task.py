"""The Task interface: a declarative spec that a task plugin registers.

A task plugin says *what* a task is (its kind, languages, labels, metric, data sources and the
reference training recipe); the engine implements each `TaskKind` once (heads, encoding, batching,
prediction, post-processing). A plugin declares data and may override a step, never re-implements a
kind. Building a `TaskSpec` imports no heavy library, so listing tasks stays fast.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from os import PathLike
from typing import Any

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
SPLITS = ("train", "validation", "test")
"""The split names a source serves: training data (``train``, in the training language), the
development set model selection scores (``validation``; ``target-dev`` selection reads it in the
target languages too) and the evaluation data (``test``, in every evaluation language). A
`Phase` may name other splits (``train_split``, ``dev_split``), and a retrieval task also reads
`CANDIDATES_SPLIT`."""
ROLES = ("target", "intermediate")
"""What a task may be used as (`TaskSpec.roles`): a ``target`` task is fine-tuned on and
evaluated; an ``intermediate`` task is trained on first (``--intermediate``) and only its
encoder is kept."""
POOLS = ("shared", "per-language")
"""How a retrieval task's candidates are read (`TaskSpec.pool`)."""
CANDIDATES_SPLIT = "candidates"
"""The split holding a retrieval task's candidates, ``{"id", "text"}`` each: read with the test
language (pool ``per-language``) or with `SHARED_POOL` (pool ``shared``)."""
UPOS_TAGS = (
    "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN",
    "PUNCT", "SCONJ", "SYM", "VERB", "X",
)  # fmt: skip
"""The 17 universal part-of-speech tags of Universal Dependencies v2 (the labels of every
UD-based tagging task)."""
SELECTIONS = ("en-dev", "target-dev", "last", "average")
"""Model-selection rules (see `Recipe.selection`)."""
SHARED_POOL = "all"
"""The language a shared candidate pool is read as."""


class TaskKind(str, Enum):
    """The kinds of task the engine implements, each once."""

    CLASSIFICATION = "classification"
    """One sentence or a sentence pair -> one label (XNLI, PAWS-X, MASSIVE intents)."""
    MULTIPLE_CHOICE = "multiple-choice"
    """A context and n choices -> the index of the right choice (XCOPA, SIQA)."""
    TOKEN_TAGGING = "token-tagging"
    """A word sequence -> one label per word (UD-POS, WikiANN)."""
    EXTRACTIVE_QA = "extractive-qa"
    """A question and a context -> an answer span of the context (XQuAD, MLQA, TyDiQA)."""
    RETRIEVAL = "retrieval"
    """A query -> a ranking of candidates by embedding similarity (Tatoeba, LAReQA, Mewsli-X)."""


class Category(str, Enum):
    """The categories XTREME-R reports averages for."""

    CLASSIFICATION = "classification"
    STRUCTURED_PREDICTION = "structured-prediction"
    QUESTION_ANSWERING = "question-answering"
    RETRIEVAL = "retrieval"


@dataclass(frozen=True)
class Recipe:
    """The reference fine-tuning recipe of a task: its defaults, overridable per run.

    `batch_size` is the per-device batch; the effective batch is
    `batch_size * gradient_accumulation`. `source` names where the values come from.
    """

    learning_rate: float
    """Peak learning rate of AdamW (linear decay to zero after the warm-up)."""
    epochs: float
    """Passes over the training data (a run's ``--max-steps`` stops earlier)."""
    max_length: int
    """Tokens per input sequence; longer inputs are cut (extractive QA: split into windows)."""
    batch_size: int
    """Examples per forward pass, on each device."""
    gradient_accumulation: int = 1
    """Forward passes whose gradients are summed into one update."""
    warmup_steps: int = 0
    """Updates of linear warm-up from zero to `learning_rate`."""
    weight_decay: float = 0.0
    """AdamW weight decay."""
    max_grad_norm: float = 1.0
    """Gradients are clipped to this norm before each update."""
    doc_stride: int | None = None
    """Extractive QA: tokens a window over a long context advances by."""
    max_query_length: int | None = None
    """Extractive QA: question tokens kept (the rest is cut)."""
    max_answer_length: int | None = None
    """Extractive QA: the longest answer span decoded, in tokens."""
    pooling: str | None = None
    """Retrieval: how a text's embedding is pooled: ``mean`` (over the tokens of `layer`),
    ``cls`` (the first token of `layer`) or ``pooler`` (the model's pooler output)."""
    layer: int | None = None
    """Retrieval: the hidden state pooled (0 = the embeddings, negative from the end; None =
    the last layer)."""
    warmup_ratio: float | None = None
    """Linear warm-up over this fraction of the updates (replaces `warmup_steps` when set)."""
    selection: str = "en-dev"
    """Which weights are kept (one of `SELECTIONS`): the best on the development set in the
    training language (``en-dev``), the best on the target languages' development sets
    (``target-dev``, an oracle: an upper bound), the last update's (``last``), or the mean of
    the weights at the last `average_last` evaluation points (``average``)."""
    eval_steps: int | None = None
    """Evaluation points every this many updates, and at the last one (None: at the end of every
    epoch, and at the last update)."""
    patience: int | None = None
    """Stop after this many evaluations without a better development score (None: never)."""
    average_last: int | None = None
    """``average``: how many evaluation points' weights are averaged."""
    dev_subset: int | None = None
    """Model selection scores only the first this many development examples (None: all)."""
    source: str = ""
    """Where the values come from (a paper's section, a reference script), for result files."""

    def __post_init__(self) -> None:
        if self.selection not in SELECTIONS:
            raise ValueError(f"selection must be one of {SELECTIONS}, got {self.selection!r}")
        if self.selection == "average" and not self.average_last:
            raise ValueError("selection 'average' needs average_last (how many evaluation points)")


@dataclass(frozen=True)
class Phase:
    """One stage of a task's own fine-tuning recipe: train on `train_split`, select on
    `dev_split` (both in the task's training language). Most tasks have one phase; XCOPA has two
    (Social IQa, then COPA, carrying the whole model over, head included)."""

    name: str
    """The phase's name, in result files (``train``; XCOPA: ``siqa``, ``copa``)."""
    train_split: str = "train"
    """The split it trains on, read in the task's training language."""
    dev_split: str = "validation"
    """The split model selection scores, read in the task's training language."""
    recipe: Recipe | None = None
    """The phase's recipe; None means the task's `recipe`."""


class DataSource(ABC):
    """Where the examples of a task come from.

    Built-in sources are ``hub`` (a Hugging Face dataset, revision pinnable), ``xtreme`` (a folder
    in the official XTREME download layout) and ``sample`` (small files shipped with xharness).
    `load` imports what it needs when called, never at construction.
    """

    name: str = ""
    """The source's name in a task's `sources` (``hub``, ``xtreme``, ``sample``...)."""

    @abstractmethod
    def describe(self) -> str:
        """One line saying where the data is (dataset id and revision, or file layout)."""

    @abstractmethod
    def load(
        self,
        split: str,
        language: str,
        *,
        data_dir: str | PathLike[str] | None = None,
        revision: str | None = None,
    ) -> Any:
        """The examples of `split` in `language`, as a `datasets.Dataset` with the canonical
        columns of the task's kind (see `xtreme_harness.engine.kinds`).

        A missing file or split is a `DataError` that names the path, the source and how to get
        the data; a malformed line names the file, the line and what was expected.
        """

    def read(
        self,
        split: str,
        language: str,
        *,
        data_dir: str | PathLike[str] | None = None,
        revision: str | None = None,
    ) -> list[dict[str, Any]]:
        """The same examples as plain dicts (sources that can skip `datasets` do)."""
        return self.load(split, language, data_dir=data_dir, revision=revision).to_list()

    def differences(self, split: str, language: str) -> str | None:
        """How this source's `split` in `language` differs from the data the benchmark's own
        scripts make, said so that a result can record it as a departure (``adds
        Swiss_German-UZH (100 sentences)``), or None (the default: no known difference)."""
        return None


@dataclass(frozen=True)
class TaskSpec:
    """A task as a plugin declares it. `languages` are the evaluation languages.

    Invalid combinations raise `ValueError` when the spec is built: a task needs a `recipe`
    (for the task, or for each of its `phases`), a retrieval task and only one declares its
    `pool`, and names are lower case (letters, digits, ``.``, ``_``, ``-``).
    """

    name: str
    """The name runs and listings use (``--task NAME``)."""
    title: str
    """The name in tables and listings (``AmericasNLI``)."""
    category: Category
    """Which XTREME-R average the task counts towards."""
    kind: TaskKind
    """What the engine does with the task's examples; fixes the fields a source returns."""
    languages: tuple[str, ...]
    """The evaluation languages: the ``test`` split is read in each (``--eval-languages``
    picks some)."""
    metric: str
    """How predictions are scored: ``accuracy`` (classification, multiple choice), ``seqeval``
    (token tagging), ``squad`` or ``mlqa`` (extractive QA), ``mrr@20`` or ``map@20``
    (retrieval)."""
    train_language: str = "en"
    """The language of the ``train`` and ``validation`` splits the task is fine-tuned on."""
    train_languages: tuple[str, ...] = ()
    """Languages with training data, for intermediate training on several languages; empty means
    only `train_language`."""
    train_data: str = ""
    """The training data, in words (``MultiNLI``), for listings."""
    labels: tuple[str, ...] = ()
    """Classification: the label names a source's ``label`` takes; token tagging: the tags.
    Their order fixes the classifier's outputs."""
    sources: Mapping[str, DataSource] = field(default_factory=dict)
    """Where the data comes from, by source name (``--source NAME``): usually ``hub``,
    ``xtreme`` (the official download layout under ``--data-dir``) and ``sample``."""
    recipe: Recipe | None = None
    """The reference fine-tuning recipe (None only if every phase has its own)."""
    phases: tuple[Phase, ...] = (Phase("train"),)
    """The fine-tuning stages, in order; the last one's model is evaluated. Empty only for a
    retrieval task evaluated as it comes."""
    roles: tuple[str, ...] = ("target",)
    """What the task may be used as (a subset of `ROLES`)."""
    benchmark: str | None = None
    """The benchmark the task belongs to (``xtreme-r``, ``xtreme``), if any: listed, recorded in
    results, and used to warn when an intermediate task of the same benchmark leaks into the
    benchmark's average."""
    description: str = ""
    """A sentence for listings."""
    reference: str = ""
    """The paper or dataset to cite."""
    reference_intermediate: str | None = None
    """The task the reference protocol trains on before this one (Tatoeba: SQuAD v1.1, as the
    task `xquad`); using it as the intermediate task is the protocol, not a leak."""
    pool: str | None = None
    """Retrieval: ``shared`` when every language's queries search one pool (read as split
    ``candidates`` of language ``all``), ``per-language`` when each language has its own (split
    ``candidates`` of that language); None for other kinds."""
    pairs_split: str | None = None
    """A test split with every (context language, question language) pair, read with the
    language code ``<context>-<question>`` (MLQA's generalised setting); None if there is none."""
    released_translations: Mapping[str, str] = field(default_factory=dict)
    """Split -> the name of its data in translators' releases of whole files (``{"train":
    "SQuAD", "test": "XQuAD"}``): how extractive QA is trained on translations out of the
    training language, its answers projected by whoever translated, and evaluated on its test
    set translated into it (`Translator.released_file`)."""
    query_field: str | None = None
    """Ranking with a classifier (XGLUE's web page ranking): the example field whose runs of
    equal consecutive values are one query. The classifier predicts a grade per document and the
    gold labels become (query, grade) pairs, for a per-query metric (``ndcg``); None otherwise."""

    def __post_init__(self) -> None:
        problems = []
        if not NAME_PATTERN.match(self.name):
            problems.append(f"name {self.name!r} must match {NAME_PATTERN.pattern}")
        if not isinstance(self.kind, TaskKind):
            problems.append(f"kind must be a TaskKind, got {self.kind!r}")
        if not isinstance(self.category, Category):
            problems.append(f"category must be a Category, got {self.category!r}")
        if not self.languages or len(set(self.languages)) != len(self.languages):
            problems.append("languages must be a non-empty tuple without repeats")
        if len(set(self.labels)) != len(self.labels):
            problems.append("labels must not repeat")
        unknown_roles = set(self.roles) - set(ROLES)
        if not self.roles or unknown_roles:
            problems.append(f"roles must be a non-empty subset of {ROLES}, got {self.roles!r}")
        if not self.phases and self.kind is not TaskKind.RETRIEVAL:
            problems.append("phases must not be empty (only a retrieval task may skip training)")
        if (self.kind is TaskKind.RETRIEVAL) != (self.pool is not None) or self.pool not in (
            None,
            *POOLS,
        ):
            problems.append(f"a retrieval task, and only one, declares its pool, one of {POOLS}")
        if self.query_field is not None and self.kind is not TaskKind.CLASSIFICATION:
            problems.append("only a classification task ranks documents by query (query_field)")
        if "intermediate" in self.roles and not self.phases:
            problems.append("an intermediate task needs a training phase")
        if self.recipe is None and (
            not self.phases or any(phase.recipe is None for phase in self.phases)
        ):
            problems.append("a recipe is required (for the task or for every phase)")
        for key, source in self.sources.items():
            if not isinstance(source, DataSource):
                problems.append(f"source {key!r} must be a DataSource, got {type(source).__name__}")
        if problems:
            raise ValueError(f"invalid TaskSpec {self.name!r}: " + "; ".join(problems))

    @property
    def last_phase(self) -> Phase | None:
        """The phase whose model is evaluated (None for a task that is not trained)."""
        return self.phases[-1] if self.phases else None

    @property
    def training_languages(self) -> tuple[str, ...]:
        """The languages this task has training data in."""
        return self.train_languages or (self.train_language,)

    def recipe_of(self, phase: Phase | None) -> Recipe:
        """The recipe `phase` trains with (None: the task's own recipe)."""
        if phase is None:
            assert self.recipe is not None
            return self.recipe
        recipe = phase.recipe or self.recipe
        assert recipe is not None  # checked in __post_init__
        return recipe

    def describe(self) -> dict[str, Any]:
        """A JSON-ready summary for listings."""
        return {
            "name": self.name,
            "title": self.title,
            "category": self.category.value,
            "kind": self.kind.value,
            "roles": list(self.roles),
            "benchmark": self.benchmark,
            "train_language": self.train_language,
            "train_languages": list(self.training_languages),
            "train_data": self.train_data,
            "languages": list(self.languages),
            "metric": self.metric,
            "labels": list(self.labels),
            "sources": {key: source.describe() for key, source in self.sources.items()},
            "recipe": None if self.recipe is None else dict(self.recipe.__dict__),
            "phases": [
                {
                    "name": phase.name,
                    "train_split": phase.train_split,
                    "dev_split": phase.dev_split,
                    "recipe": None if phase.recipe is None else dict(phase.recipe.__dict__),
                }
                for phase in self.phases
            ],
            "description": self.description,
            "reference": self.reference,
            "pairs_split": self.pairs_split,
            "pool": self.pool,
            "reference_intermediate": self.reference_intermediate,
        }
