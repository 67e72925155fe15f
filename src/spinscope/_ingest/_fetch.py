"""Fetching an article by URL without letting the server be turned against its own network.

Each hop (the URL, then each redirect, followed by hand) is checked by :mod:`._guard`:
an http(s) URL with a well-formed host, resolved once, every address globally routable.
The connection is then pinned to the address that was checked: a network backend
(:mod:`._pinned`) connects to it whatever the name would resolve to now, while the URL
keeps its name for the ``Host`` header and TLS (SNI and certificate). So a DNS answer
that changes between the check and the connection (DNS rebinding) is never used.

One deadline covers the whole fetch: DNS, connecting, TLS, every redirect hop, headers
and body. Every socket operation waits at most until it. The body is read up to a size
cap; only HTML and plain text are accepted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .._errors import BinaryInputError, FetchError, FetchTimeoutError
from ._files import without_surrogates
from ._guard import Resolver, shown, system_resolver, usable_url, vetted_address

if TYPE_CHECKING:
    import httpx

TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class FetchPolicy:
    """Limits of URL fetching.

    Attributes:
        allow_private: Also fetch from loopback, private and link-local addresses
            (never from cloud metadata addresses).
        timeout: Seconds for the whole fetch of one URL, redirects and DNS included.
        max_bytes: Largest body read.
        resolver: Host name -> addresses; the system's resolver unless a test fakes DNS.
    """

    allow_private: bool = False
    timeout: float = 10.0
    max_bytes: int = 5_000_000
    resolver: Resolver = field(default=system_resolver, compare=False, repr=False)


@dataclass(frozen=True)
class Page:
    """A fetched page: its final URL, media type and decoded text."""

    url: str
    media_type: str
    text: str


def fetch(url: str, policy: FetchPolicy) -> Page:
    """Fetch ``url`` under ``policy``.

    Raises:
        InputError: ``url`` is not a usable http(s) URL.
        FetchError: refused address, redirect elsewhere, network error, bad status, too large.
        FetchTimeoutError: the whole fetch did not end within ``policy.timeout``.
        BinaryInputError: the page is neither HTML nor plain text.
    """
    deadline = time.monotonic() + policy.timeout
    target = usable_url(url)
    for _ in range(MAX_REDIRECTS + 1):
        found = _hop(target, policy, deadline)
        if isinstance(found, Page):
            return found
        target = found
    raise FetchError(f"{shown(url)}: more than {MAX_REDIRECTS} redirects")


def _hop(url: httpx.URL, policy: FetchPolicy, deadline: float) -> Page | httpx.URL:
    """One request: the page, or the checked URL a redirect points to."""
    import httpx  # only when fetching: httpx and httpcore take a tenth of a second to import

    from ._pinned import pinned_client

    address = vetted_address(url, policy.allow_private, policy.resolver, deadline)
    headers = {"User-Agent": "spinscope", "Accept-Encoding": "identity"}
    try:
        with (
            pinned_client(address, deadline) as client,
            client.stream("GET", url, headers=headers) as response,
        ):
            if response.is_redirect:
                location = response.headers.get("location", "")
                return usable_url(location, FetchError, base=url)
            return _read(str(url), response, policy, deadline)
    except httpx.TimeoutException:
        raise FetchTimeoutError(
            f"{shown(str(url))}: no answer within {policy.timeout:g} s"
        ) from None
    except httpx.HTTPError as exc:
        raise FetchError(f"{shown(str(url))}: {exc.__class__.__name__}: {exc}") from None


def _read(url: str, response: httpx.Response, policy: FetchPolicy, deadline: float) -> Page:
    if response.status_code >= 400:
        raise FetchError(f"{shown(url)}: the server answered {response.status_code}")
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in TEXT_TYPES:
        # The type is the server's text: shown short and escaped, like a URL.
        kind = shown(media_type) if media_type else "unknown"
        raise BinaryInputError(f"{shown(url)}: {kind} content is not an article")
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if time.monotonic() > deadline:
            raise FetchTimeoutError(f"{shown(url)}: not read within {policy.timeout:g} s")
        if len(body) > policy.max_bytes:
            raise FetchError(f"{shown(url)}: page larger than {policy.max_bytes:,} bytes")
    return Page(url, media_type, _decode_body(bytes(body), response.charset_encoding))


def _decode_body(body: bytes, charset: str | None) -> str:
    """``body`` decoded as the server's ``charset`` says, else (unknown, or a codec that
    cannot replace bad bytes, such as ``idna`` or ``punycode``) as UTF-8. Codecs that can
    make lone surrogates (``utf-7``, ``raw_unicode_escape``) have them replaced: they
    are not text, and no answer could encode them.

    Example:
        >>> _decode_body(b"caf\\xe9", "latin-1"), _decode_body(b"+2AA-", "utf-7")
        ('café', '\ufffd')
    """
    try:
        text = body.decode(charset or "utf-8", errors="replace")
    except (LookupError, ValueError):  # UnicodeError, and a NUL in the codec's name
        text = body.decode("utf-8", errors="replace")
    return without_surrogates(text)
