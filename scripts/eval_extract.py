"""Precision and recall of speaker-attributed statements extracted from ../shared/seeds.

The gold file (eval/seeds_gold.jsonl, annotated by hand) lists every quote, reported
statement, reported action and reader comment of the seed articles with its speaker.
Matching is by character overlap, so that a statement cut slightly differently still
counts: an extracted statement is correct when at least half of its characters lie
inside gold statements of the same speaker in the same file; a gold statement is
found when at least half of its characters are covered by extracted statements of
the same speaker. Only attributed statements are scored: records marked
``unattributed`` (and gold rows so marked) stay out of both counts, but an attributed
extraction over an unattributed gold row counts as wrong.

Usage: python scripts/eval_extract.py [--seeds ../shared/seeds] [--gold eval/seeds_gold.jsonl] [-v]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))

from contradict.extract import extract_corpus
from contradict.speakers import normalize_name


def speaker_key(name: str) -> str:
    key = normalize_name(name)
    return re.sub(r"^(?:le|la|les|the|l')\s*", "", key)


def same_speaker(a: str, b: str) -> bool:
    ka, kb = speaker_key(a), speaker_key(b)
    if ka == kb:
        return True
    short, long_ = sorted((ka, kb), key=len)
    return " " not in short and long_.split()[-1] == short


def covered(span: tuple[int, int], others: list[tuple[int, int]]) -> int:
    a, b = span
    marks = bytearray(b - a)
    for x, y in others:
        for i in range(max(a, x), min(b, y)):
            marks[i - a] = 1
    return sum(marks)


def load_gold(path: Path, seeds: Path) -> list[dict]:
    rows = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        text = (seeds / row["source"]).read_text(encoding="utf-8")
        start = text.find(row["text"])
        if start < 0:
            raise SystemExit(f"{path}, row {line_no}, field 'text': not found in {row['source']}")
        row["start"], row["end"] = start, start + len(row["text"])
        rows.append(row)
    return rows


def score(gold: list[dict], pred: list[dict], verbose: bool) -> dict[str, tuple[int, int, int, int]]:
    """Per group: (correct predictions, predictions, found gold, gold)."""
    gold_by_src: dict[str, list[dict]] = defaultdict(list)
    for g in gold:
        gold_by_src[g["source"]].append(g)
    pred_by_src: dict[str, list[dict]] = defaultdict(list)
    for p in pred:
        pred_by_src[Path(p["source"]).name].append(p)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])

    def groups(row: dict) -> list[str]:
        return ["all", row["kind"], row.get("part", "article")]

    for p in pred:
        if p.get("unattributed"):
            continue
        src = Path(p["source"]).name
        spans = [(g["start"], g["end"]) for g in gold_by_src[src]
                 if not g.get("unattributed") and same_speaker(g["speaker"], p["speaker"])]
        ok = covered((p["start"], p["end"]), spans) * 2 >= p["end"] - p["start"]
        for grp in groups(p):
            counts[grp][0] += ok
            counts[grp][1] += 1
        if verbose and not ok:
            print(f"  WRONG  {src[:3]} {p['speaker']!r}: {p['text'][:90]}")
    for g in gold:
        if g.get("unattributed"):
            continue
        spans = [(p["start"], p["end"]) for p in pred_by_src[g["source"]]
                 if not p.get("unattributed") and same_speaker(g["speaker"], p["speaker"])]
        found = covered((g["start"], g["end"]), spans) * 2 >= g["end"] - g["start"]
        for grp in groups(g):
            counts[grp][2] += found
            counts[grp][3] += 1
        if verbose and not found:
            print(f"  MISSED {g['source'][:3]} {g['speaker']!r}: {g['text'][:90]}")
    return {k: tuple(v) for k, v in counts.items()}  # type: ignore[misc]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--gold", type=Path, default=ROOT / "eval" / "seeds_gold.jsonl")
    parser.add_argument("-v", "--verbose", action="store_true", help="list wrong and missed statements")
    args = parser.parse_args()
    if not args.seeds.is_dir():
        raise SystemExit(f"{args.seeds}: seed folder not found (pass --seeds)")
    gold = load_gold(args.gold, args.seeds)
    pred = extract_corpus(args.seeds, keep_undated=True, dedupe=False)
    result = score(gold, pred, args.verbose)
    print(f"{'group':<8} {'precision':>10} {'recall':>8} {'correct/extracted':>18} {'found/gold':>11}")
    for grp in ("all", "claim", "action", "article", "comment"):
        if grp not in result:
            continue
        c, n, f, g = result[grp]
        p = c / n if n else 0.0
        r = f / g if g else 0.0
        print(f"{grp:<8} {p:>10.3f} {r:>8.3f} {f'{c}/{n}':>18} {f'{f}/{g}':>11}")
    unattributed = sum(1 for p in pred if p.get("unattributed"))
    print(f"({len(pred)} statements extracted, {unattributed} kept unattributed; gold: {len(gold)} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
