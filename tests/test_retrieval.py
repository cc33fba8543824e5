"""Retrieval: exact chunked top-k, ranking metrics, readers of the official layouts, the candidate
store, and Tatoeba / LAReQA / Mewsli-X end to end on sample data (the dual encoder itself:
test_dual_encoder.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from xharness_plugins.xtreme_r import retrieval_data
from xtreme_harness.engine.embedding_store import load_index, save_index
from xtreme_harness.engine.kinds.retrieval import CandidateIndex, check_pool, pairs_as_search
from xtreme_harness.engine.search import top_k
from xtreme_harness.errors import DataError, XHarnessWarning
from xtreme_harness.results import metrics


def brute_force(queries: np.ndarray, candidates: np.ndarray, k: int) -> np.ndarray:
    scores = queries.astype(np.float64) @ candidates.astype(np.float64).T
    return np.array(
        [sorted(range(len(candidates)), key=lambda j: (-row[j], j))[:k] for row in scores]
    )


# search


@pytest.mark.parametrize("seed", range(12))
def test_top_k_equals_a_stable_full_sort_with_many_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m, d = rng.integers(1, 40), rng.integers(1, 200), rng.integers(1, 6)
    # small integers: many exactly equal scores, across chunk boundaries too
    queries = rng.integers(-2, 3, (n, d)).astype(np.float32)
    candidates = rng.integers(-2, 3, (m, d)).astype(np.float32)
    k = int(rng.integers(1, 30))
    scores, indices = top_k(
        queries,
        candidates,
        k,
        query_chunk=int(rng.integers(1, 16)),
        candidate_chunk=int(rng.integers(1, 40)),
    )
    expected = brute_force(queries, candidates, min(k, m))
    assert indices.tolist() == expected.tolist()
    assert np.allclose(scores.numpy(), np.take_along_axis(queries @ candidates.T, expected, 1))


def test_top_k_on_random_floats_and_a_memory_map(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    queries = rng.standard_normal((300, 32)).astype(np.float32)
    path = tmp_path / "pool.npy"
    np.save(path, rng.standard_normal((5000, 32)).astype(np.float32))
    pool = np.load(path, mmap_mode="r")
    _, indices = top_k(queries, pool, 20, query_chunk=64, candidate_chunk=700)
    full = torch.topk(torch.from_numpy(queries) @ torch.from_numpy(np.array(pool)).T, 20)
    assert indices.tolist() == full.indices.tolist()


def test_top_k_refuses_an_empty_pool() -> None:
    with pytest.raises(ValueError, match="empty candidate pool"):
        top_k(np.ones((2, 3), np.float32), np.zeros((0, 3), np.float32), 5)


# metrics


def test_mrr_at_20_by_hand() -> None:
    gold = [["Q1"], ["Q2"], ["Q3"], ["Q4"]]
    predicted = [["Q1", "Q9"], ["Q9", "Q8", "Q2"], [f"Q{i}" for i in range(10, 40)], []]
    # ranks 1, 3, absent, no prediction -> (1 + 1/3 + 0 + 0) / 4
    assert metrics.compute("mrr@20", gold, predicted) == {"map@20": pytest.approx(100 / 3)}
    beyond = [["X"] * 0 + [f"c{i}" for i in range(20)] + ["Q1"]]
    assert metrics.compute("mrr@20", [["Q1"]], beyond) == {"map@20": 0.0}


def test_map_at_20_by_hand_and_pooled() -> None:
    # relevant {a, b, c}; hits at ranks 1 and 4 -> (1/1 + 2/4) / min(3, 20) = 0.5
    assert metrics.ranking_units("map@20", [["a", "b", "c"]], [["a", "x", "y", "b"]]) == [0.5]
    # a repeated hit counts once: (1/1) / 2
    assert metrics.ranking_units("map@20", [["a", "b"]], [["a", "a"]]) == [0.5]
    # 25 relevant: the divisor is min(25, 20) = 20; all of the top 20 relevant -> 1
    relevant = [f"r{i}" for i in range(25)]
    assert metrics.ranking_units("map@20", [relevant], [relevant]) == [1.0]
    first = ([["a"], ["b"]], [["a"], ["x", "b"]])  # APs 1, 0.5
    second = ([["c"]], [["x", "y", "z", "w"]])  # AP 0
    assert metrics.compute("map@20", *first) == {"map@20": 75.0}
    # pooled over the three queries: 1.5 / 3, not the mean of 75 and 0
    assert metrics.pooled("map@20", [first, second]) == {"map@20": 50.0}


# pools and the candidate store


def test_bad_pools_are_named() -> None:
    with pytest.raises(DataError, match="empty"):
        check_pool([], "pool")
    with pytest.raises(DataError, match=r"'Q2' appears twice \(candidates 2 and 3\)"):
        check_pool([{"id": "Q1"}, {"id": "Q2"}, {"id": "Q2"}], "pool")


def test_development_pairs_become_a_search() -> None:
    pairs = [
        {"id": "1", "text": "q1", "positive": "A", "positive_context": None},
        {"id": "2", "text": "q2", "positive": "B", "positive_context": None},
        {"id": "3", "text": "q3", "positive": "A", "positive_context": None},
    ]
    queries, pool = pairs_as_search(pairs)
    assert pool == [{"id": "c0", "text": "A"}, {"id": "c1", "text": "B"}]
    assert [q["targets"] for q in queries] == [["c0"], ["c1"], ["c0"]]


def test_candidate_store_round_trip_and_settings_check(tmp_path: Path) -> None:
    embeddings = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    index = CandidateIndex(["a", "b", "c", "d", "e"], embeddings)
    save_index(str(tmp_path), index, {"task": "lareqa", "pooling": "pooler"})
    loaded = load_index(str(tmp_path), {"task": "lareqa", "pooling": "pooler"})
    assert isinstance(loaded.embeddings, np.memmap)
    assert loaded.ids == index.ids and np.array_equal(loaded.embeddings, embeddings)
    with pytest.raises(DataError, match="pooling 'pooler' here, 'mean' wanted"):
        load_index(str(tmp_path), {"task": "lareqa", "pooling": "mean"})
    with pytest.raises(DataError, match=r"meta\.json is missing"):
        load_index(str(tmp_path / "nothing"), {})


# readers


def test_tatoeba_aligned_files_give_gold_in_the_sorted_convention(tmp_path: Path) -> None:
    folder = tmp_path / "tatoeba"
    folder.mkdir()
    (folder / "de-en.de").write_text("Katze\nHund\nMaus\n", encoding="utf-8")
    (folder / "de-en.en").write_text("cat\ndog\nmouse\n", encoding="utf-8")
    (folder / "de-en.en").write_text("dog\ncat\nmouse\n", encoding="utf-8")
    (folder / "de-en.de").write_text("Hund\nKatze\nMaus\n", encoding="utf-8")
    queries = retrieval_data.tatoeba_queries(str(folder / "de-en.en"))
    assert [(q["text"], q["targets"]) for q in queries] == [
        ("cat", ["1"]), ("dog", ["0"]), ("mouse", ["2"]),
    ]  # fmt: skip
    pool = retrieval_data.tatoeba_candidates(str(folder / "de-en.de"))
    assert [c["text"] for c in pool] == ["Hund", "Katze", "Maus"]


def test_tatoeba_official_sorted_files_have_no_gold_and_counts_must_match(tmp_path: Path) -> None:
    (tmp_path / "fr-en.en").write_text("a\nb\nc\n", encoding="utf-8")
    (tmp_path / "fr-en.fr").write_text("x\ny\nz\n", encoding="utf-8")
    assert all(q["targets"] is None for q in retrieval_data.tatoeba_queries(
        str(tmp_path / "fr-en.en")))  # fmt: skip
    (tmp_path / "fr-en.fr").write_text("x\ny\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"has 3 sentences but .*fr-en\.fr has 2"):
        retrieval_data.tatoeba_queries(str(tmp_path / "fr-en.en"))
    (tmp_path / "fr-en.fr").write_text("x\n\ny\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"fr-en.fr:2: empty line"):
        retrieval_data.tatoeba_candidates(str(tmp_path / "fr-en.fr"))


def _xquad_r(folder: Path, language: str, paragraphs: list[dict]) -> None:
    folder.mkdir(exist_ok=True)
    document = {"version": "1.1", "data": [{"title": "t", "paragraphs": paragraphs}]}
    (folder / f"{language}.json").write_text(json.dumps(document), encoding="utf-8")


def _paragraph(sentences: list[str], qas: list[tuple[str, str, str]]) -> dict:
    context = " ".join(sentences)
    breaks, start = [], 0
    for sentence in sentences:
        breaks.append([start, start + len(sentence)])
        start += len(sentence) + 1
    return {
        "context": context,
        "sentence_breaks": breaks,
        "qas": [
            {"id": qid, "question": question,
             "answers": [{"text": answer, "answer_start": context.index(answer)}]}
            for qid, question, answer in qas
        ],
    }  # fmt: skip


def test_lareqa_pool_and_targets_across_languages(tmp_path: Path) -> None:
    folder = tmp_path / "xquad-r"
    _xquad_r(folder, "en", [
        _paragraph(["Ann lives in Oslo.", "Bo works at Acme."],
                   [("q1", "Where does Ann live?", "Oslo"), ("q2", "Where does Bo work?", "Acme")]),
        _paragraph(["Cy was born in 1990."], [("q3", "When?", "1990")]),
    ])  # fmt: skip
    _xquad_r(folder, "de", [
        _paragraph(["Ann wohnt in Oslo.", "Bo arbeitet bei Acme."],
                   [("q1", "Wo wohnt Ann?", "Oslo"), ("q2", "Wo arbeitet Bo?", "Acme")]),
        _paragraph(["Cy wurde 1990 geboren."], [("q3", "Wann?", "1990")]),
    ])  # fmt: skip
    queries, pool = retrieval_data.lareqa_readers(("en", "de"))
    candidates = pool(str(folder))
    assert [c["id"] for c in candidates] == ["en_1_0", "en_1_1", "en_2_0", "de_1_0", "de_1_1",
                                             "de_2_0"]  # fmt: skip
    # a candidate is its sentence followed by its paragraph
    assert candidates[1]["text"] == "Bo works at Acme." + "Ann lives in Oslo. Bo works at Acme."
    german = queries(str(folder / "de.json"))
    assert german[1] == {"id": "q2", "text": "Wo arbeitet Bo?", "targets": ["de_1_1", "en_1_1"]}


def test_lareqa_skips_answers_outside_sentences_and_checks_its_input(tmp_path: Path) -> None:
    folder = tmp_path / "xquad-r"
    paragraph = _paragraph(["One.", "Two."], [("q1", "?", "Two")])
    paragraph["sentence_breaks"] = [[0, 4]]  # the answer is in no sentence
    _xquad_r(folder, "en", [paragraph, _paragraph(["Three."], [("q2", "?", "Three")])])
    queries, pool = retrieval_data.lareqa_readers(("en",))
    with pytest.warns(XHarnessWarning, match="1 questions skipped.*first: q1"):
        assert [q["id"] for q in queries(str(folder / "en.json"))] == ["q2"]
    assert [c["id"] for c in pool(str(folder))] == ["en_2_0"]
    del paragraph["sentence_breaks"]
    _xquad_r(folder, "en", [paragraph])
    with pytest.raises(DataError, match="no 'sentence_breaks'"):
        pool(str(folder))
    _xquad_r(folder, "en", [_paragraph(["A b."], [("q1", "?", "b"), ("q1", "?", "A")])])
    with pytest.raises(DataError, match="question id q1 appears twice"):
        pool(str(folder))
    with pytest.raises(DataError, match=r"de\.json: missing"):
        retrieval_data.lareqa_readers(("en", "de"))[1](str(folder))


def test_lareqa_real_xquad_r_matches_the_published_pool(shared: Path) -> None:
    folder = shared / "reference" / "real-data" / "lareqa" / "xquad-r"
    languages = tuple(sorted(p.stem for p in folder.glob("*.json")))
    assert len(languages) == 11
    queries, pool = retrieval_data.lareqa_readers(languages)
    candidates = pool(str(folder))
    questions = [q for language in languages for q in queries(str(folder / f"{language}.json"))]
    # "13,090 questions each of which has 11 target answers ... within the pool of 13,014
    # candidate answer sentences" (XTREME-R paper)
    assert len(questions) == 13090
    assert len(candidates) == 13014
    assert sum(len(q["targets"]) >= 11 for q in questions) / len(questions) > 0.99
    check_pool(candidates, "xquad-r")


def test_mewslix_query_format() -> None:
    context = {
        "text": "First sentence. The {new} plan of Acme Corp was shown. Last one.",
        "sentence_spans": [{"start": 0, "end": 15}, {"start": 16, "end": 54},
                           {"start": 55, "end": 64}],
    }  # fmt: skip
    start = context["text"].index("Acme Corp")
    mention = {"mention_span": {"start": start, "end": start + 9, "text": "Acme Corp"}}
    assert retrieval_data.mention_query(context, mention) == (
        "Acme Corp: The (new) plan of { Acme Corp } was shown."
    )
    crossing = {"mention_span": {"start": 10, "end": 20, "text": context["text"][10:20]}}
    with pytest.raises(ValueError, match="not inside one sentence span"):
        retrieval_data.mention_query(context, crossing)
    wrong = {"mention_span": {"start": start, "end": start + 4, "text": "Acme Corp"}}
    with pytest.raises(ValueError, match="holds 'Acme', not 'Acme Corp'"):
        retrieval_data.mention_query(context, wrong)


def test_mewslix_files_name_file_and_line(tmp_path: Path) -> None:
    mention = {"example_id": "e1", "entity_id": "Q1",
               "mention_span": {"start": 0, "end": 3, "text": "Ann"}}  # fmt: skip
    record = {"context": {"text": "Ann sings.", "sentence_spans": [{"start": 0, "end": 10}]},
              "mentions": [mention, dict(mention)]}  # fmt: skip
    path = tmp_path / "test-de.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"test-de.jsonl:1: example id e1 appears twice"):
        retrieval_data.mewslix_mentions(str(path))
    path.write_text('{"context": {}}\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"test-de.jsonl:1: not a Mewsli-X contextual mention"):
        retrieval_data.mewslix_mentions(str(path))
    record["mentions"] = [dict(mention, entity_id="")]  # the official test files blank it
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert retrieval_data.mewslix_mentions(str(path))[0]["targets"] is None


def test_squad_pairs_split_sentences(tmp_path: Path) -> None:
    assert retrieval_data.split_sentences('He said "go." Then? Yes! ok') == [
        (0, 13), (14, 19), (20, 24), (25, 27),
    ]  # fmt: skip
    paragraph = _paragraph(["Ann lives in Oslo.", "Bo works at Acme."], [("q1", "Where?", "Acme")])
    document = {"data": [{"title": "t", "paragraphs": [paragraph]}]}
    path = tmp_path / "train.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    (pair,) = retrieval_data.squad_pairs(str(path))
    assert pair["positive"] == "Bo works at Acme."
    assert pair["positive_context"] == paragraph["context"]


def test_expected_random_mrr_is_small() -> None:
    # the chance level that trained models are compared with below
    assert random_mrr(300) == pytest.approx(sum(1 / r for r in range(1, 21)) / 300)


def random_mrr(pool: int, k: int = 20) -> float:
    """Expected reciprocal rank at k of one relevant candidate placed uniformly at random."""
    return sum(1 / rank for rank in range(1, min(k, pool) + 1)) / pool


# end to end on the sample data


def _run(tiny_model: str, out: Path, task: str, **changes: object) -> dict:
    from xtreme_harness.config.run import RunConfig
    from xtreme_harness.engine.run import run

    fields = dict(model=tiny_model, task=task, source="sample", out=str(out), progress=False)
    fields.update(changes)
    return run(RunConfig(**fields))


def test_tatoeba_embeds_without_training_in_the_official_layout(tiny_model, tmp_path) -> None:
    from xtreme_harness.config.run import Overrides

    # fine_tune_on none: XTREME's protocol (XTREME-R's fine-tunes on SQuAD v1.1 first)
    result = _run(tiny_model, tmp_path / "t", "tatoeba", eval_languages=("de", "ja"),
                  overrides=Overrides(layer=1), fine_tune_on="none")  # fmt: skip
    assert result["config"]["phases"] == [] and result["training"]["phases"] == []
    assert result["config"]["retrieval"] == {
        "pool": "per-language", "pooling": "mean", "layer": 1, "max_length": 512,
        "max_query_length": None, "top_k": 20,
    }  # fmt: skip
    queries = retrieval_data.tatoeba_queries(
        str(Path(__file__).parents[1] / "plugins/xtreme_r/sample/tatoeba/ja-en.en")
    )
    lines = (tmp_path / "t/predictions/tatoeba/test-ja.tsv").read_text().splitlines()
    assert len(lines) == len(queries) == result["evaluation"]["ja"]["candidates"]
    assert all(0 <= int(line) < len(lines) for line in lines)
    correct = sum(line == q["targets"][0] for line, q in zip(lines, queries, strict=True))
    assert result["scores"]["ja"]["accuracy"] == pytest.approx(100 * correct / len(lines))


def test_a_tiny_dual_encoder_learns_and_beats_random_ranking(tiny_model, tmp_path) -> None:
    from xtreme_harness.config.run import Overrides

    result = _run(
        tiny_model, tmp_path / "m", "mewslix",
        overrides=Overrides(pooling="mean", learning_rate=3e-4, batch_size=16,
                            gradient_accumulation=1, epochs=6),
    )  # fmt: skip
    (phase,) = result["training"]["phases"]
    assert phase["losses"][-1] < 0.7 * phase["losses"][0]
    pool = result["evaluation"]["de"]["candidates"]
    assert all(entry["candidates"] == pool and entry["unreachable"] == 0
               for entry in result["evaluation"].values())  # fmt: skip
    chance = 100 * random_mrr(pool)
    assert result["score"] > 5 * chance, (result["score"], chance)
    predictions = json.loads((tmp_path / "m/predictions/mewslix/test-de.json").read_text())
    assert all(len(ranked) == 20 and len(set(ranked)) == 20 for ranked in predictions.values())


def test_unreachable_gold_is_counted_not_dropped(tiny_model, tmp_path) -> None:
    import shutil

    from xtreme_harness.config.run import Overrides

    sample = Path(__file__).parents[1] / "plugins/xtreme_r/sample/mewslix"
    shutil.copytree(sample, tmp_path / "data/mewslix")
    path = tmp_path / "data/mewslix/wikinews_mentions/test-de.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["mentions"][0]["entity_id"] = "Q999999999"  # not in the pool
    path.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n", encoding="utf-8")
    result = _run(tiny_model, tmp_path / "u", "mewslix", source="xtreme",
                  data_dir=str(tmp_path / "data"), eval_languages=("de",),
                  overrides=Overrides(max_steps=1))  # fmt: skip
    entry = result["evaluation"]["de"]
    assert entry["unreachable"] == 1 and entry["examples"] == 15
    assert any("1 of 15 queries have a gold candidate that is not in the pool" in note
               for note in result["notes"])  # fmt: skip


def test_grid_shares_the_pool_embedding_and_scores_like_the_official_scorer(
    tiny_model, tmp_path
) -> None:
    from click.testing import CliRunner

    from xtreme_harness.cli import cli
    from xtreme_harness.grid.store import Store

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args))

    out = tmp_path / "grid"
    common = ["grid", "--model", tiny_model, "--source", "sample", "--tasks",
              "lareqa,mewslix,tatoeba", "--pooling", "mean", "--layer", "1", "--max-steps", "2",
              "--out", str(out)]  # fmt: skip
    done = invoke(*common)
    assert done.exit_code == 0, done.output
    store = Store(str(out))
    records = [store.record(p.name) for p in (out / "steps").iterdir()]
    stages = sorted(r["stage"] for r in records)
    assert stages == ["embed"] * 2 + ["evaluate"] * 3 + ["finetune"] * 3
    for record in records:
        if record["stage"] == "embed":
            index = load_index(str(out / "steps" / record["key"] / "candidates"),
                               {"task": record["settings"]["task"]})  # fmt: skip
            assert isinstance(index.embeddings, np.memmap)
        if record["stage"] == "evaluate":
            assert not (out / "steps" / record["key"] / "candidates").exists()
    again = invoke(*common)
    assert again.exit_code == 0, again.output
    assert "0 steps run here, 0 by another process, 8 reused" in again.output
    assert invoke("export", str(out), "--out", str(tmp_path / "sub"),
                  "--gold", str(tmp_path / "gold")).exit_code == 0  # fmt: skip
    scored = json.loads(invoke("score", str(tmp_path / "sub"), str(tmp_path / "gold"),
                               "--benchmark", "xtreme-r", "--json").output)  # fmt: skip
    for path in (out / "results").glob("*.json"):
        result = json.loads(path.read_text())
        name = result["task"]["name"]
        assert scored[name]["avg_metric"] == result["score"]  # bit for bit, LAReQA pooled
        key = "accuracy" if name == "tatoeba" else "map@20"
        assert scored[name][key] == {lang: v[key] for lang, v in result["scores"].items()}


def test_real_tatoeba_files_give_a_permutation_as_gold(shared: Path) -> None:
    folder = shared / "reference" / "real-data" / "tatoeba"
    for language, size in (("de", 1000), ("ja", 1000), ("kk", 575)):
        queries = retrieval_data.tatoeba_queries(str(folder / f"{language}-en.en"))
        pool = retrieval_data.tatoeba_candidates(str(folder / f"{language}-en.{language}"))
        assert len(queries) == len(pool) == size
        assert sorted(int(q["targets"][0]) for q in queries) == list(range(size))
        assert [q["text"] for q in queries] == sorted(q["text"] for q in queries)


def test_tatoeba_after_the_reference_squad_stage_warns_of_no_leak(tiny_model, tmp_path) -> None:
    import warnings

    from xtreme_harness.config.run import Intermediate, Overrides

    with warnings.catch_warnings():
        warnings.simplefilter("error", XHarnessWarning)
        result = _run(
            tiny_model, tmp_path / "ti", "tatoeba", eval_languages=("de",),
            overrides=Overrides(layer=2),
            intermediate=Intermediate("xquad", options={"codes": "en"},
                                      overrides=Overrides(max_steps=2)),
        )  # fmt: skip
    assert result["training"]["intermediate"]["updates"] == 2
    assert result["intermediate"]["allocation"]["languages"][0]["language"] == "en"
    assert not any("leak" in note or "benchmark" in note for note in result["notes"])


def test_a_pool_embedded_block_by_block_ranks_the_same(tiny_model, tmp_path, monkeypatch) -> None:
    from xtreme_harness.config.run import Overrides
    from xtreme_harness.engine.stages import pool

    settings = dict(eval_languages=("en", "zh"), overrides=Overrides(max_steps=1, pooling="mean"))
    whole = _run(tiny_model, tmp_path / "whole", "lareqa", **settings)
    monkeypatch.setattr(pool, "EMBED_BLOCK", 100)  # the sample pool has 781 sentences
    blocks = _run(tiny_model, tmp_path / "blocks", "lareqa", **settings)
    # the same embeddings up to float noise (padding differs between batches)
    first = load_index(str(tmp_path / "whole/candidates"), {"task": "lareqa"})
    index = load_index(str(tmp_path / "blocks/candidates"), {"task": "lareqa"})
    assert first.ids == index.ids
    assert np.allclose(first.embeddings, index.embeddings, atol=1e-5)
    assert blocks["score"] == pytest.approx(whole["score"], abs=1e-6)
    assert len(index.ids) == whole["evaluation"]["en"]["candidates"] == 781


def test_lareqa_bad_offsets_and_breaks_name_the_file_and_question(tmp_path: Path) -> None:
    folder = tmp_path / "xquad-r"
    paragraph = _paragraph(["Ann lives in Oslo."], [("q1", "Where?", "Oslo")])
    paragraph["qas"][0]["answers"][0]["answer_start"] = 0
    _xquad_r(folder, "en", [paragraph])
    _, pool = retrieval_data.lareqa_readers(("en",))
    with pytest.raises(DataError, match=r"en\.json: field 'answer_start': question q1: the answer "
                       r"'Oslo' is not at offset 0"):  # fmt: skip
        pool(str(folder))
    paragraph = _paragraph(["Ann lives in Oslo."], [("q1", "Where?", "Oslo")])
    paragraph["sentence_breaks"] = [[0, 500]]
    _xquad_r(folder, "en", [paragraph])
    with pytest.raises(DataError, match=r"sentence break \[0, 500\] is not \[start, end\] within"):
        pool(str(folder))


def test_a_damaged_candidate_store_is_refused(tmp_path: Path) -> None:
    index = CandidateIndex(["a", "b"], np.ones((2, 3), np.float32))
    save_index(str(tmp_path), index, {"task": "mewslix"})
    (tmp_path / "ids.json").write_text('["a"]', encoding="utf-8")
    with pytest.raises(DataError, match=r"1 ids; meta\.json says 2 x 3"):
        load_index(str(tmp_path), {"task": "mewslix"})


def test_a_layer_the_model_lacks_is_a_usage_error(tiny_model, tmp_path) -> None:
    from xtreme_harness.config.run import Overrides
    from xtreme_harness.errors import UsageError

    with pytest.raises(UsageError, match=r"tatoeba: layer 8 does not exist: the model has 3 "
                       r"hidden states .*--layer"):  # fmt: skip
        _run(tiny_model, tmp_path / "t", "tatoeba", eval_languages=("de",),
             overrides=Overrides(layer=8), fine_tune_on="none")  # fmt: skip
    with pytest.raises(UsageError, match=r"protocol xtreme-r gives the layer .* this model has 2 "
                       r"layers: pass --layer N"):  # fmt: skip
        _run(tiny_model, tmp_path / "t", "tatoeba", eval_languages=("de",))
    assert not (tmp_path / "t" / "result.json").exists()
