"""Fuzzing the parsing side of URL fetching (no request is ever sent): URLs a client
gives, ``Location`` headers of redirects, resolver answers, and the body and charset of a
response. Each gives a checked URL, address or text, or a project error."""

from __future__ import annotations

import time
from collections.abc import Sequence

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope._errors import FetchError, InputError, SpinscopeError
from spinscope._ingest import FetchPolicy, valid_unicode
from spinscope._ingest._fetch import _decode_body, _read
from spinscope._ingest._guard import check_address, usable_url, vetted_address

from .strategies import FUZZ, TEXT_CHARS, outcome, texts

hosts = st.one_of(
    st.sampled_from(["example.com", "a.example.", "xn--a-ecp.ru", "localhost", "[::1]"]),
    st.sampled_from(["127.0.0.1", "[fe80::1%25eth0]", "0x7f.1", "[::ffff:10.0.0.1]", ""]),
    st.ip_addresses().map(lambda ip: f"[{ip}]" if ip.version == 6 else str(ip)),
    st.lists(st.text("abc-_.%[]:@\\ é\ud800\x00" + "0123456789", max_size=70), max_size=5).map(
        ".".join
    ),
    texts,
)
ports = st.none() | st.integers(-5, 70000).map(str) | st.text("0123456789:-+x", max_size=7)
urls = st.one_of(
    st.builds(
        lambda scheme, host, port, path: (
            f"{scheme}{host}{'' if port is None else ':' + port}{path}"
        ),
        st.sampled_from(["http://", "https://", "ftp://", "javascript:", "//", "", "HTTP://"]),
        hosts,
        ports,
        st.sampled_from(["", "/", "/a?b=c#d", "/../x", "/%zz", "/\x00"]) | texts,
    ),
    st.lists(TEXT_CHARS, max_size=60).map("".join),
)


@FUZZ
@given(urls)
def test_any_url_is_usable_or_an_input_error(url: str) -> None:
    got = outcome(lambda: usable_url(url), InputError)
    if isinstance(got, InputError):
        assert valid_unicode(str(got)) or not valid_unicode(url)
        return
    assert got.scheme in ("http", "https") and got.raw_host
    assert got.port is None or 1 <= got.port <= 65535


@FUZZ
@given(urls)
def test_any_redirect_location_is_usable_or_a_fetch_error(location: str) -> None:
    got = outcome(
        lambda: usable_url(location, FetchError, base=httpx.URL("http://a.example/x")), FetchError
    )
    assert isinstance(got, httpx.URL | FetchError)


@FUZZ
@given(st.ip_addresses().map(str) | texts, st.booleans())
def test_any_address_is_checked_or_a_fetch_error(address: str, allow_private: bool) -> None:
    got = outcome(lambda: check_address(address, allow_private), FetchError)
    if not isinstance(got, FetchError):
        assert got.is_global or allow_private


@FUZZ
@given(urls, st.lists(st.ip_addresses().map(str) | texts, max_size=3), st.booleans())
def test_any_resolver_answer_is_vetted_or_a_fetch_error(
    url: str, answer: list[str], allow_private: bool
) -> None:
    def resolver(host: str, port: int) -> Sequence[str]:
        return answer

    parsed = outcome(lambda: usable_url(url), InputError)
    if isinstance(parsed, InputError):
        return
    deadline = time.monotonic() + 5
    outcome(lambda: vetted_address(parsed, allow_private, resolver, deadline), FetchError)


CHARSETS = st.sampled_from(
    "utf-8 latin-1 utf-16 utf-32 utf-7 idna punycode rot13 base64 raw_unicode_escape"
    " unicode_escape zlib uu cp1252 shift_jis nope".split()
) | st.text(max_size=10)


@FUZZ
@given(
    st.binary(max_size=100) | st.sampled_from([b"+2AA-", b"\\ud800", b"\xff\xfe\x00\xd8"]), CHARSETS
)
def test_any_body_in_any_charset_decodes_to_text(body: bytes, charset: str) -> None:
    """A server picks the charset: whatever it names, the page becomes Unicode text
    (codecs such as utf-7 could make lone surrogates, which no answer could encode)."""
    assert valid_unicode(_decode_body(body, charset))


@FUZZ
@given(st.binary(max_size=100), st.integers(100, 599), st.text(max_size=40))
def test_any_response_is_a_page_or_a_project_error(body: bytes, status: int, ctype: str) -> None:
    header = ctype.encode("latin-1", errors="replace")
    response = httpx.Response(status, headers=[(b"content-type", header)], content=body)
    deadline = time.monotonic() + 5
    # FetchError for a bad status or size, BinaryInputError for a type that is not text.
    got = outcome(
        lambda: _read("http://a.example/", response, FetchPolicy(max_bytes=50), deadline),
        SpinscopeError,
    )
    if not isinstance(got, SpinscopeError):
        assert got.media_type in ("text/html", "application/xhtml+xml", "text/plain")
        assert valid_unicode(got.text) and status < 400 and len(body) <= 50


@pytest.mark.parametrize(
    "charset", ["idna", "punycode", "utf-7", "raw_unicode_escape", "unicode_escape"]
)
def test_charsets_that_cannot_replace_or_make_surrogates_still_give_text(charset: str) -> None:
    body = b"\xff+2AA-\\ud800 words"
    response = httpx.Response(
        200, headers={"content-type": f"text/plain; charset={charset}"}, content=body
    )
    page = _read("http://a.example/", response, FetchPolicy(), time.monotonic() + 5)
    # Whatever the codec makes of the bytes (punycode: not much), it is text.
    assert valid_unicode(page.text)
