"""One end-to-end measurement from embeddings, in a fresh process.

``python benches/run_pipeline.py N [--rounds R] [--judge]`` builds a synthetic
corpus of N statements (Zipf-like statements per speaker, random unit
embeddings of dim 384), then times, in this order:

* ``floor``: a bare per-speaker exact FAISS search (``IndexFlatIP``, k + 1
  nearest of every statement of every speaker with more than k + 1
  statements), the retrieval floor any per-speaker method pays;
* ``pipeline``: ``find_contradictions_from_embeddings(corpus, embeddings,
  judge=None)`` on the loaded corpus, with its per-stage seconds;
* optionally the same with the default judge and its default budget.

Peak memory is the largest resident set size sampled every 10 ms during the
pipeline call, minus the resident size just before it (which already holds
the corpus and the embedding matrix). Prints one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402

K = 10
DIM = 384


class PeakRss:
    """Samples this process's resident set size in a background thread."""

    def __init__(self, every: float = 0.01) -> None:
        import psutil

        self._proc = psutil.Process()
        self._every = every
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            time.sleep(self._every)

    def __enter__(self) -> PeakRss:
        self.start = self._proc.memory_info().rss
        self.peak = self.start
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._proc.memory_info().rss)


def corpus_frame(n: int, seed: int = 0):
    import pandas as pd

    rng = np.random.default_rng(seed)
    speakers = synth.zipf_speakers(n, seed=seed)
    days = np.datetime64("2012-01-01") + rng.integers(0, 4500, n).astype("timedelta64[D]")
    return pd.DataFrame({
        "id": np.char.add("s", np.arange(n).astype(str)),
        "speaker": np.char.add("Speaker ", speakers.astype(str)),
        "text": synth.texts(n, seed=seed),
        "date": np.datetime_as_string(days, unit="D"),
        "kind": np.where(rng.random(n) < 0.1, "action", "claim"),
    })


def floor_search(embeddings: np.ndarray, keys: list[str]) -> float:
    """Seconds of a bare exact per-speaker FAISS search (k + 1 nearest)."""
    import faiss

    started = time.perf_counter()
    _, labels = np.unique(np.asarray(keys), return_inverse=True)
    order = np.argsort(labels, kind="stable")
    for group in np.split(order, np.flatnonzero(np.diff(labels[order])) + 1):
        if len(group) <= K + 1:
            continue
        vectors = np.ascontiguousarray(embeddings[group])
        index = faiss.IndexFlatIP(DIM)
        index.add(vectors)
        for s in range(0, len(group), 8192):
            index.search(vectors[s:s + 8192], K + 1)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--judge", action="store_true", help="also run with the default judge")
    parser.add_argument("--no-floor", action="store_true")
    args = parser.parse_args()

    from contradict.corpus import load_corpus
    from contradict.pipeline import JUDGE_BUDGET, find_contradictions_from_embeddings

    started = time.perf_counter()
    frame = corpus_frame(args.n)
    embeddings = synth.embeddings(args.n, DIM, seed=0)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    corpus = load_corpus(frame)
    load_seconds = time.perf_counter() - started
    del frame
    gc.collect()
    out: dict = {"statements": args.n, "generate_s": generated, "load_corpus_s": load_seconds,
                 "embedding_matrix_mb": embeddings.nbytes / 2**20,
                 "speakers": len(set(corpus.speaker_keys))}
    sizes = np.unique(np.asarray(corpus.speaker_keys), return_counts=True)[1]
    out["largest_speakers"] = sorted(sizes.tolist())[-3:]

    if not args.no_floor:
        out["floor_s"] = statistics.median(floor_search(embeddings, corpus.speaker_keys) for _ in range(args.rounds))

    runs = []
    for r in range(args.rounds):
        gc.collect()
        with PeakRss() as mem:
            t0 = time.perf_counter()
            results = find_contradictions_from_embeddings(corpus, embeddings, k=K, judge=None, progress=False)
            total = time.perf_counter() - t0
        runs.append({"total_s": total, "stages_s": dict(results.stats.seconds),
                     "peak_beyond_inputs_mb": (mem.peak - mem.start) / 2**20,
                     "candidate_pairs": results.stats.candidate_pairs, "reported": len(results)})
        del results
    best = sorted(runs, key=lambda x: x["total_s"])[len(runs) // 2]
    out["pipeline"] = best
    out["pipeline"]["total_s_all_rounds"] = [x["total_s"] for x in runs]
    out["pipeline"]["peak_beyond_inputs_mb"] = max(x["peak_beyond_inputs_mb"] for x in runs)

    if args.judge:
        try:
            with PeakRss() as mem:
                t0 = time.perf_counter()
                results = find_contradictions_from_embeddings(corpus, embeddings, k=K, progress=False)
                total = time.perf_counter() - t0
            out["pipeline_judge"] = {"total_s": total, "stages_s": dict(results.stats.seconds),
                                     "judged_pairs": results.stats.judged_pairs, "judge_budget": JUDGE_BUDGET,
                                     "peak_beyond_inputs_mb": (mem.peak - mem.start) / 2**20}
        except Exception as err:  # noqa: BLE001 - report why the judge could not run
            out["pipeline_judge"] = {"error": f"{type(err).__name__}: {err}"}
    out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main()
