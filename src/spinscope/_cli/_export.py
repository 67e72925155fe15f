"""``spinscope export``: every stored analysis, streamed, in an analysis format."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from .._formats import FORMATS
from . import _util

if TYPE_CHECKING:  # members come from the format registry at run time; mypy sees StrEnum
    ExportAs = StrEnum
else:
    ExportAs = _util.choices("ExportAs", FORMATS.names("export"))
JSONL = ExportAs("jsonl")


def export(
    db: _util.StoreOption = "spinscope.db",
    format: Annotated[
        ExportAs,
        typer.Option(
            "--format",
            "-f",
            help=_util.or_list(FORMATS.names("export")) + " (brat and inception: -o DIR).",
        ),
    ] = JSONL,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    source: _util.SourceOption = None,
    date_from: _util.FromOption = None,
    date_to: _util.ToOption = None,
    technique: _util.TechniqueOption = None,
    model: _util.ModelIdOption = None,
    no_text: Annotated[
        bool, typer.Option("--no-text", help="jsonl: leave the article texts out.")
    ] = False,
) -> None:
    """Export every stored analysis, streamed: JSONL, CSV of spans, or SemEval lines."""
    from .._reports import export as export_store
    from .._store import Filters, Store

    filters = Filters(model, tuple(source or ()), date_from, date_to, tuple(technique or ()))
    with Store.open_existing(db) as store:
        count = export_store(store, filters, format.value, output, not no_text)
    where = f" to {output}" if output is not None else ""
    Console(stderr=True, markup=False).print(f"exported {count}{where}", highlight=False)
