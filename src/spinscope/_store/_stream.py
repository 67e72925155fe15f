"""Every stored analysis matching some filters, read page by page for exports.

Keyset pagination on ``analyses.id`` (never ``OFFSET``) keeps each page as cheap as the
first, and memory bounded by one page of articles however large the store is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from .._pipeline import Span
from ._queries import Filters, _analysis_where, resolve
from ._schema import analyses, articles, spans
from ._store import ArticleRecord, Store

PAGE_SIZE = 200


@dataclass(frozen=True)
class AnalysisRow:
    """One stored analysis as exported: the article, the stored figures and its spans.

    ``score`` and ``coverage`` are the article-level figures as stored, even when a
    technique filter keeps only some of ``spans``.
    """

    article: ArticleRecord
    model_id: str
    threshold: float
    score: float
    coverage: float
    created_at: str
    spans: tuple[Span, ...]


def iter_analyses(
    store: Store, filters: Filters, page_size: int = PAGE_SIZE
) -> Iterator[AnalysisRow]:
    """Every analysis matching ``filters``, oldest stored first, ``page_size`` at a time.

    With ``filters.techniques``, only articles using one of them come, each with only the
    spans of those techniques.

    Example:
        >>> list(iter_analyses(Store.open("sqlite://"), Filters()))
        []
    """
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    f = resolve(store, filters)
    a = analyses
    last = 0
    while True:
        q = (
            select(
                a.c.id,
                a.c.model_id,
                a.c.threshold,
                a.c.score,
                a.c.coverage,
                a.c.created_at,
                articles.c.key,
                articles.c.text,
                articles.c.title,
                articles.c.source,
                articles.c.url,
                articles.c.published,
            )
            .join(articles, articles.c.id == a.c.article_id)
            .where(*_analysis_where(f), a.c.id > last)
            .order_by(a.c.id)
            .limit(page_size)
        )
        # A connection per page: an export abandoned half way holds no connection open.
        with store.engine.connect() as conn:
            page = conn.execute(q).all()
            if not page:
                return
            sq = (
                select(
                    spans.c.analysis_id,
                    spans.c.start,
                    spans.c.end,
                    spans.c.technique,
                    spans.c.confidence,
                )
                .where(spans.c.analysis_id.in_([r.id for r in page]))
                .order_by(spans.c.analysis_id, spans.c.start, spans.c.end, spans.c.technique)
            )
            if f.techniques:
                sq = sq.where(spans.c.technique.in_(f.techniques))
            found: dict[int, list[Span]] = {}
            for s in conn.execute(sq):
                found.setdefault(s.analysis_id, []).append(
                    Span(s.start, s.end, s.technique, s.confidence)
                )
        for r in page:
            record = ArticleRecord(r.key, r.text, r.title, r.source, r.url, r.published)
            yield AnalysisRow(
                record,
                r.model_id,
                r.threshold,
                r.score,
                r.coverage,
                r.created_at,
                tuple(found.get(r.id, ())),
            )
        if len(page) < page_size:
            return
        last = page[-1].id
