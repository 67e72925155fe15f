"""A :class:`Report` as CSV, for spreadsheets and data frames.

Two shapes. One *tidy* file (``spinscope report -f csv`` on stdout or into ``FILE.csv``)
holds every section, one row per figure, with a ``section`` column and the union of the
sections' columns (empty where a column does not apply), so one ``read_csv`` and a filter
on ``section`` gives any table. A folder (``-o DIR/``) gets one plain CSV per section
(``overview.csv``, ``techniques.csv``, ``by_source.csv``, ``by_month.csv``,
``coverage_by_source.csv``, ``top_articles.csv``, ``voice_by_source.csv``,
``voice_by_month.csv``, ``speakers.csv``, ``targets.csv``) with only that section's
columns.

The voice sections have a row per source (or month) and voice (``author``, ``attributed``
or ``unknown``); ``share`` is of that source's flagged characters, summed over spans. The
speakers section ranks named speakers by spans in their quotes, with spans per technique
as ``technique:n`` joined by ``;`` in ``techniques``; the targets section ranks, per
source, the names its spans aim at (``rank`` within the source), with the same
``techniques``.

Shares are fractions (0-1) rounded to 6 places; techniques are SemEval labels, with their
readable titles in ``technique_title``; the overview section is ``metric,value`` pairs.
Text that a spreadsheet would take for a formula (starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return: a source, a title, a key) gets a ``'`` in front.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .._errors import InputError
from .._formats import csv_cell
from .._techniques import get_technique

if TYPE_CHECKING:
    from .._store import Report

# Columns of each section when written on its own; the tidy file uses their union.
SECTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "overview": ("metric", "value"),
    "techniques": ("technique", "technique_title", "spans", "articles", "chars", "share"),
    "by_source": ("source", "technique", "technique_title", "spans", "articles", "share"),
    "by_month": ("month", "technique", "technique_title", "spans", "articles", "share"),
    "coverage_by_source": ("source", "articles", "spans", "mean_score", "coverage"),
    "top_articles": (
        "rank",
        "key",
        "title",
        "source",
        "published",
        "score",
        "coverage",
        "spans",
    ),
    "voice_by_source": ("source", "voice", "spans", "chars", "articles", "share"),
    "voice_by_month": ("month", "voice", "spans", "chars", "articles", "share"),
    "speakers": ("rank", "speaker", "spans", "chars", "articles", "techniques"),
    "targets": ("source", "rank", "target", "spans", "chars", "articles", "techniques"),
}
TIDY_COLUMNS: tuple[str, ...] = (
    "section",
    "source",
    "month",
    "technique",
    "technique_title",
    "rank",
    "key",
    "title",
    "published",
    "articles",
    "spans",
    "chars",
    "share",
    "mean_score",
    "score",
    "coverage",
    "metric",
    "value",
    "voice",
    "speaker",
    "target",
    "techniques",
)


def _round(value: Any) -> Any:
    """A cell: floats to 6 places, text that would start a formula behind a ``'``.

    Example:
        >>> _round(0.1234567), _round("=1+1"), _round("-"), _round(-2)
        (0.123457, "'=1+1", "'-", -2)
    """
    if isinstance(value, float):
        return round(value, 6)
    return csv_cell(value)


def section_rows(report: Report) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every figure of ``report`` as ``(section, row)`` with the CSV column names.

    Example:
        >>> from spinscope._store import Filters, Store, build_report
        >>> rows = list(section_rows(build_report(Store.open("sqlite://"), Filters())))
        >>> rows[0]
        ('overview', {'metric': 'model', 'value': ''})
    """
    o = report.overview
    f = report.filters
    overview: list[tuple[str, Any]] = [
        ("model", f.model_id or ""),
        ("analyses", o["analyses"]),
        ("spans", o["spans"]),
        ("sources", o["sources"]),
        ("first_published", o["first_published"] or ""),
        ("last_published", o["last_published"] or ""),
        ("store_articles", o["articles"]),
        ("store_models", ";".join(o["models"])),
        ("store_runs", o["runs"]),
        ("filter_sources", ";".join(f.sources)),
        ("filter_from", f.date_from or ""),
        ("filter_to", f.date_to or ""),
        ("filter_techniques", ";".join(f.techniques)),
    ]
    for metric, value in overview:
        yield "overview", {"metric": metric, "value": value}
    for section, rows in (
        ("techniques", report.techniques),
        ("by_source", report.sources),
        ("by_month", report.months),
    ):
        for r in rows:
            yield section, {**r, "technique_title": get_technique(r["technique"]).title}
    for r in report.coverage:
        yield "coverage_by_source", dict(r)
    for i, r in enumerate(report.top, 1):
        yield "top_articles", {**r, "rank": i, "spans": r["n_spans"]}
    for section, rows in (
        ("voice_by_source", report.voice_sources),
        ("voice_by_month", report.voice_months),
    ):
        for r in rows:
            yield section, dict(r)
    for i, r in enumerate(report.speakers, 1):
        yield "speakers", {**r, "rank": i, "techniques": techniques_cell(r["techniques"])}
    for r in report.targets:
        yield "targets", {**r, "techniques": techniques_cell(r["techniques"])}


def techniques_cell(counts: dict[str, int]) -> str:
    """Spans per technique in one cell, most first.

    Example:
        >>> techniques_cell({"Loaded_Language": 3, "Doubt": 1})
        'Loaded_Language:3;Doubt:1'
    """
    return ";".join(f"{t}:{n}" for t, n in counts.items())


def write_csv(report: Report, out: TextIO) -> int:
    """Write ``report`` as one tidy CSV (see the module docs); the number of rows.

    Example:
        >>> import io
        >>> from spinscope._store import Filters, Store, build_report
        >>> buf = io.StringIO()
        >>> write_csv(build_report(Store.open("sqlite://"), Filters()), buf)
        13
        >>> buf.getvalue().splitlines()[0].split(",")[:4]
        ['section', 'source', 'month', 'technique']
    """
    writer = csv.DictWriter(out, TIDY_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    n = 0
    for section, row in section_rows(report):
        writer.writerow({"section": section, **{k: _round(v) for k, v in row.items()}})
        n += 1
    return n


def write_csv_folder(report: Report, folder: Path) -> list[Path]:
    """Write one CSV per section into ``folder`` (created if needed); their paths."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handles = {
            name: (folder / f"{name}.csv").open("w", encoding="utf-8", newline="")
            for name in SECTION_COLUMNS
        }
    except OSError as exc:
        raise InputError(f"{folder}: cannot write ({exc.strerror})") from None
    try:
        writers = {
            name: csv.DictWriter(h, cols, extrasaction="ignore", lineterminator="\n")
            for (name, h), cols in zip(handles.items(), SECTION_COLUMNS.values(), strict=True)
        }
        for w in writers.values():
            w.writeheader()
        for section, row in section_rows(report):
            writers[section].writerow({k: _round(v) for k, v in row.items()})
    finally:
        for h in handles.values():
            h.close()
    return [folder / f"{name}.csv" for name in SECTION_COLUMNS]
