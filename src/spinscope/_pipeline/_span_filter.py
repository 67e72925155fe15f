"""The span filter: which decoded candidates to keep, with what the whole piece shows.

The tagger's token probabilities alone decide whether a span is found; a low span
threshold finds more of the annotated spans but more noise too. The filter scores each
candidate found at a low threshold by its span confidence, both heads' answers (a span
no technique fits well is seldom one), its span features and the features of
``_stacker`` over the other candidates, and keeps those whose score reaches the model's
``keep_threshold``. It is a logistic regression fitted on the cross-validation folds'
out-of-fold candidates (``spinscope.train._span_filter``), run in numpy.

- preprocess: :func:`filter_inputs`, one row a candidate;
- run: :meth:`SpanFilter.scores`, the probability that most of the candidate is annotated;
- postprocess: :func:`keep_candidates`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .._errors import ModelError
from ._choose import Candidate
from ._features import N_FEATURES, ArticleIndex, span_features
from ._stacker import N_GIVEN, given_span_features

FILTER_FILE = "span_filter.npz"
N_HEAD = 5  # span confidence, top two end-to-end labels, top technique, entropy
N_FILTER_INPUTS = N_HEAD + N_FEATURES + N_GIVEN


def filter_inputs(
    index: ArticleIndex,
    candidates: Sequence[Candidate],
    features: npt.NDArray[np.float32] | None = None,
) -> npt.NDArray[np.float32]:
    """What the filter reads about each candidate (``N_FILTER_INPUTS`` numbers a row);
    ``features`` are the candidates' span features when the caller has them already (the
    heads' inputs end with them).

    Example:
        >>> probs = np.array([0.7, 0.3], dtype=np.float32)
        >>> c = Candidate(0, 4, 0.8, probs, np.array([0.6, 0.1], dtype=np.float32))
        >>> row = filter_inputs(ArticleIndex.build("Liar, liar!"), [c])[0]
        >>> [round(float(v), 2) for v in row[:5]]
        [0.8, 0.6, 0.1, 0.7, 0.61]
    """
    if not candidates:
        return np.zeros((0, N_FILTER_INPUTS), dtype=np.float32)
    spans = [(c.start, c.end) for c in candidates]
    if features is None:
        features = np.stack([span_features(index, s, e) for s, e in spans])
    labels = -np.sort(-np.stack([c.labels for c in candidates]), axis=1)
    probs = np.stack([c.probs for c in candidates]).astype(np.float64)
    head = np.column_stack(
        [
            [c.span_confidence for c in candidates],
            labels[:, 0],
            labels[:, 1],
            probs.max(axis=1),
            -(probs * np.log(probs + 1e-9)).sum(axis=1),
        ]
    )
    given = given_span_features(index, spans)
    return np.concatenate([head, features, given], axis=1).astype(np.float32)


@dataclass(frozen=True)
class SpanFilter:
    """Standardise, one linear map, sigmoid: the fitted logistic regression.

    Example:
        >>> f = SpanFilter(np.zeros(2), np.ones(2), np.array([1.0, 0.0]), 0.0)
        >>> [round(float(s), 3) for s in f.scores(np.array([[2.0, 5.0]], dtype=np.float32))]
        [0.881]
    """

    mean: npt.NDArray[np.float64]
    scale: npt.NDArray[np.float64]
    coef: npt.NDArray[np.float64]  # (inputs,)
    intercept: float

    def scores(self, x: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        """For each row of :func:`filter_inputs`, how likely the candidate is annotated."""
        logits = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        result: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-logits))
        return result

    def save(self, folder: Path) -> None:
        """Write ``span_filter.npz`` into ``folder``."""
        np.savez(
            folder / FILTER_FILE,
            mean=self.mean,
            scale=self.scale,
            coef=self.coef,
            intercept=np.array([self.intercept]),
        )

    @classmethod
    def load(cls, folder: Path) -> SpanFilter | None:
        """The filter of a model directory (``None`` when it has none).

        Raises:
            ModelError: when the file is there but of the wrong shape.
        """
        path = folder / FILTER_FILE
        if not path.is_file():
            return None
        with np.load(path) as data:
            found = cls(data["mean"], data["scale"], data["coef"], float(data["intercept"][0]))
        if found.coef.shape != (N_FILTER_INPUTS,) or found.mean.shape != (N_FILTER_INPUTS,):
            raise ModelError(f"{path}: a filter for {found.coef.shape} inputs")
        return found


def keep_candidates(
    index: ArticleIndex,
    candidates: list[Candidate],
    span_filter: SpanFilter,
    threshold: float,
    features: npt.NDArray[np.float32] | None = None,
) -> list[Candidate]:
    """The candidates whose filter score reaches ``threshold`` (0 keeps every one);
    ``features`` as for :func:`filter_inputs`.

    Example:
        >>> probs = np.array([0.7, 0.3], dtype=np.float32)
        >>> c = Candidate(0, 4, 0.8, probs, np.array([0.6, 0.1], dtype=np.float32))
        >>> f = SpanFilter(np.zeros(N_FILTER_INPUTS), np.ones(N_FILTER_INPUTS),
        ...                np.zeros(N_FILTER_INPUTS), 0.0)  # every score 0.5
        >>> len(keep_candidates(ArticleIndex.build("Liar, liar!"), [c], f, 0.6))
        0
    """
    if not candidates or threshold <= 0:
        return candidates
    scores = span_filter.scores(filter_inputs(index, candidates, features))
    return [c for c, s in zip(candidates, scores, strict=True) if s >= threshold]
