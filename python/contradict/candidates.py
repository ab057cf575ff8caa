"""Candidate pairs: each statement's nearest statements by the same speaker.

Memory follows the largest speaker, never the corpus squared. A speaker
with at most ``k + 1`` statements gets every pair (each statement's k nearest
are all the others); those are generated for all such speakers at once, by
group size. Speakers up to :data:`BATCH_MAX` statements are searched exactly
with NumPy, many speakers of one size per matrix product (a FAISS index per
small speaker costs more to set up than to search). Up to :data:`EXACT_MAX`
statements, an exact inner-product index (``IndexFlatIP``). Above, an
inverted file of 4-bit product-quantised codes scanned with SIMD
(``IndexIVFPQFastScan``), its best ``REFINE_FACTOR * k`` hits re-ranked
with the exact vectors (``IndexRefineFlat``): exact search costs time in
proportion to the speaker's size for every statement, this index about
``IVF_NPROBE * IVF_LIST_SIZE`` codes per statement whatever the size; they
cross near 20,000 statements on two cores. Its recall@10 against exact
search is 0.976 on 22.8k real all-MiniLM-L6-v2 sentence embeddings and
0.985 on a synthetic 30k speaker, at about half the time of exact search
(``benches/test_bench_candidates.py``); HNSW (M = 16, efSearch = 64)
reached 0.94 on the same real embeddings, in more time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Largest speaker searched exactly; bigger speakers use the approximate index.
EXACT_MAX = 20_000
#: Largest speaker searched by batched NumPy products instead of a FAISS index.
BATCH_MAX = 256
#: Vector and similarity values held at once by the batched search (bounds its memory: 64 MB each).
BATCH_VALUES = 16_000_000
#: Approximate index: statements per inverted list, lists scanned per query,
#: dimensions per 4-bit code, and hits re-ranked exactly per neighbour wanted.
IVF_LIST_SIZE = 512
IVF_NPROBE = 24
PQ_DIMS_PER_CODE = 4
REFINE_FACTOR = 10
#: Training sample for the lists and codes: this many statements per list, at least TRAIN_MIN.
TRAIN_PER_LIST = 64
TRAIN_MIN = 4096
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


def _build_index(vectors: np.ndarray, exact_max: int):
    import faiss

    dim = vectors.shape[1]
    if len(vectors) <= exact_max:
        index = faiss.IndexFlatIP(dim)
        index.add(vectors)
        return index
    nlist = max(1, len(vectors) // IVF_LIST_SIZE)
    codes = dim // PQ_DIMS_PER_CODE if dim % PQ_DIMS_PER_CODE == 0 else dim
    quantizer = faiss.IndexFlatIP(dim)
    coarse = faiss.IndexIVFPQFastScan(quantizer, dim, nlist, codes, 4, faiss.METRIC_INNER_PRODUCT)
    coarse.nprobe = min(IVF_NPROBE, nlist)
    index = faiss.IndexRefineFlat(coarse)
    index.k_factor = REFINE_FACTOR
    # A seeded sample, so the same speaker gets the same index on every run.
    rng = np.random.default_rng(len(vectors))
    sample = max(TRAIN_MIN, TRAIN_PER_LIST * nlist)
    train = vectors if sample >= len(vectors) else vectors[np.sort(rng.choice(len(vectors), sample, replace=False))]
    index.train(train)
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


def _same_size_groups(groups: Sequence[np.ndarray]) -> dict[int, np.ndarray]:
    """Groups stacked by size: size -> ``(groups, size)`` index matrix."""
    by_size: dict[int, list[np.ndarray]] = {}
    for group in groups:
        by_size.setdefault(len(group), []).append(group)
    return {size: np.stack(members) for size, members in by_size.items()}


def _every_pair(stacked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All pairs within each row of a ``(groups, size)`` index matrix."""
    a, b = np.triu_indices(stacked.shape[1], k=1)
    return stacked[:, a].ravel(), stacked[:, b].ravel()


def _batched_neighbours(embeddings: np.ndarray, stacked: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each statement's ``k`` most similar others within its group, exactly, for many groups at once."""
    groups, size = stacked.shape
    per_chunk = max(1, BATCH_VALUES // (size * max(size, embeddings.shape[1])))
    rows = np.repeat(np.arange(size), k)
    lefts, rights = [], []
    for start in range(0, groups, per_chunk):
        block = stacked[start:start + per_chunk]
        vectors = embeddings[block]  # (g, size, dim)
        sims = np.matmul(vectors, vectors.transpose(0, 2, 1))
        diagonal = np.arange(size)
        sims[:, diagonal, diagonal] = -np.inf
        nearest = np.argpartition(-sims, k - 1, axis=2)[:, :, :k]  # (g, size, k) local indices
        lefts.append(block[:, rows].ravel())
        rights.append(np.take_along_axis(block, nearest.reshape(len(block), -1), axis=1).ravel())
    return np.concatenate(lefts), np.concatenate(rights)


def candidate_pairs(
    embeddings: np.ndarray,
    groups: Sequence[np.ndarray],
    *,
    k: int = 10,
    exact_max: int = EXACT_MAX,
    batch_max: int = BATCH_MAX,
) -> Candidates:
    """The ``k`` nearest same-speaker neighbours of every statement, as unique pairs."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    emb = np.ascontiguousarray(embeddings, dtype=np.float32)
    lefts: list[np.ndarray] = []
    rights: list[np.ndarray] = []
    exact = approximate = 0
    small = [g for g in groups if len(g) <= k + 1]
    batched = [g for g in groups if k + 1 < len(g) <= min(batch_max, exact_max)]
    searched = [g for g in groups if len(g) > min(batch_max, exact_max) and len(g) > k + 1]
    for stacked in _same_size_groups(small).values():
        a, b = _every_pair(stacked)
        lefts.append(a)
        rights.append(b)
    for stacked in _same_size_groups(batched).values():
        a, b = _batched_neighbours(emb, stacked, k)
        lefts.append(a)
        rights.append(b)
    exact += len(batched)
    for group in searched:
        local = speaker_neighbours(emb[group], k, exact_max=exact_max)
        rows = np.repeat(np.arange(len(group)), k)
        cols = local.ravel()
        valid = cols >= 0
        lefts.append(group[rows[valid]])
        rights.append(group[cols[valid]])
        if len(group) <= exact_max:
            exact += 1
        else:
            approximate += 1
    if not lefts:
        empty = np.zeros(0, dtype=np.uint32)
        return Candidates(empty, empty.copy())
    a = np.concatenate(lefts).astype(np.int64)
    b = np.concatenate(rights).astype(np.int64)
    left, right = np.minimum(a, b), np.maximum(a, b)
    del a, b
    keep = left != right
    width = int(right.max()) + 1
    packed = _sorted_unique(left[keep] * width + right[keep])
    return Candidates(
        (packed // width).astype(np.uint32),
        (packed % width).astype(np.uint32),
        exact_speakers=exact,
        approximate_speakers=approximate,
    )


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values, by an in-place sort (``np.unique`` on millions of int64 is many times slower in NumPy 2.x)."""
    values.sort()
    if len(values) == 0:
        return values
    first = np.empty(len(values), dtype=bool)
    first[0] = True
    np.not_equal(values[1:], values[:-1], out=first[1:])
    return values[first]
