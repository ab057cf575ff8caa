"""The example corpus ships with labels; the default pipeline must rank them right."""

from __future__ import annotations

from pathlib import Path

from contradict import find_contradictions


def test_every_labelled_contradiction_outranks_every_labelled_agreement(
    example_corpus: Path, example_aliases: Path, example_labels: list[dict]
) -> None:
    results = find_contradictions(example_corpus, aliases=example_aliases, min_score=0.0)
    score = {frozenset((c.earlier.id, c.later.id)): c.score for c in results}
    contradictions = [score[frozenset((l["a"], l["b"]))] for l in example_labels if l["label"] == "contradiction"]
    agreements = [score[frozenset((l["a"], l["b"]))] for l in example_labels if l["label"] == "agreement"]
    assert len(contradictions) >= 8 and len(agreements) >= 5
    assert min(contradictions) > max(agreements), (sorted(contradictions), sorted(agreements))
