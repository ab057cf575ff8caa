"""The command line, run as a user runs it (a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "contradict.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=600)


def test_help_lists_the_report_command() -> None:
    out = run("--help")
    assert out.returncode == 0
    assert "report" in out.stdout


def test_json_report_carries_stats_and_skipped(tmp_path: Path, example_rows: list[dict], example_aliases: Path) -> None:
    corpus = tmp_path / "s.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in example_rows) + '{"id": "x", "speaker": "A", "text": "t"}\n')
    target = tmp_path / "out.json"
    out = run("report", corpus, "--format", "json", "-o", target, "--judge", "none", "--min-score", "0",
              "--skip-invalid", "--aliases", example_aliases, "--top", "5")
    assert out.returncode == 0, out.stderr
    payload = json.loads(target.read_text())
    assert len(payload["contradictions"]) == 5
    assert payload["stats"]["rows_read"] == len(example_rows) + 1
    assert payload["stats"]["rows_used"] + payload["stats"]["rows_skipped"] == payload["stats"]["rows_read"]
    assert payload["skipped"] == [{"source": str(corpus), "row": len(example_rows) + 1, "field": "date",
                                   "reason": "required field is missing"}]
    assert "row" in out.stderr and "date" in out.stderr


def test_markdown_to_stdout(example_corpus: Path) -> None:
    out = run("report", example_corpus, "--judge", "none", "--min-score", "0.3", "--top", "2")
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("score") >= 2 and "Earlier" in out.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("report", "missing.jsonl"), "not found"),
        (("report", "{bad}", "--min-score", "3"), "min_score"),
        (("report", "{bad}"), "row 2, field 'date'"),
        (("report", "{bad}", "--columns", "nonsense"), "--columns"),
        (("report",), "Missing argument"),
        (("frobnicate",), "No such command"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path: Path, example_rows: list[dict], args: tuple[str, ...], message: str) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(example_rows[0]) + "\n" + json.dumps(dict(example_rows[1], date="someday")) + "\n")
    out = run(*(str(bad) if a == "{bad}" else a for a in args))
    assert out.returncode == 2
    assert message in out.stderr
    if args and args[0] == "report" and len(args) > 1:
        assert len(out.stderr.strip().splitlines()) == 1
