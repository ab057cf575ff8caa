"""Candidate pairs: each statement's nearest statements by the same speaker.

Speakers are searched one at a time, so memory follows the largest speaker,
never the corpus squared. A speaker with at most ``k + 1`` statements gets
every pair (each statement's k nearest are all the others). Up to
:data:`EXACT_MAX` statements, an exact inner-product index (``IndexFlatIP``);
above, HNSW (``IndexHNSWFlat``), whose recall@k against exact search is
measured in ``benches/test_bench_candidates.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Largest speaker searched exactly; bigger speakers use HNSW.
EXACT_MAX = 20_000
#: HNSW graph degree, build and search breadth.
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128
#: Queries per FAISS search call (bounds the distance buffers).
QUERY_CHUNK = 8192


@dataclass(frozen=True)
class Candidates:
    """Unordered statement pairs ``left[k] < right[k]``, each listed once."""

    left: np.ndarray
    right: np.ndarray
    exact_speakers: int = 0
    approximate_speakers: int = 0

    def __len__(self) -> int:
        return len(self.left)


def group_by_speaker(keys: Sequence[str], *, exclude: Sequence[bool] | None = None) -> list[np.ndarray]:
    """Statement indices of each speaker with at least two statements."""
    codes: dict[str, int] = {}
    labels = np.fromiter((codes.setdefault(k, len(codes)) for k in keys), dtype=np.int64, count=len(keys))
    if exclude is not None:
        labels[np.asarray(exclude, dtype=bool)] = -1
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    bounds = np.flatnonzero(np.diff(sorted_labels)) + 1
    groups = np.split(order, bounds)
    return [g for g in groups if len(g) >= 2 and labels[g[0]] >= 0]


def _all_pairs(group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.triu_indices(len(group), k=1)
    return group[a], group[b]


def _build_index(vectors: np.ndarray, exact_max: int):
    import faiss

    dim = vectors.shape[1]
    if len(vectors) <= exact_max:
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = max(HNSW_EF_SEARCH, 2 * HNSW_M)
    index.add(vectors)
    return index


def speaker_neighbours(vectors: np.ndarray, k: int, *, exact_max: int = EXACT_MAX) -> np.ndarray:
    """Local indices of each vector's ``k`` nearest others (``-1`` where fewer)."""
    index = _build_index(np.ascontiguousarray(vectors, dtype=np.float32), exact_max)
    out = np.empty((len(vectors), k), dtype=np.int64)
    for start in range(0, len(vectors), QUERY_CHUNK):
        stop = min(start + QUERY_CHUNK, len(vectors))
        _, found = index.search(vectors[start:stop], k + 1)
        own = np.arange(start, stop)[:, None]
        is_self = found == own
        # Drop the query itself; if it was not returned (ties), drop the last hit.
        drop = np.where(is_self.any(axis=1), is_self.argmax(axis=1), k)
        keep = np.ones_like(found, dtype=bool)
        keep[np.arange(stop - start), drop] = False
        out[start:stop] = found[keep].reshape(stop - start, k)
    return out


def candidate_pairs(
    embeddings: np.ndarray,
    groups: Sequence[np.ndarray],
    *,
    k: int = 10,
    exact_max: int = EXACT_MAX,
) -> Candidates:
    """The ``k`` nearest same-speaker neighbours of every statement, as unique pairs."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    lefts: list[np.ndarray] = []
    rights: list[np.ndarray] = []
    exact = approximate = 0
    for group in groups:
        if len(group) <= k + 1:
            a, b = _all_pairs(group)
        else:
            local = speaker_neighbours(embeddings[group], k, exact_max=exact_max)
            rows = np.repeat(np.arange(len(group)), k)
            cols = local.ravel()
            valid = cols >= 0
            a, b = group[rows[valid]], group[cols[valid]]
            if len(group) <= exact_max:
                exact += 1
            else:
                approximate += 1
        lefts.append(np.minimum(a, b))
        rights.append(np.maximum(a, b))
    if not lefts:
        empty = np.zeros(0, dtype=np.uint32)
        return Candidates(empty, empty.copy())
    left = np.concatenate(lefts).astype(np.int64)
    right = np.concatenate(rights).astype(np.int64)
    keep = left != right
    packed = np.unique(left[keep] * (int(right.max()) + 1) + right[keep])
    width = int(right.max()) + 1
    return Candidates(
        (packed // width).astype(np.uint32),
        (packed % width).astype(np.uint32),
        exact_speakers=exact,
        approximate_speakers=approximate,
    )
