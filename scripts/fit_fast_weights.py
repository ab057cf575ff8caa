"""Fit the fast scorer's logistic weights on NLI pairs and write ``fast_weights.json``.

Each NLI premise/hypothesis pair is treated as a candidate pair of one
speaker's statements: both texts are embedded with the bundled
all-MiniLM-L6-v2 (through the package's embedding cache), their cues are
extracted and their features computed by the Rust core (``pair_features``,
the very function the pipeline scores with), and a logistic regression
learns *contradiction* against *entailment or neutral*.

Held out of fitting: the judge's held-out part of XNLI dev (English and
French) and of DACCORD, as defined by ``scripts/judge_split.py`` (so the
judge's evaluation never sees data the fast scorer was fitted on); the
figures printed and stored as ``heldout`` are computed on that part.

NLI pairs are all on one topic, while the pipeline's candidates are nearest
neighbours, most of them about something else. So that the weights see that
case too, each sampled premise is also paired with its nearest hypothesis
from another row of the sample (a "neighbour negative", labelled not a
contradiction), about one per NLI pair. Without them the fit learns that
*lower* similarity means contradiction, which is true inside NLI and wrong for
candidates.

Three weights are not learned from NLI and keep the fixed priors in
:data:`FIXED_PRIORS`; they enter the fit as a fixed offset, so the other
weights are fitted given them:

* ``claim_vs_action`` and ``log_gap_years``: in NLI both texts share a date
  and are both claims, so the data says nothing about them (a claim
  contradicted by an action, or statements years apart, are a little more
  likely to disagree).
* ``cosine``: inside NLI every pair is on one topic and contradictions are a
  little *less* similar than entailments, so a free fit gives cosine a large
  negative weight (about -3). Among the pipeline's candidates that would rank
  the least related neighbours first; similarity there is a topic gate, so its
  weight is held at a positive prior. Its interaction with the opposition
  cues (``opposition_x_cosine``) is still learned.

And any other feature that fires in fewer than :data:`MIN_SUPPORT` fitting
pairs keeps its prior from :data:`SPARSE_PRIORS` rather than a weight fitted
on a handful of rows: the stance lexicon fires in about 50 of 25k NLI pairs
and the antonym lexicon in about 170, too few to set a weight.

Usage::

    python scripts/fit_fast_weights.py [--per-source 1500] [--data ../shared/data/nli]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

from judge_split import data_dir, load_split, read_tsv  # noqa: E402

#: Weights of the features NLI data cannot teach (kept as documented priors).
FIXED_PRIORS = {"cosine": 1.0, "claim_vs_action": 0.5, "log_gap_years": 0.2}
#: A feature firing in fewer fitting pairs than this keeps its prior weight.
MIN_SUPPORT = 200
#: Priors of features that may fire too rarely in NLI to be fitted.
SPARSE_PRIORS = {"antonym": 1.5, "stance": 1.5, "number_mismatch": 1.0, "opposition_x_cosine": 1.0}
#: Sources used for fitting (besides the non-held-out XNLI/DACCORD/RTE3 rows).
EXTRA_SOURCES = (
    "mnli_dev_matched.tsv",
    "snli_dev_esnli.tsv",
    "lingnli.train.tsv",
    "sick_en.train.tsv",
    "sick_fr.train.tsv",
    "fracas_fr.tsv",
    "gqnli_fr.tsv",
)
OUT = REPO / "python" / "contradict" / "data" / "fast_weights.json"
SEED = 20240812


def _sample(df: pd.DataFrame, n: int, name: str) -> pd.DataFrame:
    df = df[["premise", "hypothesis", "label"]].copy()
    df = df[(df["premise"].str.strip() != "") & (df["hypothesis"].str.strip() != "")]
    if len(df) > n:
        df = df.sample(n=n, random_state=SEED)
    df["source"] = name
    return df.reset_index(drop=True)


def gather(folder: Path, per_source: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fitting rows (subsampled per source) and the judge's held-out rows."""
    split = load_split(folder)
    fit, heldout = [], []
    for name, df in split.sets().items():
        fit.append(_sample(df[df["part"] != "heldout"], per_source, name))
        if name != "rte3_fr":
            heldout.append(_sample(df[df["part"] == "heldout"], per_source, name))
    for file in EXTRA_SOURCES:
        path = folder / file
        if path.exists():
            fit.append(_sample(read_tsv(path), per_source, file.removesuffix(".tsv")))
    return pd.concat(fit, ignore_index=True), pd.concat(heldout, ignore_index=True)


def _neighbour_negatives(emb: np.ndarray, rows: pd.DataFrame, index: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's premise with the most similar hypothesis of a row with another premise."""
    premises = rows["premise"].to_numpy()
    hyp_ids = np.array([index[t] for t in rows["hypothesis"]], dtype=np.int64)
    hyp = emb[hyp_ids]
    left, right = [], []
    for start in range(0, len(rows), 2048):
        stop = min(start + 2048, len(rows))
        ids = np.array([index[t] for t in premises[start:stop]], dtype=np.int64)
        sims = emb[ids] @ hyp.T
        top = np.argsort(-sims, axis=1)[:, :8]
        for r, cands in enumerate(top):
            own = premises[start + r]
            pick = next((c for c in cands if premises[c] != own and hyp_ids[c] != ids[r]), None)
            if pick is not None:
                left.append(ids[r])
                right.append(hyp_ids[pick])
    return np.array(left, dtype=np.uint32), np.array(right, dtype=np.uint32)


def features(rows: pd.DataFrame, cache: Path | bool, batch_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Rust pair features and labels: each NLI row, then the neighbour negatives."""
    from contradict import _core
    from contradict.cues import extract_cues
    from contradict.embed import embed_texts
    from contradict.lexicon import default_lexicon

    texts = list(dict.fromkeys(rows["premise"].tolist() + rows["hypothesis"].tolist()))
    index = {t: i for i, t in enumerate(texts)}
    emb = embed_texts(texts, cache=cache, batch_size=batch_size, show_progress=True)
    cues = extract_cues(texts)
    left = np.fromiter((index[t] for t in rows["premise"]), dtype=np.uint32, count=len(rows))
    right = np.fromiter((index[t] for t in rows["hypothesis"]), dtype=np.uint32, count=len(rows))
    emb = np.ascontiguousarray(emb, dtype=np.float32)
    neg_left, neg_right = _neighbour_negatives(emb, rows, index)
    left, right = np.concatenate([left, neg_left]), np.concatenate([right, neg_right])
    labels = np.concatenate([(rows["label"] == "contradiction").to_numpy(), np.zeros(len(neg_left), dtype=bool)])
    zeros32 = np.zeros(len(texts), dtype=np.int32)
    zeros8 = np.zeros(len(texts), dtype=np.uint8)
    x = _core.pair_features(emb, left, right, zeros32, zeros8, cues, default_lexicon().opposition_kinds, 0)
    return x, labels


def fit_logistic(x: np.ndarray, y: np.ndarray, offset: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression with a fixed per-row offset in the logit.

    Minimises ``sum(log_loss) + ||w||^2 / (2 C)`` (the bias is not penalised),
    the same objective as scikit-learn's ``LogisticRegression(C=C)``.
    """
    from scipy.optimize import minimize

    x = x.astype(np.float64)
    t = y.astype(np.float64)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        z = x @ w + b + offset
        p = 1.0 / (1.0 + np.exp(-z))
        value = float(np.sum(np.logaddexp(0.0, z) - t * z) + w @ w / (2 * c))
        g = p - t
        return value, np.concatenate([x.T @ g + w / c, [g.sum()]])

    res = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B")
    if not res.success:  # pragma: no cover - depends on data
        raise RuntimeError(f"logistic fit did not converge: {res.message}")
    return res.x[:-1], float(res.x[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=None, help="NLI data folder (default ../shared/data/nli)")
    parser.add_argument("--per-source", type=int, default=1500, help="rows sampled per source file")
    parser.add_argument("--cache", default=None, help="embedding cache folder (default: the package's cache)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--C", type=float, default=1.0, help="inverse L2 regularisation strength")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()

    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score, roc_auc_score

    from contradict.scoring import FEATURE_NAMES

    started = time.perf_counter()
    folder = data_dir(args.data)
    fit_rows, held_rows = gather(folder, args.per_source)
    cache: Path | bool = Path(args.cache) if args.cache else True
    print(f"fitting rows: {len(fit_rows)}, held-out rows: {len(held_rows)}", file=sys.stderr)
    x_fit, y_fit = features(fit_rows, cache, args.batch_size)
    x_held, y_held = features(held_rows, cache, args.batch_size)
    n_fit, n_held = len(fit_rows), len(held_rows)

    support = {name: int(np.count_nonzero(x_fit[:, i])) for i, name in enumerate(FEATURE_NAMES)}
    priors = dict(FIXED_PRIORS)
    priors.update({name: w for name, w in SPARSE_PRIORS.items() if support[name] < MIN_SUPPORT})
    learned = [i for i, name in enumerate(FEATURE_NAMES) if name not in priors]
    fixed = [FEATURE_NAMES.index(name) for name in priors]
    offset = x_fit[:, fixed].astype(np.float64) @ np.array(list(priors.values()))
    weights, intercept = fit_logistic(x_fit[:, learned], y_fit, offset, args.C)
    coef = {name: float(priors[name]) for name in priors}
    for i, w in zip(learned, weights):
        coef[FEATURE_NAMES[i]] = round(float(w), 5)
    bias = round(intercept, 5)
    free = LogisticRegression(C=args.C, max_iter=2000).fit(x_fit, y_fit)

    def metrics(x: np.ndarray, y: np.ndarray) -> dict[str, float | int]:
        z = bias + x @ np.array([coef[n] for n in FEATURE_NAMES])
        p = 1.0 / (1.0 + np.exp(-z))
        cosine = x[:, FEATURE_NAMES.index("cosine")]
        return {
            "pairs": int(len(y)),
            "contradiction_share": round(float(y.mean()), 4),
            "roc_auc": round(float(roc_auc_score(y, p)), 4),
            "average_precision": round(float(average_precision_score(y, p)), 4),
            "roc_auc_cosine_alone": round(float(roc_auc_score(y, cosine)), 4),
        }

    counts = fit_rows["source"].value_counts().sort_index()
    sources = ", ".join(f"{name} ({n})" for name, n in counts.items())
    result = {
        "trained_on": (
            f"logistic regression, contradiction vs entailment/neutral, on {len(fit_rows)} NLI pairs "
            f"from ../shared/data/nli ({sources}) plus {len(y_fit) - n_fit} nearest-neighbour non-pairs; "
            f"judge held-out XNLI/DACCORD rows excluded; "
            f"fixed priors: {', '.join(priors)}"
        ),
        "bias": bias,
        "coef": {name: coef[name] for name in FEATURE_NAMES},
        "fixed_priors": priors,
        "support_in_fit": support,
        "unconstrained_fit_for_comparison": {
            "bias": round(float(free.intercept_[0]), 5),
            "coef": {n: round(float(w), 5) for n, w in zip(FEATURE_NAMES, free.coef_[0])},
        },
        "fit": metrics(x_fit, y_fit),
        "heldout": metrics(x_held, y_held),
        "heldout_nli_pairs_only": metrics(x_held[:n_held], y_held[:n_held]),
        "fit_nli_pairs_only": metrics(x_fit[:n_fit], y_fit[:n_fit]),
        "settings": {"per_source": args.per_source, "C": args.C, "seed": SEED,
                     "embedding_model": "sentence-transformers/all-MiniLM-L6-v2"},
    }
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "trained_on"}, indent=2))
    print(f"wrote {args.out} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    csv.field_size_limit(1 << 24)
    main()
