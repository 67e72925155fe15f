"""Human labels: what a person marked in an article in an annotation tool, stored beside
the model's spans (migration 6), and read back next to them.

An article's human labels are one *annotation*: the tool and file they came from, when,
and the labels. :func:`save_annotations` replaces an article's annotation whole, so that
importing one file twice stores its labels once and a corrected export replaces the
earlier labels; an article that the store does not hold yet is stored with the text the
file carried (and no analysis). Human labels belong to the article, not to a model, so
every model's spans are compared with the same labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Row, delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError

from .._errors import StoreError
from .._pipeline import Span
from ._records import ArticleRecord, clean
from ._schema import analyses, articles, human_annotations, human_labels, spans
from ._store import Store, error_line
from ._write import _save_article, now

# A stored analysis: id, model id, threshold.
Analyzed = Row[int, str, float]
# Rows fetched at a time when the store's keys are scanned (memory stays one batch).
KEY_BATCH = 2000


@dataclass(frozen=True)
class HumanLabel:
    """One span a person marked: character offsets into the article's text and a technique.

    Example:
        >>> HumanLabel(0, 4, "Doubt").end
        4
    """

    start: int
    end: int
    technique: str


@dataclass(frozen=True)
class Annotation:
    """One article's human labels, ready to store.

    Attributes:
        article: The article; stored when no article has its key, else the stored one is
            labelled (and keeps its text, which the labels' offsets must refer to).
        labels: The person's spans (none: the person found no technique in it).
        tool: The annotation tool's import format (``label-studio``, ``brat``, ...).
        location: The file (and task or line) the labels were read from.
    """

    article: ArticleRecord
    labels: tuple[HumanLabel, ...]
    tool: str
    location: str


@dataclass(frozen=True)
class Saved:
    """What :func:`save_annotations` stored.

    Attributes:
        articles: Articles labelled.
        labels: Human labels stored.
        new_articles: Articles that the store did not hold before.
        replaced: Articles whose earlier human labels were replaced.
    """

    articles: int = 0
    labels: int = 0
    new_articles: int = 0
    replaced: int = 0


def _replace(conn: Connection, item: Annotation) -> tuple[bool, bool]:
    """Store ``item`` in the transaction of ``conn``: whether its article is new, and
    whether it had human labels before."""
    key = clean(item.article.key)
    had = conn.execute(select(articles.c.id).where(articles.c.key == key)).first() is not None
    article_id = _save_article(conn, item.article).id
    old = select(human_annotations.c.id).where(human_annotations.c.article_id == article_id)
    # Labels first: SQLite cascades only with its foreign_keys pragma on.
    conn.execute(delete(human_labels).where(human_labels.c.annotation_id.in_(old)))
    replaced = conn.execute(
        delete(human_annotations).where(human_annotations.c.article_id == article_id)
    )
    annotation_id = conn.execute(
        insert(human_annotations)
        .values(
            article_id=article_id,
            tool=clean(item.tool)[:32],
            location=clean(item.location),
            imported_at=now(),
            n_labels=len(item.labels),
        )
        .returning(human_annotations.c.id)
    ).scalar_one()
    if item.labels:
        conn.execute(
            insert(human_labels),
            [
                {
                    "annotation_id": annotation_id,
                    "start": h.start,
                    "end": h.end,
                    "technique": clean(h.technique),
                }
                for h in item.labels
            ],
        )
    return not had, replaced.rowcount > 0


def save_annotations(store: Store, items: Sequence[Annotation]) -> Saved:
    """Store ``items`` in one transaction, each replacing its article's human labels.

    Raises:
        StoreError: when the store refuses them (nothing is stored then).

    Example:
        >>> store = Store.open("sqlite://")
        >>> labels = (HumanLabel(0, 4, "Doubt"),)
        >>> item = Annotation(ArticleRecord("7", "Lies!"), labels, "brat", "a.ann")
        >>> save_annotations(store, [item]), save_annotations(store, [item]).replaced
        (Saved(articles=1, labels=1, new_articles=1, replaced=0), 1)
    """
    new = replaced = 0
    try:
        with store.engine.begin() as conn:
            for item in items:
                is_new, was_labelled = _replace(conn, item)
                new += is_new
                replaced += was_labelled
    except SQLAlchemyError as exc:
        raise StoreError(f"{store.target}: cannot store labels ({error_line(exc)})") from None
    return Saved(len(items), sum(len(i.labels) for i in items), new, replaced)


def stored_texts(store: Store, keys: Iterable[str]) -> dict[str, str]:
    """The text of each of ``keys`` that the store holds, by key (as given).

    Example:
        >>> stored_texts(Store.open("sqlite://"), ["nope"])
        {}
    """
    wanted = {clean(k): k for k in keys}
    found: dict[str, str] = {}
    names = list(wanted)
    with store.engine.connect() as conn:
        for i in range(0, len(names), 500):
            q = select(articles.c.key, articles.c.text).where(
                articles.c.key.in_(names[i : i + 500])
            )
            found.update({wanted[r.key]: r.text for r in conn.execute(q)})
    return found


def iter_keys(store: Store) -> Iterator[str]:
    """Every stored article's key, streamed (a batch of rows in memory at a time).

    Example:
        >>> list(iter_keys(Store.open("sqlite://")))
        []
    """
    with store.engine.connect() as conn:
        rows = conn.execution_options(stream_results=True, yield_per=KEY_BATCH).execute(
            select(articles.c.key)
        )
        yield from rows.scalars()


def labels_of(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[HumanLabel, ...]]:
    """The human labels of the annotations ``ids``, in text order.

    Example:
        >>> with Store.open("sqlite://").engine.connect() as conn:
        ...     labels_of(conn, [1])
        {1: ()}
    """
    q = (
        select(human_labels)
        .where(human_labels.c.annotation_id.in_(ids))
        .order_by(human_labels.c.start, human_labels.c.end, human_labels.c.technique)
    )
    found: dict[int, list[HumanLabel]] = {}
    for r in conn.execute(q):
        found.setdefault(r.annotation_id, []).append(HumanLabel(r.start, r.end, r.technique))
    return {i: tuple(found.get(i, ())) for i in ids}


def model_spans(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[Span, ...]]:
    """The spans of the analyses ``ids`` (without voices: compared with labels only), in
    text order.

    Example:
        >>> with Store.open("sqlite://").engine.connect() as conn:
        ...     model_spans(conn, [1])
        {1: ()}
    """
    q = (
        select(
            spans.c.analysis_id, spans.c.start, spans.c.end, spans.c.technique, spans.c.confidence
        )
        .where(spans.c.analysis_id.in_(ids))
        .order_by(spans.c.start, spans.c.end, spans.c.technique)
    )
    found: dict[int, list[Span]] = {}
    for r in conn.execute(q):
        found.setdefault(r.analysis_id, []).append(Span(r.start, r.end, r.technique, r.confidence))
    return {i: tuple(found.get(i, ())) for i in ids}


def annotated_count(store: Store) -> int:
    """How many stored articles have human labels (an annotation, maybe empty).

    Example:
        >>> annotated_count(Store.open("sqlite://"))
        0
    """
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(human_annotations)).scalar_one())


def latest_analysis(conn: Connection, article_id: int, model_id: str | None) -> Analyzed | None:
    """The id, model and threshold of the article's analysis by ``model_id`` (the latest
    analysis when ``None``); ``None`` when there is none.

    Example:
        >>> with Store.open("sqlite://").engine.connect() as conn:
        ...     latest_analysis(conn, 1, None) is None
        True
    """
    q = select(analyses.c.id, analyses.c.model_id, analyses.c.threshold).where(
        analyses.c.article_id == article_id
    )
    if model_id:
        q = q.where(analyses.c.model_id == clean(model_id))
    return conn.execute(q.order_by(analyses.c.id.desc()).limit(1)).first()
