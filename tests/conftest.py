"""Shared fixtures: the PTC training split beside the checkout, and a fake model."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from spinscope._store import Store

# The cores here are sometimes throttled; a per-example deadline would make tests flaky.
settings.register_profile("spinscope", deadline=None)
settings.load_profile("spinscope")

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = Path(__file__).resolve().parent / "resources"
PTC = Path(os.environ.get("SPINSCOPE_PTC", ROOT.parent / "shared" / "ptc" / "train"))
# The example article sits in the same shared folder as the corpus (shared/examples).
EXAMPLE = PTC.parents[1] / "examples" / "venezuela.txt"


@pytest.fixture(scope="session")
def ptc() -> Path:
    """The PTC training split (never copied into the project)."""
    if not (PTC / "labels.tsv").is_file():
        pytest.fail(f"PTC training split not found at {PTC}; set SPINSCOPE_PTC")
    return PTC


@pytest.fixture()
def resources() -> Path:
    return RESOURCES


def _postgres_server() -> str:
    url = os.environ.get("SPINSCOPE_TEST_POSTGRES", "")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("SPINSCOPE_TEST_POSTGRES is unset; run the tests via scripts/with-postgres")
        pytest.skip("no PostgreSQL server: run via scripts/with-postgres")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, then a new database on the test server."""
    if request.param == "sqlite":
        yield str(tmp_path / "store.db")
        return
    from uuid import uuid4

    from sqlalchemy import create_engine, text

    from spinscope._store import database_url

    server = _postgres_server()
    name = f"t_{uuid4().hex[:12]}"
    admin = create_engine(database_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture()
def store(db_url: str) -> Iterator[Store]:
    """An open, migrated store in each database kind."""
    s = Store.open(db_url)
    yield s
    s.close()
