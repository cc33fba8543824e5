"""The Translator interface: machine translation for the translate-train and translate-test
settings, and for anything no one released translations of.

A translator turns a batch of texts in one language into another (`translate`). It never caches:
the core keeps every translation on disk, keyed by the translator's name and fingerprint, the
direction and the text (`xtreme_harness.engine.translation`), and asks a translator only for
texts it has not translated before, each once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from xtreme_harness.interfaces.component import Component


class Translator(Component, ABC):
    """Base class of translators (registered with `xharness_register_translators`)."""

    component_type = "translator"

    @abstractmethod
    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """`texts` in language `source` translated into `target` (language codes as the
        language registry writes them), one output per input, in order. Called with batches of
        distinct texts; raise `UsageError` for a direction the translator cannot do."""

    def released_file(self, dataset: str, split: str, source: str, target: str) -> str | None:
        """The path of a released translation of a whole data file (extractive QA, whose
        answers must stay spans: translating texts one by one cannot keep them), or None (the
        default: the translator has none). `dataset` is the release's name of the data a task
        declares in `TaskSpec.released_translations` (``SQuAD``, ``XQuAD``), `split` its split
        (``train`` out of the training language, ``test`` into it); the file is SQuAD v1.1 JSON
        with the answers projected into the translation, a test set's under its original
        question ids."""
        return None
