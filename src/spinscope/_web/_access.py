"""Who may call the web app: the ``Host`` allowlist and the optional token.

The ``Host`` check is the defence against DNS rebinding: a hostile page whose name is
made to resolve to 127.0.0.1 can make a browser send requests here, but they carry its
own name in ``Host`` and are answered 400. The token, when set, guards every route but
the static assets and the health check; a browser gets it once as ``/?token=...``, which
sets an HttpOnly, SameSite=Strict cookie and redirects to ``/`` so the token leaves the
address bar.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

COOKIE = "spinscope_token"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
# Reachable without the token: what the pages need before it is known, and liveness.
OPEN_PREFIXES = ("/static/",)
OPEN_PATHS = ("/api/health",)


def host_name(value: str) -> str:
    """A host as ``Host`` headers write it: lower case, no trailing dot, IPv6 in brackets.

    Example:
        >>> host_name("::1"), host_name("Example.COM.")
        ('[::1]', 'example.com')
    """
    name = value.strip().lower().removesuffix(".")
    try:
        if isinstance(ipaddress.ip_address(name), ipaddress.IPv6Address):
            return f"[{name}]"
    except ValueError:
        pass
    return name


def allowed_hosts(bound: str, extra: tuple[str, ...] = ()) -> frozenset[str]:
    """The names a request's ``Host`` may carry: the bound host, loopback and ``extra``."""
    return frozenset(host_name(h) for h in (bound, *LOOPBACK_NAMES, *extra) if h.strip())


def split_host(header: str) -> tuple[str, str | None] | None:
    """``(name, port)`` of a ``Host`` header; ``None`` when it is malformed.

    Example:
        >>> split_host("[::1]:8000"), split_host("localhost"), split_host("a:b:c")
        (('[::1]', '8000'), ('localhost', None), None)
    """
    if header.startswith("["):
        name, bracket, rest = header.partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None
        name, port = name + "]", rest[1:] if rest else None
    else:
        name, colon, after = header.partition(":")
        port = after if colon else None
        if ":" in after:
            return None
    if port is not None and not (port.isdigit() and len(port) <= 5):
        return None
    return (host_name(name), port) if name else None


class AccessGuard:
    """Pure ASGI middleware: 400 for a ``Host`` not in ``hosts``; 401 without ``token``."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str], token: str | None) -> None:
        self.app = app
        self.hosts = hosts
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan; the app has no websockets
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        found = split_host(headers.get("host", ""))
        if found is None or found[0] not in self.hosts:
            shown = headers.get("host", "")[:80]
            message = (
                f"Host {shown!r} is not allowed; start spinscope serve with "
                "--allow-host NAME to serve it under another name"
            )
            await answer_json(send, 400, message)
            return
        path: str = scope["path"]
        if self.token is None or path.startswith(OPEN_PREFIXES) or path in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        given = _query_token(scope) if path == "/" and scope.get("method") == "GET" else None
        if given is not None:
            await self._log_in(send, given)
        elif self._carries_token(headers):
            await self.app(scope, receive, send)
        else:
            message = (
                "a token is required: send Authorization: Bearer TOKEN, "
                "or open /?token=TOKEN once in the browser"
            )
            await answer_json(send, 401, message, [(b"www-authenticate", b"Bearer")])

    def _matches(self, given: str) -> bool:
        assert self.token is not None
        return hmac.compare_digest(given.encode(), self.token.encode())

    def _carries_token(self, headers: Headers) -> bool:
        scheme, _, given = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and self._matches(given.strip()):
            return True
        cookies = [p.strip().partition("=") for p in headers.get("cookie", "").split(";")]
        return any(k == COOKIE and self._matches(v) for k, _, v in cookies)

    async def _log_in(self, send: Send, given: str) -> None:
        """``/?token=...``: the cookie and a redirect to ``/`` for the right token."""
        if not self._matches(given):
            await answer_json(send, 401, "wrong token", [(b"www-authenticate", b"Bearer")])
            return
        cookie = f"{COOKIE}={given}; Path=/; HttpOnly; SameSite=Strict"
        headers = [(b"location", b"/"), (b"set-cookie", cookie.encode())]
        await answer_json(send, 303, "signed in; go to /", headers)


def _query_token(scope: Scope) -> str | None:
    query = scope.get("query_string", b"").decode("latin-1")
    given = parse_qs(query).get("token")
    return given[0] if given else None


async def answer_json(
    send: Send, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    """Answer ``{"error": message}`` with ``status``, before the app sees the request."""
    key = "error" if status >= 400 else "message"
    body = json.dumps({key: message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
