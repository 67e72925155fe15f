"""Whom the flagged text aims at: per source, the names its spans target most.

Targets are stored per span since migration 7 (``spans.target``, the name as shown, e.g.
"Juan Guaido"; ``NULL`` for a span aimed at no one and for spans stored before it). The
query ranks the targets of each source in SQL with a window function (SQLite and
PostgreSQL alike), so a store with many sources and names returns only the top ones.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from ._filters import Filters, select_rows, source_name, span_where
from ._schema import analyses, spans
from ._store import Store


def _ranked(f: Filters, limit: int) -> Any:
    """Per source and target: spans, characters, articles, and the target's rank within
    its source (most spans first, then by name), the first ``limit`` of each source."""
    joined = spans.join(analyses, analyses.c.id == spans.c.analysis_id)
    per = (
        select(
            analyses.c.source,
            spans.c.target,
            func.count().label("spans"),
            func.sum(spans.c.end - spans.c.start).label("chars"),
            func.count(spans.c.analysis_id.distinct()).label("articles"),
        )
        .select_from(joined)
        .where(*span_where(f), spans.c.target.is_not(None))
        .group_by(analyses.c.source, spans.c.target)
        .subquery()
    )
    rank = (
        func.row_number()
        .over(partition_by=per.c.source, order_by=(per.c.spans.desc(), per.c.target))
        .label("rank")
    )
    ranked = select(per, rank).subquery()
    return select(ranked).where(ranked.c.rank <= limit)


def _techniques(
    store: Store, f: Filters, kept: set[tuple[str | None, str]]
) -> dict[tuple[str | None, str], dict[str, int]]:
    """Spans per technique of each (source, target) in ``kept``, most first."""
    joined = spans.join(analyses, analyses.c.id == spans.c.analysis_id)
    q = (
        select(analyses.c.source, spans.c.target, spans.c.technique, func.count().label("n"))
        .select_from(joined)
        .where(*span_where(f), spans.c.target.in_(sorted({t for _, t in kept})))
        .group_by(analyses.c.source, spans.c.target, spans.c.technique)
    )
    used: dict[tuple[str | None, str], dict[str, int]] = {}
    for r in sorted(select_rows(store, q), key=lambda r: (-int(r["n"]), r["technique"])):
        pair = (r["source"], r["target"])
        if pair in kept:  # the same name may be kept for one source and not another
            used.setdefault(pair, {})[r["technique"]] = int(r["n"])
    return used


def top_targets(store: Store, f: Filters, limit: int = 10) -> list[dict[str, Any]]:
    """Per source, the ``limit`` names its spans aim at most: spans, characters, articles
    and spans per technique (most first); sources in order, each one's targets by rank.

    Example:
        >>> from spinscope._store._filters import Filters
        >>> top_targets(Store.open("sqlite://"), Filters())
        []
    """
    rows = select_rows(store, _ranked(f, limit))
    if not rows:
        return []
    used = _techniques(store, f, {(r["source"], r["target"]) for r in rows})
    out = []
    for r in rows:
        techniques = used.get((r["source"], r["target"]), {})
        out.append(
            {
                "source": source_name(r["source"]),
                "rank": int(r["rank"]),
                "target": r["target"],
                "spans": int(r["spans"]),
                "chars": int(r["chars"]),
                "articles": int(r["articles"]),
                "techniques": techniques,
            }
        )
    return sorted(out, key=lambda r: (r["source"], r["rank"]))
