"""Writing one result into a results store: its article (once per key), its analysis
(once per article and model), its spans and the per-technique rollup that reports read.

Inserts use ``ON CONFLICT DO NOTHING`` on the unique keys, so a result saved twice, by a
resumed run or by two runs at once, is stored once. Every string goes through
:func:`~._records.clean` (NUL becomes U+FFFD), so one odd article cannot fail a chunk.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from .._pipeline import Analysis, Span
from ._records import ArticleRecord, Result, clean, clean_optional
from ._schema import NAME_CHARS, analyses, articles, spans, technique_counts

# The stored article a new analysis refers to: id, source, published, n_chars.
Stored = Row[int, str | None, str | None, int]


def now() -> str:
    """The current UTC time as an ISO string (how the store keeps times)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _insert(conn: Connection, table: Any) -> Any:
    """An ``INSERT`` with ``on_conflict_do_nothing`` in the connection's dialect."""
    module = postgresql if conn.dialect.name == "postgresql" else sqlite
    return module.insert(table)


def save_result(conn: Connection, run_id: int | None, r: Result) -> int:
    """Store ``r`` in the transaction of ``conn``; 1 when its analysis is new, else 0."""
    article = _save_article(conn, r.article)
    an = r.analysis
    analysis_id = conn.execute(
        _insert(conn, analyses)
        .values(
            article_id=article.id,
            model_id=clean(an.model_id),
            run_id=run_id,
            created_at=now(),
            threshold=an.threshold,
            score=an.summary.score,
            coverage=an.summary.coverage,
            n_spans=an.summary.n_spans,
            seconds=r.seconds,
            warnings=json.dumps(list(an.warnings)),
            source=article.source,
            published=article.published,
            n_chars=article.n_chars,
        )
        .on_conflict_do_nothing(index_elements=["article_id", "model_id"])
        .returning(analyses.c.id)
    ).scalar()
    if analysis_id is None:
        return 0
    if an.spans:
        _save_spans(conn, analysis_id, an, article)
    return 1


def _save_article(conn: Connection, a: ArticleRecord) -> Stored:
    """Store ``a`` unless its key is stored; the stored row's id, source, date and size."""
    conn.execute(
        _insert(conn, articles)
        .values(
            key=clean(a.key),
            title=clean_optional(a.title),
            source=clean_optional(a.source),
            url=clean_optional(a.url),
            published=clean_optional(a.published),
            text=clean(a.text),
            n_chars=len(a.text),
            added_at=now(),
        )
        .on_conflict_do_nothing(index_elements=["key"])
    )
    return conn.execute(
        select(articles.c.id, articles.c.source, articles.c.published, articles.c.n_chars).where(
            articles.c.key == clean(a.key)
        )
    ).one()


def _name(value: str | None) -> str | None:
    return None if value is None else clean(value)[:NAME_CHARS]


def voice_columns(span: Span, known: bool) -> dict[str, str | None]:
    """The stored ``voice``, ``speaker`` and ``cue`` of ``span``; all ``None`` unless
    ``known`` (the analysis comes from a model with an attribution head).

    Example:
        >>> voice_columns(Span(0, 4, "Doubt", 0.5), True)
        {'voice': 'author', 'speaker': None, 'cue': None}
    """
    if not known:
        return {"voice": None, "speaker": None, "cue": None}
    return {"voice": span.voice, "speaker": _name(span.speaker), "cue": _name(span.cue)}


def target_columns(span: Span) -> dict[str, int | str | None]:
    """The stored ``target_start``, ``target_end`` and ``target`` (its name as shown) of
    ``span``; all ``None`` when it aims at no one.

    Example:
        >>> from spinscope._pipeline import Target
        >>> target_columns(Span(9, 15, "Doubt", 0.5, target=Target(0, 8, "Ann\\n Lee")))
        {'target_start': 0, 'target_end': 8, 'target': 'Ann Lee'}
    """
    t = span.target
    if t is None:
        return {"target_start": None, "target_end": None, "target": None}
    return {"target_start": t.start, "target_end": t.end, "target": _name(t.shown)}


def _save_spans(conn: Connection, analysis_id: int, an: Analysis, article: Stored) -> None:
    """The spans of ``an`` (with their voice when the model looked for it, and their
    target) and their count
    and length per technique."""
    known = an.attributions is not None
    conn.execute(
        insert(spans),
        [
            {
                "analysis_id": analysis_id,
                "start": s.start,
                "end": s.end,
                "technique": clean(s.technique),
                "confidence": s.confidence,
                **voice_columns(s, known),
                **target_columns(s),
            }
            for s in an.spans
        ],
    )
    per: dict[str, list[int]] = {}
    for s in an.spans:
        n_chars = per.setdefault(s.technique, [0, 0])
        n_chars[0] += 1
        n_chars[1] += s.end - s.start
    conn.execute(
        insert(technique_counts),
        [
            {
                "analysis_id": analysis_id,
                "technique": clean(t),
                "model_id": clean(an.model_id),
                "source": article.source,
                "published": article.published,
                "n": n,
                "chars": chars,
            }
            for t, (n, chars) in per.items()
        ],
    )
