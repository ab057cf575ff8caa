"""Reports a person can open, read, check and share.

>>> report = Report(results, title="Campaign 2024")  # doctest: +SKIP
>>> report.save("report.html")  # doctest: +SKIP

Formats: ``markdown``, ``json`` (versioned, see ``schema.json``), ``html``
(one self-contained file), ``claimreview`` (schema.org JSON) and ``csv``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ..results import SCHEMA_VERSION, Results
from . import exports, markdown
from .view import REVIEW_NOTICE

__all__ = ["FORMATS", "REVIEW_NOTICE", "SCHEMA_VERSION", "Report", "format_for_path"]

#: Output formats, in the order the CLI lists them.
FORMATS = ("markdown", "json", "html", "claimreview", "csv")

_SUFFIXES = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".jsonld": "claimreview",
}


def format_for_path(path: str | Path) -> str:
    """Output format implied by a file name (``report.html`` -> ``html``).

    ``*.claimreview.json`` picks ClaimReview; other ``.json`` files get the
    versioned results JSON.
    """
    name = Path(path).name.lower()
    if name.endswith(".claimreview.json"):
        return "claimreview"
    suffix = Path(name).suffix
    if suffix not in _SUFFIXES:
        known = ", ".join(sorted(_SUFFIXES))
        raise ValueError(
            f"{path}: cannot tell the report format from suffix {suffix!r}; use one of {known} or pass fmt"
        )
    return _SUFFIXES[suffix]


class Report:
    """A run's findings rendered for people (HTML, markdown) and tools (JSON, CSV, ClaimReview).

    Args:
        results: what :func:`contradict.find_contradictions` returned, already
            truncated to the findings to show.
        title: heading of the report; defaults to ``"Contradictions"`` plus the
            corpus name when the settings carry one.
        published: date stamped on ClaimReview records (today by default).
    """

    def __init__(self, results: Results, *, title: str | None = None, published: dt.date | None = None) -> None:
        if not isinstance(results, Results):
            results = Results(list(results))
        self.results = results
        self.title = title or _default_title(results)
        self.published = published

    def to_markdown(self) -> str:
        """Summary and ranked findings as markdown, words that differ in bold."""
        return markdown.render(self.results, self.title)

    def to_json(self, *, indent: int | None = 2) -> str:
        """The run as JSON, layout versioned by ``schema_version`` (see ``schema.json``)."""
        return exports.to_json(self.results, self.title, indent=indent)

    def to_html(self) -> str:
        """One self-contained HTML page: no external assets, no network access."""
        from . import html

        return html.render(self.results, self.title)

    def to_csv(self) -> str:
        """One row per finding for spreadsheets (formula-like cells neutralised)."""
        return exports.to_csv(self.results)

    def to_claimreview(self, *, indent: int | None = 2) -> str:
        """A JSON array of schema.org ``ClaimReview`` objects, one per finding."""
        reviews = exports.to_claimreview(self.results, published=self.published)
        return json.dumps(reviews, ensure_ascii=False, indent=indent) + "\n"

    def render(self, fmt: str) -> str:
        """The report in ``fmt``: one of :data:`FORMATS`."""
        name = fmt.lower().strip()
        if name == "md":
            name = "markdown"
        renderers = {
            "markdown": self.to_markdown,
            "json": self.to_json,
            "html": self.to_html,
            "claimreview": self.to_claimreview,
            "csv": self.to_csv,
        }
        if name not in renderers:
            raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
        return renderers[name]()

    def save(self, path: str | Path, fmt: str | None = None) -> Path:
        """Write the report to ``path``, format from the suffix unless ``fmt`` is given."""
        path = Path(path)
        text = self.render(fmt or format_for_path(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def __repr__(self) -> str:
        return f"Report({len(self.results)} findings, title={self.title!r})"


def _default_title(results: Results) -> str:
    corpus = results.settings.get("corpus")
    if isinstance(corpus, str) and corpus:
        return f"Contradictions in {Path(corpus).name}"
    return "Contradictions"
