"""The web app: the analyzer page and a JSON API over the same analyzer, and with a results
store (``ServeConfig.db``) the corpus view and dashboard.

Every page has a JSON twin built from the same data: ``/`` and ``/api/analyze``,
``/compare`` and ``/api/compare``, ``/corpus`` and ``/api/corpus``, ``/dashboard`` and
``/api/dashboard``. Each page and its twin live in one router module (:mod:`._analyze`,
:mod:`._compare`, :mod:`._corpus`, :mod:`._dashboard`, and :mod:`._static` for assets,
techniques and health); :func:`create_app` only builds the app, puts what the routes
share on ``app.state`` (read by the dependencies of :mod:`._deps`), adds the middleware
and includes the routers.

Who may call it is decided before any route runs (:mod:`._access`: the ``Host``
allowlist and the optional token). There is no Swagger page: it would load scripts from
a CDN, which the CSP forbids; the schema is at ``/openapi.json``.

The model is loaded once and shared. The store is opened once, at creation; its engine's
pool serves the request threads, and it is closed when the app shuts down.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException

from .._errors import SpinscopeError
from .._pipeline import Model
from .._store import Store
from .._version import __version__
from . import _analyze, _compare, _corpus, _dashboard, _static
from ._access import AccessGuard, allowed_hosts
from ._analyzer import Analyzer
from ._config import ServeConfig
from ._deps import Fetcher, Queries
from ._middleware import (
    BodyLimit,
    http_error,
    security_headers,
    spinscope_error,
    store_error,
    validation_error,
)
from ._pages import Pages

# In this order: the paths of the OpenAPI schema follow it.
ROUTERS = (_analyze.router, _compare.router, _static.router, _corpus.router, _dashboard.router)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    store: Store | None = app.state.store
    if store is not None:
        store.close()


def create_app(model: Model, config: ServeConfig | None = None) -> FastAPI:
    """The FastAPI application over ``model`` (and the results store ``config.db``).

    Raises:
        StoreError: when ``config.db`` cannot be opened.

    Example:
        >>> # uvicorn.run(create_app(spinscope.load_model()), port=8000)
    """
    config = config or ServeConfig()
    # Serving never creates a store: a mistyped path is an error, not an empty corpus.
    store = Store.open_existing(config.db) if config.db else None
    app = FastAPI(
        title="spinscope",
        version=__version__,
        description="Find and name propaganda techniques in news articles.",
        lifespan=_lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.model = model
    app.state.analyzer = Analyzer(model, config.concurrency, config.queue)
    app.state.fetcher = Fetcher(config.fetch, config.fetches)
    app.state.queries = Queries(config.queries)
    app.state.config = config
    app.state.store = store
    app.state.pages = Pages(corpus=store is not None)
    # JSON can escape each character to six, so the body may be larger than the text.
    app.add_middleware(BodyLimit, limit=6 * config.max_bytes + 65536)
    hosts = allowed_hosts(config.host, config.allowed_hosts)
    app.add_middleware(AccessGuard, hosts=hosts, token=config.token)
    # Added last, so outermost: the guard's answers carry the security headers too.
    app.middleware("http")(security_headers)
    app.exception_handler(SpinscopeError)(spinscope_error)
    app.exception_handler(SQLAlchemyError)(store_error)
    app.exception_handler(RequestValidationError)(validation_error)
    app.exception_handler(HTTPException)(http_error)
    for router in ROUTERS:
        app.include_router(router)
    return app
