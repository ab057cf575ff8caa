"""Single-file HTML report: side-by-side findings, timelines, summary.

The page inlines its CSS and a few lines of script, loads nothing from the
network, and reads correctly with scripts off (the script only adds sorting
and filtering). A Content-Security-Policy allows only that script, by hash,
so even a templating mistake could not run statement text as code.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from ..corpus import Statement
from ..results import Contradiction, Results
from . import timeline, view

#: More timelines than this go in a collapsed block, so findings stay near the top.
OPEN_TIMELINES = 6


@dataclass(frozen=True)
class Side:
    """One statement of a finding, ready for the template."""

    stmt: Statement
    date: str
    segments: list[view.Segment]
    url: str | None
    source_label: str | None


@dataclass(frozen=True)
class Finding:
    rank: int
    item: Contradiction
    earlier: Side
    later: Side
    time_between: str
    cues: list[str]
    formula: str | None


def _side(stmt: Statement, segments: list[view.Segment]) -> Side:
    url = view.safe_url(stmt.source)
    label = None
    if url:
        parts = urlsplit(url)
        label = parts.netloc + (parts.path if len(parts.path) <= 32 else parts.path[:30] + "\u2026")
    elif stmt.source:
        label = stmt.source
    return Side(stmt, view.human_date(stmt), segments, url, label)


def _findings(results: Results) -> list[Finding]:
    out = []
    for rank, item in enumerate(results, start=1):
        a, b = view.word_diff(item.earlier.text, item.later.text)
        approx = item.earlier.precision != "day" or item.later.precision != "day"
        out.append(
            Finding(
                rank=rank,
                item=item,
                earlier=_side(item.earlier, a),
                later=_side(item.later, b),
                time_between=view.human_span(item.days_apart, approximate=approx),
                cues=view.cue_texts(item),
                formula=view.score_formula(item, results.settings),
            )
        )
    return out


def _timelines(results: Results, findings: list[Finding]) -> list[dict[str, Any]]:
    by_speaker: dict[str, list[Statement]] = {}
    for stmt in results.statements:
        by_speaker.setdefault(stmt.speaker, []).append(stmt)
    out = []
    for speaker in view.speakers_of(results):
        pairs = [timeline.Pair(f.rank, f.item) for f in findings if f.item.speaker == speaker]
        stmts = by_speaker.get(speaker, [])
        # Statements of a finding are always drawn, even when not kept in results.statements.
        known = {s.id for s in stmts}
        extra = [s for p in pairs for s in (p.item.earlier, p.item.later) if s.id not in known]
        stmts = stmts + list({s.id: s for s in extra}.values())
        days = [s.day for s in stmts]
        first = min(stmts, key=lambda s: s.day)
        last = max(stmts, key=lambda s: s.day)
        out.append(
            {
                "speaker": speaker,
                "svg": timeline.render(speaker, stmts, pairs),
                "statements": len(stmts),
                "pairs": len(pairs),
                "first": view.human_date(first),
                "last": view.human_date(last),
                "span_days": max(days) - min(days),
            }
        )
    return out


def _models(results: Results) -> list[tuple[str, str]]:
    """Settings that name a model (embedding model, judge), for the summary line."""
    out = []
    for key, value in results.settings.items():
        name = str(key).lower()
        if ("model" in name or name == "judge") and isinstance(value, (str, int, float)):
            out.append((str(key), str(value)))
    return out


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("contradict.report", "templates"),
        autoescape=True,  # statement text is untrusted: escape everything by default
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["score"] = view.fmt_score
    env.filters["seconds"] = view.fmt_seconds
    env.filters["pct"] = lambda v: 0 if v is None else round(max(0.0, min(1.0, float(v))) * 100)
    env.filters["colour"] = timeline.score_colour
    return env


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


def render(results: Results, title: str) -> str:
    """The report page as one HTML string."""
    env = _environment()
    script = env.get_template("report.js").render()
    findings = _findings(results)
    stats = results.stats
    thr = view.threshold(results.settings)
    seconds = dict(stats.seconds or {})
    context = {
        "title": title,
        "notice": view.REVIEW_NOTICE,
        "findings": findings,
        "timelines": _timelines(results, findings),
        "open_timelines": OPEN_TIMELINES,
        "speakers": view.speakers_of(results),
        "stats": stats,
        "corpus_speakers": view.corpus_speakers(results),
        "skipped": view.skipped_reasons(results),
        "settings": view.settings_rows(results.settings),
        "threshold": thr,
        "models": _models(results),
        "min_score": results.settings.get("min_score"),
        "judge_used": bool(stats.judged_pairs) or bool(results.settings.get("judge")),
        "total_seconds": view.total_seconds(results) if seconds else None,
        "stages": [(k, v) for k, v in seconds.items() if k != "total"],
        "generator": _generator(),
        "script": Markup(script),
        "csp": _csp(script),
    }
    return env.get_template("report.html.j2").render(**context)


def _generator() -> str:
    from .exports import generator

    return generator()
