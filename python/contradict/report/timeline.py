"""Per-speaker timeline as inline SVG: statements over time, contradicting pairs arced.

Built here rather than with a plotting library so the report stays one small
self-contained file with no external assets. Every piece of corpus text goes
through :func:`markupsafe.escape`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..corpus import Statement
from ..results import Contradiction
from . import view

WIDTH = 880
HEIGHT = 118
AXIS_Y = 92
LEFT, RIGHT = 24, 24
#: Statements outside findings closer than this (in SVG units) share a marker.
BUCKET_PX = 3
#: Pairs closer than this on the axis (same day) are drawn as a loop, not a flat arc.
LOOP_BELOW_PX = 8.0
#: Room an arc label ("#12") needs across and up before another label may sit there.
LABEL_WIDTH_PX = 26.0
LABEL_STEP_PX = 12.0


@dataclass(frozen=True)
class Pair:
    """A finding to draw: its rank (for the link) and its two statements."""

    rank: int
    item: Contradiction


def score_colour(score: float) -> str:
    """Low scores amber, high scores deep red: darker means stronger."""
    score = min(max(score, 0.0), 1.0)
    hue = 38 - 38 * score
    light = 55 - 20 * score
    return f"hsl({hue:.0f},85%,{light:.0f}%)"


def _year_ticks(lo: int, hi: int) -> list[tuple[int, str]]:
    first = (dt.date(1970, 1, 1) + dt.timedelta(days=lo)).year
    last = (dt.date(1970, 1, 1) + dt.timedelta(days=hi)).year
    step = max(1, (last - first + 1) // 10 + (1 if (last - first + 1) % 10 else 0))
    ticks = []
    for year in range(first, last + 2, step):
        day = (dt.date(year, 1, 1) - dt.date(1970, 1, 1)).days
        if lo <= day <= hi:
            ticks.append((day, str(year)))
    if not ticks:  # range inside one year: label months instead
        start = dt.date(1970, 1, 1) + dt.timedelta(days=lo)
        month = dt.date(start.year, start.month, 1)
        while (month - dt.date(1970, 1, 1)).days <= hi:
            day = (month - dt.date(1970, 1, 1)).days
            if day >= lo:
                ticks.append((day, f"{view._MONTHS[month.month - 1][:3]} {month.year}"))
            month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return ticks


def render(speaker: str, statements: Sequence[Statement], pairs: Sequence[Pair]) -> Markup:
    """The SVG for one speaker: a dot per statement, an arc per finding.

    Claims are circles and actions diamonds; statements that belong to a
    finding are dark, others pale. Each arc links to its finding in the page
    and carries a tooltip with both dates and the score.
    """
    stmts = list(statements) or [s for p in pairs for s in (p.item.earlier, p.item.later)]
    days = [s.day for s in stmts] or [0]
    lo, hi = min(days), max(days)
    if hi == lo:
        lo, hi = lo - 30, hi + 30
    pad = max(1, (hi - lo) // 40)
    lo, hi = lo - pad, hi + pad
    span = WIDTH - LEFT - RIGHT

    def x(day: int) -> float:
        return LEFT + span * (day - lo) / (hi - lo)

    involved = {s.id for p in pairs for s in (p.item.earlier, p.item.later)}
    radius = 5.0 if len(stmts) <= 150 else 3.0
    title = f"Timeline of {speaker}: {len(stmts)} statements, {len(pairs)} contradicting pairs"
    out = [
        f'<svg class="timeline" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line class="axis" x1="{LEFT}" y1="{AXIS_Y}" x2="{WIDTH - RIGHT}" y2="{AXIS_Y}"/>',
    ]
    for day, label in _year_ticks(lo, hi):
        tx = x(day)
        out.append(f'<line class="tick" x1="{tx:.1f}" y1="{AXIS_Y - 4}" x2="{tx:.1f}" y2="{AXIS_Y + 4}"/>')
        out.append(f'<text class="tick-label" x="{tx:.1f}" y="{AXIS_Y + 18}">{escape(label)}</text>')
    # Pairs joining (nearly) the same two dates get nested arcs, not one on top of another.
    nest: dict[int, int] = {}
    seen: dict[tuple[int, int], int] = {}
    for pair in sorted(pairs, key=lambda p: p.rank):
        key = (round(x(pair.item.earlier.day) / 6), round(x(pair.item.later.day) / 6))
        nest[pair.rank] = seen.get(key, 0)
        seen[key] = nest[pair.rank] + 1
    # Arcs first, so statement markers sit on top of them.
    placed: list[tuple[float, float]] = []
    for pair in sorted(pairs, key=lambda p: p.item.score):
        item = pair.item
        x1, x2 = x(item.earlier.day), x(item.later.day)
        top = AXIS_Y - 14
        rise = min(top, 18 + (x2 - x1) * 0.35)
        if nest[pair.rank]:
            rise = max(10.0, rise - 22 * nest[pair.rank])
        mid = (x1 + x2) / 2
        colour = score_colour(item.score)
        tip = (
            f"#{pair.rank} score {view.fmt_score(item.score)}: {view.human_date(item.earlier)} "
            f"\u2192 {view.human_date(item.later)} ({', '.join(view.cue_texts(item)) or 'no cue'})"
        )
        out.append(
            f'<a class="arc" href="#finding-{pair.rank}" data-rank="{pair.rank}">'
            f"<title>{escape(tip)}</title>"
            f'<path d="{_arc_path(x1, x2, rise)}" '
            f'stroke="{colour}" stroke-width="{1.5 + 2.5 * item.score:.1f}" fill="none"/>'
            f'<text class="arc-label" x="{mid:.1f}" y="{_label_y(placed, mid, AXIS_Y - rise - 4):.1f}">'
            f"#{pair.rank}</text></a>"
        )
    # Statements outside any finding share one marker per few pixels, so a
    # speaker with thousands of statements still gives a small page.
    buckets: dict[tuple[int, str], list[Statement]] = {}
    for stmt in stmts:
        if stmt.id not in involved:
            buckets.setdefault((round(x(stmt.day) / BUCKET_PX), stmt.kind), []).append(stmt)
    for group in buckets.values():
        out.append(_marker(x(group[0].day), group, radius, "stmt"))
    for stmt in stmts:
        if stmt.id in involved:
            out.append(_marker(x(stmt.day), [stmt], radius, "stmt hit"))
    out.append("</svg>")
    return Markup("".join(out))


def _label_y(placed: list[tuple[float, float]], x: float, y: float) -> float:
    """Move a label up, then down, until it clears the labels already placed."""
    candidates = [y] + [y + sign * LABEL_STEP_PX * step for step in range(1, 8) for sign in (-1, 1)]
    for candidate in candidates:
        if 12 <= candidate <= AXIS_Y - 6 and all(
            abs(x - px) >= LABEL_WIDTH_PX or abs(candidate - py) >= LABEL_STEP_PX for px, py in placed
        ):
            y = candidate
            break
    placed.append((x, y))
    return y


def _arc_path(x1: float, x2: float, rise: float) -> str:
    """A curve from x1 to x2 above the axis; a loop when the two dates (nearly) meet."""
    if x2 - x1 >= LOOP_BELOW_PX:
        return f"M{x1:.1f},{AXIS_Y} Q{(x1 + x2) / 2:.1f},{AXIS_Y - 2 * rise:.1f} {x2:.1f},{AXIS_Y}"
    spread = LOOP_BELOW_PX
    return (f"M{x1:.1f},{AXIS_Y} C{x1 - spread:.1f},{AXIS_Y - 1.6 * rise:.1f} "
            f"{x2 + spread:.1f},{AXIS_Y - 1.6 * rise:.1f} {x2:.1f},{AXIS_Y}")


def _marker(sx: float, group: Sequence[Statement], radius: float, cls: str) -> str:
    """Circle (claim) or diamond (action) with a tooltip quoting the statement."""
    stmt = group[0]
    if len(group) == 1:
        tip = f"{view.human_date(stmt)} ({stmt.kind}): {stmt.text}"
        if len(tip) > 220:
            tip = tip[:217] + "..."
    else:
        days = sorted(s.day for s in group)
        first = min(group, key=lambda s: s.day)
        last = max(group, key=lambda s: s.day)
        span = view.human_date(first) if days[0] == days[-1] else f"{view.human_date(first)} to {view.human_date(last)}"
        tip = f"{len(group)} {stmt.kind}s, {span}"
    if stmt.kind == "action":
        r = radius * 1.3
        return (
            f'<path class="{cls} action" d="M{sx:.1f},{AXIS_Y - r:.1f} L{sx + r:.1f},{AXIS_Y} '
            f'L{sx:.1f},{AXIS_Y + r:.1f} L{sx - r:.1f},{AXIS_Y} Z"><title>{escape(tip)}</title></path>'
        )
    return f'<circle class="{cls} claim" cx="{sx:.1f}" cy="{AXIS_Y}" r="{radius}"><title>{escape(tip)}</title></circle>'
