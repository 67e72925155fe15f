"""Stored, queryable analyses of whole corpora, in SQLite or PostgreSQL."""

from ._queries import (
    UNKNOWN_SOURCE,
    Filters,
    Report,
    StoredAnalysis,
    article_techniques,
    build_report,
    get_article,
    latest_model,
    models,
    resolve,
    search_articles,
    sources,
)
from ._schema import LATEST, MIGRATIONS, Migration
from ._store import DEFAULT_DB, ArticleRecord, Failure, Result, Store, database_url, error_line
from ._stream import AnalysisRow, iter_analyses

__all__ = [
    "DEFAULT_DB",
    "LATEST",
    "MIGRATIONS",
    "UNKNOWN_SOURCE",
    "AnalysisRow",
    "ArticleRecord",
    "Failure",
    "Filters",
    "Migration",
    "Report",
    "Result",
    "Store",
    "StoredAnalysis",
    "article_techniques",
    "build_report",
    "database_url",
    "error_line",
    "get_article",
    "iter_analyses",
    "latest_model",
    "models",
    "resolve",
    "search_articles",
    "sources",
]
