"""Sentence rules: who says what in one sentence, in order of specificity.

A source in parentheses after a quote, "selon X" / "according to X", a speech verb
with its subject before it, after it ("…, a écrit le journaliste") or inside the
quote ("« …, a déclaré X, … »"), "X : « … »", a quote standing alone, then reported
actions. Each rule produces a :class:`Stmt` with character offsets; the resolver turns
its subject (name, pronoun, role noun, unnamed phrase) into a speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..speakers import normalize_name
from .actions import action_clause_end, has_cue
from .attribution import (
    SubjectRef,
    classify_phrase,
    is_org_like,
    sentence_subject,
    subject_after,
    subject_before,
)
from .lexicon import first_names, speech_verbs
from .mentions import (
    Mention,
    People,
    field_of,
    is_subject_position,
    phrase_key,
    role_pattern,
)
from .quotes import Quote
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
INCISE = re.compile(r",\s*(?:qui|dont|who|which|whose)\b[^,.;]*,", re.IGNORECASE)
_TRIM = " \u00a0\u202f\t\n,;:.—–-"


@dataclass
class Stmt:
    """A statement found in a sentence, before its speaker is resolved to a name."""

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
class State:
    """Everything the rules share while reading one article."""

    text: str
    masked: str
    lang: str
    sentences: list[tuple[int, int]]
    quotes: list[Quote]
    people: People
    known: dict[str, str]
    consumed: set[int] = field(default_factory=set)
    statements: list[Stmt] = field(default_factory=list)
    corpus_roles: dict[str, str] = field(default_factory=dict)
    """Role key -> person, learned from every article of a corpus (unique bindings only)."""


def detect_lang(text: str) -> str:
    """'fr' or 'en' from common function words (French wins ties, as most inputs are French)."""
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ']+", text[:5000].lower())
    fr = sum(w in {"le", "la", "les", "des", "est", "une", "que", "qui", "dans", "pour", "du", "sur", "avec", "pas"} for w in words)
    en = sum(w in {"the", "and", "of", "to", "is", "that", "with", "for", "was", "on", "he", "said", "his"} for w in words)
    return "en" if en > fr else "fr"


def mask_quotes(text: str, quotes: list[Quote]) -> str:
    """The text with quote interiors blanked (NUL), so verbs and names inside quotes are not read."""
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


def _quote_at(state: State, pos: int) -> Quote | None:
    for q in state.quotes:
        if q.start == pos and q.start not in state.consumed:
            return q
    return None


def _cuts(state: State, verbs: list[VerbMatch], sa: int) -> list[int]:
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


def _content_after(state: State, v: VerbMatch, sb: int, cuts: list[int], verbs: list[VerbMatch]) -> tuple[int, int, Quote | None] | None:
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


def _content_before(state: State, v: VerbMatch, sa: int, sb: int, ref: SubjectRef) -> tuple[int, int, Quote | None] | None:
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


class Resolver:
    """Turns a subject reference into a speaker, recording people as they are resolved."""

    def __init__(self, state: State) -> None:
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


def _add(state: State, res: Resolver, stmt: Stmt) -> None:
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


def run_sentence(state: State, res: Resolver, si: int) -> None:
    sa, sb = state.sentences[si]
    masked, lang = state.masked, state.lang
    verbs = find_verbs(masked, sa, sb, lang)
    cuts = _cuts(state, verbs, sa)
    sent_quotes = [q for q in state.quotes if sa <= q.start < sb]
    done_spans: list[tuple[int, int]] = []

    def add(stmt: Stmt) -> None:
        before = len(state.statements)
        _add(state, res, stmt)
        if len(state.statements) > before:
            done_spans.append((stmt.start, stmt.end))

    # 1. "« … » (Le Monde)": a source in parentheses right after a quote.
    for q in sent_quotes:
        m = _PAREN_SOURCE.match(state.text, q.end)
        if m and q.start not in state.consumed and len(m["src"].split()) <= 4:
            add(Stmt("claim", SubjectRef("name", m["src"].strip(), m.start("src")), q.inner_start, q.inner_end, si, q.end, quote=True))
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
            add(Stmt("claim", ref, sq.inner_start, sq.inner_end, si, hit.start("who"), quote=True))
        else:
            add(Stmt("claim", ref, start, end, si, hit.start("who"), block=False))
        break
    # 3. "…, selon X." at the end of a sentence.
    m = _SELON_END.search(masked, sa, sb)
    if m and not any(a <= m.start() < b for a, b in done_spans):
        ref = classify_phrase(m["who"], m.start("who"), lang)
        if ref is not None:
            inner = [q for q in sent_quotes if q.start not in state.consumed]
            start = sa
            if len(inner) == 1 and inner[0].start == sa and not masked[inner[0].end:m.start()].strip(_TRIM):
                add(Stmt("claim", ref, inner[0].inner_start, inner[0].inner_end, si, m.start("who"), quote=True))
            else:
                add(Stmt("claim", ref, start, m.start(), si, m.start("who"), block=False))
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
            add(Stmt("claim", ref, q.inner_start, q.inner_end, si, ref.start, quote=True))
            continue
        # "Trump, in a post: …" / "Elon Musk a publié un message : « … »" (no speech verb)
        if (m is None or _SPEECH_NOUNS.search(before)) and not any(sa <= w.start < q.start for w in verbs):
            head = sentence_subject(masked, sa, q.start, lang)
            if head is not None and head.kind == "name":
                add(Stmt("claim", head, q.inner_start, q.inner_end, si, head.start, quote=True))
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
            add(Stmt("claim", inc, q.inner_start, q.inner_end, si, v.start, quote=True))
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
        state.statements.append(Stmt("claim", ref, a, b, si, q.start, speaker, True, True))
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


def _standalone_speaker(state: State, si: int, q: Quote) -> tuple[str | None, SubjectRef | None]:
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


def _speech(state: State, res: Resolver, si: int, v: VerbMatch, verbs: list[VerbMatch], cuts: list[int], add: Any) -> None:
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
            add(Stmt("claim", ref, q.inner_start, q.inner_end, si, v.start, quote=True))
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
    add(Stmt("claim", ref, a, b, si, v.start, quote=found_quote is not None))


def _action(state: State, res: Resolver, si: int, v: VerbMatch, verbs: list[VerbMatch], cuts: list[int]) -> None:
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
    state.statements.append(Stmt("action", ref, a, b, si, v.start, speaker, True))
