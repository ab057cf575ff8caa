"""Candidates: the approximate index against exact search for one large speaker, and its recall@k.

recall@k = share of each statement's true k nearest same-speaker neighbours
(exact ``IndexFlatIP``) that the approximate index also returns. Sizes above
``candidates.EXACT_MAX`` use it in the pipeline (``candidates._build_index``).

Synthetic speakers are topic-clustered unit vectors. Set
``CONTRADICT_BENCH_REAL`` to an embedding cache folder (``$CONTRADICT_CACHE/embeddings``,
filled for example by ``python scripts/fit_fast_weights.py``) to add a speaker made of
every real embedding cached there.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import synth
from conftest import FULL, median_seconds, note, smoke
from contradict import candidates

K = 10
SIZES: list[int | str] = [3_000] if smoke() else [30_000, 60_000] if FULL else [30_000]
REAL = os.environ.get("CONTRADICT_BENCH_REAL")
if REAL and not smoke():
    SIZES.append("real")
_EXACT: dict[int, np.ndarray] = {}


def real_embeddings(folder: str) -> np.ndarray:
    """Every vector in the cache shards under ``folder``, unit length, in file-name order."""
    shards = sorted(Path(folder).expanduser().rglob("*.npz"))
    if not shards:
        raise FileNotFoundError(f"CONTRADICT_BENCH_REAL={folder}: no .npz shards found")
    vectors = np.concatenate([np.load(path)["vectors"] for path in shards]).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture(scope="module", params=SIZES, ids=lambda n: n if isinstance(n, str) else f"{n // 1000}k")
def speaker(request) -> np.ndarray:
    if request.param == "real":
        return real_embeddings(REAL)
    # Loosely clustered (noise 1.5 around topic centres): harder for approximate search than tight topics.
    return synth.embeddings(request.param, seed=3, clusters=max(10, request.param // 200), spread=1.5)


def test_exact_search(benchmark, speaker) -> None:
    benchmark.group = f"one speaker, {len(speaker):,} statements"
    found = benchmark.pedantic(candidates.speaker_neighbours, args=(speaker, K),
                               kwargs={"exact_max": len(speaker)}, rounds=1)
    _EXACT[len(speaker)] = found
    seconds = median_seconds(benchmark)
    if seconds is not None:
        note(f"candidates exact, {len(speaker):,} statements: {seconds:.2f} s")


def test_approximate_search_and_recall(benchmark, speaker) -> None:
    benchmark.group = f"one speaker, {len(speaker):,} statements"
    found = benchmark.pedantic(candidates.speaker_neighbours, args=(speaker, K),
                               kwargs={"exact_max": 0}, rounds=1)
    exact = _EXACT.get(len(speaker))
    if exact is None:
        exact = candidates.speaker_neighbours(speaker, K, exact_max=len(speaker))
    hits = sum(len(np.intersect1d(a[a >= 0], b[b >= 0], assume_unique=True)) for a, b in zip(found, exact))
    recall = hits / int((exact >= 0).sum())
    benchmark.extra_info["recall_at_k"] = recall
    seconds = median_seconds(benchmark)
    timing = f", {seconds:.2f} s" if seconds is not None else ""
    note(f"candidates IVF-PQ fast scan + refine (list {candidates.IVF_LIST_SIZE}, nprobe {candidates.IVF_NPROBE}, "
         f"refine x{candidates.REFINE_FACTOR}), "
         f"{len(speaker):,} statements: recall@{K} = {recall:.3f}{timing}")
    assert recall > 0.8
