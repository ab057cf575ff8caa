"""Dates stated in article text, resolved against the article date.

A statement is dated by what the text says about it ("en 2022", "le 12 août",
"il y a deux ans", "in November 2022") when it says something; partial and relative
expressions need the article date to become a calendar date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
NUMBERS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}
WEEKDAYS = {
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_NUM = r"(?P<n>\d{1,2}|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + r")"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_B = r"(?<![\w-])"
_E = r"(?![\w-])"


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date at year, month or day precision."""

    year: int
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @classmethod
    def parse(cls, value: str) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a time part is ignored)."""
        match = re.match(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value)
        if not match:
            raise ValueError(f"cannot parse {value!r} as a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        year, month, day = match.group(1, 2, 3)
        out = cls(int(year), int(month) if month else None, int(day) if day else None)
        dt.date(out.year, out.month or 1, out.day or 1)  # validates
        return out


@dataclass(frozen=True)
class DateMention:
    """A date expression found in text, with its span and resolved value."""

    start: int
    end: int
    value: PartialDate
    complete: bool
    """True when the text alone fixes the date (it names the year)."""


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("day", re.compile(_B + r"(?:le\s+|on\s+)?(?P<day>\d{1,2})(?:er|st|nd|rd|th)?\s+" + _MONTH + r"(?:,?\s+" + _YEAR + r")?" + _E, re.IGNORECASE)),
    ("day", re.compile(_B + r"(?:on\s+)?" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+" + _YEAR + r")?" + _E, re.IGNORECASE)),
    ("month", re.compile(_B + r"(?:en|in|au mois de|dès|début|fin|mi-|à la mi-|early|late|mid-|since)\s*" + _MONTH + r"(?:\s+" + _YEAR + r")?" + _E, re.IGNORECASE)),
    ("month", re.compile(_B + _MONTH + r"\s+" + _YEAR + _E, re.IGNORECASE)),
    ("year", re.compile(_B + r"(?:en|in|dès|début|fin|courant|au début de|à la fin de|early|late)\s+" + _YEAR + _E, re.IGNORECASE)),
    ("ago", re.compile(_B + r"il y a\s+" + _NUM + r"\s+(?P<unit>ans?|années?|mois|semaines?|jours?)" + _E, re.IGNORECASE)),
    ("ago", re.compile(_B + _NUM + r"\s+(?P<unit>years?|months?|weeks?|days?)\s+ago" + _E, re.IGNORECASE)),
    ("last_year", re.compile(_B + r"(?:l'|l’)(?:an|année)\s+(?:dernier|dernière|passé|passée)|last year" + _E, re.IGNORECASE)),
    ("last_month", re.compile(_B + r"le mois dernier|last month" + _E, re.IGNORECASE)),
    ("this_month", re.compile(_B + r"(?:au |en )?début du mois|ce mois-ci|plus tôt ce mois|earlier this month|this month" + _E, re.IGNORECASE)),
    ("this_year", re.compile(_B + r"cette année|this year" + _E, re.IGNORECASE)),
    ("yesterday", re.compile(_B + r"hier|yesterday" + _E, re.IGNORECASE)),
    ("weekday", re.compile(_B + r"(?:on\s+|last\s+)?(?P<wd>" + "|".join(WEEKDAYS) + r")(?:\s+dernier)?" + _E, re.IGNORECASE)),
]


def _shift_months(year: int, month: int, delta: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) - delta
    return total // 12, total % 12 + 1


def _before_base(value: PartialDate, base: PartialDate) -> PartialDate:
    """A date given without its year is taken as the latest one not after the article."""
    if (value.month or 0, value.day or 0) > (base.month or 12, base.day or 31):
        return PartialDate(value.year - 1, value.month, value.day)
    return value


def _resolve(kind: str, m: re.Match[str], base: PartialDate | None) -> tuple[PartialDate, bool] | None:
    groups = m.groupdict()
    if kind in ("day", "month", "year"):
        year = int(groups["year"]) if groups.get("year") else None
        month = MONTHS[groups["month"].lower()] if groups.get("month") else None
        day = int(groups["day"]) if kind == "day" else None
        if day is not None and not 1 <= day <= 31:
            return None
        if year is not None:
            return PartialDate(year, month, day), True
        if base is None:
            return None
        return _before_base(PartialDate(base.year, month, day), base), False
    if base is None:
        return None
    if kind == "ago":
        n_text = groups["n"].lower()
        n = int(n_text) if n_text.isdigit() else NUMBERS[n_text]
        unit = groups["unit"].lower()
        if unit.startswith(("an", "year")):
            return PartialDate(base.year - n), False
        if unit.startswith(("mois", "month")) and base.month:
            y, mo = _shift_months(base.year, base.month, n)
            return PartialDate(y, mo), False
        if base.day:
            days = n * 7 if unit.startswith(("sem", "week")) else n
            d = dt.date(base.year, base.month or 1, base.day) - dt.timedelta(days=days)
            return PartialDate(d.year, d.month, d.day), False
        return None
    if kind == "last_year":
        return PartialDate(base.year - 1), False
    if kind == "last_month" and base.month:
        y, mo = _shift_months(base.year, base.month, 1)
        return PartialDate(y, mo), False
    if kind == "this_month" and base.month:
        return PartialDate(base.year, base.month), False
    if kind == "this_year":
        return PartialDate(base.year), False
    if kind == "weekday" and base.day:
        at = dt.date(base.year, base.month or 1, base.day)
        d = at - dt.timedelta(days=(at.weekday() - WEEKDAYS[groups["wd"].lower()]) % 7)
        return PartialDate(d.year, d.month, d.day), False
    if kind == "yesterday" and base.day:
        d = dt.date(base.year, base.month or 1, base.day) - dt.timedelta(days=1)
        return PartialDate(d.year, d.month, d.day), False
    return None


def find_dates(text: str, base: PartialDate | None, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Date expressions in ``text[start:end]``, resolved against ``base``.

    Expressions that need the article date are dropped when ``base`` is None.
    Overlapping matches keep the earliest, longest one.
    """
    end = len(text) if end is None else end
    found: list[DateMention] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text, start, end):
            if any(d.start < m.end() and m.start() < d.end for d in found):
                continue
            resolved = _resolve(kind, m, base)
            if resolved is not None:
                found.append(DateMention(m.start(), m.end(), resolved[0], resolved[1]))
    return sorted(found, key=lambda d: d.start)


def latest_year(text: str) -> int | None:
    """The latest year written as four digits in ``text`` (a floor for an undated article)."""
    years = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text)]
    return max(years) if years else None
