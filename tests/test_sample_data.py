"""The bundled sample data: complete, in the official formats, and reproducible by its script."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest
from helpers import REPO

from xharness_plugins.xtreme_r.tasks import TASKS
from xtreme_harness.engine.kinds import implementation
from xtreme_harness.engine.kinds.retrieval import check_pool, pairs_as_search
from xtreme_harness.interfaces.task import CANDIDATES_SPLIT, SHARED_POOL

SCRIPT_NAMES = {"hi": "DEVANAGARI", "ar": "ARABIC", "ru": "CYRILLIC", "th": "THAI",
                "ka": "GEORGIAN", "ko": "HANGUL", "my": "MYANMAR", "ta": "TAMIL",
                "pa": "GURMUKHI", "he": "HEBREW", "el": "GREEK"}  # fmt: skip


@pytest.mark.parametrize("spec", TASKS, ids=[t.name for t in TASKS])
def test_every_language_and_split_the_task_uses_is_there(spec):
    source = spec.sources["sample"]
    kind = implementation(spec)
    for phase in spec.phases:
        for split in (phase.train_split, phase.dev_split):
            examples = source.read(split, spec.train_language)
            if kind.ranks_candidates:  # training pairs: each query's target is its positive
                examples, _ = pairs_as_search(examples)
            assert len(examples) >= 15 and kind.gold(examples) is not None
    for language in spec.languages:
        examples = source.read("test", language)
        assert len(examples) >= 15 and kind.gold(examples) is not None, language
        if kind.ranks_candidates:
            pool_language = SHARED_POOL if spec.pool == "shared" else language
            pool = source.read(CANDIDATES_SPLIT, pool_language)
            check_pool(pool, spec.name)
            ids = {candidate["id"] for candidate in pool}
            assert len(pool) >= 50, "top-20 over a small pool would be trivial"
            assert all(set(e["targets"]) <= ids for e in examples), language


@pytest.mark.parametrize("language", sorted(SCRIPT_NAMES))
def test_text_is_in_the_language_script(language):
    spec = next(t for t in TASKS if t.name == "panx")
    examples = spec.sources["sample"].read("test", language)
    letters = [c for e in examples for token in e["tokens"] for c in token if c.isalpha()]
    share = sum(SCRIPT_NAMES[language] in unicodedata.name(c, "") for c in letters) / len(letters)
    assert share > 0.8


def test_generator_reproduces_the_shipped_files():
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "sample_data" / "make_sample_data.py"), "--check"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
