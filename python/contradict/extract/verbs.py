"""Finding speech and action verbs, simple or compound, in a sentence.

A match records whether the verb is finite ("a déclaré", "affirme", "said"), a
participle attached to the sentence subject (", indiquant", "après avoir affirmé"),
and an inverted subject pronoun ("a-t-il écrit", "dit-elle"). Passives ("a été
banni", "was banned") are never matched: their grammatical subject is the one acted on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .lexicon import VerbEntry, action_verbs, speech_verbs

_FR_AUX_HAVE = "a|ont|avait|avaient|aurait|auraient|aura|auront|eut|ait|aient|avoir"
_FR_AUX_BE = "est|sont|était|étaient|serait|seraient|sera|soit|fut"
_FR_AUX_GO = "va|vont|allait|allaient|ira|iront"
_EN_AUX = "has|have|had|will|would|did|does|do|could|can|may|might|should|must"
_EN_AUX_BE = "is|are|was|were"
_GAP_FR = r"(?:(?!été\b|que\b|qu['’]|et\b|mais\b)[a-zà-ÿ'’-]+\s+){0,4}?"
_GAP_EN = r"(?:(?!been\b|being\b|that\b|and\b|but\b)[a-z'-]+\s+){0,3}?"
_PARTICIPLE_END = ("é", "ée", "és", "ées", "u", "ue", "us", "ues", "i", "ie", "is", "ies", "ise", "ises")
_BE_VERBS = {"apparaître", "venir", "rester", "aller", "partir"}


@dataclass(frozen=True)
class VerbMatch:
    """A speech or action verb found in text."""

    start: int
    end: int
    kind: str
    """'speech' or 'action'."""
    lemma: str
    form: str
    mode: str
    """'finite', 'participle' (", indiquant" / "après avoir affirmé"), or 'infinitive'."""
    inverted: str | None = None
    """Subject pronoun written after the verb ("il" in "a-t-il écrit")."""
    plural: bool = False
    cue: str | None = None


def _alt(words: set[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _simple_forms(entry: VerbEntry, lang: str) -> set[str]:
    """Forms that are finite on their own (no infinitive, no bare past participle)."""
    out = set()
    for f in entry.forms:
        if lang == "fr":
            if f.endswith(("er", "ir", "re", "oir")) and f == entry.lemma.removeprefix("s'"):
                continue
            if f.endswith(_PARTICIPLE_END) and f not in ("dit", "écrit"):
                continue
            if f.endswith("ant"):
                continue
        else:
            if f.endswith("ing"):
                continue
        out.add(f)
    return out


@cache
def _patterns(lang: str, kind: str) -> tuple[re.Pattern[str], dict[str, VerbEntry]]:
    entries = speech_verbs(lang) if kind == "speech" else action_verbs(lang)
    by_form: dict[str, VerbEntry] = {}
    for e in entries:
        for f in e.forms:
            by_form.setdefault(f, e)
    all_forms = _alt(set(by_form))
    simple = _alt({f for e in entries for f in _simple_forms(e, lang)})
    ing = _alt({f for f in by_form if (f.endswith("ant") if lang == "fr" else f.endswith("ing"))})
    b, e_ = r"(?<![\w-])", r"(?![\w])"
    if lang == "fr":
        inv = r"(?:-t-|-)(?P<inv>il|elle|ils|elles|on)\b"
        pattern = (
            b + r"(?:(?P<aux>" + _FR_AUX_HAVE + "|" + _FR_AUX_BE + "|" + _FR_AUX_GO + r")(?:" + inv + r")?\s+"
            + _GAP_FR + r"(?P<cverb>" + all_forms + r")" + e_
            + r"|(?P<apres>après avoir|après avoir été|en)\s+(?P<pverb>" + all_forms + r")" + e_
            + r"|(?P<ing>" + (ing or "(?!x)x") + r")" + e_
            + r"|(?P<sverb>" + simple + r")(?:" + inv.replace("inv", "sinv") + r")?" + e_ + ")"
        )
    else:
        pattern = (
            b + r"(?:(?P<aux>" + _EN_AUX + "|" + _EN_AUX_BE + r")\s+(?:not\s+)?" + _GAP_EN
            + r"(?P<cverb>" + all_forms + r")" + e_
            + r"|(?P<apres>after|before)\s+(?P<pverb>" + (ing or "(?!x)x") + r")" + e_
            + r"|(?P<sverb>" + simple + r")" + e_ + ")"
        )
    return re.compile(pattern, re.IGNORECASE), by_form


def find_verbs(text: str, start: int, end: int, lang: str) -> list[VerbMatch]:
    """Speech and action verbs in ``text[start:end]`` (quotes should be masked out)."""
    found: list[VerbMatch] = []
    for kind in ("speech", "action"):
        pattern, by_form = _patterns(lang, kind)
        for m in pattern.finditer(text, start, end):
            match = _to_match(m, kind, by_form, lang)
            if match is not None:
                found.append(match)
    found.sort(key=lambda v: (v.start, v.kind != "speech"))
    out: list[VerbMatch] = []
    last_end = {"speech": -1, "action": -1}
    for v in found:
        if v.start < last_end[v.kind]:
            continue
        last_end[v.kind] = v.end
        out.append(v)
    return out


def _to_match(m: re.Match[str], kind: str, by_form: dict[str, VerbEntry], lang: str) -> VerbMatch | None:
    if m["cverb"]:
        form, aux = m["cverb"].lower(), m["aux"].lower()
        entry = by_form[form]
        if lang == "fr":
            is_inf = form == entry.lemma.removeprefix("s'")
            if aux in _FR_AUX_GO.split("|"):
                if not is_inf:
                    return None
            elif is_inf or form.endswith("ant"):
                return None
            if aux in _FR_AUX_BE.split("|") and entry.lemma not in _BE_VERBS:
                return None
            plural = aux in ("ont", "avaient", "auraient", "auront", "aient", "sont", "étaient", "seraient", "vont", "allaient", "iront")
            inv = m["inv"]
        else:
            if aux in _EN_AUX_BE.split("|") and not form.endswith("ing"):
                return None
            if aux in ("will", "would", "did", "does", "do", "could", "can", "may", "might", "should", "must") and form != entry.lemma:
                return None
            plural, inv = aux in ("have", "are", "were", "do"), None
        return VerbMatch(m.start(), m.end(), kind, entry.lemma, form, "finite", inv, plural, entry.cue)
    if m["pverb"]:
        form = m["pverb"].lower()
        entry = by_form[form]
        if lang == "fr" and m["apres"].lower() == "en" and not form.endswith("ant"):
            return None
        return VerbMatch(m.start(), m.end(), kind, entry.lemma, form, "participle", None, False, entry.cue)
    if m["ing"] if lang == "fr" else False:
        form = m["ing"].lower()
        entry = by_form[form]
        return VerbMatch(m.start(), m.end(), kind, entry.lemma, form, "participle", None, False, entry.cue)
    form = m["sverb"].lower()
    entry = by_form[form]
    if lang == "en" and form == entry.lemma and re.search(
            r"\b(?:to|a|an|the|his|her|its|their|this|that|our|my|your|no|any|every)\s+$", m.string[max(0, m.start() - 7):m.start()], re.IGNORECASE):
        return None
    inv = m["sinv"] if lang == "fr" else None
    plural = lang == "fr" and (form.endswith("ent") and not re.search(r"(?:[tv]ient|dément)$", form) or form == "font")
    return VerbMatch(m.start(), m.end(), kind, entry.lemma, form, "finite", inv, plural, entry.cue)
