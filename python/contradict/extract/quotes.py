"""Quotation spans and sentence boundaries.

French quotes come as « … » with a no-break (U+00A0) or narrow no-break (U+202F)
space inside the marks; English ones as “ … ” or "…". Sentences are never split
inside a quote, so a quoted passage of several sentences stays one statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PAIRS = {"«": "»", "“": "”", "„": "“"}


@dataclass(frozen=True)
class Quote:
    """A quoted passage: ``start``/``end`` include the marks, ``inner_*`` exclude marks and spaces."""

    start: int
    end: int
    inner_start: int
    inner_end: int

    def words(self, text: str) -> int:
        return len(text[self.inner_start:self.inner_end].split())


def _make(text: str, start: int, end: int) -> Quote:
    a, b = start + 1, end - 1
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return Quote(start, end, a, b)


def find_quotes(text: str, start: int = 0, end: int | None = None) -> list[Quote]:
    """Outermost quoted passages in ``text[start:end]``, in order.

    Curly and angle quotes are matched by nesting; straight double quotes pair up
    within a line. Unbalanced marks are ignored.
    """
    end = len(text) if end is None else end
    found: list[Quote] = []
    stack: list[tuple[str, int]] = []
    straight: int | None = None
    for i in range(start, end):
        ch = text[i]
        if ch == "\n":
            stack.clear()
            straight = None
        elif stack and ch == _PAIRS[stack[-1][0]]:
            _, pos = stack.pop()
            if not stack and straight is None:
                found.append(_make(text, pos, i + 1))
        elif ch in _PAIRS and not (ch == "“" and stack and stack[-1][0] == "„"):
            stack.append((ch, i))
        elif ch == '"' and not stack:
            if straight is None:
                straight = i
            else:
                found.append(_make(text, straight, i + 1))
                straight = None
    found.sort(key=lambda q: q.start)
    outer: list[Quote] = []
    for q in found:
        if outer and q.start < outer[-1].end:
            continue
        outer.append(q)
    return outer


_ABBREV = re.compile(r"(?:\b(?:M|Mme|Mlle|Me|Mgr|Dr|Pr|Prof|St|Mr|Mrs|Ms|Jr|Sr|Sen|Rep|Gov|Gen|Col|Lt|Sgt|Capt|etc|cf|av|vs|No|n°)|(?:^|[A-ZÀ-Þ][\w'-]*\s+|\.\s*)[A-Z])$")
_BOUNDARY = re.compile(r"[.!?…]+(?P<close>[»”\"’)]*)(?P<space>\s*)(?=[«“\"A-ZÀ-ÖØ-Þ0-9])")


def split_sentences(text: str, start: int, end: int, quotes: list[Quote]) -> list[tuple[int, int]]:
    """Sentence spans in ``text[start:end]``: split at line breaks and at end punctuation
    followed by a capital or an opening quote, never inside a quote."""
    inside = [(q.start + 1, q.end - 1) for q in quotes]
    spans: list[tuple[int, int]] = []
    pos = start
    for line in text[start:end].split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        cut = a
        ends = {q.end for q in quotes if a <= q.start and q.end <= b and q.inner_end > q.inner_start
                and text[q.inner_end - 1] in ".!?…" and re.match(r"\s+[«“\"A-ZÀ-ÖØ-Þ]", text[q.end:b])}
        cands: list[tuple[int, int, int]] = [(e - 1, e, e) for e in ends]  # (position, cut end, next start)
        for m in _BOUNDARY.finditer(text, a, b):
            at = m.start()
            if any(s <= at < e for s, e in inside):
                continue
            if _ABBREV.search(text[cut:at]) and not text[at - 1:at] in "»”\"":
                continue
            if not m["space"] and not m["close"] and at > 0 and not (
                    text[at - 1].islower() or text[at - 1].isdigit() or text[at - 1] in "»”\")"):
                continue
            cands.append((at, m.end("close"), m.end()))
        for at, stop, nxt in sorted(cands):
            if at < cut:
                continue
            if stop in ends or not _ABBREV.search(text[cut:at]):
                spans.append((cut, stop))
                cut = nxt
        spans.append((cut, b))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out
