"""The shipped word lists, compiled once into the Rust core's lexicon."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

LEXICON_FILES = ("negations.txt", "stopwords.txt", "oppositions.tsv")


def lexicon_texts() -> tuple[str, str, str]:
    """The raw text of the three lexicon files shipped in ``contradict/data/lexicon``."""
    folder = resources.files("contradict") / "data" / "lexicon"
    return tuple((folder / name).read_text(encoding="utf-8") for name in LEXICON_FILES)  # type: ignore[return-value]


@lru_cache(maxsize=1)
def default_lexicon():  # -> contradict._core.Lexicon
    """The compiled default lexicon (built once per process)."""
    from ._core import Lexicon

    return Lexicon(*lexicon_texts())
