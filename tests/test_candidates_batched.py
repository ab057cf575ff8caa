"""Batched exact search of small speakers gives the same pairs as FAISS per speaker."""

from __future__ import annotations

import numpy as np
import pytest

from contradict.candidates import BATCH_MAX, candidate_pairs, group_by_speaker


def unit(rng: np.random.Generator, n: int, d: int = 24) -> np.ndarray:
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def pairs(c) -> set[tuple[int, int]]:
    return set(zip(c.left.tolist(), c.right.tolist()))


@pytest.mark.parametrize("k", [1, 3, 10])
def test_batched_numpy_search_equals_faiss_per_speaker(k: int) -> None:
    rng = np.random.default_rng(k)
    sizes = [1, 2, 3, k + 1, k + 2, 17, 17, 40, 130, BATCH_MAX, BATCH_MAX + 5]
    keys = [f"speaker {i}" for i, n in enumerate(sizes) for _ in range(n)]
    order = rng.permutation(len(keys))
    keys = [keys[i] for i in order]
    emb = unit(rng, len(keys))
    groups = group_by_speaker(keys)
    batched = candidate_pairs(emb, groups, k=k)
    per_speaker = candidate_pairs(emb, groups, k=k, batch_max=0)
    assert pairs(batched) == pairs(per_speaker)
    assert batched.exact_speakers == per_speaker.exact_speakers
    assert all(keys[a] == keys[b] for a, b in pairs(batched))


def test_batched_search_finds_the_true_nearest() -> None:
    rng = np.random.default_rng(9)
    emb = unit(rng, 50, 8)
    groups = group_by_speaker(["one"] * 50)
    got = pairs(candidate_pairs(emb, groups, k=2))
    sims = emb @ emb.T
    np.fill_diagonal(sims, -np.inf)
    nearest = np.argsort(-sims, axis=1)[:, :2]
    want = {(min(i, int(j)), max(i, int(j))) for i in range(50) for j in nearest[i]}
    assert got == want
