"""Word lists for extraction: speech and action verbs, role nouns, first names.

The lists ship as plain text in ``contradict/data/extract`` (see SOURCES.md there);
this module reads them once and expands regular verb forms, so the lists stay short
and a reader can check them by eye.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources


def _lines(name: str) -> list[str]:
    text = (resources.files("contradict") / "data" / "extract" / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _fr_er_forms(lemma: str) -> set[str]:
    stem = lemma[:-2]
    soft = stem[:-1] + "ç" if stem.endswith("c") else stem + "e" if stem.endswith("g") else stem
    forms = {stem + e for e in ("e", "es", "ent", "é", "ée", "és", "ées", "er", "era", "eront", "èrent")}
    forms |= {soft + e for e in ("ait", "aient", "a", "ant")}
    return forms


def _en_regular_forms(lemma: str) -> set[str]:
    if lemma.endswith("e"):
        return {lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    return {lemma, lemma + "s", lemma + "ed", lemma + "ing"}


@dataclass(frozen=True)
class VerbEntry:
    lemma: str
    forms: frozenset[str]
    cue: str | None = None
    """A word that must follow the verb in its clause ("côtés" for "apparaître aux côtés de")."""


def _read_verbs(name: str, lang: str) -> list[VerbEntry]:
    entries = []
    for line in _lines(name):
        line, _, cue = line.partition("|")
        lemma, _, extra = line.partition(":")
        lemma = lemma.strip()
        forms = set(extra.split())
        if lang == "fr":
            bare = lemma.removeprefix("s'").removeprefix("se ")
            if bare.endswith("er"):
                forms |= _fr_er_forms(bare)
            forms.add(bare)
        elif not forms:
            forms = _en_regular_forms(lemma)
        else:
            forms.add(lemma)
        entries.append(VerbEntry(lemma, frozenset(f.lower() for f in forms), cue.strip() or None))
    return entries


@cache
def speech_verbs(lang: str) -> tuple[VerbEntry, ...]:
    """Reporting verbs of ``lang`` ('fr' or 'en') with all listed and generated forms."""
    return tuple(_read_verbs(f"speech_verbs.{lang}.txt", lang))


@cache
def action_verbs(lang: str) -> tuple[VerbEntry, ...]:
    """Action verbs of ``lang`` with forms and the cue word some of them need."""
    return tuple(_read_verbs(f"action_verbs.{lang}.txt", lang))


@cache
def role_nouns(lang: str) -> dict[str, str]:
    """Role noun (lower case) -> gender ('m', 'f' or 'x')."""
    out = {}
    for line in _lines("role_nouns.txt"):
        code, noun, gender, _ = line.split("\t")
        if code == lang:
            out[noun.lower()] = gender
    return out


@cache
def role_fields() -> dict[str, str]:
    """Role noun, accents and case folded ("president") -> field ('pol', 'biz', 'media', 'other')."""
    from ..speakers import normalize_name

    out = {}
    for line in _lines("role_nouns.txt"):
        _, noun, _, field_name = line.split("\t")
        out[normalize_name(noun)] = field_name
    return out


@cache
def first_names() -> dict[str, str]:
    """First name -> gender ('m', 'f' or 'x')."""
    out = {}
    for line in _lines("first_names.txt"):
        name, gender = line.split("\t")
        out[name] = gender
    return out


@cache
def function_words() -> frozenset[str]:
    """Lower-case words that are never part of a name."""
    return frozenset(_lines("function_words.txt")) | group_nouns()


@cache
def group_nouns() -> frozenset[str]:
    """Lower-case nouns naming unnamed groups of speakers ("critics", "des experts")."""
    return frozenset(_lines("group_nouns.txt"))
