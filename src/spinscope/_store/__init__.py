"""Stored, queryable analyses of whole corpora, in SQLite or PostgreSQL, and the labels
people gave their articles in annotation tools."""

from ._articles import StoredAnalysis, article_techniques, get_article, search_articles
from ._compare import AnnotatedRow, HumanView, human_view, iter_annotated
from ._filters import UNKNOWN_SOURCE, Filters, latest_model, models, resolve, sources
from ._human import (
    Annotation,
    HumanLabel,
    Saved,
    annotated_count,
    iter_keys,
    save_annotations,
    stored_texts,
)
from ._queries import Report, build_report
from ._queue import (
    NEAR_WINDOW,
    QueueItem,
    Uncertainty,
    article_uncertainty,
    closeness,
    review_queue,
)
from ._records import ArticleRecord, Failure, Result, clean, content_key
from ._schema import LATEST, MIGRATIONS, Migration
from ._store import DEFAULT_DB, Store, database_url, error_line
from ._stream import AnalysisRow, iter_analyses

__all__ = [
    "DEFAULT_DB",
    "LATEST",
    "MIGRATIONS",
    "NEAR_WINDOW",
    "UNKNOWN_SOURCE",
    "AnalysisRow",
    "AnnotatedRow",
    "Annotation",
    "ArticleRecord",
    "Failure",
    "Filters",
    "HumanLabel",
    "HumanView",
    "Migration",
    "QueueItem",
    "Report",
    "Result",
    "Saved",
    "Store",
    "StoredAnalysis",
    "Uncertainty",
    "annotated_count",
    "article_techniques",
    "article_uncertainty",
    "build_report",
    "clean",
    "closeness",
    "content_key",
    "database_url",
    "error_line",
    "get_article",
    "human_view",
    "iter_analyses",
    "iter_annotated",
    "iter_keys",
    "latest_model",
    "models",
    "resolve",
    "review_queue",
    "save_annotations",
    "search_articles",
    "sources",
    "stored_texts",
]
