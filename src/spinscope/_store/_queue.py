"""The review queue (``spinscope queue``): the stored articles whose fragments the model is
least sure of, to send to a person first.

The store keeps, per span, only the calibrated confidence of the technique chosen, and
per analysis the threshold it was cut at (spans under it are not stored). There is no
runner-up technique to measure a margin or an entropy from, so the measure is the
distance to the decision threshold: a span of confidence ``c`` in an analysis with
threshold ``t`` is borderline by

    closeness(c, t) = max(0, 1 - |c - t| / window)

1 at the threshold, falling linearly to 0 at ``window`` (0.2 by default) from it. A span
that close to the threshold is one the model nearly dropped, so the one a person is most
likely to correct. An article's uncertainty is the sum of its spans' closeness, about how
many borderline spans it holds: an article with three comes before one with a single one,
and one whose spans are all confident (or that has none) scores 0. Ties go to the article
whose spans lie nearer the threshold on average, then by key. Articles with human labels
are left out: a person has already looked at them.

The queue is computed in SQL over the spans, so its cost is one grouped scan however large
the store; :func:`closeness` and :func:`article_uncertainty` are its Python twins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, select

from .._errors import InputError
from ._filters import Filters, analysis_where, resolve, select_rows, source_name
from ._schema import analyses, articles, human_annotations, spans
from ._store import Store

# How far from the threshold a span's confidence may be for it to count as borderline.
NEAR_WINDOW = 0.2


def closeness(confidence: float, threshold: float, window: float = NEAR_WINDOW) -> float:
    """How borderline a span is: 1 at the threshold, 0 at ``window`` from it or further.

    Example:
        >>> closeness(0.3, 0.3), round(closeness(0.4, 0.3), 3), closeness(0.9, 0.3)
        (1.0, 0.5, 0.0)
    """
    return max(0.0, 1.0 - abs(confidence - threshold) / window)


@dataclass(frozen=True)
class Uncertainty:
    """How unsure the model is of one article.

    Attributes:
        score: The sum of its spans' :func:`closeness` (0 without borderline spans).
        near: How many spans lie within the window of the threshold.
        margin: The mean distance of its spans' confidence to the threshold (``None``
            without spans).
        spans: How many spans the article has.
    """

    score: float
    near: int
    margin: float | None
    spans: int


def article_uncertainty(
    confidences: Iterable[float], threshold: float, window: float = NEAR_WINDOW
) -> Uncertainty:
    """The :class:`Uncertainty` of an article whose spans have ``confidences``.

    Example:
        >>> u = article_uncertainty([0.35, 0.9], 0.3)
        >>> round(u.score, 3), u.near, round(u.margin or 0, 3), u.spans
        (0.75, 1, 0.325, 2)
    """
    found = list(confidences)
    close = [closeness(c, threshold, window) for c in found]
    margin = sum(abs(c - threshold) for c in found) / len(found) if found else None
    return Uncertainty(sum(close), sum(1 for c in close if c > 0), margin, len(found))


@dataclass(frozen=True)
class QueueItem:
    """One article of the review queue, with its analysis's figures and its uncertainty."""

    key: str
    title: str | None
    source: str
    published: str | None
    score: float
    uncertainty: Uncertainty

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict.

        Example:
            >>> item = QueueItem("7", None, "(unknown)", None, 0.5, Uncertainty(1.0, 1, 0.0, 1))
            >>> item.to_dict()["uncertainty"], item.to_dict()["near"]
            (1.0, 1)
        """
        u = self.uncertainty
        return {
            "key": self.key,
            "title": self.title,
            "source": self.source,
            "published": self.published,
            "score": round(self.score, 4),
            "uncertainty": round(u.score, 4),
            "near": u.near,
            "margin": None if u.margin is None else round(u.margin, 4),
            "spans": u.spans,
        }


def _per_analysis(f: Filters, window: float) -> Any:
    """Per unlabelled analysis matching ``f``: uncertainty, borderline spans, mean
    distance to the threshold and spans, as in :func:`article_uncertainty`."""
    distance: ColumnElement[Any] = func.abs(spans.c.confidence - analyses.c.threshold)
    near = distance < window
    joined = spans.c.analysis_id == analyses.c.id
    if f.techniques:
        joined = and_(joined, spans.c.technique.in_(f.techniques))
    labelled = exists().where(human_annotations.c.article_id == analyses.c.article_id)
    return (
        select(
            analyses.c.id,
            func.coalesce(func.sum(case((near, 1.0 - distance / window), else_=0.0)), 0.0).label(
                "uncertainty"
            ),
            func.coalesce(func.sum(case((near, 1), else_=0)), 0).label("near"),
            func.avg(distance).label("margin"),
            func.count(spans.c.id).label("spans"),
        )
        .select_from(analyses.outerjoin(spans, joined))
        .where(*analysis_where(f), ~labelled)
        .group_by(analyses.c.id)
        .subquery()
    )


def review_queue(
    store: Store, filters: Filters, n: int = 50, window: float = NEAR_WINDOW
) -> list[QueueItem]:
    """The ``n`` unlabelled articles analysed (by the filters' model, else the latest
    stored one) whose spans lie nearest the threshold, most uncertain first.

    Raises:
        InputError: for ``n`` under 1 or a window outside (0, 1], or when no article is
            left to queue (none matches, or every one has human labels), saying which.

    Example:
        >>> review_queue(Store.open("sqlite://"), Filters())
        Traceback (most recent call last):
        ...
        spinscope._errors.InputError: the queue is empty: the store holds no analyses
    """
    if n < 1:
        raise InputError(f"-n {n}: give at least 1")
    if not 0 < window <= 1:
        raise InputError(f"window {window}: give a number above 0 and at most 1")
    f = resolve(store, filters)
    per = _per_analysis(f, window)
    q = (
        select(articles.c.key, articles.c.title, analyses.c.source, analyses.c.published)
        .add_columns(analyses.c.score, per.c.uncertainty, per.c.near, per.c.margin, per.c.spans)
        .select_from(per.join(analyses, analyses.c.id == per.c.id))
        .join(articles, articles.c.id == analyses.c.article_id)
        .order_by(per.c.uncertainty.desc(), func.coalesce(per.c.margin, 2.0), articles.c.key)
        .limit(n)
    )
    rows = select_rows(store, q)
    if not rows:
        raise InputError(f"the queue is empty: {_why_empty(store, f)}")
    return [
        QueueItem(
            r["key"],
            r["title"],
            source_name(r["source"]),
            r["published"],
            float(r["score"]),
            Uncertainty(
                float(r["uncertainty"]),
                int(r["near"]),
                None if r["margin"] is None else float(r["margin"]),
                int(r["spans"]),
            ),
        )
        for r in rows
    ]


def _why_empty(store: Store, f: Filters) -> str:
    """Why no article is queued under ``f`` (the model resolved), in words."""
    if not f.model_id:
        return "the store holds no analyses"
    with store.engine.connect() as conn:
        matching = int(
            conn.execute(
                select(func.count()).select_from(analyses).where(*analysis_where(f))
            ).scalar_one()
        )
    if not matching:
        return f"no analyses by model {f.model_id} match the filters"
    if matching == 1:
        return f"the one article analysed by model {f.model_id} has human labels"
    return f"every one of the {matching:,} articles analysed by model {f.model_id} has human labels"
