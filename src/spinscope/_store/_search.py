"""Full-text search of stored articles: SQLite's FTS5 and PostgreSQL's ``tsvector``
behind one condition, so that ``q=`` never scans every article's text.

Migration 8 builds the index: on SQLite an external-content FTS5 table ``articles_fts``
over title and text, kept in step by triggers; on PostgreSQL a generated ``search``
column (``to_tsvector('simple', title || ' ' || text)``) with a GIN index. Both index
whole words, case-insensitively and without stemming, so the two databases find the
same articles for ordinary queries; SQLite also folds accents (``é`` finds ``e``).

A query is split by :func:`query_terms` into words and ``"quoted phrases"``; an article
matches when it has every one of them. Each term reaches the database as a bound value,
quoted as a phrase, so no character of a query is ever read as search syntax: ``q=%``,
``q=*`` or ``q=NEAR(a b)`` match nothing rather than everything or an error.
"""

from __future__ import annotations

import re

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    bindparam,
    column,
    false,
    func,
    literal_column,
    select,
    table,
    text,
)

from ._records import clean

# More terms than this are not searched for: a pasted paragraph would otherwise become a
# query with thousands of phrases.
MAX_TERMS = 32
_TERM = re.compile(r'"([^"]*)"?|(\S+)')
# A term with no letter or digit indexes to nothing in either database.
_WORDY = re.compile(r"[^\W_]")

FTS_TABLE = "articles_fts"
FTS_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, text,"
    " content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    # Articles are only ever inserted today; the other triggers keep the index right if a
    # later version (or a person with a SQL shell) changes or deletes one.
    "CREATE TRIGGER IF NOT EXISTS articles_fts_insert AFTER INSERT ON articles BEGIN"
    f" INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN"
    f" INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text)"
    " VALUES ('delete', old.id, old.title, old.text); END",
    "CREATE TRIGGER IF NOT EXISTS articles_fts_update AFTER UPDATE ON articles BEGIN"
    f" INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text)"
    " VALUES ('delete', old.id, old.title, old.text);"
    f" INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    # Backfill the articles stored before the migration.
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
)
TSVECTOR_DDL = (
    "ALTER TABLE articles ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS"
    " (to_tsvector('simple', coalesce(title, '') || ' ' || text)) STORED",
    "CREATE INDEX IF NOT EXISTS ix_articles_search ON articles USING gin (search)",
)


def query_terms(query: str) -> list[str]:
    """The words and quoted phrases of a search query, in order, at most ``MAX_TERMS``.

    Terms without a letter or digit are dropped (no index holds them); an unclosed quote
    runs to the end of the query.

    Example:
        >>> query_terms('traitor "fake news" 100% ??')
        ['traitor', 'fake news', '100%']
    """
    terms = []
    for match in _TERM.finditer(clean(query)):
        term = " ".join((match.group(1) if match.group(2) is None else match.group(2)).split())
        if _WORDY.search(term):
            terms.append(term)
    return terms[:MAX_TERMS]


def fts5_query(terms: list[str]) -> str:
    """An FTS5 ``MATCH`` expression requiring every term, each quoted as a phrase, so
    that nothing in it is read as FTS5 syntax (``"`` is doubled inside a phrase).

    Example:
        >>> fts5_query(["fake news", "NEAR(a"])
        '"fake news" "NEAR(a"'
    """
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def text_match(dialect: str, query: str) -> ColumnElement[bool] | None:
    """The condition on ``articles`` that an article's title or text has every term of
    ``query``; ``None`` for a query without terms (no condition), and a condition that is
    always false for a query whose terms hold no word.

    Args:
        dialect: ``"sqlite"`` or ``"postgresql"`` (the store's :attr:`Store.dialect`).
        query: What the user typed.
    """
    if not query.strip():
        return None
    terms = query_terms(query)
    if not terms:
        return false()
    if dialect == "postgresql":
        search: ColumnElement[str] = literal_column("articles.search")
        config: ColumnElement[str] = literal_column("'simple'")
        has = search.bool_op("@@")
        return and_(*(has(func.phraseto_tsquery(config, bindparam(None, t))) for t in terms))
    fts = table(FTS_TABLE, column("rowid"))
    found = select(fts.c.rowid).where(
        literal_column(FTS_TABLE).op("MATCH")(bindparam(None, fts5_query(terms)))
    )
    article_id: ColumnElement[int] = literal_column("articles.id")
    return article_id.in_(found)


def add_text_search(conn: Connection) -> None:
    """Migration 8: the full-text index of the dialect (see the module's docstring)."""
    statements = TSVECTOR_DDL if conn.dialect.name == "postgresql" else FTS_DDL
    for statement in statements:
        conn.execute(text(statement))
