"""Hub sources: the ids, configs, revisions and data files asked for, and the conversion of hub
rows, on local datasets with the hub's features (the hub itself is not reachable in tests); and
every pinned revision checked against the recorded file lists of tests/data/hub_files.json."""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from pathlib import Path
from posixpath import dirname

import datasets
import pytest

from xharness_plugins.intermediate.tasks import MASSIVE
from xharness_plugins.xtreme_r.hub import PINS
from xharness_plugins.xtreme_r.tasks import (
    MLQA,
    PANX,
    TATOEBA,
    TYDIQA,
    UDPOS,
    XCOPA,
    XNLI,
    XQUAD,
)
from xtreme_harness.errors import DataError
from xtreme_harness.interfaces.sources import PARQUET_BRANCH, HubLocation, HubPin, HubSource
from xtreme_harness.interfaces.task import CANDIDATES_SPLIT, SHARED_POOL, TaskSpec
from xtreme_harness.plugin_host import get_host

HUB_FILES = Path(__file__).parent / "data" / "hub_files.json"
RECORDED: dict[str, dict[str, dict]] = json.loads(HUB_FILES.read_text(encoding="utf-8"))[
    "repositories"
]


def parquet(repository: str, path: str, revision: str | None = None) -> str:
    """The address a data-file pin reads `path` of `repository` from."""
    return f"hf://datasets/{repository}@{revision or PINS[repository].commit}/{path}"


@pytest.fixture
def hub(monkeypatch):
    """Replace `datasets.load_dataset` by a table of local datasets; record every request: a load
    by config as (path, name, split, revision), a load of data files as ("parquet", url, split)."""
    tables: dict[tuple, datasets.Dataset] = {}
    asked: list[tuple] = []

    def load_dataset(path, name=None, split=None, revision=None, data_files=None):
        if data_files is not None:
            assert path == "parquet" and name is None and revision is None
            (url,) = data_files.values()
            key = request = ("parquet", url, split)
        else:
            key, request = (path, name, split), (path, name, split, revision)
        asked.append(request)
        if key not in tables:
            raise FileNotFoundError(f"Couldn't find '{path}' on the Hugging Face Hub")
        return tables[key]

    monkeypatch.setattr(datasets, "load_dataset", load_dataset)
    return tables, asked


def test_xnli_rows_become_labelled_pairs(hub):
    tables, asked = hub
    features = datasets.Features({
        "premise": datasets.Value("string"), "hypothesis": datasets.Value("string"),
        "label": datasets.ClassLabel(names=["entailment", "neutral", "contradiction"]),
    })  # fmt: skip
    tables[("facebook/xnli", "sw", "test")] = datasets.Dataset.from_dict(
        {"premise": ["a", "b"], "hypothesis": ["c", "d"], "label": [2, 0]}, features=features
    )
    rows = XNLI.sources["hub"].load("test", "sw", revision="abc123").to_list()
    assert rows == [
        {"id": "0", "text_a": "a", "text_b": "c", "label": "contradiction"},
        {"id": "1", "text_a": "b", "text_b": "d", "label": "entailment"},
    ]
    assert asked == [("facebook/xnli", "sw", "test", "abc123")]


def test_tag_sequences_use_the_hub_label_names(hub):
    tables, _ = hub
    upos = datasets.ClassLabel(names=list(UDPOS.labels))
    tables[("google/xtreme", "udpos.Hindi", "test")] = datasets.Dataset.from_dict(
        {"tokens": [["राज्य", "में"]], "pos_tags": [[7, 1]]},
        features=datasets.Features({"tokens": datasets.Sequence(datasets.Value("string")),
                                    "pos_tags": datasets.Sequence(upos)}),
    )  # fmt: skip
    (row,) = UDPOS.sources["hub"].load("test", "hi").to_list()
    assert row["tokens"] == ["राज्य", "में"] and row["tags"] == ["NOUN", "ADP"]


def test_panx_languages_added_by_xtreme_r_come_from_wikiann(hub):
    _, asked = hub
    for language in ("pa", "de"):
        with pytest.raises(DataError):
            PANX.sources["hub"].load("test", language)
    assert [(a[0], a[1]) for a in asked] == [("unimelb-nlp/wikiann", "pa"),
                                             ("google/xtreme", "PAN-X.de")]  # fmt: skip


def test_xcopa_phases_and_languages_map_to_their_datasets(hub):
    _, asked = hub
    for split, language in (("siqa-train", "en"), ("train", "en"), ("test", "qu")):
        with pytest.raises(DataError):
            XCOPA.sources["hub"].load(split, language)
    assert asked == [
        ("parquet", parquet("allenai/social_i_qa", "default/train/*.parquet"), "train"),
        ("parquet", parquet("aps/super_glue", "copa/train/*.parquet"), "train"),
        ("parquet", parquet("cambridgeltl/xcopa", "qu/xcopa-test.parquet"), "test"),
    ]


def test_social_iqa_and_copa_rows(hub):
    tables, _ = hub
    siqa = parquet("allenai/social_i_qa", "default/validation/*.parquet")
    tables[("parquet", siqa, "validation")] = datasets.Dataset.from_dict(
        {"context": ["Ana paid."], "question": ["Why?"], "answerA": ["a"], "answerB": ["b"],
         "answerC": ["c"], "label": ["3"]}
    )  # fmt: skip
    (row,) = XCOPA.sources["hub"].load("siqa-validation", "en").to_list()
    assert row["context"] == "Ana paid. Why?" and row["label"] == 2
    xcopa = parquet("cambridgeltl/xcopa", "et/xcopa-test.parquet")
    tables[("parquet", xcopa, "test")] = datasets.Dataset.from_dict(
        {"premise": ["p"], "choice1": ["a"], "choice2": ["b"], "question": ["effect"],
         "label": [1], "idx": [0], "changed": [False]}
    )  # fmt: skip
    (row,) = XCOPA.sources["hub"].load("test", "et").to_list()
    assert row == {"id": "0", "context": "p What was the effect?", "choices": ["a", "b"],
                   "label": 1}  # fmt: skip


def test_unavailable_hub_data_says_what_and_how(hub, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(DataError) as info:
        XNLI.sources["hub"].load("test", "sw")
    message = str(info.value)
    assert message.startswith("hub:facebook/xnli/sw[test]: could not load 'sw' test data")
    assert f"facebook/xnli@{PINS['facebook/xnli'].commit}" in message
    assert "only datasets already in the Hugging Face cache" in message
    assert "--source xtreme --data-dir" in message
    with pytest.raises(DataError) as info:
        MASSIVE.sources["hub"].load("train", "sw")
    message = str(info.value)
    assert message.startswith("hub:AmazonScience/massive/sw-KE[train]: could not load 'sw' train")
    assert "/sw-KE/massive-train.parquet" in message and "fill the cache" in message


def test_udpos_languages_without_a_hub_config():
    with pytest.raises(DataError, match="for lt, pl, uk, wo and ro"):
        UDPOS.sources["hub"].load("test", "wo")


def test_udpos_hub_configs_that_are_not_xtremes_data_are_refused_or_recorded(hub):
    """google/xtreme's loader reads every treebank folder matching *_<Language>*: Greek, French,
    Russian and Chinese gain other languages' treebanks (refused, naming them); German's test
    set gains Swiss German (read, and recorded as a departure of the stage that read it)."""
    from xtreme_harness.config.run import RunConfig
    from xtreme_harness.engine.context import Context

    tables, asked = hub
    with pytest.raises(DataError, match=r"not XTREME's el data: .*\*_Greek\*.*Ancient_Greek"):
        UDPOS.sources["hub"].load("test", "el")
    with pytest.raises(DataError, match=r"not XTREME's fr data: .*Old_French-SRCMF.*French-FTB"):
        UDPOS.sources["hub"].load("train", "fr")
    assert asked == []  # refused before anything is read
    upos = datasets.ClassLabel(names=list(UDPOS.labels))
    tables[("google/xtreme", "udpos.German", "test")] = datasets.Dataset.from_dict(
        {"tokens": [["Haus"]], "pos_tags": [[7]]},
        features=datasets.Features({"tokens": datasets.Sequence(datasets.Value("string")),
                                    "pos_tags": datasets.Sequence(upos)}),
    )  # fmt: skip
    ctx = Context(RunConfig(model="m", task="udpos", source="hub", out="x"))
    record = ctx.with_data({"departures": []})
    assert record["departures"] == []
    ctx.load(UDPOS, "test", "de")
    (departure,) = ctx.with_data({"departures": []})["departures"]
    assert departure["setting"] == "data" and departure["reason"] == "source hub"
    assert "udpos.German adds Swiss_German-UZH (100 sentences)" in departure["used"]
    assert departure["protocol"] == "udpos test de as the benchmark's scripts make it"


SQUAD_FEATURES = datasets.Features({
    "id": datasets.Value("string"), "title": datasets.Value("string"),
    "context": datasets.Value("string"), "question": datasets.Value("string"),
    "answers": datasets.Sequence({"text": datasets.Value("string"),
                                  "answer_start": datasets.Value("int32")}),
})  # fmt: skip


def squad_rows(ids, answers, context="Die Katze sitzt auf der Matte."):
    return datasets.Dataset.from_dict(
        {"id": ids, "title": ["t"] * len(ids), "context": [context] * len(ids),
         "question": ["Wer?"] * len(ids), "answers": answers},
        features=SQUAD_FEATURES,
    )  # fmt: skip


def test_qa_tasks_map_splits_and_languages_to_their_datasets(hub):
    _, asked = hub
    for spec, split, language in [
        (XQUAD, "train", "en"), (XQUAD, "validation", "en"), (XQUAD, "test", "ro"),
        (MLQA, "test", "de"), (MLQA, "test-pairs", "de-zh"),
        (TYDIQA, "train", "en"), (TYDIQA, "validation", "en"), (TYDIQA, "test", "sw"),
    ]:  # fmt: skip
        with pytest.raises(DataError):
            spec.sources["hub"].load(split, language)
    assert [a[:3] for a in asked] == [
        ("rajpurkar/squad", None, "train"), ("rajpurkar/squad", None, "validation"),
        ("google/xquad", "xquad.ro", "validation"),
        ("google/xtreme", "MLQA.de.de", "test"), ("google/xtreme", "MLQA.de.zh", "test"),
        ("google/xtreme", "tydiqa", "train"), ("rajpurkar/squad", None, "validation"),
        ("google/xtreme", "tydiqa", "validation"),
    ]  # fmt: skip


def test_qa_rows_keep_their_ids_answers_and_language(hub):
    tables, _ = hub
    tables[("google/xtreme", "tydiqa", "validation")] = squad_rows(
        ["swahili-1-1", "finnish-2-1", "swahili-3-1"],
        [{"text": ["Katze"], "answer_start": [4]}, {"text": ["Matte"], "answer_start": [24]},
         {"text": ["Matte", "der Matte"], "answer_start": [24, 20]}],
    )  # fmt: skip
    rows = TYDIQA.sources["hub"].load("test", "sw").to_list()
    assert [r["id"] for r in rows] == ["swahili-1-1", "swahili-3-1"]
    assert rows[1]["answers"] == {"text": ["Matte", "der Matte"], "answer_start": [24, 20]}


def test_qa_hub_rows_are_checked_like_files(hub):
    tables, _ = hub
    tables[("google/xquad", "xquad.de", "validation")] = squad_rows(
        ["a", "b"], [{"text": ["Katze"], "answer_start": [5]}] * 2
    )
    with pytest.raises(DataError, match="question 'a': the answer is 'Katze' but the context has"):
        XQUAD.sources["hub"].load("test", "de")
    tables[("google/xquad", "xquad.de", "validation")] = squad_rows(
        ["a", "a"], [{"text": ["Katze"], "answer_start": [4]}] * 2
    )
    with pytest.raises(DataError, match=r"hub:google/xquad/xquad\.de.*question id 'a' appears"):
        XQUAD.sources["hub"].load("test", "de")


def test_tatoeba_hub_pairs_become_a_pool_and_sorted_english_queries(hub):
    tables, asked = hub
    tables[("google/xtreme", "tatoeba.deu", "validation")] = datasets.Dataset.from_dict({
        "source_sentence": ["Hund ", "Katze", "Maus"],
        "target_sentence": ["dog", "cat", "mouse"],
        "source_lang": ["deu"] * 3, "target_lang": ["eng"] * 3,
    })  # fmt: skip
    source = TATOEBA.sources["hub"]
    pool = source.load("candidates", "de").to_list()
    assert [(c["id"], c["text"]) for c in pool] == [("0", "Hund"), ("1", "Katze"), ("2", "Maus")]
    queries = source.load("test", "de").to_list()
    assert [(q["text"], q["targets"]) for q in queries] == [
        ("cat", ["1"]), ("dog", ["0"]), ("mouse", ["2"]),
    ]  # fmt: skip
    assert asked[0] == ("google/xtreme", "tatoeba.deu", "validation", None)
    with pytest.raises(DataError, match="no Tatoeba config for 'az'"):
        source.load("test", "az")


def test_data_revision_replaces_the_commit_of_a_single_repository(hub):
    _, asked = hub
    for source, split, language in ((XNLI, "test", "sw"), (MASSIVE, "train", "sw")):
        with pytest.raises(DataError):
            source.sources["hub"].load(split, language, revision="abc123")
    assert asked == [
        ("facebook/xnli", "sw", "test", "abc123"),
        ("parquet", "hf://datasets/AmazonScience/massive@abc123/sw-KE/massive-train.parquet",
         "train"),
    ]  # fmt: skip
    with pytest.raises(DataError):  # a branch name is quoted into the address
        MASSIVE.sources["hub"].load("train", "sw", revision=PARQUET_BRANCH)
    assert asked[-1][1].startswith("hf://datasets/AmazonScience/massive@refs%2Fconvert%2Fparquet/")


@pytest.mark.parametrize("spec", [XCOPA, PANX, XQUAD, MLQA, TYDIQA], ids=lambda s: s.name)
def test_data_revision_is_refused_where_a_task_reads_several_repositories(hub, spec):
    _, asked = hub
    with pytest.raises(DataError, match="--data-revision abc123 is ambiguous") as info:
        spec.sources["hub"].load("test", spec.languages[0], revision="abc123")
    assert all(repo in str(info.value) for repo in spec.sources["hub"].repositories)
    assert asked == []


def test_the_pins_are_in_the_task_listing():
    described = XCOPA.describe()["sources"]["hub"]
    assert "cambridgeltl/xcopa@76f7f8d93747ce7fa636d54b491fb39d7595e3df" in described
    assert f"({PARQUET_BRANCH}: {{config}}/xcopa-{{split}}.parquet)" in described
    assert "google/xtreme unpinned (main)" in PANX.describe()["sources"]["hub"]


def test_a_pin_is_a_full_commit_or_says_why_it_is_not():
    with pytest.raises(ValueError, match="full 40-hex sha"):
        HubPin("b8dd5d7")
    with pytest.raises(ValueError, match="needs a reason"):
        HubPin(None)
    with pytest.raises(ValueError, match="either pins"):
        HubSource("x", XNLI.sources["hub"].locate, XNLI.sources["hub"].convert, "main",
                  pins={"facebook/xnli": PINS["facebook/xnli"]})  # fmt: skip


def test_a_repository_without_a_pin_is_an_error():
    source = HubSource("x", lambda split, lang: ("someone/else", None, split), lambda r, f: r,
                       pins={"facebook/xnli": PINS["facebook/xnli"]})  # fmt: skip
    with pytest.raises(DataError, match="no pin is declared for someone/else"):
        source.resolve("test", "sw")


# --- every pinned revision against the recorded file lists ------------------------------------


def task_reads(spec: TaskSpec) -> set[tuple[str, str]]:
    """The (split, language) pairs a run or an intermediate stage reads from a task's source."""
    reads = set()
    for phase in spec.phases:
        reads |= {(phase.train_split, spec.train_language), (phase.dev_split, spec.train_language)}
    if "intermediate" in spec.roles and spec.phases:
        reads |= {(spec.phases[-1].train_split, lang) for lang in spec.training_languages}
    reads |= {("test", lang) for lang in spec.languages}
    if spec.pool == "shared":
        reads.add((CANDIDATES_SPLIT, SHARED_POOL))
    elif spec.pool is not None:
        reads |= {(CANDIDATES_SPLIT, lang) for lang in spec.languages}
    if spec.pairs_split is not None:
        reads |= {(spec.pairs_split, f"{c}-{q}") for c in spec.languages for q in spec.languages}
    return reads


def hub_locations() -> dict[str, list[tuple[str, HubLocation]]]:
    """Every hub location of every registered task, by repository (where `locate` refuses a split
    or language, the task documents that the hub has no such data)."""
    by_repository: dict[str, list[tuple[str, HubLocation]]] = {}
    for name, registration in sorted(get_host().registrations("tasks").items()):
        source = registration.obj.sources.get("hub")
        if not isinstance(source, HubSource):
            continue
        for split, language in sorted(task_reads(registration.obj)):
            try:
                location = source.resolve(split, language)
            except DataError:
                continue
            where = f"{name} {split} {language}"
            by_repository.setdefault(location.dataset_id, []).append((where, location))
    return by_repository


LOCATIONS = hub_locations()


def matches(pattern: str, path: str) -> bool:
    """Whether `path` matches `pattern` folder by folder (a ``*`` stays within a folder)."""
    parts, names = pattern.split("/"), path.split("/")
    return len(parts) == len(names) and all(map(fnmatchcase, names, parts))


def check_revision(
    repository: str, pin: HubPin, record: dict, wanted: list[tuple[str, str | None]]
) -> tuple[list[str], list[str]]:
    """What the recorded files of `repository` at the pinned commit contradict (problems) and what
    they cannot tell (unverified), for `wanted`: (where, files pattern or None) pairs."""
    files, listed = set(record["files"]), set(record["listed"])
    complete = record["complete"]
    folders = set(record["folders"]) | {dirname(f) for f in files}
    known = {part for folder in folders for part in _parents(folder)}
    problems, unverified = [], []
    if pin.data_files is None:  # loaded by repository id: `datasets` >= 4 refuses a script
        script = repository.split("/")[-1] + ".py"
        if script in files:
            problems.append(
                f"{script} is at the root: datasets >= 4 refuses to load the repository "
                "('Dataset scripts are no longer supported'); read a data-only revision"
            )
        elif not (complete or "" in listed):
            unverified.append("the root folder (a loading script) was not recorded")
    for where, pattern in wanted:
        if pattern is None:
            unverified.append(f"{where}: the pin declares no layout")
            continue
        if any(matches(pattern, f) for f in files):
            continue
        folder = dirname(pattern)
        absent = next(
            (p for p in _parents(folder) if dirname(p) in listed and p not in known), None
        )
        if complete or folder in listed or absent is not None:
            problems.append(f"{where}: no recorded file matches {pattern}")
        else:
            unverified.append(f"{where}: {pattern}")
    return problems, unverified


def _parents(folder: str) -> list[str]:
    """`folder` and the folders above it, root excluded (``a/b`` -> ``a``, ``a/b``)."""
    parts = folder.split("/") if folder else []
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


@pytest.mark.parametrize("repository", sorted(LOCATIONS))
def test_every_repository_a_task_reads_is_pinned_to_recorded_data(repository):
    located = LOCATIONS[repository]
    assert all(loc.pin is not None for _, loc in located), f"{repository}: a location has no pin"
    # tasks of several plugins may read one repository; they must read one revision, one way
    pins = {
        (p.commit, p.branch, p.data_files, p.layout): p for p in (loc.pin for _, loc in located)
    }
    assert len(pins) == 1, f"{repository}: read at {len(pins)} revisions or ways: {list(pins)}"
    (pin,) = pins.values()
    if pin.commit is None:
        pytest.xfail(f"{repository} is unpinned ({len(located)} locations read {pin.branch}): "
                     f"{pin.reason}")  # fmt: skip
    commits = RECORDED.get(repository, {})
    assert pin.commit in commits, (
        f"{repository}@{pin.commit} has no recorded file list in {HUB_FILES.name}; "
        "run scripts/record_hub_files.py"
    )
    record = commits[pin.commit]
    assert record.get("branch") == pin.branch and record.get("pinned", True)
    wanted = [
        (where, loc.data_files or pin.files_of(loc.config, loc.split)) for where, loc in located
    ]
    problems, unverified = check_revision(repository, pin, record, wanted)
    assert not problems, f"{repository}@{pin.commit}:\n" + "\n".join(problems)
    if unverified:
        checked = len(wanted) - len(unverified)
        pytest.xfail(
            f"{repository}@{pin.commit}: the recorded list is partial; {checked} of {len(wanted)}"
            f" locations checked, unverified: {', '.join(unverified[:5])}"
            + (" ..." if len(unverified) > 5 else "")
        )


def test_the_recorded_lists_cite_their_pages_and_hold_only_full_commits():
    for repository, commits in RECORDED.items():
        for commit, record in commits.items():
            assert re.fullmatch(r"[0-9a-f]{40}", commit), (repository, commit)
            assert record["read_from"], (repository, commit)
            assert all(
                url.startswith("https://huggingface.co/") or url.startswith("HfApi")
                for url in record["read_from"]
            )
            assert set(record["listed"]) <= {""} | {dirname(f) for f in record["files"]} | set(
                record["folders"]
            )


def test_the_check_recognises_script_only_revisions():
    wanted = [("massive train sw", None)]
    record = RECORDED["AmazonScience/massive"]["ff6bd8e4b27c3543e4f8fe2108f32bb95a6f8740"]
    problems, _ = check_revision(
        "AmazonScience/massive", HubPin("ff6bd8e4b27c3543e4f8fe2108f32bb95a6f8740"), record, wanted
    )
    assert problems and "massive.py is at the root" in problems[0]
    # data files next to a script: loaded by repository id it is still refused; read as data
    # files (the Parquet builder) it is not
    record = RECORDED["allenai/social_i_qa"]["6db3dcea20d5430c3dd74bf85fe9ca87268ea91b"]
    by_id = HubPin("6db3dcea20d5430c3dd74bf85fe9ca87268ea91b", layout="data/{split}-*.parquet")
    problems, unverified = check_revision("allenai/social_i_qa", by_id, record,
                                          [("siqa train", "data/train-*.parquet")])  # fmt: skip
    assert len(problems) == 1 and "social_i_qa.py" in problems[0] and not unverified
    as_files = HubPin(
        "6db3dcea20d5430c3dd74bf85fe9ca87268ea91b", data_files="data/{split}-*.parquet"
    )
    assert check_revision("allenai/social_i_qa", as_files, record,
                          [("siqa train", "data/train-*.parquet")]) == ([], [])  # fmt: skip


def test_the_check_tells_missing_files_from_unrecorded_ones():
    record = RECORDED["facebook/xnli"]["b8dd5d7af51114dbda02c0e3f6133f332186418e"]
    pin = PINS["facebook/xnli"]
    wanted = [
        ("listed", "zh/test-*.parquet"),
        ("unlisted folder", "sw/test-*.parquet"),
        ("absent folder", "xx/test-*.parquet"),
        ("listed, no file", "zh/dev-*.parquet"),
    ]
    problems, unverified = check_revision("facebook/xnli", pin, record, wanted)
    assert problems == ["absent folder: no recorded file matches xx/test-*.parquet",
                        "listed, no file: no recorded file matches zh/dev-*.parquet"]  # fmt: skip
    assert unverified == ["unlisted folder: sw/test-*.parquet"]


def test_low_resource_targets_read_their_test_sets_and_english_training_data(hub):
    """AmericasNLI: English from facebook/xnli (the xnli task's revision), each language's test
    from nala-cub/americas_nli's Parquet conversion by release code; MasakhaNER 2.0: English
    PAN-X from google/xtreme, the test sets from masakhane/masakhaner2, DATE read as O."""
    from xharness_plugins.low_resource.tasks import AMERICASNLI, MASAKHANER

    tables, asked = hub
    nli = datasets.Features({
        "premise": datasets.Value("string"), "hypothesis": datasets.Value("string"),
        "label": datasets.ClassLabel(names=["entailment", "neutral", "contradiction"]),
    })  # fmt: skip
    test = AMERICASNLI.sources["hub"].resolve("test", "ay")
    assert (test.dataset_id, test.config, test.data_files) == (
        "nala-cub/americas_nli", "aym", "aym/test/*.parquet")  # fmt: skip
    assert test.revision == PARQUET_BRANCH
    tables[("parquet", test.url, "test")] = datasets.Dataset.from_dict(
        {"premise": ["p"], "hypothesis": ["h"], "label": [2]}, features=nli
    )
    assert AMERICASNLI.sources["hub"].load("test", "ay").to_list() == [
        {"id": "0", "text_a": "p", "text_b": "h", "label": "contradiction"}]  # fmt: skip
    train = AMERICASNLI.sources["hub"].resolve("train", "en")
    assert (train.dataset_id, train.config, train.revision) == (
        "facebook/xnli", "en", PINS["facebook/xnli"].commit)  # fmt: skip
    ner = datasets.ClassLabel(names=["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC",
                                     "B-DATE", "I-DATE"])  # fmt: skip
    found = MASAKHANER.sources["hub"].resolve("test", "sw")
    assert (found.dataset_id, found.config) == ("masakhane/masakhaner2", "swa")
    tables[("parquet", found.url, "test")] = datasets.Dataset.from_dict(
        {"tokens": [["Ada", "alikuja", "Jumatatu"]], "ner_tags": [[1, 0, 7]]},
        features=datasets.Features({"tokens": datasets.Sequence(datasets.Value("string")),
                                    "ner_tags": datasets.Sequence(ner)}),
    )  # fmt: skip
    (row,) = MASAKHANER.sources["hub"].load("test", "sw").to_list()
    assert row["tags"] == ["B-PER", "O", "O"]
    english = MASAKHANER.sources["hub"].resolve("train", "en")
    assert (english.dataset_id, english.config) == ("google/xtreme", "PAN-X.en")
    assert len(asked) == 2
