"""Span identification by an ensemble of fold networks, on one cross-validation fold.

    python benchmarks/ensemble_si.py --fold 0 --cv CV_A CV_B [CV_C ...]

Issue 9 lists ensembles among the levers (the best published SI came from six models).
Before fitting a seed ensemble or distilling one, this asks whether averaging networks
helps SI at all, from what each ``cv_train.py`` folder already holds: its out-of-fold
token probabilities (``oof/ID.npz``). Networks with different tokenizers are averaged
per character: each character gets its token's P(B) + P(I); a character between two
tokens gets the smaller of theirs, so a space inside a span stays inside.

Every network alone and every combination of two or more (equal weights) is decoded the
same way: characters at or above a threshold form runs, runs are snapped to words
(:func:`snap_to_words`) and passages joined across small gaps (:func:`join_nearby`), and
the fold's held-out articles are scored with the SemEval SI measure. The threshold and gap
are chosen on those same articles (an in-sample upper bound that favours every entry
alike), so what counts is the difference between an ensemble and its members, paired on
the same articles. This decoding is simpler than the shipped one (no span filter), so its
figures sit below ``cv.py``'s.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PTC
from spinscope import Corpus
from spinscope._pipeline._decode import B_TAG, I_TAG, join_nearby, snap_to_words
from spinscope._semeval import Label
from spinscope._semeval._scorer import score_si

THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55)
GAPS = (0, 40, 80, 200, 400, 800, 1600)
Curve = npt.NDArray[np.float32]


def char_inside(n_chars: int, offsets: npt.NDArray[np.int32], probs: Curve) -> Curve:
    """Each character's P(B) + P(I) from its token; between tokens the smaller neighbour.

    Example:
        >>> p = np.array([[0.1, 0.5, 0.4], [0.8, 0.1, 0.1]], dtype=np.float32)
        >>> curve = char_inside(5, np.array([[0, 2], [3, 5]], dtype=np.int32), p)
        >>> [round(float(x), 2) for x in curve]
        [0.9, 0.9, 0.2, 0.2, 0.2]
    """
    inside = probs[:, B_TAG] + probs[:, I_TAG]
    out = np.zeros(n_chars, dtype=np.float32)
    prev_end, prev_val = 0, 0.0
    for (start, end), val in zip(offsets.tolist(), inside.tolist(), strict=True):
        if start > prev_end:
            out[prev_end:start] = min(prev_val, val)
        out[start:end] = val
        prev_end, prev_val = max(prev_end, end), val
    return out


def decode_chars(text: str, curve: Curve, threshold: float, gap: int) -> list[tuple[int, int]]:
    """Passages: runs of characters at or above ``threshold``, snapped and joined.

    Example:
        >>> t = "a vile lie"
        >>> decode_chars(t, np.array([0, 0, .9, .9, .9, .9, 0, .9, .9, .9]), 0.5, 1)
        [(2, 10)]
    """
    above = np.concatenate([[False], curve >= threshold, [False]])
    edges = np.flatnonzero(above[1:] != above[:-1])
    spans = []
    for start, end in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
        snapped = snap_to_words(text, start, end)
        if snapped is not None:
            spans.append(snapped)
    return join_nearby(text, spans, gap)


def load_curves(cv: Path, ids: Sequence[str], texts: dict[str, str]) -> dict[str, Curve]:
    curves = {}
    for aid in ids:
        with np.load(cv / "oof" / f"{aid}.npz") as data:
            curves[aid] = char_inside(len(texts[aid]), data["token_offsets"], data["token_probs"])
    return curves


def best_si(
    members: Sequence[dict[str, Curve]],
    ids: Sequence[str],
    texts: dict[str, str],
    gold: list[Label],
) -> tuple[float, float, int]:
    """The best SI F1 of the members' mean curve over the threshold and gap grid."""
    mean = {aid: np.mean([m[aid] for m in members], axis=0) for aid in ids}
    best = (0.0, 0.0, 0)
    for threshold, gap in itertools.product(THRESHOLDS, GAPS):
        pred = [
            Label(aid, s, e)
            for aid in ids
            for s, e in decode_chars(texts[aid], mean[aid], threshold, gap)
        ]
        f1 = score_si(gold, pred).f1
        if f1 > best[0]:
            best = (f1, threshold, gap)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--fold", type=int, default=0)
    parser.add_argument("--cv", type=Path, nargs="+", required=True)
    parser.add_argument("--corpus", type=Path, default=PTC)
    args = parser.parse_args()
    corpus = Corpus.load(args.corpus)
    folds = json.loads((args.cv[0] / "folds.json").read_text(encoding="utf-8"))
    held = corpus.subset(aid for aid, k in folds.items() if k == args.fold)
    ids, texts = sorted(held.articles), held.articles
    curves = {cv.name: load_curves(cv, ids, texts) for cv in args.cv}
    results = {}
    for size in range(1, len(curves) + 1):
        for names in itertools.combinations(curves, size):
            f1, threshold, gap = best_si([curves[n] for n in names], ids, texts, held.labels)
            results[" + ".join(names)] = {"si_f1": f1, "threshold": threshold, "gap": gap}
            print(f"{' + '.join(names):<50} SI {f1:.4f}  (threshold {threshold}, gap {gap})")
    print(json.dumps({"fold": args.fold, "articles": len(ids), "results": results}))


if __name__ == "__main__":
    main()
