"""What wraps every route: the request-size limit, the security headers, and the JSON
answers of errors (``{"error": ...}`` with the status of the error's kind)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .._errors import (
    BinaryInputError,
    BusyError,
    FetchError,
    FetchTimeoutError,
    InputError,
    SpinscopeError,
    TooLargeError,
)
from .._store import error_line

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The standalone report carries its own small inline style and script.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


def _status(exc: SpinscopeError) -> int:
    if isinstance(exc, BusyError):
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
    return JSONResponse({"error": str(exc)}, status_code=_status(exc), headers=headers)


async def store_error(request: Request, exc: SQLAlchemyError) -> JSONResponse:
    """A database error as a 503: the server went away or the file was replaced."""
    return JSONResponse({"error": f"cannot read the results store ({error_line(exc)})"}, 503)


async def security_headers(request: Request, call_next: Any) -> Response:
    """The CSP (unless the route set its own), no sniffing and no referrer, on every answer."""
    response: Response = await call_next(request)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


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
