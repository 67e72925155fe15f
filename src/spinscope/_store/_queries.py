"""The questions of ``spinscope report`` and the dashboard: technique counts and shares,
per source and month, coverage per source, the most propagandistic articles, an overview
of what the store holds, and (from :mod:`._voices`) whose voice the flagged text is.

For notebooks, :func:`report_frames` makes every section a pandas data frame (pandas, an
optional extra, is imported only then).

Counts come from the ``technique_counts`` rollup and article figures from ``analyses``
(which carries copies of source and date), so no report query joins large tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from .._pipeline import html_of, missing_pandas
from ._filters import Filters, analysis_where, count_where, resolve, select_rows, source_name
from ._schema import analyses, articles, runs, technique_counts
from ._store import Store
from ._targets import top_targets
from ._voices import top_speakers, voice_by_month, voice_by_source, voices_known

if TYPE_CHECKING:
    import pandas as pd


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
        .where(*count_where(f))
        .group_by(t.c.technique)
    )
    rows = select_rows(store, q)
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
        .where(*count_where(f))
        .group_by(t.c.source, t.c.technique)
    )
    return _shares(select_rows(store, q), "source")


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
        .where(*count_where(f), t.c.published.is_not(None))
        .group_by(month, t.c.technique)
    )
    return _shares(select_rows(store, q), "month")


def _shares(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    totals: dict[Any, int] = {}
    for r in rows:
        r["spans"] = int(r["spans"])
        r["articles"] = int(r["articles"])
        if key == "source":
            r["source"] = source_name(r["source"])
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
        .where(*analysis_where(f))
        .group_by(a.c.source)
    )
    rows = select_rows(store, q)
    for r in rows:
        r["source"] = source_name(r["source"])
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
        .where(*analysis_where(f))
        .order_by(a.c.score.desc(), articles.c.key)
        .limit(limit)
    )
    rows = select_rows(store, q)
    for r in rows:
        r["source"] = source_name(r["source"])
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
            ).where(*analysis_where(f))
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
    voice_sources: list[dict[str, Any]] = field(default_factory=list)
    voice_months: list[dict[str, Any]] = field(default_factory=list)
    speakers: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)

    @property
    def voices_known(self) -> bool:
        """Whether any flagged span's voice is known (a model with an attribution head)."""
        return voices_known(self.voice_sources)

    def to_dict(self) -> dict[str, Any]:
        return {
            "filters": self.filters.to_dict(),
            "overview": self.overview,
            "techniques": self.techniques,
            "by_source": self.sources,
            "by_month": self.months,
            "coverage_by_source": self.coverage,
            "top_articles": self.top,
            "voice_by_source": self.voice_sources,
            "voice_by_month": self.voice_months,
            "speakers": self.speakers,
            "targets": self.targets,
        }

    def to_pandas(self) -> dict[str, pd.DataFrame]:
        """Every section as a pandas data frame, keyed as in ``spinscope report -f json``
        (``overview`` one row, then ``techniques``, ``by_source``, ``by_month``,
        ``coverage_by_source``, ``top_articles``, ``voice_by_source``, ``voice_by_month``,
        ``speakers``, ``targets``; see :func:`report_frames`). Needs the ``notebook`` extra.

        Raises:
            MissingExtraError: when pandas is not installed.

        Example:
            >>> frames = build_report(Store.open("sqlite://"), Filters()).to_pandas()
            >>> frames["overview"].loc[0, "analyses"]
            np.int64(0)
        """
        return report_frames(self)

    def _repr_html_(self) -> str | None:
        """How Jupyter shows a report: its tables and charts, one self-contained HTML
        fragment. ``_reports`` draws it, through the registry of ``_pipeline._notebook``
        (this layer may not import that one)."""
        return html_of("report", self)


def build_report(store: Store, filters: Filters, top: int = 10) -> Report:
    """All report sections for ``filters``; ``top`` is how many articles and speakers, and
    targets per source.

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
        voice_by_source(store, f),
        voice_by_month(store, f),
        top_speakers(store, f, top),
        top_targets(store, f, top),
    )


# Each section's columns, as the report's queries name them, in order; fixed so that an
# empty section is still a frame that can be filtered and joined by column.
REPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "overview": (
        "model",
        "articles",
        "analyses",
        "spans",
        "sources",
        "first_published",
        "last_published",
        "models",
        "runs",
    ),
    "techniques": ("technique", "spans", "articles", "chars", "share"),
    "by_source": ("source", "technique", "spans", "articles", "share"),
    "by_month": ("month", "technique", "spans", "articles", "share"),
    "coverage_by_source": ("source", "articles", "spans", "mean_score", "coverage"),
    "top_articles": ("key", "title", "source", "published", "score", "coverage", "n_spans"),
    "voice_by_source": ("source", "voice", "spans", "chars", "articles", "share"),
    "voice_by_month": ("month", "voice", "spans", "chars", "articles", "share"),
    "speakers": ("speaker", "spans", "chars", "articles", "techniques"),
    "targets": ("source", "rank", "target", "spans", "chars", "articles", "techniques"),
}


def report_frames(report: Report) -> dict[str, pd.DataFrame]:
    """Every section of ``report`` as a data frame, keyed as in :data:`REPORT_COLUMNS`.

    ``overview`` is one row: the report's model, then what the store holds (``models`` is
    a list). The others have a row per figure, in the report's order: shares are fractions
    (0-1), ``month`` is ``YYYY-MM``, and a speaker's ``techniques`` is a dict of spans per
    technique. See the README's report section for what each one counts.

    Raises:
        MissingExtraError: when pandas is not installed.

    Example:
        >>> from spinscope._store import Filters, Store, build_report
        >>> frames = report_frames(build_report(Store.open("sqlite://"), Filters()))
        >>> len(frames["techniques"]), list(frames["techniques"].columns)
        (0, ['technique', 'spans', 'articles', 'chars', 'share'])
    """
    try:
        import pandas as pd
    except ImportError:
        raise missing_pandas() from None
    sections = report.to_dict()
    sections["overview"] = [{"model": report.filters.model_id, **report.overview}]
    del sections["filters"]
    return {
        name: pd.DataFrame.from_records(sections[name], columns=list(columns))
        for name, columns in REPORT_COLUMNS.items()
    }
