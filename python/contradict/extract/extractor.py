"""Turn an article into attributed, dated statements in the corpus format.

Rules run sentence by sentence, most specific first: a source in parentheses after a
quote, "selon X", inverted verbs after a quote, a subject before a speech verb with
a quote or a "que …" clause, "X : « … »", a standalone quote continuing the previous
speaker, then reported actions. Each statement keeps character offsets into the
article text. Speakers that are not named people or sources are kept with an
``unknown:`` speaker and ``unattributed: True`` so they never enter contradiction search.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..speakers import AliasSpec, SpeakerTable, _alias_pairs, normalize_name
from .actions import action_clause_end, has_cue
from .articles import ARTICLE_SUFFIXES, Article, parse_article, read_article
from .attribution import (
    SubjectRef,
    classify_phrase,
    is_org_like,
    sentence_subject,
    subject_after,
    subject_before,
)
from .dates import PartialDate, find_dates, latest_year
from .lexicon import first_names, speech_verbs
from .mentions import (
    Mention,
    People,
    field_of,
    find_people,
    is_subject_position,
    phrase_key,
    role_pattern,
)
from .quotes import Quote, find_quotes, split_sentences
from .verbs import VerbMatch, find_verbs

_FR_INF_VERBS = {"annoncer", "affirmer", "assurer", "dire", "estimer", "reconnaître", "indiquer", "déclarer",
                 "promettre", "jurer", "souhaiter", "admettre", "démentir", "prétendre", "penser", "croire",
                 "confier", "avouer", "expliquer", "nier", "préciser", "soutenir", "clamer", "marteler", "répéter",
                 "considérer", "juger", "regretter", "garantir", "réaffirmer", "confirmer", "ajouter"}  # not "souhaiter": a wish
_EN_TO_VERBS = {"promise", "vow", "pledge", "deny", "claim", "announce", "state"}
_EN_BARE_CLAUSE = {"say", "claim", "argue", "insist", "believe", "think", "add", "state", "warn", "explain",
                   "acknowledge", "admit", "write", "tweet", "post", "note", "predict", "suggest", "assert",
                   "maintain", "contend", "stress", "emphasize", "emphasise", "reveal", "confirm", "allege",
                   "concede", "boast", "complain", "repeat", "reiterate"}
_CLAUSE_OPENER_EN = re.compile(r"\s*(?:he|she|it|they|we|i|the|a|an|his|her|their|this|these|those|there|its|[A-Z][\w'-]+)\b")
_SELON = r"(?:selon|d['’]après|according to)\s+(?:les\s+(?:mots|propos|termes)\s+(?:de\s+|d['’])|the words of\s+)?"
_SELON_START = re.compile(r"(?P<intro>(?:[^,«»\"“”\x00]{0,40},\s*)?)" + _SELON + r"(?P<who>[^,«»\"“”:\x00]{2,60}?)\s*,\s*", re.IGNORECASE)
_SELON_END = re.compile(r",\s*" + _SELON + r"(?P<who>[^,.;:!?«»\"“”\x00]{2,60}?)\s*[.!?]?\s*$", re.IGNORECASE)
_COMME = re.compile(r"(?P<intro>(?:[^,«»\x00]{0,40},\s*)?)(?:comme|ainsi que)\s+(?:le\s+|l['’])(?P<verb>[\w-]+)\s+(?P<who>[^,«»:\x00]{2,60}?)\s*,\s*", re.IGNORECASE)
_PAREN_SOURCE = re.compile(r"[ \u00a0\u202f]*\((?P<src>[A-ZÀ-Þ][^()\n,;:\d]{1,40})\)")
_INCISE = re.compile(r",\s*(?:qui|dont|who|which|whose)\b[^,.;]*,", re.IGNORECASE)
_TRIM = " \u00a0\u202f\t\n,;:.—–-"


@dataclass
class _Stmt:
    kind: str
    ref: SubjectRef | None
    start: int
    end: int
    sentence: int
    anchor: int
    speaker: str | None = None
    person: bool = False
    quote: bool = False
    block: bool = True
    """Whether names inside the statement are barred as antecedents (reported words)."""


@dataclass
class _State:
    text: str
    masked: str
    lang: str
    sentences: list[tuple[int, int]]
    quotes: list[Quote]
    people: People
    known: dict[str, str]
    consumed: set[int] = field(default_factory=set)
    statements: list[_Stmt] = field(default_factory=list)
    corpus_roles: dict[str, str] = field(default_factory=dict)
    """Role key -> person, learned from every article of a corpus (unique bindings only)."""


def detect_lang(text: str) -> str:
    """'fr' or 'en' from common function words (French wins ties, as most inputs are French)."""
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ']+", text[:5000].lower())
    fr = sum(w in {"le", "la", "les", "des", "est", "une", "que", "qui", "dans", "pour", "du", "sur", "avec", "pas"} for w in words)
    en = sum(w in {"the", "and", "of", "to", "is", "that", "with", "for", "was", "on", "he", "said", "his"} for w in words)
    return "en" if en > fr else "fr"


def _mask(text: str, quotes: list[Quote]) -> str:
    chars = list(text)
    for q in quotes:
        for i in range(q.start + 1, q.end - 1):
            if chars[i] != "\n":
                chars[i] = "\x00"
    return "".join(chars)


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in _TRIM:
        a += 1
    while b > a and text[b - 1] in _TRIM:
        b -= 1
    return a, b


def _quote_at(state: _State, pos: int) -> Quote | None:
    for q in state.quotes:
        if q.start == pos and q.start not in state.consumed:
            return q
    return None


def _quotes_in(state: _State, a: int, b: int) -> list[Quote]:
    return [q for q in state.quotes if a <= q.start and q.end <= b]


def _cuts(state: _State, verbs: list[VerbMatch], sa: int) -> list[int]:
    """Positions where a clause ends because another subject-verb clause starts."""
    cuts = []
    for v in verbs:
        ref, clause_start, after_comma = subject_before(state.masked, sa, v.start, state.lang)
        opener = state.masked[clause_start:clause_start + 6].lower()
        if after_comma or (ref is not None and (opener[:1] in ",;" or re.match(r"\s*(?:et|mais|and|but)\b", opener))):
            cuts.append(clause_start)
    for m in re.finditer(r";|,\s*mais\s+(?!qu)|,\s*but\s+|,\s*(?:quand bien même|alors même que|tandis que|whereas|even though)\b",
                         state.masked[sa:]):
        cuts.append(sa + m.start())
    return sorted(cuts)


def _clause_end(cuts: list[int], start: int, sent_end: int) -> int:
    for c in cuts:
        if start < c < sent_end:
            return c
    return sent_end


def _content_after(state: _State, v: VerbMatch, sb: int, cuts: list[int], verbs: list[VerbMatch]) -> tuple[int, int, Quote | None] | None:
    """The reported words governed by a speech verb: a quote, a que-clause, an infinitive."""
    masked, lang = state.masked, state.lang
    lead = re.match(r"[ \u00a0\u202f]*:?[ \u00a0\u202f]*", masked[v.end:sb])
    q = _quote_at(state, v.end + (lead.end() if lead else 0))
    if q is not None:
        end = _clause_end(cuts, q.end, sb)
        if not masked[q.end:end].strip(_TRIM + "»”\""):
            return q.inner_start, q.inner_end, q
        return q.start, end, None
    next_verb = min([w.start for w in verbs if w.start > v.end] + [sb])
    m = re.match(r"(?P<comp>[^.;!?«»\"“”\n\x00]{0,160}?)(?<![\w'’])(?:que\b|qu['’]|si\b|s['’](?=ils?\b)|that\b)[ \u00a0\u202f]*",
                 masked[v.end:sb], re.IGNORECASE)
    if m and len(m["comp"].split()) <= 15 and v.end + m.start("comp") + len(m["comp"]) <= next_verb:
        start = v.end + m.end()
        if lang == "fr" and masked[v.end + m.end() - 2:v.end + m.end()] in ("s'", "s’"):
            start -= 0
        return start, _clause_end(cuts, start, sb), None
    for q in state.quotes:
        if q.start < v.end or q.start >= sb or q.start in state.consumed:
            continue
        between = masked[v.end:q.start]
        if len(between.split()) <= 15 and not re.search(r"[.;!?]", between) and q.start <= next_verb:
            return q.inner_start, q.inner_end, q
        break
    if lang == "fr" and v.lemma.removeprefix("s'") in _FR_INF_VERBS:
        m = re.match(r"[ \u00a0\u202f]+(?:de\s+|d['’])?(?P<inf>(?:ne\s+(?:pas|plus|jamais)\s+|n['’])?[a-zà-ÿ]+(?:er|ir|re|oir))\b", masked[v.end:sb])
        if m and m["inf"].split()[-1] not in ("hier", "lancer", "super"):
            start = v.end + m.start("inf")
            return start, _clause_end(cuts, start, sb), None
    if lang == "en":
        m = re.match(r"\s+to\s+(?P<inf>[a-z]+)", masked[v.end:sb])
        if m and v.lemma in _EN_TO_VERBS:
            start = v.end + m.start("inf")
            return start, _clause_end(cuts, start, sb), None
        m = _CLAUSE_OPENER_EN.match(masked[v.end:sb])
        if m and v.lemma in _EN_BARE_CLAUSE and v.form not in ("told", "tells", "telling"):
            start = v.end + len(m.group()) - len(m.group().lstrip())
            return start, _clause_end(cuts, start, sb), None
    return None


def _negated(masked: str, v: VerbMatch, lang: str) -> bool:
    """True for "n'a jamais dit", "ne dit pas", "did not say", "never said": no statement."""
    group = masked[v.start:v.end].lower()
    before = masked[max(0, v.start - 14):v.start].lower()
    after = masked[v.end:v.end + 10].lower()
    if lang == "fr":
        return bool(re.search(r"\b(?:ne|n['’])\s*$", before)) and (
            bool(re.search(r"\b(?:pas|jamais|plus|guère|point|nullement)\b", group))
            or bool(re.match(r"\s*(?:pas|jamais|plus|guère|point|nullement)\b", after)))
    return bool(re.search(r"\b(?:not|never)\b|n't", group) or re.search(r"(?:\bnever|\bnot|n't)\s*$", before))


def _looks_like_person(name: str) -> bool:
    """A two- or three-word capitalised name with no organisation word, as the subject of
    a speech verb, is taken for a person ("Dana Cole said")."""
    tokens = name.split()
    return 2 <= len(tokens) <= 3 and all(t[:1].isupper() for t in tokens) and not is_org_like(name) \
        and tokens[0] not in ("Le", "La", "Les", "L'", "L’", "The")


_AFTER_SAYING = re.compile(
    r"\s*(?:on|in|at|to|during|after|before|from|via|while|when|earlier|later|yesterday|today|sur|dans|à|au|aux|lors|"
    r"devant|hier|auprès|pendant|mardi|lundi|mercredi|jeudi|vendredi|samedi|dimanche)\b", re.IGNORECASE)


def _content_before(state: _State, v: VerbMatch, sa: int, sb: int, ref: SubjectRef) -> tuple[int, int, Quote | None] | None:
    """"The site will stay neutral, Musk said." : the clause before the subject."""
    comma = state.masked.rfind(",", sa, ref.start)
    if comma <= sa or state.masked[comma + 1:ref.start].strip():
        return None
    after = state.masked[v.end:sb]
    if len(after.split()) > 6 or re.search(r"\b(?:que|qu['’]|that|si|if)\b|[«“\"\x00]", after, re.IGNORECASE):
        return None
    if after.strip(_TRIM + "!?") and not _AFTER_SAYING.match(after) and not (v.lemma == "tell" and len(after.split()) <= 3):
        return None  # "Trump repeated false claims": the verb has its own object
    if len(state.masked[sa:comma].split()) < 3:
        return None
    return sa, comma, None


class _Resolver:
    def __init__(self, state: _State) -> None:
        self.state = state

    def window(self, si: int) -> int:
        return self.state.sentences[max(0, si - 2)][0]

    def person_at(self, pos: int) -> str | None:
        for m in self.state.people.mentions:
            if m.start == pos:
                return m.person
        return None

    def resolve(self, ref: SubjectRef, si: int) -> tuple[str, bool]:
        """(speaker, is_person); an unresolved reference gives 'unknown:<phrase>'."""
        people, known = self.state.people, self.state.known
        person: str | None = None
        if ref.kind == "name":
            person = self.person_at(ref.start)
            if person is None:
                key = normalize_name(ref.text)
                if key in known:
                    return known[key], True
                if people.surnames.get(key):
                    person = people.surnames[key]
                elif _looks_like_person(ref.text):
                    person = ref.text
                    people.surnames.setdefault(normalize_name(person.split()[-1]), person)
                    people.genders.setdefault(person, first_names().get(person.split()[0], "x"))
                else:
                    return ref.text, False
        elif ref.kind == "pronoun":
            person = people.resolve(ref.start, self.window(si), ref.gender)
        elif ref.kind == "demonstrative":
            person = people.resolve(ref.start, self.window(si), ref.gender, last_mentioned=True)
        elif ref.kind == "role":
            rkey = phrase_key(ref.text, self.state.lang) or ref.role or ""
            person = known.get(normalize_name(ref.text)) or people.bound(rkey, ref.start + len(ref.text)) or \
                self.state.corpus_roles.get(rkey) or \
                (self.state.corpus_roles.get(rkey.partition(" de ")[0]) if " de " not in rkey else None) or \
                people.resolve(ref.start, self.window(si), ref.gender, unique=True, kind=field_of(rkey))
        if person is None:
            return "unknown:" + ref.text, False
        if self.person_at(ref.start) is None:
            people.add(Mention(ref.start, ref.start + len(ref.text), person, ref.gender, False, True))
        return person, True


def _add(state: _State, res: _Resolver, stmt: _Stmt) -> None:
    a, b = _trim(state.text, stmt.start, stmt.end)
    whole = next((q for q in state.quotes if q.start == a and q.end == b), None)
    if whole is not None:  # "a ajouté que « … »": the words are the quote's
        a, b = _trim(state.text, whole.inner_start, whole.inner_end)
        stmt.quote = True
    if b - a < 3 or len(state.text[a:b].split()) < 2 and not stmt.quote:
        return
    stmt.start, stmt.end = a, b
    if stmt.ref is None:
        return
    stmt.speaker, stmt.person = res.resolve(stmt.ref, stmt.sentence)
    for q in state.quotes:
        if q.start < b and q.end > a and (a <= q.inner_start and q.inner_end <= b or q.inner_start <= a and b <= q.inner_end):
            state.consumed.add(q.start)
    if stmt.kind == "claim" and stmt.block:
        state.people.blocked.append((a, b))
    state.statements.append(stmt)


def _sentence(state: _State, res: _Resolver, si: int) -> None:
    sa, sb = state.sentences[si]
    masked, lang = state.masked, state.lang
    verbs = find_verbs(masked, sa, sb, lang)
    cuts = _cuts(state, verbs, sa)
    sent_quotes = [q for q in state.quotes if sa <= q.start < sb]
    done_spans: list[tuple[int, int]] = []

    def add(stmt: _Stmt) -> None:
        before = len(state.statements)
        _add(state, res, stmt)
        if len(state.statements) > before:
            done_spans.append((stmt.start, stmt.end))

    # 1. "« … » (Le Monde)": a source in parentheses right after a quote.
    for q in sent_quotes:
        m = _PAREN_SOURCE.match(state.text, q.end)
        if m and q.start not in state.consumed and len(m["src"].split()) <= 4:
            add(_Stmt("claim", SubjectRef("name", m["src"].strip(), m.start("src")), q.inner_start, q.inner_end, si, q.end, quote=True))
    # 2. "Selon X, …" / "Comme le rappelle X, …" at the start of a sentence.
    m = _SELON_START.match(masked, sa, sb)
    c = _COMME.match(masked, sa, sb)
    if c and not any(c["verb"].lower() in e.forms for e in speech_verbs(lang)):
        c = None
    for hit in (m, c):
        if hit is None:
            continue
        ref = classify_phrase(hit["who"], hit.start("who"), lang)
        if ref is None:
            continue
        start = hit.end()
        sq = _quote_at(state, start)
        end = _clause_end(cuts, start, sb)
        if sq is not None and not masked[sq.end:end].strip(_TRIM + "»”\""):
            add(_Stmt("claim", ref, sq.inner_start, sq.inner_end, si, hit.start("who"), quote=True))
        else:
            add(_Stmt("claim", ref, start, end, si, hit.start("who"), block=False))
        break
    # 3. "…, selon X." at the end of a sentence.
    m = _SELON_END.search(masked, sa, sb)
    if m and not any(a <= m.start() < b for a, b in done_spans):
        ref = classify_phrase(m["who"], m.start("who"), lang)
        if ref is not None:
            inner = [q for q in sent_quotes if q.start not in state.consumed]
            start = sa
            if len(inner) == 1 and inner[0].start == sa and not masked[inner[0].end:m.start()].strip(_TRIM):
                add(_Stmt("claim", ref, inner[0].inner_start, inner[0].inner_end, si, m.start("who"), quote=True))
            else:
                add(_Stmt("claim", ref, start, m.start(), si, m.start("who"), block=False))
    # 4. Speech verbs.
    for v in verbs:
        if v.kind != "speech" or any(a <= v.start < b for a, b in done_spans):
            continue
        _speech(state, res, si, v, verbs, cuts, add)
    # 5. "X : « … »".
    for q in sent_quotes:
        if q.start in state.consumed:
            continue
        before = masked[sa:q.start]
        if not re.search(r":\s*$", before):
            continue
        m = re.search(r"(?:^|[.;!?]\s*)(?P<who>[^,:;.!?«»\"“”\x00]{2,60}?)\s*:\s*$", before)
        ref = classify_phrase(m["who"], sa + m.start("who"), lang) if m else None
        if ref is not None and (ref.kind == "name" or ref.kind == "role" and res.resolve(ref, si)[1]):
            add(_Stmt("claim", ref, q.inner_start, q.inner_end, si, ref.start, quote=True))
            continue
        # "Trump, in a post: …" / "Elon Musk a publié un message : « … »" (no speech verb)
        if (m is None or _SPEECH_NOUNS.search(before)) and not any(sa <= w.start < q.start for w in verbs):
            head = sentence_subject(masked, sa, q.start, lang)
            if head is not None and head.kind == "name":
                add(_Stmt("claim", head, q.inner_start, q.inner_end, si, head.start, quote=True))
    # 5b. « Nous gagnerons, a déclaré Elon Musk, et resterons unis. »: an incise inside the quote.
    for q in sent_quotes:
        if q.start in state.consumed:
            continue
        inside = state.text[:q.inner_start] + state.text[q.inner_start:q.inner_end]
        for v in find_verbs(inside, q.inner_start, q.inner_end, lang):
            if v.kind != "speech" or not re.search(r",\s*$", inside[q.inner_start:v.start]):
                continue
            tail = state.text[v.end:q.inner_end]
            if v.inverted:
                if v.inverted.lower() not in ("il", "elle") or not re.match(r"\s*(?:[,.;!?]|$)", tail):
                    continue
                inc: SubjectRef | None = SubjectRef("pronoun", v.inverted, v.start,
                                                    "f" if v.inverted.lower().startswith("elle") else "m")
            else:
                inc = subject_after(state.text, v.end, q.inner_end, lang)
                if inc is None or inc.kind not in ("name", "role") or not re.match(
                        r"\s*(?:[,.;!?]|$)", state.text[inc.start + len(inc.text):q.inner_end]):
                    continue
            add(_Stmt("claim", inc, q.inner_start, q.inner_end, si, v.start, quote=True))
            break
    # 6. A quote standing alone continues the previous quoted speaker, or the one person
    #    the previous sentence shows speaking ("… avant de faire quelques déclarations.").
    for q in sent_quotes:
        rest = masked[q.end:sb]
        if q.start in state.consumed or masked[sa:q.start].strip() or (
                rest.strip(_TRIM + "»”\"") and not _PARTICIPLE_TAIL.match(rest)):
            continue
        speaker, ref = _standalone_speaker(state, si, q)
        if speaker is None or ref is None:
            continue
        state.consumed.add(q.start)
        a, b = _trim(state.text, q.inner_start, q.inner_end)
        state.people.blocked.append((a, b))
        state.statements.append(_Stmt("claim", ref, a, b, si, q.start, speaker, True, True))
    # 7. Reported actions.
    spoken = {s.anchor for s in state.statements if s.sentence == si}
    for v in verbs:
        if v.kind == "action" and v.start not in spoken:
            _action(state, res, si, v, verbs, cuts)
    # Role phrases in subject position become mentions for later pronouns.
    roles = role_pattern(lang)
    for rm in roles.finditer(masked, sa, sb):
        if any(m.start == rm.start() for m in state.people.mentions):
            continue
        if any(a <= rm.start() < b for a, b in state.people.blocked) or not is_subject_position(masked, rm.start(), roles):
            continue
        ref = classify_phrase(masked[rm.start():rm.end()], rm.start(), lang)
        if ref is not None and ref.kind == "role":
            res.resolve(ref, si)


_PARTICIPLE_TAIL = re.compile(r"\s*,\s*(?:tout\s+)?(?:en\s+)?[a-zà-ÿ]+(?:ant|ing)\b", re.IGNORECASE)
_SPEECH_NOUNS = re.compile(
    r"\b(?:déclarations?|propos|discours|allocution|message|tweet|publication|interview|entretien|"
    r"statement|remarks|speech|post|said|told|wrote)\b", re.IGNORECASE)


def _standalone_speaker(state: _State, si: int, q: Quote) -> tuple[str | None, SubjectRef | None]:
    """Who says a quote that stands alone in its sentence, if it is clear."""
    prev = next((s for s in reversed(state.statements) if s.kind == "claim"), None)
    visible = [mm for mm in state.people.mentions if mm.start < q.start
               and not any(a <= mm.start < b for a, b in state.people.blocked)]
    if prev is not None and prev.person and prev.quote and prev.sentence >= si - 2 and \
            all(mm.person == prev.speaker for mm in visible if mm.start >= prev.end):
        return prev.speaker, prev.ref
    if si == 0:
        return None, None
    pa, pb = state.sentences[si - 1]
    people = {mm.person for mm in visible if pa <= mm.start < pb}
    subjects = [mm for mm in visible if pa <= mm.start < pb and mm.subject]
    if len(people) == 1 and subjects and _SPEECH_NOUNS.search(state.masked[pa:pb]):
        mm = subjects[-1]
        return mm.person, SubjectRef("name", mm.person, mm.start)
    return None, None


def _speech(state: _State, res: _Resolver, si: int, v: VerbMatch, verbs: list[VerbMatch], cuts: list[int], add: Any) -> None:
    sa, sb = state.sentences[si]
    masked, lang = state.masked, state.lang
    if _negated(masked, v, lang) or v.inverted and v.inverted.lower() not in ("il", "elle"):
        return  # "n'a jamais dit", "a-t-on appris", "disent-ils": no single speaker
    if v.mode == "participle" and not v.form.endswith("ing") and not re.search(r"(?:,|après avoir|\ben)\s*$", masked[sa:v.start + 12][: v.start - sa + 12].split(v.form)[0]):
        return
    # a. A quote just before the verb: "« … », a écrit X" / '"…," X said'.
    for q in reversed([q for q in state.quotes if sa <= q.start and q.end <= v.start]):
        if q.start in state.consumed:
            break
        link = re.fullmatch(r"[ \u00a0\u202f]*(?P<comma>,)?[ \u00a0\u202f]*(?P<subj>[^,.;:!?«»\"“”()\x00]{0,50}?)[ \u00a0\u202f]*,?[ \u00a0\u202f]*", masked[q.end:v.start])
        if not link:
            break
        comma_in = state.text[q.inner_end:q.end].strip().startswith(",") or state.text[q.inner_end - 1:q.inner_end] == ","
        if v.inverted:
            ref: SubjectRef | None = SubjectRef("pronoun", v.inverted, v.start, "f" if v.inverted.lower().startswith("elle") else "m")
        elif link["subj"].strip():
            if not (link["comma"] or comma_in):
                break
            ref = classify_phrase(link["subj"], q.end + link.start("subj"), lang)
        else:
            ref = subject_after(masked, v.end, sb, lang)
        if ref is not None:
            add(_Stmt("claim", ref, q.inner_start, q.inner_end, si, v.start, quote=True))
        return
    content: tuple[int, int, Quote | None] | None = None
    if v.mode == "participle":
        ref = sentence_subject(masked, sa, sb, lang)
    else:
        ref, _, after_comma = subject_before(masked, sa, v.start, lang)
        if v.inverted:
            ref = SubjectRef("pronoun", v.inverted, v.start, "f" if v.inverted.lower().startswith("elle") else "m")
            if after_comma or not masked[sa:v.start].strip():
                a = sa
                content = (a, masked.rfind(",", sa, v.start), None)
        elif after_comma:
            inv = subject_after(masked, v.end, sb, lang)
            if inv is not None:
                comma = masked.rfind(",", sa, v.start)
                cut_before = max([c for c in cuts if c < comma] + [sa])
                content = (cut_before, comma, None)
                ref = inv
            else:
                ref = sentence_subject(masked, sa, sb, lang)
        elif ref is None and not masked[sa:v.start].strip(_TRIM) and lang == "fr":
            return
    if ref is None:
        return
    if v.plural and ref.kind in ("name", "pronoun", "role", "demonstrative"):
        ref = SubjectRef("unnamed", ref.text, ref.start)
    if content is None or content[1] <= content[0]:
        content = _content_after(state, v, sb, cuts, verbs)
    if content is None and v.mode == "finite":
        content = _content_before(state, v, sa, sb, ref)
    if content is None:
        return
    a, b, found_quote = content
    add(_Stmt("claim", ref, a, b, si, v.start, quote=found_quote is not None))


def _action(state: _State, res: _Resolver, si: int, v: VerbMatch, verbs: list[VerbMatch], cuts: list[int]) -> None:
    sa, sb = state.sentences[si]
    masked, lang = state.masked, state.lang
    if v.plural or v.inverted or _negated(masked, v, lang):
        return
    if v.mode == "participle":
        if not re.match(r"(?:après avoir|after)\b", masked[v.start:v.end], re.IGNORECASE):
            return
        ref = sentence_subject(masked, sa, sb, lang)
    else:
        ref, _, after_comma = subject_before(masked, sa, v.start, lang)
        if after_comma or (ref is None and not masked[sa:v.start].strip(_TRIM)):
            ref = sentence_subject(masked, sa, sb, lang)
    if ref is None or ref.kind == "unnamed":
        return
    next_cut = min([c for c in cuts if c > v.end] + [w.start for w in verbs if w.start > v.end and w.kind == "speech"] + [sb])
    end = action_clause_end(masked, v, sb, next_cut)
    if not has_cue(masked, v, end):
        return
    start = ref.start if ref.start < v.start and v.start - (ref.start + len(ref.text)) < 30 else v.start
    if v.mode == "participle":
        lead = re.match(r"(?:après avoir|after)\s+", masked[v.start:v.end], re.IGNORECASE)
        start = v.start + (len(lead.group()) if lead else 0)
        comma = masked.find(",", v.end, sb)
        end = min(end, comma) if comma > 0 else end
    speaker, is_person = res.resolve(ref, si)
    if not is_person:
        return
    a, b = _trim(state.text, start, end)
    if b - a < 5:
        return
    state.statements.append(_Stmt("action", ref, a, b, si, v.start, speaker, True))


def _known_aliases(aliases: AliasSpec) -> tuple[SpeakerTable, dict[str, str]]:
    table = SpeakerTable(aliases)
    known: dict[str, str] = {}
    for variant, canonical in _alias_pairs(aliases):
        known[normalize_name(variant)] = canonical
        known[normalize_name(canonical)] = canonical
    return table, known


def _as_date(value: Any) -> PartialDate | None:
    if value is None or value == "":
        return None
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return PartialDate(value.year, value.month, value.day)
    try:
        return PartialDate.parse(str(value))
    except ValueError as exc:
        raise ValueError(f"date: {exc}") from None


def _date_for(state: _State, stmt: _Stmt, base: PartialDate | None, base_kind: str) -> tuple[str | None, str | None]:
    sa, sb = state.sentences[stmt.sentence]
    others = [(o.start, o.end) for o in state.statements if o.sentence == stmt.sentence and o is not stmt]
    incises = [(m.start(), m.end()) for m in _INCISE.finditer(state.masked, sa, sb)
               if not m.start() <= stmt.anchor < m.end()]
    found = [d for d in find_dates(state.text, base, sa, sb)
             if (stmt.kind == "action" or not (stmt.start <= d.start < stmt.end))
             and not any(a <= d.start < b for a, b in others + incises)
             and not state.masked[d.start:d.end].count("\x00")
             and (base is None or d.value.iso()[:len(base.iso())] <= base.iso())]
    if found:
        best = min(found, key=lambda d: abs(d.start - stmt.anchor))
        source = "text" if best.complete or base_kind == "article" else "inferred"
        return best.value.iso(), source
    if base is None:
        return None, None
    return base.iso(), base_kind


def role_bindings(article: Article, *, lang: str | None = None, aliases: AliasSpec = None) -> list[tuple[str, str]]:
    """(role key, person) pairs an article states ("Elon Musk, le patron de Tesla")."""
    text = article.text
    lang = lang or detect_lang(text[:article.body_end])
    _, known = _known_aliases(aliases)
    quotes = find_quotes(text, 0, article.body_end)
    people = find_people(text, _mask(text, quotes), article.body_end, lang, known)
    return [(key, person) for _, key, person in people.bindings]


def extract_article(article: Article, *, date: Any = None, lang: str | None = None, aliases: AliasSpec = None,
                    id_prefix: str | None = None, corpus_roles: dict[str, str] | None = None,
                    corpus_fields: dict[str, set[str]] | None = None) -> list[dict[str, Any]]:
    """Statements of a parsed :class:`Article` (see :func:`extract_statements`).

    ``corpus_roles`` maps role keys ("patron de tesla", "milliardaire") to the one
    person other articles of the same corpus bind them to; used when the article
    itself does not say who the role is.
    """
    text = article.text
    lang = lang or detect_lang(text[:article.body_end])
    if lang not in ("fr", "en"):
        raise ValueError(f"lang must be 'fr' or 'en', not {lang!r}")
    base, base_kind = article.date, "article"
    if base is None:
        base = _as_date(date)
    if base is None:
        if article.comments and any(c.date for c in article.comments):
            first = min(c.date for c in article.comments if c.date)
            base = PartialDate(first.year, first.month)
        else:
            year = latest_year(text[:article.body_end])
            base = PartialDate(year) if year else None
        base_kind = "inferred"
    table, known = _known_aliases(aliases)
    quotes = find_quotes(text, 0, article.body_end)
    masked = _mask(text, quotes)
    sentences = split_sentences(text, 0, article.body_end, quotes)
    people = find_people(text, masked, article.body_end, lang, known)
    for person, kinds in (corpus_fields or {}).items():
        people.fields.setdefault(person, set()).update(kinds)
    state = _State(text, masked, lang, sentences, quotes, people, known, corpus_roles=dict(corpus_roles or {}))
    res = _Resolver(state)
    for si in range(len(sentences)):
        _sentence(state, res, si)
    prefix = id_prefix or (Path(article.source).name if article.source else "article")
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    for stmt in sorted(state.statements, key=lambda s: (s.start, s.kind)):
        day, day_source = _date_for(state, stmt, base, base_kind)
        speaker = stmt.speaker or ""
        unattributed = speaker.startswith("unknown:")
        if not unattributed:
            speaker = table.canonical(speaker)
        records.append(_record(prefix, seen, speaker, text, stmt.start, stmt.end, day, stmt.kind, article.source,
                                lang, day_source, unattributed, "article"))
    for comment in article.comments:
        day = comment.date.iso() if comment.date else (base.iso() if base else None)
        day_source = "text" if comment.date else base_kind
        spans = [(table.canonical(comment.author), comment.start, comment.end, day_source)]
        spans += [(table.canonical(name), a, b, "inferred") for name, a, b in comment.cited]
        for speaker, a, b, source in spans:
            cq = find_quotes(text, a, b)
            for sa, sb in split_sentences(text, a, b, cq):
                if len(text[sa:sb].split()) < 3:
                    continue
                records.append(_record(prefix, seen, speaker, text, sa, sb, day, "claim", article.source, lang,
                                       source, False, "comment"))
    records.sort(key=lambda r: (r["start"], r["kind"]))
    return records


def _record(prefix: str, seen: set[str], speaker: str, text: str, a: int, b: int, day: str | None, kind: str,
            source: str | None, lang: str, date_source: str | None, unattributed: bool, part: str) -> dict[str, Any]:
    ident = f"{prefix}:{a}-{b}"
    n = 2
    while ident in seen:
        ident = f"{prefix}:{a}-{b}~{n}"
        n += 1
    seen.add(ident)
    record: dict[str, Any] = {
        "id": ident,
        "speaker": speaker,
        "text": " ".join(text[a:b].split()),
        "date": day,
        "kind": kind,
        "source": source,
        "lang": lang,
        "date_source": date_source,
        "start": a,
        "end": b,
        "part": part,
    }
    if unattributed:
        record["unattributed"] = True
    return record


def extract_statements(text: str, *, date: Any = None, source: str | None = None, lang: str | None = None,
                       aliases: AliasSpec = None) -> list[dict[str, Any]]:
    """Attributed, dated statements of one article, as corpus records.

    Args:
        text: the article, plain text or HTML (offsets then index the visible text).
        date: the article date (``"2024-10"``, ``"2024-10-02"``, a ``date``), used
            when the article states none; relative dates in the text resolve against it.
        source: file name or URL stored with each statement (and used in ids).
        lang: ``"fr"`` or ``"en"``; detected when None.
        aliases: speaker alias table (see :class:`contradict.speakers.SpeakerTable`).

    Returns:
        Records with ``id, speaker, text, date, kind, source, lang`` plus
        ``date_source`` ('text', 'article' or 'inferred'), ``start``/``end`` offsets,
        ``part`` ('article' or 'comment') and, for unnamed speakers,
        ``unattributed: True`` with a speaker of the form ``unknown:<phrase>``.

    >>> recs = extract_statements("Elon Musk a déclaré que X devait rester neutre.", date="2022-04")
    >>> recs[0]["speaker"], recs[0]["text"], recs[0]["date"]
    ('Elon Musk', 'X devait rester neutre', '2022-04')
    """
    article = parse_article(text, source=source)
    return extract_article(article, date=_as_date(date), lang=lang, aliases=aliases)


def _article_paths(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(sorted(f for f in path.rglob("*") if f.is_file() and (f.suffix.lower() in ARTICLE_SUFFIXES or not f.suffix)
                              and not f.name.startswith(".")))
        elif path.is_file():
            out.append(path)
        else:
            raise FileNotFoundError(f"{path}: article file or folder not found")
    return out


def extract_corpus(paths: str | Path | Sequence[str | Path], *, date: Any = None, lang: str | None = None,
                   aliases: AliasSpec = None, keep_undated: bool = False, dedupe: bool = True) -> list[dict[str, Any]]:
    """Statements of every article in ``paths`` (files or folders; text or HTML).

    A surname used alone ("Musk") is mapped to the one full name that ends with it
    across the corpus ("Elon Musk"). Statements that cannot be dated (no date in the
    article, no ``date`` given, no year in the text) are dropped unless ``keep_undated``.
    With ``dedupe``, a statement repeated word for word by the same speaker in another
    article (a syndicated copy) is kept once, preferring the copy whose date is best
    grounded; the others' ids are listed in its ``copies`` field.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    date = _as_date(date)
    files = _article_paths(paths)
    records: list[dict[str, Any]] = []
    names: dict[str, int] = {}
    for path in files:
        names[path.name] = names.get(path.name, 0) + 1
    articles = [(path, read_article(path)) for path in files]
    seen_roles: dict[str, set[str]] = {}
    for _, article in articles:
        for key, person in role_bindings(article, lang=lang, aliases=aliases):
            seen_roles.setdefault(key, set()).add(person)
            seen_roles.setdefault(key.partition(" de ")[0], set()).add(person)
    roles = {key: next(iter(persons)) for key, persons in seen_roles.items() if len(persons) == 1}
    fields: dict[str, set[str]] = {}
    for key, persons in seen_roles.items():
        for person in persons:
            if field_of(key) != "other":
                fields.setdefault(person, set()).add(field_of(key))
    for path, article in articles:
        prefix = path.name if names[path.name] == 1 else str(path)
        records.extend(extract_article(article, date=date, lang=lang, aliases=aliases, id_prefix=prefix,
                                       corpus_roles=roles, corpus_fields=fields))
    full: dict[str, set[str]] = {}
    for r in records:
        if not r.get("unattributed") and len(r["speaker"].split()) >= 2 and r["part"] == "article":
            full.setdefault(normalize_name(r["speaker"].split()[-1]), set()).add(r["speaker"])
    for r in records:
        key = normalize_name(r["speaker"])
        if r["part"] == "article" and " " not in key and len(full.get(key, ())) == 1:
            r["speaker"] = next(iter(full[key]))
    if not keep_undated:
        records = [r for r in records if r["date"]]
    if dedupe:
        records = _dedupe(records)
    return records


_DATE_RANK = {"text": 0, "article": 1, "inferred": 2, None: 3}


def _dedupe(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for r in records:
        key = (normalize_name(r["speaker"]), r["kind"], normalize_name(r["text"]))
        groups.setdefault(key, []).append(r)
    keep: set[str] = set()
    for copies in groups.values():
        best = min(copies, key=lambda r: (_DATE_RANK.get(r["date_source"], 3), r["source"] or ""))
        if len(copies) > 1:
            best["copies"] = [r["id"] for r in copies if r is not best]
        keep.add(best["id"])
    return [r for r in records if r["id"] in keep]
