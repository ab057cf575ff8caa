"""People named in an article, and resolution of pronouns and role nouns to them.

A capitalised name is a person when it starts with a known first name or initials,
when a role noun introduces it ("le journaliste Ken Klippenstein"), when the alias
table knows it, or when it is the surname of a person named in full ("Musk" after
"Elon Musk"). "Il", "he", "le milliardaire" resolve to the most recent compatible
person within two sentences, preferring subjects; a role noun first looks for an
earlier apposition that bound it to a name ("Elon Musk, le patron de Twitter").
Names inside quotes or inside someone's reported words never serve as antecedents.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cache

from ..speakers import normalize_name
from .lexicon import first_names, function_words, role_fields, role_nouns

UPPER = "A-ZÀ-ÖØ-Þ"
TOKEN = rf"(?:[A-Z]\.(?:[A-Z]\.)+|[{UPPER}][\w'’\-]*)"
PARTICLE = r"(?:de|du|van|von|der|den|da|di|del|bin|ben|al|el|la|le|Mc)"
NAME_RE = re.compile(rf"(?<![\w'’\-]){TOKEN}(?:[ \u00a0\u202f]+(?:{PARTICLE}[ \u00a0\u202f]+)?{TOKEN})*")
INITIALS = re.compile(r"^(?:[A-Z]\.?){1,3}$")
ORG_WORDS = {
    "post", "times", "journal", "news", "group", "inc", "pac", "party", "union", "commission",
    "street", "house", "files", "media", "corp", "company", "foundation", "institute",
    "university", "court", "council", "ministry", "tribune", "monde", "figaro", "libération",
    "bank", "fund", "agency", "office", "department", "club", "team", "network", "press",
}
GENITIVE = re.compile(r"(?:\b(?:de|du|des|of)\s+|\bd['’]|['’]s\s+)$", re.IGNORECASE)
_ELISION = re.compile(r"['’]s$")


def _is_function(token: str) -> bool:
    return token.lower().strip(".") in function_words()


HONORIFICS = {"mr", "mrs", "ms", "dr", "sir", "dame", "m", "mme", "mlle", "me", "pr", "monsieur", "madame",
              "sen", "rep", "gov", "gen", "pope", "prince", "princess", "king", "queen", "lord", "lady"}


def is_title(token: str) -> bool:
    low = token.lower().strip(".")
    return low in HONORIFICS or low in role_nouns("en") or low in role_nouns("fr")


def clean_name(raw: str) -> tuple[str, int]:
    """Drop leading function words and titles ("Selon Elon Musk", "Senator Jane Smith");
    returns the name and how many characters were dropped from its start."""
    tokens = raw.split()
    dropped = 0
    while tokens and (_is_function(tokens[0]) or len(tokens) > 1 and is_title(tokens[0])):
        dropped = raw.index(tokens[1], dropped + len(tokens[0])) if len(tokens) > 1 else len(raw)
        tokens = tokens[1:]
    while tokens and _is_function(tokens[-1]):
        tokens = tokens[:-1]
    firsts = first_names()
    if len(tokens) > 2 and tokens[0] not in firsts:
        for i in range(1, len(tokens) - 1):
            if tokens[i] in firsts:
                dropped = raw.index(tokens[i], dropped + len(tokens[0]))
                tokens = tokens[i:]
                break
    name = " ".join(tokens)
    return _ELISION.sub("", name), dropped


@cache
def _role_parts(lang: str) -> tuple[str, str]:
    nouns = sorted(role_nouns(lang), key=len, reverse=True)
    alt = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in nouns)
    if lang == "fr":
        mods = r"(?:(?:ancien|ancienne|nouveau|nouvel|nouvelle|futur|future|jeune|célèbre|richissime|puissant|puissante|influent|influente|sulfureux|sulfureuse|fantasque|excentrique|même)\s+)?"
    else:
        mods = r"(?:(?:former|new|then|outgoing|incoming|[A-Z][\w.&-]*)\s+){0,2}"
    return mods, alt


@cache
def role_pattern(lang: str) -> re.Pattern[str]:
    """A definite role phrase: "le patron", "l'ancien président", "the Tesla CEO"."""
    mods, alt = _role_parts(lang)
    det = r"(?:(?<![\w])(?P<det>le|la|l['’]|ce|cet|cette|du|au)\s*)" if lang == "fr" else r"(?:(?<![\w])(?P<det>the)\s+)?(?<![\w-])"
    return re.compile(det + mods + r"(?:ex-)?(?P<role>" + alt + r")(?![\w])", re.IGNORECASE)


@cache
def apposition_pattern(lang: str) -> re.Pattern[str]:
    """", le patron de Twitter" / ", un journaliste indépendant" right after a name."""
    mods, alt = _role_parts(lang)
    det = r"(?:(?:le|la|l['’]|un|une)\s*)?" if lang == "fr" else r"(?:(?:the|a|an)\s+)?"
    return re.compile(r",\s*" + det + mods + r"(?P<role>" + alt + r")(?![\w])" + _COMPLEMENT + "?", re.IGNORECASE)


_COMPLEMENT = r"(?:\s+(?:de\s+la|de\s+l['’]|des|du|de|d['’]|of\s+the|of)\s*(?P<comp>[\w\-]+))"


def field_of(key: str) -> str:
    """Field ('pol', 'biz', 'media', 'other') of a role key such as "patron de tesla"."""
    return role_fields().get(key.partition(" de ")[0], "other")


def role_key(head: str, complement: str | None = None) -> str:
    """Key of a role phrase: its noun, plus the noun its complement names ("patron de tesla")."""
    key = normalize_name(head)
    return f"{key} de {normalize_name(complement)}" if complement else key


def phrase_key(phrase: str, lang: str) -> str | None:
    """Role key of a phrase such as "le patron de Tesla" or "the Tesla CEO"."""
    rm = role_pattern(lang).search(phrase)
    if rm is None:
        return None
    cm = re.match(_COMPLEMENT, phrase[rm.end():], re.IGNORECASE)
    return role_key(rm["role"], cm["comp"] if cm else None)


@dataclass
class Mention:
    """A reference to a person at a text position."""

    start: int
    end: int
    person: str
    gender: str
    genitive: bool
    subject: bool


@dataclass
class People:
    """Persons of one article, their mentions, and role-noun bindings."""

    lang: str
    mentions: list[Mention] = field(default_factory=list)
    bindings: list[tuple[int, str, str]] = field(default_factory=list)
    """(position, role noun, person) from "le journaliste Ken Klippenstein" / "X, le patron de Y"."""
    genders: dict[str, str] = field(default_factory=dict)
    surnames: dict[str, str] = field(default_factory=dict)
    blocked: list[tuple[int, int]] = field(default_factory=list)
    """Spans (reported words) whose names cannot be antecedents."""
    fields: dict[str, set[str]] = field(default_factory=dict)
    """Person -> fields of the roles bound to them ('pol', 'biz', 'media')."""

    def learn_fields(self) -> None:
        """Record the field of every role bound to a person ("le milliardaire X" -> biz)."""
        for _, key, person in self.bindings:
            kind = field_of(key)
            if kind != "other":
                self.fields.setdefault(person, set()).add(kind)

    def compatible(self, person: str, kind: str | None) -> bool:
        """False when the person is only known in another field than the role's."""
        known = self.fields.get(person)
        return kind in (None, "other") or not known or kind in known

    def add(self, mention: Mention) -> None:
        keys = [m.start for m in self.mentions]
        self.mentions.insert(bisect.bisect(keys, mention.start), mention)

    def gender(self, person: str) -> str:
        return self.genders.get(person, "x")

    def _eligible(self, lo: int, hi: int, gender: str, *, genitive_ok: bool, kind: str | None = None) -> list[Mention]:
        out = []
        for m in self.mentions:
            if m.start < lo or m.start >= hi or not self.compatible(m.person, kind):
                continue
            if m.genitive and not genitive_ok:
                continue
            if any(a <= m.start < b for a, b in self.blocked):
                continue
            g = self.gender(m.person) if m.gender == "x" else m.gender
            if gender != "x" and g != "x" and g != gender:
                continue
            out.append(m)
        return out

    def resolve(self, pos: int, window_start: int, gender: str, *, last_mentioned: bool = False,
                unique: bool = False, kind: str | None = None) -> str | None:
        """The person a pronoun or role noun at ``pos`` refers to, or None if unclear.

        With ``unique``, the window must hold a single compatible person (role nouns
        carry no grammatical cue, so two candidates are too many to guess between).
        """
        cands = self._eligible(window_start, pos, gender, genitive_ok=last_mentioned, kind=kind)
        if not cands:
            return None
        if unique:
            persons = {m.person for m in cands}
            if len(persons) == 1:
                return cands[-1].person
            matched = {p for p in persons if kind not in (None, "other") and kind in self.fields.get(p, ())}
            return matched.pop() if len(matched) == 1 else None
        if last_mentioned:
            return cands[-1].person
        subjects = [m for m in cands if m.subject]
        return (subjects or cands)[-1].person

    def bound(self, key: str, pos: int) -> str | None:
        """The person a role phrase was last bound to before ``pos``.

        An exact key wins; otherwise a binding of the bare noun, or of the noun with
        any complement when the phrase has none ("le patron" after "le patron de X").
        """
        head, _, comp = key.partition(" de ")
        exact = loose = None
        for at, bkey, person in self.bindings:
            if at >= pos:
                continue
            bhead, _, bcomp = bkey.partition(" de ")
            if bkey == key:
                exact = person
            elif bhead == head and (not bcomp or not comp):
                loose = person
        return exact or loose


def find_people(text: str, masked: str, end: int, lang: str, known: dict[str, str]) -> People:
    """Named persons in ``masked[:end]`` (quotes masked) with their mentions and bindings.

    ``known`` maps normalised alias spellings to canonical names.
    """
    people = People(lang)
    firsts = first_names()
    roles = role_pattern(lang)
    apposition = apposition_pattern(lang)
    raw: list[tuple[int, int, str]] = []
    for m in NAME_RE.finditer(masked, 0, end):
        name, dropped = clean_name(m.group())
        if name:
            raw.append((m.start() + dropped, m.start() + dropped + len(name), name))
    full: dict[str, str] = {}
    role_before: dict[int, str] = {}
    for a, b, name in raw:
        if len(name.replace(".", "").replace(" ", "")) < 2:
            continue
        before = masked[max(0, a - 60):a]
        rm = None
        for rm in roles.finditer(before):
            pass
        if rm is None:
            continue
        gap = before[rm.end():]
        if re.fullmatch(r"(?:\s+[a-zà-ÿ\-]+){0,2}\s+", gap) and not any(w in function_words() for w in gap.split()):
            role_before[a] = role_key(rm["role"])
            continue
        heads_clause = (rm["det"] or "").lower() in ("le", "la", "l'", "l’", "the") and \
            re.search(r"(?:^|[.;:!?\n])\s*$", before[:rm.start()]) is not None
        cm = re.fullmatch(_COMPLEMENT + r"(?P<adj>\s+[a-zà-ÿ\-]+)?\s*,?\s+", gap, re.IGNORECASE)
        if cm and cm["adj"] and cm["adj"].strip().lower() in function_words():
            cm = None
        if cm and (cm["comp"][:1].isupper() and "," not in gap or "," in gap and heads_clause):
            role_before[a] = role_key(rm["role"], cm["comp"])
        elif heads_clause and re.fullmatch(r"[^,.;:!?«»\"“”\x00\n]{0,50},\s+", gap):
            first = re.match(_COMPLEMENT, gap, re.IGNORECASE)
            role_before[a] = role_key(rm["role"], first["comp"] if first and first["comp"][:1].isupper() else None)
    for a, b, name in raw:
        tokens = name.split()
        if any(t.lower() in ORG_WORDS for t in tokens):
            continue
        key = normalize_name(name)
        is_person = key in known or (len(tokens) >= 2 and (tokens[0] in firsts or INITIALS.match(tokens[0]) is not None)) or a in role_before
        if is_person:
            canonical = known.get(key, name)
            full.setdefault(canonical, canonical)
            if tokens[0] in firsts:
                people.genders.setdefault(canonical, firsts[tokens[0]])
    for canonical in full:
        last = normalize_name(canonical.split()[-1])
        people.surnames[last] = canonical if people.surnames.get(last, canonical) == canonical else ""
    for a, b, name in raw:
        key = normalize_name(name)
        tokens = name.split()
        if any(t.lower() in ORG_WORDS for t in tokens) and key not in known:
            continue
        person = None
        if key in known:
            person = known[key]
        elif name in full:
            person = name
        elif len(tokens) == 1 and people.surnames.get(key):
            person = people.surnames[key]
        elif a in role_before:
            person = name
        if not person:
            continue
        genitive = bool(GENITIVE.search(masked[max(0, a - 6):a]))
        people.add(Mention(a, b, person, people.gender(person), genitive, is_subject_position(masked, a, roles)))
        if a in role_before:
            people.bindings.append((a, role_before[a], person))
        am = apposition.match(masked, b)
        if am:
            people.bindings.append((b, role_key(am["role"], am["comp"]), person))
    people.learn_fields()
    return people


_BOUNDARY_WORDS = re.compile(r"(?:^|[,;:(«“\"]|\b(?:et|mais|que|qu['’]|dont|and|but|that|who|qui)|\.)\s*$", re.IGNORECASE)


def is_subject_position(masked: str, start: int, roles: re.Pattern[str]) -> bool:
    """True when nothing but a role phrase separates ``start`` from a clause opening."""
    line_start = masked.rfind("\n", 0, start) + 1
    before = masked[max(line_start, start - 80):start]
    rm = None
    for rm in roles.finditer(before):
        pass
    if rm is not None and re.fullmatch(r"(?:\s+[a-zà-ÿ\-]+){0,2}\s+", before[rm.end():]):
        before = before[:rm.start()]
    return bool(_BOUNDARY_WORDS.search(before)) or not before.strip()
