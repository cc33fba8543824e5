"""The plugin API: everything a plugin may import, in one place.

A task plugin declares a `TaskSpec` (its `TaskKind`, languages, labels, metric, `Recipe` and
`Phase`s) with data sources (`FolderSource` over a file layout with `readers`, `HubSource` over
Hugging Face datasets pinned with `HubPin`); a language-set plugin subclasses `LanguageSet` and
returns an `Allocation`; a regularizer subclasses `Regularizer`; an executor `Executor`; a table
format `TableFormat`; a translator `Translator`; a perturber `Perturber`; an observer
`Observer`. Components declare
their parameters with `Param`. Plugins raise the errors re-exported here. Besides this module, a
plugin imports only `xtreme_harness.registry` (languages, benchmark definitions) and
`xtreme_harness.hookimpl`. docs/plugins.md is the guide; docs/api.md the reference generated from
these docstrings.
"""

from xtreme_harness.errors import (
    DataError,
    UnknownNameError,
    UsageError,
    XHarnessError,
    XHarnessWarning,
)
from xtreme_harness.interfaces.component import Component, Param
from xtreme_harness.interfaces.executor import (
    Event,
    Executor,
    Outcome,
    Resources,
    Status,
    Step,
    blocked_by,
    dispatch,
)
from xtreme_harness.interfaces.language_set import (
    Allocation,
    Candidates,
    LanguageSet,
    characters_of,
)
from xtreme_harness.interfaces.observer import Observer
from xtreme_harness.interfaces.perturber import Perturber
from xtreme_harness.interfaces.readers import (
    Reader,
    checked_label,
    conll_columns,
    conll_tags,
    copa_jsonl,
    json_document,
    json_lines,
    muse_lexicon,
    siqa_jsonl,
    squad_json,
    tagged_sentences,
    text_lines,
    tsv_pairs,
)
from xtreme_harness.interfaces.regularizer import Regularizer, TrainingContext
from xtreme_harness.interfaces.sources import (
    PARQUET_BRANCH,
    FolderSource,
    HubLocation,
    HubPin,
    HubSource,
)
from xtreme_harness.interfaces.table_format import (
    Cell,
    Document,
    Figure,
    Section,
    Table,
    TableFormat,
)
from xtreme_harness.interfaces.task import (
    CANDIDATES_SPLIT,
    POOLS,
    ROLES,
    SELECTIONS,
    SHARED_POOL,
    SPLITS,
    UPOS_TAGS,
    Category,
    DataSource,
    Phase,
    Recipe,
    TaskKind,
    TaskSpec,
)
from xtreme_harness.interfaces.text import check_examples, rewrite_fields, rewrite_words
from xtreme_harness.interfaces.translator import Translator

__all__ = [
    "CANDIDATES_SPLIT",
    "PARQUET_BRANCH",
    "POOLS",
    "ROLES",
    "SELECTIONS",
    "SHARED_POOL",
    "SPLITS",
    "UPOS_TAGS",
    "Allocation",
    "Candidates",
    "Category",
    "Cell",
    "Component",
    "DataError",
    "DataSource",
    "Document",
    "Event",
    "Executor",
    "Figure",
    "FolderSource",
    "HubLocation",
    "HubPin",
    "HubSource",
    "LanguageSet",
    "Observer",
    "Outcome",
    "Param",
    "Perturber",
    "Phase",
    "Reader",
    "Recipe",
    "Regularizer",
    "Resources",
    "Section",
    "Status",
    "Step",
    "Table",
    "TableFormat",
    "TaskKind",
    "TaskSpec",
    "TrainingContext",
    "Translator",
    "UnknownNameError",
    "UsageError",
    "XHarnessError",
    "XHarnessWarning",
    "blocked_by",
    "characters_of",
    "check_examples",
    "checked_label",
    "conll_columns",
    "conll_tags",
    "copa_jsonl",
    "dispatch",
    "json_document",
    "json_lines",
    "muse_lexicon",
    "rewrite_fields",
    "rewrite_words",
    "siqa_jsonl",
    "squad_json",
    "tagged_sentences",
    "text_lines",
    "tsv_pairs",
]
