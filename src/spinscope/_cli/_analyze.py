"""``spinscope analyze``: read inputs, analyze each, write them in a registered format."""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer
from rich.console import Console

from .._errors import InputError
from .._formats import FORMATS, Format, Record, Target, get_format
from .._ingest import Source, collect_sources
from .._semeval import article_id
from .._settings import Settings
from .._techniques import get_technique
from . import _util

if TYPE_CHECKING:
    from .._pipeline import Analysis, Model


@dataclass
class AnalyzeResult:
    """What :func:`write_outputs` did: analyses in input order and failures with reasons."""

    analyses: list[tuple[Source, Analysis]]
    failures: list[tuple[Source, str]]

    @property
    def exit_code(self) -> int:
        if not self.failures:
            return 0
        return 1 if self.analyses else InputError.exit_code


def analyze_sources(
    sources: list[Source],
    model: Model,
    threshold: float | None = None,
    techniques: list[str] | None = None,
    settings: Settings | None = None,
) -> Iterator[tuple[Source, Analysis | str]]:
    """Analyze each source through :meth:`Model.pipe_results`, in order; yields
    ``(source, analysis)`` or ``(source, error message)``.

    Sources are read as the pipe asks for texts, so only its read-ahead is in memory.
    """
    settings = settings or model.settings
    # Each source read so far, in input order: its decoding warnings, or why it failed.
    read: deque[tuple[Source, list[str] | str]] = deque()

    def texts() -> Iterator[str]:
        for source in sources:
            try:
                text, warnings = source.read(settings)
            except InputError as exc:
                read.append((source, str(exc)))
                continue
            read.append((source, warnings))
            yield text

    def failed_so_far() -> Iterator[tuple[Source, str]]:
        while read and isinstance(why := read[0][1], str):
            yield read.popleft()[0], why

    for item in model.pipe_results(texts(), threshold=threshold, techniques=techniques):
        yield from failed_so_far()
        source, warnings = read.popleft()
        if isinstance(item, InputError):
            yield source, str(item)
        elif warnings:
            yield source, replace(item, warnings=(*warnings, *item.warnings))
        else:
            yield source, item
    yield from failed_so_far()


def semeval_id(source: Source) -> str:
    """The SemEval id of a source: digits of ``article<ID>.txt``, else the file's stem.

    Example:
        >>> semeval_id(Source("a/article12.txt", Path("a/article12.txt"))), semeval_id(
        ...     Source("<stdin>", None))
        ('12', 'stdin')
    """
    if source.path is None:
        return "stdin"
    # From the name, not the path: the name's bytes that are not UTF-8 are U+FFFD already.
    name = Path(source.name)
    return article_id(name) or name.stem


def _file_console(handle: TextIO) -> Console:
    # As the text writer's own file console (plain, 100 wide, unwrapped), markup off.
    return Console(file=handle, width=100, soft_wrap=False, markup=False, highlight=False)


def write_outputs(
    results: Iterator[tuple[Source, Analysis | str]],
    fmt: Format[Record],
    out: Path | None,
    console: Console,
    errors: Console,
    many: bool,
) -> AnalyzeResult:
    """Write each analysis as it comes in ``fmt``; report failures on ``errors``.

    Several analyses in a format with a folder form (``html``) go into the folder ``out``,
    a file each; otherwise everything goes to ``out`` or standard output.
    """
    result = AnalyzeResult([], [])
    folder = fmt.folder if many else None
    if folder is not None and out is None:
        raise InputError(f"--format {fmt.name} with several inputs needs -o DIR for the reports")
    if folder is not None and out is not None:
        out.mkdir(parents=True, exist_ok=True)
    handle = None
    if out is not None and folder is None:
        try:
            handle = out.open("w", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{out}: cannot write ({exc.strerror})") from None
    # Machine-readable formats bypass rich, which would expand tabs and wrap lines; a file
    # gets a plain console of its own so that names and text are never read as markup.
    shown = _file_console(handle) if handle else console
    target = Target(handle or sys.stdout, shown, many)
    write = fmt.writer(target) if folder is None else None
    try:
        for source, item in results:
            if isinstance(item, str):
                result.failures.append((source, item))
                errors.print(_util.error_text(item), highlight=False, soft_wrap=True)
                continue
            result.analyses.append((source, item))
            record = Record(source.name, semeval_id(source), item)
            if write is not None:
                write(record)
            elif folder is not None and out is not None:
                folder(record, out)
    finally:
        if handle:
            handle.close()
    if result.failures and (result.analyses or len(result.failures) > 1):
        total = len(result.failures) + len(result.analyses)
        errors.print(f"{len(result.failures)} of {total} inputs failed", highlight=False)
    return result


def analyze(
    inputs: Annotated[list[str], typer.Argument(help="FILE, DIR or - (standard input).")],
    format: Annotated[
        str,
        typer.Option("--format", "-f", help=_util.or_list(FORMATS.names("analyze")) + "."),
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
    model: _util.ModelOption = None,
) -> None:
    """Analyze articles: highlight every fragment that uses a propaganda technique."""
    fmt = get_format(format, "analyze")
    if threshold is not None and not 0 <= threshold <= 1:
        raise InputError(f"--threshold {threshold} is not between 0 and 1")
    for name in technique or []:
        get_technique(name)
    sources = collect_sources(inputs)
    console, errors = _util.consoles()
    loaded = _util.load_model(model)
    stream = analyze_sources(sources, loaded, threshold, technique or None)
    result = write_outputs(stream, fmt, output, console, errors, many=len(sources) > 1)
    raise typer.Exit(result.exit_code)
