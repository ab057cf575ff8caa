"""End to end from embeddings at 10k, 100k (and, with CONTRADICT_BENCH_FULL=1, 1M) statements.

Each size runs in a fresh process (``run_pipeline.py``) so its peak memory is
its own. Reported per size: the bare per-speaker exact FAISS search (the
retrieval floor) and the pipeline with the judge off, per stage, both medians
over the rounds, with the pipeline/floor ratio and the peak memory beyond the
inputs (corpus + embedding matrix); in full mode, the judge-on run with its
default budget at every size, and the 100k -> 1M cost ratio.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import contradict
from conftest import FULL, note, smoke

HERE = Path(__file__).resolve().parent
SIZES = [3_000] if smoke() else [10_000, 100_000] + ([1_000_000] if FULL else [])
_TOTALS: dict[int, float] = {}


def run_size(n: int, rounds: int, judge: bool) -> dict:
    env = dict(os.environ)
    package_root = str(Path(contradict.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    cmd = [sys.executable, str(HERE / "run_pipeline.py"), str(n), "--rounds", str(rounds)]
    if judge:
        cmd.append("--judge")
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("n", SIZES, ids=lambda n: f"{n // 1000}k")
def test_end_to_end_from_embeddings(benchmark, n: int) -> None:
    rounds = 1 if n >= 1_000_000 or smoke() else 3
    # The judge's cost is its budget, not the corpus size: full mode only, and
    # CONTRADICT_BENCH_JUDGE=0 leaves it out there too (the judge-off scaling alone).
    judge = FULL and os.environ.get("CONTRADICT_BENCH_JUDGE") != "0"
    benchmark.group = "end to end from embeddings"
    out = benchmark.pedantic(run_size, args=(n, rounds, judge), rounds=1)
    benchmark.extra_info.update(out)
    p = out["pipeline"]
    _TOTALS[n] = p["total_s"]
    stages = ", ".join(f"{k} {v:.2f}" for k, v in p["stages_s"].items())
    note(f"e2e {n:,} statements ({out['speakers']:,} speakers, largest {out['largest_speakers'][-1]:,}), "
         f"judge off: {p['total_s']:.2f} s [{stages}]; floor (bare exact per-speaker FAISS) "
         f"{out['floor_s']:.2f} s; pipeline/floor = {p['total_s'] / out['floor_s']:.2f}x; "
         f"peak memory beyond inputs {p['peak_beyond_inputs_mb']:,.0f} MB "
         f"(embedding matrix {out['embedding_matrix_mb']:,.0f} MB); "
         f"{p['candidate_pairs']:,} candidate pairs, {p['reported']:,} reported; load_corpus {out['load_corpus_s']:.2f} s")
    if "pipeline_judge" in out:
        j = out["pipeline_judge"]
        if "error" in j:
            note(f"e2e {n:,} statements, judge on: not run ({j['error'][:160]})")
        else:
            note(f"e2e {n:,} statements, judge on (budget {j['judge_budget']:,}): {j['total_s']:.2f} s, "
                 f"judge stage {j['stages_s']['judge']:.2f} s for {j['judged_pairs']:,} pairs")
    if n == 1_000_000 and 100_000 in _TOTALS:
        note(f"e2e 100k -> 1M cost ratio: {_TOTALS[1_000_000] / _TOTALS[100_000]:.1f}x")
    assert p["peak_beyond_inputs_mb"] < 4096
