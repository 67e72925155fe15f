"""The web app: the analyzer page and a JSON API over the same analyzer, and with a results
store (``ServeConfig.db``) the corpus view and dashboard of :mod:`.corpus`.

Every page has a JSON twin built from the same data: ``/`` and ``/api/analyze``,
``/corpus`` and ``/api/corpus``, ``/dashboard`` and ``/api/dashboard``. The model is
loaded once and shared; analysis runs in the server's thread pool, and onnxruntime
sessions are safe to share. The store is opened once, at creation; its engine's pool
serves the request threads.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import FastAPI, File, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .._cli._commands import analysis_json, semeval_lines, techniques_json
from .._errors import (
    BinaryInputError,
    FetchError,
    FetchTimeoutError,
    InputError,
    SpinscopeError,
    TooLargeError,
)
from .._formats import render_html
from .._ingest import FetchPolicy, decode_text, extract_article, fetch
from .._pipeline import Analysis, Model
from .._reports import open_existing
from .._semeval import format_labels
from .._store import error_line
from .._version import __version__
from ._corpus import corpus_routes
from ._pages import Pages

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The standalone report carries its own small inline style and script.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


@dataclass(frozen=True)
class ServeConfig:
    """How the web app runs.

    Attributes:
        max_bytes: Largest text (or uploaded file) analyzed, in bytes.
        fetch: Limits of fetching articles by URL.
        concurrency: Analyses run at once; more wait their turn. One analysis already
            keeps both cores busy, and each running analysis holds its own buffers, so
            more than one only adds memory.
        db: A results store (SQLite file or ``postgresql://`` URL) to serve the corpus
            view and dashboard of; without one those pages answer 404.
    """

    max_bytes: int = 2_000_000
    concurrency: int = 1
    fetch: FetchPolicy = field(default_factory=FetchPolicy)
    db: str | None = None


class AnalyzeRequest(BaseModel):
    """Body of ``POST /api/analyze``: exactly one of ``text``, ``html`` or ``url``."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = None
    html: str | None = None
    url: str | None = None
    threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    techniques: list[str] | None = None

    @model_validator(mode="after")
    def one_source(self) -> AnalyzeRequest:
        given = [k for k in ("text", "html", "url") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of text, html or url")
        return self


def _status(exc: SpinscopeError) -> int:
    if isinstance(exc, FetchTimeoutError):
        return 504
    if isinstance(exc, FetchError):
        return 502
    if isinstance(exc, TooLargeError):
        return 413
    if isinstance(exc, BinaryInputError):
        return 415
    if isinstance(exc, InputError):
        return 400
    return 500


class BodyLimit:
    """Answer 413 as soon as a request body passes ``limit`` bytes, declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(send, self.limit)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise TooLargeError(f"request body over the {self.limit:,}-byte limit")
            return message

        await self.app(scope, limited, send)


async def _too_large(send: Send, limit: int) -> None:
    body = f'{{"error": "request body over the {limit:,}-byte limit"}}'.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def create_app(model: Model, config: ServeConfig | None = None) -> FastAPI:
    """The FastAPI application over ``model`` (and the results store ``config.db``).

    Raises:
        StoreError: when ``config.db`` cannot be opened.

    Example:
        >>> # uvicorn.run(create_app(spinscope.load_model()), port=8000)
    """
    config = config or ServeConfig()
    # Serving never creates a store: a mistyped path is an error, not an empty corpus.
    store = open_existing(config.db) if config.db else None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if store is not None:
            store.close()

    app = FastAPI(
        title="spinscope",
        version=__version__,
        description="Find and name propaganda techniques in news articles.",
        lifespan=lifespan,
    )
    pages = Pages(corpus=store is not None)
    page = pages.html("index.html", active="analyze")
    # JSON can escape each character to six, so the body may be larger than the text.
    app.add_middleware(BodyLimit, limit=6 * config.max_bytes + 65536)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.exception_handler(SpinscopeError)
    async def spinscope_error(request: Request, exc: SpinscopeError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=_status(exc))

    @app.exception_handler(SQLAlchemyError)
    async def store_error(request: Request, exc: SQLAlchemyError) -> JSONResponse:
        # The server went away or the file was replaced: say so rather than a bare 500.
        return JSONResponse({"error": f"cannot read the results store ({error_line(exc)})"}, 503)

    def text_of(body: AnalyzeRequest) -> tuple[str, str]:
        if body.text is not None:
            text, source = body.text, "<text>"
        elif body.html is not None:
            _check_size(body.html, config.max_bytes)
            text, source = extract_article(body.html, "the HTML"), "<html>"
        else:
            assert body.url is not None
            fetched = fetch(body.url, config.fetch)
            text = fetched.text
            if fetched.media_type != "text/plain":
                text = extract_article(text, fetched.url)
            source = fetched.url
        _check_size(text, config.max_bytes)
        return text, source

    slots = threading.BoundedSemaphore(max(1, config.concurrency))

    def run(text: str, threshold: float | None, techniques: list[str] | None) -> Analysis:
        with slots:
            return model.analyze(text, threshold=threshold, techniques=techniques)

    @app.post("/api/analyze")
    def analyze(body: AnalyzeRequest) -> dict[str, Any]:
        """Analyze text, HTML or the article at a URL; the JSON of `spinscope analyze -f json`."""
        text, source = text_of(body)
        return analysis_json(source, run(text, body.threshold, body.techniques))

    @app.post("/api/analyze-file")
    def analyze_file(
        file: Annotated[UploadFile, File()],
        threshold: float | None = None,
    ) -> dict[str, Any]:
        """Analyze an uploaded .txt or .html file."""
        data = file.file.read(config.max_bytes * 2 + 1)
        name = file.filename or "upload"
        text, _ = decode_text(data, name)
        if name.lower().endswith((".html", ".htm")) or text.lstrip()[:15].lower().startswith(
            ("<!doctype html", "<html")
        ):
            text = extract_article(text, name)
        _check_size(text, config.max_bytes)
        if threshold is not None and not 0 <= threshold <= 1:
            raise InputError(f"threshold {threshold} is not between 0 and 1")
        return analysis_json(name, run(text, threshold, None))

    @app.post("/api/report", response_class=HTMLResponse)
    def report(body: AnalyzeRequest) -> HTMLResponse:
        """The standalone HTML report of an analysis, as a download."""
        text, source = text_of(body)
        page_html = render_html(run(text, body.threshold, body.techniques), source)
        return HTMLResponse(
            page_html,
            headers={
                "Content-Disposition": 'attachment; filename="spinscope-report.html"',
                "Content-Security-Policy": REPORT_CSP,
            },
        )

    @app.post("/api/semeval", response_class=PlainTextResponse)
    def semeval(body: AnalyzeRequest) -> PlainTextResponse:
        """The analysis as SemEval lines (article id ``1``)."""
        text, _ = text_of(body)
        analysis = run(text, body.threshold, body.techniques)
        return PlainTextResponse(format_labels(semeval_lines("1", analysis)))

    @app.get("/api/techniques")
    def techniques() -> list[dict[str, str]]:
        """The 14 techniques with definition, example and colour."""
        return techniques_json()

    @app.get("/api/health")
    def health() -> dict[str, Any]:
        """Liveness, model id and version, and the model's default threshold."""
        return {
            "status": "ok",
            "model": model.model_id,
            "version": __version__,
            "default_threshold": model.config.confidence_threshold,
        }

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        found = pages.asset(name)
        if found is None:
            raise HTTPException(404)
        return found

    app.include_router(corpus_routes(store, pages))
    return app


def _check_size(text: str, limit: int) -> None:
    size = len(text.encode("utf-8"))
    if size > limit:
        raise TooLargeError(f"the text is {size:,} bytes, over the {limit:,}-byte limit")
