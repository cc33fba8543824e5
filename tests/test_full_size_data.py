"""scripts/full_size_data.py: full-size synthetic data in the official download layout. At a small
scale, every split of every task reads through the tasks' own `xtreme` sources at its scaled
size; the sizes file agrees with the benchmark definitions and cites every figure; the output
depends on the seed alone; bad arguments get a usage error."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from helpers import REPO

from xharness_plugins.xtreme_r.retrieval_data import mewslix_mentions
from xharness_plugins.xtreme_r.tasks import TASKS
from xtreme_harness.interfaces import SHARED_POOL, squad_json
from xtreme_harness.registry import load_benchmark

sys.path.insert(0, str(REPO / "scripts"))
from full_size.sizes import Sizes, scaled, size_table

SCRIPT = REPO / "scripts" / "full_size_data.py"
SCALE = 0.002
SPECS = {spec.name: spec for spec in TASKS}
SIZES = Sizes(SCALE)
FULL = Sizes(1.0)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def _generate(out: Path, *args: str) -> Path:
    done = _run("--out", str(out), "--scale", str(SCALE), *args)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(tmp_path_factory.mktemp("full-size"))


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# Splits of the official layout that no xharness source reads, read with the format's reader.
OTHER_FILES = {
    ("mlqa", "dev"): lambda root, key: squad_json(str(
        root / "mlqa/MLQA_V1/dev" / "dev-context-{}-question-{}.json".format(*key.split("-"))
    )),
    ("mewslix", "dev"): lambda root, key: mewslix_mentions(
        str(root / "mewslix/wikinews_mentions" / f"dev-{key}.jsonl")
    ),
}  # fmt: skip


@pytest.mark.parametrize("task", list(FULL.data["tasks"]))
def test_every_split_reads_at_its_scaled_size(data, task):
    spec, source = SPECS[task], SPECS[task].sources["xtreme"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. LAReQA questions skipped for their answers
        for split in FULL.datasets[task]["splits"]:
            counts = SIZES.counts(task, split)
            if split == "candidates" and spec.pool == "shared":
                pool = source.read(split, SHARED_POOL, data_dir=data)
                assert len(pool) == sum(counts.values()), split
                continue
            for key, count in counts.items():
                if (task, split) in OTHER_FILES:
                    examples = OTHER_FILES[(task, split)](data, key)
                else:
                    examples = source.read(split, key, data_dir=data)
                assert len(examples) == count, (split, key)
                if task == "tatoeba":
                    assert len(source.read("candidates", key, data_dir=data)) == count, key


def test_shared_squad_files_read_at_their_scaled_size(data):
    source = SPECS["xquad"].sources["xtreme"]
    for split in ("train", "validation"):
        assert len(source.read(split, "en", data_dir=data)) == SIZES.count("squad", split, "en")


@pytest.mark.parametrize("task", ["lareqa", "mewslix"])
def test_gold_targets_are_in_the_pool(data, task):
    source = SPECS[task].sources["xtreme"]
    ids = {candidate["id"] for candidate in source.read("candidates", SHARED_POOL, data_dir=data)}
    for language in SPECS[task].languages:
        queries = source.read("test", language, data_dir=data)
        assert all(query["targets"] and set(query["targets"]) <= ids for query in queries)
    if task == "lareqa":  # parallel: each question's answer sentence in every language
        assert all(len(q["targets"]) == len(SPECS[task].languages) for q in queries)


def test_mewslix_pool_has_the_description_languages_of_the_release(data):
    counts: dict[str, int] = {}
    with open(data / "mewslix" / "candidate_set_entities.jsonl", encoding="utf-8") as handle:
        for line in handle:
            language = json.loads(line)["description_language"]
            counts[language] = counts.get(language, 0) + 1
    assert counts == SIZES.counts("mewslix", "candidates")


def test_sizes_languages_are_the_benchmark_languages():
    for task, entry in FULL.data["tasks"].items():
        languages = load_benchmark(entry["benchmark"]).tasks[task].languages
        assert entry["languages"] == list(languages), task
        assert SPECS[task].languages == tuple(languages), task
        tests = list(entry["splits"]["test"]["counts"])
        extra = ["en"] if task == "xcopa" else []  # COPA's English test file, beside XCOPA's
        assert tests == extra + list(languages), task
    pairs = FULL.data["tasks"]["mlqa"]["splits"]
    languages = FULL.data["tasks"]["mlqa"]["languages"]
    assert set(pairs["test-pairs"]["counts"]) == {
        f"{c}-{q}" for c in languages for q in languages if c != q
    }
    assert set(pairs["dev"]["counts"]) == {f"{c}-{q}" for c in languages for q in languages}


def test_sizes_at_full_scale_are_the_cited_figures():
    assert FULL.counts("xnli", "train") == {"en": 392702}
    for split, count in (("validation", 2490), ("test", 5010)):
        assert set(FULL.counts("xnli", split).values()) == {count}
        assert len(FULL.counts("xnli", split)) == 15
    assert FULL.counts("pawsx", "train") == {"en": 49401}
    assert FULL.counts("squad", "train") == {"en": 87599}
    assert FULL.counts("squad", "validation") == {"en": 10570}
    assert FULL.counts("xcopa", "siqa-train") == {"en": 33410}
    assert sum(FULL.counts("tydiqa", "train").values()) == 49881
    assert sum(FULL.counts("tydiqa", "test").values()) == 5077
    assert sum(FULL.counts("lareqa", "candidates").values()) == 13014
    assert sum(FULL.counts("mewslix", "candidates").values()) == 1003893
    assert sum(FULL.counts("mewslix", "test").values()) == 14624
    assert FULL.counts("mewslix", "train") == {"en": 167719}
    assert FULL.counts("mlqa", "test")["en"] == 11590
    # UD-POS: sums of stats.xml over the treebanks whose file names carry the code, at the UD
    # release tag XTREME downloads (r2.5; r2.7 for lt): zh GSD 3997/500/500 + GSDSimp
    # 3997/500/500 + test-only CFL 451, HK 1004, PUD 1000; ru test SynTagRus 6491 + GSD 601 +
    # Taiga 884 + PUD 1000; lt ALKSNIS 2341/617/684 + HSE 153/55/55; fr train GSD 14450 +
    # ParTUT 803 + Sequoia 2231 + Spoken 1156 (FTB, released without forms, filtered out)
    udpos = {split: FULL.counts("udpos", split) for split in ("train", "validation", "test")}
    assert [udpos[split]["zh"] for split in udpos] == [7994, 1000, 3455]
    assert [udpos[split]["lt"] for split in udpos] == [2494, 672, 739]
    assert udpos["test"]["ru"] == 8976
    assert udpos["train"]["fr"] == 18640
    assert udpos["train"]["en"] == 21253  # Hu et al. 2020 (XTREME), Table 1


def test_every_figure_has_a_source_and_a_verified_flag():
    def figures():
        for name, entry in FULL.datasets.items():
            for split, figure in entry["splits"].items():
                yield f"{name}/{split}", figure
                for part, inner in figure.get("parts", {}).items():
                    yield f"{name}/{split}/{part}", inner
        for name, figure in FULL.data["lengths"].items():
            yield name, figure
            yield from ((f"{name}/{k}", f) for k, f in figure.get("by_language", {}).items())

    for where, figure in figures():
        assert figure["source"].strip() and isinstance(figure["verified"], bool), where
        if "counts" in figure:
            assert set(figure.get("unverified", {})) <= set(figure["counts"]), where
        if not figure["verified"]:
            assert (
                "assumed" in figure["source"]
                or "derived" in figure["source"]
                or ("no stored source" in figure["source"])
            ), where


def test_scaling_rounds_up_to_at_least_one():
    assert scaled(1000, 0.3) == 300
    assert scaled(2490, 0.001) == 3
    assert scaled(5, 0.001) == 1
    assert scaled(392702, 1.0) == 392702


def test_same_seed_same_bytes_and_another_seed_other_bytes(data, tmp_path):
    again = _generate(tmp_path / "again")
    assert _files(again) == _files(data)
    other = _generate(tmp_path / "other", "--seed", "2", "--tasks", "xnli")
    assert _files(other)["xnli/dev-en.tsv"] != _files(data)["xnli/dev-en.tsv"]


def test_tasks_bring_the_squad_files_they_use(tmp_path):
    out = _generate(tmp_path, "--tasks", "xquad")
    assert sorted(p.name for p in out.iterdir()) == ["squad", "xquad"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scale", "0"], "must be a number above 0"),
        (["--scale", "abc"], "not a number"),
        (["--tasks", "xnli,nope"], "unknown task(s) 'nope'"),
        ([], "--out is required"),
    ],
)
def test_bad_arguments_are_usage_errors(tmp_path, args, message):
    out = [] if not args else ["--out", str(tmp_path / "out")]
    done = _run(*out, *args)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_the_docs_table_is_the_sizes_file():
    page = (REPO / "docs" / "performance.md").read_text(encoding="utf-8")
    assert size_table() in page, "regenerate: python scripts/full_size_data.py --table"
