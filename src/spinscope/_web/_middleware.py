"""What wraps every route: the request-size limit, the security headers, and the JSON
answers of errors: always ``{"error": "..."}``, a short message naming the field, with
the status of the error's kind (a request that does not validate is a 422, but its
input is never echoed back)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .._errors import (
    BinaryInputError,
    BusyError,
    FetchError,
    FetchTimeoutError,
    InputError,
    SpinscopeError,
    StoreError,
    TooLargeError,
)
from .._store import error_line
from ._access import answer_json

log = logging.getLogger("spinscope.web")
# The driver's own words name hosts, users and paths: they go to the log, not to clients.
STORE_DOWN = "cannot read the results store; the server's log says why"
LOCATIONS = ("body", "query", "path", "header", "cookie")

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The standalone report carries its own small inline style and script.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


def status_of(exc: SpinscopeError) -> int:
    """The HTTP status of an error of this kind (a page shows it with the same status)."""
    if isinstance(exc, BusyError | StoreError):
        return 503
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


async def spinscope_error(request: Request, exc: SpinscopeError) -> JSONResponse:
    """A :class:`SpinscopeError` as JSON, with the status of its kind (400, 413, 502...);
    a 503 says when to retry (``Retry-After``)."""
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, BusyError) else None
    if isinstance(exc, StoreError):
        log.warning("results store: %s", exc)
        return JSONResponse({"error": STORE_DOWN}, status_code=503)
    return JSONResponse({"error": str(exc)}, status_code=status_of(exc), headers=headers)


async def store_error(request: Request, exc: SQLAlchemyError) -> JSONResponse:
    """A database error as a 503: the server went away or the file was replaced."""
    log.warning("results store: %s", error_line(exc))
    return JSONResponse({"error": STORE_DOWN}, 503)


def validation_message(errors: list[Any]) -> str:
    """One line for the first few validation errors, each naming its field.

    Example:
        >>> validation_message([{"loc": ("body", "threshold"), "msg": "Input should be finite"}])
        'threshold: Input should be finite'
    """
    parts = []
    for error in errors[:3]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in LOCATIONS)
        kind = error.get("type", "")
        message = str(error.get("msg", "not valid")).removeprefix("Value error, ")
        if kind == "json_invalid":
            where, message = "", "the request body is not valid JSON"
        elif kind == "missing" and not where:
            message = "the request body is missing"
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)[:500] or "the request is not valid"


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A request that does not validate as a 422 ``{"error": ...}``.

    FastAPI's own answer echoes the input, which may be huge, or not even encodable as
    JSON (a NaN threshold), so it is replaced.
    """
    return JSONResponse({"error": validation_message(list(exc.errors()))}, status_code=422)


async def http_error(request: Request, exc: HTTPException) -> Response:
    """Starlette's errors (unknown path, wrong method) in the same ``{"error": ...}`` shape."""
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=exc.headers)
    body = {"error": str(exc.detail)}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def security_headers(request: Request, call_next: Any) -> Response:
    """The CSP (unless the route set its own), no sniffing and no referrer, on every answer."""
    response: Response = await call_next(request)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


class BodyLimit:
    """Answer 413 as soon as a request body passes ``limit`` bytes, declared or streamed.

    A streamed (chunked) body is cut off by raising in ``receive``; FastAPI turns any
    error while reading a body into its own 400, so once the limit is passed whatever
    the app answers is replaced by the 413.
    """

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
        over = False
        started = False

        async def limited() -> Message:
            nonlocal seen, over
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                over = True
                raise TooLargeError(f"request body over the {self.limit:,}-byte limit")
            return message

        async def answer(message: Message) -> None:
            nonlocal started
            if over:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _too_large(send, self.limit)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, answer)
        except TooLargeError:
            if started:
                raise
            await _too_large(send, self.limit)


async def _too_large(send: Send, limit: int) -> None:
    await answer_json(send, 413, f"request body over the {limit:,}-byte limit")


class ErrorBody(BaseModel):
    """Every error the API answers: one short, readable message naming the field."""

    model_config = ConfigDict(extra="forbid")

    error: str = Field(description="what went wrong, e.g. 'threshold: Input should be ...'")


# What each error status means, for the OpenAPI schema.
ERRORS: dict[int, str] = {
    400: "empty or non-text input, unknown technique, unusable URL, or a Host not allowed",
    401: "the server has a token and the request did not carry it",
    404: "no results store is open (start the server with --db)",
    413: "over the size limit",
    415: "a binary upload or a page that is not text",
    422: "a malformed request: not JSON, a wrong field or type, not exactly one of "
    "text, html or url",
    502: "the URL cannot be fetched: refused address, network error, bad status",
    503: "every analysis slot and queue place (or every URL fetch slot) is taken: "
    "retry after Retry-After seconds; or the results store cannot be read",
    504: "the URL did not answer within the fetch timeout",
}


def error_responses(
    *codes: int, describe: dict[int, str] | None = None
) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of the error ``codes`` a route answers; ``describe``
    replaces the description of a code where the route means something else by it.

    Example:
        >>> error_responses(400, 404, describe={404: "no such article"})[404]["description"]
        'no such article'
    """
    found: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        description = (describe or {}).get(code, ERRORS[code])
        found[code] = {"model": ErrorBody, "description": description}
        if code == 503:
            seconds = {"schema": {"type": "integer"}, "description": "seconds to wait"}
            found[code]["headers"] = {"Retry-After": seconds}
    return found
