"""Synthetic corpora for the benchmarks: realistic-looking French and English
statements, Zipf-like statements per speaker, random unit embeddings.

Everything is seeded, so every run times the same inputs.
"""

from __future__ import annotations

import numpy as np

_EN = (
    "government company plan election campaign voters economy market workers families country city "
    "people policy report budget energy climate school hospital court president minister platform users "
    "speech freedom network account post video interview record promise program project industry jobs "
    "prices wages health security border law decision vote debate future year week today always clearly "
    "we they our their this that which about after before with from over under into during because while "
    "said believe think want will would should could must has have had been is are was were make build "
    "keep give take bring support protect change open close start finish pay spend save run lead"
).split()
_FR = (
    "gouvernement entreprise projet élection campagne électeurs économie marché salariés familles pays ville "
    "gens politique rapport budget énergie climat école hôpital justice président ministre plateforme "
    "utilisateurs discours liberté réseau compte message vidéo entretien bilan promesse programme industrie "
    "emplois prix salaires santé sécurité frontière loi décision vote débat avenir année semaine aujourd'hui "
    "toujours nous ils notre leur ce cette qui dont après avant avec depuis sous pendant parce que tandis "
    "avons ont était sont faire construire garder donner prendre soutenir protéger changer ouvrir fermer "
    "commencer finir payer dépenser économiser diriger"
).split()
_CUES = {
    "en": {
        "negation": ["not", "never", "no", "don't", "won't"],
        "opposition": ["ban", "allow", "increase", "decrease", "support", "oppose", "neutral", "endorse",
                       "accept", "reject", "raise", "cut"],
        "number": ["44", "3.5", "1,000", "12", "250", "7.2"],
    },
    "fr": {
        "negation": ["ne pas", "jamais", "n'a pas", "aucun", "pas"],
        "opposition": ["interdire", "autoriser", "augmenter", "baisser", "soutenir", "opposer", "neutre",
                       "partisan", "accepter", "refuser"],
        "number": ["44", "3,5", "1 000", "12", "250", "7,2"],
    },
}
_PUNCT = (".", ",", ";", "!", "?")


def texts(n: int, *, seed: int = 0, words: tuple[int, int] = (8, 30)) -> list[str]:
    """``n`` statements of 8-30 words, half English, half French.

    Cue words are about as frequent as in political statements: a negation in
    about one statement in four, an opposition word in one in five, a number
    in one in five; a clause break in longer ones.
    """
    rng = np.random.default_rng(seed)
    vocab = {"en": np.array(_EN), "fr": np.array(_FR)}
    lengths = rng.integers(words[0], words[1] + 1, n)
    langs = np.where(rng.random(n) < 0.5, "en", "fr")
    draws = rng.random((n, 3))
    out = []
    for row, (length, lang) in enumerate(zip(lengths.tolist(), langs.tolist())):
        chosen = rng.choice(vocab[lang], size=length).tolist()
        cues = _CUES[lang]
        for column, (kind, p) in enumerate((("negation", 0.25), ("opposition", 0.2), ("number", 0.2))):
            if draws[row, column] < p:
                chosen.insert(int(rng.integers(0, len(chosen))), str(rng.choice(cues[kind])))
        chosen[0] = chosen[0].capitalize()
        text = " ".join(chosen)
        if length > 12:
            cut = text.find(" ", len(text) // 2)
            text = text[:cut] + str(rng.choice(_PUNCT)) + text[cut:]
        out.append(text + ".")
    return out


def embeddings(n: int, dim: int = 384, *, seed: int = 0, clusters: int = 2000, spread: float = 0.8) -> np.ndarray:
    """Unit float32 vectors scattered (``spread`` x unit noise) around ``clusters`` centres, like topics."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim), dtype=np.float32)
    out = np.empty((n, dim), dtype=np.float32)
    step = 65536
    for s in range(0, n, step):
        e = min(s + step, n)
        out[s:e] = centres[rng.integers(0, clusters, e - s)] + spread * rng.standard_normal((e - s, dim), dtype=np.float32)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def zipf_speakers(n: int, *, seed: int = 0, exponent: float = 1.1, max_share: float = 0.05) -> np.ndarray:
    """Speaker label of each statement: a few speakers with very many, many with a handful.

    Speaker ``r`` (rank from 1) gets a share proportional to ``r ** -exponent``;
    the largest is capped at ``max_share`` of the corpus. Roughly ``n / 8``
    speakers.
    """
    rng = np.random.default_rng(seed)
    speakers = max(2, n // 8)
    weights = np.arange(1, speakers + 1, dtype=np.float64) ** -exponent
    weights /= weights.sum()
    weights = np.minimum(weights, max_share)
    weights /= weights.sum()
    labels = rng.choice(speakers, size=n, p=weights)
    return labels.astype(np.int64)


def knn_like_pairs(n: int, k: int = 10, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n * k`` pairs shaped like k-NN candidates: sorted by left, right nearby or random."""
    rng = np.random.default_rng(seed)
    left = np.repeat(np.arange(n, dtype=np.int64), k)
    near = left + rng.integers(1, 200, len(left))
    far = rng.integers(0, n, len(left))
    right = np.where(rng.random(len(left)) < 0.7, near % n, far)
    return left.astype(np.uint32), right.astype(np.uint32)
