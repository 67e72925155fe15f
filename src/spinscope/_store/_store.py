"""Opening a results store, migrating it, and writing analyses into it crash-safely."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from .._errors import StoreError
from .._pipeline import Analysis
from ._schema import (
    LATEST,
    MIGRATIONS,
    analyses,
    articles,
    failures,
    runs,
    schema_migrations,
    spans,
    technique_counts,
)

DEFAULT_DB = "spinscope.db"
# Any number; it only has to be the same for every spinscope process migrating one database.
_MIGRATION_LOCK = 7_401_2020


def now() -> str:
    """The current UTC time as an ISO string (how the store keeps times)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def database_url(target: str) -> str:
    """The SQLAlchemy URL of ``--db TARGET``: a file path (SQLite) or a database URL.

    Example:
        >>> database_url("postgresql://u@localhost/db")
        'postgresql+psycopg://u@localhost/db'
        >>> database_url("/tmp/x.db")
        'sqlite:////tmp/x.db'
    """
    if "://" not in target:
        return "sqlite:///" + str(Path(target).expanduser().absolute())
    for plain in ("postgresql://", "postgres://"):
        if target.startswith(plain):
            return "postgresql+psycopg://" + target[len(plain) :]
    return target


@dataclass(frozen=True)
class ArticleRecord:
    """One input article, as stored.

    Attributes:
        key: The input's id, or ``sha256:<hex>`` of its content when it has none.
        text: The plain text that span offsets refer to.
        published: ``YYYY-MM-DD`` or ``None``.
    """

    key: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class Result:
    """An article and its analysis, ready to store."""

    article: ArticleRecord
    analysis: Analysis
    seconds: float


@dataclass(frozen=True)
class Failure:
    """An input that could not be analyzed, and why."""

    location: str
    reason: str
    key: str | None = None


def _set_sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL with synchronous=NORMAL keeps every committed transaction through a kill -9.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


class Store:
    """A results store in SQLite or PostgreSQL.

    Example:
        >>> store = Store.open("sqlite://")
        >>> store.version()
        3
    """

    def __init__(self, engine: Engine, target: str) -> None:
        self.engine = engine
        self.target = target

    @classmethod
    def open(cls, target: str = DEFAULT_DB, migrate: bool = True) -> Store:
        """Connect to ``target`` (a file path or a database URL) and bring its schema up to date.

        Raises:
            StoreError: for a malformed URL, a missing driver or an unreachable server.
        """
        url = database_url(target)
        try:
            parsed = make_url(url)
            shown = parsed.render_as_string(hide_password=True)
            if parsed.get_backend_name() == "sqlite" and parsed.database:
                folder = Path(parsed.database).parent
                if not folder.is_dir():
                    raise StoreError(f"{target}: folder {folder} does not exist")
            engine = create_engine(url, pool_pre_ping=True)
        except ArgumentError as exc:
            raise StoreError(f"{target}: not a database URL or file path ({exc})") from None
        except ModuleNotFoundError as exc:
            raise StoreError(
                f"{target}: the database driver {exc.name!r} is missing; "
                "install it with: pip install 'spinscope[postgres]'"
            ) from None
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _set_sqlite_pragmas)
        store = cls(engine, shown)
        try:
            with engine.connect():
                pass
        except SQLAlchemyError as exc:
            raise StoreError(f"{shown}: cannot connect ({error_line(exc)})") from None
        if migrate:
            store.migrate()
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # -- schema ----------------------------------------------------------------------

    def version(self) -> int:
        """The highest migration applied (0 for an empty database)."""
        with self.engine.connect() as conn:
            if not self.engine.dialect.has_table(conn, "schema_migrations"):
                return 0
            return int(conn.execute(select(func.max(schema_migrations.c.version))).scalar() or 0)

    def migrate(self, target: int = LATEST) -> list[int]:
        """Apply the migrations above the current version up to ``target``; their numbers.

        Concurrent processes are serialized (an advisory lock on PostgreSQL, the write lock
        on SQLite), so two batch runs starting at once migrate once.
        """
        applied: list[int] = []
        try:
            with self.engine.begin() as conn:
                if self.dialect == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
                elif self.dialect == "sqlite":
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                schema_migrations.create(conn, checkfirst=True)
                current = int(
                    conn.execute(select(func.max(schema_migrations.c.version))).scalar() or 0
                )
                if current > LATEST:
                    raise StoreError(
                        f"{self.target}: schema version {current} is newer than this spinscope "
                        f"knows ({LATEST}); upgrade spinscope"
                    )
                for m in MIGRATIONS:
                    if current < m.version <= target:
                        m.apply(conn)
                        conn.execute(
                            insert(schema_migrations).values(
                                version=m.version, name=m.name, applied_at=now()
                            )
                        )
                        applied.append(m.version)
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.target}: cannot migrate ({error_line(exc)})") from None
        return applied

    # -- runs ------------------------------------------------------------------------

    def start_run(self, model_id: str, engine: str, workers: int, inputs: Sequence[str]) -> int:
        """Record the start of a batch run; its id."""
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    insert(runs)
                    .values(
                        model_id=model_id,
                        engine=engine,
                        workers=workers,
                        inputs=json.dumps(list(inputs)),
                        status="running",
                        started_at=now(),
                        analyzed=0,
                        skipped=0,
                        failed=0,
                    )
                    .returning(runs.c.id)
                ).scalar_one()
            )

    def finish_run(
        self, run_id: int, status: str, analyzed: int, skipped: int, failed: int
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(runs)
                .where(runs.c.id == run_id)
                .values(
                    status=status,
                    finished_at=now(),
                    analyzed=analyzed,
                    skipped=skipped,
                    failed=failed,
                )
            )

    # -- writing ---------------------------------------------------------------------

    def done_keys(self, model_id: str, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` already have an analysis by ``model_id``."""
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), 500):
                q = (
                    select(articles.c.key)
                    .join(analyses, analyses.c.article_id == articles.c.id)
                    .where(analyses.c.model_id == model_id, articles.c.key.in_(wanted[i : i + 500]))
                )
                found.update(conn.execute(q).scalars())
        return found

    def save(self, run_id: int | None, results: Sequence[Result]) -> int:
        """Store ``results`` in one transaction; how many were new.

        An article already stored (same key) is reused, and an analysis already stored for
        the same article and model is left as it is, so saving twice stores once.
        """
        stored = 0
        try:
            with self.engine.begin() as conn:
                for r in results:
                    stored += self._save_one(conn, run_id, r)
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.target}: cannot store results ({error_line(exc)})") from None
        return stored

    def _insert(self, table: Any) -> Any:
        module = postgresql if self.dialect == "postgresql" else sqlite
        return module.insert(table)

    def _save_one(self, conn: Connection, run_id: int | None, r: Result) -> int:
        a = r.article
        conn.execute(
            self._insert(articles)
            .values(
                key=a.key,
                title=a.title,
                source=a.source,
                url=a.url,
                published=a.published,
                text=a.text,
                n_chars=len(a.text),
                added_at=now(),
            )
            .on_conflict_do_nothing(index_elements=["key"])
        )
        row = conn.execute(
            select(
                articles.c.id, articles.c.source, articles.c.published, articles.c.n_chars
            ).where(articles.c.key == a.key)
        ).one()
        an = r.analysis
        analysis_id = conn.execute(
            self._insert(analyses)
            .values(
                article_id=row.id,
                model_id=an.model_id,
                run_id=run_id,
                created_at=now(),
                threshold=an.threshold,
                score=an.summary.score,
                coverage=an.summary.coverage,
                n_spans=an.summary.n_spans,
                seconds=r.seconds,
                warnings=json.dumps(list(an.warnings)),
                source=row.source,
                published=row.published,
                n_chars=row.n_chars,
            )
            .on_conflict_do_nothing(index_elements=["article_id", "model_id"])
            .returning(analyses.c.id)
        ).scalar()
        if analysis_id is None:
            return 0
        if an.spans:
            conn.execute(
                insert(spans),
                [
                    {
                        "analysis_id": analysis_id,
                        "start": s.start,
                        "end": s.end,
                        "technique": s.technique,
                        "confidence": s.confidence,
                    }
                    for s in an.spans
                ],
            )
            per: dict[str, list[int]] = {}
            for s in an.spans:
                n_chars = per.setdefault(s.technique, [0, 0])
                n_chars[0] += 1
                n_chars[1] += s.end - s.start
            conn.execute(
                insert(technique_counts),
                [
                    {
                        "analysis_id": analysis_id,
                        "technique": t,
                        "model_id": an.model_id,
                        "source": row.source,
                        "published": row.published,
                        "n": n,
                        "chars": chars,
                    }
                    for t, (n, chars) in per.items()
                ],
            )
        return 1

    def record_failures(self, run_id: int, items: Sequence[Failure]) -> None:
        if not items:
            return
        with self.engine.begin() as conn:
            conn.execute(
                insert(failures),
                [
                    {
                        "run_id": run_id,
                        "key": f.key,
                        "location": f.location,
                        "reason": f.reason,
                        "created_at": now(),
                    }
                    for f in items
                ],
            )


def error_line(exc: Exception) -> str:
    """The first line of a database error's own message (the driver's, when there is one).

    Example:
        >>> error_line(ValueError("bad\\nmore"))
        'bad'
    """
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
