"""What the routers get from the app: the model (behind the bounded :class:`Analyzer`),
the bounded URL :class:`Fetcher`, the bounded store :class:`Queries`, the config, the
results store and the pages, each set
once on ``app.state`` by :func:`~._app.create_app` and handed to a route by a small
FastAPI dependency.

A route names what it needs by type (``config: ConfigDep``); nothing is global, and a
test can swap any of them with ``app.dependency_overrides``. The getters are ``async`` so
that reading ``app.state`` never takes a trip through the thread pool.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from .._errors import BusyError
from .._ingest import FetchPolicy, Page, fetch
from .._pipeline import Model
from .._store import Store
from ._analyzer import Analyzer
from ._config import ServeConfig
from ._pages import Pages

NO_STORE = (
    "no results store is open: start the server with spinscope serve --db TARGET "
    "(a SQLite file or a postgresql:// URL filled by spinscope batch)"
)


class Slots:
    """At most ``limit`` of one kind of work at once: a caller waits up to ``wait``
    seconds for a slot (0: not at all), then gets :class:`BusyError` (503 with
    ``Retry-After``, ``retry`` seconds, else ``wait``), saying ``limit`` ``what``
    are running."""

    def __init__(self, limit: int, what: str, wait: float = 0.0, retry: float = 0.0) -> None:
        self.limit = max(1, limit)
        self.what = what
        self.wait = wait
        self.retry = max(1, math.ceil(retry or wait))
        self._slots = threading.BoundedSemaphore(self.limit)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold a slot for the block, waiting at most :attr:`wait` seconds for one.

        Raises:
            BusyError: when no slot came free in time.

        Example:
            >>> with Slots(1, "searches").slot():
            ...     pass
        """
        if not self._slots.acquire(timeout=self.wait):
            message = f"busy: {self.limit} {self.what} running; try again shortly"
            raise BusyError(message, self.retry)
        try:
            yield
        finally:
            self._slots.release()


class Fetcher:
    """URL fetches, at most ``limit`` at once; one more gets :class:`BusyError` (503 with
    ``Retry-After``) at once. Fetches run in the server's thread pool and may take the
    whole fetch timeout each, so without this bound slow sites could hold every worker
    thread."""

    def __init__(self, policy: FetchPolicy, limit: int) -> None:
        self.policy = policy
        # A running fetch ends within its timeout, so a slot is free by then.
        self._slots = Slots(limit, "URL fetches", retry=policy.timeout)
        self.limit = self._slots.limit

    def fetch(self, url: str) -> Page:
        """The page at ``url`` under the policy, once a fetch slot is free.

        Raises:
            BusyError: when every fetch slot is taken.
            InputError, FetchError, FetchTimeoutError, BinaryInputError: see
                :func:`spinscope._ingest.fetch`.
        """
        with self._slots.slot():
            return fetch(url, self.policy)


class Queries(Slots):
    """Store reads that may scan much of a corpus (searches, dashboard reports): at most
    ``limit`` at once, a request waiting up to ``wait`` seconds for a slot. Reads run in
    the server's thread pool, so without this bound a burst of them could hold every
    worker thread and every database connection while analyses and health checks wait."""

    def __init__(self, limit: int, wait: float = 2.0) -> None:
        super().__init__(limit, "searches or reports", wait)


async def get_analyzer(request: Request) -> Analyzer:
    analyzer: Analyzer = request.app.state.analyzer
    return analyzer


async def get_fetcher(request: Request) -> Fetcher:
    fetcher: Fetcher = request.app.state.fetcher
    return fetcher


async def get_queries(request: Request) -> Queries:
    queries: Queries = request.app.state.queries
    return queries


async def get_model(request: Request) -> Model:
    model: Model = request.app.state.model
    return model


async def get_config(request: Request) -> ServeConfig:
    config: ServeConfig = request.app.state.config
    return config


async def get_store(request: Request) -> Store | None:
    """The results store of ``--db``; ``None`` without one (the corpus routes answer 404)."""
    store: Store | None = request.app.state.store
    return store


async def get_pages(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


AnalyzerDep = Annotated[Analyzer, Depends(get_analyzer)]
FetcherDep = Annotated[Fetcher, Depends(get_fetcher)]
QueriesDep = Annotated[Queries, Depends(get_queries)]
ModelDep = Annotated[Model, Depends(get_model)]
ConfigDep = Annotated[ServeConfig, Depends(get_config)]
StoreDep = Annotated[Store | None, Depends(get_store)]
PagesDep = Annotated[Pages, Depends(get_pages)]


def no_store_json() -> JSONResponse:
    """The 404 of a JSON route served without a results store."""
    return JSONResponse({"error": NO_STORE}, status_code=404)
