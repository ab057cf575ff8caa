"""Reported actions: a named person as the subject of an action verb.

"Elon Musk est apparu … aux côtés de l'ancien président", "Il a financé un groupe
d'action politique", "Musk endorsed Trump" become statements of kind ``action``.
Only people count as subjects (a platform that "a banni" someone is not a speaker),
plural subjects are left out, and passives never match (see :mod:`.verbs`).
"""

from __future__ import annotations

import re

from .verbs import VerbMatch

_ACTION_CUT = re.compile(
    r";|,\s*(?:qui|dont|mais|alors que|tandis que|who|which|but|while)\b|,\s*[a-zà-ÿ]+ant\b|,\s*[a-z]+ing\b"
    r"|\s(?:après avoir|avant de|after|before)\s",
    re.IGNORECASE,
)


def action_clause_end(masked: str, verb: VerbMatch, sent_end: int, next_cut: int) -> int:
    """End of the clause an action verb heads: the sentence end or an earlier cut."""
    end = min(sent_end, next_cut)
    m = _ACTION_CUT.search(masked, verb.end, end)
    if m:
        end = m.start()
    return end


def has_cue(masked: str, verb: VerbMatch, clause_end: int) -> bool:
    """True when the verb needs no cue word, or its clause contains it."""
    if verb.cue is None:
        return True
    return re.search(r"\b" + re.escape(verb.cue) + r"\b", masked[verb.end:clause_end], re.IGNORECASE) is not None
