"""Fetching against loopback servers and a fake DNS: the connection is pinned to the
address that was checked (DNS rebinding), and one deadline covers DNS, every redirect
hop, headers and body. Nothing here leaves loopback."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from spinscope._errors import FetchError, FetchTimeoutError
from spinscope._ingest import FetchPolicy, fetch

Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


class _Quiet(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (the deadline) is expected here


def _serve(address: str, port: int, handle: Handler) -> _Quiet:
    class _Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            handle(self)

        def log_message(self, *args: object) -> None:
            pass

    server = _Quiet((address, port), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _page(request: http.server.BaseHTTPRequestHandler, text: str) -> None:
    body = text.encode()
    request.send_response(200)
    request.send_header("Content-Type", "text/plain; charset=utf-8")
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)


@pytest.fixture()
def servers() -> Iterator[Callable[[str, int, Handler], _Quiet]]:
    started: list[_Quiet] = []

    def start(address: str, port: int, handle: Handler) -> _Quiet:
        started.append(_serve(address, port, handle))
        return started[-1]

    yield start
    for server in started:
        server.shutdown()
        server.server_close()


def _fake_getaddrinfo(answers: Callable[[str], str]) -> Callable[..., Any]:
    """A getaddrinfo that answers names from ``answers`` and IP literals as themselves."""

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        try:
            socket.inet_aton(host)
            address = host
        except OSError:
            address = answers(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 80)))]

    return getaddrinfo


def test_the_connection_goes_to_the_address_that_was_checked(
    servers: Callable[[str, int, Handler], _Quiet], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def vetted(request: http.server.BaseHTTPRequestHandler) -> None:
        seen.append(request.headers["Host"])
        _page(request, "the vetted page")

    first = servers("127.0.0.1", 0, vetted)
    port = first.server_port
    try:
        servers("127.0.0.2", port, lambda r: _page(r, "an internal secret"))
    except OSError:
        pytest.skip("127.0.0.2 is not usable on this machine")
    calls: list[str] = []

    def rebinding(host: str) -> str:
        # The first answer is checked; every later one points somewhere else.
        calls.append(host)
        return "127.0.0.1" if len(calls) == 1 else "127.0.0.2"

    # Both the guard's resolver and the system's (which httpx would use) rebind.
    monkeypatch.setattr(socket, "getaddrinfo", _fake_getaddrinfo(rebinding))
    policy = FetchPolicy(allow_private=True, timeout=5, resolver=lambda h, p: [rebinding(h)])
    page = fetch(f"http://rebind.example:{port}/a", policy)
    assert page.text == "the vetted page"
    assert seen == [f"rebind.example:{port}"]  # the name is kept for the Host header
    assert calls == ["rebind.example"]


def test_a_refused_first_answer_is_refused_whatever_comes_next() -> None:
    answers = iter([["10.0.0.1"], ["93.184.216.34"]])
    policy = FetchPolicy(resolver=lambda h, p: next(answers))
    with pytest.raises(FetchError, match=r"refusing to fetch from 10\.0\.0\.1"):
        fetch("http://rebind.example/", policy)


def _hops(delay: float) -> Handler:
    """Every ``/N`` waits ``delay`` seconds, then redirects to ``/N+1``; ``/5`` is the page."""

    def handle(request: http.server.BaseHTTPRequestHandler) -> None:
        time.sleep(delay)
        n = int(request.path.strip("/") or 0)
        if n >= 5:
            _page(request, "the end of the chain")
            return
        request.send_response(302)
        request.send_header("Location", f"/{n + 1}")
        request.send_header("Content-Length", "0")
        request.end_headers()

    return handle


def _timed(url: str, policy: FetchPolicy) -> tuple[BaseException | None, float]:
    started = time.monotonic()
    try:
        fetch(url, policy)
    except (FetchError, FetchTimeoutError) as exc:
        return exc, time.monotonic() - started
    return None, time.monotonic() - started


def test_one_deadline_covers_every_redirect_hop(
    servers: Callable[[str, int, Handler], _Quiet],
) -> None:
    chain = servers("127.0.0.1", 0, _hops(0.4))
    policy = FetchPolicy(allow_private=True, timeout=1.0)
    error, took = _timed(f"http://127.0.0.1:{chain.server_port}/0", policy)
    assert isinstance(error, FetchTimeoutError)
    assert took < 1.3


def test_the_whole_chain_is_fetched_when_it_is_fast_enough(
    servers: Callable[[str, int, Handler], _Quiet],
) -> None:
    chain = servers("127.0.0.1", 0, _hops(0.0))
    policy = FetchPolicy(allow_private=True, timeout=5.0)
    assert fetch(f"http://127.0.0.1:{chain.server_port}/0", policy).text == "the end of the chain"


def test_the_deadline_covers_a_body_that_trickles(
    servers: Callable[[str, int, Handler], _Quiet],
) -> None:
    def trickle(request: http.server.BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/plain")
        request.send_header("Content-Length", "100")
        request.end_headers()
        for _ in range(100):
            request.wfile.write(b"a")
            request.wfile.flush()
            time.sleep(0.3)

    server = servers("127.0.0.1", 0, trickle)
    policy = FetchPolicy(allow_private=True, timeout=1.0)
    error, took = _timed(f"http://127.0.0.1:{server.server_port}/", policy)
    assert isinstance(error, FetchTimeoutError)
    assert took < 1.3


def test_the_deadline_covers_dns() -> None:
    def slow(host: str, port: int) -> list[str]:
        time.sleep(3)
        return ["127.0.0.1"]

    policy = FetchPolicy(allow_private=True, timeout=0.5, resolver=slow)
    error, took = _timed("http://slow-dns.example/", policy)
    assert isinstance(error, FetchTimeoutError)
    assert took < 0.8


@pytest.mark.parametrize(
    ("location", "match"),
    [
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://[::1/", "URL"),
        ("http://127.0.0.1:99999/", "out of range"),
        ("gopher://127.0.0.1/", "only http"),
    ],
)
def test_a_redirect_to_a_refused_or_broken_url_is_a_fetch_error(
    servers: Callable[[str, int, Handler], _Quiet], location: str, match: str
) -> None:
    def redirect(request: http.server.BaseHTTPRequestHandler) -> None:
        request.send_response(302)
        request.send_header("Location", location)
        request.send_header("Content-Length", "0")
        request.end_headers()

    server = servers("127.0.0.1", 0, redirect)
    policy = FetchPolicy(allow_private=True, timeout=2.0)
    with pytest.raises(FetchError, match=match):
        fetch(f"http://127.0.0.1:{server.server_port}/", policy)
