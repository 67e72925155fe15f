"""The technique stacker: the span head's probabilities weighed again with the whole article.

Classifying given spans (the SemEval TC task), the span head reads one window. Whether the
same words recur elsewhere in the article, or whether another given span has the same
text, is what marks Repetition, and the head cannot see it. The stacker is a multinomial
logistic regression over the head's log probabilities, the span features of
:mod:`._features` and the features below, fitted on the cross-validation folds'
out-of-fold probabilities (so it learns how far to trust the head on articles it never
saw). It runs in numpy: one matrix product.

- preprocess: :func:`stacker_inputs`, one row a span;
- run: :meth:`TechniqueStacker.probs`, a softmax over the techniques.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .._errors import ModelError
from ._features import N_FEATURES, WORD, ArticleIndex, content_stems, span_features

STACKER_FILE = "technique_stacker.npz"
N_GIVEN = 9
STEM_RADIUS = 50_000
"""A phrase's recurrences are counted within this many characters of it: the whole
article for every training article (the longest has 47,473 characters), and a bounded
scan per span in a text of megabytes."""


class _Counts:
    """How many values inserted so far are at most ``i`` (a Fenwick tree over ranks)."""

    def __init__(self, size: int) -> None:
        self._tree = [0] * (size + 1)

    def add(self, i: int) -> None:
        i += 1
        while i < len(self._tree):
            self._tree[i] += 1
            i += i & -i

    def at_most(self, i: int) -> int:
        i += 1
        total = 0
        while i > 0:
            total += self._tree[i]
            i -= i & -i
        return total


def _nesting(spans: Sequence[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """For each of the distinct ``spans``, how many others hold it and how many it holds
    (at most 3 each), in O(n log n): a user may give tens of thousands of spans, one of
    them the whole text, which a pairwise scan would take minutes over.

    Example:
        >>> _nesting([(0, 10), (2, 5), (3, 4)])
        ([0, 1, 2], [2, 1, 0])
    """
    ends = sorted({e for _, e in spans})
    rank = {e: k for k, e in enumerate(ends)}
    index = {sp: k for k, sp in enumerate(spans)}
    held, holds = [0] * len(spans), [0] * len(spans)
    # Holders of a span start no later and end no earlier: in (start, -end) order they
    # all come before it, so count those seen so far whose end is at least its end.
    seen = _Counts(len(ends))
    for n, (s, e) in enumerate(sorted(spans, key=lambda sp: (sp[0], -sp[1]))):
        held[index[(s, e)]] = min(3, n - seen.at_most(rank[e] - 1))
        seen.add(rank[e])
    # Spans it holds start no earlier and end no later: in (-start, end) order they come
    # before it, so count those seen so far whose end is at most its end.
    seen = _Counts(len(ends))
    for s, e in sorted(spans, key=lambda sp: (-sp[0], sp[1])):
        holds[index[(s, e)]] = min(3, seen.at_most(rank[e]))
        seen.add(rank[e])
    return held, holds


def given_span_features(
    index: ArticleIndex, spans: Sequence[tuple[int, int]], radius: int = STEM_RADIUS
) -> npt.NDArray[np.float32]:
    """``N_GIVEN`` numbers for each span, some of them about the other spans given with it.

    Duplicates in ``spans`` (a span with several techniques) count once.

    Example:
        >>> text = "Lock her up! Lock her up!"
        >>> f = given_span_features(ArticleIndex.build(text), [(0, 12), (13, 25)])
        >>> [round(float(v), 3) for v in f[0, :4]]  # recurrence, and the other given span
        [0.693, 1.0, 0.693, 0.693]
    """
    text, lower = index.text, index.lower
    distinct = sorted(set(spans))
    stems = index.stems
    word_counts = stems.counts
    keys = {sp: " ".join(content_stems(text[sp[0] : sp[1]])) for sp in distinct}
    same_key = Counter(keys.values())
    same_text = Counter(lower[s:e].strip() for s, e in distinct)
    held, holds = _nesting(distinct)
    rows: dict[tuple[int, int], list[float]] = {}
    for k, (s, e) in enumerate(distinct):
        span, key = text[s:e], keys[(s, e)]
        stems_here = key.split()
        recurring = sum(word_counts[w] >= 2 for w in stems_here) / max(1, len(stems_here))
        words = WORD.findall(span)
        rows[(s, e)] = [
            math.log1p(max(0, stems.count(stems_here, s, radius) - 1)) if key else 0.0,
            recurring,
            math.log1p(same_key[key] - 1) if key else 0.0,
            math.log1p(same_text[lower[s:e].strip()] - 1),
            float(held[k]),
            float(holds[k]),
            1.0 if "#" in span else 0.0,
            sum(w[0].isupper() for w in words) / max(1, len(words)),
            1.0 if span.rstrip().endswith("!") else 0.0,
        ]
    return np.asarray([rows[sp] for sp in spans], dtype=np.float32).reshape(len(spans), N_GIVEN)


def stacker_inputs(
    index: ArticleIndex, spans: Sequence[tuple[int, int]], probs: npt.NDArray[np.float32]
) -> npt.NDArray[np.float32]:
    """What the stacker reads: log head probabilities, span and given-span features.

    Example:
        >>> index = ArticleIndex.build("Jobs, jobs, jobs!")
        >>> stacker_inputs(index, [(0, 4)], np.array([[0.5, 0.5]], dtype=np.float32)).shape
        (1, 22)
    """
    logs = np.log(np.clip(probs, 1e-6, 1.0))
    feats = np.stack([span_features(index, s, e) for s, e in spans]) if spans else None
    base = feats if feats is not None else np.zeros((0, N_FEATURES), dtype=np.float32)
    given = given_span_features(index, spans)
    return np.concatenate([logs, base, given], axis=1).astype(np.float32)


@dataclass(frozen=True)
class TechniqueStacker:
    """Standardise, one linear map, softmax: the fitted logistic regression.

    Example:
        >>> st = TechniqueStacker(np.zeros(2), np.ones(2), np.eye(2), np.zeros(2))
        >>> [round(float(p), 3) for p in st.probs(np.array([[2.0, 0.0]], dtype=np.float32))[0]]
        [0.881, 0.119]
    """

    mean: npt.NDArray[np.float64]
    scale: npt.NDArray[np.float64]
    coef: npt.NDArray[np.float64]  # (techniques, inputs)
    intercept: npt.NDArray[np.float64]  # (techniques,)

    def probs(self, x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Softmax over the techniques for each row of :func:`stacker_inputs`."""
        logits = ((x - self.mean) / self.scale) @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        result: npt.NDArray[np.float32] = (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)
        return result

    def save(self, folder: Path) -> None:
        """Write ``technique_stacker.npz`` into ``folder``."""
        np.savez(
            folder / STACKER_FILE,
            mean=self.mean,
            scale=self.scale,
            coef=self.coef,
            intercept=self.intercept,
        )

    @classmethod
    def load(cls, folder: Path, n_techniques: int) -> TechniqueStacker | None:
        """The stacker of a model directory (``None`` when it has none).

        Raises:
            ModelError: when the file is there but unreadable or of the wrong shape.
        """
        path = folder / STACKER_FILE
        if not path.is_file():
            return None
        with np.load(path) as data:
            stacker = cls(data["mean"], data["scale"], data["coef"], data["intercept"])
        n_inputs = n_techniques + N_FEATURES + N_GIVEN
        if stacker.coef.shape != (n_techniques, n_inputs) or stacker.mean.shape != (n_inputs,):
            raise ModelError(
                f"{path}: a stacker for {stacker.coef.shape} inputs, "
                f"not ({n_techniques}, {n_inputs})"
            )
        return stacker
