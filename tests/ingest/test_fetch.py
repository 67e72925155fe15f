"""The address and URL guards of fetching: an allowlist of globally routable addresses,
and URLs that are usable or refused as bad input (400), never a crash."""

from __future__ import annotations

import time

import pytest

from spinscope import SpinscopeError
from spinscope._errors import FetchError, InputError
from spinscope._ingest._guard import check_address, usable_url, vetted_address


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
        "100.64.0.1",  # shared address space (carrier-grade NAT): not global
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "198.18.0.1",  # benchmarking
        "240.0.0.1",  # reserved
    ],
)
def test_addresses_that_are_not_global_are_refused_by_default(address: str) -> None:
    with pytest.raises(FetchError, match="refusing"):
        check_address(address, allow_private=False)


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.1.2.3", "192.168.1.1", "::1", "100.64.0.1", "fe80::1"]
)
def test_intranet_switch_allows_private_addresses(address: str) -> None:
    check_address(address, allow_private=True)


@pytest.mark.parametrize(
    "address",
    ["169.254.169.254", "fd00:ec2::254", "100.100.100.200", "::ffff:169.254.169.254"],
)
def test_metadata_addresses_stay_refused_even_with_the_switch(address: str) -> None:
    with pytest.raises(FetchError, match="metadata"):
        check_address(address, allow_private=True)


@pytest.mark.parametrize("address", ["224.0.0.1", "0.0.0.0", "::", "255.255.255.255"])
def test_multicast_and_unspecified_stay_refused_even_with_the_switch(address: str) -> None:
    with pytest.raises(FetchError):
        check_address(address, allow_private=True)


def test_public_addresses_pass() -> None:
    check_address("93.184.216.34", allow_private=False)
    check_address("2606:4700::1111", allow_private=False)
    check_address("2002:5db8:d822::1", allow_private=False)  # 6to4 of a public address


@pytest.mark.parametrize(
    "url",
    [
        "",
        "ftp://a.example/x",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http:///x",
        "http://[::1/",
        "http://127.0.0.1:99999/",
        "http://" + "a" * 300 + ".example/",
        "http://a\ud800b.example/",
        "http://ex ample.com/",
        "http://a..b/",
    ],
)
def test_unusable_urls_are_bad_input(url: str) -> None:
    with pytest.raises(InputError):
        usable_url(url)


def test_a_usable_url_keeps_its_name_port_and_path() -> None:
    parsed = usable_url("https://Évil.example:8443/a?b=1")
    assert (parsed.raw_host, parsed.port, parsed.raw_path) == (
        b"xn--vil-9la.example",
        8443,
        b"/a?b=1",
    )


def test_localhost_by_name_is_refused() -> None:
    def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1"] if host == "localhost" else []

    url = usable_url("http://localhost:8000/")
    with pytest.raises(SpinscopeError, match="refusing"):
        vetted_address(url, False, resolver, time.monotonic() + 5)


def test_a_name_with_any_internal_address_is_refused() -> None:
    def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.1"]

    with pytest.raises(FetchError, match=r"10\.0\.0\.1"):
        vetted_address(usable_url("http://mixed.example/"), False, resolver, time.monotonic() + 5)
