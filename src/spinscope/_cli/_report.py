"""``spinscope report``: summarize a results store as tables, CSV or JSON, and charts."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .._reports import CHART_FORMATS, REPORT_FORMATS
from . import _util

if TYPE_CHECKING:  # members come from the registries at run time; mypy sees StrEnum
    ReportAs = StrEnum
    ChartAs = StrEnum
else:
    ReportAs = _util.choices("ReportAs", REPORT_FORMATS.names("report"))
    ChartAs = _util.choices("ChartAs", CHART_FORMATS)
TABLE = ReportAs("table")
PNG = ChartAs("png")


def report(
    db: _util.StoreOption = "spinscope.db",
    source: _util.SourceOption = None,
    date_from: _util.FromOption = None,
    date_to: _util.ToOption = None,
    technique: _util.TechniqueOption = None,
    model: _util.ModelIdOption = None,
    top: Annotated[int, typer.Option(min=0, help="Most propagandistic articles listed.")] = 10,
    format: Annotated[
        ReportAs, typer.Option("--format", "-f", help="table, csv (tidy) or json.")
    ] = TABLE,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="Write here instead of stdout; for csv a folder (DIR/) gets a file per section.",
        ),
    ] = None,
    charts: Annotated[Path | None, typer.Option(help="Also draw charts into this folder.")] = None,
    chart_format: Annotated[ChartAs, typer.Option(help="Charts as png or svg.")] = PNG,
) -> None:
    """Summarize a results store: techniques per source and month, coverage, top articles."""
    from .._reports import write_charts, write_report
    from .._store import Store, build_report

    filters = _util.store_filters(model, source, date_from, date_to, technique)
    console, errors = _util.consoles()
    with Store.open_existing(db) as store:
        summary = build_report(store, filters, top)
    written = write_report(summary, format.value, output, console)
    if charts is not None:
        written += write_charts(summary, charts, chart_format.value)
    for path in written:
        errors.print(f"wrote {path}", highlight=False)
