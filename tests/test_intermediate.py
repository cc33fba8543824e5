"""Intermediate tasks (MASSIVE, SIB-200), `language-sets show`, and the paired design end to end."""

from __future__ import annotations

import json

import datasets
import pytest
from click.testing import CliRunner

from xharness_plugins.intermediate.tasks import MASSIVE, SIB200, massive_locale, sib200_config
from xtreme_harness.cli import cli
from xtreme_harness.engine import intermediate
from xtreme_harness.errors import DataError
from xtreme_harness.interfaces.language_set import Allocation, LanguageSet
from xtreme_harness.registry.languages import default_registry

REGISTRY = default_registry()


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_massive_sample_has_every_locale_and_split():
    assert len(MASSIVE.languages) == 50 and len(MASSIVE.labels) == 60
    source = MASSIVE.sources["sample"]
    for code in MASSIVE.languages:
        for split in ("train", "validation", "test"):
            examples = source.read(split, code)
            assert examples and {e["label"] for e in examples} <= set(MASSIVE.labels), code
    assert massive_locale("zh") == "zh-CN"


def test_sib200_configs_follow_the_main_script():
    assert sib200_config("zh") == "zho_Hans"
    assert sib200_config("ar") == "arb_Arab"
    assert sib200_config("ko") == "kor_Hang"
    source = SIB200.sources["sample"]
    covered = [code for code in SIB200.languages if _has(source, code)]
    assert len(covered) >= 60
    assert {REGISTRY.get(code).family for code in covered} >= {
        "Indo-European", "Atlantic-Congo", "Afro-Asiatic", "Austronesian", "Dravidian", "Turkic",
    }  # fmt: skip
    with pytest.raises(DataError, match="use the hub source for the others"):
        source.read("train", "fur")


def _has(source, code):
    try:
        return bool(source.read("train", code))
    except DataError:
        return False


def test_hub_rows_of_massive_and_sib200(monkeypatch):
    intents = datasets.ClassLabel(names=list(reversed(MASSIVE.labels)))
    tables = {
        MASSIVE.sources["hub"].resolve("train", "sw").url: datasets.Dataset.from_dict(
            {"utt": ["amsha saa moja"], "intent": [intents.str2int("alarm_set")]},
            features=datasets.Features({"utt": datasets.Value("string"), "intent": intents}),
        ),
        SIB200.sources["hub"].resolve("test", "yo").url: datasets.Dataset.from_dict(
            {"index_id": [3], "category": ["sports"], "text": ["Bọ́ọ̀lù"]}
        ),
    }

    def load_dataset(path, data_files, split):
        # both are read as Parquet files of the Hub's conversion at a pinned commit
        assert path == "parquet"
        (url,) = data_files.values()
        return tables[url]

    monkeypatch.setattr(datasets, "load_dataset", load_dataset)
    (row,) = MASSIVE.sources["hub"].read("train", "sw")
    assert (row["text_a"], row["label"]) == ("amsha saa moja", "alarm_set")
    (row,) = SIB200.sources["hub"].read("test", "yo")
    assert row["label"] == "sports"


def test_show_prints_the_allocation_with_families():
    result = invoke(
        "language-sets",
        "show",
        "low-resource-diverse",
        "--task",
        "massive",
        "--source",
        "sample",
        "--budget",
        70,
        "--languages",
        7,
        "--seed",
        3,
    )
    assert result.exit_code == 0, result.output
    assert "7 languages, 7 families" in result.output
    described = json.loads(invoke("language-sets", "show", "low-resource-diverse", "--task",
                                  "massive", "--source", "sample", "--budget", 70, "--languages",
                                  7, "--seed", 3, "--json").output)  # fmt: skip
    assert described["total_examples"] == 70 and len(described["families"]) == 7
    assert all(row["resource_class"] <= 2 for row in described["languages"])
    assert [row["examples"] for row in described["languages"]] == [10] * 7


def test_show_counts_tokens_with_a_model(tiny_model):
    result = invoke(
        "language-sets",
        "show",
        "high-resource",
        "--task",
        "massive",
        "--source",
        "sample",
        "--languages",
        3,
        "--budget",
        30,
        "--model",
        tiny_model,
        "--json",
    )
    rows = json.loads(result.output)["languages"]
    assert all(row["tokens"] > row["examples"] for row in rows)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--languages", "16", "--budget", "160"], "16 languages asked for, but only 15"),
        (["--languages", "7", "--budget", "3"], "smaller than the 7 languages"),
        (["--option", "threshold=9"], "expected at most 5"),
    ],
)
def test_show_rejects_bad_requests(args, message):
    result = invoke("language-sets", "show", "low-resource-diverse", "--task", "massive",
                    "--source", "sample", *args)  # fmt: skip
    assert result.exit_code == 2 and message in result.output


@pytest.mark.parametrize("name", ["temperature", "unimax"])
def test_show_asks_temperature_and_unimax_for_a_budget(name):
    result = invoke("language-sets", "show", name, "--task", "massive", "--source", "sample",
                    "--languages", 3)  # fmt: skip
    assert result.exit_code == 2
    assert f"{name}: give a budget with --budget N" in result.output
    assert "The 3 chosen languages have 96 examples; --budget 96" in result.output


def test_unimax_spreads_the_characters_of_the_task_texts():
    described = json.loads(invoke("language-sets", "show", "unimax", "--task", "massive",
                                  "--source", "sample", "--budget", 100, "--languages", 5,
                                  "--json").output)  # fmt: skip
    assert described["total_examples"] == 100
    source = MASSIVE.sources["sample"]
    for row in described["languages"]:
        texts = source.read("train", row["language"])
        assert row["available"] == len(texts)
        assert row["available_characters"] == sum(len(e["text_a"]) for e in texts)
        assert row["epochs"] <= 4
    # no language is capped here, so each gets the same characters (Algorithm 1's uniform share),
    # up to the rounding to whole examples (less than one example's characters either way)
    share = described["budget_characters"] / 5
    for row in described["languages"]:
        assert abs(row["characters"] - share) < row["available_characters"] / row["available"]


class CountsOnly(LanguageSet):
    """A third-party sampler written for plain counts: sorted(), [], .items() and dict()."""

    name = "counts-only"

    def select(self, candidates, budget, seed):
        chosen = sorted(candidates)[:2]
        assert dict(candidates) == {lang: n for lang, n in candidates.items()}
        return Allocation({lang: min(3, candidates[lang]) for lang in chosen}, self.name, 6, seed)


def test_a_sampler_that_only_reads_counts_still_works():
    allocation, loaded, _ = intermediate.select(CountsOnly(), MASSIVE, "sample", 6, 1)
    assert allocation.examples == {lang: 3 for lang in sorted(loaded)[:2]}


def test_show_unknown_sampler():
    result = invoke("language-sets", "show", "low-resourse", "--task", "massive", "--source",
                    "sample")  # fmt: skip
    assert result.exit_code == 2
    assert "did you mean: low-resource-diverse" in result.output


def paired(tiny_model, tmp_path, language_set):
    out = tmp_path / language_set
    result = invoke(
        "run", "--model", tiny_model, "--task", "panx", "--source", "sample",
        "--eval-languages", "en,sw,yo,ja,hi", "--max-steps", 3,
        "--intermediate", "massive", "--language-set", language_set, "--languages", 5,
        "--budget", 60, "--intermediate-max-steps", 4, "--seed", 1, "--out", out, "--quiet",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads((out / "result.json").read_text(encoding="utf-8"))


def test_paired_design_same_budget_languages_and_steps(tiny_model, tmp_path):
    high = paired(tiny_model, tmp_path, "high-resource")
    low = paired(tiny_model, tmp_path, "low-resource-diverse")
    for result in (high, low):
        allocation = result["intermediate"]["allocation"]
        assert allocation["total_examples"] == 60 and len(allocation["languages"]) == 5
        assert result["training"]["intermediate"]["updates"] == 4
        assert allocation["total_tokens"] > 60
    assert all(
        row["resource_class"] >= 4 for row in high["intermediate"]["allocation"]["languages"]
    )
    assert all(row["resource_class"] <= 2 for row in low["intermediate"]["allocation"]["languages"])
    assert len(low["intermediate"]["allocation"]["families"]) == 5
    targets = high["intermediate"]["targets"]
    assert set(targets) == set(high["task"]["languages"])
    seen = {row["language"] for row in high["intermediate"]["allocation"]["languages"]}
    assert {code for code, t in targets.items() if t["seen"]} == seen & set(targets)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--languages", "3"], "--languages need --intermediate TASK"),
        (["--intermediate", "massive"], "--intermediate needs its languages"),
        (["--intermediate", "massive", "--intermediate-languages", "sw",
          "--language-set", "random"], "cannot be combined with --language-set random"),
        (["--intermediate", "massive", "--language-set", "randum"], "did you mean: random"),
        (["--intermediate", "massive", "--language-set", "random",
          "--language-set-option", "alpha=1"], "takes languages, max_epochs"),
    ],
)  # fmt: skip
def test_run_rejects_bad_intermediate_options(tiny_model, tmp_path, args, message):
    result = invoke("run", "--model", tiny_model, "--task", "panx", "--source", "sample",
                    "--out", tmp_path / "out", *args)  # fmt: skip
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "out").exists()


def test_sib200_files_are_read_as_pandas_writes_them(tmp_path):
    """A text with a double quote is quoted and its quotes doubled (dadelani/sib-200's
    create_sib_data.py writes with pandas' to_csv): read back, the text is the original; a
    malformed line names the file and line."""
    from xharness_plugins.intermediate.readers import sib200_tsv
    from xharness_plugins.intermediate.tasks import SIB200_TOPICS

    path = tmp_path / "train.tsv"
    path.write_text('index_id\tcategory\ttext\n7\ttravel\t"""She\'s here,"" he said."\n'
                    "8\thealth\tPlain text.\n", encoding="utf-8")  # fmt: skip
    (first, second) = sib200_tsv(SIB200_TOPICS)(str(path))
    assert first["text_a"] == '"She\'s here," he said.' and first["label"] == "travel"
    assert second == {"id": "8", "text_a": "Plain text.", "text_b": None, "label": "health"}
    path.write_text("index_id\tcategory\ttext\n7\ttravel\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"train.tsv:2: expected 3 tab-separated fields"):
        sib200_tsv(SIB200_TOPICS)(str(path))
