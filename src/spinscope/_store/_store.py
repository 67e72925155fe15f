"""Opening a results store (new or existing), migrating it, recording runs and failures,
and writing analyses into it crash-safely (one transaction per :meth:`Store.save`).

A run records the process and host that run it; a run still ``running`` whose process is
gone from this host (killed with -9, a crash, a reboot) is marked ``abandoned`` by
:meth:`Store.abandon_dead_runs`, which the next batch calls before it starts.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from .._errors import StoreError
from ._records import Failure, Result, clean
from ._schema import (
    KEY_CHARS,
    LATEST,
    MIGRATIONS,
    analyses,
    articles,
    failures,
    runs,
    schema_migrations,
)
from ._write import now, save_result

DEFAULT_DB = "spinscope.db"
# Any number; it only has to be the same for every spinscope process migrating one database.
_MIGRATION_LOCK = 7_401_2020


def this_host() -> str:
    """The name runs started here record as their host."""
    return socket.gethostname()[:255]


def process_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists on this host (a reused pid counts as alive).

    Example:
        >>> process_alive(os.getpid())
        True
    """
    if os.name == "nt":
        # os.kill on Windows terminates the process: never probe, assume it lives.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but belongs to another user
    return True


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
        8
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

    @classmethod
    def open_existing(cls, target: str) -> Store:
        """Open a store that must already exist and hold spinscope's tables (for reading).

        A missing SQLite file is an error rather than a new empty store, and a database
        without spinscope's tables is refused rather than given them. An older store gets
        the tables that reports read (e.g. ``technique_counts``).

        Raises:
            StoreError: when the file is missing, is not a database or holds no results
                store.

        Example:
            >>> Store.open_existing("/nonexistent/results.db")  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            spinscope._errors.StoreError: /nonexistent/results.db: no such file; ...
        """
        if "://" not in target and not Path(target).expanduser().is_file():
            raise StoreError(
                f"{target}: no such file; give --db FILE or a postgresql:// URL of a store "
                "filled by spinscope batch"
            )
        store = None
        try:
            # A store whose tables are damaged fails on the first query, not when opened.
            store = cls.open(target, migrate=False)
            version = store.version()
        except SQLAlchemyError as exc:
            if store is not None:
                store.close()
            raise StoreError(f"{target}: cannot read ({error_line(exc)})") from None
        if version == 0:
            store.close()
            raise StoreError(f"{target}: not a spinscope results store (no spinscope tables)")
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
                        model_id=clean(model_id),
                        engine=clean(engine),
                        workers=workers,
                        inputs=json.dumps(list(inputs)),
                        status="running",
                        started_at=now(),
                        analyzed=0,
                        skipped=0,
                        failed=0,
                        pid=os.getpid(),
                        host=this_host(),
                    )
                    .returning(runs.c.id)
                ).scalar_one()
            )

    def abandon_dead_runs(self, alive: Callable[[int], bool] = process_alive) -> list[int]:
        """Mark ``abandoned`` every run still ``running`` that was started on this host by a
        process that is gone; their ids.

        Runs of other hosts cannot be checked from here and are left as they are, and so
        are runs recorded before migration 4 (no pid). A run marked by mistake (two hosts
        of one name) still records its own end: :meth:`finish_run` overwrites the status.
        """
        with self.engine.connect() as conn:
            candidates = conn.execute(
                select(runs.c.id, runs.c.pid).where(
                    runs.c.status == "running", runs.c.host == this_host(), runs.c.pid.is_not(None)
                )
            ).all()
        gone = [r.id for r in candidates if r.pid != os.getpid() and not alive(r.pid)]
        if gone:
            with self.engine.begin() as conn:
                conn.execute(
                    update(runs)
                    .where(runs.c.id.in_(gone), runs.c.status == "running")
                    .values(status="abandoned", finished_at=now())
                )
        return gone

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
        """Which of ``keys`` already have an analysis by ``model_id`` (a key with NUL matches
        its stored form, see :func:`~._records.clean`)."""
        given = list(dict.fromkeys(keys))
        stored_as = {k: clean(k) for k in given}
        wanted = list(dict.fromkeys(stored_as.values()))
        found: set[str] = set()
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), 500):
                q = (
                    select(articles.c.key)
                    .join(analyses, analyses.c.article_id == articles.c.id)
                    .where(
                        analyses.c.model_id == clean(model_id),
                        articles.c.key.in_(wanted[i : i + 500]),
                    )
                )
                found.update(conn.execute(q).scalars())
        return {k for k in given if stored_as[k] in found}

    def save(self, run_id: int | None, results: Sequence[Result]) -> int:
        """Store ``results`` in one transaction; how many were new.

        An article already stored (same key) is reused, and an analysis already stored for
        the same article and model is left as it is, so saving twice stores once.
        """
        stored = 0
        try:
            with self.engine.begin() as conn:
                for r in results:
                    stored += save_result(conn, run_id, r)
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.target}: cannot store results ({error_line(exc)})") from None
        return stored

    def record_failures(self, run_id: int, items: Sequence[Failure]) -> None:
        """Keep ``items`` in the ``failures`` table, in one transaction."""
        if not items:
            return
        # A key too long for its column is a failure to keep too, not a reason to stop.
        rows = [
            {
                "run_id": run_id,
                "key": None if f.key is None else clean(f.key)[:KEY_CHARS],
                "location": clean(f.location),
                "reason": clean(f.reason),
                "created_at": now(),
            }
            for f in items
        ]
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(failures), rows)
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.target}: cannot record failures ({error_line(exc)})") from None


def error_line(exc: Exception) -> str:
    """The first line of a database error's own message (the driver's, when there is one).

    Example:
        >>> error_line(ValueError("bad\\nmore"))
        'bad'
    """
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
