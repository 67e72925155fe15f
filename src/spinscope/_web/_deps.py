"""What the routers get from the app: the model, the config, the results store and the
pages, each set once on ``app.state`` by :func:`~._app.create_app` and handed to a route
by a small FastAPI dependency.

A route names what it needs by type (``config: ConfigDep``); nothing is global, and a
test can swap any of them with ``app.dependency_overrides``. The getters are ``async`` so
that reading ``app.state`` never takes a trip through the thread pool.
"""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from .._pipeline import Analysis, Model
from .._store import Store
from ._config import ServeConfig
from ._pages import Pages

NO_STORE = (
    "no results store is open: start the server with spinscope serve --db TARGET "
    "(a SQLite file or a postgresql:// URL filled by spinscope batch)"
)


class Analyzer:
    """The model behind the analysis routes, running at most ``concurrency`` analyses at
    once; more wait their turn. Analysis runs in the server's thread pool, and onnxruntime
    sessions are safe to share.
    """

    def __init__(self, model: Model, concurrency: int) -> None:
        self.model = model
        self._slots = threading.BoundedSemaphore(max(1, concurrency))

    def analyze(self, text: str, threshold: float | None, techniques: list[str] | None) -> Analysis:
        """The analysis of ``text``, once a slot is free: :meth:`Model.pipe` over the one
        article of a request (unpacked, so the analysis is the one ``Model.analyze`` gives).

        Raises:
            InputError: for an empty text, a bad threshold or an unknown technique.
        """
        with self._slots:
            found = self.model.pipe(
                [text], threshold=threshold, techniques=techniques, pack_articles=False
            )
            return next(found)


async def get_analyzer(request: Request) -> Analyzer:
    analyzer: Analyzer = request.app.state.analyzer
    return analyzer


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
ModelDep = Annotated[Model, Depends(get_model)]
ConfigDep = Annotated[ServeConfig, Depends(get_config)]
StoreDep = Annotated[Store | None, Depends(get_store)]
PagesDep = Annotated[Pages, Depends(get_pages)]


def no_store_json() -> JSONResponse:
    """The 404 of a JSON route served without a results store."""
    return JSONResponse({"error": NO_STORE}, status_code=404)
