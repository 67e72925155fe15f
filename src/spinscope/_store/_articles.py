"""Single articles and article search: one stored article with its analysis, a page of
articles matching a text query and filters, and the techniques of a page of articles.

The text query goes to the database's full-text index (see :mod:`._search`): every word
and quoted phrase must occur in the title or text, and nothing in it is query syntax.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from .._pipeline import Analysis, build_analysis
from ._filters import Filters, analysis_where, select_rows, source_name
from ._records import ArticleRecord, clean, stored_attributions, stored_span
from ._schema import analyses, articles, spans, technique_counts
from ._search import text_match
from ._store import Store


@dataclass(frozen=True)
class StoredAnalysis:
    """An article read back from the store with one of its analyses."""

    article: ArticleRecord
    analysis: Analysis
    created_at: str
    run_id: int | None


def get_article(store: Store, key: str, model_id: str | None = None) -> StoredAnalysis | None:
    """The article stored under ``key`` with its analysis by ``model_id`` (the latest one
    when ``None``); ``None`` when there is no such article or analysis.

    Spans come back with their voice and target when they were stored (see
    :func:`stored_span`); the analysis's ``attributions`` are then the rebuilt ones, else
    ``None``.
    """
    with store.engine.connect() as conn:
        q = (
            select(
                articles,
                analyses.c.id.label("analysis_id"),
                analyses.c.model_id,
                analyses.c.threshold,
                analyses.c.warnings,
                analyses.c.created_at,
                analyses.c.run_id,
            )
            .join(analyses, analyses.c.article_id == articles.c.id)
            .where(articles.c.key == clean(key))
            .order_by(analyses.c.id.desc())
            .limit(1)
        )
        if model_id:
            q = q.where(analyses.c.model_id == clean(model_id))
        row = conn.execute(q).first()
        if row is None:
            return None
        stored = conn.execute(select(spans).where(spans.c.analysis_id == row.analysis_id)).all()
    found = [
        stored_span(
            row.text,
            *(s.start, s.end, s.technique, s.confidence, s.voice, s.speaker, s.cue),
            *(s.target_start, s.target_end, s.target),
        )
        for s in stored
    ]
    said = stored_attributions(found, [s.voice for s in stored])
    record = ArticleRecord(row.key, row.text, row.title, row.source, row.url, row.published)
    warnings = json.loads(row.warnings)
    analysis = build_analysis(row.text, found, row.model_id, row.threshold, warnings, (), said)
    return StoredAnalysis(record, analysis, row.created_at, row.run_id)


def search_articles(
    store: Store, f: Filters, query: str = "", limit: int = 50, offset: int = 0
) -> tuple[int, list[dict[str, Any]]]:
    """Articles matching ``query`` (every word and ``"quoted phrase"`` of it in the title
    or text, whole words, case-insensitive) and the filters, highest score first; the
    total number of matches and one page of them."""
    a = analyses
    cond = analysis_where(f)
    found = text_match(store.dialect, query)
    if found is not None:
        cond.append(found)
    base = select(a.c.id).join(articles, articles.c.id == a.c.article_id).where(*cond)
    q = (
        select(
            articles.c.key,
            articles.c.title,
            articles.c.url,
            a.c.source,
            a.c.published,
            a.c.score,
            a.c.coverage,
            a.c.n_spans,
            func.substr(articles.c.text, 1, 200).label("snippet"),
        )
        .join(articles, articles.c.id == a.c.article_id)
        .where(*cond)
        .order_by(a.c.score.desc(), articles.c.key)
        .limit(limit)
        .offset(offset)
    )
    with store.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(base.subquery())).scalar() or 0
    rows = select_rows(store, q)
    for r in rows:
        r["source"] = source_name(r["source"])
    return int(total), rows


def article_techniques(store: Store, model_id: str, keys: list[str]) -> dict[str, dict[str, int]]:
    """Spans per technique in the analyses of ``keys`` by ``model_id``, most used first.

    For one page of a listing: the keys are few, so one ``IN`` query answers them all.
    """
    if not keys:
        return {}
    t = technique_counts
    q = (
        select(articles.c.key, t.c.technique, t.c.n)
        .select_from(t)
        .join(analyses, analyses.c.id == t.c.analysis_id)
        .join(articles, articles.c.id == analyses.c.article_id)
        .where(t.c.model_id == model_id, articles.c.key.in_(keys))
        .order_by(articles.c.key, t.c.n.desc(), t.c.technique)
    )
    found: dict[str, dict[str, int]] = {}
    for r in select_rows(store, q):
        found.setdefault(r["key"], {})[r["technique"]] = int(r["n"])
    return found
