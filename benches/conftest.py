"""Benchmark fixtures and the closing summary of rates and ratios.

Heavy sizes (the 1M-statement end-to-end run, the judge at every size,
approximate-search recall on 60k vectors) run only with ``CONTRADICT_BENCH_FULL=1``; the
default ``pytest benches`` stays within about ten minutes on two cores.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

#: Run the heavy sizes too.
FULL = os.environ.get("CONTRADICT_BENCH_FULL") == "1"
#: ``--benchmark-disable``: a quick smoke run of every benchmark on small inputs
#: (set in :func:`pytest_configure`, before the bench modules are imported).
SMOKE = False


def pytest_configure(config) -> None:
    global SMOKE
    SMOKE = bool(config.getoption("benchmark_disable", default=False))
    if SMOKE:
        os.environ["CONTRADICT_BENCH_SMOKE"] = "1"


def smoke() -> bool:
    """True for a ``--benchmark-disable`` smoke run (small inputs, one round)."""
    return os.environ.get("CONTRADICT_BENCH_SMOKE") == "1"

_LINES: list[str] = []


def median_seconds(benchmark) -> float | None:
    """Median of a finished benchmark, or ``None`` when benchmarks are disabled."""
    stats = getattr(benchmark, "stats", None)
    if stats is None or getattr(stats, "stats", None) is None:
        return None
    return float(stats.stats.median)


def note(line: str) -> None:
    """A line for the summary printed at the end of the run."""
    _LINES.append(line)


@pytest.fixture
def summary():
    return note


def pytest_terminal_summary(terminalreporter) -> None:
    if _LINES:
        terminalreporter.section("contradict: rates and ratios (medians)")
        for line in _LINES:
            terminalreporter.write_line(line)
