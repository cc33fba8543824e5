"""Tokenized data kept in the cache folder: features read back equal those written, for every task
kind; the key changes with anything `encode` reads; a damaged file is made again."""

from __future__ import annotations

import json

import pytest

from xtreme_harness.config.run import Overrides, RunConfig
from xtreme_harness.engine.kinds import implementation
from xtreme_harness.engine.models import load_tokenizer
from xtreme_harness.engine.run import run
from xtreme_harness.engine.tokenized import Tokenized, features_from_json, features_to_json
from xtreme_harness.plugin_host import PluginHost

HOST = PluginHost()


def _examples(task, split="validation", count=12):
    spec = HOST.get("tasks", task)
    language = spec.train_language
    source = spec.sources["sample"]
    try:
        examples = source.read(split, language)
    except Exception:
        examples = source.read("test", spec.languages[0])
    return spec, examples[:count]


@pytest.mark.parametrize("task", ["xnli", "xcopa", "udpos", "panx", "xquad", "mewslix", "lareqa"])
def test_features_read_back_equal_those_written(tiny_model, task):
    spec, examples = _examples(task)
    kind = implementation(spec)
    tokenizer = load_tokenizer(tiny_model)
    features = kind.encode(examples, tokenizer, 64)
    assert features
    rows = json.loads(json.dumps(features_to_json(features)))
    assert features_from_json(rows) == features


def test_the_second_encoding_comes_from_the_cache(tiny_model, tmp_path):
    spec, examples = _examples("xquad")
    kind = implementation(spec)
    tokenizer = load_tokenizer(tiny_model)
    cache = Tokenized(folder=str(tmp_path))
    first = cache.encode(kind, examples, tokenizer, 64)
    again = cache.encode(kind, examples, tokenizer, 64)
    assert again == first
    assert (cache.encoded, cache.cached) == (1, 1)
    assert len(list((tmp_path / "tokenized").iterdir())) == 1
    # anything encode reads makes another key
    cache.encode(kind, examples, tokenizer, 48)
    edited = [dict(examples[0], question=examples[0]["question"] + " x"), *examples[1:]]
    cache.encode(kind, edited, tokenizer, 64)
    assert (cache.encoded, cache.cached) == (3, 1)
    assert len(list((tmp_path / "tokenized").iterdir())) == 3


def test_a_damaged_cache_file_is_made_again(tiny_model, tmp_path):
    spec, examples = _examples("xnli")
    kind = implementation(spec)
    tokenizer = load_tokenizer(tiny_model)
    cache = Tokenized(folder=str(tmp_path))
    features = cache.encode(kind, examples, tokenizer, 64)
    (path,) = (tmp_path / "tokenized").iterdir()
    path.write_text('{"format": 1, "features": [[', encoding="utf-8")
    assert cache.encode(kind, examples, tokenizer, 64) == features
    assert (cache.encoded, cache.cached) == (2, 0)
    assert json.loads(path.read_text("utf-8"))["format"] == 1


def test_with_the_cache_off_nothing_is_kept(tiny_model, tmp_path, monkeypatch):
    monkeypatch.setenv("XHARNESS_CACHE", "off")
    spec, examples = _examples("xnli")
    cache = Tokenized()
    assert cache.folder is None
    cache.encode(implementation(spec), examples, load_tokenizer(tiny_model), 64)
    assert (cache.encoded, cache.cached) == (1, 0)


def test_runs_that_differ_in_seed_tokenize_once(tiny_model, tmp_path, private_cache):
    def config(seed):
        return RunConfig(model=tiny_model, task="xnli", source="sample",
                         out=str(tmp_path / f"seed{seed}"), seed=seed, eval_languages=("en", "de"),
                         overrides=Overrides(max_steps=1), progress=False,
                         save_model=False)  # fmt: skip

    def files():  # an atomic rewrite would give a file a new inode
        return {p.name: p.stat().st_ino for p in (private_cache / "tokenized").iterdir()}

    first = run(config(1))
    written = files()
    assert len(written) >= 3  # training, development and the test sets
    second = run(config(2))
    assert files() == written
    assert second["scores"].keys() == first["scores"].keys()
    assert {"fine_tune.tokenize", "evaluate.tokenize"} <= set(second["provenance"]["timings"])
