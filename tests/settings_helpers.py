"""Helpers of the transfer-settings tests: the sample's released translations and lexicons, a
setting's combination check, a grid in translate settings."""

from __future__ import annotations

from click.testing import CliRunner
from helpers import REPO

from xtreme_harness.cli import cli
from xtreme_harness.config import cell as cells
from xtreme_harness.config.run import RunConfig
from xtreme_harness.plugin_host import get_host

SAMPLE_TRANSLATIONS = REPO / "plugins" / "xtreme_r" / "sample" / "translations"
SAMPLE_LEXICONS = REPO / "plugins" / "xtreme_r" / "sample" / "lexicons"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def of_setting(results, setting):
    return [r for r in results if r.document["config"]["setting"]["name"] == setting]


def check_setting(**config):
    base = {"model": "m", "task": "xnli", "source": "sample", "out": "o"}
    cells.resolve(RunConfig(**{**base, **config}), get_host()).check_setting()


def translated_grid(tiny_model, tmp_path, monkeypatch, task, settings, languages, *options,
                    translator="xtreme-translations", folder=SAMPLE_TRANSLATIONS,
                    cache=None, seeds="1"):  # fmt: skip
    """A grid of `task` in `settings` on the sample's released translations (or `folder` of
    another translator's), the translation store in `cache` (default: a fresh folder)."""
    monkeypatch.setenv("XHARNESS_CACHE", cache or str(tmp_path / "cache"))
    out = tmp_path / "g"
    made = invoke(
        "grid", "--model", tiny_model, "--source", "sample", "--tasks", task,
        "--settings", settings, "--translator", translator,
        "--translator-option", f"folder={folder}", "--eval-languages", languages,
        *options, "--seeds", seeds, "--out", out,
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    return out
