"""``spinscope agreement``: how far the model's stored spans agree with the human labels
imported by ``spinscope import --db``, per technique, or for one article side by side."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from .._reports import AGREEMENT_FORMATS
from . import _util

if TYPE_CHECKING:  # members come from the formats at run time; mypy sees StrEnum
    AgreementAs = StrEnum
else:
    AgreementAs = _util.choices("AgreementAs", AGREEMENT_FORMATS)
TABLE = AgreementAs("table")


def agreement(
    db: _util.StoreOption = "spinscope.db",
    article: Annotated[
        str | None,
        typer.Option("--article", help="Show this stored article's human labels beside its spans."),
    ] = None,
    format: Annotated[AgreementAs, typer.Option("--format", "-f", help="table or json.")] = TABLE,
    source: _util.SourceOption = None,
    date_from: _util.FromOption = None,
    date_to: _util.ToOption = None,
    technique: _util.TechniqueOption = None,
    model: _util.ModelIdOption = None,
) -> None:
    """Score the model's stored spans against human labels: precision, recall, F1."""
    from .._reports import agreement as score
    from .._reports import article_view, write_agreement
    from .._store import Store

    filters = _util.store_filters(model, source, date_from, date_to, technique)
    console, _ = _util.consoles()
    with Store.open_existing(db) as store:
        if article is None:
            write_agreement(score(store, filters), format.value, console)
        else:
            write_agreement(article_view(store, article, model), format.value, console)
