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
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..speakers import AliasSpec, SpeakerTable, _alias_pairs, normalize_name
from .articles import ARTICLE_SUFFIXES, Article, parse_article, read_article
from .dates import PartialDate, find_dates, latest_year
from .mentions import (
    field_of,
    find_people,
)
from .quotes import find_quotes, split_sentences
from .rules import (
    INCISE,
    Resolver,
    State,
    Stmt,
    detect_lang,
    mask_quotes,
    run_sentence,
)


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


def _date_for(state: State, stmt: Stmt, base: PartialDate | None, base_kind: str) -> tuple[str | None, str | None]:
    sa, sb = state.sentences[stmt.sentence]
    others = [(o.start, o.end) for o in state.statements if o.sentence == stmt.sentence and o is not stmt]
    incises = [(m.start(), m.end()) for m in INCISE.finditer(state.masked, sa, sb)
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
    people = find_people(text, mask_quotes(text, quotes), article.body_end, lang, known)
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
    masked = mask_quotes(text, quotes)
    sentences = split_sentences(text, 0, article.body_end, quotes)
    people = find_people(text, masked, article.body_end, lang, known)
    for person, kinds in (corpus_fields or {}).items():
        people.fields.setdefault(person, set()).update(kinds)
    state = State(text, masked, lang, sentences, quotes, people, known, corpus_roles=dict(corpus_roles or {}))
    res = Resolver(state)
    for si in range(len(sentences)):
        run_sentence(state, res, si)
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
