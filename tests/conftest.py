"""Shared fixtures: the example corpus, a private embedding cache, one model load."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Keep the tests' embedding cache away from the user's."""
    folder = tmp_path_factory.mktemp("cache")
    previous = os.environ.get("CONTRADICT_CACHE")
    os.environ["CONTRADICT_CACHE"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("CONTRADICT_CACHE", None)
    else:
        os.environ["CONTRADICT_CACHE"] = previous


@pytest.fixture(scope="session")
def example_corpus() -> Path:
    return EXAMPLES / "statements.jsonl"


@pytest.fixture(scope="session")
def example_aliases() -> Path:
    return EXAMPLES / "aliases.json"


@pytest.fixture(scope="session")
def example_labels() -> list[dict]:
    return [json.loads(line) for line in (EXAMPLES / "labels.jsonl").read_text().splitlines() if line.strip()]


@pytest.fixture(scope="session")
def example_rows(example_corpus: Path) -> list[dict]:
    return [json.loads(line) for line in example_corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
