"""The performance scripts (perf/*.py) stay runnable and honest: every one has a ``--smoke`` mode
(``make perf-smoke`` runs them all in CI) and prints its figure beside a goal; none takes the
upper middle value for a median; the retrieval comparison tells float ties from real differences.
No timing is asserted here."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import REPO

PERF = REPO / "perf"
SCRIPTS = sorted(path for path in PERF.glob("*.py") if not path.name.startswith("_"))


def _arguments(path: Path) -> set[str]:
    """The option names a script's argument parser declares."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "add_argument":
            names |= {a.value for a in node.args if isinstance(a, ast.Constant)}
    return names


def test_there_are_perf_scripts():
    assert len(SCRIPTS) >= 7, SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_every_perf_script_has_a_smoke_mode(script):
    assert "--smoke" in _arguments(script)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_every_perf_script_prints_a_goal(script):
    source = script.read_text(encoding="utf-8")
    assert "goal_text(" in source, f"{script.name} prints no ratio beside a goal"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_no_perf_script_takes_the_upper_middle_value_for_a_median(script):
    source = script.read_text(encoding="utf-8")
    assert not re.search(r"\[\s*len\([^]]*\)\s*//\s*2\s*\]", source), script.name


def test_every_perf_script_runs_in_make_perf_smoke():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^perf-smoke:.*?(?=^\S|\Z)", makefile, flags=re.MULTILINE | re.DOTALL)
    assert target, "no perf-smoke target in the Makefile"
    for script in SCRIPTS:
        assert f"perf/{script.name} --smoke" in target.group(0), script.name


def test_verdicts():
    sys.path.insert(0, str(PERF))
    try:
        from _report import goal_text, median, verdict
    finally:
        sys.path.remove(str(PERF))
    assert verdict(3.1, 3) == "meets goal"
    assert verdict(2.9, 3) == "below goal"
    assert verdict(2.9, 2, at_most=True) == "above goal"
    assert goal_text(1.5, 2, at_most=True) == "goal <= 2x: meets goal"
    assert median([1.0, 2.0, 10.0, 20.0]) == 6.0  # not the upper middle value


# ------------------------------------------------------------------ the tie-aware comparison


@pytest.fixture
def retrieval():
    sys.path.insert(0, str(PERF))
    try:
        import retrieval_search
    finally:
        sys.path.remove(str(PERF))
    return retrieval_search


def _write(folder: Path, pool, queries, chunked, full) -> None:
    pool = np.asarray(pool, dtype=np.float32)
    queries = np.asarray(queries, dtype=np.float32)
    np.save(folder / "candidates.npy", pool)
    np.save(folder / "queries.npy", queries)
    for name, indices in (("chunked", chunked), ("full", full)):
        indices = np.asarray(indices)
        scores = np.stack([pool[row] @ q for row, q in zip(indices, queries, strict=True)])
        np.save(folder / f"{name}-indices.npy", indices)
        np.save(folder / f"{name}-scores.npy", scores.astype(np.float32))


def _circle(angles):
    return [[np.cos(a), np.sin(a)] for a in angles]


# candidates on the unit circle; 5 is a copy of 4, so they tie for every query
POOL = _circle([0.0, 0.1, 0.2, 0.3, 0.4, 0.4, 0.55, 0.7, 0.9, 1.2])


def test_identical_rows_are_the_same(retrieval, tmp_path):
    _write(tmp_path, POOL, _circle([0.0]), [[0, 1, 2, 3, 4]], [[0, 1, 2, 3, 4]])
    assert retrieval.compare(str(tmp_path), 1e-5) == {"identical": 1, "ties": 0, "real": {}}


def test_tied_candidates_may_swap_places_or_trade_the_last_place(retrieval, tmp_path):
    chunked = [[0, 1, 2, 3, 4], [4, 5, 6, 3, 7]]
    full = [[0, 1, 2, 3, 5], [5, 4, 6, 3, 7]]  # the twin at the boundary; the twins swapped
    _write(tmp_path, POOL, _circle([0.0, 0.45]), chunked, full)
    assert retrieval.compare(str(tmp_path), 1e-5) == {"identical": 0, "ties": 2, "real": {}}


def test_a_real_difference_names_the_query_row(retrieval, tmp_path):
    chunked = [[0, 1, 2, 3, 4], [0, 1, 2, 3, 4]]
    full = [[0, 1, 2, 3, 4], [0, 1, 2, 3, 6]]  # 6 does not tie 4
    _write(tmp_path, POOL, _circle([0.0, 0.0]), chunked, full)
    result = retrieval.compare(str(tmp_path), 1e-5)
    assert list(result["real"]) == [1]
    assert result["identical"] == 1


def test_a_candidate_missed_above_the_boundary_is_a_real_difference(retrieval, tmp_path):
    chunked = [[0, 1, 2, 3, 4]]
    full = [[0, 1, 3, 4, 5]]  # candidate 2 (third best) missed; the ranks no longer agree
    _write(tmp_path, POOL, _circle([0.0]), chunked, full)
    assert list(retrieval.compare(str(tmp_path), 1e-5)["real"]) == [0]


GPU_MEASURE = REPO / "scripts" / "gpu_measure.sh"


def test_the_gpu_script_runs_scripts_that_exist_with_options_they_declare():
    """scripts/gpu_measure.sh is run only on a lent GPU: what it calls is checked here."""
    lines = GPU_MEASURE.read_text(encoding="utf-8").replace("\\\n", " ").splitlines()
    calls = [line.split()[2:] for line in lines if line.strip().startswith("measure ")]
    assert len(calls) >= 6
    for call in calls:
        script = REPO / call[0]
        assert script.is_file(), call[0]
        declared = _arguments(script)
        for word in call[1:]:
            if word.startswith("--"):
                assert word in declared, f"{call[0]} declares no {word}"
    assert {REPO / call[0] for call in calls} >= {
        PERF / "trainer_baseline.py",
        PERF / "retrieval_training.py",
        REPO / "scripts/cuda_check.py",
    }


def test_the_gpu_script_refuses_an_unknown_group():
    import subprocess

    done = subprocess.run(["bash", str(GPU_MEASURE), "everything"], capture_output=True,
                          text=True, check=False)  # fmt: skip
    assert done.returncode == 2 and "usage:" in done.stderr
