"""``spinscope batch``: analyze a corpus into a results store, resumable."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from . import _util

if TYPE_CHECKING:
    from .._batch import BatchOptions, BatchSummary, ModelSpec


def run_into_store(
    inputs: list[str],
    db: str,
    spec: ModelSpec,
    options: BatchOptions,
    errors: Console,
    show: bool,
) -> BatchSummary:
    """Run the batch into the store at ``db``; a progress bar on ``errors`` when ``show``."""
    from .._batch import count_inputs, progress_bar, run_batch
    from .._store import Store

    with Store.open(db) as store:
        total = count_inputs(inputs) if show else None
        with progress_bar(errors, total, show) as update:
            return run_batch(inputs, store, spec, options, update)


def batch(
    inputs: Annotated[
        list[str], typer.Argument(help="Folders of .txt/.html files, .jsonl or .csv files.")
    ],
    db: Annotated[
        str, typer.Option(help="SQLite file, or a postgresql://user@host/db URL.")
    ] = "spinscope.db",
    workers: Annotated[int, typer.Option(help="Worker processes (Ray: model actors).")] = 2,
    engine: Annotated[str, typer.Option(help="local, or ray for a Ray cluster.")] = "local",
    ray_address: Annotated[
        str | None,
        typer.Option(help="Ray cluster to join (ray://HOST:10001 or auto); default: a local one."),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(help="Minimum confidence of stored spans (default: the model's)."),
    ] = None,
    chunk_size: Annotated[int, typer.Option(help="Articles per task and per commit.")] = 8,
    max_bytes: Annotated[
        int | None, typer.Option(help="Larger articles are recorded as failed.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    model: _util.ModelOption = None,
) -> None:
    """Analyze a corpus into a results store; interrupt and rerun to resume.

    Exits 1 when some inputs failed (each is kept in the store's failures table), as
    ``analyze`` does, and 130 when interrupted.
    """
    from .._batch import BatchOptions, ModelSpec, check_inputs, print_summary
    from .._settings import Settings

    settings = Settings.from_env()
    options = BatchOptions(
        workers=workers,
        chunk_size=chunk_size,
        threshold=threshold,
        max_bytes=max_bytes or settings.max_bytes,
        engine=engine,
        ray_address=ray_address,
    )
    check_inputs(inputs)
    spec = ModelSpec(model, settings)
    _util.announce_assembly(model, settings)
    spec.model_id()
    console, errors = _util.consoles()
    summary = run_into_store(inputs, db, spec, options, errors, not quiet and not as_json)
    if as_json:
        console.out(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False), highlight=False)
    else:
        print_summary(errors, summary)
    if summary.status == "interrupted":
        raise typer.Exit(130)
    if summary.failed:
        raise typer.Exit(1)
