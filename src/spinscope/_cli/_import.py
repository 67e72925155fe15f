"""``spinscope import``: corrected annotations from an annotation tool, back as SemEval
label lines (and, optionally, the articles' texts)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .._errors import InputError
from .._formats import IMPORT_FORMATS, import_annotations, write_texts
from . import _util

if TYPE_CHECKING:  # members come from the readers at run time; mypy sees StrEnum
    ImportFrom = StrEnum
else:
    ImportFrom = _util.choices("ImportFrom", IMPORT_FORMATS)


def import_(
    path: Annotated[
        Path,
        typer.Argument(
            help="The tool's export: a Label Studio .json, a doccano .jsonl, a folder of brat "
            ".ann files, an INCEpTION CAS .json or a folder of them."
        ),
    ],
    format: Annotated[
        ImportFrom,
        typer.Option("--format", "-f", help=_util.or_list(IMPORT_FORMATS) + "."),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the SemEval lines here instead of stdout."),
    ] = None,
    predictions: Annotated[
        bool,
        typer.Option(
            "--predictions",
            help="label-studio: read a task nobody annotated from its prediction.",
        ),
    ] = False,
    texts: Annotated[
        Path | None,
        typer.Option("--texts", help="Also write each article's text here as article<ID>.txt."),
    ] = None,
) -> None:
    """Read corrected annotations back from Label Studio, doccano, brat or INCEpTION."""
    imported = import_annotations(path, format.value, predictions)
    lines = imported.semeval()
    _, errors = _util.consoles()
    for note in imported.notes:
        errors.print(f"note: {note}", highlight=False)
    if output is None:
        typer.echo(lines, nl=False)
    else:
        try:
            output.write_text(lines, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{output}: cannot write ({exc.strerror})") from None
    written = write_texts(imported, texts) if texts is not None else []
    n, spans = len(imported.articles), len(imported.labels)
    where = f" to {output}" if output is not None else ""
    also = f", {len(written)} texts to {texts}" if texts is not None else ""
    errors.print(
        f"imported {spans} span{'s' * (spans != 1)} of {n} article{'s' * (n != 1)}{where}{also}",
        highlight=False,
    )
