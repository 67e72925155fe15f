"""What the charts of a :class:`Report` draw, shaped from its rows: pure functions, tested
on their own (empty store included) apart from the drawing in :mod:`._charts`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._techniques import TECHNIQUES

if TYPE_CHECKING:
    from .._store import Report

TOP_SOURCES = 12
TOP_TECHNIQUES = 6


@dataclass(frozen=True)
class SourceShares:
    """Rows of the per-source chart: the share of each technique in each source's spans.

    Attributes:
        sources: The sources shown, most articles first.
        articles: Articles analyzed per shown source.
        techniques: The stacked techniques, most frequent overall first.
        shares: ``shares[i][j]``: share of technique ``j`` in source ``i``'s spans.
        hidden: How many sources with spans are left out.
    """

    sources: list[str]
    articles: list[int]
    techniques: list[str]
    shares: list[list[float]]
    hidden: int


@dataclass(frozen=True)
class MonthSeries:
    """Rows of the over-time chart.

    Attributes:
        months: Every month with spans, in order (``YYYY-MM``).
        spans: All spans per month.
        techniques: The techniques drawn, most frequent first.
        shares: ``shares[technique][i]``: its share of month ``i``'s spans.
    """

    months: list[str]
    spans: list[int]
    techniques: list[str]
    shares: dict[str, list[float]]


def source_shares(report: Report, top: int = TOP_SOURCES) -> SourceShares:
    """The ``top`` sources by articles analyzed, with their technique shares.

    Example:
        >>> from spinscope._store import Filters, Store, build_report
        >>> source_shares(build_report(Store.open("sqlite://"), Filters())).sources
        []
    """
    cells: dict[str, dict[str, float]] = {}
    for r in report.sources:
        cells.setdefault(r["source"], {})[r["technique"]] = r["share"]
    ranked = sorted(
        (r for r in report.coverage if r["source"] in cells),
        key=lambda r: (-r["articles"], r["source"]),
    )
    shown = ranked[:top]
    totals: dict[str, int] = {}
    for r in report.sources:
        if any(r["source"] == s["source"] for s in shown):
            totals[r["technique"]] = totals.get(r["technique"], 0) + r["spans"]
    techniques = sorted((t for t, n in totals.items() if n), key=lambda t: (-totals[t], t))
    return SourceShares(
        [r["source"] for r in shown],
        [int(r["articles"]) for r in shown],
        techniques,
        [[cells[r["source"]].get(t, 0.0) for t in techniques] for r in shown],
        len(ranked) - len(shown),
    )


def month_series(report: Report, top: int = TOP_TECHNIQUES) -> MonthSeries:
    """Per month, all spans and the share of each of the ``top`` techniques over the period.

    Example:
        >>> from spinscope._store import Filters, Store, build_report
        >>> month_series(build_report(Store.open("sqlite://"), Filters())).months
        []
    """
    months = sorted({r["month"] for r in report.months})
    index = {m: i for i, m in enumerate(months)}
    spans = [0] * len(months)
    totals: dict[str, int] = {}
    for r in report.months:
        spans[index[r["month"]]] += r["spans"]
        totals[r["technique"]] = totals.get(r["technique"], 0) + r["spans"]
    techniques = sorted(totals, key=lambda t: (-totals[t], t))[:top]
    shares = {t: [0.0] * len(months) for t in techniques}
    for r in report.months:
        if r["technique"] in shares:
            shares[r["technique"]][index[r["month"]]] = r["share"]
    return MonthSeries(months, spans, techniques, shares)


@dataclass(frozen=True)
class TechniqueTotal:
    """One bar of the totals chart."""

    technique: str
    spans: int
    share: float
    articles: int


def technique_totals(report: Report) -> list[TechniqueTotal]:
    """Spans, share and articles of every technique the filters allow, most spans first.

    Techniques without spans are kept (with 0): their absence is a finding too.

    Example:
        >>> from spinscope._store import Filters, Store, build_report
        >>> rows = technique_totals(build_report(Store.open("sqlite://"), Filters()))
        >>> len(rows), rows[0].spans
        (14, 0)
    """
    found = {r["technique"]: r for r in report.techniques}
    wanted = report.filters.techniques or tuple(t.name for t in TECHNIQUES)
    rows = [
        TechniqueTotal(t, int(r["spans"]), float(r["share"]), int(r["articles"]))
        if (r := found.get(t))
        else TechniqueTotal(t, 0, 0.0, 0)
        for t in wanted
    ]
    return sorted(rows, key=lambda r: (-r.spans, r.technique))
