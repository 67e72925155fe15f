"""Every stored analysis matching some filters, read page by page for exports.

Keyset pagination on ``analyses.id`` (never ``OFFSET``) keeps each page as cheap as the
first, and memory bounded by one page of articles however large the store is.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, select

from .._pipeline import Span, Statement
from ._filters import Filters, analysis_where, resolve
from ._records import ArticleRecord, clean, stored_attributions, stored_span
from ._schema import analyses, articles, spans
from ._store import Store

PAGE_SIZE = 200


@dataclass(frozen=True)
class AnalysisRow:
    """One stored analysis as exported: the article, the stored figures and its spans.

    ``score`` and ``coverage`` are the article-level figures as stored, even when a
    technique filter keeps only some of ``spans``. ``attributions`` is ``None`` when the
    spans' voices are unknown, else the attributions rebuilt from them (see
    :func:`~._records.stored_span`), for an ``Analysis`` that shows each span's voice.
    """

    article: ArticleRecord
    model_id: str
    threshold: float
    score: float
    coverage: float
    created_at: str
    spans: tuple[Span, ...]
    attributions: tuple[Statement, ...] | None = None


def iter_analyses(
    store: Store,
    filters: Filters,
    page_size: int = PAGE_SIZE,
    keys: Collection[str] | None = None,
) -> Iterator[AnalysisRow]:
    """Every analysis matching ``filters``, oldest stored first, ``page_size`` at a time.

    With ``filters.techniques``, only articles using one of them come, each with only the
    spans of those techniques. With ``keys``, only the articles stored under those keys
    (``spinscope queue -f ids`` lists some).

    Example:
        >>> list(iter_analyses(Store.open("sqlite://"), Filters()))
        []
    """
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    f = resolve(store, filters)
    only = None if keys is None else sorted({clean(k) for k in keys})
    last = 0
    while True:
        # A connection per page: an export abandoned half way holds no connection open.
        with store.engine.connect() as conn:
            page = conn.execute(_page(f, last, page_size, only)).all()
            if not page:
                return
            found = _spans_of(conn, [r.id for r in page], f.techniques)
        for r in page:
            record = ArticleRecord(r.key, r.text, r.title, r.source, r.url, r.published)
            rows = found.get(r.id, [])
            kept = tuple(stored_span(r.text, *s) for s in rows)
            yield AnalysisRow(
                record,
                r.model_id,
                r.threshold,
                r.score,
                r.coverage,
                r.created_at,
                kept,
                stored_attributions(kept, [s[4] for s in rows]),
            )
        if len(page) < page_size:
            return
        last = page[-1].id


def _page(f: Filters, after: int, size: int, keys: list[str] | None) -> Select[Any]:
    """The next ``size`` analyses matching ``f`` (of the articles ``keys`` only, unless
    ``None``) with an id above ``after``, and their articles."""
    a = analyses
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
        .where(*analysis_where(f), a.c.id > after)
        .order_by(a.c.id)
        .limit(size)
    )
    return q if keys is None else q.where(articles.c.key.in_(keys))


# A stored span: start, end, technique, confidence, voice, speaker, cue, and its target's
# start, end and name.
SpanRow = tuple[
    int, int, str, float, str | None, str | None, str | None, int | None, int | None, str | None
]


def _spans_of(
    conn: Connection, ids: Sequence[int], techniques: tuple[str, ...]
) -> dict[int, list[SpanRow]]:
    """The spans of the analyses ``ids`` (of ``techniques`` only, when given), in order."""
    q = (
        select(
            spans.c.analysis_id,
            spans.c.start,
            spans.c.end,
            spans.c.technique,
            spans.c.confidence,
            spans.c.voice,
            spans.c.speaker,
            spans.c.cue,
            spans.c.target_start,
            spans.c.target_end,
            spans.c.target,
        )
        .where(spans.c.analysis_id.in_(ids))
        .order_by(spans.c.analysis_id, spans.c.start, spans.c.end, spans.c.technique)
    )
    if techniques:
        q = q.where(spans.c.technique.in_(techniques))
    found: dict[int, list[SpanRow]] = {}
    for s in conn.execute(q):
        found.setdefault(s.analysis_id, []).append(
            (
                s.start,
                s.end,
                s.technique,
                s.confidence,
                s.voice,
                s.speaker,
                s.cue,
                s.target_start,
                s.target_end,
                s.target,
            )
        )
    return found
