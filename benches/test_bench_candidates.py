"""Candidates: HNSW against exact search for one large speaker, and its recall@k.

recall@k = share of each statement's true k nearest same-speaker neighbours
(exact ``IndexFlatIP``) that HNSW also returns. Sizes above
``candidates.EXACT_MAX`` use HNSW in the pipeline.
"""

from __future__ import annotations

import numpy as np
import pytest

import synth
from conftest import FULL, median_seconds, note, smoke
from contradict import candidates

K = 10
SIZES = [3_000] if smoke() else [30_000, 60_000] if FULL else [30_000]
_EXACT: dict[int, np.ndarray] = {}


@pytest.fixture(scope="module", params=SIZES, ids=lambda n: f"{n // 1000}k")
def speaker(request) -> np.ndarray:
    # Loosely clustered (noise 1.5 around topic centres): harder for HNSW than tight topics.
    return synth.embeddings(request.param, seed=3, clusters=max(10, request.param // 200), spread=1.5)


def test_exact_search(benchmark, speaker) -> None:
    benchmark.group = f"one speaker, {len(speaker):,} statements"
    found = benchmark.pedantic(candidates.speaker_neighbours, args=(speaker, K),
                               kwargs={"exact_max": len(speaker)}, rounds=1)
    _EXACT[len(speaker)] = found
    seconds = median_seconds(benchmark)
    if seconds is not None:
        note(f"candidates exact, {len(speaker):,} statements: {seconds:.2f} s")


def test_hnsw_search_and_recall(benchmark, speaker) -> None:
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
    note(f"candidates HNSW (M={candidates.HNSW_M}, efSearch={candidates.HNSW_EF_SEARCH}), "
         f"{len(speaker):,} statements: recall@{K} = {recall:.3f}{timing}")
    assert recall > 0.8
