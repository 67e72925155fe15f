"""``spinscope classify``: name the technique of given spans (the SemEval TC task)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from .._errors import InputError
from .._semeval import classify_labels, format_labels, read_articles, read_labels
from . import _util

if TYPE_CHECKING:
    from .._pipeline import Model


def classify_file(model: Model, articles_dir: Path, spans_file: Path, out: Path) -> int:
    """Fill in the technique of every span of ``spans_file``; write them to ``out`` in order.

    Returns:
        The number of spans classified.
    """
    spans = read_labels(spans_file, allow_unknown=True)
    if not spans:
        raise InputError(f"{spans_file}: holds no spans")
    labels = classify_labels(model, read_articles(articles_dir), spans)
    out.write_text(format_labels(labels), encoding="utf-8")
    return len(labels)


def classify(
    articles: Annotated[Path, typer.Option(help="Folder of article<ID>.txt files.")],
    spans: Annotated[
        Path, typer.Option(help="SemEval spans file: id, technique or ?, start, end.")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the labelled spans.")
    ],
    model: _util.ModelOption = None,
) -> None:
    """Name the technique of given spans (SemEval-2020 TC task)."""
    n = classify_file(_util.load_model(model), articles, spans, output)
    Console(stderr=True, markup=False).print(f"classified {n} spans into {output}", highlight=False)
