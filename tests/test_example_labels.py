"""The example corpus ships with labels; the default pipeline must rank them right."""

from __future__ import annotations

from pathlib import Path

import pytest

from contradict import Results, find_contradictions


@pytest.fixture(scope="module")
def labelled(example_corpus: Path, example_aliases: Path, example_labels: list[dict]) -> tuple[list[float], list[float]]:
    results: Results = find_contradictions(example_corpus, aliases=example_aliases, min_score=0.0)
    score = {frozenset((c.earlier.id, c.later.id)): c.score for c in results}
    contradictions = [score[frozenset((l["a"], l["b"]))] for l in example_labels if l["label"] == "contradiction"]
    agreements = [score[frozenset((l["a"], l["b"]))] for l in example_labels if l["label"] == "agreement"]
    assert len(contradictions) >= 8 and len(agreements) >= 5
    return contradictions, agreements


def test_labelled_contradictions_rank_mostly_above_agreements(labelled: tuple[list[float], list[float]]) -> None:
    """ROC AUC over the labelled pairs (0.83 measured; 0.5 is chance)."""
    contradictions, agreements = labelled
    wins = sum((c > a) + 0.5 * (c == a) for c in contradictions for a in agreements)
    assert wins / (len(contradictions) * len(agreements)) >= 0.75


@pytest.mark.xfail(reason="the default judge is not yet strong enough to put every labelled contradiction "
                          "above every labelled agreement (French and claim-versus-action pairs)", strict=False)
def test_every_labelled_contradiction_outranks_every_labelled_agreement(labelled: tuple[list[float], list[float]]) -> None:
    contradictions, agreements = labelled
    assert min(contradictions) > max(agreements), (sorted(contradictions), sorted(agreements))
