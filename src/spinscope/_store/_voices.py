"""Whose words the flagged text is: per source and per month, the characters and spans in
the article's own voice, attributed to someone, or of unknown voice; and the speakers whose
quotes carry the most techniques.

Voices are stored per span since migration 5 (``NULL``, *unknown*, for analyses stored
before it or by a model without an attribution head). Characters are summed over spans,
so text flagged by two techniques counts twice, as in the technique figures. The queries
group ``spans`` joined to ``analyses`` in SQL, reading the ``ix_spans_voice`` index.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select

from ._filters import Filters, select_rows, source_name, span_where
from ._schema import analyses, spans
from ._store import Store

VOICES = ("author", "attributed", "unknown")
UNKNOWN_VOICE = "unknown"


def _voice() -> ColumnElement[Any]:
    return func.coalesce(spans.c.voice, UNKNOWN_VOICE).label("voice")


def _by(store: Store, f: Filters, key: ColumnElement[Any], *where: Any) -> list[dict[str, Any]]:
    """Spans, characters and articles per value of ``key`` and voice."""
    voice = _voice()
    q = (
        select(
            key,
            voice,
            func.count().label("spans"),
            func.sum(spans.c.end - spans.c.start).label("chars"),
            func.count(spans.c.analysis_id.distinct()).label("articles"),
        )
        .select_from(spans.join(analyses, analyses.c.id == spans.c.analysis_id))
        .where(*span_where(f), *where)
        .group_by(key, voice)
    )
    return select_rows(store, q)


def _shares(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """``rows`` with each voice's share of its ``key``'s characters, in a stable order."""
    totals: dict[Any, int] = {}
    for r in rows:
        r["spans"], r["chars"], r["articles"] = int(r["spans"]), int(r["chars"]), int(r["articles"])
        totals[r[key]] = totals.get(r[key], 0) + r["chars"]
    for r in rows:
        r["share"] = r["chars"] / (totals[r[key]] or 1)
    return sorted(rows, key=lambda r: (r[key], VOICES.index(r["voice"])))


def voice_by_source(store: Store, f: Filters) -> list[dict[str, Any]]:
    """Per source and voice: spans, characters, articles, and share of the source's
    flagged characters."""
    rows = _by(store, f, analyses.c.source)
    for r in rows:
        r["source"] = source_name(r["source"])
    return _shares(rows, "source")


def voice_by_month(store: Store, f: Filters) -> list[dict[str, Any]]:
    """Per publication month and voice: spans, characters, articles, and share of the
    month's flagged characters."""
    month = func.substr(analyses.c.published, 1, 7).label("month")
    return _shares(_by(store, f, month, analyses.c.published.is_not(None)), "month")


def top_speakers(store: Store, f: Filters, limit: int = 10) -> list[dict[str, Any]]:
    """The named speakers whose quotes hold the most technique spans: spans, characters,
    articles quoting them, and spans per technique (most first)."""
    said = [*span_where(f), spans.c.voice == "attributed", spans.c.speaker.is_not(None)]
    joined = spans.join(analyses, analyses.c.id == spans.c.analysis_id)
    q = (
        select(
            spans.c.speaker,
            func.count().label("spans"),
            func.sum(spans.c.end - spans.c.start).label("chars"),
            func.count(spans.c.analysis_id.distinct()).label("articles"),
        )
        .select_from(joined)
        .where(*said)
        .group_by(spans.c.speaker)
        .order_by(func.count().desc(), spans.c.speaker)
        .limit(limit)
    )
    rows = select_rows(store, q)
    if not rows:
        return []
    names = [r["speaker"] for r in rows]
    per = (
        select(spans.c.speaker, spans.c.technique, func.count().label("n"))
        .select_from(joined)
        .where(*said, spans.c.speaker.in_(names))
        .group_by(spans.c.speaker, spans.c.technique)
    )
    used: dict[str, dict[str, int]] = {}
    for t in sorted(select_rows(store, per), key=lambda t: (-int(t["n"]), t["technique"])):
        used.setdefault(t["speaker"], {})[t["technique"]] = int(t["n"])
    for r in rows:
        r["spans"], r["chars"], r["articles"] = int(r["spans"]), int(r["chars"]), int(r["articles"])
        r["techniques"] = used.get(r["speaker"], {})
    return rows


def voices_known(rows: list[dict[str, Any]]) -> bool:
    """Whether any of the voice ``rows`` has a known voice.

    Example:
        >>> voices_known([{"voice": "unknown"}]), voices_known([{"voice": "author"}])
        (False, True)
    """
    return any(r["voice"] != UNKNOWN_VOICE for r in rows)
