"""Markdown report: readable in a terminal, a pull request or a wiki."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..results import Contradiction, Results
from . import view

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>])")


def escape(text: str) -> str:
    """Statement text as literal markdown: no markup, links or raw HTML."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _highlighted(segments: list[view.Segment]) -> str:
    out = []
    for seg in segments:
        if seg.changed and seg.text.strip():
            lead = seg.text[: len(seg.text) - len(seg.text.lstrip())]
            trail = seg.text[len(seg.text.rstrip()) :]
            out.append(f"{lead}**{escape(seg.text.strip())}**{trail}")
        else:
            out.append(escape(seg.text))
    return "".join(out)


def _side(label: str, stmt, segments: list[view.Segment]) -> list[str]:  # type: ignore[no-untyped-def]
    url = view.safe_url(stmt.source)
    source = f" · [source](<{url}>)" if url else (f" · source: {escape(stmt.source)}" if stmt.source else "")
    return [
        f"**{label}** — {view.human_date(stmt)} ({stmt.kind}, id `{stmt.id.replace('`', '')}`){source}",
        "",
        f"> {_highlighted(segments)}",
        "",
    ]


def finding(rank: int, item: Contradiction, threshold: float | None, settings: Mapping[str, Any]) -> list[str]:
    """One finding as markdown lines."""
    earlier, later = view.word_diff(item.earlier.text, item.later.text)
    approx = item.earlier.precision != "day" or item.later.precision != "day"
    parts = [f"fast score {view.fmt_score(item.fast_score)}", f"judge probability {view.fmt_score(item.judge_score)}"]
    if threshold is not None:
        parts.append(f"threshold {threshold:.2f}")
    parts.append(f"similarity {view.fmt_score(item.similarity)}")
    cues = "; ".join(escape(c) for c in view.cue_texts(item)) or "none"
    return [
        f"### {rank}. {escape(item.speaker)} — score {view.fmt_score(item.score)}",
        "",
        *_side("Earlier", item.earlier, earlier),
        *_side("Later", item.later, later),
        f"- Time between: {view.human_span(item.days_apart, approximate=approx)}",
        f"- Score: {view.fmt_score(item.score)} ({', '.join(parts)})"
        + (f"; final = {formula}" if (formula := view.score_formula(item, settings)) else ""),
        f"- Cues: {cues}",
        "",
    ]


def render(results: Results, title: str) -> str:
    """The whole report: summary, then findings ranked by score."""
    stats = results.stats
    thr = view.threshold(results.settings)
    notice = f"> **{view.REVIEW_NOTICE}** Words that differ between the two statements are in bold."
    lines = [f"# {escape(title)}", "", notice, ""]
    lines += ["## Summary", ""]
    lines.append(f"- Statements: {stats.rows_read} read, {stats.rows_used} used, {stats.rows_skipped} skipped")
    for reason, count in view.skipped_reasons(results):
        lines.append(f"  - {count} × {escape(reason)}")
    lines.append(f"- Speakers: {view.corpus_speakers(results)}")
    lines.append(f"- Pairs scored: {stats.candidate_pairs}; sent to the judge: {stats.judged_pairs}")
    found = f" (the best of {stats.reported} found)" if stats.reported > len(results) else ""
    lines.append(f"- Findings: {len(results)}{found}")
    if stats.seconds:
        stages = ", ".join(f"{escape(k)} {view.fmt_seconds(v)}" for k, v in stats.seconds.items() if k != "total")
        total = view.fmt_seconds(view.total_seconds(results))
        lines.append(f"- Run time: {total}" + (f" ({stages})" if stages else ""))
    for key, value in view.settings_rows(results.settings):
        lines.append(f"- {escape(key)}: {escape(value)}")
    lines += ["", "## Findings", ""]
    if not results:
        lines += ["No contradictions above the reporting threshold.", ""]
    for rank, item in enumerate(results, start=1):
        lines += finding(rank, item, thr, results.settings)
    return "\n".join(lines).rstrip() + "\n"
