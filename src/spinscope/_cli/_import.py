"""``spinscope import``: corrected annotations from an annotation tool, back as SemEval
label lines (and, optionally, the articles' texts), or into a results store as human
labels beside the model's spans (``--db``)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .._errors import InputError
from .._formats import IMPORT_FORMATS, Imported, import_annotations, write_texts
from . import _util

if TYPE_CHECKING:  # members come from the readers at run time; mypy sees StrEnum
    ImportFrom = StrEnum
else:
    ImportFrom = _util.choices("ImportFrom", IMPORT_FORMATS)


def _plural(n: int, one: str) -> str:
    return f"{n:,} {one}{'s' * (n != 1)}"


def _write_lines(imported: Imported, output: Path | None) -> None:
    """The SemEval lines of ``imported`` to ``output``, or to standard output."""
    lines = imported.semeval()
    if output is None:
        typer.echo(lines, nl=False)
        return
    try:
        output.write_text(lines, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{output}: cannot write ({exc.strerror})") from None


def store_labels(imported: Imported, fmt: str, db: str) -> str:
    """Store ``imported`` into the results store ``db`` as human labels; what was done,
    in words (after the notes of the matching, a line each)."""
    from .._reports import import_to_store
    from .._store import Store

    with Store.open_existing(db) as store:
        done = import_to_store(store, imported, fmt)
    s = done.saved
    return "".join(f"note: {note}\n" for note in done.notes) + (
        f"stored {_plural(s.labels, 'human label')} of {_plural(s.articles, 'article')} "
        f"into {db} ({s.new_articles:,} new to the store, {s.replaced:,} replacing "
        "earlier labels)"
    )


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
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Store the labels as human labels in this results store (a SQLite file or "
            "a postgresql:// URL), replacing each article's earlier ones; SemEval lines "
            "only with -o.",
        ),
    ] = None,
) -> None:
    """Read corrected annotations back from Label Studio, doccano, brat or INCEpTION."""
    imported = import_annotations(path, format.value, predictions)
    _, errors = _util.consoles()
    for note in imported.notes:
        errors.print(f"note: {note}", highlight=False)
    # Stored first, so that an article the store refuses leaves no files half written.
    stored = store_labels(imported, format.value, db) if db is not None else None
    # With --db the labels go to the store; lines on stdout would only be noise then.
    if db is None or output is not None:
        _write_lines(imported, output)
    written = write_texts(imported, texts) if texts is not None else []
    where = f" to {output}" if output is not None else ""
    also = f", {len(written)} texts to {texts}" if texts is not None else ""
    errors.print(
        f"imported {_plural(len(imported.labels), 'span')} of "
        f"{_plural(len(imported.articles), 'article')}{where}{also}",
        highlight=False,
    )
    if stored is not None:
        # Unwrapped: the lines name files and database URLs, to be copied whole.
        errors.print(stored, highlight=False, soft_wrap=True)
