"""Stored, queryable analyses of whole corpora, in SQLite or PostgreSQL."""

from ._articles import StoredAnalysis, article_techniques, get_article, search_articles
from ._filters import UNKNOWN_SOURCE, Filters, latest_model, models, resolve, sources
from ._queries import Report, build_report
from ._records import ArticleRecord, Failure, Result
from ._schema import LATEST, MIGRATIONS, Migration
from ._store import DEFAULT_DB, Store, database_url, error_line
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
