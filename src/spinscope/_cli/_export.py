"""``spinscope export``: every stored analysis, streamed, in an analysis format."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from .._errors import InputError
from .._formats import FORMATS
from . import _util

if TYPE_CHECKING:  # members come from the format registry at run time; mypy sees StrEnum
    ExportAs = StrEnum
else:
    ExportAs = _util.choices("ExportAs", FORMATS.names("export"))
JSONL = ExportAs("jsonl")


def read_keys(path: Path) -> set[str]:
    """The keys listed in ``path`` (``-``: standard input), a key a line; blank lines and
    the spaces around a key are left out (stored keys never start or end with one).

    Raises:
        InputError: when the file cannot be read or lists no key.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     _ = Path(tmp, "k.txt").write_text("a/b.txt\\n\\n  sha256:ab \\n")
        ...     sorted(read_keys(Path(tmp, "k.txt")))
        ['a/b.txt', 'sha256:ab']
    """
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise InputError(f"--keys {path}: cannot read ({reason})") from None
    found = {line.strip() for line in text.split("\n")} - {""}
    if not found:
        raise InputError(f"--keys {path}: no keys in it")
    return found


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
    keys: Annotated[
        Path | None,
        typer.Option(
            "--keys",
            help="Only the articles whose stored keys this file lists, a key a line ('-': "
            "standard input, e.g. from spinscope queue -f ids).",
        ),
    ] = None,
) -> None:
    """Export every stored analysis, streamed: JSONL, CSV of spans, or SemEval lines."""
    from .._reports import export as export_store
    from .._store import Store

    filters = _util.store_filters(model, source, date_from, date_to, technique)
    only = None if keys is None else read_keys(keys)
    with Store.open_existing(db) as store:
        count = export_store(store, filters, format.value, output, not no_text, only)
    where = f" to {output}" if output is not None else ""
    Console(stderr=True, markup=False).print(f"exported {count}{where}", highlight=False)
