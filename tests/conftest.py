"""Shared fixtures. Every test runs offline with a private cache folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from xtreme_harness import plugin_host

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["RAY_AUTH_MODE"] = "disabled"
os.environ.pop("XHARNESS_DISABLE_PLUGINS", None)
os.environ.pop("XHARNESS_STRICT_PLUGINS", None)

# Property tests draw the same examples on every run, so that a CI failure repeats; set
# HYPOTHESIS_PROFILE=explore to draw new ones.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(autouse=True)
def private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    cache = tmp_path_factory.getbasetemp() / "xharness-cache"
    monkeypatch.setenv("XHARNESS_CACHE", str(cache))
    return cache


@pytest.fixture
def use_host() -> Iterator[callable]:
    """Install a plugin host built from the given plugins as the process-wide host."""

    def install(*plugins: tuple[str, object], entry_points: bool = False) -> plugin_host.PluginHost:
        host = plugin_host.PluginHost(entry_points=entry_points, plugins=plugins)
        plugin_host.set_host(host)
        return host

    yield install
    plugin_host.set_host(None)


@pytest.fixture
def shared() -> Path:
    """The workplace's shared reference folder; tests that need it skip in a plain clone."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A tiny XLM-R-style model whose tokenizer was trained on the sample data of all tasks."""
    from xtreme_harness.engine.tiny_model import build_tiny_model, sample_texts

    out = tmp_path_factory.mktemp("tiny") / "model"
    texts = sample_texts()
    build_tiny_model(str(out), texts, vocab_size=2000, hidden_size=64, layers=2, heads=2)
    return str(out)
