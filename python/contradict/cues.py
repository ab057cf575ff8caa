"""Per-statement cues (Rust) and the plain-words explanation of a pair's cues."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import _core
from .lexicon import default_lexicon

CueArrays = dict[str, np.ndarray]
FLAG_NAMES: tuple[str, ...] = tuple(_core.FLAG_NAMES)
_WORD = re.compile(r"\w+")


def extract_cues(texts: Sequence[str], *, threads: int = 0) -> CueArrays:
    """Cue arrays (CSR) for each text: stems, negations, numbers, opposition poles."""
    return _core.extract_cues(list(texts), default_lexicon(), threads)


def flag_names(flags: int) -> tuple[str, ...]:
    """Names of the cues set in a flag byte, e.g. ``('negation', 'stance')``."""
    return tuple(name for bit, name in enumerate(FLAG_NAMES) if flags >> bit & 1)


def _row(cues: CueArrays, name: str, i: int) -> np.ndarray:
    """Values of CSR array ``name`` ("stem", "number" or "pole") for statement ``i``."""
    offsets = cues[f"{name}_offsets"]
    return cues[f"{name}s"][offsets[i] : offsets[i + 1]]


def _words_for(lex, text: str, pole: int) -> list[str]:
    """Words of ``text`` that hit ``pole`` (as written, lower-cased)."""
    targets = {lex.stem_id(w) for w in lex.pole_words(pole)}
    return sorted({w.lower() for w in _WORD.findall(text) if lex.stem_id(w) in targets})


def explain(cues: CueArrays, texts: Sequence[str], i: int, j: int) -> dict[str, Any]:
    """Which words and numbers made the cues of pair ``(i, j)`` fire.

    ``texts`` are the two statements' texts, in the order ``i``, ``j``.
    """
    lex = default_lexicon()
    kinds = lex.opposition_kinds
    poles_i, poles_j = set(_row(cues, "pole", i).tolist()), set(_row(cues, "pole", j).tolist())
    details: dict[str, Any] = {}
    for pole in sorted(poles_i):
        opposite = pole ^ 1
        if opposite in poles_j and not (opposite in poles_i and pole in poles_j):
            family = "antonym" if kinds[pole >> 1] == 0 else "stance"
            left = _words_for(lex, texts[0], pole) or lex.pole_words(pole)[:1]
            right = _words_for(lex, texts[1], opposite) or lex.pole_words(opposite)[:1]
            details.setdefault(family, []).append([", ".join(left), ", ".join(right)])
    numbers_i, numbers_j = _row(cues, "number", i), _row(cues, "number", j)
    if len(numbers_i) and len(numbers_j):
        details["numbers"] = [numbers_i.tolist(), numbers_j.tolist()]
    negations = cues["negations"]
    details["negations"] = [int(negations[i]), int(negations[j])]
    return details
