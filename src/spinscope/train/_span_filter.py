"""Fitting the span filter on the cross-validation folds' out-of-fold candidates.

The filter (``spinscope._pipeline._span_filter``) learns which candidates found at a low
span threshold are annotated. As for the technique stacker, its rows must come from
articles the network never saw: each fold network decodes its held-out articles; fold k's
filter is fitted on the other folds' rows, the shipped model's on all of them. A row is a
candidate; it counts as annotated when gold spans cover at least half its characters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .._pipeline import SpanFilter, filter_inputs
from ._tuning import Part

FILTER_DECODE_THRESHOLD = 0.2
"""The span threshold the rows' candidates are decoded at (the lowest the tuning tries)."""
FILTER_C = 1.0
COVERED = 0.5

Rows = tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_]]


def filter_rows(part: Part, threshold: float = FILTER_DECODE_THRESHOLD) -> Rows:
    """Filter inputs of every candidate of ``part`` at span ``threshold`` (none filtered
    out), and whether gold spans cover at least half of it.

    Example:
        >>> # x, y = filter_rows(Part(Model.load(fold_dir), held_out_corpus))
    """
    gold: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for lb in part.corpus.labels:
        gold[lb.article_id].append((lb.start, lb.end))
    xs, ys = [], []
    for aid, cands in sorted(part.candidates(threshold).items()):
        if not cands:
            continue
        xs.append(filter_inputs(part.article_index(aid), cands))
        for c in cands:
            covered = np.zeros(c.end - c.start, dtype=bool)
            for s, e in gold[aid]:
                covered[max(s, c.start) - c.start : max(0, min(e, c.end) - c.start)] = True
            ys.append(covered.mean() >= COVERED)
    if not xs:
        return np.zeros((0, 0), dtype=np.float32), np.zeros(0, dtype=bool)
    return np.concatenate(xs), np.asarray(ys, dtype=bool)


def fit_span_filter(
    x: npt.NDArray[np.float32], y: npt.NDArray[np.bool_], c: float = FILTER_C
) -> SpanFilter:
    """A logistic regression on standardised inputs (scikit-learn's lbfgs)."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0).astype(np.float64)
    scale = x.std(axis=0).astype(np.float64)
    scale[scale == 0] = 1.0
    fitted = LogisticRegression(C=c, max_iter=3000).fit((x - mean) / scale, y)
    return SpanFilter(mean, scale, fitted.coef_[0].astype(np.float64), float(fitted.intercept_[0]))


def cv_span_filters(
    parts: Mapping[int, Part],
    dirs: Sequence[Path],
    progress: Callable[[str], None] | None = None,
) -> tuple[SpanFilter, int]:
    """Save into each fold directory a filter fitted on the other folds' out-of-fold rows;
    return the one fitted on all rows and how many rows that is.

    Example:
        >>> # span_filter, rows = cv_span_filters(parts, dirs); span_filter.save(out)
    """
    rows = {k: filter_rows(part) for k, part in parts.items()}
    for k, fold_dir in enumerate(dirs):
        x = np.concatenate([r[0] for j, r in rows.items() if j != k])
        y = np.concatenate([r[1] for j, r in rows.items() if j != k])
        fit_span_filter(x, y).save(fold_dir)
        if progress:
            progress(f"fold {k}: span filter fitted on {len(y)} other folds' candidates")
    x = np.concatenate([r[0] for r in rows.values()])
    y = np.concatenate([r[1] for r in rows.values()])
    return fit_span_filter(x, y), len(y)
