"""The judge's fixed data split: held-out, validation and training pairs.

The held-out pairs are never used to train the judge nor to choose its
threshold; ``scripts/eval_judge.py`` reports on them. The split is a pure
function of the data files and a fixed seed string, so it is the same on
every machine:

* XNLI dev (``xnli_dev_en.tsv`` / ``xnli_dev_fr.tsv``, row-aligned
  translations): the pair id is the row index, and the same ids are held out
  in English and French. Rows are grouped by their English premise (each
  premise carries three hypotheses) so no held-out premise is seen in
  training; a group is held out when the seeded SHA-256 of its premise falls
  in the first quarter of the hash range (about 25% of rows, at least 20% is
  checked), and goes to validation when it falls in the next tenth.
* DACCORD (``daccord_fr.tsv``): the same rule, grouped by fact-check URL
  (pairs from one article share facts).
* RTE3-FR dev (``rte3_fr_dev.tsv``): the last 200 rows are held out (no
  premise is shared with the first 600 rows, which are training data).

Run ``python scripts/judge_split.py`` to print the split sizes.
"""

from __future__ import annotations

import csv
import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

SEED = "contradict-judge-split-v1"
HELDOUT_FRACTION = 0.25
VALIDATION_FRACTION = 0.10
RTE3_HELDOUT_ROWS = 200
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data" / "nli"
LABELS = ("entailment", "neutral", "contradiction")


def data_dir(path: str | Path | None = None) -> Path:
    """The NLI data folder: ``path``, else ``$CONTRADICT_NLI_DATA``, else ``../shared/data/nli``."""
    chosen = Path(path or os.environ.get("CONTRADICT_NLI_DATA") or DEFAULT_DATA_DIR).expanduser()
    if not chosen.is_dir():
        sys.exit(f"NLI data folder {chosen} not found; pass --data or set CONTRADICT_NLI_DATA")
    return chosen


def read_tsv(path: Path) -> pd.DataFrame:
    """One NLI file: premise, hypothesis, label (+ optional columns), validated."""
    df = pd.read_csv(
        path, sep="\t", quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False, encoding="utf-8"
    )
    for column in ("premise", "hypothesis", "label"):
        if column not in df.columns:
            raise ValueError(f"{path}: missing column {column!r}")
    bad = ~df["label"].isin(LABELS)
    if bad.any():
        row = int(bad.idxmax())
        raise ValueError(f"{path}: row {row + 2}, field 'label': unknown label {df['label'][row]!r}")
    df = df.reset_index(names="row")
    return df


def bucket(key: str) -> float:
    """A uniform number in [0, 1) from a seeded SHA-256 of ``key``."""
    digest = hashlib.sha256(f"{SEED}\x00{key}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def _part(keys: pd.Series) -> pd.Series:
    u = keys.map(bucket)
    part = pd.Series("train", index=keys.index)
    part[u < HELDOUT_FRACTION + VALIDATION_FRACTION] = "validation"
    part[u < HELDOUT_FRACTION] = "heldout"
    return part


@dataclass(frozen=True)
class Split:
    """Each split-governed set, with a ``part`` column: heldout / validation / train."""

    xnli_en: pd.DataFrame
    xnli_fr: pd.DataFrame
    daccord: pd.DataFrame
    rte3_fr: pd.DataFrame

    def sets(self) -> dict[str, pd.DataFrame]:
        return {
            "xnli_en": self.xnli_en,
            "xnli_fr": self.xnli_fr,
            "daccord_fr": self.daccord,
            "rte3_fr": self.rte3_fr,
        }

    def part(self, name: str) -> dict[str, pd.DataFrame]:
        """Rows of every set in one part."""
        return {k: v[v["part"] == name].reset_index(drop=True) for k, v in self.sets().items()}


def load_split(path: str | Path | None = None) -> Split:
    """Read the split-governed files and tag each row's part."""
    folder = data_dir(path)
    en = read_tsv(folder / "xnli_dev_en.tsv")
    fr = read_tsv(folder / "xnli_dev_fr.tsv")
    if len(en) != len(fr) or not (en["label"].to_numpy() == fr["label"].to_numpy()).all():
        raise ValueError("xnli_dev_en.tsv and xnli_dev_fr.tsv are not row-aligned")
    xnli_part = _part("xnli:" + en["premise"])
    en["part"] = xnli_part
    fr["part"] = xnli_part.to_numpy()

    dac = read_tsv(folder / "daccord_fr.tsv")
    dac["part"] = _part("daccord:" + dac["url"])

    rte = read_tsv(folder / "rte3_fr_dev.tsv")
    rte["part"] = "train"
    rte.loc[rte.index[-RTE3_HELDOUT_ROWS:], "part"] = "heldout"

    for name, df, minimum in (("XNLI", en, 0.20), ("DACCORD", dac, 0.20)):
        share = float((df["part"] == "heldout").mean())
        if share < minimum:  # pragma: no cover - fixed by the seed
            raise AssertionError(f"{name}: held-out share {share:.3f} < {minimum}")
    return Split(en, fr, dac, rte)


def main() -> None:
    split = load_split(sys.argv[1] if len(sys.argv) > 1 else None)
    for name, df in split.sets().items():
        counts = df.groupby("part")["label"].value_counts().unstack(fill_value=0)
        print(f"== {name} ({len(df)} rows)")
        print(counts.to_string())


if __name__ == "__main__":
    main()
