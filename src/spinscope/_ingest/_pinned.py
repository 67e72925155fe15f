"""The connection of a fetch, pinned and bounded: an httpx client whose network backend
connects to the address the guard checked (not to whatever the URL's name resolves to
by then) and whose every socket operation ends by the fetch's deadline.

Imported only when fetching, since httpx and httpcore take a tenth of a second to import.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import httpcore
import httpx

if TYPE_CHECKING:
    import ssl
    from collections.abc import Iterable


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake ends by the deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float) -> None:
        self._stream = stream
        self._deadline = deadline

    def _left(self, timeout: float | None, error: type[Exception]) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise error("the fetch deadline has passed")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = self._left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, left), self._deadline
        )

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _PinnedBackend(httpcore.SyncBackend):
    """Connects to the vetted ``address``, whatever host the URL names."""

    def __init__(self, address: str, deadline: float) -> None:
        self._address = address
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ConnectTimeout("the fetch deadline has passed")
        wait = left if timeout is None else min(timeout, left)
        stream = super().connect_tcp(self._address, port, wait, local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)


def pinned_client(address: str, deadline: float) -> httpx.Client:
    """An httpx client whose connections go to ``address`` and end by ``deadline``."""
    context = httpx.create_ssl_context(trust_env=False)
    transport = httpx.HTTPTransport(verify=context, trust_env=False)
    # httpx has no public hook for a network backend, so its pool is replaced by one with
    # the pinned backend (the same pool class httpx builds; tests pin this).
    transport._pool = httpcore.ConnectionPool(
        ssl_context=context, network_backend=_PinnedBackend(address, deadline), retries=0
    )
    left = max(0.001, deadline - time.monotonic())
    return httpx.Client(transport=transport, follow_redirects=False, trust_env=False, timeout=left)
