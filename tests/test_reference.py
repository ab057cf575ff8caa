"""The Rust core agrees with the plain Python reference (``tests/reference.py``).

Property tests over French and English text built from the shipped lexicon's
words, accented and capitalised words, numbers in both notations, years,
contractions and clause punctuation, plus raw Latin-script text.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reference as ref
from contradict import _core
from contradict.lexicon import default_lexicon, lexicon_texts

LEX = default_lexicon()
REF_LEX = ref.default_lexicon()
COEF = [0.8, 1.5, 0.4, 1.2, 1.7, 1.3, 0.9, 0.5, -0.2, 2.1, 0.6]

_OPPOSITION_WORDS = sorted(
    {w.strip() for line in lexicon_texts()[2].splitlines() if line and not line.startswith("#")
     for col in line.split("\t")[1:] for w in col.split("|") if w.strip()}
)
_NEGATIONS = ["not", "no", "never", "ne", "pas", "jamais", "n'", "aucun", "don't", "won't", "doesn’t", "isn't"]
_FUNCTION = ["the", "a", "we", "il", "elle", "nous", "le", "la", "les", "de", "des", "will", "must", "is", "est", "a",
             "va", "et", "and", "to", "of", "que", "qu'il", "l'", "d'", "I", "you", "it's"]
_CONTENT = ["Twitter", "neutral", "Trump", "taxes", "fracking", "élections", "réforme", "retraites", "Élysée",
            "publique", "hospital", "hôpital", "banned", "banning", "bans", "stopped", "cœur", "naïve", "garçon",
            "Zürich", "economy", "économie", "support", "soutenir", "oppose", "Democrats", "climate", "climat",
            "interdiction", "autorisée", "dollars", "euros", "workers", "travailleurs", "programme", "running",
            "success", "fossés", "ŒUVRE", "straße", "café", "x"]
_NUMBERS = ["3", "44", "3,5", "3.5", "1,000", "12.000.000", "2022", "1999", "2150", "007", "0,25", "10.5.3", "2024",
            "1.000,5", "45%", "3e", "12h30"]
_PUNCT = [".", ",", ";", ":", "!", "?", "\n", " -", " (", ")", "'", "’", "\"", "…", " /"]

word = st.one_of(
    st.sampled_from(_OPPOSITION_WORDS),
    st.sampled_from(_NEGATIONS),
    st.sampled_from(_FUNCTION),
    st.sampled_from(_CONTENT),
    st.sampled_from(_NUMBERS),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèêàçôûïœ", min_size=1, max_size=12),
)


@st.composite
def sentence(draw) -> str:
    parts = []
    for w in draw(st.lists(word, min_size=0, max_size=30)):
        case = draw(st.sampled_from(["lower", "lower", "title", "upper"]))
        w = w.title() if case == "title" else w.upper() if case == "upper" else w
        parts.append(w)
        if draw(st.integers(0, 5)) == 0:
            parts.append(draw(st.sampled_from(_PUNCT)))
    return " ".join(parts)


raw_text = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"], max_codepoint=0x17F)
    | st.sampled_from(list(".,;:!?\n’'0123456789")),
    max_size=80,
)
statement = st.one_of(sentence(), sentence(), raw_text)


def _assert_cues_equal(got: dict, want: dict) -> None:
    assert set(got) == set(want)
    for key in want:
        assert got[key].dtype == want[key].dtype, key
        np.testing.assert_array_equal(got[key], want[key], err_msg=key)


# ------------------------------------------------------------ reference unit checks


def test_reference_building_blocks_match_known_values() -> None:
    assert ref.fnv1a("") == 0xCBF29CE484222325
    assert ref.fnv1a("a") == 0xAF63DC4C8601EC8C  # published FNV-1a 64 test vector
    assert ref.normalize("Élon DOESN’T") == "elon does not"
    assert ref.tokenize("il a dit 3,5 fois. puis 1,000") == [
        ("il", False), ("a", False), ("dit", False), ("3,5", False), ("fois", False), ("puis", True), ("1,000", False)]
    assert [ref.stem(w) for w in ("ban", "bans", "banned", "banning")] == ["ban"] * 4
    assert ref.stem("interdiction") == "interd"
    assert ref.parse_number("12.000.000") == 12_000_000.0
    assert ref.parse_number("3,5") == 3.5
    assert ref.parse_number("2022") is None
    assert ref.parse_number("abc") is None


def test_reference_lexicon_matches_rust_lexicon() -> None:
    np.testing.assert_array_equal(REF_LEX.opposition_kinds, LEX.opposition_kinds)
    for w in _OPPOSITION_WORDS + _CONTENT + _NEGATIONS + _FUNCTION:
        assert REF_LEX.stem_id(w) == LEX.stem_id(w), w


def test_known_statements_fire_the_expected_cues() -> None:
    texts = ["Twitter must be politically neutral", "I endorse Donald Trump",
             "We will ban fracking in 2025", "We will not ban fracking", "We will allow fracking"]
    cues = _core.extract_cues(texts, LEX, 1)
    _assert_cues_equal(cues, ref.extract_cues(texts, REF_LEX))
    emb = np.eye(len(texts), 8, dtype=np.float32)
    left, right = np.array([0, 2, 2], np.uint32), np.array([1, 3, 4], np.uint32)
    days, kinds = np.array([0, 900, 0, 30, 60], np.int32), np.zeros(5, np.uint8)
    okinds = LEX.opposition_kinds
    _, flags = ref.pair_features(emb, left, right, days, kinds, cues, okinds)
    assert flags.tolist() == [ref.FLAG_STANCE, ref.FLAG_NEGATION, ref.FLAG_ANTONYM]


# ------------------------------------------------------------ properties


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(statement, min_size=0, max_size=12))
def test_cue_arrays_match_reference(texts: list[str]) -> None:
    _assert_cues_equal(_core.extract_cues(texts, LEX, 0), ref.extract_cues(texts, REF_LEX))


@settings(max_examples=200, deadline=None)
@given(w=word)
def test_stem_ids_match_reference(w: str) -> None:
    assert LEX.stem_id(w) == REF_LEX.stem_id(w)


@st.composite
def scored_corpus(draw):
    n = draw(st.integers(2, 10))
    texts = draw(st.lists(statement, min_size=n, max_size=n))
    dim = draw(st.sampled_from([3, 8, 17, 64]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    emb = rng.normal(size=(n, dim)).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    m = draw(st.integers(0, 40))
    left = rng.integers(0, n, m).astype(np.uint32)
    right = rng.integers(0, n, m).astype(np.uint32)
    days = rng.integers(-20000, 30000, n).astype(np.int32)
    kinds = rng.integers(0, 2, n).astype(np.uint8)
    return texts, emb, left, right, days, kinds


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=scored_corpus(), bias=st.floats(-4, 4))
def test_features_scores_and_flags_match_reference(case, bias: float) -> None:
    texts, emb, left, right, days, kinds = case
    cues = _core.extract_cues(texts, LEX, 0)
    okinds = LEX.opposition_kinds
    want_x, want_flags = ref.pair_features(emb, left, right, days, kinds, cues, okinds)
    got_x = _core.pair_features(emb, left, right, days, kinds, cues, okinds, 0)
    np.testing.assert_allclose(got_x, want_x, rtol=1e-5, atol=1e-5)
    got_s, got_flags = _core.score_pairs(emb, left, right, days, kinds, cues, okinds, COEF, bias, 0)
    want_s, _ = ref.score_pairs(emb, left, right, days, kinds, cues, okinds, COEF, bias)
    np.testing.assert_array_equal(got_flags, want_flags)
    np.testing.assert_allclose(got_s, want_s, rtol=1e-5, atol=1e-6)
    assert ((got_s >= 0) & (got_s <= 1)).all()


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_results_do_not_depend_on_thread_count(threads: int) -> None:
    rng = np.random.default_rng(7)
    words = _OPPOSITION_WORDS + _CONTENT + _NEGATIONS + _NUMBERS + _FUNCTION
    texts = [" ".join(rng.choice(words, size=rng.integers(3, 25))) for _ in range(3000)]
    cues_default = _core.extract_cues(texts, LEX, 0)
    _assert_cues_equal(_core.extract_cues(texts, LEX, threads), cues_default)
    emb = rng.normal(size=(len(texts), 32)).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    left = rng.integers(0, len(texts), 50_000).astype(np.uint32)
    right = rng.integers(0, len(texts), 50_000).astype(np.uint32)
    days = rng.integers(0, 10_000, len(texts)).astype(np.int32)
    kinds = rng.integers(0, 2, len(texts)).astype(np.uint8)
    args = (emb, left, right, days, kinds, cues_default, LEX.opposition_kinds)
    s1, f1 = _core.score_pairs(*args, COEF, -1.0, 1)
    sn, fn = _core.score_pairs(*args, COEF, -1.0, threads)
    np.testing.assert_array_equal(s1, sn)
    np.testing.assert_array_equal(f1, fn)
    np.testing.assert_array_equal(_core.pair_features(*args, 1), _core.pair_features(*args, threads))
