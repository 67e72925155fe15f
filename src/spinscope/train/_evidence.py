"""The evidence index of a model: its tagger's vectors of every annotated technique span.

Built from the training corpus with the model it ships with (vectors from another
network would not be comparable with the ones found at run time). Also: how well the
index explains, measured the honest way, on articles the network and the index never saw
(:func:`top_agreement` over cross-validation folds).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .._pipeline import EvidenceIndex, Model, span_vectors, unit_rows
from .._semeval import Corpus

TEXT_CHARS = 200
"""Longer annotated fragments are cut to this many characters for display."""


@dataclass(frozen=True)
class Fragments:
    """Annotated spans of some articles with the model's vectors of them."""

    vectors: npt.NDArray[np.float32]
    techniques: list[str]
    texts: list[str]


def fragments(
    model: Model,
    corpus: Corpus,
    ids: Iterable[str],
    progress: Callable[[int], None] | None = None,
) -> Fragments:
    """Every distinct (span, technique) of ``ids`` with the model's vector of the span
    (:func:`spinscope._pipeline.span_vectors` of the heads' input row, as at run time)."""
    vectors, techniques, texts = [], [], []
    by_article: dict[str, set[tuple[int, int, str]]] = {}
    for lb in corpus.labels:
        if lb.technique not in (None, "?"):
            by_article.setdefault(lb.article_id, set()).add((lb.start, lb.end, lb.technique))
    for n, aid in enumerate(ids, 1):
        text, labels = corpus.articles[aid], sorted(by_article.get(aid, ()))
        spans = [(a, b) for a, b, _ in labels if text[a:b].strip()]
        if spans:
            x, _ = model.span_inputs(model.forward(text), spans)
            kept = [lb for lb in labels if text[lb[0] : lb[1]].strip()]
            vectors.append(span_vectors(x))
            techniques += [t for _, _, t in kept]
            texts += [" ".join(text[a:b].split())[:TEXT_CHARS] for a, b, _ in kept]
        if progress:
            progress(n)
    width = 2 * model.config.hidden_size
    stacked = np.concatenate(vectors) if vectors else np.zeros((0, width), np.float32)
    return Fragments(stacked.astype(np.float32), techniques, texts)


def build_index(model: Model, corpus: Corpus, ids: Iterable[str]) -> EvidenceIndex:
    """The evidence index of ``model`` over the annotated spans of ``ids``.

    Example:
        >>> # build_index(model, corpus, corpus.articles).save(model_dir)
    """
    found = fragments(model, corpus, ids)
    return EvidenceIndex.of(found.vectors, found.techniques, found.texts)


def top_agreement(index: Fragments, queries: Fragments) -> dict[str, float]:
    """How often the most similar indexed fragment (whatever its technique) has the
    query's technique, against always answering the index's most common technique.

    Example:
        >>> v = np.eye(2, dtype=np.float32)
        >>> idx = Fragments(v, ["A", "B"], ["x", "y"])
        >>> top_agreement(idx, Fragments(v[::-1].copy(), ["B", "A"], ["q", "r"]))["top1"]
        1.0
    """
    if not len(queries.techniques) or not len(index.techniques):
        return {"top1": 0.0, "majority": 0.0, "queries": float(len(queries.techniques))}
    sims = unit_rows(queries.vectors) @ unit_rows(index.vectors).T
    best = sims.argmax(axis=1)
    hits = sum(index.techniques[j] == t for j, t in zip(best, queries.techniques, strict=True))
    common = Counter(index.techniques).most_common(1)[0][0]
    majority = sum(t == common for t in queries.techniques)
    n = len(queries.techniques)
    return {"top1": hits / n, "majority": majority / n, "queries": float(n)}
