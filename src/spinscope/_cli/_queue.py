"""``spinscope queue``: the stored articles whose fragments the model is least sure of, to
send to annotation first (the measure is explained in :mod:`spinscope._store._queue`)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from .._errors import InputError
from .._reports import QUEUE_FORMATS
from . import _util

if TYPE_CHECKING:  # members come from the formats at run time; mypy sees StrEnum
    QueueAs = StrEnum
else:
    QueueAs = _util.choices("QueueAs", QUEUE_FORMATS)
TABLE = QueueAs("table")


def queue(
    db: _util.StoreOption = "spinscope.db",
    n: Annotated[int, typer.Option("-n", "--number", help="How many articles to list.")] = 50,
    format: Annotated[
        QueueAs,
        typer.Option(
            "--format",
            "-f",
            help="table, json or ids (a stored key a line, for spinscope export --keys -).",
        ),
    ] = TABLE,
    as_json: Annotated[bool, typer.Option("--json", help="The same as --format json.")] = False,
    window: Annotated[
        float | None,
        typer.Option(
            help="How near the threshold a span's confidence counts as borderline (default 0.2).",
        ),
    ] = None,
    source: _util.SourceOption = None,
    date_from: _util.FromOption = None,
    date_to: _util.ToOption = None,
    technique: _util.TechniqueOption = None,
    model: _util.ModelIdOption = None,
) -> None:
    """List unlabelled articles whose spans lie nearest the threshold, to label first."""
    from .._reports import write_queue
    from .._store import NEAR_WINDOW, Store, review_queue

    if as_json and format.value not in ("table", "json"):
        raise InputError(f"--json and --format {format.value}: give one of them")
    filters = _util.store_filters(model, source, date_from, date_to, technique)
    with Store.open_existing(db) as store:
        items = review_queue(store, filters, n, NEAR_WINDOW if window is None else window)
    console, _ = _util.consoles()
    write_queue(items, "json" if as_json else format.value, console)
