"""Questions asked of a results store: technique counts and shares, per source and month,
the most propagandistic articles, coverage per source, search and single articles.

Counts come from the ``technique_counts`` rollup and article figures from ``analyses``
(which carries copies of source and date), so no report query joins large tables.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select

from .._errors import InputError
from .._pipeline import Analysis, Span, build_analysis
from .._techniques import get_technique
from ._schema import analyses, articles, runs, spans, technique_counts
from ._store import ArticleRecord, Store

UNKNOWN_SOURCE = "(unknown)"
_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def _is_date(value: str) -> bool:
    """Whether ``value`` is a real ``YYYY-MM`` or ``YYYY-MM-DD`` (not ``2020-13``)."""
    if not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value if len(value) == 10 else value + "-01")
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Filters:
    """Which analyses a question is about.

    Attributes:
        model_id: Analyses of this model; the most recently stored model's when ``None``.
        sources: Only these sources (empty: all).
        date_from: Published on or after (``YYYY-MM`` or ``YYYY-MM-DD``).
        date_to: Published on or before (a month includes all of its days).
        techniques: Only these techniques (labels, parts or titles; empty: all).

    Example:
        >>> Filters(date_from="2020-01", techniques=("loaded language",)).techniques
        ('Loaded_Language',)
    """

    model_id: str | None = None
    sources: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    techniques: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for name, value in (("from", self.date_from), ("to", self.date_to)):
            if value is not None and not _is_date(value):
                raise InputError(f"date {name} {value!r}: use YYYY-MM or YYYY-MM-DD")
        names = tuple(get_technique(t).name for t in self.techniques)
        object.__setattr__(self, "techniques", names)

    def upper_date(self) -> str | None:
        # "2020-03" must include "2020-03-31": compare against the month's last possible day.
        if self.date_to is None:
            return None
        return self.date_to + "-99" if len(self.date_to) == 7 else self.date_to

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model_id,
            "sources": list(self.sources),
            "from": self.date_from,
            "to": self.date_to,
            "techniques": list(self.techniques),
        }


def latest_model(store: Store) -> str | None:
    """The model of the most recently stored analysis."""
    with store.engine.connect() as conn:
        q = select(analyses.c.model_id).order_by(analyses.c.id.desc()).limit(1)
        return conn.execute(q).scalar()


def resolve(store: Store, filters: Filters) -> Filters:
    """``filters`` with the model filled in (the latest when unset)."""
    if filters.model_id is not None:
        return filters
    return Filters(
        latest_model(store) or "",
        filters.sources,
        filters.date_from,
        filters.date_to,
        filters.techniques,
    )


def _where(table: Any, f: Filters) -> list[Any]:
    cond = [table.c.model_id == f.model_id]
    if f.sources:
        named = [s for s in f.sources if s != UNKNOWN_SOURCE]
        either = [table.c.source.in_(named)]
        if UNKNOWN_SOURCE in f.sources:
            either.append(table.c.source.is_(None))
        cond.append(or_(*either))
    if f.date_from:
        cond.append(table.c.published >= f.date_from)
    upper = f.upper_date()
    if upper:
        cond.append(table.c.published <= upper)
    return cond


def _analysis_where(f: Filters) -> list[Any]:
    cond = _where(analyses, f)
    if f.techniques:
        t = technique_counts
        cond.append(
            exists().where(and_(t.c.analysis_id == analyses.c.id, t.c.technique.in_(f.techniques)))
        )
    return cond


def _count_where(f: Filters) -> list[Any]:
    cond = _where(technique_counts, f)
    if f.techniques:
        cond.append(technique_counts.c.technique.in_(f.techniques))
    return cond


def _rows(store: Store, q: Select[Any]) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def _source(value: str | None) -> str:
    return UNKNOWN_SOURCE if value is None else value


def technique_totals(store: Store, f: Filters) -> list[dict[str, Any]]:
    """Per technique: spans, articles using it, and its share of all spans."""
    t = technique_counts
    q = (
        select(
            t.c.technique,
            func.sum(t.c.n).label("spans"),
            func.count().label("articles"),
            func.sum(t.c.chars).label("chars"),
        )
        .where(*_count_where(f))
        .group_by(t.c.technique)
    )
    rows = _rows(store, q)
    total = sum(r["spans"] for r in rows) or 1
    for r in rows:
        r["spans"] = int(r["spans"])
        r["chars"] = int(r["chars"])
        r["share"] = r["spans"] / total
    return sorted(rows, key=lambda r: (-r["spans"], r["technique"]))


def by_source(store: Store, f: Filters) -> list[dict[str, Any]]:
    """Per source and technique: spans, articles using it, and the technique's share of that
    source's spans."""
    t = technique_counts
    q = (
        select(
            t.c.source,
            t.c.technique,
            func.sum(t.c.n).label("spans"),
            func.count().label("articles"),
        )
        .where(*_count_where(f))
        .group_by(t.c.source, t.c.technique)
    )
    return _shares(_rows(store, q), "source")


def by_month(store: Store, f: Filters) -> list[dict[str, Any]]:
    """Per publication month and technique: spans, articles using it, and share of that
    month's spans."""
    t = technique_counts
    month = func.substr(t.c.published, 1, 7).label("month")
    q = (
        select(
            month,
            t.c.technique,
            func.sum(t.c.n).label("spans"),
            func.count().label("articles"),
        )
        .where(*_count_where(f), t.c.published.is_not(None))
        .group_by(month, t.c.technique)
    )
    return _shares(_rows(store, q), "month")


def _shares(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    totals: dict[Any, int] = {}
    for r in rows:
        r["spans"] = int(r["spans"])
        r["articles"] = int(r["articles"])
        if key == "source":
            r["source"] = _source(r["source"])
        totals[r[key]] = totals.get(r[key], 0) + r["spans"]
    for r in rows:
        r["share"] = r["spans"] / (totals[r[key]] or 1)
    return sorted(rows, key=lambda r: (r[key], -r["spans"], r["technique"]))


def source_coverage(store: Store, f: Filters) -> list[dict[str, Any]]:
    """Per source: articles, spans, mean score and the share of its text inside spans."""
    a = analyses
    q = (
        select(
            a.c.source,
            func.count().label("articles"),
            func.sum(a.c.n_spans).label("spans"),
            func.avg(a.c.score).label("mean_score"),
            func.sum(a.c.coverage * a.c.n_chars).label("covered"),
            func.sum(a.c.n_chars).label("chars"),
        )
        .where(*_analysis_where(f))
        .group_by(a.c.source)
    )
    rows = _rows(store, q)
    for r in rows:
        r["source"] = _source(r["source"])
        r["spans"] = int(r["spans"] or 0)
        r["mean_score"] = float(r["mean_score"] or 0.0)
        r["coverage"] = float(r.pop("covered") or 0.0) / (r.pop("chars") or 1)
    return sorted(rows, key=lambda r: (-r["coverage"], r["source"]))


def top_articles(store: Store, f: Filters, limit: int = 10) -> list[dict[str, Any]]:
    """The articles with the highest overall scores."""
    a = analyses
    q = (
        select(
            articles.c.key,
            articles.c.title,
            a.c.source,
            a.c.published,
            a.c.score,
            a.c.coverage,
            a.c.n_spans,
        )
        .join(articles, articles.c.id == a.c.article_id)
        .where(*_analysis_where(f))
        .order_by(a.c.score.desc(), articles.c.key)
        .limit(limit)
    )
    rows = _rows(store, q)
    for r in rows:
        r["source"] = _source(r["source"])
    return rows


def overview(store: Store, f: Filters) -> dict[str, Any]:
    """How much the store holds: articles, analyses of the model, models, sources, dates."""
    a = analyses
    with store.engine.connect() as conn:
        n_articles = conn.execute(select(func.count()).select_from(articles)).scalar() or 0
        models = list(conn.execute(select(a.c.model_id).distinct()).scalars())
        row = conn.execute(
            select(
                func.count().label("analyses"),
                func.count(a.c.source.distinct()).label("sources"),
                func.min(a.c.published).label("first"),
                func.max(a.c.published).label("last"),
                func.sum(a.c.n_spans).label("spans"),
            ).where(*_analysis_where(f))
        ).one()
        n_runs = conn.execute(select(func.count()).select_from(runs)).scalar() or 0
    return {
        "articles": int(n_articles),
        "analyses": int(row.analyses),
        "spans": int(row.spans or 0),
        "sources": int(row.sources),
        "first_published": row.first,
        "last_published": row.last,
        "models": sorted(models),
        "runs": int(n_runs),
    }


def sources(store: Store, model_id: str | None = None) -> list[str]:
    """Every source with an analysis (of ``model_id`` when given), sorted."""
    q = select(analyses.c.source).distinct()
    if model_id:
        q = q.where(analyses.c.model_id == model_id)
    with store.engine.connect() as conn:
        return sorted(_source(s) for s in conn.execute(q).scalars())


@dataclass(frozen=True)
class Report:
    """Every answer of ``spinscope report`` for one set of filters."""

    filters: Filters
    overview: dict[str, Any]
    techniques: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    months: list[dict[str, Any]]
    coverage: list[dict[str, Any]]
    top: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "filters": self.filters.to_dict(),
            "overview": self.overview,
            "techniques": self.techniques,
            "by_source": self.sources,
            "by_month": self.months,
            "coverage_by_source": self.coverage,
            "top_articles": self.top,
        }


def build_report(store: Store, filters: Filters, top: int = 10) -> Report:
    """All report sections for ``filters``.

    Example:
        >>> r = build_report(Store.open("sqlite://"), Filters())
        >>> r.overview["analyses"], r.techniques
        (0, [])
    """
    f = resolve(store, filters)
    return Report(
        f,
        overview(store, f),
        technique_totals(store, f),
        by_source(store, f),
        by_month(store, f),
        source_coverage(store, f),
        top_articles(store, f, top),
    )


@dataclass(frozen=True)
class StoredAnalysis:
    """An article read back from the store with one of its analyses."""

    article: ArticleRecord
    analysis: Analysis
    created_at: str
    run_id: int | None


def get_article(store: Store, key: str, model_id: str | None = None) -> StoredAnalysis | None:
    """The article stored under ``key`` with its analysis by ``model_id`` (the latest one
    when ``None``); ``None`` when there is no such article or analysis."""
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
            .where(articles.c.key == key)
            .order_by(analyses.c.id.desc())
            .limit(1)
        )
        if model_id:
            q = q.where(analyses.c.model_id == model_id)
        row = conn.execute(q).first()
        if row is None:
            return None
        found = [
            Span(s.start, s.end, s.technique, s.confidence)
            for s in conn.execute(select(spans).where(spans.c.analysis_id == row.analysis_id))
        ]
    record = ArticleRecord(row.key, row.text, row.title, row.source, row.url, row.published)
    analysis = build_analysis(
        row.text, found, row.model_id, row.threshold, json.loads(row.warnings)
    )
    return StoredAnalysis(record, analysis, row.created_at, row.run_id)


def search_articles(
    store: Store, f: Filters, query: str = "", limit: int = 50, offset: int = 0
) -> tuple[int, list[dict[str, Any]]]:
    """Articles matching ``query`` (in title or text, case-insensitive) and the filters,
    highest score first; the total number of matches and one page of them."""
    a = analyses
    cond = _analysis_where(f)
    if query.strip():
        like = f"%{query.strip().lower()}%"
        cond.append(
            or_(func.lower(articles.c.title).like(like), func.lower(articles.c.text).like(like))
        )
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
    rows = _rows(store, q)
    for r in rows:
        r["source"] = _source(r["source"])
    return int(total), rows


def models(store: Store) -> list[str]:
    """Every model with a stored analysis, sorted."""
    with store.engine.connect() as conn:
        return sorted(conn.execute(select(analyses.c.model_id).distinct()).scalars())


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
    for r in _rows(store, q):
        found.setdefault(r["key"], {})[r["technique"]] = int(r["n"])
    return found
