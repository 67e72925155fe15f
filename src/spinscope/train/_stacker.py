"""Fitting the technique stacker on the cross-validation folds' out-of-fold probabilities.

The stacker (``spinscope._pipeline._stacker``) must learn from span-head probabilities of
articles the head never saw: on its own training articles the head is sure of itself, and
a stacker fitted there would learn to trust it blindly. A cross-validation folder gives
every training article such probabilities, from the fold network that left it out. Each
fold gets a stacker fitted on the other folds' rows (so the cross-validated figures never
see their own articles), and the shipped model one fitted on all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .._pipeline import N_GIVEN, ArticleIndex, Forward, Model, TechniqueStacker, stacker_inputs
from .._semeval import Corpus

STACKER_C = 0.1
"""Inverse regularisation strength; 0.1 and 0.3 scored alike on the folds (0.03 and
0.01 lost the rare techniques), see ``benchmarks/experiments.md``."""
RARE_WEIGHT = 0.25
"""Rows weigh ``count ** -RARE_WEIGHT`` by their technique's count: unweighted, the stacker
traded the rare techniques for the frequent ones (macro-F1 0.45 -> 0.42 on the folds);
so weighted it keeps them (0.45) and most of the gain (accuracy 0.622 -> 0.643, against
0.646 unweighted)."""

Rows = tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]
ROWS_FILE = "stacker_rows.npz"
"""Where :func:`cv_stackers` keeps the out-of-fold rows in a cross-validation folder, so
another classifier's out-of-fold probabilities can be stacked beside the span head's
later without the fold networks (``benchmarks/tc_markers.py --combine``)."""
Key = tuple[str, int, int]
"""A row's gold span: article id, start, end."""


def stacker_rows(
    model: Model, corpus: Corpus, forwards: Mapping[str, Forward] | None = None
) -> tuple[Rows, list[Key]]:
    """Stacker inputs and technique indices of every gold span of ``corpus``, classified
    by ``model``'s span head alone, and each row's span; a span with k gold techniques
    gives k rows. An article with a forward pass in ``forwards`` (made by ``model``'s
    network) is read from it, without inference.

    Example:
        >>> # (x, y), keys = stacker_rows(Model.load(fold_dir), held_out_corpus)
    """
    techniques = list(model.config.techniques)
    by_article: dict[str, list[tuple[int, int, str]]] = {}
    for lb in corpus.labels:
        if lb.technique in techniques:
            by_article.setdefault(lb.article_id, []).append((lb.start, lb.end, lb.technique))
    xs, ys, keys = [], [], []
    for aid, labels in sorted(by_article.items()):
        text = corpus.articles[aid]
        source = (forwards or {}).get(aid, text)
        spans = [(s, e) for s, e, _ in labels]
        probs = model.technique_probs(source, spans, stacked=False)
        index = ArticleIndex.build(text) if isinstance(source, str) else source.index
        xs.append(stacker_inputs(index, spans, probs))
        ys.append(np.asarray([techniques.index(t) for _, _, t in labels], dtype=np.int64))
        keys += [(aid, s, e) for s, e in spans]
    n_inputs = len(techniques) + model.config.n_features + N_GIVEN
    if not xs:
        return (np.zeros((0, n_inputs), dtype=np.float32), np.zeros(0, dtype=np.int64)), []
    return (np.concatenate(xs), np.concatenate(ys)), keys


def save_rows(path: Path, rows: Sequence[Rows], keys: Sequence[list[Key]]) -> None:
    """Write every fold's out-of-fold rows (inputs, techniques, fold, span) to ``path``.

    Example:
        >>> # save_rows(cv_dir / ROWS_FILE, rows, keys)
    """
    flat = [key for fold_keys in keys for key in fold_keys]
    np.savez_compressed(
        path,
        x=np.concatenate([r[0] for r in rows]),
        y=np.concatenate([r[1] for r in rows]),
        fold=np.concatenate([np.full(len(r[1]), k, dtype=np.int64) for k, r in enumerate(rows)]),
        article=np.asarray([a for a, _, _ in flat], dtype=str),
        start=np.asarray([s for _, s, _ in flat], dtype=np.int64),
        end=np.asarray([e for _, _, e in flat], dtype=np.int64),
    )


def fit_stacker(
    x: npt.NDArray[np.float32], y: npt.NDArray[np.int64], n_techniques: int, c: float = STACKER_C
) -> TechniqueStacker:
    """A multinomial logistic regression on standardised inputs (scikit-learn's lbfgs), rare
    techniques weighted up (:data:`RARE_WEIGHT`); a technique absent from ``y`` gets a bias
    that keeps it from ever winning."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0).astype(np.float64)
    scale = x.std(axis=0).astype(np.float64)
    scale[scale == 0] = 1.0
    counts = np.bincount(y, minlength=n_techniques).astype(np.float64)
    weight = counts[y] ** -RARE_WEIGHT
    fitted = LogisticRegression(C=c, max_iter=3000).fit(
        (x - mean) / scale, y, sample_weight=weight / weight.mean()
    )
    coef = np.zeros((n_techniques, x.shape[1]))
    intercept = np.full(n_techniques, -30.0)
    weights, bias = fitted.coef_, fitted.intercept_
    if len(fitted.classes_) == 2:  # scikit-learn keeps one row (class 1 against class 0)
        weights, bias = np.vstack([-weights / 2, weights / 2]), np.array([-bias[0], bias[0]]) / 2
    coef[fitted.classes_] = weights
    intercept[fitted.classes_] = bias
    return TechniqueStacker(mean, scale, coef, intercept)


def cv_stackers(
    corpus: Corpus,
    folds: Mapping[str, int],
    dirs: Sequence[Path],
    progress: Callable[[str], None] | None = None,
    forwards: Mapping[str, Forward] | None = None,
) -> tuple[TechniqueStacker, int]:
    """Save into each fold directory a stacker fitted on the other folds' out-of-fold rows,
    and the rows themselves into the folders' parent (:data:`ROWS_FILE`); return the
    stacker fitted on all rows (for the model trained on every article) and how many rows
    that is. ``forwards``: kept forward passes, each by its own fold's network.

    Example:
        >>> # stacker, rows = cv_stackers(corpus, folds, dirs); stacker.save(out)
    """
    rows: list[Rows] = []
    keys: list[list[Key]] = []
    n_techniques = 0
    for k, fold_dir in enumerate(dirs):
        model = Model.load(fold_dir)
        n_techniques = len(model.config.techniques)
        fold_rows, fold_keys = stacker_rows(
            model, corpus.subset(a for a, f in folds.items() if f == k), forwards
        )
        rows.append(fold_rows)
        keys.append(fold_keys)
        if progress:
            progress(f"fold {k}: {len(fold_rows[1])} out-of-fold rows for the stacker")
    if dirs:
        save_rows(dirs[0].parent / ROWS_FILE, rows, keys)
    for k, fold_dir in enumerate(dirs):
        x = np.concatenate([r[0] for j, r in enumerate(rows) if j != k])
        y = np.concatenate([r[1] for j, r in enumerate(rows) if j != k])
        fit_stacker(x, y, n_techniques).save(fold_dir)
    x = np.concatenate([r[0] for r in rows])
    y = np.concatenate([r[1] for r in rows])
    return fit_stacker(x, y, n_techniques), len(y)
