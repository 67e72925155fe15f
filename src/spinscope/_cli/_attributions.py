"""``spinscope attributions``: list who says what in articles, whatever their techniques."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from .._errors import InputError, ModelError
from .._formats import ATTRIBUTION_FORMATS, Format, Record
from .._ingest import HTML_SUFFIXES, Source, collect_sources
from . import _util
from ._analyze import AnalyzeResult, analyze_sources, write_outputs

if TYPE_CHECKING:
    from .._pipeline import Model


def check_head(model: Model) -> None:
    """Raise a one-line :class:`ModelError` unless ``model`` can find attributions.

    Example:
        >>> # check_head(Model.load())  # the shipped model has no head yet: ModelError
    """
    if model.attribution_head is None:
        raise ModelError(
            f"{model.path}: the model has no attribution head (attribution_head.onnx and "
            "attribution.json), so it cannot find attributions"
        )


def write_attributions(
    sources: list[Source],
    model: Model,
    fmt: Format[Record],
    out: Path | None,
    many: bool,
    consoles: tuple[Console, Console],
) -> AnalyzeResult:
    """Analyze ``sources`` and write their attributions in ``fmt``: to ``out`` or standard
    output, or (``many``, a format with a folder form such as ``brat``) a file per input
    into the folder ``out``.

    Raises:
        ModelError: for a model without an attribution head.
        InputError: for ``many`` inputs in ``brat`` without ``-o DIR``.

    Example:
        >>> # write_attributions(collect_sources(["a.txt"]), model, fmt, None, False, consoles)
    """
    check_head(model)
    console, errors = consoles
    if fmt.folder is not None and out is not None and out.is_dir():
        many = True  # one input into an existing folder: a file there, as for several
    if fmt.folder is not None and many and out is None:
        raise InputError(
            f"--format {fmt.name} with a folder or several inputs needs -o DIR "
            "(a .ann file per input goes there, with the text its offsets refer to)"
        )
    for source in sources:
        if source.path is not None and source.path.suffix.lower() in HTML_SUFFIXES:
            errors.print(
                f"note: {source.name}: offsets refer to the article text extracted from "
                "the HTML" + (", written beside its .ann" if fmt.folder and many else ""),
                highlight=False,
            )
    stream = analyze_sources(sources, model)
    return write_outputs(stream, fmt, out, console, errors, many)


def attributions(
    inputs: Annotated[list[str], typer.Argument(help="FILE, DIR or - (standard input).")],
    format: Annotated[
        str,
        typer.Option(
            "--format", "-f", help=_util.or_list(ATTRIBUTION_FORMATS.names("attributions")) + "."
        ),
    ] = "json",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write here instead of stdout (brat: a folder for a folder or several inputs).",
        ),
    ] = None,
    model: _util.ModelOption = None,
) -> None:
    """List who says what in articles: each attribution's source, cue and content."""
    fmt = ATTRIBUTION_FORMATS.get(format, "attributions")
    sources = collect_sources(inputs)
    many = len(sources) > 1 or any(i != "-" and Path(i).is_dir() for i in inputs)
    loaded = _util.load_model(model)
    result = write_attributions(sources, loaded, fmt, output, many, _util.consoles())
    raise typer.Exit(result.exit_code)
