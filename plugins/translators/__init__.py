"""Translators: a bilingual lexicon word by word (`dictionary`), any Hugging Face
sequence-to-sequence model (`seq2seq`: NLLB, M2M-100, Marian...) and XTREME's released
translations (`xtreme-translations`). See docs/settings.md."""

from xharness_plugins.translators.dictionary import Dictionary
from xharness_plugins.translators.released import XtremeTranslations
from xharness_plugins.translators.seq2seq import Seq2Seq
from xtreme_harness import hookimpl

TRANSLATORS = (Dictionary, Seq2Seq, XtremeTranslations)


@hookimpl
def xharness_register_translators(register):
    for translator in TRANSLATORS:
        register(translator)
