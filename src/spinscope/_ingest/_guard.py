"""The address guard of URL fetching: which URLs are usable and which addresses may be
reached, decided once per hop before any connection is made.

An allowlist, not a blocklist: only globally routable addresses pass
(``ipaddress.ip_address(...).is_global``), and the IPv4 address inside an IPv4-mapped,
6to4 or NAT64 address must pass too. With ``allow_private`` (an intranet), loopback,
private, shared and link-local addresses pass as well; cloud metadata addresses,
multicast, unspecified and reserved addresses never do. The name is resolved here, by a
resolver the caller may replace (the tests' fake DNS), within the fetch's deadline; the
connection is then pinned to the address checked here (see :mod:`._fetch`), so a second,
different DNS answer is never used.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .._errors import FetchError, FetchTimeoutError, InputError

if TYPE_CHECKING:
    import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# host name, port -> the addresses it resolves to (as getaddrinfo writes them)
Resolver = Callable[[str, int], Sequence[str]]

# Instance metadata services of the clouds (AWS, AWS ECS and IPv6, Alibaba): refused even
# on an intranet, since they hand out credentials to whoever asks from the machine.
METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200")
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")
LABEL = re.compile(r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?")
SHOWN = 80


def shown(url: str) -> str:
    """``url`` for a message: at most 80 characters, unprintable characters escaped, so an
    error never echoes a huge or hostile input whole.

    Example:
        >>> shown("http://a.example/" + "x" * 100)[-4:]
        'xxx…'
    """
    short = url if len(url) <= SHOWN else url[: SHOWN - 1] + "…"
    return short if short.isprintable() else ascii(short)[1:-1]


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses of ``host`` from the operating system's resolver."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _embedded(ip: IPAddress) -> list[IPAddress]:
    """The IPv4 addresses an IPv6 address carries to (6to4, Teredo, NAT64)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    found: list[IPAddress] = []
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if ip in NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _kind(ip: IPAddress) -> str:
    kinds = (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    )
    return next((k for k, hit in kinds if hit), "non-public")


def check_address(address: str, allow_private: bool) -> IPAddress:
    """The IP address ``address``, when the server may be made to reach it.

    Raises:
        FetchError: for any address that is not globally routable (unless
            ``allow_private`` lets an intranet address through), and always for cloud
            metadata, multicast, unspecified and reserved addresses.

    Example:
        >>> str(check_address("93.184.216.34", False))
        '93.184.216.34'
        >>> check_address("fd00:ec2::254", True)
        Traceback (most recent call last):
        ...
        spinscope._errors.FetchError: refusing to fetch from fd00:ec2::254: a cloud metadata address
    """
    try:
        ip: IPAddress = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        raise FetchError(f"refusing to fetch from {shown(address)}: not an IP address") from None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    every = [ip, *_embedded(ip)]
    if any(a in METADATA for a in every):
        raise FetchError(f"refusing to fetch from {address}: a cloud metadata address")
    for a in every:
        # IPv6's reserved ::/8 holds the loopback ::1, which an intranet may use.
        never = a.is_multicast or a.is_unspecified or (a.is_reserved and not a.is_loopback)
        if not never and (a.is_global or allow_private):
            continue
        raise FetchError(f"refusing to fetch from {address}: a {_kind(a)} address")
    return ip


def usable_url(
    url: str, error: type[Exception] = InputError, base: httpx.URL | None = None
) -> httpx.URL:
    """``url`` (relative to ``base``, if given) parsed, when it is an http(s) URL with a
    well-formed host and port.

    ``error`` is raised otherwise: :class:`InputError` for a URL a client gave (a 400),
    :class:`FetchError` for the ``Location`` of a redirect (the remote server's fault).
    """
    import httpx

    try:
        parsed = httpx.URL(url) if base is None else base.join(url)
    except (httpx.InvalidURL, UnicodeError, ValueError, TypeError) as exc:
        raise error(f"{shown(str(url))}: not a usable URL ({exc})") from None
    if parsed.scheme not in ("http", "https"):
        raise error(f"{shown(str(url))}: only http and https URLs can be fetched")
    if parsed.port is not None and not 1 <= parsed.port <= 65535:
        raise error(f"{shown(str(url))}: port {parsed.port} is out of range")
    host = parsed.raw_host.decode("ascii", errors="replace").lower()
    if not host:
        raise error(f"{shown(str(url))}: no host name")
    if not _is_ip(host):
        labels = host.removesuffix(".").split(".")
        if len(host) > 253 or not all(LABEL.fullmatch(label) for label in labels):
            raise error(f"{shown(str(url))}: not a valid host name")
    return parsed


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def vetted_address(url: httpx.URL, allow_private: bool, resolver: Resolver, deadline: float) -> str:
    """The address to connect to for ``url``: its host resolved (before ``deadline``,
    a :func:`time.monotonic` value) and every address it resolves to checked.

    Raises:
        FetchError: unresolvable host or a refused address.
        FetchTimeoutError: the resolver did not answer before the deadline.
    """
    host = url.raw_host.decode("ascii")
    if _is_ip(host):
        check_address(host, allow_private)
        return host
    port = url.port or (443 if url.scheme == "https" else 80)
    addresses = _resolve_within(resolver, host, port, deadline)
    if not addresses:
        raise FetchError(f"{shown(str(url))}: cannot resolve host {host!r}")
    # Every answer must pass: a name with one internal address is an internal name.
    for address in addresses:
        check_address(address, allow_private)
    return addresses[0]


def _resolve_within(resolver: Resolver, host: str, port: int, deadline: float) -> list[str]:
    """``resolver(host, port)``, given up on at the deadline.

    getaddrinfo has no timeout of its own, so it runs on a daemon thread that is left to
    finish by itself when it overruns.
    """
    found: list[str] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            found.extend(resolver(host, port))
        except (OSError, UnicodeError, ValueError) as exc:
            failed.append(exc)

    thread = threading.Thread(target=run, name="spinscope-resolve", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.monotonic()))
    if thread.is_alive():
        raise FetchTimeoutError(f"cannot resolve host {host!r} in time")
    if failed:
        raise FetchError(f"cannot resolve host {host!r}")
    return found
