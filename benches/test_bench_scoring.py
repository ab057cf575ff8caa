"""Fast scorer: 1M candidate pairs over 100k statements (k = 10), dim 384.

Rust with 1 and 2 threads against the plain Python + NumPy reference
(``tests/reference.py``), on the same inputs in the same run.
"""

from __future__ import annotations

import numpy as np
import pytest

import reference as ref
import synth
from conftest import median_seconds, note, smoke
from contradict import _core
from contradict.lexicon import default_lexicon
from contradict.scoring import default_weights

STATEMENTS = 5_000 if smoke() else 100_000
K = 10
DIM = 384
_RESULTS: dict[str, float] = {}


@pytest.fixture(scope="module")
def inputs():
    lex = default_lexicon()
    cues = _core.extract_cues(synth.texts(STATEMENTS, seed=1), lex, 0)
    emb = synth.embeddings(STATEMENTS, DIM, seed=1)
    left, right = synth.knn_like_pairs(STATEMENTS, K, seed=1)
    rng = np.random.default_rng(1)
    days = rng.integers(15000, 20000, STATEMENTS).astype(np.int32)
    kinds = (rng.random(STATEMENTS) < 0.1).astype(np.uint8)
    w = default_weights()
    return (emb, left, right, days, kinds, cues, lex.opposition_kinds), (list(w.coef), w.bias)


def _record(name: str, benchmark, pairs: int) -> None:
    seconds = median_seconds(benchmark)
    if seconds is None:
        return
    _RESULTS[name] = pairs / seconds
    note(f"scoring {name}: {pairs / seconds:,.0f} pairs/s ({pairs:,} pairs, median {seconds:.3f} s)")
    if "reference" in _RESULTS:
        for other in ("rust 1 thread", "rust 2 threads"):
            if other in _RESULTS and name in (other, "reference"):
                note(f"scoring {other} / reference: {_RESULTS[other] / _RESULTS['reference']:.0f}x")


@pytest.mark.parametrize("threads", [1, 2])
def test_rust_fast_scorer(benchmark, inputs, threads: int) -> None:
    args, (coef, bias) = inputs
    benchmark.group = "scoring 1M pairs"
    scores, flags = benchmark.pedantic(_core.score_pairs, args=(*args, coef, bias, threads), rounds=1 if smoke() else 7, warmup_rounds=0 if smoke() else 1)
    assert len(scores) == len(args[1]) and np.isfinite(scores).all()
    _record(f"rust {threads} thread{'s' if threads > 1 else ''}", benchmark, len(scores))


def test_reference_fast_scorer(benchmark, inputs) -> None:
    args, (coef, bias) = inputs
    benchmark.group = "scoring 1M pairs"
    scores, flags = benchmark.pedantic(ref.score_pairs, args=(*args, coef, bias), rounds=1)
    got, got_flags = _core.score_pairs(*args, coef, bias, 0)
    np.testing.assert_allclose(got, scores, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(got_flags, flags)
    _record("reference", benchmark, len(scores))
