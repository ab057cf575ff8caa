"""Embedding 10k statements: bare ``SentenceTransformer.encode`` vs the pipeline's
``embed_texts`` with a cold cache, then a warm cache (same texts, cache filled).

Runs the bundled all-MiniLM-L6-v2 on the CPU; expect minutes on two cores.
"""

from __future__ import annotations

import numpy as np
import pytest

import synth
from conftest import median_seconds, note, smoke
from contradict.embed import embed_texts, load_model

STATEMENTS = 300 if smoke() else 10_000
BATCH = 64
_SECONDS: dict[str, float] = {}


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return synth.texts(STATEMENTS, seed=4)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("embedding-cache")


def _record(name: str, benchmark) -> None:
    seconds = median_seconds(benchmark)
    if seconds is None:
        return
    _SECONDS[name] = seconds
    note(f"embed {name}: {STATEMENTS / seconds:,.0f} statements/s ({seconds:.2f} s for {STATEMENTS:,})")
    if "bare encode" in _SECONDS and "pipeline cold" in _SECONDS and name == "pipeline cold":
        note(f"embed pipeline cold throughput / bare encode: {_SECONDS['bare encode'] / _SECONDS['pipeline cold']:.3f}")
    if "pipeline cold" in _SECONDS and "pipeline warm" in _SECONDS and name == "pipeline warm":
        note(f"embed warm cache speed-up over cold: {_SECONDS['pipeline cold'] / _SECONDS['pipeline warm']:.0f}x")


def test_bare_encode(benchmark, texts) -> None:
    model = load_model(None)
    model.encode(texts[:64], batch_size=BATCH)  # load and warm up outside the timing
    benchmark.group = "embedding 10k"
    vectors = benchmark.pedantic(model.encode, args=(texts,),
                                 kwargs={"batch_size": BATCH, "normalize_embeddings": True,
                                         "convert_to_numpy": True, "show_progress_bar": False}, rounds=1)
    assert vectors.shape == (STATEMENTS, 384)
    _record("bare encode", benchmark)


def test_pipeline_embed_cold_cache(benchmark, texts, cache_dir) -> None:
    load_model(None)
    benchmark.group = "embedding 10k"
    vectors = benchmark.pedantic(embed_texts, args=(texts,), kwargs={"cache": cache_dir, "batch_size": BATCH,
                                                                    "show_progress": False}, rounds=1)
    assert vectors.shape == (STATEMENTS, 384)
    _record("pipeline cold", benchmark)


def test_pipeline_embed_warm_cache(benchmark, texts, cache_dir) -> None:
    cold = embed_texts(texts[:10], cache=cache_dir, show_progress=False)
    benchmark.group = "embedding 10k"
    vectors = benchmark.pedantic(embed_texts, args=(texts,), kwargs={"cache": cache_dir, "batch_size": BATCH,
                                                                    "show_progress": False}, rounds=1 if smoke() else 5)
    np.testing.assert_allclose(vectors[:10], cold, atol=1e-6)
    _record("pipeline warm", benchmark)
