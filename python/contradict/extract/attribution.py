"""Who is the subject of a verb, and what words are being reported.

The subject of a speech verb is read from the clause before it (dropping incises
", dont …," and parentheses, clitics and adverbs), from the words after it when the
verb is inverted ("…, a écrit le journaliste", ", said Musk"), or from the sentence
subject for participles (", indiquant avoir …"). A subject is classified as a name,
a pronoun, a role noun, or an unnamed phrase ("un critique", "des sources").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import first_names, function_words, group_nouns, role_nouns
from .mentions import NAME_RE, ORG_WORDS, clean_name, is_title, role_pattern

PRONOUNS = {"il": "m", "elle": "f", "lui": "m", "he": "m", "she": "f", "him": "m", "her": "f"}
PLURAL_PRONOUNS = {"ils", "elles", "eux", "they", "them", "on", "nous", "vous", "we", "you", "i", "je", "tu", "moi", "me"}
DEMONSTRATIVES = {"ce dernier": "m", "cette dernière": "f", "celui-ci": "m", "celle-ci": "f", "the latter": "x"}
UNNAMED_START = re.compile(
    r"^(?:un|une|des|certains|certaines|plusieurs|diverses|divers|nombre|de nombreux|de nombreuses|"
    r"ses|leurs|son|sa|les|quelques|d['’]autres|a|an|some|several|many|other|others|critics|sources|"
    r"his|her|their|its|one|two|three|deux|trois|the)\b",
    re.IGNORECASE,
)
_INDEFINITE = re.compile(
    r"^(?:un|une|des|certains|certaines|plusieurs|diverses|divers|de nombreux|de nombreuses|a|an|some|several|many)\b",
    re.IGNORECASE)
_CLITICS = {"ne", "n", "lui", "leur", "se", "s", "y", "en", "me", "m", "te", "t", "nous", "vous",
            "également", "aussi", "alors", "ensuite", "déjà", "pourtant", "encore", "toujours", "même",
            "lui-même", "elle-même", "finalement", "notamment", "par", "ailleurs", "désormais",
            "also", "then", "however", "later", "previously", "once", "has", "had", "never", "not"}
_CHUNK_SPLIT = re.compile(r"[,;:]|\s(?:et|mais|puis|and|but|while)\s|\b(?:que|qu['’]|that)\s*", re.IGNORECASE)
_ADJ_END = re.compile(r"^[a-zà-ÿ\-]+(?:ne|ain|aine|ais|aise|al|ale|ique|ien|ienne|éen|éenne|ois|oise|an|ane)$")


@dataclass(frozen=True)
class SubjectRef:
    """What a subject phrase refers to, before resolution against the article's people."""

    kind: str
    """'name', 'pronoun', 'demonstrative', 'role', or 'unnamed'."""
    text: str
    start: int
    gender: str = "x"
    role: str | None = None


def _starts_with_first_name(name: str) -> bool:
    return name.split()[0] in first_names()


def _strip_parens(s: str) -> str:
    return re.sub(r"\([^()]*\)", lambda m: " " * len(m.group()), s)


def _words(s: str) -> list[str]:
    return re.findall(r"[\w'’\-]+", s)


def classify_phrase(phrase: str, offset: int, lang: str, *, relative: bool = False) -> SubjectRef | None:
    """Classify a subject noun phrase found at ``offset`` in the article."""
    lead = len(phrase) - len(phrase.lstrip(" \u00a0\u202f\t,"))
    core = phrase.strip(" \u00a0\u202f\t,.")
    offset += lead
    if not core or len(_words(core)) > 10:
        return None
    low = core.lower()
    if low in PRONOUNS:
        return SubjectRef("pronoun", core, offset, PRONOUNS[low])
    if low in PLURAL_PRONOUNS:
        return None
    for dem, gender in DEMONSTRATIVES.items():
        if low == dem:
            return SubjectRef("demonstrative", core, offset, gender)
    names = [m for m in NAME_RE.finditer(core)]
    if names and not _INDEFINITE.match(core) and role_pattern(lang).fullmatch(core):
        names = []
    if names:
        last = names[-1]
        name, dropped = clean_name(last.group())
        tail = core[last.end():]
        if name and (not tail.strip() or all(_ADJ_END.match(w) for w in _words(tail))):
            prefix = core[:last.start() + dropped]
            genitive = re.search(r"(?:\b(?:de|du|des|of)\s+|\bd['’])$", prefix, re.IGNORECASE) or not relative and \
                re.search(r"\b(?:avec|with|à|au|aux|to|pour|for|par|by|contre|entre)\s+$", prefix, re.IGNORECASE)
            rm = role_pattern(lang).search(prefix)
            has_role = rm is not None or any(is_title(w) for w in _words(prefix))
            possessive = re.search(r"[\w)]['’]s\s+$", prefix) is not None  # "the Commission's Thierry Breton"
            prefix_ok = not prefix.strip() or possessive or (has_role and len(_words(prefix)) <= 5) or \
                all(w.lower() in function_words() or is_title(w) for w in _words(prefix)) or relative
            complement = rm is not None and re.search(r"\b(?:de|du|des|d['’]|of|à|au|aux|for|at)\b", prefix[rm.end():], re.IGNORECASE) \
                and re.search(r"(?:^|\s)[a-zà-ÿ\-]+\s*$", prefix) and not re.search(
                    r"\b(?:" + "|".join(re.escape(n) for n in role_nouns(lang)) + r")\s*$", prefix, re.IGNORECASE)
            if not genitive and (relative or not complement) and prefix_ok:
                full = (name + tail).strip() if tail.strip() else name
                if tail.strip():
                    full = core[last.start() + dropped:].strip()
                    if not all(t[0].isupper() for t in full.split()[:1]):
                        return None
                start = offset + last.start() + dropped
                det = re.search(r"(?:^|\s)(?P<det>Le|La|Les|The|L['’])\s*$", core[:last.start() + dropped])
                if det and dropped and not re.match(r"[A-Z]\.|[A-Z]{1,2}\b", full) and not _starts_with_first_name(full):
                    start = offset + det.start("det")
                    full = core[det.start("det"):last.start() + dropped] + full
                return SubjectRef("name", full, start)
    rm = None if _INDEFINITE.match(core) else role_pattern(lang).match(core)
    if rm:
        det_word = (rm["det"] or "").lower()
        gender = role_nouns(lang).get(rm["role"].lower(), "x")
        if gender == "x" and lang == "fr":
            gender = "f" if det_word in ("la", "cette") else "m" if det_word in ("le", "ce", "cet", "du", "au") else "x"
        if len(_words(core[rm.end():])) <= 6:
            return SubjectRef("role", core, offset, gender, rm["role"].lower())
    if UNNAMED_START.match(core) or low.split()[0] in group_nouns() or len(_words(core)) <= 6 and re.match(r"^(?:le|la|l['’]|les|the)\b", core, re.IGNORECASE):
        return SubjectRef("unnamed", core, offset)
    return None


def subject_before(masked: str, sent_start: int, verb_start: int, lang: str) -> tuple[SubjectRef | None, int, bool]:
    """Subject of a verb from the clause before it.

    Returns the subject (or None), the position where the subject's clause begins
    (for cutting an earlier reported clause there), and whether the verb follows a
    comma with nothing between (the subject then is the sentence subject).
    """
    region = _strip_parens(masked[sent_start:verb_start])
    relative = False
    words = list(re.finditer(r"[\w'’\-]+|[^\w\s]", region))
    end = len(region)
    while words:
        w = words[-1].group().lower().rstrip("'’")
        if w in _CLITICS or w.endswith("ment") and len(w) > 5 and w.islower():
            end = words[-1].start()
            words.pop()
            continue
        if w in ("qui", "who", "which"):
            relative = True
            end = words[-1].start()
            words.pop()
            continue
        break
    region = region[:end]
    if not region.strip():
        return None, sent_start, False
    if region.rstrip().endswith(","):
        if not relative:
            return None, sent_start + len(region.rstrip()) - 1, True
        region = region.rstrip()[:-1]  # "…, Thierry Breton, qui a affirmé": the antecedent is the name
    cuts = list(_CHUNK_SPLIT.finditer(region))
    chunk_start = cuts[-1].end() if cuts else 0
    boundary = cuts[-1].group().strip().lower() if cuts else ""
    chunk = region[chunk_start:]
    ref = classify_phrase(chunk, sent_start + chunk_start, lang, relative=relative)
    if ref is not None and boundary in ("et", "and"):
        prev_start = cuts[-2].end() if len(cuts) > 1 else 0
        if classify_phrase(region[prev_start:cuts[-1].start()], sent_start + prev_start, lang) is not None:
            ref = SubjectRef("unnamed", region[prev_start:].strip(), sent_start + prev_start)
    return ref, sent_start + (cuts[-1].start() if cuts else 0), False


def subject_after(masked: str, verb_end: int, sent_end: int, lang: str) -> SubjectRef | None:
    """Inverted subject right after a verb: "…, a écrit le journaliste indépendant."."""
    rest = masked[verb_end:sent_end]
    skip = re.match(r"\s*(?:pour (?:sa|leur) part|de son côté|de leur côté|à son tour|lui aussi|elle aussi|ensuite|alors|aussi|également|also|too|then)\b,?", rest, re.IGNORECASE)
    if skip:
        verb_end += skip.end()
        rest = rest[skip.end():]
    m = re.match(r"\s*(?P<np>[^,.;:!?«»\"“”()\n]{1,80}?)\s*(?=$|[,.;:!?()\n]|\s(?:sur|dans|lors|à|au|aux|en|on|in|at|to|during|after|via|depuis|from|après|avant|before|pendant|devant|auprès|avec|chez|par|pour|selon|hier|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|yesterday|today|told|last|this|on|with|for|by)\s)", rest)
    if not m:
        return None
    np_text = m["np"]
    if is_title(np_text.strip()) and rest[m.end("np"):m.end("np") + 1] == ".":
        again = subject_after(masked, verb_end + m.end("np") + 1, sent_end, lang)
        return again
    lead = len(np_text) - len(np_text.lstrip())
    name = NAME_RE.match(np_text, lead)
    if name and name.end() < len(np_text.rstrip()):
        np_text = np_text[:name.end()]
    ref = classify_phrase(np_text, verb_end + m.start("np"), lang)
    if ref is None or ref.kind == "pronoun":
        return None
    if ref.kind == "unnamed" and not _INDEFINITE.match(ref.text):
        return None  # "said the platform would…" is a clause, not an inverted subject
    return ref


def sentence_subject(masked: str, sent_start: int, sent_end: int, lang: str) -> SubjectRef | None:
    """The subject at the head of a sentence, skipping introductory phrases."""
    region = _strip_parens(masked[sent_start:sent_end])
    pos = 0
    for _ in range(4):
        chunk_end = region.find(",", pos)
        chunk = region[pos:chunk_end if chunk_end >= 0 else len(region)]
        lead = chunk.lstrip()
        first = (_words(lead) or [""])[0].lower()
        intro = first in function_words() and first not in ("le", "la", "l", "les", "the", "il", "elle", "he", "she", "ce", "cette") \
            or first.endswith(("é", "ée", "ant")) or re.match(r"\d", first)
        if not intro:
            m = NAME_RE.match(lead)
            if m:
                name, dropped = clean_name(m.group())
                if name:
                    return SubjectRef("name", name, sent_start + pos + (len(chunk) - len(lead)) + dropped)
            for pron, gender in PRONOUNS.items():
                if re.match(pron + r"\b", lead, re.IGNORECASE):
                    return SubjectRef("pronoun", lead[:len(pron)], sent_start + pos + len(chunk) - len(lead), gender)
            rm = role_pattern(lang).match(lead)
            if rm:
                if chunk_end >= 0:
                    nxt_end = region.find(",", chunk_end + 1)
                    nxt = region[chunk_end + 1:nxt_end] if nxt_end >= 0 else ""
                    nm = NAME_RE.fullmatch(nxt.strip())
                    if nm and clean_name(nm.group())[0] == nm.group():
                        at = sent_start + chunk_end + 1 + (len(nxt) - len(nxt.lstrip()))
                        return SubjectRef("name", nm.group(), at)
                ref = classify_phrase(lead[:rm.end()], sent_start + pos + len(chunk) - len(lead), lang)
                return ref
            return None
        if chunk_end < 0:
            return None
        pos = chunk_end + 1
    return None


def is_org_like(name: str) -> bool:
    return any(t.lower() in ORG_WORDS for t in name.split())
