"""MLQA exact match and F1, as ``third_party/evaluate_mlqa.py`` of google-research/xtreme (the
MLQA v1 evaluation script), with the answer language's normalisation.

`normalize_answer(s, lang)` applies, in this order:

1. lower-case;
2. drop punctuation: every character whose Unicode category starts with ``P``, plus ASCII
   ``string.punctuation`` (which adds the ASCII symbols ``$+<=>^`|~``; other symbols such as
   ``€`` stay);
3. replace articles by a space: en ``a an the``; es ``un una unos unas el la los las``; de
   ``ein eine einen einem eines einer der die das den dem des``; vi ``của là cái chiếc những``
   (each as a whole word, ``\\b...\\b``); ar: every alif-lam (U+0627 U+0644) anywhere (the
   official pattern is whitespace + alif-lam + ``^`` or alif-lam, and its first branch can never
   match); hi and zh: none;
4. tokenise: on whitespace for en es hi vi de ar; for zh "mixed segmentation": every character
   in ``[\\u4e00-\\u9fa5]`` (and every punctuation character, none is left by then) is a token of
   its own, the text between is split on whitespace; tokens are joined by single spaces.

Any other language raises ``ValueError('Unknown Language <lang>')``, as the official code raises
``Exception('Unknown Language <lang>')``. The set of punctuation characters depends on the
Unicode tables of the running Python, as in the official code.
"""

from __future__ import annotations

import re
import string
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from xtreme_harness.results.scoring.squad import evaluate_normalized, iter_questions, token_f1

__all__ = [
    "LANGUAGES",
    "evaluate",
    "exact_match_score",
    "f1_score",
    "mixed_segmentation",
    "normalize_answer",
    "punctuation",
]

WHITESPACE_LANGS = ("en", "es", "hi", "vi", "de", "ar")
MIXED_SEGMENTATION_LANGS = ("zh",)
LANGUAGES = WHITESPACE_LANGS + MIXED_SEGMENTATION_LANGS

_ARTICLES: dict[str, re.Pattern[str] | None] = {
    "en": re.compile(r"\b(a|an|the)\b"),
    "es": re.compile(r"\b(un|una|unos|unas|el|la|los|las)\b"),
    "hi": None,
    "vi": re.compile(r"\b(của|là|cái|chiếc|những)\b"),
    "de": re.compile(r"\b(ein|eine|einen|einem|eines|einer|der|die|das|den|dem|des)\b"),
    "ar": re.compile("\\s\u0627\u0644^|\u0627\u0644"),  # the official pattern, escaped
    "zh": None,
}


@cache
def punctuation() -> frozenset[str]:
    """The official ``PUNCT``: Unicode P* characters below ``sys.maxunicode``, plus ASCII
    ``string.punctuation``."""
    return frozenset(
        chr(i) for i in range(sys.maxunicode) if unicodedata.category(chr(i)).startswith("P")
    ).union(string.punctuation)


@cache
def _punctuation_table() -> dict[int, None]:
    return dict.fromkeys(map(ord, punctuation()))


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fa5"


def mixed_segmentation(text: str) -> list[str]:
    """Each CJK character and each punctuation character is a token; the rest split on space."""
    punct = punctuation()
    segs_out: list[str] = []
    temp_str = ""
    for char in text:
        if _is_cjk(char) or char in punct:
            if temp_str != "":
                segs_out.extend(temp_str.split())
                temp_str = ""
            segs_out.append(char)
        else:
            temp_str += char
    if temp_str != "":
        segs_out.extend(temp_str.split())
    return segs_out


def normalize_answer(s: str, lang: str) -> str:
    """Lower text and remove punctuation, articles and extra whitespace (MLQA rules of `lang`)."""
    if lang not in _ARTICLES:
        raise ValueError(f"Unknown Language {lang}")
    text = s.lower().translate(_punctuation_table())
    articles = _ARTICLES[lang]
    if articles is not None:
        text = articles.sub(" ", text)
    tokens = text.split() if lang in WHITESPACE_LANGS else mixed_segmentation(text)
    return " ".join([t for t in tokens if t.strip() != ""])


def f1_score(prediction: str, ground_truth: str, lang: str) -> float:
    return token_f1(
        normalize_answer(prediction, lang).split(), normalize_answer(ground_truth, lang).split()
    )


def exact_match_score(prediction: str, ground_truth: str, lang: str) -> bool:
    return normalize_answer(prediction, lang) == normalize_answer(ground_truth, lang)


def evaluate(dataset: Iterable[Any], predictions: Mapping[str, str], lang: str) -> dict[str, float]:
    """The official ``evaluate(dataset, predictions, lang)``: EM and F1 in percent."""
    return evaluate_mlqa(dataset, predictions, lang).metrics()


def evaluate_mlqa(dataset: Iterable[Any], predictions: Mapping[str, str], lang: str):
    """Like `evaluate`, returning a `QAResult` (with the unanswered question ids)."""
    if lang not in _ARTICLES:
        raise ValueError(f"Unknown Language {lang}")
    return evaluate_normalized(
        iter_questions(dataset), predictions, lambda text: normalize_answer(text, lang)
    )
