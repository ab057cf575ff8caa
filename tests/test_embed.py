"""Embeddings with the real bundled model, and the on-disk cache."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from contradict import embed
from contradict.embed import EmbeddingCache, embed_texts, text_key

TEXTS = ["Twitter must be politically neutral.", "I fully endorse Donald Trump.", "Twitter doit être neutre."]


def test_bundled_model_loads_offline_and_embeds() -> None:
    vectors = embed_texts(TEXTS, cache=False)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    same = embed_texts(["Twitter must be politically  neutral."], cache=False)
    assert float(same[0] @ vectors[0]) > 0.999
    assert float(vectors[0] @ vectors[1]) < float(vectors[0] @ vectors[0])


def test_model_names_resolve_to_the_bundled_folder() -> None:
    assert embed.resolve_model(None) == embed.resolve_model("sentence-transformers/all-MiniLM-L6-v2")
    assert Path(embed.resolve_model(None), "config.json").exists()
    assert embed.resolve_model("some-org/other-model") == "some-org/other-model"


def test_cache_embeds_only_new_texts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = embed_texts(TEXTS[:2], cache=tmp_path)
    encoded: list[int] = []
    model = embed.load_model(None)
    original = model.encode

    def counting_encode(sentences, **kwargs):
        encoded.append(len(sentences))
        return original(sentences, **kwargs)

    monkeypatch.setattr(model, "encode", counting_encode)
    grown = embed_texts(TEXTS, cache=tmp_path)
    assert encoded == [1], "only the new statement is embedded"
    assert np.allclose(grown[:2], first, atol=1e-6)
    again = embed_texts(TEXTS + [TEXTS[0]], cache=tmp_path)
    assert encoded == [1], "a warm cache embeds nothing"
    assert np.allclose(again[3], again[0])


def test_cache_keys_follow_the_model(tmp_path: Path) -> None:
    vectors = np.ones((1, 4), dtype=np.float32)
    EmbeddingCache(tmp_path, "model-a").put([text_key("x")], vectors)
    assert len(EmbeddingCache(tmp_path, "model-a")) == 1
    assert len(EmbeddingCache(tmp_path, "model-b")) == 0


def test_killed_write_leaves_the_cache_readable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = EmbeddingCache(tmp_path, "m")
    cache.put(["k1"], np.ones((1, 4), dtype=np.float32))

    def dying_replace(src, dst):
        raise KeyboardInterrupt("killed during rename")

    monkeypatch.setattr(os, "replace", dying_replace)
    with pytest.raises(KeyboardInterrupt):
        cache.put(["k2"], np.zeros((1, 4), dtype=np.float32))
    monkeypatch.undo()
    reopened = EmbeddingCache(tmp_path, "m")
    found, vectors = reopened.get(["k1", "k2"])
    assert found.tolist() == [True, False]
    assert np.array_equal(vectors[0], np.ones(4, dtype=np.float32))
    assert not list(cache.folder.glob(".tmp-*")), "the partial file is removed"


def test_compaction_keeps_every_vector(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path, "m")
    for i in range(20):
        cache.put([f"k{i}"], np.full((1, 3), i, dtype=np.float32))
    assert len(list(cache.folder.glob("shard-*.npz"))) <= 17
    reopened = EmbeddingCache(tmp_path, "m")
    found, vectors = reopened.get([f"k{i}" for i in range(20)])
    assert found.all()
    assert [float(v[0]) for v in vectors] == list(range(20))
