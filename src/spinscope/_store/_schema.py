"""The tables of a results store and the numbered migrations that create and upgrade them.

One code path for SQLite and PostgreSQL: SQLAlchemy Core tables, no dialect-specific DDL.
Dates are ISO strings (``YYYY-MM-DD``) so that a month is ``substr(published, 1, 7)`` on
both databases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    insert,
    inspect,
    select,
    text,
)

from ._search import add_text_search

metadata = MetaData()
# The longest article key (an input's id) the store holds.
KEY_CHARS = 512
# The longest speaker name and cue the store holds (longer ones are cut): the speaker is
# in an index, whose entries PostgreSQL limits to about 2,700 bytes.
NAME_CHARS = 256

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("applied_at", String(32), nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    # The input's id, or "sha256:<hex>" of its content when it has none.
    Column("key", String(KEY_CHARS), nullable=False, unique=True),
    Column("title", Text),
    Column("source", String(256)),
    Column("url", Text),
    Column("published", String(10)),
    Column("text", Text, nullable=False),
    Column("n_chars", Integer, nullable=False),
    Column("added_at", String(32), nullable=False),
    Index("ix_articles_source", "source"),
    Index("ix_articles_published", "published"),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("model_id", String(200), nullable=False),
    Column("engine", String(20), nullable=False),
    Column("workers", Integer, nullable=False),
    Column("inputs", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32)),
    Column("analyzed", Integer, nullable=False, default=0),
    Column("skipped", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
    # Added by migration 4: the process that runs it, so that the next run can tell a run
    # killed with -9 (its process gone) from one still going, and mark it abandoned.
    Column("pid", Integer),
    Column("host", String(255)),
)

analyses = Table(
    "analyses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("model_id", String(200), nullable=False),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=True),
    Column("created_at", String(32), nullable=False),
    Column("threshold", Float, nullable=False),
    Column("score", Float, nullable=False),
    Column("coverage", Float, nullable=False),
    Column("n_spans", Integer, nullable=False),
    Column("seconds", Float, nullable=False),
    Column("warnings", Text, nullable=False),
    # Copies of the article's fields: reports over 100,000s of analyses then need no join.
    Column("source", String(256)),
    Column("published", String(10)),
    Column("n_chars", Integer, nullable=False),
    UniqueConstraint("article_id", "model_id", name="uq_analyses_article_model"),
    Index("ix_analyses_model_score", "model_id", "score"),
)

spans = Table(
    "spans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("analysis_id", Integer, ForeignKey("analyses.id", ondelete="CASCADE"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("technique", String(64), nullable=False),
    Column("confidence", Float, nullable=False),
    # Added by migration 5: whose words the span is ("author" or "attributed"), who says
    # them and the reporting verb. NULL when unknown: stored before migration 5, or by a
    # model without an attribution head.
    Column("voice", String(16)),
    Column("speaker", String(NAME_CHARS)),
    Column("cue", String(NAME_CHARS)),
    # Added by migration 7: whom the span aims at (a mention of the article: its offsets
    # and its text, whitespace collapsed). NULL when it names no one, for techniques not
    # aimed at anyone, and for spans stored before migration 7.
    Column("target_start", Integer),
    Column("target_end", Integer),
    Column("target", String(NAME_CHARS)),
    Index("ix_spans_analysis", "analysis_id"),
)

failures = Table(
    "failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False),
    Column("key", String(KEY_CHARS)),
    Column("location", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Index("ix_failures_run", "run_id"),
)

# Added by migration 2: per analysis and technique, how many spans and characters.
# Report queries group this table alone.
technique_counts = Table(
    "technique_counts",
    metadata,
    Column("analysis_id", Integer, ForeignKey("analyses.id", ondelete="CASCADE"), primary_key=True),
    Column("technique", String(64), primary_key=True),
    Column("model_id", String(200), nullable=False),
    Column("source", String(256)),
    Column("published", String(10)),
    Column("n", Integer, nullable=False),
    Column("chars", Integer, nullable=False),
)

# Added by migration 6: what a person said of an article in an annotation tool, imported by
# ``spinscope import --db``. One row per article, replaced whole by the next import of it;
# an article whose annotator found nothing has a row and no labels, so it counts as
# annotated (the model's spans there are false positives, and it leaves the review queue).
human_annotations = Table(
    "human_annotations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    # The import format (label-studio, doccano, brat, inception) and the file it came from.
    Column("tool", String(32), nullable=False),
    Column("location", Text, nullable=False),
    Column("imported_at", String(32), nullable=False),
    Column("n_labels", Integer, nullable=False),
    UniqueConstraint("article_id", name="uq_human_annotations_article"),
)

human_labels = Table(
    "human_labels",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "annotation_id",
        Integer,
        ForeignKey("human_annotations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("technique", String(64), nullable=False),
    Index("ix_human_labels_annotation", "annotation_id"),
)

# Indexes that changed between migrations are plain DDL (the same on SQLite and
# PostgreSQL), not part of the table objects, so each migration creates exactly its own.
V1_INDEXES = ("CREATE INDEX IF NOT EXISTS ix_analyses_model_source ON analyses (model_id, source)",)
V2_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_technique_counts_model_technique"
    " ON technique_counts (model_id, technique)",
    "CREATE INDEX IF NOT EXISTS ix_technique_counts_model_source"
    " ON technique_counts (model_id, source)",
)
# Migration 3: covering indexes, so that report queries read an index and never the table
# (4-7x faster on 100,000 analyses in SQLite). They replace the indexes above.
V3_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_technique_counts_by_source ON technique_counts"
    " (model_id, source, technique, published, n, chars)",
    "CREATE INDEX IF NOT EXISTS ix_technique_counts_by_technique ON technique_counts"
    " (model_id, technique, source, published, n, chars)",
    "CREATE INDEX IF NOT EXISTS ix_analyses_by_source ON analyses"
    " (model_id, source, published, score, coverage, n_chars, n_spans)",
)
REPLACED_BY_V3 = (
    "ix_analyses_model_source",
    "ix_technique_counts_model_technique",
    "ix_technique_counts_model_source",
)

V1_TABLES = [articles, runs, analyses, spans, failures]


@dataclass(frozen=True)
class Migration:
    """One numbered step of the schema; applied once, in order, inside a transaction."""

    version: int
    name: str
    apply: Callable[[Connection], None]


def _ddl(conn: Connection, statements: tuple[str, ...]) -> None:
    for statement in statements:
        conn.execute(text(statement))


def _add_columns(conn: Connection, table: str, columns: tuple[tuple[str, str], ...]) -> None:
    # A store created since the migration exists got the columns from the table object in
    # migration 1; only older stores lack them (SQLite has no ADD COLUMN IF NOT EXISTS).
    present = {c["name"] for c in inspect(conn).get_columns(table)}
    _ddl(
        conn,
        tuple(
            f"ALTER TABLE {table} ADD COLUMN {name} {kind}"
            for name, kind in columns
            if name not in present
        ),
    )


def _create_v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=V1_TABLES)
    _ddl(conn, V1_INDEXES)


def _add_technique_counts(conn: Connection) -> None:
    metadata.create_all(conn, tables=[technique_counts])
    _ddl(conn, V2_INDEXES)
    # Backfill from the spans of analyses stored before this migration.
    per = (
        select(
            spans.c.analysis_id,
            spans.c.technique,
            analyses.c.model_id,
            analyses.c.source,
            analyses.c.published,
            func.count().label("n"),
            func.sum(spans.c.end - spans.c.start).label("chars"),
        )
        .join(analyses, analyses.c.id == spans.c.analysis_id)
        .group_by(
            spans.c.analysis_id,
            spans.c.technique,
            analyses.c.model_id,
            analyses.c.source,
            analyses.c.published,
        )
    )
    conn.execute(
        insert(technique_counts).from_select(
            ["analysis_id", "technique", "model_id", "source", "published", "n", "chars"], per
        )
    )


def _covering_indexes(conn: Connection) -> None:
    _ddl(conn, tuple(f"DROP INDEX IF EXISTS {name}" for name in REPLACED_BY_V3))
    _ddl(conn, V3_INDEXES)


RUN_OWNER_COLUMNS = (("pid", "INTEGER"), ("host", "VARCHAR(255)"))


def _add_run_owner(conn: Connection) -> None:
    _add_columns(conn, "runs", RUN_OWNER_COLUMNS)


SPAN_VOICE_COLUMNS = (
    ("voice", "VARCHAR(16)"),
    ("speaker", f"VARCHAR({NAME_CHARS})"),
    ("cue", f"VARCHAR({NAME_CHARS})"),
)
# Migration 5: the voice and speaker questions read spans by analysis; this index answers
# them without reading the table ("end" is quoted: a reserved word in both databases).
V5_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_spans_voice ON spans"
    ' (analysis_id, voice, speaker, technique, start, "end")',
)


def _add_span_voice(conn: Connection) -> None:
    # No backfill: what the model would have said of older spans is unknown (NULL).
    _add_columns(conn, "spans", SPAN_VOICE_COLUMNS)
    _ddl(conn, V5_INDEXES)


SPAN_TARGET_COLUMNS = (
    ("target_start", "INTEGER"),
    ("target_end", "INTEGER"),
    ("target", f"VARCHAR({NAME_CHARS})"),
)
# Migration 7: the most-targeted names per source read spans by analysis and target.
V7_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_spans_target ON spans (analysis_id, target, technique)",
)


def _add_span_target(conn: Connection) -> None:
    # No backfill: older spans keep NULL (no target known), as voices did in migration 5.
    _add_columns(conn, "spans", SPAN_TARGET_COLUMNS)
    _ddl(conn, V7_INDEXES)


def _add_human_labels(conn: Connection) -> None:
    # New tables only: no older row says anything about what a person labelled.
    metadata.create_all(conn, tables=[human_annotations, human_labels])


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "articles, runs, analyses, spans and failures", _create_v1),
    Migration(2, "technique_counts for fast reports, backfilled from spans", _add_technique_counts),
    Migration(3, "covering indexes for report queries", _covering_indexes),
    Migration(4, "runs.pid and runs.host, to mark runs whose process is gone", _add_run_owner),
    Migration(5, "spans.voice, speaker and cue, with an index for voice reports", _add_span_voice),
    Migration(
        6, "human_annotations and human_labels, imported from annotation tools", _add_human_labels
    ),
    Migration(7, "spans.target_start, target_end and target: whom spans aim at", _add_span_target),
    Migration(8, "full-text index of article titles and texts (FTS5 or tsvector)", add_text_search),
)
LATEST = MIGRATIONS[-1].version
