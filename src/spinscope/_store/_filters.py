"""Which analyses a question is about: :class:`Filters`, their SQL conditions, and what a
store offers to filter on (its models and sources, and the model stored last).

Every question of :mod:`._queries`, :mod:`._articles` and :mod:`._stream` narrows its
rows with the conditions built here, so a filter means the same in a report, a search and
an export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, exists, or_, select

from .._errors import InputError
from .._techniques import get_technique
from ._records import clean, clean_optional
from ._schema import analyses, spans, technique_counts
from ._store import Store

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

    A NUL in a model or source becomes U+FFFD, as in stored fields (see ``clean``).

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
        # PostgreSQL refuses NUL in a query parameter as in a stored value.
        object.__setattr__(self, "model_id", clean_optional(self.model_id))
        object.__setattr__(self, "sources", tuple(clean(s) for s in self.sources))

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


def models(store: Store) -> list[str]:
    """Every model with a stored analysis, sorted."""
    with store.engine.connect() as conn:
        return sorted(conn.execute(select(analyses.c.model_id).distinct()).scalars())


def sources(store: Store, model_id: str | None = None) -> list[str]:
    """Every source with an analysis (of ``model_id`` when given), sorted."""
    q = select(analyses.c.source).distinct()
    if model_id:
        q = q.where(analyses.c.model_id == clean(model_id))
    with store.engine.connect() as conn:
        return sorted(source_name(s) for s in conn.execute(q).scalars())


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


def analysis_where(f: Filters) -> list[Any]:
    """The conditions on ``analyses`` rows (one per article) that ``f`` keeps."""
    cond = _where(analyses, f)
    if f.techniques:
        t = technique_counts
        cond.append(
            exists().where(and_(t.c.analysis_id == analyses.c.id, t.c.technique.in_(f.techniques)))
        )
    return cond


def span_where(f: Filters) -> list[Any]:
    """The conditions on ``spans`` joined to their ``analyses`` that ``f`` keeps."""
    cond = _where(analyses, f)
    if f.techniques:
        cond.append(spans.c.technique.in_(f.techniques))
    return cond


def count_where(f: Filters) -> list[Any]:
    """The conditions on ``technique_counts`` rows (one per article and technique)."""
    cond = _where(technique_counts, f)
    if f.techniques:
        cond.append(technique_counts.c.technique.in_(f.techniques))
    return cond


def select_rows(store: Store, q: Select[Any]) -> list[dict[str, Any]]:
    """The rows of ``q`` as dicts."""
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def source_name(value: str | None) -> str:
    """A stored source as shown: :data:`UNKNOWN_SOURCE` for none."""
    return UNKNOWN_SOURCE if value is None else value
