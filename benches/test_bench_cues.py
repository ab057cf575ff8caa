"""Per-statement cue extraction for 100k statements: Rust (1 and 2 threads) against Python."""

from __future__ import annotations

import numpy as np
import pytest

import reference as ref
import synth
from conftest import median_seconds, note, smoke
from contradict import _core
from contradict.lexicon import default_lexicon

STATEMENTS = 5_000 if smoke() else 100_000
_RESULTS: dict[str, float] = {}


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return synth.texts(STATEMENTS, seed=2)


def _record(name: str, benchmark) -> None:
    seconds = median_seconds(benchmark)
    if seconds is None:
        return
    _RESULTS[name] = STATEMENTS / seconds
    note(f"cues {name}: {STATEMENTS / seconds:,.0f} statements/s (median {seconds:.3f} s)")
    if "python reference" in _RESULTS:
        for other in ("rust 1 thread", "rust 2 threads"):
            if other in _RESULTS and name in (other, "python reference"):
                note(f"cues {other} / python: {_RESULTS[other] / _RESULTS['python reference']:.0f}x")


@pytest.mark.parametrize("threads", [1, 2])
def test_rust_cue_extraction(benchmark, texts, threads: int) -> None:
    lex = default_lexicon()
    benchmark.group = "cues 100k statements"
    cues = benchmark.pedantic(_core.extract_cues, args=(texts, lex, threads), rounds=1 if smoke() else 7, warmup_rounds=0 if smoke() else 1)
    assert len(cues["negations"]) == STATEMENTS
    _record(f"rust {threads} thread{'s' if threads > 1 else ''}", benchmark)


def test_python_cue_extraction(benchmark, texts) -> None:
    lex = ref.default_lexicon()
    benchmark.group = "cues 100k statements"
    cues = benchmark.pedantic(ref.extract_cues, args=(texts, lex), rounds=1)
    got = _core.extract_cues(texts, default_lexicon(), 0)
    for key, value in cues.items():
        np.testing.assert_array_equal(got[key], value, err_msg=key)
    _record("python reference", benchmark)
