"""The address and URL guards of fetching."""

from __future__ import annotations

import pytest

from spinscope import SpinscopeError
from spinscope._ingest._fetch import check_address, check_url


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "::ffff:127.0.0.1",
        "fd00::1",
        "0.0.0.0",
        "224.0.0.1",
    ],
)
def test_internal_addresses_are_refused_by_default(address: str) -> None:
    with pytest.raises(SpinscopeError, match="refusing"):
        check_address(address, allow_private=False)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "192.168.1.1", "::1"])
def test_intranet_switch_allows_private_addresses(address: str) -> None:
    check_address(address, allow_private=True)


def test_multicast_stays_refused_even_with_the_switch() -> None:
    with pytest.raises(SpinscopeError):
        check_address("224.0.0.1", allow_private=True)


def test_public_addresses_pass() -> None:
    check_address("93.184.216.34", allow_private=False)
    check_address("2606:4700::1111", allow_private=False)


@pytest.mark.parametrize(
    "url", ["ftp://a.example/x", "file:///etc/passwd", "javascript:alert(1)", "http:///x"]
)
def test_only_http_urls_with_a_host_are_fetched(url: str) -> None:
    with pytest.raises(SpinscopeError):
        check_url(url, allow_private=False)


def test_localhost_by_name_is_refused() -> None:
    with pytest.raises(SpinscopeError, match="refusing"):
        check_url("http://localhost:8000/", allow_private=False)
