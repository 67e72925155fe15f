"""Schemathesis against the app's own OpenAPI schema, in-process (ASGI, no socket).

Every operation of ``/openapi.json`` gets requests generated from its schema, valid and
invalid (bounded and derandomized, so a CI run is the same run), and every answer must
be no 500, a status the schema lists for the operation, of the media type it lists, with
a body (and headers) that match the schema listed for that status. The schema is closed
(no open ``object`` anywhere, see ``_web/_openapi.py``), so this checks every key of
every answer.

Two apps: with the fake model and its attribution head over a small filled store (so
the analyses have voices and the corpus routes have articles), and with the plain fake
model and no store (the corpus routes answer 404). No URL is fetched: after the guard's
URL check, a page under example.com (the schema's example URL) is a canned article and
any other a 502.

About 1,800 requests in all (10 operations, two apps), some 15 s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from spinscope._errors import FetchError
from spinscope._ingest import FetchPolicy, Page
from spinscope._ingest._guard import shown, usable_url
from spinscope._store import ArticleRecord, Result, Store
from spinscope._web import ServeConfig, create_app
from spinscope._web._deps import Fetcher

from ..fakes import fake_model
from ..storedata import fill

# Schemathesis's in-process client sends this Host; the app serves it as an allowed name.
HOST = "testserver"
QUOTED = 'The mayor said "they are traitors and liars". Our city is a disgrace.'
PAGE = f"<html><body><article><p>{QUOTED}</p><p>{QUOTED}</p></article></body></html>"
# A 5xx the schema documents is an answer, not a crash: a URL that cannot be fetched (502),
# every slot busy or the store unreadable (503), a fetch past its deadline (504).
CONFIG = schemathesis.Config.from_dict(
    {"checks": {"not_a_server_error": {"expected-statuses": ["2xx", "3xx", "4xx", 502, 503, 504]}}}
)
CHECKS: list[Callable[..., bool | None]] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


class OfflineFetcher(Fetcher):
    """Reads a URL as the real fetcher does, then fetches nothing: a page under
    ``example.com`` is an article (the schema's example URL), any other is a 502."""

    def fetch(self, url: str) -> Page:
        usable_url(url)
        if urlsplit(url).hostname in ("example.com", "www.example.com"):
            return Page(url, "text/html", PAGE)
        raise FetchError(f"{shown(url)}: not fetched in the tests")


def store_with_voices(path: Path) -> str:
    """A SQLite store of ``storedata`` and one article analyzed (by another model) with
    voices."""
    db = str(path / "store.db")
    with Store.open(db) as store:
        voiced = fake_model(attribution=True).analyze(QUOTED)
        record = ArticleRecord("voiced/q 1.txt", QUOTED, "Q", "Gazette", None, "2020-05-01")
        store.save(None, [Result(record, voiced, 0.1)])
        fill(store)  # after, so that its model is the latest (the default)
    return db


@pytest.fixture(scope="module", params=["store", "bare"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if request.param == "store":
        db: str | None = store_with_voices(tmp_path_factory.mktemp("schemathesis"))
        model = fake_model(attribution=True)
    else:
        db, model = None, fake_model()
    app = create_app(model, ServeConfig(db=db, allowed_hosts=(HOST,)))
    app.state.fetcher = OfflineFetcher(FetchPolicy(), 4)
    yield schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)
    store: Store | None = app.state.store
    if store is not None:
        store.close()


schema = schemathesis.pytest.from_fixture("api")


@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_answer_matches_the_schema(case: Any) -> None:
    case.call_and_validate(checks=CHECKS)
