"""Fetching an article by URL without letting the server be turned against its own network.

Only http and https; every address the host name resolves to is checked (loopback,
private, link-local including cloud metadata, multicast and reserved ranges are refused
unless private URLs are allowed); redirects are followed by hand so each hop is checked
again; the body is read up to a size cap within a timeout; only HTML and plain text are
accepted.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from .._errors import BinaryInputError, FetchError, FetchTimeoutError

if TYPE_CHECKING:
    import httpx

TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class FetchPolicy:
    """Limits of URL fetching.

    Attributes:
        allow_private: Also fetch from loopback, private and link-local addresses.
        timeout: Seconds for the whole fetch of one URL.
        max_bytes: Largest body read.
    """

    allow_private: bool = False
    timeout: float = 10.0
    max_bytes: int = 5_000_000


@dataclass(frozen=True)
class Page:
    """A fetched page: its final URL, media type and decoded text."""

    url: str
    media_type: str
    text: str


def check_address(address: str, allow_private: bool) -> None:
    """Refuse an IP address the server must not be made to reach.

    Example:
        >>> check_address("93.184.216.34", False)
        >>> check_address("169.254.169.254", False)
        Traceback (most recent call last):
        ...
        spinscope._errors.FetchError: refusing to fetch from 169.254.169.254: a link-local address
    """
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    kinds = (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("private", ip.is_private),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved or ip.is_unspecified),
    )
    internal = ip.is_loopback or ip.is_private or ip.is_link_local
    if allow_private and internal and not ip.is_multicast:
        return
    for kind, hit in kinds:
        if hit:
            raise FetchError(f"refusing to fetch from {address}: a {kind} address")


def check_url(url: str, allow_private: bool) -> None:
    """Check scheme and every resolved address of ``url``'s host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"{url}: only http and https URLs can be fetched")
    if not parts.hostname:
        raise FetchError(f"{url}: no host name")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 80, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise FetchError(f"{url}: cannot resolve host {parts.hostname!r}") from None
    for info in infos:
        check_address(str(info[4][0]), allow_private)


def fetch(url: str, policy: FetchPolicy) -> Page:
    """Fetch ``url`` under ``policy``.

    Raises:
        FetchError: refused address or scheme, network error, bad status, too large.
        FetchTimeoutError: the server did not answer within the timeout.
        BinaryInputError: the page is neither HTML nor plain text.
    """
    import httpx  # only when fetching: it takes a tenth of a second to import

    timeout = httpx.Timeout(policy.timeout)
    deadline = time.monotonic() + policy.timeout
    with httpx.Client(follow_redirects=False, timeout=timeout, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_url(url, policy.allow_private)
            try:
                with client.stream("GET", url, headers={"User-Agent": "spinscope"}) as response:
                    if response.is_redirect:
                        url = urljoin(url, response.headers.get("location", ""))
                        continue
                    return _read(url, response, policy, deadline)
            except httpx.TimeoutException:
                raise FetchTimeoutError(f"{url}: no answer within {policy.timeout:g} s") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"{url}: {exc.__class__.__name__}: {exc}") from None
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _read(url: str, response: httpx.Response, policy: FetchPolicy, deadline: float) -> Page:
    if response.status_code >= 400:
        raise FetchError(f"{url}: the server answered {response.status_code}")
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in TEXT_TYPES:
        raise BinaryInputError(f"{url}: {media_type or 'unknown'} content is not an article")
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if time.monotonic() > deadline:
            raise FetchTimeoutError(f"{url}: not read within {policy.timeout:g} s")
        if len(body) > policy.max_bytes:
            raise FetchError(f"{url}: page larger than {policy.max_bytes:,} bytes")
    encoding = response.charset_encoding or "utf-8"
    try:
        text = bytes(body).decode(encoding, errors="replace")
    except LookupError:
        text = bytes(body).decode("utf-8", errors="replace")
    return Page(url, media_type, text)
