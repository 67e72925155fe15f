"""Human labels next to the model's spans: one article's (:func:`human_view`), and those of
every labelled article that an analysis matching some filters covers
(:func:`iter_annotated`), which the agreement report scores.

Labelled articles are read a page at a time (keyset pagination on the annotation id), so
memory stays one page however many articles people have labelled.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from .._pipeline import Span
from ._filters import Filters, analysis_where, resolve
from ._human import HumanLabel, labels_of, latest_analysis, model_spans
from ._records import clean
from ._schema import analyses, articles, human_annotations
from ._store import Store

PAGE_SIZE = 200


def label_dict(label: HumanLabel, text: str) -> dict[str, Any]:
    """A human label as JSON, with the text it marks.

    Example:
        >>> label_dict(HumanLabel(0, 4, "Doubt"), "Lies!")["text"]
        'Lies'
    """
    return {"start": label.start, "end": label.end, "technique": label.technique} | {
        "text": text[label.start : label.end]
    }


def span_dict(span: Span, text: str) -> dict[str, Any]:
    """A model's span as JSON, with its confidence and the text it marks.

    Example:
        >>> span_dict(Span(0, 4, "Doubt", 0.51234), "Lies!")
        {'start': 0, 'end': 4, 'technique': 'Doubt', 'confidence': 0.5123, 'text': 'Lies'}
    """
    return {"start": span.start, "end": span.end, "technique": span.technique} | {
        "confidence": round(span.confidence, 4),
        "text": text[span.start : span.end],
    }


@dataclass(frozen=True)
class HumanView:
    """One article's human labels beside a model's spans.

    Attributes:
        labels: What the person marked (none: nothing, on purpose).
        model_id: The model whose spans these are; ``None`` when no analysis of the
            article (by the model asked for) is stored, and ``spans`` is empty.
    """

    key: str
    text: str
    tool: str
    location: str
    imported_at: str
    labels: tuple[HumanLabel, ...]
    model_id: str | None
    threshold: float | None
    spans: tuple[Span, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the article's key and labelling, each side's spans with
        their text.

        Example:
            >>> v = HumanView("7", "Lies!", "brat", "a.ann", "t", (HumanLabel(0, 4, "Doubt"),),
            ...               None, None, ())
            >>> v.to_dict()["human"]
            [{'start': 0, 'end': 4, 'technique': 'Doubt', 'text': 'Lies'}]
        """
        return {
            "key": self.key,
            "tool": self.tool,
            "location": self.location,
            "imported_at": self.imported_at,
            "model": self.model_id,
            "threshold": self.threshold,
            "human": [label_dict(h, self.text) for h in self.labels],
            "spans": [span_dict(s, self.text) for s in self.spans],
        }


def human_view(store: Store, key: str, model_id: str | None = None) -> HumanView | None:
    """The human labels of the article stored under ``key`` beside the spans of its
    analysis by ``model_id`` (the latest analysis when ``None``); ``None`` when the article
    has no human labels.

    Example:
        >>> human_view(Store.open("sqlite://"), "7") is None
        True
    """
    a = human_annotations
    with store.engine.connect() as conn:
        row = conn.execute(
            select(articles.c.id, articles.c.key, articles.c.text, a.c.tool, a.c.location)
            .add_columns(a.c.imported_at, a.c.id.label("annotation_id"))
            .join(a, a.c.article_id == articles.c.id)
            .where(articles.c.key == clean(key))
        ).first()
        if row is None:
            return None
        labels = labels_of(conn, [row.annotation_id])[row.annotation_id]
        an = latest_analysis(conn, row.id, model_id)
        found = () if an is None else model_spans(conn, [an.id])[an.id]
    return HumanView(
        row.key,
        row.text,
        row.tool,
        row.location,
        row.imported_at,
        labels,
        None if an is None else an.model_id,
        None if an is None else an.threshold,
        found,
    )


@dataclass(frozen=True)
class AnnotatedRow:
    """A labelled article with the spans of its analysis, both of the techniques asked for."""

    key: str
    labels: tuple[HumanLabel, ...]
    spans: tuple[Span, ...]


def iter_annotated(
    store: Store, filters: Filters, page_size: int = PAGE_SIZE
) -> Iterator[AnnotatedRow]:
    """Every labelled article with an analysis matching ``filters`` (by the latest stored
    model when the filters name none), its human labels beside the analysis's spans.

    A technique filter keeps only labels and spans of those techniques, and every
    labelled article: one where the person found a technique that the model missed counts.

    Example:
        >>> list(iter_annotated(Store.open("sqlite://"), Filters()))
        []
    """
    f = resolve(store, filters)
    # The articles: every one the analyses cover, whatever the techniques found in them.
    where = analysis_where(replace(f, techniques=()))
    wanted = set(f.techniques)
    last = 0
    while True:
        with store.engine.connect() as conn:
            page = conn.execute(
                select(human_annotations.c.id, analyses.c.id.label("analysis_id"), articles.c.key)
                .join(analyses, analyses.c.article_id == human_annotations.c.article_id)
                .join(articles, articles.c.id == human_annotations.c.article_id)
                .where(*where, human_annotations.c.id > last)
                .order_by(human_annotations.c.id)
                .limit(page_size)
            ).all()
            if not page:
                return
            labels = labels_of(conn, [r.id for r in page])
            found = model_spans(conn, [r.analysis_id for r in page])
        for r in page:
            yield AnnotatedRow(
                r.key,
                tuple(h for h in labels[r.id] if not wanted or h.technique in wanted),
                tuple(s for s in found[r.analysis_id] if not wanted or s.technique in wanted),
            )
        if len(page) < page_size:
            return
        last = page[-1].id
