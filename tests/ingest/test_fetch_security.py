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

import httpx
import pytest

from spinscope._errors import BinaryInputError, FetchError, FetchTimeoutError
from spinscope._ingest import FetchPolicy, _pinned, fetch
from spinscope._web._middleware import status_of

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
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
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


# -- redirects into the private network, under the default policy ------------------------
#
# The first hop must pass the default guard, so its name resolves (fake DNS) to a global
# address. Nothing may connect there: the pinned client is wrapped so that a connection
# pinned to that address goes to a loopback server instead, a loopback address is
# connected as is (the tests' private server) and any other address fails the test
# before a socket is opened. So no traffic leaves loopback.

PUBLIC = "93.184.216.34"


def _fake_dns(names: dict[str, str]) -> Callable[[str, int], list[str]]:
    """A resolver that answers ``names`` from the table and numeric hosts (``127.1``,
    ``2130706433``, ``0x7f.0.0.1``) as getaddrinfo does, without any network."""

    def resolve(host: str, port: int) -> list[str]:
        if host in names:
            return [names[host]]
        try:
            return [socket.inet_ntoa(socket.inet_aton(host))]
        except OSError:
            raise socket.gaierror(f"{host}: unknown to the fake DNS") from None

    return resolve


@pytest.fixture()
def pinned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every address a fetch pins a connection to; ``PUBLIC`` is served by loopback."""
    seen: list[str] = []
    real = _pinned.pinned_client

    def pinned_client(address: str, deadline: float) -> httpx.Client:
        seen.append(address)
        if address == PUBLIC:
            return real("127.0.0.1", deadline)
        if address.startswith("127.") or address == "::1":
            return real(address, deadline)
        raise AssertionError(f"the fetch would connect to {address}, outside loopback")

    monkeypatch.setattr(_pinned, "pinned_client", pinned_client)
    return seen


def _redirect_to(location: str, hits: list[str]) -> Handler:
    def handle(request: http.server.BaseHTTPRequestHandler) -> None:
        hits.append(request.path)
        if request.path == "/page":
            _page(request, "the public page")
            return
        request.send_response(302)
        request.send_header("Location", location)
        request.send_header("Content-Length", "0")
        request.end_headers()

    return handle


def test_a_public_name_served_by_loopback_is_fetched_under_the_default_policy(
    servers: Callable[[str, int, Handler], _Quiet], pinned: list[str]
) -> None:
    # The control for the tests below: the seam lets an allowed chain through.
    hits: list[str] = []
    public = servers("127.0.0.1", 0, _redirect_to("/page", hits))
    policy = FetchPolicy(timeout=5, resolver=_fake_dns({"news.example": PUBLIC}))
    page = fetch(f"http://news.example:{public.server_port}/start", policy)
    assert page.text == "the public page"
    assert hits == ["/start", "/page"]
    assert pinned == [PUBLIC, PUBLIC]


@pytest.mark.parametrize(
    ("location", "refused"),
    [
        ("http://10.0.0.1/admin", r"10\.0\.0\.1: a private"),
        ("http://127.0.0.1:{port}/secret", r"127\.0\.0\.1: a loopback"),
        ("//127.0.0.1:{port}/secret", r"127\.0\.0\.1: a loopback"),
        ("http://internal.example:{port}/secret", r"127\.0\.0\.1: a loopback"),
        ("http://localhost:{port}/secret", r"127\.0\.0\.1: a loopback"),
        ("http://2130706433:{port}/secret", r"127\.0\.0\.1: a loopback"),
        ("http://0x7f.0.0.1:{port}/secret", r"127\.0\.0\.1: a loopback"),
        ("http://[::ffff:127.0.0.1]:{port}/secret", r"::ffff:127\.0\.0\.1: a loopback"),
        ("http://user:pw@127.1:{port}/secret", r"127\.0\.0\.1: a loopback"),
    ],
)
def test_a_redirect_into_the_private_network_is_refused_by_default(
    servers: Callable[[str, int, Handler], _Quiet],
    pinned: list[str],
    location: str,
    refused: str,
) -> None:
    private_hits: list[str] = []
    private = servers("127.0.0.1", 0, _redirect_to("/page", private_hits))
    public_hits: list[str] = []
    target = location.format(port=private.server_port)
    public = servers("127.0.0.1", 0, _redirect_to(target, public_hits))
    names = {"news.example": PUBLIC, "internal.example": "127.0.0.1", "localhost": "127.0.0.1"}
    policy = FetchPolicy(timeout=5, resolver=_fake_dns(names))
    with pytest.raises(FetchError, match="refusing to fetch from " + refused):
        fetch(f"http://news.example:{public.server_port}/start", policy)
    assert public_hits == ["/start"]  # the redirect was served ...
    assert private_hits == []  # ... and not followed
    assert pinned == [PUBLIC]


# -- bodies over the size cap, and bodies that are not text -------------------------------

HUGE = 50_000_000
PIECE = 65_536


class _Stream:
    """A server that streams ``HUGE`` bytes slowly (at least 7 s for all of them) and
    counts how many it got to send before the client hung up."""

    def __init__(self, framing: str, content_type: str | None = "text/plain") -> None:
        self.framing = framing
        self.content_type = content_type
        self.sent = 0
        self.done = threading.Event()

    def __call__(self, request: http.server.BaseHTTPRequestHandler) -> None:
        chunked = self.framing == "chunked"
        if chunked:
            request.protocol_version = "HTTP/1.1"
        request.close_connection = True
        request.send_response(200)
        if self.content_type is not None:
            request.send_header("Content-Type", self.content_type)
        if self.framing == "length":
            request.send_header("Content-Length", str(HUGE))
        elif chunked:
            request.send_header("Transfer-Encoding", "chunked")
        request.end_headers()
        piece = b"\x89PNG\r\n\x1a\n" * (PIECE // 8)
        framed = b"%x\r\n%s\r\n" % (PIECE, piece) if chunked else piece
        try:
            while self.sent < HUGE:
                request.wfile.write(framed)
                request.wfile.flush()
                self.sent += PIECE
                time.sleep(0.01)
            if chunked:
                request.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass  # the client hung up: what these tests want
        finally:
            self.done.set()


@pytest.mark.parametrize("framing", ["length", "chunked", "close"])
def test_a_huge_body_is_cut_off_at_the_cap_not_read_whole(
    servers: Callable[[str, int, Handler], _Quiet], framing: str
) -> None:
    stream = _Stream(framing)
    server = servers("127.0.0.1", 0, stream)
    policy = FetchPolicy(allow_private=True, timeout=30, max_bytes=200_000)
    error, took = _timed(f"http://127.0.0.1:{server.server_port}/", policy)
    assert isinstance(error, FetchError) and not isinstance(error, FetchTimeoutError)
    assert "page larger than 200,000 bytes" in str(error)
    assert took < 3  # sending it all takes at least 7 s
    # The connection is closed: the server's writes fail soon, far from the end.
    assert stream.done.wait(10)
    assert stream.sent < HUGE // 10


@pytest.mark.parametrize(
    ("content_type", "shown_type"),
    [
        ("image/png", "image/png"),
        ("application/octet-stream", "application/octet-stream"),
        ("IMAGE/PNG; charset=utf-8", "image/png"),
        (None, "unknown"),
    ],
)
def test_a_body_that_is_not_text_is_unsupported_media(
    servers: Callable[[str, int, Handler], _Quiet], content_type: str | None, shown_type: str
) -> None:
    stream = _Stream("length", content_type)
    server = servers("127.0.0.1", 0, stream)
    policy = FetchPolicy(allow_private=True, timeout=30)
    started = time.monotonic()
    with pytest.raises(BinaryInputError, match=f"{shown_type} content is not an article") as info:
        fetch(f"http://127.0.0.1:{server.server_port}/photo", policy)
    assert time.monotonic() - started < 3  # refused on its headers, the body left unread
    assert stream.done.wait(10) and stream.sent < HUGE // 10
    assert status_of(info.value) == 415  # what the web app answers
