"""Pairing the parts of two articles (pure functions): sentences by the cosine similarity
of their mean-pooled token states, quotes by the overlap of their words.

Both pairings are one-to-one and greedy: the best-scoring pair is taken first, then the
next best whose two parts are still free, down to a threshold. Ties go to the pair whose
indices sum lower, a key that stays the same when the two articles swap places, so
comparing B with A pairs exactly what comparing A with B does. (Pairs that tie on both
score and index sum never share a part, so the order among them changes nothing.)

Similarities are rounded to :data:`DECIMALS` places and computed so that swapping the
articles gives the transposed matrix bit for bit (see :func:`cosine_similarity`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32] | npt.NDArray[np.float64]
Scores = npt.NDArray[np.float64]
Pair = tuple[int, int, float]

DECIMALS = 6
_WORD = re.compile(r"\w+")


def pool_sentences(
    states: Vectors, offsets: Sequence[tuple[int, int]], ranges: Sequence[tuple[int, int]]
) -> npt.NDArray[np.float32]:
    """One vector per character range: the mean state of the tokens that start inside it
    (zeros for a range that holds no token).

    ``offsets`` are the tokens' character ranges, sorted, one per row of ``states``.

    Example:
        >>> states = np.array([[1, 0], [3, 0], [0, 2]], dtype=np.float32)
        >>> pool_sentences(states, [(0, 2), (3, 5), (7, 9)], [(0, 6), (7, 9), (10, 12)]).tolist()
        [[2.0, 0.0], [0.0, 2.0], [0.0, 0.0]]
    """
    width = states.shape[1] if states.ndim == 2 else 0
    out = np.zeros((len(ranges), width), dtype=np.float32)
    starts = np.asarray([s for s, _ in offsets], dtype=np.int64)
    for k, (a, b) in enumerate(ranges):
        lo, hi = np.searchsorted(starts, [a, b], side="left")
        if hi > lo:
            out[k] = states[lo:hi].mean(axis=0)
    return out


def _unit(vectors: Vectors) -> npt.NDArray[np.float64]:
    rows = np.asarray(vectors, dtype=np.float64)
    if rows.ndim != 2:
        raise ValueError(f"expected one vector a row, got an array of shape {rows.shape}")
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    # A zero vector (a sentence without tokens) stays zero: similarity 0 to everything.
    out = np.zeros_like(rows)
    np.divide(rows, norms, out=out, where=norms > 0)
    return out


def cosine_similarity(a: Vectors, b: Vectors) -> Scores:
    """The ``(len(a), len(b))`` cosine similarities of two sets of vectors, rounded.

    Each entry is summed over one row of elementwise products, never by a matrix
    product: a BLAS product may sum ``a @ b.T`` and ``b @ a.T`` in different orders,
    and then swapping the articles could tip a similarity across the threshold.

    Example:
        >>> cosine_similarity(np.array([[1.0, 0.0], [0.0, 3.0]]), np.array([[2.0, 2.0]])).tolist()
        [[0.707107], [0.707107]]
    """
    ua, ub = _unit(a), _unit(b)
    if ua.shape[1] != ub.shape[1] and len(ua) and len(ub):
        raise ValueError(f"vectors of size {ua.shape[1]} and {ub.shape[1]} cannot be compared")
    out = np.zeros((len(ua), len(ub)), dtype=np.float64)
    for i, row in enumerate(ua):
        out[i] = (ub * row).sum(axis=1)
    np.clip(out, -1.0, 1.0, out=out)
    np.round(out, DECIMALS, out=out)
    return out


def greedy_pairs(scores: Scores, threshold: float) -> list[Pair]:
    """One-to-one pairs ``(i, j, score)`` with ``score >= threshold``, best first; ties
    go to the lower ``i + j``. The result is sorted by ``i``.

    Swapping rows and columns swaps the pairs: ``greedy_pairs(scores.T, t)`` is
    ``[(j, i, s) for i, j, s in greedy_pairs(scores, t)]``, re-sorted.

    Example:
        >>> greedy_pairs(np.array([[0.9, 0.8], [0.95, 0.1]]), 0.5)
        [(0, 1, 0.8), (1, 0, 0.95)]
    """
    rows, cols = np.nonzero(scores >= threshold)
    values = scores[rows, cols]
    order = np.lexsort((rows + cols, -values))
    used_rows: set[int] = set()
    used_cols: set[int] = set()
    pairs: list[Pair] = []
    for k in order.tolist():
        i, j = int(rows[k]), int(cols[k])
        if i in used_rows or j in used_cols:
            continue
        used_rows.add(i)
        used_cols.add(j)
        pairs.append((i, j, float(values[k])))
    return sorted(pairs)


def words(text: str) -> frozenset[str]:
    """The words of ``text`` for matching quotes: NFKC, case folded, punctuation dropped.

    Example:
        >>> sorted(words("“It's a DISGRACE,” … it's"))
        ['a', 'disgrace', 'it', 's']
    """
    return frozenset(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared words over all words of the two sets, rounded; 0 when both are empty.

    Example:
        >>> jaccard(frozenset("abc"), frozenset("bcd"))
        0.5
    """
    union = len(a | b)
    return round(len(a & b) / union, DECIMALS) if union else 0.0


def overlaps(a: Sequence[str], b: Sequence[str]) -> Scores:
    """The ``(len(a), len(b))`` word overlaps (:func:`jaccard`) of two lists of texts.

    Example:
        >>> overlaps(["They lied.", "Rain"], ["they LIED"]).tolist()
        [[1.0], [0.0]]
    """
    wa, wb = [words(t) for t in a], [words(t) for t in b]
    out = np.zeros((len(wa), len(wb)), dtype=np.float64)
    for i, x in enumerate(wa):
        for j, y in enumerate(wb):
            out[i, j] = jaccard(x, y)
    return out
