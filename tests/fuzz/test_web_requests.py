"""Fuzzing what the web app reads from a request: JSON bodies of the analyzer API,
uploads and their query, and the query strings and keys of the corpus and dashboard.
Whatever a client sends, the answer is a success or a 4xx with ``{"error": "..."}``,
never a 500. The fake model stands in; no URL is fetched (the fetcher stops at the
guard's URL check)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from spinscope._errors import FetchError
from spinscope._ingest import FetchPolicy, Page
from spinscope._ingest._guard import shown, usable_url
from spinscope._store import Store
from spinscope._web import ServeConfig, create_app
from spinscope._web._deps import Fetcher

from ..fakes import fake_model
from ..storedata import fill
from .strategies import FUZZ, TEXT_CHARS, json_docs, texts

LOCAL = "http://localhost"
ERRORS = {400, 404, 413, 415, 422, 502}


class OfflineFetcher(Fetcher):
    """Reads a URL as the real fetcher does, then fetches nothing."""

    def fetch(self, url: str) -> Page:
        usable_url(url)
        raise FetchError(f"{shown(url)}: not fetched in the tests")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = str(tmp_path_factory.mktemp("web") / "store.db")
    with Store.open(db) as store:
        fill(store)
    app = create_app(fake_model(), ServeConfig(db=db))
    app.state.fetcher = OfflineFetcher(FetchPolicy(), 4)
    with TestClient(app, base_url=LOCAL) as test_client:
        yield test_client


def answered(response: Any) -> None:
    """A success, or a client error as ``{"error": message}``."""
    assert response.status_code == 200 or response.status_code in ERRORS, (
        response.status_code,
        response.text[:300],
    )
    if response.status_code != 200 and "json" in response.headers.get("content-type", ""):
        doc = response.json()
        assert set(doc) == {"error"} and isinstance(doc["error"], str)


KEYS = ["text", "html", "url", "threshold", "techniques"]
fields = st.fixed_dictionaries(
    {},
    optional={
        "text": st.none() | texts | st.sampled_from(["", " ", "\x00", "They are traitors."]),
        "html": st.none() | texts | st.just("<p>Lies and traitors everywhere, again.</p>" * 5),
        "url": st.none() | texts | st.sampled_from(["http://[::1/", "http://a:99999/", "ftp://x"]),
        "threshold": st.none() | st.floats() | st.integers() | texts,  # NaN, inf included
        "techniques": st.none() | st.lists(texts | st.sampled_from(["Doubt", "doubt"]), max_size=3),
    },
)
# Non-finite numbers and lone surrogates, which json.dumps does not write as JSON allows.
RAW = ['{"text": "a", "threshold": NaN}', '{"text": "a \\ud800"}', '{"url": "\\udfff"}']
RAW += [
    '{"text": "a", "threshold": 1e999}',
    "[" * 10_000,
    '{"text": "a", "threshold": ' + "9" * 5000 + "}",
]


@pytest.mark.parametrize("route", ["/api/analyze", "/api/semeval", "/api/report"])
@FUZZ
@given(body=fields | json_docs(KEYS))
def test_any_json_body_is_answered(client: TestClient, route: str, body: Any) -> None:
    # Written here, not by the client: it refuses NaN and Infinity, which a client may send.
    content = json.dumps(body, ensure_ascii=False).encode("utf-8", errors="surrogatepass")
    answered(client.post(route, content=content, headers={"Content-Type": "application/json"}))


@pytest.mark.parametrize("body", RAW, ids=range(len(RAW)))
def test_json_that_python_would_not_write_is_answered(client: TestClient, body: str) -> None:
    response = client.post(
        "/api/analyze", content=body.encode(), headers={"Content-Type": "application/json"}
    )
    answered(response)
    assert response.status_code != 200


@FUZZ
@given(
    data=st.binary(max_size=200) | texts.map(str.encode),
    name=st.sampled_from(["a.txt", "a.html", "", "x"]) | texts,
    threshold=st.none() | st.sampled_from(["0.5", "nan", "-1", "inf", "x", "²"]),
)
def test_any_upload_is_answered(
    client: TestClient, data: bytes, name: str, threshold: str | None
) -> None:
    query = "" if threshold is None else "?" + urlencode({"threshold": threshold})
    files = {"file": (name, data, "text/plain")}
    answered(client.post("/api/analyze-file" + query, files=files))


NAMES = ["q", "source", "technique", "from", "to", "model", "page", "per_page", "top"]
values = st.sampled_from(["", "1", "0", "101", "²", "\u0663", "-1", "2020-13", "2020-01"])
values |= st.sampled_from(["%", "_", '"', "*", "NEAR(", "Doubt", "a OR b", "\x00", "'"])
values |= st.lists(TEXT_CHARS, max_size=12).map("".join)
queries = st.lists(st.tuples(st.sampled_from(NAMES), values), max_size=5)


@pytest.mark.parametrize("route", ["/api/corpus", "/corpus", "/api/dashboard", "/dashboard"])
@FUZZ
@given(pairs=queries)
def test_any_query_string_is_answered(
    client: TestClient, route: str, pairs: list[tuple[str, str]]
) -> None:
    encoded = urlencode([(k, v.encode("utf-8", "surrogatepass")) for k, v in pairs])
    answered(client.get(f"{route}?{encoded}"))


@FUZZ
@given(raw=st.binary(max_size=40))
def test_any_raw_query_bytes_are_answered(client: TestClient, raw: bytes) -> None:
    answered(client.get("/api/corpus?" + quote(raw, safe="=&")))


@pytest.mark.parametrize("route", ["/api/corpus/articles/", "/corpus/articles/"])
@FUZZ
@given(key=texts, model=st.none() | texts)
def test_any_article_key_is_answered(
    client: TestClient, route: str, key: str, model: str | None
) -> None:
    query = "" if model is None else "?" + urlencode({"model": model})
    answered(client.get(route + quote(key.replace("%", ""), safe="") + query))


def test_page_numbers_in_other_scripts_are_400(client: TestClient) -> None:
    """``"²".isdigit()`` is true, but ``int("²")`` fails: a page number must be ASCII."""
    for query in ("page=²", "per_page=\u0663", "top=¹"):
        route = "/api/dashboard" if query.startswith("top") else "/api/corpus"
        response = client.get(f"{route}?{query}")
        assert response.status_code == 400 and "whole number" in response.json()["error"]
